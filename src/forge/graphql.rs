//! Batched GraphQL: one query document covers up to [`MAX_BATCH`] repositories through
//! aliases (`r0: repository(owner:…, name:…) {…}`), and its answer is split back per
//! repository.
//!
//! Per repository it asks: the tag ref (target commit, annotated tags peeled) compared with
//! the release branch (`Ref.compare` → drift and reachability), the branch head, the commit
//! of a SHA pin, the status-check rollup of the commit (check runs and statuses), the GitHub
//! release of the tag, and open PRs/issues with a blocker label or in a release milestone.
//!
//! For release notes, [`build_pr_query`] asks title, author and labels of up to
//! [`PR_BATCH`] pull requests of one repository (`p<number>: pullRequest(number: …)`).

use std::collections::HashMap;

use serde::Deserialize;

use super::dto::PullRequest;
use super::{
    Blocker, BlockerKind, BlockerQuery, Ci, CommitState, CompareStatus, Comparison, ForgeError,
    ReleaseState, RepoQuery, RepoState, TagState,
};

/// Repositories per query (GitHub's node limits are far away at this size).
pub const MAX_BATCH: usize = 50;
/// Blockers listed per repository and kind.
pub const BLOCKERS_PER_REPO: usize = 20;
/// Check contexts listed per commit (names of failed checks).
pub const CONTEXTS_PER_COMMIT: usize = 50;

const COMMIT_FRAGMENT: &str = "fragment C on Commit { statusCheckRollup { state contexts(first: 50) { totalCount nodes { __typename ... on CheckRun { name conclusion status } ... on StatusContext { context state } } } } }";

/// A GraphQL string literal (JSON string syntax is valid GraphQL).
fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn list(items: &[String]) -> String {
    format!(
        "[{}]",
        items.iter().map(|s| lit(s)).collect::<Vec<_>>().join(", ")
    )
}

/// The query document for a batch.
pub fn build_query(batch: &[RepoQuery], blockers: &BlockerQuery) -> String {
    let mut q = String::from("query {\n");
    for (i, rq) in batch.iter().enumerate() {
        let (owner, name) = rq.repo.split_once('/').unwrap_or(("", &rq.repo));
        q.push_str(&format!(
            "  r{i}: repository(owner: {}, name: {}) {{\n    nameWithOwner\n    defaultBranchRef {{ name }}\n",
            lit(owner),
            lit(name)
        ));
        if let Some(tag) = &rq.tag {
            q.push_str(&format!(
                "    tag: ref(qualifiedName: {}) {{ name target {{ __typename oid ...C ... on Tag {{ target {{ __typename oid ...C }} }} }}",
                lit(&format!("refs/tags/{tag}"))
            ));
            if let Some(b) = &rq.branch {
                q.push_str(&format!(
                    " compare(headRef: {}) {{ status aheadBy behindBy }}",
                    lit(&format!("refs/heads/{b}"))
                ));
            }
            q.push_str(" }\n");
            q.push_str(&format!(
                "    release(tagName: {}) {{ name isDraft isPrerelease url }}\n",
                lit(tag)
            ));
        }
        if let Some(b) = &rq.branch {
            q.push_str(&format!(
                "    branch: ref(qualifiedName: {}) {{ target {{ oid }} }}\n",
                lit(&format!("refs/heads/{b}"))
            ));
        }
        if let Some(sha) = &rq.sha {
            q.push_str(&format!(
                "    sha: object(oid: {}) {{ __typename oid ...C }}\n",
                lit(sha)
            ));
        }
        if !blockers.labels.is_empty() {
            let labels = list(&blockers.labels);
            q.push_str(&format!(
                "    blockerPrs: pullRequests(states: OPEN, labels: {labels}, first: {BLOCKERS_PER_REPO}) {{ totalCount nodes {{ number title url labels(first: 10) {{ nodes {{ name }} }} }} }}\n    blockerIssues: issues(states: OPEN, labels: {labels}, first: {BLOCKERS_PER_REPO}) {{ totalCount nodes {{ number title url labels(first: 10) {{ nodes {{ name }} }} }} }}\n"
            ));
        }
        for (m, title) in blockers.milestones.iter().enumerate() {
            q.push_str(&format!(
                "    m{m}: milestones(query: {}, states: OPEN, first: 20) {{ nodes {{ title issues(states: OPEN, first: {BLOCKERS_PER_REPO}) {{ totalCount nodes {{ number title url }} }} pullRequests(states: OPEN, first: {BLOCKERS_PER_REPO}) {{ totalCount nodes {{ number title url }} }} }} }}\n",
                lit(title)
            ));
        }
        q.push_str("  }\n");
    }
    q.push_str("  rateLimit { cost remaining resetAt }\n}\n");
    q.push_str(COMMIT_FRAGMENT);
    q.push('\n');
    q
}

