//! notes: KaaS v1/v2 and SCS release notes from git history built in temp dirs with git2.

use std::path::{Path, PathBuf};

use crate::common::{cmd, fixtures, in_process, run};

const SIG_TIME: i64 = 1_700_000_000;

/// A linear-history test repo with fixed author/committer dates (stable SHAs).
struct TestRepo {
    dir: tempfile::TempDir,
    repo: git2::Repository,
    n: i64,
}

impl TestRepo {
    fn new() -> TestRepo {
        let dir = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(dir.path()).unwrap();
        TestRepo { dir, repo, n: 0 }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn sig(&self) -> git2::Signature<'static> {
        git2::Signature::new(
            "Dev",
            "dev@example.org",
            &git2::Time::new(SIG_TIME + self.n * 60, 0),
        )
        .unwrap()
    }

    fn head(&self) -> Option<git2::Commit<'_>> {
        self.repo.head().ok().and_then(|h| h.peel_to_commit().ok())
    }

    /// Commit `message`, writing one line to `file` (so path filters can select commits).
    fn commit_file(&mut self, file: &str, message: &str) -> git2::Oid {
        self.n += 1;
        let sig = self.sig();
        let parent = self.head();
        let mut builder = self
            .repo
            .treebuilder(parent.as_ref().map(|p| p.tree().unwrap()).as_ref())
            .unwrap();
        let blob = self.repo.blob(format!("{}\n", self.n).as_bytes()).unwrap();
        insert_path(
            &self.repo,
            &mut builder,
            parent.as_ref().map(|p| p.tree().unwrap()),
            file,
            blob,
        );
        let tree = self.repo.find_tree(builder.write().unwrap()).unwrap();
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        self.repo
            .commit(Some("HEAD"), &sig, &sig, message, &tree, &parents)
            .unwrap()
    }

    fn commit(&mut self, message: &str) -> git2::Oid {
        self.commit_file("file.txt", message)
    }

    /// A merge commit of a one-commit side branch into HEAD.
    fn merge(&mut self, message: &str) -> git2::Oid {
        self.n += 1;
        let sig = self.sig();
        let head = self.head().unwrap();
        let side = self
            .repo
            .commit(
                None,
                &sig,
                &sig,
                "side work",
                &head.tree().unwrap(),
                &[&head],
            )
            .unwrap();
        let side = self.repo.find_commit(side).unwrap();
        self.repo
            .commit(
                Some("HEAD"),
                &sig,
                &sig,
                message,
                &head.tree().unwrap(),
                &[&head, &side],
            )
            .unwrap()
    }

    fn tag(&self, name: &str) {
        let head = self.head().unwrap();
        self.repo
            .tag_lightweight(name, head.as_object(), false)
            .unwrap();
    }
}

/// Put `blob` at `path` (with subdirectories) into the tree being built.
fn insert_path(
    repo: &git2::Repository,
    builder: &mut git2::TreeBuilder,
    base: Option<git2::Tree>,
    path: &str,
    blob: git2::Oid,
) {
    match path.split_once('/') {
        None => {
            builder.insert(path, blob, 0o100644).unwrap();
        }
        Some((dir, rest)) => {
            let sub_tree = base
                .as_ref()
                .and_then(|t| t.get_name(dir))
                .and_then(|e| repo.find_tree(e.id()).ok());
            let mut sub = repo.treebuilder(sub_tree.as_ref()).unwrap();
            insert_path(repo, &mut sub, sub_tree, rest, blob);
            let oid = sub.write().unwrap();
            builder.insert(dir, oid, 0o040000).unwrap();
        }
    }
}

/// (PR number, title) of the KaaS v1 R5 notes (`## Minor improvements`, `## Bug fixes`).
fn r5_prs(fx: &Path) -> Vec<(u64, String)> {
    let text = std::fs::read_to_string(
        fx.join("release-notes/k8s-cluster-api-provider/Release-Notes-R5.md"),
    )
    .unwrap();
    let start = text.find("## Minor improvements").unwrap();
    let lines: Vec<&str> = text[start..].lines().collect();
    let mut out = Vec::new();
    for w in lines.windows(2) {
        if let Some(rest) = w[0].strip_prefix("- [#") {
            let n: u64 = rest.split(']').next().unwrap().parse().unwrap();
            out.push((n, w[1].trim().to_string()));
        }
    }
    out
}

/// Bodies of the R5 squash commits that the classification needs: #489's title names no fix,
/// its commit closes the issue with `Fixes #144`.
const R5_BODIES: &[(u64, &str)] = &[(489, "Fixes #144")];

/// PR number → section heading of the KaaS v1 notes (`## Minor improvements`, `## Bug fixes`).
fn sections_of(text: &str) -> Vec<(u64, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            current = h.to_string();
        } else if let Some(rest) = line.strip_prefix("- [#")
            && let Some(n) = rest.split(']').next().and_then(|n| n.parse().ok())
        {
            out.push((n, current.clone()));
        }
    }
    out
}

/// A k8s-cluster-api-provider-like repo: v6.0.0, the R5 PR titles as squash commits, v7.0.0.
fn kaas_v1_repo(fx: &Path) -> TestRepo {
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v6.0.0");
    for (n, title) in r5_prs(fx).iter() {
        let body = R5_BODIES
            .iter()
            .find(|(m, _)| m == n)
            .map_or(String::new(), |(_, b)| format!("\n\n{b}"));
        r.commit(&format!("{title} (#{n}){body}"));
    }
    r.commit("Update dependency derailed/k9s to v0.31.8 (#690)");
    r.commit("Update dependency derailed/k9s to v0.31.9 (#692)");
    r.commit("Tolerate new names of control planes in fullclean");
    r.tag("v7.0.0");
    r.tag("SCS_RELEASE_6=v7.0.0");
    r
}

