//! Filling the cells of a row from local-clone facts and the GitHub answer, and the verdict.

use super::Planned;
use super::local::LocalFacts;
use super::model::{Cell, CellState, Column, Consistency, Row, Verdict};
use crate::forge::{Ci, CommitState, CompareStatus, RepoResult};
use crate::rc::tracking::{DriftPolicy, Tracking};

fn short(sha: &str) -> String {
    sha.chars().take(12).collect()
}

fn plural(n: u64, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

pub(super) fn row(
    p: Planned,
    l: LocalFacts,
    answer: &RepoResult,
    tracking: &Tracking,
    now: jiff::Timestamp,
) -> Row {
    let gh = answer.as_ref().ok();
    let gh_err = answer.as_ref().err().map(|e| e.short());
    let stale = gh
        .filter(|a| a.cached)
        .map(|a| (now.as_second() - a.fetched_at.as_second()).max(0) as u64);
    let state = gh.map(|a| &a.state);
    // Why a git fact is unknown: GitHub failed and the clone could not stand in.
    let no_evidence = |what: &str| -> String {
        match (&l.clone, &l.error, &gh_err) {
            (None, _, Some(e)) => format!("no clone, {e}"),
            (Some(_), Some(_), Some(e)) => format!("clone unreadable, {e}"),
            (Some(_), None, Some(e)) => format!("{what} not in clone, {e}"),
            (_, _, None) => format!("{what} not known"),
        }
    };
    let mut commit_of_pin: Option<CommitState> = None;
    let mut commit_oid: Option<(String, &'static str)> = None;

    // tag (or SHA) exists
    let tag = match (&p.expected_tag, &p.sha) {
        (_, Some(sha)) => {
            commit_oid = Some((sha.clone(), "pin"));
            commit_of_pin = state.and_then(|s| s.sha.clone());
            match (l.sha_exists, state.map(|s| s.sha.is_some())) {
                (Some(true), _) => Cell::good("commit exists").from("git"),
                (_, Some(true)) => Cell::good("commit exists").from("github"),
                (_, Some(false)) => Cell::bad(
                    "no such commit",
                    format!("commit {} not in {}", short(sha), p.repo),
                )
                .from("github"),
                (Some(false), None) => Cell::bad(
                    "no such commit",
                    format!("commit {} not in the local clone", short(sha)),
                )
                .from("git"),
                (None, None) => Cell::unknown(no_evidence("commit")),
            }
        }
        (Some(t), None) => {
            let gh_tag = state.map(|s| s.tag.clone());
            if let Some(Some(tt)) = &gh_tag {
                commit_of_pin = Some(tt.commit.clone());
            }
            match (&l.tag, gh_tag) {
                (Some(Some(info)), _) => {
                    commit_oid = Some((info.commit.clone(), "git"));
                    Cell::good(t.clone()).from("git")
                }
                (_, Some(Some(tt))) => {
                    commit_oid = Some((tt.commit.oid.clone(), "github"));
                    Cell::good(t.clone()).from("github")
                }
                (_, Some(None)) => {
                    Cell::bad("missing", format!("tag {t} not in {}", p.repo)).from("github")
                }
                (Some(None), None) => Cell::bad(
                    "missing",
                    format!("tag {t} not in the local clone (--fetch to update it)"),
                )
                .from("git"),
                (None, None) => Cell::unknown(no_evidence("tag")),
            }
        }
        (None, None) => Cell::unknown("no tag rule for this kind"),
    }
    .stale(stale);

    // commit the tag points to
    let annotated = match (&l.tag, state.and_then(|s| s.tag.as_ref())) {
        (Some(Some(i)), _) => i.annotated,
        (_, Some(t)) => t.annotated,
        _ => false,
    };
    let commit = match &commit_oid {
        Some((oid, src)) => {
            let v = if annotated {
                format!("{} (annotated)", short(oid))
            } else {
                short(oid)
            };
            let src = if *src == "pin" { "github" } else { src };
            if tag.state == CellState::Good {
                Cell::good(v).from(src)
            } else {
                Cell::info(v)
            }
        }
        None if tag.state == CellState::Bad => Cell::na(),
        None => Cell::unknown(no_evidence("commit")),
    }
    .stale(stale);

    // on the release branch, and drift
    let (on_branch, drift) = match (&p.branch, &p.expected_tag) {
        (None, _) | (_, None) => (Cell::na(), Cell::na()),
        (Some(b), Some(_)) if tag.state == CellState::Bad => {
            let _ = b;
            (Cell::na(), Cell::na())
        }
        (Some(b), Some(_)) => {
            let cmp = state.and_then(|s| s.comparison.clone());
            let branch_missing = state.is_some_and(|s| s.branch_head.is_none());
            let on = match (l.on_branch, &cmp) {
                (Some(true), _) => Cell::good(b.clone()).from("git"),
                (Some(false), _) => Cell::bad(
                    format!("not on {b}"),
                    format!("tagged commit is not on branch {b}"),
                )
                .from("git"),
                (None, Some(c)) => match c.status {
                    CompareStatus::Identical | CompareStatus::Ahead => {
                        Cell::good(b.clone()).from("github")
                    }
                    CompareStatus::Behind | CompareStatus::Diverged => Cell::bad(
                        format!("not on {b}"),
                        format!(
                            "tagged commit is not on branch {b} ({} not on it)",
                            plural(c.behind_by, "commit")
                        ),
                    )
                    .from("github"),
                },
                (None, None) if branch_missing => {
                    Cell::bad(format!("no {b}"), format!("branch {b} does not exist"))
                        .from("github")
                }
                (None, None) => Cell::unknown(no_evidence("branch")),
            };
            let ahead = l
                .drift
                .map(|d| (d as u64, "git"))
                .or_else(|| cmp.as_ref().map(|c| (c.ahead_by, "github")));
            let drift = match ahead {
                Some((0, src)) => Cell::good("0").from(src),
                Some((n, src)) => {
                    let v = plural(n, "commit");
                    match tracking.drift {
                        DriftPolicy::Block => {
                            Cell::bad(v, format!("{} on {b} since the tag", plural(n, "commit")))
                                .from(src)
                        }
                        DriftPolicy::Warn => Cell::info(v).from(src),
                    }
                }
                None if branch_missing => Cell::na(),
                None => Cell::unknown(no_evidence("drift")),
            };
            (on.stale(stale), drift.stale(stale))
        }
    };

    // CI of the tagged commit
    let require_ci = tracking.require_ci.contains(&p.kind);
    let ci = match (&commit_of_pin, state) {
        (Some(c), _) => match &c.ci {
            Ci::Success => Cell::good("success"),
            Ci::Failure { failed, more } => {
                let mut names = failed.join(", ");
                if *more {
                    names.push_str(", …");
                }
                let v = if names.is_empty() {
                    "failure".to_string()
                } else {
                    format!("failure: {names}")
                };
                Cell::bad(v.clone(), format!("CI {v}"))
            }
            Ci::Pending => Cell::unknown("CI pending"),
            Ci::NoChecks if require_ci => Cell::unknown("no CI checks reported"),
            Ci::NoChecks => Cell::info("no checks"),
        }
        .from("github"),
        (None, Some(_)) if tag.state == CellState::Bad => Cell::na(),
        (None, Some(_)) => Cell::unknown("tagged commit not known to GitHub"),
        (None, None) => Cell::unknown(gh_err.clone().unwrap_or_else(|| "no answer".into())),
    }
    .stale(stale);

    // GitHub release
    let require_release = tracking.require_release.contains(&p.kind);
    let release = match (&p.expected_tag, state) {
        (None, _) => Cell::na(),
        (Some(_), Some(s)) => match (&s.release, require_release) {
            (Some(r), _) if !r.draft => Cell::good(if r.prerelease {
                "pre-release"
            } else {
                "published"
            }),
            (Some(_), true) => Cell::bad("draft", "GitHub release is a draft"),
            (Some(_), false) => Cell::info("draft"),
            (None, true) if tag.state == CellState::Bad => Cell::na(),
            (None, true) => Cell::bad("missing", "no GitHub release for the tag"),
            (None, false) => Cell::info("none"),
        }
        .from("github"),
        (Some(_), None) => Cell::unknown(gh_err.clone().unwrap_or_else(|| "no answer".into())),
    }
    .stale(stale);

    // blockers
    let (blockers, blocker_items) = match state {
        Some(s) if s.blockers.is_empty() => (Cell::good("none").from("github"), Vec::new()),
        Some(s) => {
            let list: Vec<String> = s
                .blockers
                .iter()
                .map(|b| format!("#{}", b.number))
                .collect();
            let n = s.blockers.len() as u64;
            let v = format!(
                "{} open: {}{}",
                n,
                list.join(" "),
                if s.blockers_truncated { " …" } else { "" }
            );
            (
                Cell::bad(
                    v,
                    s.blockers
                        .iter()
                        .map(|b| format!("#{} {} ({})", b.number, b.title, b.why))
                        .collect::<Vec<_>>()
                        .join("; "),
                )
                .from("github"),
                s.blockers.clone(),
            )
        }
        None => (
            Cell::unknown(gh_err.clone().unwrap_or_else(|| "no answer".into())),
            Vec::new(),
        ),
    };
    let blockers = blockers.stale(stale);

    Row {
        id: p.id,
        kind: p.kind,
        owned: p.owned,
        repo: p.repo,
        pinned: p.pinned,
        expected_tag: p.expected_tag,
        branch: p.branch,
        clone: l.clone.map(|c| c.display().to_string()),
        tag,
        commit,
        on_branch,
        drift,
        ci,
        release,
        blockers,
        blocker_items,
    }
}

/// ready when every covered cell is good/info/n.a. and no consistency finding blocks;
/// blocked when any cell is bad or a finding blocks; unknown otherwise.
pub(super) fn verdict(rows: &[Row], consistency: &Consistency) -> Verdict {
    let mut reasons: Vec<String> = Vec::new();
    let mut unknown: Vec<(String, Vec<String>)> = Vec::new();
    for r in rows {
        for c in Column::ALL {
            let cell = r.cell(c);
            match cell.state {
                CellState::Bad => reasons.push(format!(
                    "{}: {}",
                    r.id,
                    cell.reason.clone().unwrap_or_else(|| cell.value.clone())
                )),
                CellState::Unknown => {
                    let why = format!(
                        "{} unknown ({})",
                        c.name(),
                        cell.reason.as_deref().unwrap_or("no evidence")
                    );
                    match unknown.iter_mut().find(|(w, _)| *w == why) {
                        Some((_, ids)) => ids.push(r.id.clone()),
                        None => unknown.push((why, vec![r.id.clone()])),
                    }
                }
                _ => {}
            }
        }
    }
    reasons.extend(consistency.blocking.iter().cloned());
    let mut unknown: Vec<String> = unknown
        .into_iter()
        .map(|(why, ids)| {
            if ids.len() == 1 {
                format!("{}: {why}", ids[0])
            } else {
                format!("{} components: {why}", ids.len())
            }
        })
        .collect();
    unknown.extend(consistency.unknown.iter().cloned());
    if rows.is_empty() {
        unknown.push(
            "no component of this release is covered (none is GitHub-mapped and frozen)".into(),
        );
    }
    if !reasons.is_empty() {
        Verdict::Blocked { reasons, unknown }
    } else if !unknown.is_empty() {
        Verdict::Unknown { reasons: unknown }
    } else {
        Verdict::Ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forge::{Answer, ForgeError, RepoState, TagState};
    use crate::rc::tracking::BlockerRules;

    fn planned() -> Planned {
        Planned {
            id: "base/defaults_version".into(),
            kind: "osism-calver".into(),
            owned: true,
            repo: "osism/ansible-defaults".into(),
            pinned: "v1".into(),
            expected_tag: Some("v1".into()),
            sha: None,
            branch: Some("main".into()),
        }
    }

    fn tracking(drift: DriftPolicy) -> Tracking {
        Tracking {
            schema_version: 1,
            blockers: BlockerRules::default(),
            require_ci: vec!["osism-calver".into()],
            require_release: vec![],
            drift,
        }
    }

    fn answer(ci: Ci, ahead: u64) -> RepoResult {
        Ok(Answer {
            state: RepoState {
                repo: "osism/ansible-defaults".into(),
                default_branch: Some("main".into()),
                tag: Some(TagState {
                    name: "v1".into(),
                    annotated: false,
                    commit: CommitState {
                        oid: "a".repeat(40),
                        ci,
                    },
                }),
                sha: None,
                branch_head: Some("b".repeat(40)),
                comparison: Some(crate::forge::Comparison {
                    status: if ahead == 0 {
                        CompareStatus::Identical
                    } else {
                        CompareStatus::Ahead
                    },
                    ahead_by: ahead,
                    behind_by: 0,
                }),
                release: None,
                blockers: vec![],
                blockers_truncated: false,
            },
            fetched_at: jiff::Timestamp::now(),
            cached: false,
        })
    }

    fn now() -> jiff::Timestamp {
        jiff::Timestamp::now()
    }

    #[test]
    fn all_good_is_ready() {
        let r = row(
            planned(),
            LocalFacts::default(),
            &answer(Ci::Success, 0),
            &tracking(DriftPolicy::Block),
            now(),
        );
        assert_eq!(verdict(&[r], &Consistency::default()), Verdict::Ready);
    }

    #[test]
    fn pending_ci_or_missing_checks_are_unknown_not_ready() {
        for ci in [Ci::Pending, Ci::NoChecks] {
            let r = row(
                planned(),
                LocalFacts::default(),
                &answer(ci, 0),
                &tracking(DriftPolicy::Block),
                now(),
            );
            assert_eq!(r.ci.state, CellState::Unknown);
            assert!(matches!(
                verdict(&[r], &Consistency::default()),
                Verdict::Unknown { .. }
            ));
        }
    }

    #[test]
    fn api_error_without_clone_makes_every_cell_unknown() {
        let r = row(
            planned(),
            LocalFacts::default(),
            &Err(ForgeError::Timeout {
                what: "x".into(),
                limit: "1s".into(),
            }),
            &tracking(DriftPolicy::Block),
            now(),
        );
        for c in Column::ALL {
            assert_eq!(r.cell(c).state, CellState::Unknown, "{c:?}");
        }
    }

    #[test]
    fn drift_policy_and_consistency_findings() {
        let r = row(
            planned(),
            LocalFacts::default(),
            &answer(Ci::Success, 3),
            &tracking(DriftPolicy::Warn),
            now(),
        );
        assert_eq!(r.drift.state, CellState::Info);
        assert_eq!(
            verdict(std::slice::from_ref(&r), &Consistency::default()),
            Verdict::Ready
        );
        let c = Consistency {
            checked: true,
            blocking: vec!["ceph family: 17.2.7 vs 17.2.6".into()],
            ..Consistency::default()
        };
        assert!(matches!(verdict(&[r], &c), Verdict::Blocked { .. }));
        let r = row(
            planned(),
            LocalFacts::default(),
            &answer(Ci::Success, 3),
            &tracking(DriftPolicy::Block),
            now(),
        );
        assert_eq!(r.drift.state, CellState::Bad);
        assert_eq!(r.drift.value, "3 commits");
    }

    #[test]
    fn cached_answers_are_marked_stale() {
        let mut a = answer(Ci::Success, 0).unwrap();
        a.cached = true;
        a.fetched_at = now() - jiff::SignedDuration::from_hours(3);
        let r = row(
            planned(),
            LocalFacts::default(),
            &Ok(a),
            &tracking(DriftPolicy::Block),
            now(),
        );
        assert!(r.ci.stale_secs.is_some_and(|s| s >= 3 * 3600));
    }
}
