//! `rc status`: the readiness matrix of one release.
//!
//! One row per pinned component the verdict covers (GitHub-mapped, frozen pin: a version or a
//! SHA), with cells tag → commit → on release branch → drift → CI → GitHub release →
//! blockers; every other pin (branch-pinned OpenStack projects, registry images, packages,
//! components without a mapped repository) is listed as info. Answers come from local
//! clones (tag, commit, branch, drift) and from one batched GitHub query per 50 repositories
//! (everything else, and the git facts where there is no clone). A cell without evidence is
//! unknown, and unknown is never green.

mod cells;
pub mod local;
pub mod model;

use std::collections::HashMap;
use std::path::PathBuf;

pub use model::{Cell, CellState, Column, Consistency, InfoRow, Row, StatusReport, Verdict};

use crate::base::progress::Progress;
use crate::base::version::Kind;
use crate::forge::{BlockerQuery, Forge, RepoQuery, RepoResult};
use crate::rc::tracking::Tracking;
use crate::release::components::{ComponentRules, SourceKind};
use crate::release::{ReleaseEntry, ReleaseError, Store};

/// How to scan.
#[derive(Debug, Clone, Default)]
pub struct StatusOptions {
    /// Directory with local clones (`<owner>/<repo>` or `<repo>`).
    pub repos: Option<PathBuf>,
    /// `git fetch --tags --prune` each clone first.
    pub fetch: bool,
    /// Answers come from the cache (set by the caller together with an `OfflineForge`).
    pub offline: bool,
}

/// A covered component before its cells are filled.
struct Planned {
    id: String,
    kind: String,
    owned: bool,
    repo: String,
    pinned: String,
    expected_tag: Option<String>,
    sha: Option<String>,
    branch: Option<String>,
}