/// The body of the Markdown section under `heading`, up to the next heading.
fn section<'a>(out: &'a str, heading: &str) -> &'a str {
    let start = out
        .find(&format!("{heading}\n\n"))
        .unwrap_or_else(|| panic!("no {heading} in:\n{out}"))
        + heading.len()
        + 2;
    let rest = &out[start..];
    let end = rest.find("\n#").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn kaas_v1_args(path: &Path) -> Vec<String> {
    ["notes", "--track", "kaas-v1", "--release", "R6", "--repo"]
        .iter()
        .map(|a| a.to_string())
        .chain([format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(path)
        )])
        .collect()
}

fn run_s(args: &[String]) -> (String, String, i32) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&refs)
}

#[test]
fn kaas_v1_notes_have_the_r5_shape() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let (out, err, code) = run_s(&kaas_v1_args(r.path()));
    assert_eq!(code, 0, "{err}");
    let minor = section(&out, "## Minor improvements");
    assert!(minor.contains("- [#413](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/413)\n  Make openstack instance create timeout configurable\n"), "{minor}");
    // Oldest first, like Release-Notes-R5.md.
    assert!(section(&out, "## Bug fixes").starts_with("- [#416](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/416)\n  Fix command not found in Makefile\n"));
    insta::assert_snapshot!("kaas_v1_r6", out);
    assert!(!err.contains("unsorted"), "{err}");
}

#[test]
fn r5_entries_land_in_the_sections_the_team_chose() {
    let Some(fx) = fixtures() else { return };
    let real = std::fs::read_to_string(
        fx.join("release-notes/k8s-cluster-api-provider/Release-Notes-R5.md"),
    )
    .unwrap();
    let r = kaas_v1_repo(&fx);
    let (out, err, code) = run_s(&kaas_v1_args(r.path()));
    assert_eq!(code, 0, "{err}");
    let ours = sections_of(&out);
    let wanted: Vec<(u64, String)> = sections_of(&real)
        .into_iter()
        .filter(|(_, s)| s == "Minor improvements" || s == "Bug fixes")
        .collect();
    assert_eq!(
        wanted.len(),
        21,
        "the R5 notes list 18 minor improvements and 3 bug fixes"
    );
    let wrong: Vec<String> = wanted
        .iter()
        .filter(|(n, s)| !ours.iter().any(|(m, t)| m == n && t == s))
        .map(|(n, s)| {
            let got = ours.iter().find(|(m, _)| m == n).map(|(_, t)| t.as_str());
            format!("#{n}: team {s}, ours {got:?}")
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The misclassifications found on the real R6 range (v6.0.0..v7.0.0), each reproduced: a fix
/// told only by its description, `Fixes: #N` on a change verb, verbs in other forms, issue
/// references in titles, version bumps, typo fixes, a revert of a change of the same range, a
/// `fixup!` commit, a PR the highlights tell about.
#[test]
fn r6_misclassifications_are_sorted_and_left_out_with_reasons() {
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v6.0.0");
    for m in [
        "Remove unnecessary keystoneauth patch (#580)",
        "Add option to specify external net via ID\n\nFixes #572",
        "fixup! Add option to specify external net via ID",
        "Revert \"Remove unnecessary keystoneauth patch (#580)\" (#585)",
        "Update terraform cache directory for providers (#608)\n\nThe bug was, that terraform init was called all the time\n\nSigned-off-by: Dev <dev@example.org>",
        "Install kubectx on management node #457 (#617)",
        "Preserves (possible) additional docker-daemon settings (#624)",
        "Delete \"*sets\" before k8s pods to ensure we enumerate all of them\n\nFixes: #631",
        "Add ClusterClass (#600)",
        "Upgrade cilium to v1.15.0 (#686)",
        "Update cilium to v1.15.1 (#702)",
        "Fix small typos in docs (#658)",
    ] {
        r.commit(m);
    }
    r.tag("v7.0.0");
    let hl = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        hl.path(),
        "### ClusterClass\n\nSee [#600](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/600).\n",
    )
    .unwrap();
    let mut args = kaas_v1_args(r.path());
    args.extend(["--highlights".to_string(), s(hl.path())]);
    let (out, err, code) = run_s(&args);
    assert_eq!(code, 0, "{err}");
    let fixes = section(&out, "## Bug fixes");
    assert!(fixes.contains("#608"), "{fixes}");
    assert!(fixes.contains("Delete \"*sets\""), "{fixes}");
    let minor = section(&out, "## Minor improvements");
    assert!(
        minor.contains("  Install kubectx on management node\n"),
        "{minor}"
    );
    assert!(minor.contains("#624") && minor.contains("#658"), "{minor}");
    assert!(!out.contains("#580)") && !out.contains("#585)") && !out.contains("fixup!"));
    assert!(!minor.contains("#600") && !fixes.contains("#600"));
    assert!(
        section(&out, "## Dependency updates").starts_with("- cilium v1.15.1 ("),
        "{out}"
    );
    assert!(!err.contains("unsorted"), "{err}");
    insta::assert_snapshot!("kaas_v1_r6_misclassifications", out);
}

#[test]
fn tags_with_equals_sign_and_shared_commit_give_the_same_range() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let (a, _, _) = run_s(&kaas_v1_args(r.path()));
    let mut args = kaas_v1_args(r.path());
    args.extend(["--to".to_string(), "SCS_RELEASE_6=v7.0.0".to_string()]);
    let (b, err, code) = run_s(&args);
    assert_eq!(code, 0, "{err}");
    // Same notes; only the closing comment names the range as given.
    let body = |s: &str| s[..s.rfind("<!--").unwrap()].to_string();
    assert_eq!(body(&a), body(&b));
    assert!(
        b.contains("v6.0.0..SCS_RELEASE_6=v7.0.0 (--from/--to): 24 changes"),
        "{b}"
    );
}

/// Merge commits of cluster-stack-operator v0.1.0-alpha.5..v0.1.0-alpha.7 (fixture), oldest first.
fn cso_merges(fx: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(
        fx.join("release-notes/cluster-stack-operator-merges-v0.1.0-alpha.5..v0.1.0-alpha.7.txt"),
    )
    .unwrap();
    let mut msgs: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.starts_with("commit ") && line.len() == 47 {
            msgs.push(String::new());
        } else if let Some(m) = msgs.last_mut() {
            m.push_str(line);
            m.push('\n');
        }
    }
    msgs.reverse();
    msgs
}

