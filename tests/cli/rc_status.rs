//! `rc status` against a fake GitHub on 127.0.0.1 and git repositories built with git2.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use git2::{Oid, Repository, Signature, Time};
use wiremock::ResponseTemplate;

use crate::common;
use crate::fake_github::{FakeGitHub, FakeRepo};

const TOKEN: &str = "ghp_TESTTOKEN0123456789abcdefSECRET";
const SHA_CERTBOT: &str = "4be771f12a62c9a835491f76ac49cfdc150481ce";
const C_DEFAULTS: &str = "1111111111111111111111111111111111111111";
const C_COMMONS: &str = "2222222222222222222222222222222222222222";
const C_RELEASE: &str = "3333333333333333333333333333333333333333";

/// A data directory with one release, 9.0.0a, and the repository's rc rules.
fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let rc = dir.path().join("releases/rc");
    std::fs::create_dir_all(&rc).unwrap();
    std::fs::create_dir_all(dir.path().join("releases/osism")).unwrap();
    for f in ["components.yaml", "tracking.yaml"] {
        std::fs::copy(common::repo_root().join("releases/rc").join(f), rc.join(f)).unwrap();
    }
    std::fs::write(
        dir.path().join("releases/osism/9.0.0a.yaml"),
        format!(
            r#"schema_version: 1
version: 9.0.0a
source:
  repo: osism/release
  path: 9.0.0a
  files: [base.yml]
pins:
- {{id: base/defaults_version, kind: osism, value: v0.20250101.0, repo: osism/ansible-defaults}}
- {{id: base/manager_version, kind: osism, value: 9.0.0a}}
- {{id: base/ansible_collections/osism.commons, kind: collection, value: "0.20250101.0", repo: osism/ansible-collection-commons}}
- {{id: base/ansible_collections/community.general, kind: collection, value: "8.3.0"}}
- {{id: base/ansible_roles/geerlingguy.certbot, kind: role, value: {SHA_CERTBOT}, repo: geerlingguy/ansible-role-certbot}}
- {{id: openstack/openstack_projects/nova, kind: openstack, value: stable-2024.1}}
- {{id: base/docker_images/mariadb, kind: image, value: "11.2.2", image: library/mariadb}}
- {{id: openstack/openstack_version, kind: openstack, value: "2024.1"}}
"#
        ),
    )
    .unwrap();
    dir
}

/// Everything green on the fake.
fn all_good() -> HashMap<String, FakeRepo> {
    HashMap::from([
        (
            "osism/ansible-defaults".to_string(),
            FakeRepo::good("v0.20250101.0", C_DEFAULTS),
        ),
        (
            "osism/ansible-collection-commons".to_string(),
            FakeRepo::good("v0.20250101.0", C_COMMONS),
        ),
        (
            "osism/release".to_string(),
            FakeRepo::good("9.0.0a", C_RELEASE),
        ),
        (
            "geerlingguy/ansible-role-certbot".to_string(),
            FakeRepo::commit(SHA_CERTBOT, None),
        ),
    ])
}

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// Run the binary off the async runtime (the fake server keeps serving meanwhile).
async fn rc(args: Vec<String>, token: Option<&str>, extra_env: &[(&str, &str)]) -> Run {
    let token = token.map(str::to_string);
    let extra: Vec<(String, String)> = extra_env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let mut c = common::cmd();
        c.env_remove("GITHUB_API_URL")
            .env_remove("SCS_RELEASE_LOG")
            .env_remove("XDG_CACHE_HOME");
        if let Some(t) = token {
            c.env("GITHUB_TOKEN", t);
        }
        for (k, v) in extra {
            c.env(k, v);
        }
        let out = c.args(&args).output().expect("runs");
        Run {
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            code: out.status.code().unwrap_or(-1),
        }
    })
    .await
    .unwrap()
}

fn args(data: &Path, cache: &Path, api: &str, more: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = vec![
        "--data".into(),
        data.display().to_string(),
        "rc".into(),
        "status".into(),
        "9.0.0a".into(),
        "--github-api".into(),
        api.into(),
        "--cache".into(),
        cache.display().to_string(),
    ];
    v.extend(more.iter().map(|s| s.to_string()));
    v
}

