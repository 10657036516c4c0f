//! `releases/rc/tracking.yaml`: what `rc status` demands of covered components (blocker
//! labels and milestones, kinds that need CI or a GitHub release, the drift policy).

use serde::{Deserialize, Serialize};

use crate::base::version::Version;
use crate::data::DataDir;
use crate::release::{ReleaseError, ScsRelease};

pub const FILE: &str = "releases/rc/tracking.yaml";

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracking {
    pub schema_version: u32,
    pub blockers: BlockerRules,
    #[serde(default)]
    pub require_ci: Vec<String>,
    #[serde(default)]
    pub require_release: Vec<String>,
    #[serde(default)]
    pub drift: DriftPolicy,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockerRules {
    #[serde(default)]
    pub labels: Vec<String>,
    /// Title templates: `{release}`, `{final}`, `{scs}`, `{label}`.
    #[serde(default)]
    pub milestones: Vec<String>,
}

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum DriftPolicy {
    #[default]
    Block,
    Warn,
}

impl Tracking {
    pub fn load(data: &DataDir) -> Result<Tracking, ReleaseError> {
        Ok(data.load::<Tracking>(FILE)?.0)
    }

    /// Milestone titles for a release, templates filled, duplicates and unfilled ones dropped.
    pub fn milestones(
        &self,
        version: &Version,
        scs: Option<&ScsRelease>,
        label: &str,
    ) -> Vec<String> {
        let final_release = version
            .final_release()
            .map(|v| v.to_string())
            .unwrap_or_else(|| version.to_string());
        let mut out: Vec<String> = Vec::new();
        for t in &self.blockers.milestones {
            if t.contains("{scs}") && scs.is_none() {
                continue;
            }
            let m = t
                .replace("{release}", version.as_str())
                .replace("{final}", &final_release)
                .replace("{scs}", scs.map(|s| s.name.as_str()).unwrap_or(""))
                .replace("{label}", label);
            if !m.is_empty() && !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }
}

impl crate::data::DataFile for Tracking {
    const SCHEMA_VERSION: u32 = 1;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
