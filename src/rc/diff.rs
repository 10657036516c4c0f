//! `rc diff`: the pin changes between two releases plus the consistency findings on each,
//! and which findings of the older release the newer one resolved.

use std::path::Path;

use serde::Serialize;

use super::consistency::{Check, Finding, check_manifest, previous_release};
use super::error::RcError;
use crate::base::version::Version;
use crate::release::Store;
use crate::release::components::ComponentRules;
use crate::release::diff::{PinDiff, diff};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct RcDiff {
    pub from: Version,
    pub to: Version,
    /// The release `from` was checked against for dropped components, if any.
    pub from_previous: Option<Version>,
    pub diff: PinDiff,
    pub findings_from: Vec<Finding>,
    /// Findings on `to`; dropped components are relative to `from`.
    pub findings_to: Vec<Finding>,
    /// Findings on `from` that `to` no longer has.
    pub resolved: Vec<Finding>,
    /// Findings on `to` that `from` did not have.
    pub introduced: Vec<Finding>,
}

/// Compare two releases known to the store.
pub fn rc_diff(
    store: &Store,
    rules: &ComponentRules,
    from: &Version,
    to: &Version,
    repos: Option<&Path>,
) -> Result<RcDiff, RcError> {
    let a = store.manifest(from)?;
    let b = store.manifest(to)?;
    let from_previous = previous_release(store, from);
    let pa = from_previous.as_ref().and_then(|p| store.manifest(p).ok());
    let findings_from = check_manifest(rules, a, pa, repos);
    let findings_to = check_manifest(rules, b, Some(a), repos);
    let key = |f: &Finding| {
        (
            f.check,
            f.family.clone(),
            if f.check == Check::Family {
                Vec::new()
            } else {
                f.pins.iter().map(|p| p.id.clone()).collect()
            },
        )
    };
    let comparable = |f: &&Finding| !matches!(f.check, Check::Dropped | Check::NoPins);
    let resolved = findings_from
        .iter()
        .filter(comparable)
        .filter(|f| !findings_to.iter().any(|g| key(g) == key(f)))
        .cloned()
        .collect();
    let introduced = findings_to
        .iter()
        .filter(comparable)
        .filter(|f| !findings_from.iter().any(|g| key(g) == key(f)))
        .cloned()
        .collect();
    Ok(RcDiff {
        from: from.clone(),
        to: to.clone(),
        from_previous,
        diff: diff(a, b),
        findings_from,
        findings_to,
        resolved,
        introduced,
    })
}