#[test]
fn kaas_v2_operator_notes_from_merge_commits() {
    let Some(fx) = fixtures() else { return };
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v0.1.0-alpha.5");
    for m in cso_merges(&fx) {
        let (subject, body) = m.split_once('\n').unwrap_or((&m, ""));
        r.merge(&format!("{subject}\n\n{}", body.trim()));
    }
    r.tag("v0.1.0-alpha.7");
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v2",
        "--release",
        "R7",
        "--repo",
        &format!("SovereignCloudStack/cluster-stack-operator={}", s(r.path())),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Changes since [v0.1.0-alpha.5]"));
    let features = section(&out, "### :sparkles: New Features");
    assert!(
        features.contains("- Add oci as assets client (#238)\n"),
        "{features}"
    );
    assert!(
        section(&out, "### :bug: Bug Fixes")
            .contains("- Fix issue 231: Continue if cluster stack string is invalid (#254)\n")
    );
    insta::assert_snapshot!("kaas_v2_cso_alpha7", out);
}

#[test]
fn cluster_stacks_use_the_previous_tag_of_the_series_and_the_stack_path() {
    let mut r = TestRepo::new();
    r.commit_file(
        "providers/openstack/scs/1-28/cluster-class/values.yaml",
        "Add v1.28 Cluster Stacks SCS",
    );
    r.tag("openstack-scs-1-28-v1");
    r.commit_file(
        "providers/openstack/scs/1-28/cluster-addon/values.yaml",
        "fix: cilium values for 1.28 (#90)",
    );
    r.tag("openstack-scs-1-28-v0-sha-abc1234");
    r.commit_file(
        "providers/openstack/alpha/1-28/values.yaml",
        "feat: alpha only change (#91)",
    );
    r.commit_file(
        "providers/openstack/scs/1-28/cluster-class/values.yaml",
        ":sparkles: Add OIDC settings (#92)",
    );
    r.tag("openstack-scs-1-28-v2");
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v2",
        "--release",
        "R7",
        "--to",
        "openstack-scs-1-28-v2",
        "--repo",
        &format!("SovereignCloudStack/cluster-stacks={}", s(r.path())),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Changes since [openstack-scs-1-28-v1]"),
        "{out}"
    );
    assert!(out.contains("limited to `providers/openstack/scs/1-28`"));
    assert!(!out.contains("alpha only change"));
    insta::assert_snapshot!("kaas_v2_cluster_stack", out);
}

#[test]
fn scs_notes_follow_release_x_with_highlights() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let hl = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(hl.path(), "KaaS v2 is usable now.\n\n## Upgrade/Migration notes\n\nMove to Cluster Stacks.\n\n## List of known issues & restrictions in R6\n\nOctavia needs care.\n").unwrap();
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "scs",
        "--release",
        "R6",
        "--highlights",
        &s(hl.path()),
        "--repo",
        &format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(r.path())
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    let x =
        std::fs::read_to_string(fx.join("release-notes/scs-release-notes/ReleaseX.md")).unwrap();
    // Every section of ReleaseX.md is there, in order.
    let mut at = 0;
    for h in x.lines().filter(|l| l.starts_with("## ")) {
        let h = h.replace("RX", "R6");
        let pos = out[at..]
            .find(&h)
            .unwrap_or_else(|| panic!("missing or out of order: {h}"));
        at += pos + h.len();
    }
    assert!(out.contains("## Upgrade/Migration notes\n\nMove to Cluster Stacks."));
    assert!(out.contains("Octavia needs care."));
    insta::assert_snapshot!("scs_r6", out);
    assert!(
        err.contains("no --repo for SovereignCloudStack/csctl"),
        "{err}"
    );
}

