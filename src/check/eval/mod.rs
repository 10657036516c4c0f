//! Evaluating one check: its conditions, then each piece of evidence it names, by the
//! evidence's source (one file per source: configuration repository, inventory, collected
//! facts, release data). A check passes only on evidence; without it the check is "unknown"
//! and names what is missing. Values of secrets are never put into findings: messages name
//! the file, line and key, and at most a non-secret value.

mod config;
mod effective;
mod facts;
mod inventory;
mod release;

use super::catalog::{Check, EvidenceKind};
use super::report::Status;
use crate::base::version::Version;
use crate::evidence::config::ConfigRepo;
use crate::evidence::facts::Facts;
use crate::evidence::inventory::Inventory;
use crate::release::Store;
use crate::release::defaults::Defaults;
use crate::release::path_rules::Rules;

/// Everything a check can read.
pub struct Inputs<'a> {
    pub store: &'a Store,
    pub rules: &'a Rules,
    pub from: &'a Version,
    pub to: &'a Version,
    pub config: &'a ConfigRepo,
    pub inventory: Option<&'a Inventory>,
    pub facts: Option<&'a Facts>,
    /// The OSISM defaults (osism/defaults at the release's `defaults_version`) of `from` and
    /// `to`, where the release data has them.
    pub from_defaults: Option<&'a Defaults>,
    pub to_defaults: Option<&'a Defaults>,
}

/// What one piece of evidence (or a whole check) showed.
#[derive(Debug, Default)]
pub(super) struct Res {
    pub(super) state: Status,
    pub(super) details: Vec<String>,
    pub(super) missing: Vec<String>,
}

impl Res {
    fn fail(&mut self, d: impl Into<String>) {
        self.state = Status::Fail;
        self.details.push(d.into());
    }
    fn missing(&mut self, m: impl Into<String>) {
        if self.state != Status::Fail {
            self.state = Status::Unknown;
        }
        let m = m.into();
        if !self.missing.contains(&m) {
            self.missing.push(m);
        }
    }
    fn note(&mut self, d: impl Into<String>) {
        self.details.push(d.into());
    }
    fn na(reason: String) -> Res {
        Res {
            state: Status::NotApplicable,
            details: vec![reason],
            missing: vec![],
        }
    }
}

/// `None` when every condition holds, else the result that stands for the check or item:
/// not applicable (with why), or unknown (with the missing evidence).
fn conditions(when: &[crate::check::catalog::Condition], inp: &Inputs) -> Option<Res> {
    for cond in when {
        match config::condition(inp, cond) {
            Ok((true, _)) => {}
            Ok((false, why)) => return Some(Res::na(why)),
            Err(m) => {
                let mut r = Res::default();
                r.missing(m);
                return Some(r);
            }
        }
    }
    None
}

pub(super) fn evaluate(c: &Check, inp: &Inputs) -> Res {
    if let Some(r) = conditions(&c.when, inp) {
        return r;
    }
    let mut total = Res::default();
    let mut all_na = true;
    let mut na_reasons = Vec::new();
    for e in &c.evidence {
        let r = match conditions(&e.when, inp) {
            Some(r) => r,
            None => item(e, inp),
        };
        if r.state == Status::NotApplicable {
            // Why an item does not apply matters only when none does.
            na_reasons.extend(r.details);
            continue;
        }
        all_na = false;
        match (total.state, r.state) {
            (Status::Fail, _) | (_, Status::NotApplicable) | (_, Status::Pass) => {}
            (_, Status::Fail) => total.state = Status::Fail,
            (Status::Unknown, _) => {}
            (_, s) => total.state = s,
        }
        total.details.extend(r.details);
        for m in r.missing {
            if !total.missing.contains(&m) {
                total.missing.push(m);
            }
        }
    }
    if all_na {
        total.state = Status::NotApplicable;
        total.details = na_reasons;
    }
    total
}

fn item(e: &crate::check::catalog::Evidence, inp: &Inputs) -> Res {
    match e.kind {
        EvidenceKind::ConfigKey => config::config_key(e, inp),
        EvidenceKind::ConfigFile => config::config_file(e, inp),
        EvidenceKind::ConfigKeysMatch => config::config_keys_match(e, inp),
        EvidenceKind::EffectiveKey => effective::effective_key(e, inp),
        EvidenceKind::InventoryGroup => inventory::inventory_group(e, inp),
        EvidenceKind::HostVarsKey => inventory::host_vars_key(e, inp),
        EvidenceKind::HostStat => facts::host_stat(e, inp),
        EvidenceKind::FactsJson => facts::facts_json(e, inp),
        EvidenceKind::FactsText => facts::facts_text(e, inp),
        EvidenceKind::CephVersions => facts::ceph_versions(e, inp),
        EvidenceKind::K8sNodes => facts::k8s_nodes(e, inp),
        EvidenceKind::ReleasePin => release::release_pin(e, inp),
        EvidenceKind::UpgradePath => release::upgrade_path(inp),
        EvidenceKind::Manual => Res {
            state: Status::Manual,
            ..Res::default()
        },
    }
}
