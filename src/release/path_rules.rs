//! Upgrade path rules (`releases/upgrade-rules.yaml`): which version jumps each component
//! allows within one hop.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::error::ReleaseError;
use crate::data::DataDir;

pub const RULES_FILE: &str = "releases/upgrade-rules.yaml";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    pub schema_version: u32,
    pub osism: OsismRules,
    pub openstack: OpenstackRules,
    pub ceph: CephRules,
    pub kubernetes: KubernetesRules,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OsismRules {
    pub max_major_step: u64,
    /// Majors whose first minor is not meant for production upgrades.
    #[serde(default)]
    pub entry: Vec<MajorEntry>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// Where the release notes recommend that production enters a major (`10` → `10.1.0`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MajorEntry {
    pub major: u64,
    /// The oldest release of the major recommended for upgrading production.
    pub recommended_from: String,
    /// Where this is said.
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenstackRules {
    pub series: Vec<Series>,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Series {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub slurp: bool,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CephRules {
    pub majors: BTreeMap<String, u64>,
    pub max_major_step: u64,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KubernetesRules {
    pub control_plane_max_minor_step: u64,
    pub kubelet_max_minor_lag: u64,
    #[serde(default)]
    pub sources: Vec<String>,
}

impl Rules {
    pub fn load(data: &DataDir) -> Result<Rules, ReleaseError> {
        let (rules, _) = data.load::<Rules>(RULES_FILE)?;
        Ok(rules)
    }

    /// Position of an OpenStack series (by name or alias) in the ordered list.
    pub fn series_index(&self, name: &str) -> Option<usize> {
        self.openstack.series.iter().position(|s| {
            s.name.eq_ignore_ascii_case(name)
                || s.aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
    }

    /// Canonical `YYYY.N` name of a series.
    pub fn series_name(&self, name: &str) -> String {
        self.series_index(name)
            .map(|i| self.openstack.series[i].name.clone())
            .unwrap_or_else(|| name.to_string())
    }

    pub fn ceph_major(&self, codename: &str) -> Option<u64> {
        self.ceph
            .majors
            .get(&codename.to_ascii_lowercase())
            .copied()
    }

    pub fn ceph_codename(&self, major: u64) -> Option<&str> {
        self.ceph
            .majors
            .iter()
            .find(|(_, m)| **m == major)
            .map(|(n, _)| n.as_str())
    }
}

impl crate::data::DataFile for Rules {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