#[test]
fn from_context_renders_the_same_without_git() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let (direct, _, _) = run_s(&kaas_v1_args(r.path()));
    let mut args = kaas_v1_args(r.path());
    args.push("--context".into());
    let (json, err, code) = run_s(&args);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    crate::output_schemas::assert_valid("notes-context", &v);
    assert_eq!(v["kind"], "notes-context");
    assert_eq!(v["repos"][0]["changes"]["fixes"][0]["style"], "pr-title");
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), &json).unwrap();
    drop(r); // no git needed any more
    let (rendered, err, code) = run(&["notes", "--from-context", &s(f.path())]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(rendered, direct);
}

#[test]
fn broken_user_template_names_template_line_and_column() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "unclosed.hbs",
            "# Notes\n\n{{#each repos}}\n- {{name}\n{{/each}}\n",
        ),
        (
            "mismatch.hbs",
            "# Notes\n{{#each repos}}\n{{name}}\n{{/if}}\n",
        ),
        ("missing.hbs", "# Notes\n{{release.codename}}\n"),
        // A block left open: the error is on the last line, not one past the end.
        ("open.hbs", "# Notes\n{{#each repos}}\n- {{name}}\n"),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        let mut args = kaas_v1_args(r.path());
        args.extend(["--template".to_string(), s(&p)]);
        let (out, err, code) = run_s(&args);
        assert_eq!((code, out.as_str()), (3, ""));
        assert!(!err.contains("expected"), "raw parser tokens leaked: {err}");
        report.push_str(&err.replace(&s(dir.path()), "<dir>"));
    }
    insta::assert_snapshot!("broken_templates", report);
}

#[test]
fn prepend_keeps_older_sections_byte_identical() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("CHANGELOG.md");
    let older = "## [6.0.0] - 2023-09-20\n\n### Fixed\n- Fix curl warning  \n\n[6.0.0]: https://example.org\n";
    let head = "# Changelog\n\nAll notable changes.\n\n## [Unreleased]\n\n### Added\n- wip\n\n";
    std::fs::write(&log, format!("{head}{older}")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&log, std::fs::Permissions::from_mode(0o600)).unwrap();
    let mut args = kaas_v1_args(r.path());
    args.extend(["--prepend".to_string(), s(&log)]);
    let (out, err, code) = run_s(&args);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let mode = std::fs::metadata(&log).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "--prepend keeps the changelog's mode");
    let new = std::fs::read_to_string(&log).unwrap();
    assert!(new.starts_with(head));
    assert!(new.ends_with(older));
    let section = &new[head.len()..new.len() - older.len()];
    assert!(section.starts_with("## [7.0.0] - 2024-03-20\n"));
    insta::assert_snapshot!("prepend_section", section);
    // A second run refuses to duplicate the section and leaves the file alone.
    let (_, err, code) = run_s(&args);
    assert_eq!(code, 3);
    assert!(err.contains("already has a section for [7.0.0]"), "{err}");
    assert_eq!(std::fs::read_to_string(&log).unwrap(), new);
}

#[test]
fn shallow_clone_is_refused_with_the_fix() {
    let mut r = TestRepo::new();
    for i in 0..3 {
        r.commit(&format!("fix: change {i}"));
        r.tag(&format!("v7.0.0-rc{}", i + 1));
    }
    r.tag("v7.0.0");
    let dir = tempfile::tempdir().unwrap();
    let clone: PathBuf = dir.path().join("clone");
    let st = std::process::Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--no-single-branch"])
        .arg(format!("file://{}", s(r.path())))
        .arg(&clone)
        .status()
        .unwrap();
    assert!(st.success());
    let st = std::process::Command::new("git")
        .arg("-C")
        .arg(&clone)
        .args(["fetch", "-q", "--depth", "1", "--tags"])
        .status()
        .unwrap();
    assert!(st.success());
    let (_, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--from",
        "v7.0.0-rc1",
        "--repo",
        &format!("SovereignCloudStack/k8s-cluster-api-provider={}", s(&clone)),
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("shallow_clone", err.replace(&s(&clone), "<clone>"));
}

#[test]
fn unknown_tag_suggests_the_nearest() {
    let Some(fx) = fixtures() else { return };
    let r = kaas_v1_repo(&fx);
    let mut args = kaas_v1_args(r.path());
    args.extend(["--from".to_string(), "v6.0".to_string()]);
    let (_, err, code) = run_s(&args);
    assert_eq!(code, 3);
    insta::assert_snapshot!("unknown_tag", err.replace(&s(r.path()), "<repo>"));
}

#[test]
fn kaas_v1_is_refused_for_r7() {
    let (_, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R7",
        "--repo",
        ".",
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("R7 has no KaaS v1 track"), "{err}");
}

#[test]
fn context_output_is_valid_json_for_o_json() {
    let mut r = TestRepo::new();
    r.commit("Initial");
    r.tag("v6.0.0");
    r.commit("feat(x): y (#1)");
    r.tag("v7.0.0");
    let c = in_process()
        .args([
            "notes",
            "-o",
            "json",
            "--track",
            "kaas-v1",
            "--release",
            "R6",
            "--repo",
        ])
        .arg(format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(r.path())
        ))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&c.stdout).unwrap();
    crate::output_schemas::assert_valid("notes-context", &v);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["repos"][0]["changes"]["features"][0]["type"], "feat");
    assert_eq!(v["repos"][0]["changes"]["features"][0]["scope"], "x");
}

