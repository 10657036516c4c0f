//! Consistency findings on one release: families of pins with diverging versions, branch and
//! moving-ref pins, commit SHAs that are not on any tag, components dropped since the
//! previous release.
//!
//! Every finding carries a [`Severity`]; `unknown` means the tool lacked the evidence (no
//! clone, no repository known) and is never counted as a pass.

use std::path::Path;

use serde::Serialize;

use crate::base::version::{Kind, Version};
use crate::release::components::{ComponentRules, SourceKind};
use crate::release::{Manifest, Store};

/// How much a finding matters for a release verdict.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the release.
    Error,
    /// The evidence is missing: not a pass.
    Unknown,
    /// Worth a look; does not block.
    Warning,
    /// Expected for this kind of component (e.g. OpenStack projects pinned by branch).
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Unknown => "unknown",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// What was checked.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// Pins of one family disagree after normalising the spelling.
    Family,
    /// A pin names a branch (not frozen).
    BranchPin,
    /// A pin names a moving reference (`latest`, `main`).
    MovingRef,
    /// A commit SHA pin that no tag points to.
    ShaNotTagged,
    /// A component pinned in the previous release is gone.
    Dropped,
    /// The release has no pins to check.
    NoPins,
}

impl Check {
    pub fn name(self) -> &'static str {
        match self {
            Check::Family => "family",
            Check::BranchPin => "branch-pin",
            Check::MovingRef => "moving-ref",
            Check::ShaNotTagged => "sha-not-tagged",
            Check::Dropped => "dropped",
            Check::NoPins => "no-pins",
        }
    }
}

/// One finding on one release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// The release checked (`7.0.0b`).
    pub release: String,
    pub check: Check,
    pub severity: Severity,
    /// The pins concerned, with their values (`ceph/docker_images/ceph = 17.2.7`).
    pub pins: Vec<PinValue>,
    /// The family, for [`Check::Family`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    pub message: String,
    /// For an `unknown` finding: whether the answer could have been an error (an owned
    /// component). When not, the unknown cannot change a verdict (the worst is a warning).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub could_block: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct PinValue {
    pub id: String,
    pub value: String,
}

