//! The planner's data files (`releases/plan/*.yaml`) as typed structs.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

pub const SCHEMA_VERSION: u32 = 1;

/// Where a number comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Prov {
    /// Sourced: stated by a document or code.
    S,
    /// Derived from sourced defaults.
    D,
    /// Estimate: calibrate it.
    E,
    /// Measured elsewhere (another deployer, another test bed), with the source.
    M,
    /// Calibrated from recorded runs (`upgrade record`); set by the planner, never by a data
    /// file.
    #[serde(skip_deserializing)]
    #[schemars(skip)]
    C,
}

impl Prov {
    pub fn letter(self) -> &'static str {
        match self {
            Prov::S => "S",
            Prov::D => "D",
            Prov::E => "E",
            Prov::M => "M",
            Prov::C => "C",
        }
    }
    pub fn word(self) -> &'static str {
        match self {
            Prov::S => "sourced",
            Prov::D => "derived",
            Prov::E => "estimate",
            Prov::M => "measured elsewhere",
            Prov::C => "calibrated",
        }
    }
}

/// A range in seconds with provenance; sampled from a triangular distribution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Prior {
    pub min: f64,
    pub max: f64,
    /// The most likely value; default `min + (max - min) / 3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<f64>,
    pub prov: Prov,
    /// A key of `sources:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Why this number (required for estimates without a source).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl Prior {
    pub fn mode(&self) -> f64 {
        self.mode.unwrap_or(self.min + (self.max - self.min) / 3.0)
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Serialize,
    Deserialize,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum OutageKind {
    Degraded,
    Full,
}

impl OutageKind {
    pub fn name(self) -> &'static str {
        match self {
            OutageKind::Degraded => "degraded",
            OutageKind::Full => "full",
        }
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Runs once (or on all hosts at once, like kolla with `kolla_serial` 0).
    #[default]
    Once,
    /// One unit after another: duration = base + Σ per_unit.
    Serial,
    /// All units at once: duration = base + one per_unit.
    Concurrent,
}

/// What a step's units are counted in (from the site).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Hosts,
    Controllers,
    Computes,
    NetworkNodes,
    Mons,
    Mgrs,
    OsdHosts,
    RgwHosts,
    MdsHosts,
    KaasCp,
    KaasWorkerBatches,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Hosts => "hosts",
            Unit::Controllers => "controllers",
            Unit::Computes => "computes",
            Unit::NetworkNodes => "network_nodes",
            Unit::Mons => "mons",
            Unit::Mgrs => "mgrs",
            Unit::OsdHosts => "osd_hosts",
            Unit::RgwHosts => "rgw_hosts",
            Unit::MdsHosts => "mds_hosts",
            Unit::KaasCp => "kaas_cp",
            Unit::KaasWorkerBatches => "kaas_worker_batches",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ForEach {
    KaasCluster,
}

/// One API name or a list of them (`all` = every API with `in_all`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum ApiSel {
    One(String),
    Many(Vec<String>),
}

