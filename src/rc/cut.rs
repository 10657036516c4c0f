//! `rc cut` and `rc promote`: propose the next release from the current one, then (with
//! `--execute`) write it and (with `--tag`) create the tags it needs, journaled so that an
//! interrupted run can be started again.
//!
//! - `cut`: each component the release owns is bumped to its newest tag on its release
//!   branch (kind rules in `releases/rc/components.yaml`); pins that carry the release's own
//!   version (`manager_version: 7.0.0b`) become the next version; third-party pins stay
//!   unless `bump_third_party`.
//! - `promote`: the RC's pins become the final's; only pins carrying the release version
//!   change (`7.0.0d` → `7.0.0`).
//!
//! The tags a release needs are the expected tags of its owned components (`{raw}` for
//! `manager_version` → `7.0.0c` in osism/release); missing ones are planned on the head of
//! the component's release branch.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::error::RcError;
use super::journal::{self, Entry, Journal, PlanState};
use super::tags::TagSource;
use crate::base::version::{Kind, Version};
use crate::release::components::{ComponentRules, SourceKind};
use crate::release::diff::{PinDiff, diff};
use crate::release::{Manifest, Pin, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Cut,
    Promote,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Cut => "cut",
            Mode::Promote => "promote",
        }
    }
}

/// What happened to one pin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Moved to the newest tag on the release branch.
    Bumped { tag: String },
    /// Already at the newest tag.
    Current { tag: Option<String> },
    /// Carries the release version: set to the next version.
    ReleaseVersion,
    /// Not owned by the release (third-party, image, tool, setting): kept.
    Kept,
    /// Should be looked at but could not be: kept, and the reason.
    Unknown { why: String },
}

/// The decision on one pin that the release owns or that was asked to bump.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub id: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    pub old: Version,
    pub new: Version,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The state of a tag the new release needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TagState {
    /// The tag exists already.
    Exists,
    /// Missing: `--tag` creates it on the planned commit.
    Missing,
    /// No source to tell (no clone): unknown.
    Unknown,
}

/// A tag the new release needs in a repository it owns.
#[derive(Debug, Clone, Serialize)]
pub struct NeededTag {
    pub repo: String,
    pub tag: String,
    /// The pins that need it.
    pub pins: Vec<String>,
    pub branch: Option<String>,
    /// Existing tag: its commit. Missing: the head of the release branch now.
    pub commit: Option<String>,
    pub state: TagState,
}

/// A proposed next release.
#[derive(Debug, Clone, Serialize)]
pub struct Proposal {
    pub mode: Mode,
    pub from: Version,
    pub next: Version,
    /// Where the tags were read from (`local clones in /src`), if anywhere.
    pub tag_source: Option<String>,
    pub bump_third_party: bool,
    pub decisions: Vec<Decision>,
    pub tags: Vec<NeededTag>,
    pub diff: PinDiff,
    #[serde(skip)]
    pub manifest: Manifest,
}

impl Proposal {
    /// Pins the release owns (or was asked to bump) whose newest tag is unknown, and needed
    /// tags whose state is unknown.
    pub fn unknowns(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .decisions
            .iter()
            .filter_map(|d| match &d.outcome {
                Outcome::Unknown { why } => Some(format!("{}: {why}", d.id)),
                _ => None,
            })
            .collect();
        out.extend(
            self.tags
                .iter()
                .filter(|t| t.state == TagState::Unknown)
                .map(|t| format!("{} tag {}: no clone to check or create it", t.repo, t.tag)),
        );
        out
    }
}

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
        },
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

/// Where `--execute` writes.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The data root holding `releases/`.
    pub root: PathBuf,
    /// `--osism PATH`: the parent of the osism/release-style folder.
    pub osism: Option<PathBuf>,
    /// `--tag`: create the missing tags.
    pub tag: bool,
}

/// One step of an executed run, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    pub action: String,
    pub target: String,
    /// `done`, `already there, identical`, `verified: … (journal: … before)`, `created on …`.
    pub result: String,
}

