//! rc diff / rc cut / rc promote: consistency findings on the embedded releases, proposals
//! against git2 temp clones, --execute, --osism folders and resumable --tag runs.

use std::path::{Path, PathBuf};

use git2::{Oid, Repository, Signature, Time};
use serde_json::Value;

use crate::common::{copy_dir, repo_root, run};

fn json(args: &[&str]) -> Value {
    let (out, err, code) = run(args);
    assert!(code == 0, "exit {code}: {err}");
    serde_json::from_str(&out).expect("json output")
}

fn commit(repo: &Repository, branch: &str, msg: &str, n: i64) -> Oid {
    let sig = Signature::new("Test", "test@example.org", &Time::new(1_700_000_000 + n, 0)).unwrap();
    let refname = format!("refs/heads/{branch}");
    let parent = repo
        .find_reference(&refname)
        .ok()
        .and_then(|r| r.peel_to_commit().ok());
    let tree = repo
        .find_tree(repo.index().unwrap().write_tree().unwrap())
        .unwrap();
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    repo.commit(Some(&refname), &sig, &sig, msg, &tree, &parents)
        .unwrap()
}

fn tag(repo: &Repository, name: &str, at: Oid) {
    let sig = Signature::new("Test", "test@example.org", &Time::new(1_700_000_000, 0)).unwrap();
    repo.tag(
        name,
        &repo.find_object(at, None).unwrap(),
        &sig,
        name,
        false,
    )
    .unwrap();
}

/// Clones of what 7.0.0b owns: calver repos with v0.20240221.0 and a newer v0.20240307.0
/// on main (and v0.20240401.0 on a side branch, to be ignored); collections without tags;
/// osism/release with 7.0.0a and 7.0.0b, then a commit.
fn clones(dir: &Path) {
    for (i, name) in [
        "ansible-defaults",
        "cfg-generics",
        "kolla-operations",
        "ansible-playbooks",
    ]
    .iter()
    .enumerate()
    {
        let r = Repository::init(dir.join("osism").join(name)).unwrap();
        let n = i as i64 * 100;
        tag(&r, "v0.20240221.0", commit(&r, "main", "one", n + 1));
        tag(&r, "v0.20240307.0", commit(&r, "main", "two", n + 2));
        commit(&r, "main", "three", n + 3);
        tag(&r, "v0.20240401.0", commit(&r, "side", "side", n + 4));
    }
    for name in [
        "ansible-collection-commons",
        "ansible-collection-services",
        "ansible-collection-validations",
    ] {
        let r = Repository::init(dir.join("osism").join(name)).unwrap();
        commit(&r, "main", name, 1);
    }
    let r = Repository::init(dir.join("osism/release")).unwrap();
    tag(&r, "7.0.0a", commit(&r, "main", "7.0.0a", 10));
    tag(&r, "7.0.0b", commit(&r, "main", "7.0.0b", 11));
    commit(&r, "main", "prepare 7.0.0c", 12);
}

/// A copy of the repository's `releases/` to use as `--data DIR`.
fn data_copy(dir: &Path) -> PathBuf {
    let root = dir.join("data");
    copy_dir(&repo_root().join("releases"), &root.join("releases"));
    root
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn family<'a>(findings: &'a Value, name: &str) -> Option<&'a Value> {
    findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "family" && f["family"] == name)
}

