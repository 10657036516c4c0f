//! A fake GitHub on 127.0.0.1 (wiremock) for `rc status` tests and the benchmark.
//!
//! POST /graphql answers the batched repository queries of `scs_release::forge::graphql`
//! with bodies shaped like GitHub's (`Ref.target` as `Tag` → `Commit` or `Commit`,
//! `statusCheckRollup`, `Ref.compare`, `release`, connections with `totalCount`/`nodes`,
//! `NOT_FOUND` errors with a `path` for unknown repositories). Requests without a bearer
//! token get GitHub's 401. Anything else hits a catch-all that answers 599 and makes the
//! test fail on drop (`expect(0)`).
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use regex::Regex;
use serde_json::{Value, json};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Debug, Clone)]
pub struct FakeTag {
    pub commit: String,
    pub annotated: bool,
}

/// One repository as the fake knows it.
#[derive(Debug, Clone, Default)]
pub struct FakeRepo {
    pub tags: HashMap<String, FakeTag>,
    /// Commit SHA → rollup state (`SUCCESS`, `FAILURE`, `PENDING`; `None` = no checks).
    pub commits: HashMap<String, Option<&'static str>>,
    /// Branch name → head commit.
    pub branches: HashMap<String, String>,
    /// Tag → (status, aheadBy, behindBy) against the asked branch.
    pub compare: HashMap<String, (&'static str, u64, u64)>,
    /// Tags with a GitHub release.
    pub releases: Vec<String>,
    /// Open PRs with a blocker label: (number, title).
    pub blocker_prs: Vec<(u64, String)>,
    /// Open issues in a milestone: (milestone, number, title).
    pub milestone_issues: Vec<(String, u64, String)>,
}

impl FakeRepo {
    /// A repository whose `tag` is on `main` at `commit` with CI `ci`, nothing pending.
    pub fn good(tag: &str, commit: &str) -> FakeRepo {
        let mut r = FakeRepo::default();
        r.tags.insert(
            tag.into(),
            FakeTag {
                commit: commit.into(),
                annotated: true,
            },
        );
        r.commits.insert(commit.into(), Some("SUCCESS"));
        r.branches.insert("main".into(), commit.into());
        r.compare.insert(tag.into(), ("IDENTICAL", 0, 0));
        r.releases.push(tag.into());
        r
    }

    /// A repository that only has a commit (for SHA pins).
    pub fn commit(sha: &str, ci: Option<&'static str>) -> FakeRepo {
        let mut r = FakeRepo::default();
        r.commits.insert(sha.into(), ci);
        r
    }
}

pub type Repos = Arc<Mutex<HashMap<String, FakeRepo>>>;

fn commit_json(oid: &str, ci: Option<&'static str>) -> Value {
    let rollup = match ci {
        None => Value::Null,
        Some(state) => {
            let nodes = if state == "FAILURE" {
                json!([
                    {"__typename": "CheckRun", "name": "tox", "conclusion": "FAILURE", "status": "COMPLETED"},
                    {"__typename": "StatusContext", "context": "zuul/check", "state": "SUCCESS"}
                ])
            } else {
                json!([{"__typename": "CheckRun", "name": "tox", "conclusion": if state == "SUCCESS" { Value::from("SUCCESS") } else { Value::Null }, "status": if state == "SUCCESS" { "COMPLETED" } else { "IN_PROGRESS" }}])
            };
            json!({"state": state, "contexts": {"totalCount": nodes.as_array().map(|a| a.len()).unwrap_or(0), "nodes": nodes}})
        }
    };
    json!({"__typename": "Commit", "oid": oid, "statusCheckRollup": rollup})
}

fn capture<'a>(re: &Regex, text: &'a str) -> Option<&'a str> {
    re.captures(text).and_then(|c| c.get(1)).map(|m| m.as_str())
}

/// Answers `r{i}: repository(...)` sections from the shared state.
pub struct GraphQl {
    pub repos: Repos,
}