impl ApiSel {
    pub fn names(&self) -> Vec<String> {
        match self {
            ApiSel::One(s) => vec![s.clone()],
            ApiSel::Many(v) => v.clone(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepsFile {
    pub schema_version: u32,
    pub sources: IndexMap<String, String>,
    pub restart_gap: Prior,
    /// Restart gaps of particular API servers (`wsgi`, `nova-api`), chosen by an effect's `gap`.
    #[serde(default)]
    pub restart_gaps: IndexMap<String, Prior>,
    /// Added to the duration of a step with `exit_143` containers while the units have the
    /// gh973 bug and the site has not run `osism apply fix-gh973`.
    pub gh973_penalty: Prior,
    /// When a step with `exit_143` pays `gh973_penalty`: conditions as in a step's `when:`
    /// (`[gh973_units, "!fix_gh973"]`).
    pub gh973_when: Vec<String>,
    /// What the plan says of the penalty on such a step.
    pub gh973_note: String,
    /// A site-wide factor on every step duration, drawn once per simulated run (registry
    /// bandwidth, controller CPU, database size move all steps together).
    #[serde(default)]
    pub duration_factor: Option<Factor>,
    pub apis: Vec<ApiDef>,
    #[serde(default)]
    pub propagation: Vec<PropagationDef>,
    pub steps: Vec<StepDef>,
}

/// A log-normal factor with median 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Factor {
    /// σ of the underlying normal distribution.
    pub sigma: f64,
    pub prov: Prov,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiDef {
    pub id: String,
    pub name: String,
    /// The API exists when the site enables this service.
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub when: Vec<String>,
    /// Part of `all` (behind the HAProxy VIP).
    #[serde(default = "yes")]
    pub in_all: bool,
    #[serde(default)]
    pub for_each: Option<ForEach>,
    /// The name in customer texts (the announcement) where `name` is not one: per-cluster
    /// APIs are one row there, without the provider's cluster names.
    #[serde(default)]
    pub customer_name: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiKindDef {
    pub api: String,
    pub kind: OutageKind,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PropagationDef {
    pub from: ApiKindDef,
    pub to: ApiKindDef,
    pub prov: Prov,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    pub id: String,
    pub section: String,
    pub title: String,
    #[serde(default)]
    pub commands: Vec<String>,
    #[serde(default)]
    pub after: Vec<String>,
    /// Planned only when the site enables this OpenStack service.
    #[serde(default)]
    pub service: Option<String>,
    /// Conditions that must all hold (`!x` negates).
    #[serde(default)]
    pub when: Vec<String>,
    #[serde(default)]
    pub for_each: Option<ForEach>,
    #[serde(default)]
    pub scope: Scope,
    #[serde(default)]
    pub units: Option<Unit>,
    pub duration: Prior,
    #[serde(default)]
    pub per_unit: Option<Prior>,
    #[serde(default)]
    pub effects: Vec<EffectDef>,
    /// Replacement `after` lists when a site flag is set (`proxysql_migration`).
    #[serde(default)]
    pub variants: IndexMap<String, VariantDef>,
    #[serde(default)]
    pub caveats: Vec<String>,
    /// Its containers exit with code 143 on stop (kolla bug 2048130, osism/issues#973): with
    /// the buggy units each stop waits for systemd's timeout (`gh973_penalty`).
    #[serde(default)]
    pub exit_143: bool,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantDef {
    pub after: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EffectDef {
    pub api: ApiSel,
    pub kind: OutageKind,
    /// All-host restarts: each costs one `restart_gap` (kolla); full becomes degraded when
    /// the site sets `kolla_serial`.
    #[serde(default)]
    pub restarts: Option<u32>,
    /// Which of `restart_gaps` a restart costs (default: `restart_gap`).
    #[serde(default)]
    pub gap: Option<String>,
    /// Length of each window (instead of `restarts`).
    #[serde(default)]
    pub window: Option<Prior>,
    /// Number of windows (default 1).
    #[serde(default)]
    pub count: Option<u32>,
    /// Number of windows = the site's count of these units.
    #[serde(default)]
    pub count_units: Option<Unit>,
    /// Windows per unit with `count_units` (an OSD host: stop, then start and peering).
    #[serde(default)]
    pub each: Option<u32>,
    /// Where each window starts, as fractions of the step's duration (default: spread).
    #[serde(default)]
    pub at: Option<Vec<f64>>,
    /// The outage lasts the whole step.
    #[serde(default)]
    pub whole: bool,
    #[serde(default)]
    pub when: Vec<String>,
    pub cause: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HopsFile {
    pub schema_version: u32,
    /// Bugs of the kolla systemd units a release's containers run under: a hop from a
    /// release in `[affected_from, fixed_in)` gets `flag`.
    #[serde(default)]
    pub unit_bugs: Vec<UnitBug>,
    pub hops: Vec<HopDef>,
}

#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBug {
    pub flag: String,
    pub affected_from: String,
    pub fixed_in: String,
    pub source: String,
}

/// One OSISM hop (a major upgrade, or an update within a major when `from == to`).
#[derive(Debug, Clone, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HopDef {
    pub from: u64,
    pub to: u64,
    /// Conditions true for this hop (`octavia_persistence`, `docker_major`, `k3s_upgrade`).
    #[serde(default)]
    pub flags: Vec<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}

impl crate::data::DataFile for StepsFile {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl crate::data::DataFile for HopsFile {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