/// Build the readiness report of `entry`.
#[allow(clippy::too_many_arguments)]
pub fn status<F: Forge>(
    store: &Store,
    rules: &ComponentRules,
    tracking: &Tracking,
    entry: &ReleaseEntry,
    forge: &F,
    consistency: Consistency,
    opts: &StatusOptions,
    progress: &dyn Progress,
) -> Result<StatusReport, ReleaseError> {
    let manifest = store.manifest(&entry.version)?;
    let mut planned: Vec<Planned> = Vec::new();
    let mut info: Vec<InfoRow> = Vec::new();
    let mut settings = 0;
    for pin in &manifest.pins {
        let Some(c) = rules.classify(pin) else {
            settings += 1;
            continue;
        };
        let frozen = pin.value.is_frozen();
        let note = match (c.rule.source, &c.repo, frozen) {
            (SourceKind::None, _, _) => {
                settings += 1;
                continue;
            }
            (SourceKind::Github, Some(repo), true) => {
                let sha = matches!(pin.value.kind(), Kind::Sha).then(|| pin.value.to_string());
                planned.push(Planned {
                    id: pin.id.clone(),
                    kind: c.kind.to_string(),
                    owned: c.rule.owned,
                    repo: repo.clone(),
                    pinned: pin.value.to_string(),
                    expected_tag: c.expected_tag.clone(),
                    branch: if sha.is_some() {
                        None
                    } else {
                        c.rule.branch.clone()
                    },
                    sha,
                });
                continue;
            }
            (SourceKind::Github, Some(repo), false) => {
                format!("{} {repo}: {}, not frozen", c.kind, pin.value.kind_name())
            }
            (SourceKind::Github, None, _) => {
                format!("{}: no GitHub repository mapped", c.kind)
            }
            (SourceKind::Registry, _, _) => format!(
                "{}: registry image{}, not a GitHub repository",
                c.kind,
                pin.image
                    .as_ref()
                    .map(|i| format!(" {i}"))
                    .unwrap_or_default()
            ),
            (SourceKind::Package, _, _) => format!("{}: package, not a GitHub repository", c.kind),
        };
        info.push(InfoRow {
            id: pin.id.clone(),
            kind: c.kind.to_string(),
            pinned: pin.value.to_string(),
            note,
        });
    }

    // Local clones.
    let mut locals: Vec<local::LocalFacts> = Vec::with_capacity(planned.len());
    let mut problems: Vec<String> = Vec::new();
    if let Some(dir) = &opts.repos {
        if !dir.is_dir() {
            problems.push(format!(
                "--repos {}: not a directory; no local clones used",
                dir.display()
            ));
        }
        if opts.fetch && !opts.offline && dir.is_dir() {
            let mut clones: Vec<PathBuf> = planned
                .iter()
                .filter_map(|p| crate::git::find_clone(dir, &p.repo))
                .collect();
            clones.sort();
            clones.dedup();
            progress.start("git fetch", clones.len() as u64);
            for c in &clones {
                if let Err(e) = crate::git::fetch(c) {
                    problems.push(e.to_string());
                }
                progress.advance(1, &c.display().to_string());
            }
            progress.finish();
        }
        progress.start("local clones", planned.len() as u64);
        for p in &planned {
            let f = local::facts(
                dir,
                &p.repo,
                p.expected_tag.as_deref(),
                p.sha.as_deref(),
                p.branch.as_deref(),
            );
            if let Some(e) = &f.error
                && !problems.contains(e)
            {
                problems.push(e.clone());
            }
            locals.push(f);
            progress.advance(1, &p.repo);
        }
        progress.finish();
    } else {
        locals.resize(planned.len(), local::LocalFacts::default());
    }

    // GitHub: one query per distinct (repo, tag, sha, branch).
    let scs = store.scs_release(&entry.version);
    let blockers = BlockerQuery {
        labels: tracking.blockers.labels.clone(),
        milestones: tracking.milestones(&entry.version, scs, &entry.label),
    };
    let mut queries: Vec<RepoQuery> = Vec::new();
    let mut index: HashMap<RepoQuery, usize> = HashMap::new();
    let mut of_row: Vec<usize> = Vec::with_capacity(planned.len());
    for p in &planned {
        let q = RepoQuery {
            repo: p.repo.clone(),
            tag: p.expected_tag.clone(),
            sha: p.sha.clone(),
            branch: p.branch.clone(),
        };
        let i = *index.entry(q.clone()).or_insert_with(|| {
            queries.push(q);
            queries.len() - 1
        });
        of_row.push(i);
    }
    let answers: Vec<RepoResult> = forge.repo_states(&queries, &blockers, progress);
    let mut not_cached = 0;
    for e in answers.iter().filter_map(|r| r.as_ref().err()) {
        if matches!(e, crate::forge::ForgeError::NotCached { .. }) {
            not_cached += 1;
            continue;
        }
        let text = e.to_string();
        if !problems.contains(&text) {
            problems.push(text);
        }
    }
    if not_cached > 0 {
        problems.push(format!(
            "offline: no cached GitHub answer for {not_cached} of {} repositories (run once without --offline to fill the cache)",
            queries.len()
        ));
    }

    let now = jiff::Timestamp::now();
    let rows: Vec<Row> = planned
        .into_iter()
        .zip(locals)
        .zip(of_row)
        .map(|((p, l), i)| {
            let answer = answers.get(i).cloned().unwrap_or_else(|| {
                Err(crate::forge::ForgeError::Malformed {
                    what: p.repo.clone(),
                    detail: "no answer".into(),
                })
            });
            cells::row(p, l, &answer, tracking, now)
        })
        .collect();
    let verdict = cells::verdict(&rows, &consistency);
    Ok(StatusReport {
        release: entry.version.to_string(),
        scs: entry.scs.clone(),
        label: entry.label.clone(),
        offline: opts.offline,
        rows,
        info,
        settings,
        consistency,
        verdict,
        problems,
        blocker_labels: blockers.labels,
        milestones: blockers.milestones,
        github: forge.stats(),
    })
}