impl Respond for GraphQl {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let auth = req
            .headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !auth.starts_with("Bearer ") {
            return ResponseTemplate::new(401)
                .insert_header("content-type", "application/json; charset=utf-8")
                .set_body_string(r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/graphql","status":"401"}"#);
        }
        let body: Value = match serde_json::from_slice(&req.body) {
            Ok(v) => v,
            Err(_) => {
                return ResponseTemplate::new(400)
                    .set_body_string(r#"{"message":"Problems parsing JSON"}"#);
            }
        };
        let query = body["query"].as_str().unwrap_or("");
        let alias =
            Regex::new(r#"^  (r\d+): repository\(owner: "([^"]*)", name: "([^"]*)"\)"#).unwrap();
        let tag_re = Regex::new(r#"tag: ref\(qualifiedName: "refs/tags/([^"]*)"\)"#).unwrap();
        let cmp_re = Regex::new(r#"compare\(headRef: "refs/heads/([^"]*)"\)"#).unwrap();
        let branch_re =
            Regex::new(r#"branch: ref\(qualifiedName: "refs/heads/([^"]*)"\)"#).unwrap();
        let sha_re = Regex::new(r#"sha: object\(oid: "([^"]*)"\)"#).unwrap();
        let ms_re = Regex::new(r#"(m\d+): milestones\(query: "([^"]*)""#).unwrap();
        let state = self.repos.lock().unwrap();
        let mut data = serde_json::Map::new();
        let mut errors = Vec::new();
        // split into alias sections
        let mut sections: Vec<(String, String, String, String)> = Vec::new();
        for line in query.lines() {
            if let Some(c) = alias.captures(line) {
                sections.push((
                    c[1].to_string(),
                    c[2].to_string(),
                    c[3].to_string(),
                    String::new(),
                ));
            } else if let Some(s) = sections.last_mut() {
                s.3.push_str(line);
                s.3.push('\n');
            }
        }
        for (alias, owner, name, text) in sections {
            let full = format!("{owner}/{name}");
            let Some(repo) = state.get(&full) else {
                data.insert(alias.clone(), Value::Null);
                errors.push(json!({"type": "NOT_FOUND", "path": [alias], "locations": [{"line": 2, "column": 3}], "message": format!("Could not resolve to a Repository with the name '{full}'.")}));
                continue;
            };
            let mut r = serde_json::Map::new();
            r.insert("nameWithOwner".into(), json!(full));
            r.insert("defaultBranchRef".into(), json!({"name": "main"}));
            if let Some(tag) = capture(&tag_re, &text) {
                let v = match repo.tags.get(tag) {
                    None => Value::Null,
                    Some(t) => {
                        let ci = repo.commits.get(&t.commit).copied().flatten();
                        let commit = commit_json(&t.commit, ci);
                        let target = if t.annotated {
                            json!({"__typename": "Tag", "oid": format!("{:0>40}", "a7"), "target": commit})
                        } else {
                            commit
                        };
                        let mut v = json!({"name": tag, "target": target});
                        if capture(&cmp_re, &text).is_some() {
                            v["compare"] = match repo.compare.get(tag) {
                                Some((s, a, b)) => {
                                    json!({"status": s, "aheadBy": a, "behindBy": b})
                                }
                                None => Value::Null,
                            };
                        }
                        v
                    }
                };
                r.insert("tag".into(), v);
                r.insert(
                    "release".into(),
                    if repo.releases.iter().any(|x| x == tag) {
                        json!({"name": tag, "isDraft": false, "isPrerelease": false, "url": format!("https://github.com/{full}/releases/tag/{tag}")})
                    } else {
                        Value::Null
                    },
                );
            }
            if let Some(b) = capture(&branch_re, &text) {
                r.insert(
                    "branch".into(),
                    match repo.branches.get(b) {
                        Some(h) => json!({"target": {"oid": h}}),
                        None => Value::Null,
                    },
                );
            }
            if let Some(sha) = capture(&sha_re, &text) {
                r.insert(
                    "sha".into(),
                    match repo.commits.get(sha) {
                        Some(ci) => commit_json(sha, *ci),
                        None => Value::Null,
                    },
                );
            }
            if text.contains("blockerPrs:") {
                let nodes: Vec<Value> = repo
                    .blocker_prs
                    .iter()
                    .map(|(n, t)| json!({"number": n, "title": t, "url": format!("https://github.com/{full}/pull/{n}"), "labels": {"nodes": [{"name": "release-blocker"}]}}))
                    .collect();
                r.insert(
                    "blockerPrs".into(),
                    json!({"totalCount": nodes.len(), "nodes": nodes}),
                );
                r.insert(
                    "blockerIssues".into(),
                    json!({"totalCount": 0, "nodes": []}),
                );
            }
            for c in ms_re.captures_iter(&text) {
                let title = &c[2];
                let issues: Vec<Value> = repo
                    .milestone_issues
                    .iter()
                    .filter(|(m, _, _)| m == title)
                    .map(|(_, n, t)| json!({"number": n, "title": t, "url": format!("https://github.com/{full}/issues/{n}")}))
                    .collect();
                let nodes = if issues.is_empty() {
                    json!([])
                } else {
                    json!([{"title": title, "issues": {"totalCount": issues.len(), "nodes": issues}, "pullRequests": {"totalCount": 0, "nodes": []}}])
                };
                r.insert(c[1].to_string(), json!({"nodes": nodes}));
            }
            data.insert(alias, Value::Object(r));
        }
        data.insert(
            "rateLimit".into(),
            json!({"cost": 1, "remaining": 4990, "resetAt": "2026-01-01T00:00:00Z"}),
        );
        let mut out = json!({"data": data});
        if !errors.is_empty() {
            out["errors"] = Value::Array(errors);
        }
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json; charset=utf-8")
            .insert_header("x-github-media-type", "github.v4; format=json")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "4990")
            .insert_header("x-ratelimit-reset", "1726598744")
            .insert_header("x-ratelimit-used", "10")
            .insert_header("x-ratelimit-resource", "graphql")
            .set_body_json(out)
    }
}

/// A fake GitHub serving `repos`; `latency` delays every GraphQL answer.
pub struct FakeGitHub {
    pub server: MockServer,
    pub repos: Repos,
}

impl FakeGitHub {
    pub async fn start(repos: HashMap<String, FakeRepo>, latency: Duration) -> FakeGitHub {
        let server = MockServer::start().await;
        let repos: Repos = Arc::new(Mutex::new(repos));
        Mock::given(method("POST"))
            .and(path("/graphql"))
            .respond_with(DelayedGraphQl {
                inner: GraphQl {
                    repos: repos.clone(),
                },
                latency,
            })
            .with_priority(10)
            .named("graphql")
            .mount(&server)
            .await;
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(599).set_body_string("fake GitHub: unexpected request"),
            )
            .with_priority(u8::MAX)
            .named("catch-all: unexpected request")
            .expect(0)
            .mount(&server)
            .await;
        FakeGitHub { server, repos }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }

    /// Mount a response that takes precedence for the next `times` GraphQL requests.
    pub async fn graphql_override(&self, template: ResponseTemplate, times: u64) {
        Mock::given(method("POST"))
            .and(path("/graphql"))
            .respond_with(template)
            .up_to_n_times(times)
            .with_priority(1)
            .named("graphql override")
            .mount(&self.server)
            .await;
    }

    pub async fn graphql_requests(&self) -> usize {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .iter()
            .filter(|r| r.url.path() == "/graphql")
            .count()
    }
}

struct DelayedGraphQl {
    inner: GraphQl,
    latency: Duration,
}

impl Respond for DelayedGraphQl {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        self.inner.respond(req).set_delay(self.latency)
    }
}