/// A fake GitHub GraphQL endpoint answering `pNNN: pullRequest(number: NNN)` aliases.
struct PrResponder {
    labels: std::collections::HashMap<u64, Vec<&'static str>>,
    /// Commit sha → the PR it landed with (answers `associatedPullRequests`).
    commits: std::collections::HashMap<String, u64>,
    /// Open issues labelled as known issues (answers `issues(states: OPEN, labels: …)`).
    issues: Vec<(u64, &'static str)>,
}

impl wiremock::Respond for PrResponder {
    fn respond(&self, req: &wiremock::Request) -> wiremock::ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
        let query = body["query"].as_str().unwrap();
        let re = regex::Regex::new(r"p(\d+): pullRequest\(number: (\d+)\)").unwrap();
        let mut repo = serde_json::Map::new();
        let pr_json = |n: u64| {
            let labels: Vec<serde_json::Value> = self
                .labels
                .get(&n)
                .map(|l| {
                    l.iter()
                        .map(|name| serde_json::json!({"name": name}))
                        .collect()
                })
                .unwrap_or_default();
            serde_json::json!({"number": n, "title": format!("PR title {n}"), "author": {"login": "alice"}, "labels": {"nodes": labels}})
        };
        if query.contains("issues(states: OPEN, labels: [") {
            let nodes: Vec<serde_json::Value> = self
                .issues
                .iter()
                .map(|(n, t)| serde_json::json!({"number": n, "title": t, "url": format!("https://github.com/o/r/issues/{n}")}))
                .collect();
            repo.insert("issues".into(), serde_json::json!({ "nodes": nodes }));
        }
        let commit_re = regex::Regex::new(r#"c(\d+): object\(oid: "([0-9a-f]{40})"\)"#).unwrap();
        for c in commit_re.captures_iter(query) {
            let prs: Vec<serde_json::Value> = self
                .commits
                .get(&c[2])
                .map(|n| vec![pr_json(*n)])
                .unwrap_or_default();
            repo.insert(
                format!("c{}", &c[1]),
                serde_json::json!({"oid": &c[2], "associatedPullRequests": {"nodes": prs}}),
            );
        }
        for c in re.captures_iter(query) {
            let n: u64 = c[2].parse().unwrap();
            let labels: Vec<serde_json::Value> = self
                .labels
                .get(&n)
                .map(|l| {
                    l.iter()
                        .map(|name| serde_json::json!({"name": name}))
                        .collect()
                })
                .unwrap_or_default();
            repo.insert(
                format!("p{n}"),
                serde_json::json!({"number": n, "title": format!("PR title {n}"), "author": {"login": "alice"}, "labels": {"nodes": labels}}),
            );
        }
        wiremock::ResponseTemplate::new(200)
            .insert_header("content-type", "application/json; charset=utf-8")
            .insert_header("x-ratelimit-resource", "graphql")
            .set_body_json(serde_json::json!({"data": {"repository": repo, "rateLimit": {"remaining": 4999, "resetAt": "2026-01-01T00:00:00Z"}}}))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_enrichment_is_batched_cached_and_rate_limit_aware() {
    use wiremock::matchers::{any, method, path};
    let Some(fx) = fixtures() else { return };
    let mut r = kaas_v1_repo(&fx);
    for n in 800..830 {
        r.commit(&format!("Some change (#{n})"));
    }
    r.commit("OVN LB support (#687)");
    r.repo
        .tag_lightweight("v7.0.0", r.head().unwrap().as_object(), true)
        .unwrap();
    let server = wiremock::MockServer::start().await;
    // First answer: GitHub's GraphQL rate-limit error (real body), to be waited out.
    let limited =
        std::fs::read_to_string(fx.join("github/graphql-error-rate-limited.json")).unwrap();
    wiremock::Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(
            wiremock::ResponseTemplate::new(200)
                // 0 s: the retry is what is tested, not a real second of waiting.
                .insert_header("retry-after", "0")
                .set_body_raw(limited, "application/json"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    let labels =
        std::collections::HashMap::from([(687, vec!["bug"]), (800, vec!["documentation"])]);
    wiremock::Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(PrResponder {
            labels,
            commits: Default::default(),
            issues: Vec::new(),
        })
        .with_priority(2)
        .expect(3) // more than 50 PRs: two batches; one for the commit without a PR number
        .mount(&server)
        .await;
    wiremock::Mock::given(any())
        .respond_with(wiremock::ResponseTemplate::new(599))
        .with_priority(10)
        .expect(0)
        .mount(&server)
        .await;

    let cache = tempfile::tempdir().unwrap();
    let token = "ghp_notes_test_token_never_printed";
    let mut args = kaas_v1_args(r.path());
    args.extend([
        "--github".into(),
        "--github-api".into(),
        server.uri(),
        "--cache".into(),
        s(cache.path()),
    ]);
    let run_it = |args: Vec<String>, token: Option<&'static str>| {
        tokio::task::spawn_blocking(move || {
            let mut c = cmd();
            if let Some(t) = token {
                c.env("GITHUB_TOKEN", t);
            }
            let out = c.args(&args).output().unwrap();
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                out.status.code(),
            )
        })
    };
    let (out, err, code) = run_it(args.clone(), Some(token)).await.unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert!(!out.contains(token) && !err.contains(token));
    let prs = r5_prs(&fx).len() + 2 + 30 + 1;
    assert!(prs > 50, "needs two batches");
    assert!(
        err.contains(&format!(
            "{prs} PRs (0 cached, {prs} fetched in 3 queries); 0 of 1 commits without a PR number linked to their PR"
        )),
        "{err}"
    );
    // The label sorted the plain title; the PR title from GitHub replaced the commit subject.
    assert!(section(&out, "## Bug fixes").contains("[#687](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/687)\n  PR title 687\n"), "{out}");
    assert!(section(&out, "## Minor improvements").contains("[#800]"));
    server.verify().await;

    // Offline: the cache answers, GitHub is not asked (the mocks above would fail on more calls).
    let mut offline = args.clone();
    offline.push("--offline".into());
    let (out2, err2, code2) = run_it(offline, None).await.unwrap();
    assert_eq!(code2, Some(0), "{err2}");
    assert!(
        err2.contains(&format!("{prs} PRs ({prs} cached, 0 fetched in 0 queries)")),
        "{err2}"
    );
    assert_eq!(out2, out);
    server.verify().await;
}

#[test]
fn github_without_token_says_how_to_set_one() {
    let mut r = TestRepo::new();
    r.commit("Initial");
    r.tag("v6.0.0");
    r.commit("Fix it (#1)");
    r.tag("v7.0.0");
    let cache = tempfile::tempdir().unwrap();
    let (_, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--github",
        "--github-api",
        "http://127.0.0.1:9",
        "--cache",
        &s(cache.path()),
        "--repo",
        &format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(r.path())
        ),
    ]);
    assert_eq!(code, 3);
    assert!(
        err.contains("no GitHub token: set GITHUB_TOKEN or GH_TOKEN"),
        "{err}"
    );
}

#[test]
fn templates_dir_overrides_the_track_template() {
    let mut r = TestRepo::new();
    r.commit("Initial");
    r.tag("v6.0.0");
    r.commit("fix: handle empty clouds.yaml (#7)");
    r.tag("v7.0.0");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kaas-v1.md.hbs"),
        "{{#each repos}}{{#each changes.fixes}}* {{title}} [{{style}}: {{rule}}]\n{{/each}}{{/each}}",
    )
    .unwrap();
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--templates",
        &s(dir.path()),
        "--repo",
        &format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(r.path())
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "* handle empty clouds.yaml [conventional: type fix]\n");
}

