//! `rc cut` / `rc promote` without side effects: check the arguments ([`validate`]), then
//! decide every pin and the tags the next release needs ([`propose`]), reading tags only
//! through a [`TagSource`].

use super::{Decision, Mode, NeededTag, Outcome, Proposal, TagState};
use crate::base::version::{Kind, Version};
use crate::rc::error::RcError;
use crate::rc::tags::TagSource;
use crate::release::components::{ComponentRules, SourceKind};
use crate::release::diff::diff;
use crate::release::{Manifest, Pin, Store};

/// Check the arguments against the store and return the current release's manifest.
pub fn validate<'a>(
    store: &'a Store,
    mode: Mode,
    from: &str,
    next: &str,
) -> Result<(&'a Manifest, Version), RcError> {
    let entry = store.resolve(from)?;
    let current = store.manifest(&entry.version)?;
    let next_v = Version::parse(next.strip_prefix('v').unwrap_or(next));
    if next_v.numeric().is_none() {
        return Err(RcError::Usage(format!(
            "`{next}` is not a release version such as 7.0.0c or 7.0.0"
        )));
    }
    match mode {
        Mode::Cut => {
            if next_v <= entry.version {
                return Err(RcError::Usage(format!(
                    "rc cut: the next release `{next_v}` must come after `{}`",
                    entry.version
                )));
            }
        }
        Mode::Promote => {
            let Some(fin) = entry.version.final_release() else {
                return Err(RcError::Usage(format!(
                    "rc promote: `{}` is not a release candidate (expected e.g. 7.0.0d)",
                    entry.version
                )));
            };
            if !fin.same_as(&next_v) || next_v.is_prerelease() {
                return Err(RcError::Usage(format!(
                    "rc promote: `{}` is a candidate of {fin}, not of `{next_v}`",
                    entry.version
                )));
            }
        }
    }
    Ok((current, next_v))
}

/// Spell `next` like `old` (keep a leading `v`).
fn respell(old: &Version, next: &Version) -> Version {
    let v = old.numeric().is_some_and(|n| n.v_prefix);
    let bare = next.as_str().strip_prefix('v').unwrap_or(next.as_str());
    Version::parse(&if v {
        format!("v{bare}")
    } else {
        bare.to_string()
    })
}

/// The pinned value a tag stands for, under a tag template; spelled like `old`.
pub fn tag_to_value(template: &str, key: &str, tag: &str, old: &Version) -> Option<Version> {
    let t = template.replace("{key}", key);
    let (ph, pos) = ["{version}", "{raw}"]
        .iter()
        .find_map(|p| t.find(p).map(|i| (*p, i)))?;
    let core = tag
        .strip_prefix(&t[..pos])?
        .strip_suffix(&t[pos + ph.len()..])?;
    if core.is_empty() {
        return None;
    }
    if ph == "{raw}" {
        return Some(Version::parse(core));
    }
    Some(respell(old, &Version::parse(core)))
}

/// Whether `new` is a candidate successor of `old`: same scheme, epoch and variant, and a
/// final release unless `old` is a pre-release.
fn comparable(old: &Version, new: &Version) -> bool {
    match (old.numeric(), new.numeric()) {
        (Some(o), Some(n)) => {
            o.scheme == n.scheme
                && o.epoch == n.epoch
                && o.variant == n.variant
                && (old.is_prerelease() || !new.is_prerelease())
        }
        _ => false,
    }
}

fn branches_to_try(rule_branch: Option<&str>) -> Vec<String> {
    match rule_branch {
        Some(b) => vec![b.to_string()],
        None => vec!["main".into(), "master".into()],
    }
}