/// What `--execute` did.
#[derive(Debug, Clone, Serialize)]
pub struct Executed {
    pub journal: Option<String>,
    pub resumed: bool,
    pub steps: Vec<Step>,
}

/// The manifest file text the tool writes for a proposal.
pub fn manifest_text(p: &Proposal) -> String {
    let mut out = format!(
        "# Proposed by `scs-release rc {} {} --from {}`; review, then keep or edit.\n",
        p.mode.name(),
        p.next,
        p.from
    );
    out.push_str(&serde_saphyr::to_string(&p.manifest).unwrap_or_default());
    out
}

fn rel_manifest(next: &Version) -> String {
    format!("releases/osism/{next}.yaml")
}

/// Write a file unless it exists; an existing file with the same content counts as written.
fn write_once(root: &Path, rel: &Path, text: &str) -> Result<&'static str, RcError> {
    let path = &root.join(rel);
    match crate::base::fsutil::write_in(
        root,
        rel,
        text.as_bytes(),
        crate::base::fsutil::Overwrite::Never,
    ) {
        Ok(_) => Ok("done"),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            if std::fs::read_to_string(path).is_ok_and(|t| t == text) {
                Ok("already there, identical")
            } else {
                Err(RcError::Exists {
                    path: path.to_path_buf(),
                    what: "an existing release file",
                })
            }
        }
        Err(source) => Err(RcError::Io {
            path: path.to_path_buf(),
            what: "write",
            source,
        }),
    }
}

/// What a step says about a file the journal has as written that no longer matches.
const CHANGED: &str = "changed since: differs from this run's proposal (edited by hand, or the branches moved); kept as it is";

fn short(commit: &str) -> String {
    commit.chars().take(12).collect()
}