#[test]
fn rc_diff_finds_the_real_ceph_family_split_in_7_0_0a_and_b_and_its_fix_in_c() {
    let d = json(&["rc", "diff", "7.0.0a", "7.0.0b", "-o", "json"]);
    for side in ["findings_from", "findings_to"] {
        let ceph = family(&d[side], "ceph").expect("ceph family finding");
        assert_eq!(ceph["severity"], "error");
        assert_eq!(
            ceph["pins"],
            serde_json::json!([
                {"id": "ceph/docker_images/ceph", "value": "17.2.7"},
                {"id": "ceph/docker_images/cephclient", "value": "17.2.6"}
            ])
        );
    }
    // 7.0.0b: osism package 0.20240204.0 vs osism image 0.20240221.0
    let osism = family(&d["findings_to"], "osism").expect("osism family finding in 7.0.0b");
    assert!(
        osism["message"]
            .as_str()
            .unwrap()
            .contains("0.20240204.0 vs base/docker_images/osism = 0.20240221.0")
    );
    assert!(family(&d["findings_from"], "osism").is_none());
    // v0.20240221.0 (defaults_version) and 0.20240221.0 (collections) are one version
    assert!(family(&d["findings_to"], "defaults").is_none());

    let c = json(&["rc", "diff", "7.0.0b", "7.0.0c", "-o", "json"]);
    assert!(
        family(&c["findings_to"], "ceph").is_none(),
        "fixed in 7.0.0c"
    );
    assert!(family(&c["resolved"], "ceph").is_some());
    assert!(family(&c["resolved"], "osism").is_some());

    let (out, _, code) = run(&["rc", "diff", "7.0.0a", "7.0.0b"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("rc_diff_7_0_0a_7_0_0b", out);
}

#[test]
fn rc_diff_check_sets_the_exit_code() {
    let (_, _, code) = run(&["rc", "diff", "7.0.0a", "7.0.0b", "--check"]);
    assert_eq!(code, 1, "7.0.0b has error findings");
    let (out, _, code) = run(&["rc", "diff", "7.0.0b", "7.0.0c", "-o", "markdown"]);
    assert_eq!(code, 0);
    assert!(out.contains("## Resolved in 7.0.0c"), "{out}");
}

/// Edit the 7.0.0c manifest of a data copy: drop one pin, set another.
fn edit_7_0_0c(root: &Path, drop: &[&str], set: &[(&str, &str)]) {
    let path = root.join("releases/osism/7.0.0c.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    let mut skip = false;
    let mut set_next: Option<&str> = None;
    for line in text.lines() {
        if let Some(id) = line.strip_prefix("- id: ") {
            skip = drop.contains(&id);
            set_next = set.iter().find(|(i, _)| *i == id).map(|(_, v)| *v);
        }
        if skip {
            continue;
        }
        match (line.trim_start().strip_prefix("value: "), set_next) {
            (Some(_), Some(v)) => out.push_str(&format!("  value: \"{v}\"\n")),
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    std::fs::write(&path, out).unwrap();
}

#[test]
fn dropped_components_and_branch_pins_are_findings() {
    let dir = tempfile::tempdir().unwrap();
    let root = data_copy(dir.path());
    edit_7_0_0c(
        &root,
        &["base/docker_images/adminer", "base/ansible_roles/hardening"],
        &[("base/ansible_collections/osism.commons", "stable-2024.1")],
    );
    let d = json(&[
        "--data",
        s(&root),
        "rc",
        "diff",
        "7.0.0b",
        "7.0.0c",
        "-o",
        "json",
    ]);
    let to = d["findings_to"].as_array().unwrap();
    let lines: Vec<String> = to
        .iter()
        .filter(|f| {
            f["check"] == "dropped" || (f["check"] == "branch-pin" && f["severity"] != "info")
        })
        .map(|f| format!("{} {} {}", f["severity"], f["check"], f["message"]))
        .collect();
    insta::assert_snapshot!(lines.join("\n"), @r#"
    "error" "branch-pin" "base/ansible_collections/osism.commons pins branch `stable-2024.1` (kind osism-calver: the release owns this component and must pin a tag)"
    "warning" "dropped" "base/ansible_roles/hardening (e77c311442cb1d1ef8caa7df9d9c00471afa75e7, kind third-party-role) was pinned in 7.0.0b and is gone in 7.0.0c"
    "warning" "dropped" "base/docker_images/adminer (4.8.1, kind image) was pinned in 7.0.0b and is gone in 7.0.0c"
    "#);
    // OpenStack projects pinned by branch are info, not errors
    assert!(to.iter().any(|f| f["check"] == "branch-pin"
        && f["severity"] == "info"
        && f["pins"][0]["id"] == "openstack/openstack_projects/nova"));
}

#[test]
fn sha_pins_not_on_a_tag_are_found_in_local_clones_and_unknown_without() {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    let certbot = Repository::init(repos.join("geerlingguy/ansible-role-certbot")).unwrap();
    let tagged = commit(&certbot, "master", "release", 1);
    tag(&certbot, "5.1.0", tagged);
    let untagged = commit(&certbot, "master", "later", 2);
    let dotfiles = Repository::init(repos.join("ansible-role-dotfiles")).unwrap();
    let dot = commit(&dotfiles, "master", "release", 3);
    tag(&dotfiles, "2.0.0", dot);
    let root = data_copy(dir.path());
    edit_7_0_0c(
        &root,
        &[],
        &[
            (
                "base/ansible_roles/geerlingguy.certbot",
                &untagged.to_string(),
            ),
            ("base/ansible_roles/geerlingguy.dotfiles", &dot.to_string()),
        ],
    );
    let shas = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "--data",
            s(&root),
            "rc",
            "diff",
            "7.0.0b",
            "7.0.0c",
            "-o",
            "json",
        ];
        args.extend_from_slice(extra);
        json(&args)["findings_to"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["check"] == "sha-not-tagged"
                    && f["message"].as_str().unwrap().contains("geerlingguy")
            })
            .map(|f| {
                let m = f["message"].as_str().unwrap().replace(s(&repos), "[REPOS]");
                let m = m
                    .replace(&untagged.to_string()[..12], "[UNTAGGED]")
                    .replace(&dot.to_string()[..12], "[TAGGED]");
                format!("{} {m}", f["severity"])
            })
            .collect()
    };
    insta::assert_snapshot!(shas(&["--repos", s(&repos)]).join("\n"), @"\"warning\" base/ansible_roles/geerlingguy.certbot: commit [UNTAGGED] of geerlingguy/ansible-role-certbot is not on any tag");
    insta::assert_snapshot!(shas(&[]).join("\n"), @r#"
    "unknown" base/ansible_roles/geerlingguy.certbot: commit [UNTAGGED] of geerlingguy/ansible-role-certbot not checked against tags: no clone (use --repos DIR)
    "unknown" base/ansible_roles/geerlingguy.dotfiles: commit [TAGGED] of geerlingguy/ansible-role-dotfiles not checked against tags: no clone (use --repos DIR)
    "#);
    let (_, _, code) = run(&[
        "--data",
        s(&root),
        "rc",
        "diff",
        "7.0.0b",
        "7.0.0c",
        "--check",
        "--repos",
        s(&repos),
    ]);
    assert_eq!(code, 1);
}

fn filters(dir: &Path) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_escape(s(dir)), "[TMP]");
    // table widths depend on the temp path's length
    settings.add_filter(" {2,}", "  ");
    settings.add_filter("-{2,}", "--");
    settings
}

fn regex_escape(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn cut_dry_run_shows_bumps_missing_tags_and_the_diff() {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    clones(&repos);
    let (out, err, code) = run(&[
        "rc",
        "cut",
        "7.0.0c",
        "--from",
        "7.0.0b",
        "--repos",
        s(&repos),
        "--tag",
    ]);
    assert_eq!(code, 0, "{err}");
    filters(dir.path()).bind(|| insta::assert_snapshot!("rc_cut_dry_run", out));
    // nothing written, nothing tagged
    assert!(
        Repository::open(repos.join("osism/release"))
            .unwrap()
            .find_reference("refs/tags/7.0.0c")
            .is_err()
    );

    // without clones every owned component is unknown: exit 2
    let (out, _, code) = run(&["rc", "cut", "7.0.0c", "--from", "7.0.0b"]);
    assert_eq!(code, 2);
    assert!(
        out.contains("unknown: no tag source for osism/ansible-defaults (use --repos DIR)"),
        "{out}"
    );
}

#[test]
fn cut_execute_writes_the_release_and_an_osism_folder_that_reimports_to_the_same_pins() {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    clones(&repos);
    let root = data_copy(dir.path());
    let osism = dir.path().join("osism-release");
    let args = [
        "--data",
        s(&root),
        "rc",
        "cut",
        "7.0.0c",
        "--from",
        "7.0.0b",
        "--repos",
        s(&repos),
        "--osism",
        s(&osism),
        "--execute",
    ];
    // the embedded data already has a different 7.0.0c: refused, untouched
    let before = std::fs::read_to_string(root.join("releases/osism/7.0.0c.yaml")).unwrap();
    let (_, err, code) = run(&args);
    assert_eq!(code, 3);
    assert_eq!(
        err.replace(s(dir.path()), "[TMP]"),
        "error: [TMP]/data/releases/osism/7.0.0c.yaml: refusing to overwrite an existing release file; choose another version or remove it first\n"
    );
    assert_eq!(
        std::fs::read_to_string(root.join("releases/osism/7.0.0c.yaml")).unwrap(),
        before
    );

    std::fs::remove_file(root.join("releases/osism/7.0.0c.yaml")).unwrap();
    std::fs::remove_dir_all(&osism).ok();
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("write   releases/osism/7.0.0c.yaml"), "{out}");
    let store =
        scs_release::release::Store::load(&scs_release::data::DataDir::Dir(root.clone())).unwrap();
    let written = store
        .manifest(&scs_release::version::Version::parse("7.0.0c"))
        .unwrap();
    let value = |id: &str| {
        written
            .pins
            .iter()
            .find(|p| p.id == id)
            .unwrap()
            .value
            .to_string()
    };
    assert_eq!(value("base/defaults_version"), "v0.20240307.0");
    assert_eq!(value("base/manager_version"), "7.0.0c");
    // no temp files left beside the outputs
    let leftovers: Vec<_> = std::fs::read_dir(root.join("releases/osism"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty());

    // the osism/release-style folder reads back as the same pins
    let back = scs_release::release::osism::import(&osism, "7.0.0c", &Default::default()).unwrap();
    let key = |m: &scs_release::release::Manifest| -> Vec<(String, String)> {
        m.pins
            .iter()
            .map(|p| (p.id.clone(), p.value.to_string()))
            .collect()
    };
    assert_eq!(key(&back), key(written));
    assert_eq!(back.settings, written.settings);
    assert_eq!(
        std::fs::read_link(osism.join("7.0.0c/ceph.yml")).unwrap(),
        Path::new("ceph-quincy.yml")
    );

    // running again: identical outputs are accepted as written, nothing changes
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.matches("already there, identical").count(), 2, "{out}");

    // a hand-edited folder is never overwritten
    std::fs::write(
        osism.join("7.0.0c/base.yml"),
        "---\nmanager_version: 7.0.0c\n",
    )
    .unwrap();
    let (_, err, code) = run(&args);
    assert_eq!(code, 3);
    assert!(
        err.contains("7.0.0c: refusing to overwrite an existing release folder"),
        "{err}"
    );
}

#[test]
fn execute_needs_a_data_directory_and_known_components() {
    let (_, err, code) = run(&[
        "rc",
        "cut",
        "7.0.1",
        "--from",
        "7.0.0",
        "--execute",
        "--allow-unknown",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err, @"error: rc cut --execute writes into releases/ of a data directory: pass --data DIR (a checkout holding releases/)");
    let dir = tempfile::tempdir().unwrap();
    let root = data_copy(dir.path());
    let (_, err, code) = run(&[
        "--data",
        s(&root),
        "rc",
        "promote",
        "7.0.0d",
        "7.0.0",
        "--execute",
    ]);
    assert_eq!(code, 3);
    assert!(
        err.contains("could not be looked up") && err.contains("--allow-unknown"),
        "{err}"
    );
}

fn tag_commit(repo: &Path, name: &str) -> Option<String> {
    let r = Repository::open(repo).unwrap();
    r.find_reference(&format!("refs/tags/{name}"))
        .ok()
        .map(|t| t.peel_to_commit().unwrap().id().to_string())
}

#[test]
fn an_interrupted_tag_run_finishes_when_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    clones(&repos);
    let root = data_copy(dir.path());
    std::fs::remove_file(root.join("releases/osism/7.0.0c.yaml")).unwrap();
    // A stale lock file makes creating the second collection tag fail mid-run.
    let lock = repos.join("osism/ansible-collection-services/.git/refs/tags/v0.20240221.0.lock");
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, "").unwrap();
    let args = [
        "--data",
        s(&root),
        "rc",
        "cut",
        "7.0.0c",
        "--from",
        "7.0.0b",
        "--repos",
        s(&repos),
        "--execute",
        "--tag",
    ];
    let (_, err, code) = run(&args);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("osism/ansible-collection-services"), "{err}");
    let head = |r: &str| {
        Repository::open(repos.join(r))
            .unwrap()
            .find_reference("refs/heads/main")
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    };
    let planned_release = head("osism/release");
    assert_eq!(
        tag_commit(&repos.join("osism/release"), "7.0.0c"),
        Some(planned_release.clone())
    );
    assert_eq!(
        tag_commit(
            &repos.join("osism/ansible-collection-services"),
            "v0.20240221.0"
        ),
        None
    );

    // The release branch moves on; the rerun keeps the commit planned by the first run.
    commit(
        &Repository::open(repos.join("osism/release")).unwrap(),
        "main",
        "later",
        50,
    );
    std::fs::remove_file(&lock).unwrap();
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    filters(dir.path()).bind(|| {
        insta::assert_snapshot!(
            "rc_cut_tag_resumed_steps",
            out[out.find("Steps").unwrap()..].to_string()
        )
    });
    assert_eq!(
        tag_commit(&repos.join("osism/release"), "7.0.0c"),
        Some(planned_release)
    );
    for r in ["commons", "services", "validations"] {
        let repo = repos.join(format!("osism/ansible-collection-{r}"));
        assert_eq!(
            tag_commit(&repo, "v0.20240221.0"),
            Some(head(&format!("osism/ansible-collection-{r}")))
        );
    }
    let journal = std::fs::read_to_string(root.join("releases/.journal/7.0.0c.jsonl")).unwrap();
    let events: Vec<String> = journal
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["event"].as_str().unwrap(),
                v["tag"].as_str().or(v["path"].as_str()).unwrap_or("")
            )
        })
        .collect();
    insta::assert_snapshot!(events.join("\n").replace(s(dir.path()), "[TMP]"), @r"
    begin 
    planned 7.0.0c
    planned v0.20240221.0
    planned v0.20240221.0
    planned v0.20240221.0
    written releases/osism/7.0.0c.yaml
    tagging 7.0.0c
    tagged 7.0.0c
    tagging v0.20240221.0
    tagged v0.20240221.0
    tagging v0.20240221.0
    tagging v0.20240221.0
    tagged v0.20240221.0
    tagging v0.20240221.0
    tagged v0.20240221.0
    complete
    ");

    // a third run has nothing left to do
    let (out, _, code) = run(&args);
    assert_eq!(code, 0);
    assert!(out.contains("already complete: nothing to do"), "{out}");
}