/// Pull requests per release-notes query.
pub const PR_BATCH: usize = 50;
/// Labels read per pull request.
const PR_LABELS: usize = 20;

/// One query for up to [`PR_BATCH`] pull requests of `slug` (`owner/name`).
pub fn build_pr_query(slug: &str, numbers: &[u64]) -> String {
    let (owner, name) = slug.split_once('/').unwrap_or((slug, ""));
    let mut q = format!(
        "query {{ repository(owner: {}, name: {}) {{",
        lit(owner),
        lit(name)
    );
    for n in numbers {
        q.push_str(&format!(
            " p{n}: pullRequest(number: {n}) {{ number title author {{ login }} labels(first: {PR_LABELS}) {{ nodes {{ name }} }} }}"
        ));
    }
    q.push_str(" } rateLimit { remaining resetAt } }");
    q
}

/// Open issues of `slug` carrying one of `labels` (at most 50).
pub fn build_labelled_issues_query(slug: &str, labels: &[String]) -> String {
    let (owner, name) = slug.split_once('/').unwrap_or((slug, ""));
    format!(
        "query {{ repository(owner: {}, name: {}) {{ issues(states: OPEN, labels: {}, first: 50) {{ nodes {{ number title url }} }} }} rateLimit {{ remaining resetAt }} }}",
        lit(owner),
        lit(name),
        list(labels)
    )
}

