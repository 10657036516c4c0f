//! The tool's own release data format (`releases/scs/*.yaml`, `releases/osism/*.yaml`).

use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::base::version::Version;

pub const SCHEMA_VERSION: u32 = 1;

/// One SCS release (`releases/scs/R6.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScsRelease {
    pub schema_version: u32,
    /// `R6`.
    pub name: String,
    /// The OSISM version of the final release (`7.0.0`). SCS repo tags carry this number.
    pub osism: Version,
    /// Release date of the final release (`YYYY-MM-DD`); absent while planned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    pub status: ReleaseStatus,
    /// Release candidates in order (`7.0.0a` = RC0 …).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    pub tracks: Tracks,
    /// Where the facts in this file come from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseStatus {
    Released,
    Planned,
}

/// A release candidate of an SCS release.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Candidate {
    /// OSISM spelling (`7.0.0b`).
    pub version: Version,
    /// SCS name (`RC1`).
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
}

/// The tracks an SCS release is made of.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tracks {
    pub iaas: IaasTrack,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kaas_v1: Option<KaasV1>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kaas_v2: Option<KaasV2>,
}

/// IaaS = OSISM.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IaasTrack {
    /// OpenStack series (`2023.2`).
    pub openstack: String,
    /// Ceph release codename (`quincy`).
    pub ceph: String,
    /// The osism/release folder holding the pins, and the file in `releases/osism/`.
    pub pins: String,
    /// Older OpenStack series the release also supports (R8: `2024.1`, so that an operator
    /// can skip 2024.2 and go SLURP 2024.1 → 2025.1 with the next release).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub openstack_also: Vec<String>,
    /// Older Ceph releases it also supports (R8: `quincy`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ceph_also: Vec<String>,
}

/// KaaS v1 = k8s-cluster-api-provider.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KaasV1 {
    pub repo: String,
    /// Tag of the final release (`v7.0.0`).
    pub tag: Version,
    /// Release-candidate tags in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Version>,
    /// Tag of the previous SCS release, start of the notes range (`v6.0.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_tag: Option<Version>,
    pub support: TrackSupport,
    /// Kubernetes versions the track supports (`1.28`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubernetes: Vec<String>,
    /// Component versions shipped (name → version), for the notes' software table.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub software: indexmap::IndexMap<String, String>,
}

/// KaaS v2 = Cluster Stacks.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KaasV2 {
    pub support: TrackSupport,
    /// Component repo → released tag (cluster-stack-operator, csctl, …).
    #[schemars(with = "std::collections::BTreeMap<String, String>")]
    pub components: indexmap::IndexMap<String, Version>,
    /// Cluster-stack release tags shipped (`openstack-scs-1-28-v1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_stacks: Vec<Version>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kubernetes: Vec<String>,
    /// What an operator on this track must do or know when entering this release (the
    /// release notes' upgrade and migration notes), shown on every KaaS path through it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upgrade_notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TrackSupport {
    /// The recommended track.
    Supported,
    /// Shipped as a technical preview.
    Preview,
    /// Kept only to migrate away from it.
    MigrationOnly,
}

/// The pins of one OSISM version in the tool's format (`releases/osism/7.0.0b.yaml`),
/// produced by `scs-release releases import`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub schema_version: u32,
    pub version: Version,
    pub source: ManifestSource,
    /// Release date from the table of the OSISM release notes (`releases sync --notes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    /// OpenStack series of the active `openstack-*.yml` (`2023.2`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub openstack: Option<String>,
    /// Ceph codename of the active `ceph-*.yml` (`quincy`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceph: Option<String>,
    pub pins: Vec<Pin>,
    /// Lists that are not pins (`openstack/openstack_projects_filter`), kept as written.
    #[serde(default, skip_serializing_if = "indexmap::IndexMap::is_empty")]
    #[schemars(with = "std::collections::BTreeMap<String, Vec<String>>")]
    pub settings: indexmap::IndexMap<String, Vec<String>>,
}

/// Where a manifest was imported from.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManifestSource {
    /// `osism/release`.
    pub repo: String,
    /// Folder inside it (`7.0.0b` or `archive/7.0.0b`).
    pub path: String,
    /// Files read, in order (`base.yml`, `ceph-quincy.yml`, `openstack-2023.2.yml`).
    pub files: Vec<String>,
    /// Commit of the checkout, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The day the folder was added to osism/release (committer date of the commit that
    /// added it; `releases sync`). The release notes' tables give the same day or one later.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub added_on: Option<Date>,
}

/// One pinned value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pin {
    /// `<layer>/<key>` or `<layer>/<section>/<key>`: `base/docker_images/mariadb`,
    /// `openstack/openstack_version`, `ceph/docker_images/ceph`.
    pub id: String,
    pub kind: PinKind,
    pub value: Version,
    /// GitHub repository (`osism/ansible-collection-commons`) from osism/release `etc/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// Container image (`osism/ceph-daemon`) from osism/release `etc/images.yml`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
}

impl Pin {
    /// `base`, `ceph` or `openstack`.
    pub fn layer(&self) -> &str {
        self.id.split('/').next().unwrap_or("")
    }

    /// The section (`docker_images`), if the pin is nested.
    pub fn section(&self) -> Option<&str> {
        let parts: Vec<&str> = self.id.splitn(3, '/').collect();
        (parts.len() == 3).then(|| parts[1])
    }

    /// The last part of the id (`mariadb`).
    pub fn key(&self) -> &str {
        self.id.splitn(3, '/').last().unwrap_or("")
    }
}

/// How pins are grouped in listings and diffs.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum PinKind {
    /// OSISM's own components (manager, defaults, generics, playbooks …).
    Osism,
    /// Ansible collections.
    Collection,
    /// Ansible roles.
    Role,
    /// Container images of the manager and infrastructure.
    Image,
    /// Everything from `openstack-*.yml`.
    Openstack,
    /// Everything from `ceph-*.yml`.
    Ceph,
    /// Runtime and tooling: ansible, docker, k3s, ara …
    Infra,
    /// Helm chart repositories.
    Helm,
}

impl PinKind {
    pub fn title(self) -> &'static str {
        match self {
            PinKind::Osism => "OSISM components",
            PinKind::Collection => "Ansible collections",
            PinKind::Role => "Ansible roles",
            PinKind::Image => "Container images",
            PinKind::Openstack => "OpenStack",
            PinKind::Ceph => "Ceph",
            PinKind::Infra => "Infrastructure",
            PinKind::Helm => "Helm chart repositories",
        }
    }
}

impl crate::data::DataFile for ScsRelease {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl crate::data::DataFile for Manifest {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