/// Write the proposal and, with `targets.tag`, create the missing tags through `source`,
/// journaled in `releases/.journal/<next>.jsonl` (see [`journal`] for the format, and for
/// what happens to a journal whose plan is incomplete). Safe to run again after an
/// interruption at any point, SIGKILL included:
///
/// - temp files a killed run left in the directories written to are removed first
///   ([`crate::base::fsutil::remove_stale_temps`]);
/// - the plan of the first run (the commits it chose) is kept;
/// - a file the journal has as written is checked: still there and identical to this run's
///   proposal, reported as changed (and kept), or an error when it is missing;
/// - every planned tag is verified through `source` before `complete` is written, also the
///   ones the journal has as tagged and also when the journal is complete already: a missing
///   tag is created on the planned commit, a tag on another commit is a
///   [`RcError::TagConflict`].
pub fn execute(
    p: &Proposal,
    targets: &Targets,
    source: Option<&mut dyn TagSource>,
) -> Result<Executed, RcError> {
    let mut steps = Vec::new();
    let jpath = journal::path_for(&targets.root, p.next.as_str());

    // 0. temp files left by a killed run
    let mut dirs = vec![targets.root.join("releases/osism")];
    if targets.tag
        && let Some(dir) = jpath.parent()
    {
        dirs.push(dir.to_path_buf());
    }
    if let Some(parent) = &targets.osism {
        dirs.push(parent.clone());
        dirs.push(parent.join(p.next.as_str()));
    }
    let mut left = Vec::new();
    for dir in &dirs {
        left.extend(
            crate::base::fsutil::remove_stale_temps(dir).map_err(|source| RcError::Io {
                path: dir.clone(),
                what: "remove temp files of an interrupted run in",
                source,
            })?,
        );
    }
    for path in left {
        steps.push(Step {
            action: "clean".into(),
            target: path.display().to_string(),
            result: "removed (temp file of an interrupted run)".into(),
        });
    }

    let mut j = if targets.tag {
        let rel = jpath.strip_prefix(&targets.root).unwrap_or(&jpath);
        crate::base::fsutil::checked_path(&targets.root, rel, true).map_err(|source| {
            RcError::Io {
                path: jpath.clone(),
                what: "use the journal",
                source,
            }
        })?;
        Some(Journal::open(&jpath)?)
    } else {
        None
    };
    let mut resumed = false;
    let mut was_complete = false;
    if let Some(j) = j.as_mut() {
        if let Some((cmd, next, from)) = j.begin()
            && (cmd, next, from) != (p.mode.name(), p.next.as_str(), p.from.as_str())
        {
            return Err(RcError::JournalMismatch {
                path: jpath.clone(),
                journal: format!("rc {cmd} {next} --from {from}"),
                this: format!("rc {} {} --from {}", p.mode.name(), p.next, p.from),
            });
        }
        match j.plan_state() {
            PlanState::Complete => {
                resumed = true;
                was_complete = j.is_complete();
            }
            PlanState::Incomplete { line, why } if j.has_steps() => {
                return Err(RcError::JournalIncomplete {
                    path: jpath.clone(),
                    line,
                    why,
                });
            }
            state => {
                plan(p, source.as_deref(), j)?;
                if let PlanState::Incomplete { why, .. } = state {
                    steps.push(Step {
                        action: "journal".into(),
                        target: jpath.display().to_string(),
                        result: format!(
                            "planned again: the old plan was incomplete ({why}) and nothing had been done on it"
                        ),
                    });
                }
            }
        }
    }

    // 1. the release file
    let rel = rel_manifest(&p.next);
    let text = manifest_text(p);
    let file = targets.root.join(&rel);
    match j.as_ref().and_then(|j| Some((j, j.written_at(&rel)?))) {
        Some((j, line)) => {
            let result = match std::fs::read(&file) {
                Ok(b) if b == text.as_bytes() => "verified: still there, identical",
                Ok(_) => CHANGED,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(RcError::WrittenMissing {
                        path: file,
                        what: "the release file",
                        journal: j.path.clone(),
                        line,
                    });
                }
                Err(source) => {
                    return Err(RcError::Io {
                        path: file,
                        what: "read the release file",
                        source,
                    });
                }
            };
            steps.push(Step {
                action: "write".into(),
                target: rel,
                result: format!("{result} (journal: written before)"),
            });
        }
        None => {
            let r = write_once(&targets.root, Path::new(&rel), &text)?;
            if let Some(j) = j.as_mut() {
                j.append(Entry::Written { path: rel.clone() })?;
            }
            steps.push(Step {
                action: "write".into(),
                target: rel,
                result: r.into(),
            });
        }
    }

    // 2. the osism/release-style folder
    if let Some(parent) = &targets.osism {
        let dir = parent.join(p.next.as_str());
        let key = dir.display().to_string();
        let folder = super::folder::render(&p.manifest);
        match j.as_ref().and_then(|j| Some((j, j.written_at(&key)?))) {
            Some((j, line)) => {
                if !dir.is_dir() {
                    return Err(RcError::WrittenMissing {
                        path: dir,
                        what: "the release folder",
                        journal: j.path.clone(),
                        line,
                    });
                }
                let result = if same_folder(&dir, &folder) {
                    "verified: still there, identical"
                } else {
                    CHANGED
                };
                steps.push(Step {
                    action: "write".into(),
                    target: key,
                    result: format!("{result} (journal: written before)"),
                });
            }
            None => {
                let result = if dir.exists() && same_folder(&dir, &folder) {
                    "already there, identical"
                } else {
                    super::folder::write(parent, p.next.as_str(), &folder)?;
                    "done"
                };
                if let Some(j) = j.as_mut() {
                    j.append(Entry::Written { path: key.clone() })?;
                }
                steps.push(Step {
                    action: "write".into(),
                    target: key,
                    result: result.into(),
                });
            }
        }
    }

    // 3. tags, in the order planned by the first run; each one verified, also when the
    // journal has it as tagged
    if let Some(j) = j.as_mut() {
        let planned: Vec<(String, String, String)> = j
            .planned()
            .into_iter()
            .map(|(r, t, c, _)| (r.to_string(), t.to_string(), c.to_string()))
            .collect();
        let mut source = source;
        let mut changed = false;
        for (repo, tag, commit) in planned {
            let target = format!("{repo} {tag}");
            let Some(src) = source.as_deref_mut() else {
                return Err(RcError::Usage(
                    "--tag needs a tag source (use --repos DIR)".into(),
                ));
            };
            let tagged_before = j.is_tagged(&repo, &tag);
            let existing = src.tag(&repo, &tag)?;
            match existing {
                Some(c) if c != commit => {
                    return Err(RcError::TagConflict {
                        repo,
                        tag,
                        existing: c,
                        planned: commit,
                    });
                }
                Some(_) if tagged_before => {
                    steps.push(Step {
                        action: "tag".into(),
                        target,
                        result: format!("verified on {} (journal: tagged before)", short(&commit)),
                    });
                    continue;
                }
                _ => {}
            }
            let existed = existing.is_some();
            j.append(Entry::Tagging {
                repo: repo.clone(),
                tag: tag.clone(),
                commit: commit.clone(),
            })?;
            if !existed {
                src.create_tag(
                    &repo,
                    &tag,
                    &commit,
                    &format!("{} (scs-release rc {})", p.next, p.mode.name()),
                )?;
            }
            j.append(Entry::Tagged {
                repo: repo.clone(),
                tag: tag.clone(),
                commit: commit.clone(),
                existed,
            })?;
            changed = true;
            steps.push(Step {
                action: "tag".into(),
                target: format!("{target} in {}", src.location(&repo)),
                result: match (existed, tagged_before) {
                    (true, _) => "already there".into(),
                    (false, false) => format!("created on {}", short(&commit)),
                    (false, true) => format!(
                        "created on {} (the journal had it as tagged, but it was gone)",
                        short(&commit)
                    ),
                },
            });
        }
        if was_complete && !changed {
            steps.push(Step {
                action: "journal".into(),
                target: jpath.display().to_string(),
                result: "already complete: nothing to do (every tag verified)".into(),
            });
        } else {
            j.append(Entry::Complete { at: journal::now() })?;
        }
    }
    Ok(Executed {
        journal: j.map(|j| j.path.display().to_string()),
        resumed,
        steps,
    })
}