impl Finding {
    /// True when the finding blocks a release.
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// Findings on `release` (compared with `previous` for dropped components), using local
/// clones under `repos` for SHA checks. A release without pins yields one `no-pins` finding
/// of severity unknown. Ordered by severity, then check, then first pin.
pub fn findings(
    store: &Store,
    rules: &ComponentRules,
    release: &Version,
    previous: Option<&Version>,
    repos: Option<&Path>,
) -> Vec<Finding> {
    let Ok(manifest) = store.manifest(release) else {
        return vec![Finding {
            release: release.to_string(),
            check: Check::NoPins,
            severity: Severity::Unknown,
            pins: vec![],
            family: None,
            message: format!(
                "release {release} has no pins in releases/osism/: nothing could be checked"
            ),
            could_block: true,
        }];
    };
    let prev = previous.and_then(|p| store.manifest(p).ok());
    check_manifest(rules, manifest, prev, repos)
}

/// The release before `version` that has pins (7.0.0b → 7.0.0a, 7.0.0 → 7.0.0d).
pub fn previous_release(store: &Store, version: &Version) -> Option<Version> {
    store
        .manifests
        .values()
        .map(|m| &m.version)
        .filter(|v| *v < version)
        .max()
        .cloned()
}

/// [`findings`] on manifests already loaded.
pub fn check_manifest(
    rules: &ComponentRules,
    m: &Manifest,
    previous: Option<&Manifest>,
    repos: Option<&Path>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    families(rules, m, &mut out);
    refs(rules, m, &mut out);
    shas(rules, m, repos, &mut out);
    if let Some(p) = previous {
        dropped(rules, m, p, &mut out);
    }
    out.sort_by(|a, b| {
        (a.severity, a.check, a.pins.first().map(|p| &p.id)).cmp(&(
            b.severity,
            b.check,
            b.pins.first().map(|p| &p.id),
        ))
    });
    out
}

fn pv(id: &str, v: &Version) -> PinValue {
    PinValue {
        id: id.to_string(),
        value: if v.as_str().is_empty() {
            "~".into()
        } else {
            v.as_str().to_string()
        },
    }
}

fn families(rules: &ComponentRules, m: &Manifest, out: &mut Vec<Finding>) {
    for family in &rules.families {
        let members: Vec<_> = m
            .pins
            .iter()
            .filter(|p| {
                family
                    .members
                    .iter()
                    .any(|g| crate::release::components::glob_match(g, &p.id))
            })
            .filter(|p| !matches!(p.value.kind(), Kind::Null))
            .collect();
        if members.len() < 2 {
            continue;
        }
        // Distinct values after normalising (v0.20230919.0 = 0.20230919.0).
        let mut distinct: Vec<&Version> = Vec::new();
        for p in &members {
            if !distinct
                .iter()
                .any(|d| d.same_as(&p.value) || d.normalized() == p.value.normalized())
            {
                distinct.push(&p.value);
            }
        }
        if distinct.len() < 2 {
            continue;
        }
        let groups: Vec<String> = distinct
            .iter()
            .map(|d| {
                let ids: Vec<&str> = members
                    .iter()
                    .filter(|p| d.same_as(&p.value) || d.normalized() == p.value.normalized())
                    .map(|p| p.id.as_str())
                    .collect();
                format!("{} = {}", ids.join(", "), d.normalized())
            })
            .collect();
        out.push(Finding {
            release: m.version.to_string(),
            check: Check::Family,
            severity: Severity::Error,
            pins: members.iter().map(|p| pv(&p.id, &p.value)).collect(),
            family: Some(family.name.clone()),
            message: format!(
                "family `{}` diverges: {} ({})",
                family.name,
                groups.join(" vs "),
                family.description
            ),
            could_block: true,
        });
    }
}

fn refs(rules: &ComponentRules, m: &Manifest, out: &mut Vec<Finding>) {
    for pin in &m.pins {
        let check = match pin.value.kind() {
            Kind::Branch => Check::BranchPin,
            Kind::MovingRef => Check::MovingRef,
            _ => continue,
        };
        let Some(c) = rules.classify(pin) else {
            continue;
        };
        let (severity, why) = if c.rule.owned {
            (
                Severity::Error,
                "the release owns this component and must pin a tag",
            )
        } else if c.rule.tag.is_some() {
            (
                Severity::Warning,
                "this kind of component is released with tags",
            )
        } else if c.rule.source == SourceKind::None {
            (Severity::Info, "a release-wide setting")
        } else if check == Check::MovingRef {
            (
                Severity::Warning,
                "the pinned content can change without a new release",
            )
        } else {
            (Severity::Info, "this kind is pinned by branch (not frozen)")
        };
        let what = if check == Check::BranchPin {
            "branch"
        } else {
            "moving ref"
        };
        out.push(Finding {
            release: m.version.to_string(),
            check,
            severity,
            pins: vec![pv(&pin.id, &pin.value)],
            family: None,
            message: format!(
                "{} pins {what} `{}` (kind {}: {why})",
                pin.id, pin.value, c.kind
            ),
            could_block: c.rule.owned,
        });
    }
}

fn shas(rules: &ComponentRules, m: &Manifest, repos: Option<&Path>, out: &mut Vec<Finding>) {
    for pin in &m.pins {
        if !matches!(pin.value.kind(), Kind::Sha) {
            continue;
        }
        let c = rules.classify(pin);
        let owned = c.as_ref().is_some_and(|c| c.rule.owned);
        let repo = c.as_ref().and_then(|c| c.repo.clone());
        let sha = pin.value.as_str();
        let short = &sha[..sha.len().min(12)];
        let (severity, message) = match (repo, repos) {
            (None, _) => (
                Severity::Unknown,
                format!(
                    "{}: commit {short} cannot be checked: no repository known for this pin",
                    pin.id
                ),
            ),
            (Some(repo), None) => (
                Severity::Unknown,
                format!(
                    "{}: commit {short} of {repo} not checked against tags: no clone (use --repos DIR)",
                    pin.id
                ),
            ),
            (Some(repo), Some(dir)) => match super::tags::tags_at_commit(dir, &repo, sha) {
                super::tags::TagsAt::NoClone => (
                    Severity::Unknown,
                    format!(
                        "{}: commit {short} not checked: no clone of {repo} under {}",
                        pin.id,
                        dir.display()
                    ),
                ),
                super::tags::TagsAt::Failed(e) => (
                    Severity::Unknown,
                    format!("{}: commit {short} not checked: {e}", pin.id),
                ),
                super::tags::TagsAt::NoCommit => (
                    Severity::Unknown,
                    format!(
                        "{}: commit {short} is not in the clone of {repo} (stale clone? fetch it)",
                        pin.id
                    ),
                ),
                super::tags::TagsAt::Tags(tags) if tags.is_empty() => (
                    if owned {
                        Severity::Error
                    } else {
                        Severity::Warning
                    },
                    format!("{}: commit {short} of {repo} is not on any tag", pin.id),
                ),
                super::tags::TagsAt::Tags(_) => continue,
            },
        };
        out.push(Finding {
            release: m.version.to_string(),
            check: Check::ShaNotTagged,
            severity,
            pins: vec![pv(&pin.id, &pin.value)],
            family: None,
            message,
            could_block: owned,
        });
    }
}

fn dropped(rules: &ComponentRules, m: &Manifest, previous: &Manifest, out: &mut Vec<Finding>) {
    for old in &previous.pins {
        if m.pins.iter().any(|p| p.id == old.id) {
            continue;
        }
        let Some(c) = rules.classify(old) else {
            continue;
        };
        if c.rule.source == SourceKind::None {
            continue;
        }
        out.push(Finding {
            release: m.version.to_string(),
            check: Check::Dropped,
            severity: Severity::Warning,
            pins: vec![pv(&old.id, &old.value)],
            family: None,
            message: format!(
                "{} ({}, kind {}) was pinned in {} and is gone in {}",
                old.id, old.value, c.kind, previous.version, m.version
            ),
            could_block: false,
        });
    }
}

/// The findings of `release` (dropped components relative to the release before it) as
/// they enter `rc status`'s verdict: errors block, unknowns keep it from `ready`, warnings
/// are notes, infos (expected for their kind) are left out.
pub fn for_status(
    store: &Store,
    rules: &ComponentRules,
    release: &Version,
    repos: Option<&Path>,
) -> crate::rc::status::Consistency {
    let previous = previous_release(store, release);
    let all = findings(store, rules, release, previous.as_ref(), repos);
    let pick = |keep: &dyn Fn(&Finding) -> bool| -> Vec<String> {
        all.iter()
            .filter(|f| keep(f))
            .map(|f| format!("{}: {}", f.check.name(), f.message))
            .collect()
    };
    crate::rc::status::Consistency {
        checked: true,
        blocking: pick(&|f| f.severity == Severity::Error),
        unknown: pick(&|f| f.severity == Severity::Unknown && f.could_block),
        notes: pick(&|f| {
            f.severity == Severity::Warning || (f.severity == Severity::Unknown && !f.could_block)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataDir;

    fn families_in(release: &str) -> Vec<(String, Vec<String>)> {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let rules = ComponentRules::load(&DataDir::Embedded).unwrap();
        let v = Version::parse(release);
        let prev = previous_release(&store, &v);
        findings(&store, &rules, &v, prev.as_ref(), None)
            .into_iter()
            .filter(|f| f.check == Check::Family)
            .map(|f| {
                (
                    f.family.unwrap(),
                    f.pins
                        .iter()
                        .map(|p| format!("{}={}", p.id, p.value))
                        .collect(),
                )
            })
            .collect()
    }

    #[test]
    fn the_real_ceph_split_is_found_in_7_0_0a_and_b_and_gone_in_c() {
        let ceph = (
            "ceph".to_string(),
            vec![
                "ceph/docker_images/ceph=17.2.7".to_string(),
                "ceph/docker_images/cephclient=17.2.6".to_string(),
            ],
        );
        assert!(families_in("7.0.0a").contains(&ceph));
        let b = families_in("7.0.0b");
        assert!(b.contains(&ceph));
        assert!(b.contains(&(
            "osism".to_string(),
            vec![
                "base/osism_projects/osism=0.20240204.0".to_string(),
                "base/docker_images/osism=0.20240221.0".to_string()
            ]
        )));
        assert!(!families_in("7.0.0c").iter().any(|(f, _)| f == "ceph"));
    }

    #[test]
    fn a_release_without_pins_is_unknown_not_clean() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let rules = ComponentRules::load(&DataDir::Embedded).unwrap();
        let f = findings(&store, &rules, &Version::parse("9.9.9"), None, None);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].check, f[0].severity),
            (Check::NoPins, Severity::Unknown)
        );
    }

    #[test]
    fn previous_release_follows_version_order() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let prev = |v: &str| previous_release(&store, &Version::parse(v)).map(|v| v.to_string());
        assert_eq!(prev("7.0.0b").as_deref(), Some("7.0.0a"));
        assert_eq!(prev("7.0.0").as_deref(), Some("7.0.0d"));
        assert_eq!(prev("8.0.0").as_deref(), Some("8.0.0-rc.2"));
    }
}
