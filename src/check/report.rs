//! The result of `upgrade check`: one finding per check, with its status and evidence, and
//! the exit code they give.

use serde::Serialize;

use super::catalog::Severity;
use crate::base::version::Version;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Pass,
    Fail,
    Unknown,
    /// Needs a person (information and commands only).
    Manual,
    /// A condition on the configuration is false.
    NotApplicable,
    /// Skipped with `--ignore`.
    Ignored,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Manual => "manual",
            Status::NotApplicable => "n/a",
            Status::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// What was found (per host, file, key), never a secret value.
    pub details: Vec<String>,
    /// The evidence that was missing (for "unknown").
    pub missing: Vec<String>,
    pub remediation: String,
    pub sources: Vec<String>,
}

impl Finding {
    /// Does this finding stop the upgrade (exit 2)?
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Block && matches!(self.status, Status::Fail | Status::Unknown)
    }

    /// Is it a warning (exit 1)?
    pub fn warns(&self) -> bool {
        self.severity == Severity::Warn && matches!(self.status, Status::Fail | Status::Unknown)
    }
}

/// The result of `upgrade check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: Version,
    pub to: Version,
    pub from_scs: Option<String>,
    pub to_scs: Option<String>,
    pub config: String,
    pub facts: Option<String>,
    pub findings: Vec<Finding>,
    /// Catalogue checks that belong to other upgrades.
    pub other_hops: usize,
    /// When the check ran and how long it took (set by the caller that timed it).
    #[serde(skip)]
    pub timing: Option<Timing>,
}

/// When a check run started and how long it took.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    pub started: jiff::Timestamp,
    pub seconds: f64,
}

impl Report {
    /// 0 all passed, 1 warnings only, 2 a blocking finding or a blocking check without evidence.
    pub fn exit_code(&self) -> i32 {
        if self.findings.iter().any(Finding::blocks) {
            2
        } else if self.findings.iter().any(Finding::warns) {
            1
        } else {
            0
        }
    }

    pub fn count(&self, f: impl Fn(&Finding) -> bool) -> usize {
        self.findings.iter().filter(|x| f(x)).count()
    }
}
