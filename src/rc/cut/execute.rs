//! `rc cut --execute` / `rc promote --execute`: write the release file and the
//! osism/release-style folder and, with `--tag`, create the missing tags, every step
//! journaled so that an interrupted run resumes.

use std::path::Path;

use serde::Serialize;

use super::journal::{self, Entry, Journal, PlanState};
use super::{NeededTag, Proposal, TagState, Targets, folder};
use crate::base::version::Version;
use crate::rc::error::RcError;
use crate::rc::tags::TagSource;

/// One step of an executed run, for the report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    pub action: String,
    pub target: String,
    /// `done`, `already there, identical`, `verified: … (journal: … before)`, `created on …`.
    pub result: String,
}

/// What `--execute` did.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
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
        let files = folder::render(&p.manifest);
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
                let result = if folder::same(&dir, &files) {
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
                let result = if dir.exists() && folder::same(&dir, &files) {
                    "already there, identical"
                } else {
                    folder::write(parent, p.next.as_str(), &files)?;
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