/// A context with one fix whose title is replaced by `titles` (as GitHub might send them).
fn context_with_titles(titles: &[&str]) -> String {
    let mut r = TestRepo::new();
    r.commit("Initial");
    r.tag("v6.0.0");
    for i in 0..titles.len() {
        r.commit(&format!("fix: placeholder {i} (#{})", i + 1));
    }
    r.tag("v7.0.0");
    let (json, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--context",
        "--repo",
        &format!(
            "SovereignCloudStack/k8s-cluster-api-provider={}",
            s(r.path())
        ),
    ]);
    assert_eq!(code, 0, "{err}");
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fixes = v["repos"][0]["changes"]["fixes"].as_array_mut().unwrap();
    assert_eq!(fixes.len(), titles.len());
    for (f, t) in fixes.iter_mut().zip(titles) {
        f["title"] = (*t).into();
    }
    v["highlights"]["text"] = "## Highlights\n\n- kept **as written**\n".into();
    v.to_string()
}

/// A recursive partial in `--templates DIR` would overflow the stack and abort: refused
/// before rendering, naming the template, line and column.
#[test]
fn recursive_partials_in_templates_are_refused() {
    let ctx = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(ctx.path(), context_with_titles(&["a fix"])).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "recursive",
            "# Notes\n{{#*inline \"x\"}}{{> x}}{{/inline}}\n{{> x}}\n",
        ),
        (
            "mutual",
            "{{#*inline \"a\"}}{{> b}}{{/inline}}{{#*inline \"b\"}}{{#if true}}{{> a}}{{/if}}{{/inline}}\n{{> a}}\n",
        ),
        ("dynamic", "{{> (lookup this \"name\")}}\n"),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let sub = dir.path().join(name);
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("kaas-v1.md.hbs"), text).unwrap();
        let (out, err, code) = run(&[
            "notes",
            "--from-context",
            &s(ctx.path()),
            "--templates",
            &s(&sub),
        ]);
        assert_eq!((code, out.as_str()), (3, ""), "{name}: {err}");
        report.push_str(&err.replace(&s(dir.path()), "<dir>"));
    }
    insta::assert_snapshot!("recursive_partials", report);
}

/// Titles from GitHub go into Markdown escaped: a line break or `#` cannot start a heading
/// or list item, `[..](..)` and `<img>` cannot become a link or HTML; inline code and
/// emphasis stay readable. The highlights file stays Markdown as written.
#[test]
fn untrusted_titles_cannot_break_the_notes() {
    let ctx = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(
        ctx.path(),
        context_with_titles(&[
            "Handle `a|b` in *clouds.yaml*\n# Injected heading\n- injected item",
            "[click me](https://evil.example) <img src=x onerror=alert(1)>",
        ]),
    )
    .unwrap();
    let (out, err, code) = run(&["notes", "--from-context", &s(ctx.path())]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("## Highlights\n\n- kept **as written**"),
        "{out}"
    );
    for l in out.lines().map(str::trim_start) {
        assert!(
            !l.starts_with("# Injected") && !l.starts_with("- injected"),
            "{out}"
        );
    }
    let unescaped = out.replace("\\<", "").replace("\\[", "");
    assert!(
        !unescaped.contains("<img") && !unescaped.contains("[click me]"),
        "{out}"
    );
    let fixes: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("## Bug fixes"))
        .take(6)
        .collect();
    insta::assert_snapshot!("untrusted_titles", fixes.join("\n"));
}