/// (number, title, url) of a [`build_labelled_issues_query`] answer.
pub fn parse_labelled_issues(
    data: &serde_json::Map<String, serde_json::Value>,
) -> Vec<(u64, String, String)> {
    data.get("repository")
        .and_then(|r| r.pointer("/issues/nodes"))
        .and_then(|n| n.as_array())
        .map(|nodes| {
            nodes
                .iter()
                .filter_map(|i| {
                    Some((
                        i.get("number")?.as_u64()?,
                        i.get("title")?.as_str()?.to_string(),
                        i.get("url")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One query for the pull request each commit of `shas` (at most [`PR_BATCH`]) landed with
/// (`associatedPullRequests`, the first, i.e. the PR that merged it).
pub fn build_commit_pr_query(slug: &str, shas: &[String]) -> String {
    let (owner, name) = slug.split_once('/').unwrap_or((slug, ""));
    let mut q = format!(
        "query {{ repository(owner: {}, name: {}) {{",
        lit(owner),
        lit(name)
    );
    for (i, sha) in shas.iter().enumerate() {
        q.push_str(&format!(
            " c{i}: object(oid: {}) {{ ... on Commit {{ oid associatedPullRequests(first: 1) {{ nodes {{ number title author {{ login }} labels(first: {PR_LABELS}) {{ nodes {{ name }} }} }} }} }} }}",
            lit(sha)
        ));
    }
    q.push_str(" } rateLimit { remaining resetAt } }");
    q
}

/// Commit sha → (PR number, PR) of a [`build_commit_pr_query`] answer (commits without a PR
/// are absent).
pub fn parse_commit_pr_answer(
    data: &serde_json::Map<String, serde_json::Value>,
) -> HashMap<String, (u64, PullRequest)> {
    let mut out = HashMap::new();
    let Some(repo) = data.get("repository").and_then(|r| r.as_object()) else {
        return out;
    };
    for v in repo.values() {
        let (Some(oid), Some(pr)) = (
            v.get("oid").and_then(|o| o.as_str()),
            v.pointer("/associatedPullRequests/nodes/0"),
        ) else {
            continue;
        };
        if let Some(found) = pull_request(pr) {
            out.insert(oid.to_string(), found);
        }
    }
    out
}

/// The pull requests in the `data` of a [`build_pr_query`] answer (unknown numbers are
/// absent).
pub fn parse_pr_answer(
    data: &serde_json::Map<String, serde_json::Value>,
) -> HashMap<u64, PullRequest> {
    data.get("repository")
        .and_then(|r| r.as_object())
        .map(|repo| repo.values().filter_map(pull_request).collect())
        .unwrap_or_default()
}

/// One pull-request node (`number title author { login } labels { nodes { name } }`).
fn pull_request(v: &serde_json::Value) -> Option<(u64, PullRequest)> {
    let n = v.get("number")?.as_u64()?;
    let text = |p: &str| v.pointer(p).and_then(|t| t.as_str()).map(str::to_string);
    Some((
        n,
        PullRequest {
            title: text("/title"),
            labels: v
                .pointer("/labels/nodes")
                .and_then(|l| l.as_array())
                .map(|a| {
                    a.iter()
                        .filter_map(|l| l.get("name").and_then(|n| n.as_str()).map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
            author: text("/author/login"),
        },
    ))
}

// ---- answer shapes (only the fields we asked for) ----

#[derive(Debug, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub data: Option<serde_json::Map<String, serde_json::Value>>,
    #[serde(default)]
    pub errors: Vec<GqlError>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GqlError {
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub path: Vec<serde_json::Value>,
}

impl GqlError {
    pub fn is_rate_limit(&self) -> bool {
        matches!(self.kind.as_deref(), Some("RATE_LIMITED" | "RATE_LIMIT"))
            || self.code.as_deref() == Some("graphql_rate_limit")
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Repo {
    #[serde(default)]
    default_branch_ref: Option<Named>,
    #[serde(default)]
    tag: Option<Ref>,
    #[serde(default)]
    branch: Option<BranchRef>,
    #[serde(default)]
    sha: Option<Object>,
    #[serde(default)]
    release: Option<Release>,
    #[serde(default)]
    blocker_prs: Option<Conn<Item>>,
    #[serde(default)]
    blocker_issues: Option<Conn<Item>>,
    #[serde(flatten)]
    rest: serde_json::Map<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Named {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Ref {
    name: String,
    target: Option<Object>,
    #[serde(default)]
    compare: Option<Compare>,
}

#[derive(Debug, Deserialize)]
struct BranchRef {
    target: Option<Oid>,
}

#[derive(Debug, Deserialize)]
struct Oid {
    oid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Object {
    #[serde(rename = "__typename")]
    typename: String,
    oid: String,
    #[serde(default)]
    target: Option<Box<Object>>,
    #[serde(default)]
    status_check_rollup: Option<Rollup>,
}

#[derive(Debug, Deserialize)]
struct Rollup {
    state: String,
    #[serde(default)]
    contexts: Option<Conn<Context>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Conn<T> {
    #[serde(default)]
    total_count: u64,
    #[serde(default = "Vec::new")]
    nodes: Vec<Option<T>>,
}

#[derive(Debug, Deserialize)]
struct Context {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    conclusion: Option<String>,
    #[serde(default)]
    context: Option<String>,
    #[serde(default)]
    state: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Compare {
    status: String,
    ahead_by: u64,
    behind_by: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Release {
    name: Option<String>,
    is_draft: bool,
    is_prerelease: bool,
    url: String,
}

#[derive(Debug, Deserialize)]
struct Item {
    number: u64,
    title: String,
    url: String,
    #[serde(default)]
    labels: Option<Conn<Named>>,
}

#[derive(Debug, Deserialize)]
struct Milestone {
    title: String,
    issues: Conn<Item>,
    #[serde(rename = "pullRequests")]
    pull_requests: Conn<Item>,
}

fn commit_state(o: &Object) -> CommitState {
    let ci = match &o.status_check_rollup {
        None => Ci::NoChecks,
        Some(r) => match r.state.as_str() {
            "SUCCESS" => Ci::Success,
            "FAILURE" | "ERROR" => {
                let mut failed = Vec::new();
                let mut total = 0;
                if let Some(c) = &r.contexts {
                    total = c.total_count;
                    for n in c.nodes.iter().flatten() {
                        let bad = matches!(
                            n.conclusion.as_deref(),
                            Some(
                                "FAILURE"
                                    | "TIMED_OUT"
                                    | "CANCELLED"
                                    | "ACTION_REQUIRED"
                                    | "STARTUP_FAILURE"
                            )
                        ) || matches!(n.state.as_deref(), Some("FAILURE" | "ERROR"));
                        if bad && let Some(name) = n.name.as_ref().or(n.context.as_ref()) {
                            failed.push(name.clone());
                        }
                    }
                }
                let listed = r
                    .contexts
                    .as_ref()
                    .map(|c| c.nodes.len() as u64)
                    .unwrap_or(0);
                Ci::Failure {
                    failed,
                    more: total > listed,
                }
            }
            _ => Ci::Pending,
        },
    };
    CommitState {
        oid: o.oid.clone(),
        ci,
    }
}

/// Peel a ref target: a `Tag` object to its commit.
fn peel(o: &Object) -> Option<(bool, CommitState)> {
    match o.typename.as_str() {
        "Commit" => Some((false, commit_state(o))),
        "Tag" => {
            let inner = o.target.as_deref()?;
            match inner.typename.as_str() {
                "Commit" => Some((true, commit_state(inner))),
                // a tag of a tag: peel once more
                "Tag" => peel(inner).map(|(_, c)| (true, c)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn items(
    conn: Option<&Conn<Item>>,
    kind: BlockerKind,
    labels: &[String],
    out: &mut Vec<Blocker>,
) -> bool {
    let Some(c) = conn else { return false };
    for it in c.nodes.iter().flatten() {
        let label = it
            .labels
            .as_ref()
            .and_then(|l| {
                l.nodes
                    .iter()
                    .flatten()
                    .find(|n| labels.contains(&n.name))
                    .map(|n| n.name.clone())
            })
            .or_else(|| labels.first().cloned())
            .unwrap_or_default();
        out.push(Blocker {
            kind: kind.clone(),
            number: it.number,
            title: it.title.clone(),
            url: it.url.clone(),
            why: format!("label {label}"),
        });
    }
    c.total_count > c.nodes.len() as u64
}

/// Turn one alias's value into a [`RepoState`]. `milestones(query:)` is a substring search
/// on titles, so milestones are matched by exact title here.
pub fn parse_repo(
    q: &RepoQuery,
    value: &serde_json::Value,
    blockers: &BlockerQuery,
) -> Result<RepoState, ForgeError> {
    let what = format!("repository {}", q.repo);
    let r: Repo = serde_json::from_value(value.clone()).map_err(|e| ForgeError::Malformed {
        what,
        detail: e.to_string(),
    })?;
    let tag = r.tag.as_ref().and_then(|t| {
        let (annotated, commit) = peel(t.target.as_ref()?)?;
        Some(TagState {
            name: t.name.clone(),
            annotated,
            commit,
        })
    });
    let comparison = r.tag.as_ref().and_then(|t| t.compare.as_ref()).map(|c| {
        let status = match c.status.as_str() {
            "IDENTICAL" => CompareStatus::Identical,
            "AHEAD" => CompareStatus::Ahead,
            "BEHIND" => CompareStatus::Behind,
            _ => CompareStatus::Diverged,
        };
        Comparison {
            status,
            ahead_by: c.ahead_by,
            behind_by: c.behind_by,
        }
    });
    let sha = r.sha.as_ref().and_then(peel).map(|(_, commit)| commit);
    let mut list = Vec::new();
    let mut truncated = items(
        r.blocker_prs.as_ref(),
        BlockerKind::PullRequest,
        &blockers.labels,
        &mut list,
    );
    truncated |= items(
        r.blocker_issues.as_ref(),
        BlockerKind::Issue,
        &blockers.labels,
        &mut list,
    );
    for (m, title) in blockers.milestones.iter().enumerate() {
        let Some(v) = r.rest.get(&format!("m{m}")) else {
            continue;
        };
        let conn: Conn<Milestone> =
            serde_json::from_value(v.clone()).map_err(|e| ForgeError::Malformed {
                what: format!("milestones of {}", q.repo),
                detail: e.to_string(),
            })?;
        for ms in conn.nodes.iter().flatten().filter(|ms| &ms.title == title) {
            for (kind, c) in [
                (BlockerKind::PullRequest, &ms.pull_requests),
                (BlockerKind::Issue, &ms.issues),
            ] {
                truncated |= c.total_count > c.nodes.len() as u64;
                for it in c.nodes.iter().flatten() {
                    if list
                        .iter()
                        .any(|b: &Blocker| b.number == it.number && b.kind == kind)
                    {
                        continue;
                    }
                    list.push(Blocker {
                        kind: kind.clone(),
                        number: it.number,
                        title: it.title.clone(),
                        url: it.url.clone(),
                        why: format!("milestone {title}"),
                    });
                }
            }
        }
    }
    list.sort_by_key(|b| b.number);
    Ok(RepoState {
        repo: q.repo.clone(),
        default_branch: r.default_branch_ref.map(|b| b.name),
        tag,
        sha,
        branch_head: r.branch.and_then(|b| b.target).map(|t| t.oid),
        comparison,
        release: r.release.map(|rel| ReleaseState {
            name: rel.name,
            draft: rel.is_draft,
            prerelease: rel.is_prerelease,
            url: rel.url,
        }),
        blockers: list,
        blockers_truncated: truncated,
    })
}

/// Split a batch answer into per-repository results (same order as `batch`).
pub fn split_answer(
    batch: &[RepoQuery],
    env: &Envelope,
    blockers: &BlockerQuery,
) -> Vec<Result<RepoState, ForgeError>> {
    batch
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let alias = format!("r{i}");
            let errs: Vec<&GqlError> = env
                .errors
                .iter()
                .filter(|e| e.path.first().and_then(|p| p.as_str()) == Some(alias.as_str()))
                .collect();
            let value = env.data.as_ref().and_then(|d| d.get(&alias));
            match value {
                Some(v) if !v.is_null() => parse_repo(q, v, blockers),
                _ => Err(match errs.first() {
                    Some(e) if e.kind.as_deref() == Some("NOT_FOUND") => ForgeError::NotFound {
                        repo: q.repo.clone(),
                    },
                    Some(e) => ForgeError::GraphQl {
                        what: format!("repository {}", q.repo),
                        message: e.message.clone(),
                    },
                    None => match env.errors.first() {
                        Some(e) => ForgeError::GraphQl {
                            what: format!("repository {}", q.repo),
                            message: e.message.clone(),
                        },
                        None => ForgeError::Malformed {
                            what: format!("repository {}", q.repo),
                            detail: format!("no `{alias}` in the answer"),
                        },
                    },
                }),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(repo: &str, tag: Option<&str>, branch: Option<&str>) -> RepoQuery {
        RepoQuery {
            repo: repo.into(),
            tag: tag.map(Into::into),
            sha: None,
            branch: branch.map(Into::into),
        }
    }

    #[test]
    fn query_uses_aliases_and_escapes() {
        let b = BlockerQuery {
            labels: vec!["release-blocker".into()],
            milestones: vec!["7.0.0b".into()],
        };
        let doc = build_query(
            &[
                q("osism/a", Some("v1"), Some("main")),
                q("x/b\"c", None, None),
            ],
            &b,
        );
        assert!(doc.contains("r0: repository(owner: \"osism\", name: \"a\")"));
        assert!(doc.contains("r1: repository(owner: \"x\", name: \"b\\\"c\")"));
        assert!(doc.contains("compare(headRef: \"refs/heads/main\")"));
        assert!(doc.contains("labels: [\"release-blocker\"]"));
        assert!(doc.contains("m0: milestones(query: \"7.0.0b\""));
        assert!(doc.contains("fragment C on Commit"));
    }

    /// The assembled fixture graphql-refs-status.json holds the real shapes of an annotated
    /// tag (Tag → Commit) and lightweight tags (Commit) with rollups SUCCESS/FAILURE/null.
    #[test]
    fn peels_fixture_shapes() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/github/graphql-refs-status.json"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            eprintln!("skipped: {path} missing");
            return;
        };
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let nodes = v["data"]["repository"]["refs"]["nodes"].as_array().unwrap();
        let mut seen = Vec::new();
        for n in nodes {
            let o: Object = serde_json::from_value(n["target"].clone()).unwrap();
            let (annotated, c) = peel(&o).unwrap();
            seen.push((annotated, c.ci));
        }
        assert!(seen.iter().any(|(a, _)| *a));
        assert!(seen.iter().any(|(_, c)| *c == Ci::Success));
        assert!(seen.iter().any(|(_, c)| matches!(c, Ci::Failure { .. })));
        assert!(seen.iter().any(|(_, c)| *c == Ci::NoChecks));
    }

    #[test]
    fn notes_commit_pr_query_and_answer() {
        let sha = "511e9a042ff697aaca7bfe85211f184ed34fcfed".to_string();
        let q = build_commit_pr_query(
            "SovereignCloudStack/k8s-cluster-api-provider",
            std::slice::from_ref(&sha),
        );
        assert!(q.contains(&format!("c0: object(oid: \"{sha}\")")), "{q}");
        assert!(q.contains("associatedPullRequests(first: 1)"));
        let data: serde_json::Value = serde_json::json!({"repository": {
            "c0": {"oid": sha, "associatedPullRequests": {"nodes": [
                {"number": 584, "title": "Add option to specify external net via ID",
                 "author": {"login": "alice"}, "labels": {"nodes": [{"name": "enhancement"}]}}]}},
            "c1": {"oid": "0".repeat(40), "associatedPullRequests": {"nodes": []}},
            "c2": null
        }});
        let got = parse_commit_pr_answer(data.as_object().unwrap());
        assert_eq!(got.len(), 1);
        let (n, pr) = &got[&sha];
        assert_eq!(
            (*n, pr.labels.as_slice()),
            (584, &["enhancement".to_string()][..])
        );
    }

    #[test]
    fn pr_query_aliases_each_pr() {
        let q = build_pr_query("SovereignCloudStack/csctl", &[1, 22]);
        assert!(q.contains(r#"repository(owner: "SovereignCloudStack", name: "csctl")"#));
        assert!(q.contains("p1: pullRequest(number: 1)"));
        assert!(q.contains("p22: pullRequest(number: 22)"));
    }

    #[test]
    fn pr_answer_with_a_missing_pr() {
        let data: serde_json::Value = serde_json::json!({"repository": {
            "p1": {"number": 1, "title": "T", "author": {"login": "a"}, "labels": {"nodes": [{"name": "bug"}]}},
            "p2": null
        }});
        let prs = parse_pr_answer(data.as_object().unwrap());
        assert_eq!(prs.len(), 1);
        assert_eq!(
            prs[&1],
            PullRequest {
                title: Some("T".into()),
                labels: vec!["bug".into()],
                author: Some("a".into())
            }
        );
    }

    #[test]
    fn rate_limit_types() {
        for f in [
            "graphql-error-rate-limited.json",
            "graphql-error-rate-limit-2026.json",
        ] {
            let path = format!(
                "{}/../shared/fixtures/github/{f}",
                env!("CARGO_MANIFEST_DIR")
            );
            let Ok(text) = std::fs::read_to_string(&path) else {
                return;
            };
            let env: Envelope = serde_json::from_str(&text).unwrap();
            assert!(env.errors.iter().any(GqlError::is_rate_limit), "{f}");
        }
    }
}
