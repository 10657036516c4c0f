//! Differences between the pins of two releases, grouped by kind.

use serde::Serialize;

use super::model::{Manifest, PinKind};
use crate::base::version::{Kind, Version};

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PinDiff {
    pub from: Version,
    pub to: Version,
    pub groups: Vec<DiffGroup>,
    /// Pins present in both and unchanged.
    pub unchanged: usize,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DiffGroup {
    pub kind: PinKind,
    pub title: &'static str,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Change {
    pub id: String,
    pub change: ChangeKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Version>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Version>,
    /// What kind of step this is: `major`, `minor`, `patch`, `downgrade`, `pre-release`,
    /// `respelled`, `branch`, `sha`, `kind changed` …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Changed,
    Added,
    Removed,
}

/// Compare two manifests pin by pin.
pub fn diff(a: &Manifest, b: &Manifest) -> PinDiff {
    let mut changes: Vec<(PinKind, Change)> = Vec::new();
    let mut unchanged = 0;
    for old in &a.pins {
        match b.pins.iter().find(|p| p.id == old.id) {
            Some(new) if new.value == old.value => unchanged += 1,
            Some(new) => changes.push((
                new.kind,
                Change {
                    id: old.id.clone(),
                    change: ChangeKind::Changed,
                    step: Some(step(&old.value, &new.value)),
                    old: Some(old.value.clone()),
                    new: Some(new.value.clone()),
                },
            )),
            None => changes.push((
                old.kind,
                Change {
                    id: old.id.clone(),
                    change: ChangeKind::Removed,
                    old: Some(old.value.clone()),
                    new: None,
                    step: None,
                },
            )),
        }
    }
    for new in b
        .pins
        .iter()
        .filter(|p| !a.pins.iter().any(|o| o.id == p.id))
    {
        changes.push((
            new.kind,
            Change {
                id: new.id.clone(),
                change: ChangeKind::Added,
                old: None,
                new: Some(new.value.clone()),
                step: None,
            },
        ));
    }
    let mut kinds: Vec<PinKind> = changes.iter().map(|(k, _)| *k).collect();
    kinds.sort();
    kinds.dedup();
    let groups = kinds
        .into_iter()
        .map(|kind| {
            let mut cs: Vec<Change> = changes
                .iter()
                .filter(|(k, _)| *k == kind)
                .map(|(_, c)| c.clone())
                .collect();
            cs.sort_by(|x, y| (x.change as u8, &x.id).cmp(&(y.change as u8, &y.id)));
            DiffGroup {
                kind,
                title: kind.title(),
                changes: cs,
            }
        })
        .collect();
    PinDiff {
        from: a.version.clone(),
        to: b.version.clone(),
        groups,
        unchanged,
    }
}

/// Describe the step from one value to another.
pub fn step(old: &Version, new: &Version) -> String {
    match (old.kind(), new.kind()) {
        (Kind::Numeric(o), Kind::Numeric(n)) => {
            if old.same_as(new) {
                return "respelled".into();
            }
            if new < old && !old.same_as(new) && o.epoch == n.epoch {
                return "downgrade".into();
            }
            if o.epoch != n.epoch {
                return "epoch".into();
            }
            if o.scheme == crate::base::version::Scheme::Calver
                && n.scheme == crate::base::version::Scheme::Calver
            {
                return "calver".into();
            }
            let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
            let first_diff = (0..o.numbers.len().max(n.numbers.len()))
                .find(|&i| at(&o.numbers, i) != at(&n.numbers, i));
            match first_diff {
                Some(0) => "major".into(),
                Some(1) => "minor".into(),
                Some(_) => "patch".into(),
                None if new.is_prerelease() || old.is_prerelease() => "pre-release".into(),
                None => "variant".into(),
            }
        }
        (Kind::Branch, Kind::Branch) => "branch".into(),
        (Kind::Sha, Kind::Sha) => "sha".into(),
        (a, b) if std::mem::discriminant(a) == std::mem::discriminant(b) => "changed".into(),
        _ => format!("{} → {}", old.kind_name(), new.kind_name()),
    }
}
