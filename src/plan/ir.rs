//! The compiled plan: the intermediate representation between `compile` (which builds it
//! from the step catalogue, a hop and a site) and `sim`/`report` (which sample and show it).

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Serialize;

use super::model::{HopDef, OutageKind, Prior, Prov, Scope, Unit};
use super::rng::Tri;

/// APIs one plan can track (the simulation keeps a fixed-size bit set per step).
pub const MAX_APIS: usize = 128;

#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub id: String,
    pub name: String,
    pub in_all: bool,
    /// The name in customer texts; APIs that share it are one row there.
    pub customer_name: String,
}

/// A prior compiled for sampling, keeping its provenance.
#[derive(Debug, Clone, Serialize)]
pub struct Num {
    #[serde(flatten)]
    pub prior: Prior,
    #[serde(skip)]
    pub tri: Tri,
}

impl Num {
    pub(super) fn new(prior: &Prior) -> Num {
        Num {
            tri: Tri::new(prior.min, prior.mode(), prior.max),
            prior: prior.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Effect {
    pub apis: Vec<usize>,
    pub kind: OutageKind,
    /// Start of each window as a fraction of the step's duration.
    pub at: Vec<f64>,
    /// Length of each window (a restart gap for `restarts`).
    pub window: Option<Num>,
    pub whole: bool,
    pub restarts: Option<u32>,
    pub cause: String,
    /// Note when the effect was changed by the site (kolla_serial).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub section: String,
    pub commands: Vec<String>,
    pub deps: Vec<usize>,
    pub scope: Scope,
    pub unit: Option<Unit>,
    pub units: u32,
    pub duration: Num,
    pub per_unit: Option<Num>,
    /// Added to the duration (the gh973 stop timeout of `exit_143` containers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extra: Option<(Num, String)>,
    pub effects: Vec<Effect>,
    pub caveats: Vec<String>,
    /// Recorded durations (seconds) from `--history`; when present they replace the priors.
    pub calibrated: Option<Vec<f64>>,
    /// Index into [`Plan::hops`].
    pub hop: usize,
}

impl Step {
    /// Provenance of the duration used: recorded runs beat the priors.
    pub fn duration_prov(&self) -> String {
        if let Some(c) = &self.calibrated {
            return format!(
                "calibrated ({} run{})",
                c.len(),
                if c.len() == 1 { "" } else { "s" }
            );
        }
        let mut p = vec![self.duration.prior.prov];
        p.extend(self.per_unit.iter().map(|u| u.prior.prov));
        p.extend(self.extra.iter().map(|(n, _)| n.prior.prov));
        // The weakest provenance of the parts: an estimate, then measured elsewhere, derived.
        let worst = [Prov::E, Prov::M, Prov::D]
            .into_iter()
            .find(|w| p.contains(w))
            .unwrap_or(Prov::S);
        worst.letter().to_string()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub from_api: usize,
    pub from_kind: OutageKind,
    pub to: Vec<usize>,
    pub to_kind: OutageKind,
    pub prov: Prov,
    pub source: Option<String>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    pub id: String,
    pub why: String,
    /// In a multi-hop plan, the hops (`7-8`) that skip it when not all of them do.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hops: Vec<String>,
}

/// A concrete plan for one hop and one site.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// The hops in order (one for a single-hop plan).
    pub hops: Vec<HopDef>,
    pub apis: Vec<Api>,
    pub steps: Vec<Step>,
    /// Run order: a topological order that keeps the catalog's (upgrade guide's) order on ties.
    pub order: Vec<usize>,
    pub rules: Vec<Rule>,
    pub sources: IndexMap<String, String>,
    pub conditions: BTreeMap<String, bool>,
    pub skipped: Vec<Skipped>,
    /// The site-wide log-normal duration factor, drawn once per simulated run.
    pub duration_factor: Option<super::model::Factor>,
}