/// Replace what changes between runs: the fake's port, timestamps, temp paths.
macro_rules! snap {
    ($name:expr, $value:expr) => {
        insta::with_settings!({filters => vec![
            (r"127\.0\.0\.1:\d+", "127.0.0.1:PORT"),
            (r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIMESTAMP"),
            (r"waiting \d+s would exceed", "waiting Ns would exceed"),
            (r"/tmp/\.tmp[A-Za-z0-9]+", "TMP"),
        ]}, {
            insta::assert_snapshot!($name, $value);
        });
    };
}

fn sig(n: i64) -> Signature<'static> {
    Signature::new(
        "Test",
        "test@example.org",
        &Time::new(1_735_689_600 + n * 60, 0),
    )
    .unwrap()
}

/// Commit on `refs/heads/<branch>` with extra `parents` (for merges); fixed dates.
fn commit(repo: &Repository, branch: &str, msg: &str, n: i64, extra: &[Oid]) -> Oid {
    let refname = format!("refs/heads/{branch}");
    let mut parents: Vec<git2::Commit> = repo
        .find_reference(&refname)
        .ok()
        .and_then(|r| r.peel_to_commit().ok())
        .into_iter()
        .collect();
    for p in extra {
        parents.push(repo.find_commit(*p).unwrap());
    }
    let tree = {
        let mut b = repo.treebuilder(None).unwrap();
        let blob = repo.blob(msg.as_bytes()).unwrap();
        b.insert("file", blob, 0o100644).unwrap();
        repo.find_tree(b.write().unwrap()).unwrap()
    };
    let refs: Vec<&git2::Commit> = parents.iter().collect();
    repo.commit(Some(&refname), &sig(n), &sig(n), msg, &tree, &refs)
        .unwrap()
}

fn annotated_tag(repo: &Repository, name: &str, at: Oid) {
    repo.tag(
        name,
        &repo.find_object(at, None).unwrap(),
        &sig(100),
        name,
        false,
    )
    .unwrap();
}