/// Minutes from `SIG_TIME` (2023-11-14) back to 2023-09-01, before R5 (2023-09-20).
const BEFORE_R5: i64 = -105_000;

/// An operator-like repo: alpha.0 and alpha.1 before R5's date, alpha.4 and alpha.5 after.
fn operator_repo() -> TestRepo {
    let mut r = TestRepo::new();
    r.n = BEFORE_R5;
    r.commit("Initial commit");
    r.tag("v0.1.0-alpha.0");
    r.commit(":sparkles: Add cluster stack reconciler (#10)");
    r.tag("v0.1.0-alpha.1");
    r.n = 0;
    r.commit(":bug: Fix release download (#20)");
    r.tag("v0.1.0-alpha.4");
    r.commit(":sparkles: Add oci as assets client (#30)");
    r.tag("v0.1.0-alpha.5");
    r
}

#[test]
fn kaas_v2_ranges_start_at_the_version_of_the_previous_release() {
    let r = operator_repo();
    // A plain path: the name comes from the `origin` remote (a mirror path here).
    r.repo
        .remote(
            "origin",
            "/srv/mirror/SovereignCloudStack+cluster-stack-operator/repo",
        )
        .unwrap();
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v2",
        "--release",
        "R6",
        "--repo",
        &s(r.path()),
    ]);
    assert_eq!(code, 0, "{err}");
    // R5 names no operator version: the newest tag at R5's date, not the previous tag.
    assert!(
        out.contains("<!-- cluster-stack-operator: v0.1.0-alpha.1..v0.1.0-alpha.5 (newest tag at R5's date 2023-09-20 (R5 names none)), 2 commits -->"),
        "{out}"
    );
    assert!(out.contains("Fix release download (#20)") && out.contains("(#30)"));
    assert!(!out.contains("(#10)"));
    insta::assert_snapshot!("kaas_v2_operator_r6_range", out);
}

#[test]
fn a_plain_path_is_named_by_the_tag_the_data_names() {
    // No remote, an anonymous temp path: only cluster-stack-operator has v0.1.0-alpha.5 in R6.
    let r = operator_repo();
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v2",
        "--release",
        "R6",
        "--repo",
        &s(r.path()),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("## cluster-stack-operator v0.1.0-alpha.5"),
        "{out}"
    );
}

#[test]
fn a_tag_the_data_names_but_the_checkout_lacks_is_an_error() {
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v0.1.0-alpha.4");
    let (_, err, code) = run(&[
        "notes",
        "--track",
        "kaas-v2",
        "--release",
        "R7",
        "--repo",
        &format!("SovereignCloudStack/cluster-stack-operator={}", s(r.path())),
    ]);
    assert_ne!(code, 0);
    let err = err.replace(&s(r.path()), "[REPO]");
    assert!(err.contains("releases/scs/R7.yaml"), "{err}");
    insta::assert_snapshot!("kaas_v2_missing_data_tag", err);
}

/// R8 (KaaS v2 only): no KaaS v1 anywhere, the OSISM 9 notes linked, and commit titles never
/// become highlights or resolved issues.
#[test]
fn scs_r8_notes_link_osism_and_take_highlights_only_from_the_file() {
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v0.1.0-alpha.7");
    r.commit(":sparkles: Add a raw feature title (#40)");
    r.commit(":bug: Fix a typo in a raw title (#41)");
    r.tag("v0.1.0-alpha.9");
    let hl = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(hl.path(), "## New features\n\nCluster Stacks with ORC.\n").unwrap();
    let (out, err, code) = run(&[
        "notes",
        "--track",
        "scs",
        "--release",
        "R8",
        "--highlights",
        &s(hl.path()),
        "--repo",
        &format!("SovereignCloudStack/cluster-stack-operator={}", s(r.path())),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("matches no section"), "{err}");
    assert!(!out.contains("KaaS v1"), "{out}");
    let features = section(&out, "## New Features (Highlights)");
    assert_eq!(
        features.matches("Cluster Stacks with ORC.").count(),
        1,
        "{features}"
    );
    assert!(!out.contains("Add a raw feature title"), "{out}");
    assert!(!section(&out, "## Resolved Issues").contains("typo"));
    assert!(out.contains(
        "[OSISM 9.0.0 Upgrade Notes](https://osism.tech/docs/release-notes/osism-9#upgrade-notes)"
    ));
    assert!(out.contains("(https://osism.tech/docs/release-notes/osism-9#known-issues)"));
    insta::assert_snapshot!("scs_r8", out);
}

/// With `--github`, PRs labelled for the highlights (rules.yaml `highlight_labels`) fill
/// "New Features (Highlights)" and "Resolved Issues"; the R6 notes list the OSISM 7.0.0 known
/// issues the data covers (Octavia #890, #921).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scs_highlights_come_from_labelled_prs_when_enriched() {
    use wiremock::matchers::{method, path};
    let r = operator_repo();
    let server = wiremock::MockServer::start().await;
    let labels =
        std::collections::HashMap::from([(30, vec!["highlight"]), (20, vec!["highlight", "bug"])]);
    wiremock::Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(PrResponder {
            labels,
            commits: Default::default(),
            issues: vec![(212, "No upgrade path from openstack-scs-1-27 to -1-28 yet")],
        })
        .expect(2) // the PRs, the labelled open issues
        .mount(&server)
        .await;
    let cache = tempfile::tempdir().unwrap();
    let args: Vec<String> = [
        "notes",
        "--track",
        "scs",
        "--release",
        "R6",
        "--github",
        "--github-api",
        &server.uri(),
        "--cache",
        &s(cache.path()),
        "--repo",
        &format!("SovereignCloudStack/cluster-stack-operator={}", s(r.path())),
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let (out, err, code) = tokio::task::spawn_blocking(move || {
        let out = cmd().env("GITHUB_TOKEN", "t").args(&args).output().unwrap();
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
            out.status.code(),
        )
    })
    .await
    .unwrap();
    assert_eq!(code, Some(0), "{err}");
    let features = section(&out, "## New Features (Highlights)");
    assert!(
        features.contains("* cluster-stack-operator: PR title 30 ([#30](https://github.com/SovereignCloudStack/cluster-stack-operator/pull/30))"),
        "{features}\n{err}\n{out}"
    );
    assert!(
        section(&out, "## Resolved Issues").contains("PR title 20 ([#20]"),
        "{out}"
    );
    let known = &out[out
        .find("* See the known issues")
        .expect("known issues linked")..];
    assert!(
        known.contains("osism/issues#890") && known.contains("osism/issues#921"),
        "{known}"
    );
    assert!(
        known.contains("### KaaS v2\n\n* cluster-stack-operator: No upgrade path from openstack-scs-1-27 to -1-28 yet ([#212](https://github.com/o/r/issues/212))"),
        "{known}"
    );
    server.verify().await;
}