/// Propose the next release. `source` answers tag questions (none: every owned component
/// is unknown and kept).
pub fn propose(
    rules: &ComponentRules,
    current: &Manifest,
    next: &Version,
    mode: Mode,
    bump_third_party: bool,
    source: Option<&dyn TagSource>,
) -> Result<Proposal, RcError> {
    let mut pins: Vec<Pin> = Vec::new();
    let mut decisions = Vec::new();
    // Pins carrying the release version: owned ones, and family members of owned ones.
    let release_pin = |p: &Pin| {
        let carries = p.value.same_as(&current.version)
            || p.value.normalized() == current.version.normalized();
        carries
            && (rules.classify(p).is_some_and(|c| c.rule.owned)
                || rules.families_of(&p.id).iter().any(|f| {
                    current.pins.iter().any(|q| {
                        q.id != p.id
                            && f.members
                                .iter()
                                .any(|g| crate::release::components::glob_match(g, &q.id))
                            && rules.classify(q).is_some_and(|c| c.rule.owned)
                    })
                }))
    };
    for pin in &current.pins {
        let mut new_pin = pin.clone();
        let Some(c) = rules.classify(pin) else {
            pins.push(new_pin);
            continue;
        };
        let decision = |new: &Version, outcome: Outcome, branch: Option<String>| Decision {
            id: pin.id.clone(),
            kind: c.kind.to_string(),
            repo: c.repo.clone(),
            branch,
            old: pin.value.clone(),
            new: new.clone(),
            outcome,
        };
        if release_pin(pin) {
            new_pin.value = respell(&pin.value, next);
            decisions.push(decision(
                &new_pin.value,
                Outcome::ReleaseVersion,
                c.rule.branch.clone(),
            ));
            pins.push(new_pin);
            continue;
        }
        let third_party = !c.rule.owned;
        let wanted = mode == Mode::Cut && (c.rule.owned || bump_third_party);
        if !wanted || matches!(pin.value.kind(), Kind::Null) {
            pins.push(new_pin);
            continue;
        }
        let frozen = pin.value.numeric().is_some() || matches!(pin.value.kind(), Kind::Sha);
        match (c.rule.source, &c.repo, &c.rule.tag, frozen) {
            (SourceKind::Github, Some(repo), Some(template), true) => {
                let Some(src) = source else {
                    decisions.push(decision(
                        &pin.value,
                        Outcome::Unknown {
                            why: format!("no tag source for {repo} (use --repos DIR)"),
                        },
                        c.rule.branch.clone(),
                    ));
                    pins.push(new_pin);
                    continue;
                };
                let is_sha = matches!(pin.value.kind(), Kind::Sha);
                let rank = |name: &str| -> Option<Version> {
                    let v = tag_to_value(template, pin.key(), name, &pin.value)?;
                    let ok = if is_sha {
                        // A SHA pin moves to the commit of the newest release tag.
                        v.numeric().is_some() && !v.is_prerelease()
                    } else {
                        comparable(&pin.value, &v)
                    };
                    ok.then_some(v)
                };
                let mut found = None;
                for b in branches_to_try(c.rule.branch.as_deref()) {
                    if let Some(newest) = src.newest_on_branch(repo, &b, &rank)? {
                        found = Some((b, newest));
                        break;
                    }
                }
                let Some((branch, newest)) = found else {
                    let why = if src.has_repo(repo) {
                        format!(
                            "{repo} has no branch {}",
                            branches_to_try(c.rule.branch.as_deref()).join(" or ")
                        )
                    } else {
                        format!("no clone of {repo} in {}", src.describe())
                    };
                    decisions.push(decision(
                        &pin.value,
                        Outcome::Unknown { why },
                        c.rule.branch.clone(),
                    ));
                    pins.push(new_pin);
                    continue;
                };
                let best = match newest {
                    Some((t, _)) if is_sha => {
                        let v = Version::parse(&t.commit);
                        Some((t, v))
                    }
                    other => other,
                };
                let outcome = match &best {
                    Some((t, v))
                        if (is_sha && v.as_str() != pin.value.as_str())
                            || (!is_sha && *v > pin.value && !v.same_as(&pin.value)) =>
                    {
                        new_pin.value = v.clone();
                        Outcome::Bumped {
                            tag: t.name.clone(),
                        }
                    }
                    Some((t, _)) => Outcome::Current {
                        tag: Some(t.name.clone()),
                    },
                    None => Outcome::Current { tag: None },
                };
                decisions.push(decision(&new_pin.value, outcome, Some(branch)));
            }
            (SourceKind::Registry, ..) if third_party => decisions.push(decision(
                &pin.value,
                Outcome::Unknown {
                    why: "registry images are not looked up; kept".into(),
                },
                None,
            )),
            (SourceKind::Github, None, Some(_), true) => decisions.push(decision(
                &pin.value,
                Outcome::Unknown {
                    why: "no GitHub repository mapped for this pin; kept".into(),
                },
                c.rule.branch.clone(),
            )),
            _ if c.rule.owned => decisions.push(decision(
                &pin.value,
                Outcome::Unknown {
                    why: format!(
                        "cannot bump a {} pin of kind {}",
                        pin.value.kind_name(),
                        c.kind
                    ),
                },
                c.rule.branch.clone(),
            )),
            _ => {}
        }
        pins.push(new_pin);
    }
    let files = current.source.files.clone();
    let manifest = Manifest {
        schema_version: current.schema_version,
        version: next.clone(),
        source: crate::release::model::ManifestSource {
            repo: current.source.repo.clone(),
            path: next.to_string(),
            files,
            commit: None,
            added_on: None,
        },
        date: None,
        openstack: current.openstack.clone(),
        ceph: current.ceph.clone(),
        pins,
        settings: current.settings.clone(),
    };
    let tags = needed_tags(rules, &manifest, source)?;
    Ok(Proposal {
        mode,
        from: current.version.clone(),
        next: next.clone(),
        tag_source: source.map(|s| s.describe()),
        bump_third_party,
        decisions,
        tags,
        diff: diff(current, &manifest),
        manifest,
    })
}

/// The expected tags of the owned components of `m`, and whether each exists.
fn needed_tags(
    rules: &ComponentRules,
    m: &Manifest,
    source: Option<&dyn TagSource>,
) -> Result<Vec<NeededTag>, RcError> {
    let mut out: Vec<NeededTag> = Vec::new();
    for pin in &m.pins {
        let Some(c) = rules.classify(pin) else {
            continue;
        };
        let (true, SourceKind::Github, Some(repo), Some(tag)) = (
            c.rule.owned,
            c.rule.source,
            c.repo.clone(),
            c.expected_tag.clone(),
        ) else {
            continue;
        };
        if let Some(t) = out.iter_mut().find(|t| t.repo == repo && t.tag == tag) {
            t.pins.push(pin.id.clone());
            continue;
        }
        let branch = c.rule.branch.clone();
        let (state, commit) = match source {
            Some(s) if s.has_repo(&repo) => match s.tag(&repo, &tag)? {
                Some(commit) => (TagState::Exists, Some(commit)),
                None => {
                    let head = match &branch {
                        Some(b) => s.branch_head(&repo, b)?,
                        None => None,
                    };
                    match head {
                        Some(h) => (TagState::Missing, Some(h)),
                        None => (TagState::Unknown, None),
                    }
                }
            },
            _ => (TagState::Unknown, None),
        };
        out.push(NeededTag {
            repo,
            tag,
            pins: vec![pin.id.clone()],
            branch,
            commit,
            state,
        });
    }
    Ok(out)
}
