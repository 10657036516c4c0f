//! The readiness matrix: rows, cells and the verdict, as rendered by `render::rc_status`.

use serde::Serialize;

use crate::forge::{Blocker, Stats};

/// What a cell's evidence says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// Evidence says this is fine.
    Good,
    /// Evidence says this blocks the release.
    Bad,
    /// No evidence (no clone, API error, pending CI): never green.
    Unknown,
    /// Shown for information; does not count for the verdict.
    Info,
    /// The question does not apply (no release branch for a third-party component).
    NotApplicable,
}

/// One cell of the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Cell {
    pub state: CellState,
    /// What was found (`v0.20240221.0`, `3 commits`, `success`).
    pub value: String,
    /// Why the cell is bad or unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Where the answer came from: `git` (local clone) or `github`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// Seconds since the answer was fetched, when it came from the offline cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stale_secs: Option<u64>,
}

impl Cell {
    fn new(state: CellState, value: impl Into<String>) -> Cell {
        Cell {
            state,
            value: value.into(),
            reason: None,
            source: None,
            stale_secs: None,
        }
    }
    pub fn good(value: impl Into<String>) -> Cell {
        Cell::new(CellState::Good, value)
    }
    pub fn bad(value: impl Into<String>, reason: impl Into<String>) -> Cell {
        Cell {
            reason: Some(reason.into()),
            ..Cell::new(CellState::Bad, value)
        }
    }
    pub fn unknown(reason: impl Into<String>) -> Cell {
        Cell {
            reason: Some(reason.into()),
            ..Cell::new(CellState::Unknown, "")
        }
    }
    pub fn info(value: impl Into<String>) -> Cell {
        Cell::new(CellState::Info, value)
    }
    pub fn na() -> Cell {
        Cell::new(CellState::NotApplicable, "")
    }
    pub fn from(mut self, source: &'static str) -> Cell {
        self.source = Some(source);
        self
    }
    pub fn stale(mut self, secs: Option<u64>) -> Cell {
        if self.source == Some("github") {
            self.stale_secs = secs;
        }
        self
    }
}

/// The questions asked of each covered component, in column order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Column {
    Tag,
    Commit,
    OnBranch,
    Drift,
    Ci,
    Release,
    Blockers,
}

impl Column {
    pub const ALL: [Column; 7] = [
        Column::Tag,
        Column::Commit,
        Column::OnBranch,
        Column::Drift,
        Column::Ci,
        Column::Release,
        Column::Blockers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Column::Tag => "tag",
            Column::Commit => "commit",
            Column::OnBranch => "on branch",
            Column::Drift => "drift",
            Column::Ci => "CI",
            Column::Release => "release",
            Column::Blockers => "blockers",
        }
    }
}

/// One covered component (GitHub-mapped, frozen pin).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// Pin id (`base/ansible_collections/osism.commons`).
    pub id: String,
    /// Kind from components.yaml (`osism-calver`).
    pub kind: String,
    pub owned: bool,
    pub repo: String,
    /// The pinned value.
    pub pinned: String,
    /// The tag the pin should have (`v0.20240221.0`), or `None` for SHA pins.
    pub expected_tag: Option<String>,
    /// The branch the tag should be on.
    pub branch: Option<String>,
    /// Local clone used, if any.
    pub clone: Option<String>,
    pub tag: Cell,
    pub commit: Cell,
    pub on_branch: Cell,
    pub drift: Cell,
    pub ci: Cell,
    pub release: Cell,
    pub blockers: Cell,
    /// The open blockers themselves.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub blocker_items: Vec<Blocker>,
}

impl Row {
    pub fn cell(&self, c: Column) -> &Cell {
        match c {
            Column::Tag => &self.tag,
            Column::Commit => &self.commit,
            Column::OnBranch => &self.on_branch,
            Column::Drift => &self.drift,
            Column::Ci => &self.ci,
            Column::Release => &self.release,
            Column::Blockers => &self.blockers,
        }
    }
}

/// A pin shown for information only (not covered by the verdict).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct InfoRow {
    pub id: String,
    pub kind: String,
    pub pinned: String,
    /// Why it is not covered (`branch, not frozen`, `registry image, not a GitHub repository`).
    pub note: String,
}

/// Consistency findings on the release (from `rc diff`'s checks), as they enter the verdict.
#[derive(Debug, Clone, Default, Serialize, schemars::JsonSchema)]
pub struct Consistency {
    /// Whether the consistency checks ran at all.
    pub checked: bool,
    pub blocking: Vec<String>,
    pub unknown: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "verdict", rename_all = "snake_case")]
pub enum Verdict {
    Ready,
    Blocked {
        reasons: Vec<String>,
        /// Cells without evidence (also not green).
        unknown: Vec<String>,
    },
    Unknown {
        reasons: Vec<String>,
    },
}

impl Verdict {
    pub fn name(&self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Blocked { .. } => "blocked",
            Verdict::Unknown { .. } => "unknown",
        }
    }

    /// Exit code: 0 ready, 1 blocked, 2 unknown.
    pub fn exit_code(&self) -> i32 {
        match self {
            Verdict::Ready => 0,
            Verdict::Blocked { .. } => 1,
            Verdict::Unknown { .. } => 2,
        }
    }
}

/// The whole readiness report of one release.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StatusReport {
    /// OSISM version (`7.0.0b`).
    pub release: String,
    /// `R6`, when the version belongs to an SCS release.
    pub scs: Option<String>,
    /// `RC1`, `final` …
    pub label: String,
    pub offline: bool,
    pub rows: Vec<Row>,
    pub info: Vec<InfoRow>,
    /// Pins that are settings (not components), counted only.
    pub settings: usize,
    pub consistency: Consistency,
    pub verdict: Verdict,
    /// Problems worth a message of their own (each distinct error once, full text).
    pub problems: Vec<String>,
    /// Blocker labels and milestones asked for.
    pub blocker_labels: Vec<String>,
    pub milestones: Vec<String>,
    pub github: Stats,
}