/// Rebased PRs leave commits without a PR number (R6: #584, #614, #616, #639): with
/// `--github` each is linked to the PR it landed with, listed as that PR and sorted by its
/// labels; the links are cached, so `--offline` gives the same notes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn github_links_commits_without_a_pr_number_to_their_pr() {
    use wiremock::matchers::{method, path};
    let mut r = TestRepo::new();
    r.commit("Initial commit");
    r.tag("v6.0.0");
    let a = r.commit("Add option to specify external net via ID\n\nFixes #572");
    let b = r.commit("Delete \"*sets\" before k8s pods to ensure we enumerate all of them");
    r.commit("Fix curl warning (#579)");
    r.tag("v7.0.0");
    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(method("POST"))
        .and(path("/graphql"))
        .respond_with(PrResponder {
            labels: std::collections::HashMap::from([(639, vec!["bug"])]),
            commits: std::collections::HashMap::from([(a.to_string(), 584), (b.to_string(), 639)]),
            issues: Vec::new(),
        })
        .expect(2) // the commits' PRs, then #579 (#584 and #639 came with their commits)
        .mount(&server)
        .await;
    let cache = tempfile::tempdir().unwrap();
    let mut args = kaas_v1_args(r.path());
    args.extend([
        "--github".into(),
        "--github-api".into(),
        server.uri(),
        "--cache".into(),
        s(cache.path()),
    ]);
    let run_it = |args: Vec<String>| {
        tokio::task::spawn_blocking(move || {
            let out = cmd().env("GITHUB_TOKEN", "t").args(&args).output().unwrap();
            (
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
                out.status.code(),
            )
        })
    };
    let (out, err, code) = run_it(args.clone()).await.unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("2 of 2 commits without a PR number linked to their PR"),
        "{err}"
    );
    let minor = section(&out, "## Minor improvements");
    assert!(
        minor.contains(
            "- [#584](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/584)\n"
        ),
        "{out}"
    );
    // The label `bug` decides: the title alone would be a change verb.
    let fixes = section(&out, "## Bug fixes");
    assert!(fixes.contains("[#639](https://github.com/SovereignCloudStack/k8s-cluster-api-provider/pull/639)\n  PR title 639\n"), "{out}");
    server.verify().await;
    let mut offline = args.clone();
    offline.push("--offline".into());
    let (again, err, code) = run_it(offline).await.unwrap();
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(again, out);
}

/// A shallow checkout without tags (the default of actions/checkout) names the fix, not an
/// unknown tag; so does a full clone without tags (`git clone --no-tags`).
#[test]
fn shallow_checkout_without_tags_gives_the_shallow_clone_hint() {
    let mut r = TestRepo::new();
    r.commit("fix: one");
    r.tag("v7.0.0-rc1");
    r.commit("fix: two");
    r.tag("v7.0.0");
    r.commit("fix: three");
    let dir = tempfile::tempdir().unwrap();
    let mut errors = String::new();
    for (name, args) in [
        ("shallow", &["clone", "-q", "--depth", "1"][..]),
        ("no-tags", &["clone", "-q", "--no-tags"]),
    ] {
        let clone: PathBuf = dir.path().join(name);
        let st = std::process::Command::new("git")
            .args(args)
            .arg(format!("file://{}", s(r.path())))
            .arg(&clone)
            .status()
            .unwrap();
        assert!(st.success());
        let (_, err, code) = run(&[
            "notes",
            "--track",
            "kaas-v1",
            "--release",
            "R6",
            "--from",
            "v7.0.0-rc1",
            "--to",
            "v7.0.0",
            "--repo",
            &format!("SovereignCloudStack/k8s-cluster-api-provider={}", s(&clone)),
        ]);
        assert_eq!(code, 3, "{err}");
        errors.push_str(&err.replace(&s(&clone), &format!("<{name}>")));
    }
    insta::assert_snapshot!("shallow_checkout_without_tags", errors);
}