fn clone_dir(root: &Path, full: &str) -> (PathBuf, Repository) {
    let p = root.join(full);
    std::fs::create_dir_all(&p).unwrap();
    let r = Repository::init(&p).unwrap();
    (p, r)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_when_everything_is_tagged_green_and_current() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(gh.graphql_requests().await, 1, "one batched query");
    snap!("ready_table", r.stdout);
    snap!("ready_stderr", r.stderr);
    // --all adds the info rows (the verdict stays first); the matrix is the same.
    let all = rc(
        args(data.path(), cache.path(), &gh.url(), &["--all"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(all.code, 0, "{}", all.stderr);
    assert!(
        r.stdout
            .contains("info rows, not covered by the verdict: --all lists them.")
    );
    assert!(!all.stdout.contains("--all lists them"));
    let hint = r.stdout.lines().last().unwrap();
    assert!(
        all.stdout
            .starts_with(r.stdout.trim_end_matches(&format!("{hint}\n")))
    );
    snap!("ready_table_all", all.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_as_json_and_markdown() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &["-o", "json"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 0);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["kind"], "rc-status");
    crate::output_schemas::assert_valid("rc-status", &v);
    assert_eq!(v["verdict"]["verdict"], "ready");
    assert_eq!(v["rows"][0]["tag"]["state"], "good");
    let m = rc(
        args(data.path(), cache.path(), &gh.url(), &["-o", "markdown"]),
        Some(TOKEN),
        &[],
    )
    .await;
    snap!("ready_markdown", m.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocked_by_missing_tag_ci_failure_drift_and_blockers() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let repos = tempfile::tempdir().unwrap();
    let mut state = all_good();
    // defaults: the tag was never pushed
    let defaults = state.get_mut("osism/ansible-defaults").unwrap();
    defaults.tags.clear();
    defaults.releases.clear();
    // commons: CI failed on the tagged commit, and an issue sits in the 9.0.0 milestone
    let commons = state.get_mut("osism/ansible-collection-commons").unwrap();
    commons.commits.insert(C_COMMONS.into(), Some("FAILURE"));
    commons.milestone_issues.push((
        "9.0.0".into(),
        7,
        "Galera fails to start after upgrade".into(),
    ));
    // release: a PR labelled release-blocker is open
    state
        .get_mut("osism/release")
        .unwrap()
        .blocker_prs
        .push((42, "Fix the 9.0.0a manager image tag".into()));

    // Local clone of osism/release: annotated tag 9.0.0a, then two more commits on main (drift).
    let (_, r) = clone_dir(repos.path(), "osism/release");
    let c1 = commit(&r, "main", "one", 1, &[]);
    annotated_tag(&r, "9.0.0a", c1);
    commit(&r, "main", "two", 2, &[]);
    commit(&r, "main", "three", 3, &[]);
    // Local clone of commons (named by repo only): the tag sits on a branch that was merged
    // into main, so it is on main; the merge commit is the only drift... which blocks.
    let (_, r) = clone_dir(repos.path(), "ansible-collection-commons");
    let base = commit(&r, "main", "base", 1, &[]);
    r.branch("feature", &r.find_commit(base).unwrap(), false)
        .unwrap();
    let f = commit(&r, "feature", "feature", 2, &[]);
    annotated_tag(&r, "v0.20250101.0", f);
    commit(&r, "main", "merge feature", 3, &[f]);

    let gh = FakeGitHub::start(state, Duration::ZERO).await;
    let r = rc(
        args(
            data.path(),
            cache.path(),
            &gh.url(),
            &["--repos", &repos.path().display().to_string()],
        ),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("Verdict: BLOCKED"));
    snap!("blocked_table", r.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tag_on_unmerged_branch_is_not_on_main() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let repos = tempfile::tempdir().unwrap();
    let (_, r) = clone_dir(repos.path(), "osism/ansible-defaults");
    let base = commit(&r, "main", "base", 1, &[]);
    r.branch("hotfix", &r.find_commit(base).unwrap(), false)
        .unwrap();
    let h = commit(&r, "hotfix", "hotfix", 2, &[]);
    r.tag_lightweight("v0.20250101.0", &r.find_object(h, None).unwrap(), false)
        .unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let out = rc(
        args(
            data.path(),
            cache.path(),
            &gh.url(),
            &["--repos", &repos.path().display().to_string(), "-o", "json"],
        ),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(out.code, 1, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let row = &v["rows"][0];
    assert_eq!(row["id"], "base/defaults_version");
    assert_eq!(
        row["clone"]
            .as_str()
            .map(|c| c.ends_with("osism/ansible-defaults")),
        Some(true)
    );
    assert_eq!(row["tag"]["source"], "git");
    assert_eq!(row["commit"]["value"], h.to_string()[..12]);
    assert_eq!(row["on_branch"]["state"], "bad");
    assert_eq!(row["on_branch"]["value"], "not on main");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_without_clone_when_github_keeps_failing() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(
        ResponseTemplate::new(502).set_body_string("<html><body>502 Bad Gateway</body></html>"),
        10,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("READY"));
    assert_eq!(gh.graphql_requests().await, 4, "1 try + 3 retries");
    snap!("unknown_502_table", r.stdout);
    snap!("unknown_502_stderr", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repository_unknown_to_github_is_unknown_only_in_its_row() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let mut state = all_good();
    state.remove("osism/release");
    let gh = FakeGitHub::start(state, Duration::ZERO).await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &["-o", "json"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    for row in rows {
        let expected = if row["repo"] == "osism/release" {
            "unknown"
        } else {
            "good"
        };
        assert_eq!(row["tag"]["state"], expected, "{}", row["id"]);
    }
    assert_eq!(rows[1]["blockers"]["reason"], "repo not on GitHub");
    assert!(r.stderr.contains(
        "warning: repository osism/release not found on GitHub (or not visible to the token)"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_error_then_success_is_retried() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(ResponseTemplate::new(500).set_body_string(""), 1)
        .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(gh.graphql_requests().await, 2);
    snap!("retry_500_stderr", r.stderr);
}

fn fixture(name: &str) -> Option<String> {
    let dir = common::fixtures()?;
    Some(std::fs::read_to_string(dir.join("github").join(name)).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn primary_rate_limit_403_waits_for_the_reset_then_succeeds() {
    let Some(body) = fixture("error-403-primary-rate-limit.json") else {
        return;
    };
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    // reset already passed: no wait needed (octocrab would sleep ≥ 5 s here)
    let reset = jiff::Timestamp::now().as_second() - 1;
    gh.graphql_override(
        ResponseTemplate::new(403)
            .insert_header("content-type", "application/json; charset=utf-8")
            .insert_header("x-ratelimit-limit", "5000")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-used", "5000")
            .insert_header("x-ratelimit-reset", reset.to_string().as_str())
            .insert_header("x-ratelimit-resource", "graphql")
            .set_body_string(body),
        1,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(gh.graphql_requests().await, 2);
    assert!(
        r.stderr.contains("GitHub rate limit on GraphQL batch 1/1"),
        "{}",
        r.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn primary_rate_limit_403_beyond_max_wait_gives_unknown_cells() {
    let Some(body) = fixture("error-403-primary-rate-limit.json") else {
        return;
    };
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let reset = jiff::Timestamp::now().as_second() + 1800;
    gh.graphql_override(
        ResponseTemplate::new(403)
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string().as_str())
            .set_body_string(body),
        5,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &["--max-wait", "5s"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(
        gh.graphql_requests().await,
        1,
        "no retry when the wait is too long"
    );
    assert!(r.stdout.contains("? GitHub rate limited"));
    snap!("rate_limit_403_stderr", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secondary_rate_limit_429_honours_retry_after() {
    let Some(body) = fixture("error-429-secondary-rate-limit.json") else {
        return;
    };
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "1")
            .set_body_string(body.clone()),
        1,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(gh.graphql_requests().await, 2);
    snap!("rate_limit_429_retry_stderr", r.stderr);

    // A retry-after longer than --max-wait: give up at once, cells unknown.
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(
        ResponseTemplate::new(429)
            .insert_header("retry-after", "120")
            .set_body_string(body),
        5,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &["--max-wait", "10s"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2);
    snap!("rate_limit_429_give_up_stderr", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_rate_limit_in_a_200_is_waited_out() {
    let (Some(old), Some(new)) = (
        fixture("graphql-error-rate-limited.json"),
        fixture("graphql-error-rate-limit-2026.json"),
    ) else {
        return;
    };
    for body in [old, new] {
        let data = data_dir();
        let cache = tempfile::tempdir().unwrap();
        let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
        gh.graphql_override(
            ResponseTemplate::new(200)
                .insert_header("retry-after", "0")
                .insert_header("content-type", "application/json; charset=utf-8")
                .set_body_string(body.clone()),
            1,
        )
        .await;
        let r = rc(
            args(data.path(), cache.path(), &gh.url(), &[]),
            Some(TOKEN),
            &[],
        )
        .await;
        assert_eq!(r.code, 0, "{body}\n{}\n{}", r.stdout, r.stderr);
        assert_eq!(gh.graphql_requests().await, 2);
        // and with no hint how long: 60 s, beyond --max-wait 1s
        let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
        gh.graphql_override(ResponseTemplate::new(200).set_body_string(body.clone()), 5)
            .await;
        let r = rc(
            args(data.path(), cache.path(), &gh.url(), &["--max-wait", "1s"]),
            Some(TOKEN),
            &[],
        )
        .await;
        assert_eq!(r.code, 2);
        assert!(
            r.stderr.contains("warning: GitHub rate limit for GraphQL batch 1/1 (4 repositories): waiting 60s would exceed --max-wait 1s"),
            "{}",
            r.stderr
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_gives_unknown_cells() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::from_secs(5)).await;
    let r = rc(
        args(
            data.path(),
            cache.path(),
            &gh.url(),
            &["--timeout", "300ms"],
        ),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("? GitHub timeout"));
    snap!("timeout_stderr", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_gives_a_clear_message() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json; charset=utf-8")
            .set_body_string(r#"{"data": {"r0": {"nameWithOwner": "osism/ansible-defaults""#),
        1,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("? GitHub malformed JSON"));
    snap!("malformed_stderr", r.stderr);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_token_401_gives_a_clear_message_and_never_shows_the_token() {
    let Some(body) = fixture("error-401-bad-credentials.json") else {
        return;
    };
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    gh.graphql_override(
        ResponseTemplate::new(401)
            .insert_header("x-ratelimit-limit", "0")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", "1711823832")
            .set_body_string(body),
        5,
    )
    .await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[("SCS_RELEASE_LOG", "trace")],
    )
    .await;
    assert_eq!(r.code, 2, "{}\n{}", r.stdout, r.stderr);
    assert_eq!(gh.graphql_requests().await, 1, "401 is not retried");
    assert!(
        r.stderr
            .contains("warning: GitHub rejected the token (401 Bad credentials)")
    );
    assert!(!r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN));
    assert!(!r.stderr.contains("TESTTOKEN"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_is_sent_but_never_printed_in_any_format_or_log() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    for format in ["table", "json", "markdown"] {
        let r = rc(
            args(data.path(), cache.path(), &gh.url(), &["-o", format]),
            None,
            &[("GH_TOKEN", TOKEN), ("SCS_RELEASE_LOG", "trace")],
        )
        .await;
        assert_eq!(r.code, 0, "GH_TOKEN is read too: {}", r.stderr);
        assert!(!r.stdout.contains("TESTTOKEN"), "{format}");
        assert!(!r.stderr.contains("TESTTOKEN"), "{format}");
    }
    let reqs = gh.server.received_requests().await.unwrap();
    assert!(reqs.iter().all(
        |q| q.headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer {TOKEN}"))
    ));
    for f in walk(cache.path()) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        assert!(
            !text.contains("TESTTOKEN"),
            "token in cache file {}",
            f.display()
        );
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_means_unknown_not_green() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let r = rc(args(data.path(), cache.path(), &gh.url(), &[]), None, &[]).await;
    assert_eq!(r.code, 2);
    assert_eq!(gh.graphql_requests().await, 0);
    assert!(
        r.stderr
            .contains("warning: no GitHub token: set GITHUB_TOKEN or GH_TOKEN")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_uses_cached_answers_and_marks_them_stale() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let repos = tempfile::tempdir().unwrap();
    let (_, r) = clone_dir(repos.path(), "osism/release");
    let c1 = commit(&r, "main", "one", 1, &[]);
    annotated_tag(&r, "9.0.0a", c1);
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    // offline before anything was cached: unknown, no request
    let first = rc(
        args(data.path(), cache.path(), &gh.url(), &["--offline"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(first.code, 2);
    assert_eq!(gh.graphql_requests().await, 0);
    assert!(first.stdout.contains("? offline, not cached"));
    // online once, then offline again
    let online = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(online.code, 0);
    let off = rc(
        args(
            data.path(),
            cache.path(),
            &gh.url(),
            &["--offline", "--repos", &repos.path().display().to_string()],
        ),
        None,
        &[],
    )
    .await;
    assert_eq!(gh.graphql_requests().await, 1, "--offline sends nothing");
    assert_eq!(off.code, 0, "{}\n{}", off.stdout, off.stderr);
    snap!("offline_table", off.stdout);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetch_updates_clones_with_the_git_cli() {
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("skipped: no git CLI");
        return;
    }
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    // an "upstream" with the tag, and a clone made before the tag existed
    let upstream = tempfile::tempdir().unwrap();
    let up = Repository::init(upstream.path()).unwrap();
    let c1 = commit(&up, "main", "one", 1, &[]);
    let repos = tempfile::tempdir().unwrap();
    let (clone_path, clone) = clone_dir(repos.path(), "osism/release");
    clone
        .remote("origin", &upstream.path().display().to_string())
        .unwrap();
    annotated_tag(&up, "9.0.0a", c1);
    let _ = c1;
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let run = |fetch: bool| {
        let mut more = vec![
            "--repos".to_string(),
            repos.path().display().to_string(),
            "-o".into(),
            "json".into(),
        ];
        if fetch {
            more.push("--fetch".into());
        }
        let more: Vec<&str> = more.iter().map(String::as_str).collect();
        args(data.path(), cache.path(), &gh.url(), &more)
    };
    let before = rc(run(false), Some(TOKEN), &[]).await;
    let v: serde_json::Value = serde_json::from_str(&before.stdout).unwrap();
    // no tag locally, but GitHub has it: GitHub answers
    assert_eq!(v["rows"][1]["tag"]["source"], "github");
    let after = rc(run(true), Some(TOKEN), &[]).await;
    let v: serde_json::Value = serde_json::from_str(&after.stdout).unwrap();
    assert_eq!(v["rows"][1]["id"], "base/manager_version");
    assert_eq!(v["rows"][1]["tag"]["source"], "git", "{}", after.stderr);
    assert!(
        clone_path.join(".git/refs/tags/9.0.0a").exists()
            || clone_path.join(".git/packed-refs").exists()
    );
}

#[test]
fn bad_flags_are_usage_errors() {
    let (_, err, code) = common::run(&["rc", "status", "7.0.0b", "--max-wait", "soon"]);
    assert_eq!(code, 3);
    snap!("bad_max_wait", err);
    let (_, err, code) = common::run(&[
        "rc",
        "status",
        "7.0.0x",
        "--offline",
        "--cache",
        "/nonexistent",
    ]);
    assert_eq!(code, 3);
    snap!("unknown_release", err);
    let (_, err, code) = common::run(&["rc", "status", "7.0.0b", "--github-api", "not a url"]);
    assert_eq!(code, 3);
    snap!("bad_api_url", err);
    let (_, err, code) = common::run(&["rc", "status", "7.0.0b", "-o", "junit"]);
    assert_eq!(code, 3);
    snap!("bad_format", err);
}

/// The real 7.0.0b pins: 23 covered components, offline with an empty cache: unknown, never green.
#[test]
fn real_release_offline_without_cache_is_unknown() {
    let cache = tempfile::tempdir().unwrap();
    // A process: `rc status` reports progress on the process's stderr, not in `Exit`.
    let (out, _err, code) = common::run_process(&[
        "rc",
        "status",
        "R6-RC1",
        "--offline",
        "--cache",
        &cache.path().display().to_string(),
        "-o",
        "json",
    ]);
    // The consistency findings enter the verdict: 7.0.0b's ceph/cephclient split blocks it
    // (the cells are unknown as well, never green).
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["release"], "7.0.0b");
    crate::output_schemas::assert_valid("rc-status", &v);
    assert_eq!(v["verdict"]["verdict"], "blocked");
    let reasons = v["verdict"]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r.as_str().unwrap().contains("family `ceph` diverges"))
    );
    assert!(!v["verdict"]["unknown"].as_array().unwrap().is_empty());
    let rows = v["rows"].as_array().unwrap();
    assert!(rows.len() > 10);
    assert!(rows.iter().all(|r| r["tag"]["state"] != "good"));
    let info = v["info"].as_array().unwrap();
    assert!(
        info.iter()
            .any(|i| i["id"] == "openstack/openstack_projects/nova"
                && i["note"].as_str().unwrap().contains("not frozen"))
    );
    assert!(info.iter().any(|i| {
        i["id"] == "ceph/docker_images/ceph"
            && i["note"]
                .as_str()
                .unwrap()
                .contains("not a GitHub repository")
    }));
}

/// A PR title from GitHub with a line break, a link and HTML: in `-o markdown` it stays in
/// its list item (no heading, no link, no HTML of its own).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untrusted_pr_titles_are_escaped_in_markdown() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let mut state = all_good();
    state.get_mut("osism/release").unwrap().blocker_prs.push((
        43,
        "Fix `tag|name`\n# Injected heading\n[click](https://evil.example) <b>x</b>".into(),
    ));
    let gh = FakeGitHub::start(state, Duration::ZERO).await;
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &["-o", "markdown"]),
        Some(TOKEN),
        &[],
    )
    .await;
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        !r.stdout.lines().any(|l| l.starts_with("# Injected")),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.replace("\\<", "").contains("<b>"),
        "unescaped HTML: {}",
        r.stdout
    );
    let blockers: Vec<&str> = r
        .stdout
        .lines()
        .skip_while(|l| *l != "## Blockers")
        .take(3)
        .collect();
    snap!("untrusted_pr_title_markdown", blockers.join("\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gh_auth_token_is_the_token_source_after_the_environment() {
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let gh_path = bin.path().join("gh");
    // A stub GitHub CLI that knows one login and logs how it was asked.
    std::fs::write(
        &gh_path,
        format!(
            "#!/bin/sh\necho \"$@\" >> {}/args\n[ \"$1 $2\" = \"auth token\" ] && echo gho_FROMGH_{TOKEN}\n",
            bin.path().display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&gh_path, std::fs::Permissions::from_mode(0o755)).unwrap();
    let gh = FakeGitHub::start(all_good(), Duration::ZERO).await;
    let gh_env = gh_path.display().to_string();
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        None,
        &[("SCS_RELEASE_GH", gh_env.as_str())],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("FROMGH") && !r.stderr.contains("FROMGH"));
    let reqs = gh.server.received_requests().await.unwrap();
    assert!(!reqs.is_empty());
    assert!(reqs.iter().all(
        |q| q.headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&format!("Bearer gho_FROMGH_{TOKEN}"))
    ));
    // The fake server is not api.github.com: gh is asked for that host.
    let asked = std::fs::read_to_string(bin.path().join("args")).unwrap();
    assert_eq!(asked, "auth token --hostname 127.0.0.1\n");
    // GITHUB_TOKEN wins: gh is not asked again.
    let r = rc(
        args(data.path(), cache.path(), &gh.url(), &[]),
        Some(TOKEN),
        &[("SCS_RELEASE_GH", gh_env.as_str())],
    )
    .await;
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        std::fs::read_to_string(bin.path().join("args")).unwrap(),
        asked
    );
}