#[test]
fn a_corrupted_journal_line_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = data_copy(dir.path());
    let journal = root.join("releases/.journal/7.0.1.jsonl");
    std::fs::create_dir_all(journal.parent().unwrap()).unwrap();
    std::fs::write(
        &journal,
        "{\"event\":\"begin\",\"command\":\"cut\",\"next\":\"7.0.1\",\"from\":\"7.0.0\",\"at\":\"t\"}\n{\"event\":\"tagged\",\"repo\":\"osism/release\"}\n",
    )
    .unwrap();
    let repos = dir.path().join("src");
    std::fs::create_dir_all(&repos).unwrap();
    let (_, err, code) = run(&[
        "--data",
        s(&root),
        "rc",
        "cut",
        "7.0.1",
        "--from",
        "7.0.0",
        "--repos",
        s(&repos),
        "--execute",
        "--tag",
        "--allow-unknown",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err.replace(s(dir.path()), "[TMP]"), @"error: [TMP]/data/releases/.journal/7.0.1.jsonl:2: invalid journal entry: `tagged` entry: missing field `tag` (the journal records a tagging run; fix or remove the line, then run again)");
}

#[test]
fn bad_input_names_the_nearest_releases() {
    let (_, err, code) = run(&["rc", "diff", "7.0.0x", "7.0.0b"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err, @"error: unknown release `7.0.0x`; did you mean 7.0.0a, 7.0.0b, 7.0.0c?");
    let (_, err, _) = run(&["rc", "cut", "7.0.0c", "--from", "R9"]);
    insta::assert_snapshot!(err, @"error: unknown release `R9`; did you mean R4, R5, R6?");
    let (_, err, code) = run(&["rc", "cut", "7.0.0a", "--from", "7.0.0b"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err, @"error: rc cut: the next release `7.0.0a` must come after `7.0.0b`");
    let (_, err, _) = run(&["rc", "promote", "7.0.0b", "8.0.0"]);
    insta::assert_snapshot!(err, @"error: rc promote: `7.0.0b` is a candidate of 7.0.0, not of `8.0.0`");
    let (_, err, _) = run(&["rc", "diff", "7.0.0a", "7.0.0b", "-o", "junit"]);
    insta::assert_snapshot!(err, @"error: rc diff: -o junit is not supported here (use one of: table, json, markdown)");
}

#[test]
fn promote_sets_the_release_version_and_plans_the_final_tag() {
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    let r = Repository::init(repos.join("osism/release")).unwrap();
    tag(&r, "7.0.0d", commit(&r, "main", "7.0.0d", 1));
    let (out, _, code) = run(&[
        "rc",
        "promote",
        "7.0.0d",
        "7.0.0",
        "--repos",
        s(&repos),
        "-o",
        "json",
    ]);
    assert_eq!(code, 2, "the calver repos have no clones: unknown");
    let d: Value = serde_json::from_str(&out).unwrap();
    let p = &d["proposal"];
    let release_pins: Vec<&str> = p["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["outcome"] == "release-version")
        .map(|x| x["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        release_pins,
        [
            "base/manager_version",
            "base/docker_images/inventory_reconciler"
        ]
    );
    let t = p["tags"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["repo"] == "osism/release")
        .unwrap();
    assert_eq!(
        (t["tag"].as_str(), t["state"].as_str()),
        (Some("7.0.0"), Some("missing"))
    );
}

fn github_fixture(name: &str) -> Option<String> {
    let dir = crate::common::fixtures()?;
    Some(std::fs::read_to_string(dir.join("github").join(name)).unwrap())
}

/// GitHub as the tag source for repositories without a clone: osism/release (the tag to
/// create) and osism/kolla-operations (newest tag on main found by tag list + compare).
#[tokio::test(flavor = "multi_thread")]
async fn cut_reads_and_creates_tags_through_the_github_api_for_repos_without_a_clone() {
    use wiremock::matchers::{body_partial_json, method, path, query_param};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let (Some(not_found), Some(tag_object), Some(git_ref), Some(compare)) = (
        github_fixture("error-404-git-ref.json"),
        github_fixture("rest-git-tag-object-hub4j.json"),
        github_fixture("rest-git-ref-tag-annotated.json"),
        github_fixture("rest-compare.json"),
    ) else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    clones(&repos);
    std::fs::remove_dir_all(repos.join("osism/release")).unwrap();
    std::fs::remove_dir_all(repos.join("osism/kolla-operations")).unwrap();
    let root = data_copy(dir.path());
    std::fs::remove_file(root.join("releases/osism/7.0.0c.yaml")).unwrap();

    let server = MockServer::start().await;
    let head = "1111111111111111111111111111111111111111";
    let ops_head = "2222222222222222222222222222222222222222";
    let side = "3333333333333333333333333333333333333333";
    let json = |body: serde_json::Value| ResponseTemplate::new(200).set_body_json(body);
    Mock::given(method("GET"))
        .and(path("/repos/osism/release/branches/main"))
        .respond_with(json(
            serde_json::json!({"name": "main", "commit": {"sha": head}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/osism/release/git/ref/tags/7.0.0c"))
        .respond_with(ResponseTemplate::new(404).set_body_string(not_found))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    let tag_sha = serde_json::from_str::<Value>(&tag_object).unwrap()["sha"]
        .as_str()
        .unwrap()
        .to_string();
    Mock::given(method("POST"))
        .and(path("/repos/osism/release/git/tags"))
        .and(body_partial_json(
            serde_json::json!({"tag": "7.0.0c", "object": head, "type": "commit"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_string(tag_object))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/repos/osism/release/git/refs"))
        .and(body_partial_json(
            serde_json::json!({"ref": "refs/tags/7.0.0c", "sha": tag_sha}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_string(git_ref))
        .expect(1)
        .mount(&server)
        .await;
    // kolla-operations: v0.20240401.0 is not on main (compare says "behind"), v0.20240307.0 is main's head
    Mock::given(method("GET"))
        .and(path("/repos/osism/kolla-operations/branches/main"))
        .respond_with(json(
            serde_json::json!({"name": "main", "commit": {"sha": ops_head}}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/repos/osism/kolla-operations/tags")).and(query_param("per_page", "100"))
        .respond_with(json(serde_json::json!([
            {"name": "v0.20240401.0", "commit": {"sha": side, "url": "x"}},
            {"name": "v0.20240307.0", "commit": {"sha": ops_head, "url": "x"}},
            {"name": "v0.20240221.0", "commit": {"sha": "4444444444444444444444444444444444444444", "url": "x"}}
        ])))
        .mount(&server).await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/repos/osism/kolla-operations/compare/{side}...{ops_head}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_string(compare))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path("/repos/osism/kolla-operations/git/ref/tags/v0.20240307.0"))
        .respond_with(json(serde_json::json!({"ref": "refs/tags/v0.20240307.0", "object": {"sha": ops_head, "type": "commit", "url": "x"}})))
        .mount(&server).await;

    let token = "ghp_secret_test_token_value";
    let args = [
        "--data",
        s(&root),
        "rc",
        "cut",
        "7.0.0c",
        "--from",
        "7.0.0b",
        "--repos",
        s(&repos),
        "--github-api",
        &server.uri(),
        "--execute",
        "--tag",
    ];
    let out = tokio::task::spawn_blocking({
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        move || {
            crate::common::cmd()
                .args(&args)
                .env("GITHUB_TOKEN", token)
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(!stdout.contains(token) && !stderr.contains(token));
    assert!(
        stdout.lines().any(
            |l| l.contains("osism/release 7.0.0c in osism/release on GitHub")
                && l.ends_with("created on 111111111111")
        ),
        "{stdout}"
    );
    let store =
        scs_release::release::Store::load(&scs_release::data::DataDir::Dir(root.clone())).unwrap();
    let m = store
        .manifest(&scs_release::version::Version::parse("7.0.0c"))
        .unwrap();
    assert_eq!(
        m.pins
            .iter()
            .find(|p| p.id == "base/operations_version")
            .unwrap()
            .value
            .as_str(),
        "v0.20240307.0"
    );
    server.verify().await;
}

/// Tags to create on GitHub without a token: refused before anything is written.
#[tokio::test(flavor = "multi_thread")]
async fn tagging_on_github_without_a_token_fails_before_writing_anything() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let Some(not_found) = github_fixture("error-404-git-ref.json") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let repos = dir.path().join("src");
    clones(&repos);
    std::fs::remove_dir_all(repos.join("osism/release")).unwrap();
    let root = data_copy(dir.path());
    std::fs::remove_file(root.join("releases/osism/7.0.0c.yaml")).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/repos/osism/release/branches/main"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                serde_json::json!({"name": "main", "commit": {"sha": "1".repeat(40)}}),
            ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/osism/release/git/ref/tags/7.0.0c"))
        .respond_with(ResponseTemplate::new(404).set_body_string(not_found))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let args: Vec<String> = [
        "--data",
        s(&root),
        "rc",
        "cut",
        "7.0.0c",
        "--from",
        "7.0.0b",
        "--repos",
        s(&repos),
        "--github-api",
        &server.uri(),
        "--execute",
        "--tag",
    ]
    .iter()
    .map(|a| a.to_string())
    .collect();
    let out =
        tokio::task::spawn_blocking(move || crate::common::cmd().args(&args).output().unwrap())
            .await
            .unwrap();
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr), @"error: osism/release: creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN");
    assert!(!root.join("releases/osism/7.0.0c.yaml").exists());
    assert!(!root.join("releases/.journal/7.0.0c.jsonl").exists());
    server.verify().await;
}