/// Record the plan of a new run (or of one whose journal had an incomplete plan and no
/// steps): `begin` and every missing tag on the commit chosen now, in one atomic write.
fn plan(p: &Proposal, source: Option<&dyn TagSource>, j: &mut Journal) -> Result<(), RcError> {
    let unknown: Vec<&NeededTag> = p
        .tags
        .iter()
        .filter(|t| t.state == TagState::Unknown)
        .collect();
    if !unknown.is_empty() {
        return Err(RcError::Usage(format!(
            "--tag: cannot plan {} (no clone to read the branch head from; use --repos DIR)",
            unknown
                .iter()
                .map(|t| format!("{} {}", t.repo, t.tag))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let missing: Vec<&NeededTag> = p
        .tags
        .iter()
        .filter(|t| t.state == TagState::Missing)
        .collect();
    if let Some(src) = source {
        for t in &missing {
            src.check_create(&t.repo)?;
        }
    }
    let planned = missing
        .iter()
        .map(|t| Entry::Planned {
            repo: t.repo.clone(),
            tag: t.tag.clone(),
            commit: t.commit.clone().unwrap_or_default(),
            pin: t.pins.join(","),
        })
        .collect();
    j.write_plan(
        Entry::Begin {
            command: p.mode.name().into(),
            next: p.next.to_string(),
            from: p.from.to_string(),
            at: journal::now(),
            tags: None,
        },
        planned,
    )
}

fn same_folder(dir: &Path, folder: &super::folder::Folder) -> bool {
    folder
        .files
        .iter()
        .all(|(f, text)| std::fs::read_to_string(dir.join(f)).is_ok_and(|t| &t == text))
}

#[cfg(test)]
mod tests;
