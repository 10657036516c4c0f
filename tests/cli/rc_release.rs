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
        .manifest(&scs_release::base::version::Version::parse("7.0.0c"))
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
        Some(planned_release.clone())
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

    // a third run verifies every step and has nothing left to do
    let (out, _, code) = run(&args);
    assert_eq!(code, 0);
    assert!(
        out.contains("already complete: nothing to do (every tag verified)"),
        "{out}"
    );
    assert_eq!(out.matches("(journal: tagged before)").count(), 4, "{out}");

    // A tag lost after the run (a clone replaced before the tags were pushed): the complete
    // journal is not taken at its word, the tag is made again on the planned commit.
    let release = Repository::open(repos.join("osism/release")).unwrap();
    release.tag_delete("7.0.0c").unwrap();
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!(
            "created on {} (the journal had it as tagged, but it was gone)",
            &planned_release[..12]
        )),
        "{out}"
    );
    assert_eq!(
        tag_commit(&repos.join("osism/release"), "7.0.0c"),
        Some(planned_release.clone())
    );
    let journal = std::fs::read_to_string(root.join("releases/.journal/7.0.0c.jsonl")).unwrap();
    assert!(
        journal.trim_end().ends_with('}')
            && journal.lines().last().unwrap().contains("\"complete\"")
    );

    // The tag moved to another commit: a conflict, not "complete".
    release.tag_delete("7.0.0c").unwrap();
    let later = head("osism/release");
    tag(&release, "7.0.0c", Oid::from_str(&later).unwrap());
    let (_, err, code) = run(&args);
    assert_eq!(code, 3);
    assert_eq!(
        err,
        format!(
            "error: osism/release: tag 7.0.0c already exists on {later}, but the journal planned it on {planned_release}; resolve by hand\n"
        )
    );
    release.tag_delete("7.0.0c").unwrap();
    tag(&release, "7.0.0c", Oid::from_str(&planned_release).unwrap());

    // The release file written before: a changed one is said so (and kept), a missing one
    // is an error naming it and the journal line.
    let file = root.join("releases/osism/7.0.0c.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, format!("{text}# reviewed\n")).unwrap();
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("changed since: differs from this run's proposal (edited by hand, or the branches moved); kept as it is (journal: written before)"),
        "{out}"
    );
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .ends_with("# reviewed\n")
    );
    std::fs::remove_file(&file).unwrap();
    let (_, err, code) = run(&args);
    assert_eq!(code, 3);
    assert_eq!(
        err.replace(s(dir.path()), "[TMP]"),
        "error: [TMP]/data/releases/osism/7.0.0c.yaml: the release file is missing, but the journal [TMP]/data/releases/.journal/7.0.0c.jsonl:6 says this run wrote it; restore it (e.g. `git checkout` it) and run again, or remove the journal to start over\n"
    );
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
    let (_, err, _) = run(&["rc", "cut", "7.0.0c", "--from", "R99"]);
    insta::assert_snapshot!(err, @"error: unknown release `R99`; did you mean R9?");
    let (_, err, code) = run(&["rc", "cut", "7.0.0a", "--from", "7.0.0b"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err, @"error: rc cut: the next release `7.0.0a` must come after `7.0.0b`");
    let (_, err, _) = run(&["rc", "promote", "7.0.0b", "8.0.0"]);
    insta::assert_snapshot!(err, @"error: rc promote: `7.0.0b` is a candidate of 7.0.0, not of `8.0.0`");
    let (_, err, _) = run(&["rc", "diff", "7.0.0a", "7.0.0b", "-o", "junit"]);
    insta::assert_snapshot!(err, @r"
    error: invalid value 'junit' for '--output <FORMAT>'
      [possible values: table, json, markdown]

    For more information, try '--help'.
    ");
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
        .manifest(&scs_release::base::version::Version::parse("7.0.0c"))
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
    let out = tokio::task::spawn_blocking(move || {
        crate::common::in_process().args(&args).output().unwrap()
    })
    .await
    .unwrap();
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr), @"error: osism/release: creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`");
    assert!(!root.join("releases/osism/7.0.0c.yaml").exists());
    assert!(!root.join("releases/.journal/7.0.0c.jsonl").exists());
    server.verify().await;
}

/// What every setup of a tagging run starts from, built once per test: the clones, and a
/// data copy without 7.0.0c. Building clones with libgit2 costs far more than copying them.
struct Template {
    dir: tempfile::TempDir,
}

impl Template {
    fn new() -> Template {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        clones(&src);
        // Fewer files to copy for each setup: what git does not need.
        for owner in std::fs::read_dir(&src).unwrap().flatten() {
            for repo in std::fs::read_dir(owner.path()).unwrap().flatten() {
                for extra in [
                    "hooks",
                    "logs",
                    "info",
                    "branches",
                    "description",
                    "COMMIT_EDITMSG",
                ] {
                    let p = repo.path().join(".git").join(extra);
                    if p.is_dir() {
                        std::fs::remove_dir_all(&p).unwrap();
                    } else if p.exists() {
                        std::fs::remove_file(&p).unwrap();
                    }
                }
            }
        }
        let root = data_copy(dir.path());
        // Only what `rc cut --from 7.0.0b` reads (a run loads every manifest there is, and
        // these tests run the binary some 70 times).
        for e in std::fs::read_dir(root.join("releases")).unwrap().flatten() {
            if !["osism", "rc", "scs"].contains(&e.file_name().to_str().unwrap()) {
                if e.path().is_dir() {
                    std::fs::remove_dir_all(e.path()).unwrap();
                } else {
                    std::fs::remove_file(e.path()).unwrap();
                }
            }
        }
        for e in std::fs::read_dir(root.join("releases/osism"))
            .unwrap()
            .flatten()
        {
            // 7.0.0b is cut from; the finals of released SCS releases must stay.
            let keep = [
                "7.0.0b.yaml",
                "5.0.0.yaml",
                "6.0.0.yaml",
                "7.0.0.yaml",
                "8.0.0.yaml",
                "9.0.0.yaml",
                "10.0.0.yaml",
            ];
            if !keep.iter().any(|k| e.file_name() == *k) {
                std::fs::remove_file(e.path()).unwrap();
            }
        }
        Template { dir }
    }

    /// A fresh, identical setup.
    fn setup(&self) -> Release {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(self.dir.path(), dir.path());
        Release {
            repos: dir.path().join("src"),
            root: dir.path().join("data"),
            osism: dir.path().join("osism-release"),
            dir,
        }
    }
}

/// One setup of `rc cut 7.0.0c --from 7.0.0b --execute --tag` with an `--osism` folder.
struct Release {
    dir: tempfile::TempDir,
    repos: PathBuf,
    root: PathBuf,
    osism: PathBuf,
}

impl Release {
    fn args(&self) -> Vec<String> {
        [
            "--data",
            s(&self.root),
            "rc",
            "cut",
            "7.0.0c",
            "--from",
            "7.0.0b",
            "--repos",
            s(&self.repos),
            "--osism",
            s(&self.osism),
            "--execute",
            "--tag",
        ]
        .iter()
        .map(|a| a.to_string())
        .collect()
    }

    fn journal(&self) -> PathBuf {
        self.root.join("releases/.journal/7.0.0c.jsonl")
    }

    /// The cargo-built binary as a plain child process (killable), clean environment.
    fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_scs-release"));
        c.args(self.args())
            .env_remove("SCS_RELEASE_DATA")
            .env_remove("GITHUB_TOKEN")
            .env_remove("GH_TOKEN")
            .env_remove(scs_release::rc::journal::CRASH_AFTER_WRITES_ENV)
            .env("NO_COLOR", "1");
        c
    }

    /// Run again (no crash hook) until the run succeeds; returns the attempts. A ref lock
    /// that a kill inside libgit2 left behind is reported by the tool naming the lock file;
    /// it is removed as its message says, as a release manager would.
    fn finish(&self) -> usize {
        for attempt in 1..=3 {
            let out = self.command().output().unwrap();
            if out.status.success() {
                return attempt;
            }
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            let locks = ref_locks(&self.repos);
            assert!(
                !locks.is_empty() && locks.iter().all(|l| err.contains(s(l))),
                "the rerun failed ({:?}): {err}",
                out.status
            );
            for l in locks {
                std::fs::remove_file(l).unwrap();
            }
        }
        panic!("the run did not finish in 3 attempts");
    }

    /// What the run leaves that a user would see: every repo's tags (→ commit), the
    /// release file, the whole `--osism` directory, and the names in the directories the
    /// run writes to.
    fn outcome(&self) -> Outcome {
        let mut tags = std::collections::BTreeMap::new();
        for owner in std::fs::read_dir(&self.repos).unwrap().flatten() {
            for repo in std::fs::read_dir(owner.path()).unwrap().flatten() {
                let r = Repository::open(repo.path()).unwrap();
                let names = r.tag_names(None).unwrap();
                for name in names.iter().flatten().flatten() {
                    let commit = tag_commit(&repo.path(), name).unwrap();
                    tags.insert(
                        format!(
                            "{}/{} {name}",
                            owner.file_name().to_string_lossy(),
                            repo.file_name().to_string_lossy()
                        ),
                        commit,
                    );
                }
            }
        }
        let names = |dir: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .map(|d| {
                    d.flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default();
            v.sort();
            v
        };
        let osism_dir = names(&self.root.join("releases/osism"));
        Outcome {
            tags,
            manifest: std::fs::read(self.root.join("releases/osism/7.0.0c.yaml")).ok(),
            osism: tree(&self.osism),
            hidden_in_releases_osism: osism_dir
                .into_iter()
                .filter(|n| n.starts_with('.'))
                .collect(),
            journal_dir: names(&self.root.join("releases/.journal")),
        }
    }
}

#[derive(Debug, PartialEq)]
struct Outcome {
    tags: std::collections::BTreeMap<String, String>,
    manifest: Option<Vec<u8>>,
    /// path → file bytes / link target / directory
    osism: std::collections::BTreeMap<String, Node>,
    hidden_in_releases_osism: Vec<String>,
    journal_dir: Vec<String>,
}

#[derive(Debug, PartialEq)]
enum Node {
    Dir,
    File(Vec<u8>),
    Link(PathBuf),
}

fn tree(dir: &Path) -> std::collections::BTreeMap<String, Node> {
    fn walk(base: &Path, dir: &Path, out: &mut std::collections::BTreeMap<String, Node>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let rel = p.strip_prefix(base).unwrap().display().to_string();
            let kind = e.file_type().unwrap();
            if kind.is_symlink() {
                out.insert(rel, Node::Link(std::fs::read_link(&p).unwrap()));
            } else if kind.is_dir() {
                out.insert(rel, Node::Dir);
                walk(base, &p, out);
            } else {
                out.insert(rel, Node::File(std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Ref lock files (`refs/tags/*.lock`) in the clones.
fn ref_locks(repos: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for owner in std::fs::read_dir(repos).unwrap().flatten() {
        for repo in std::fs::read_dir(owner.path()).unwrap().flatten() {
            let tags = repo.path().join(".git/refs/tags");
            for e in std::fs::read_dir(tags).into_iter().flatten().flatten() {
                if e.file_name().to_string_lossy().ends_with(".lock") {
                    out.push(e.path());
                }
            }
        }
    }
    out
}

/// The result of an uninterrupted run on a fresh setup, and the run's journal.
fn reference(template: &Template) -> (Outcome, String) {
    let r = template.setup();
    let out = r.command().output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let o = r.outcome();
    assert_eq!(
        o.tags.len(),
        4 * 3 + 2 + 4,
        "12 calver, 2 release, 4 new tags"
    );
    assert!(o.manifest.is_some() && o.osism.contains_key("7.0.0c/base.yml"));
    assert_eq!(o.journal_dir, ["7.0.0c.jsonl"]);
    assert!(o.hidden_in_releases_osism.is_empty());
    (o, std::fs::read_to_string(r.journal()).unwrap())
}

/// Kill the run right after each of its journal writes in turn (the test-only abort hook),
/// then run it again: the tags, the release file and the `--osism` folder end up exactly as
/// after a run that was never interrupted, with no temp files left.
#[cfg(unix)]
#[test]
fn a_run_killed_after_any_journal_write_finishes_like_an_uninterrupted_one() {
    use std::os::unix::process::ExitStatusExt;
    let template = Template::new();
    let (want, journal) = reference(&template);
    // plan (begin + 4 planned, one write), 2 × written, 4 × (tagging, tagged), complete
    let writes = journal.lines().count() - 4;
    assert_eq!(writes, 12);
    let mut n = 1;
    loop {
        let r = template.setup();
        let out = r
            .command()
            .env(
                scs_release::rc::journal::CRASH_AFTER_WRITES_ENV,
                n.to_string(),
            )
            .output()
            .unwrap();
        if out.status.success() {
            // the hook never fired: past the last write
            assert_eq!(r.outcome(), want, "uninterrupted with the hook at {n}");
            break;
        }
        assert_eq!(
            out.status.signal(),
            Some(6),
            "abort after write {n}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // the plan is one write of 5 lines, every later write one line
        let lines = std::fs::read_to_string(r.journal())
            .unwrap()
            .lines()
            .count();
        assert_eq!(lines, n + 4, "killed after journal write {n}");
        assert_eq!(r.finish(), 1, "killed after journal write {n}");
        assert_eq!(r.outcome(), want, "killed after journal write {n}");
        n += 1;
        assert!(
            n <= writes + 1,
            "more journal writes than the reference run"
        );
    }
    assert_eq!(n, writes + 1, "every journal write was a kill point");
}

/// How many seeded random kills (each: a fresh setup, a killed run, a rerun).
const RANDOM_KILLS: u64 = 12;

/// SIGKILL at seeded pseudo-random moments of the part of the run that writes, then run
/// again until it finishes: the same outcome as an uninterrupted run.
#[cfg(unix)]
#[test]
fn a_run_killed_at_random_moments_finishes_like_an_uninterrupted_one() {
    use std::os::unix::process::ExitStatusExt;
    let template = Template::new();
    // How long an uninterrupted run takes from writing its plan to `complete`.
    let r = template.setup();
    let out = r.command().output().unwrap();
    assert!(out.status.success());
    let journal = std::fs::read_to_string(r.journal()).unwrap();
    let at = |event: &str| -> i64 {
        let line = journal
            .lines()
            .find(|l| l.contains(&format!("\"event\":\"{event}\"")))
            .unwrap();
        let v: Value = serde_json::from_str(line).unwrap();
        let t: jiff::Timestamp = v["at"].as_str().unwrap().parse().unwrap();
        t.as_microsecond()
    };
    let window = (at("complete") - at("begin")).max(1000) as u64;
    let want = r.outcome();
    drop(r);

    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let (mut before_plan, mut mid_run, mut after, mut finished) = (0, 0, 0, 0);
    for seed in 0..RANDOM_KILLS {
        let delay = next() % window;
        let r = template.setup();
        let mut child = r
            .command()
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Start the clock when the run starts writing its plan (it creates the journal's
        // directory right before), so the kills land among the writes whatever the load.
        let dir = r.journal().parent().unwrap().to_path_buf();
        while !dir.exists() && child.try_wait().unwrap().is_none() {
            std::thread::sleep(std::time::Duration::from_micros(100));
        }
        std::thread::sleep(std::time::Duration::from_micros(delay));
        let _ = child.kill();
        let status = child.wait().unwrap();
        let journal = std::fs::read_to_string(r.journal()).unwrap_or_default();
        match (status.signal(), journal.contains("\"complete\"")) {
            (Some(9), false) if journal.is_empty() => before_plan += 1,
            (Some(9), false) => mid_run += 1,
            (Some(9), true) => after += 1,
            _ => finished += 1,
        }
        r.finish();
        assert_eq!(
            r.outcome(),
            want,
            "seed {seed}: killed {delay}µs into the writes"
        );
    }
    eprintln!(
        "random kills within {window}µs of the first write: {before_plan} before the plan was written, {mid_run} during the writes, {after} after `complete`, {finished} too late (the run had ended)"
    );
}

fn planned_line(repo: &str, tag: &str, commit: &str) -> String {
    format!(
        "{{\"event\":\"planned\",\"repo\":\"{repo}\",\"tag\":\"{tag}\",\"commit\":\"{commit}\",\"pin\":\"p\"}}\n"
    )
}

/// The measured bug: a journal with `begin` and only part of the planned tags (a run killed
/// while an older version appended the plan line by line, or a hand-edited journal) must
/// never end as complete with tags missing.
#[test]
fn a_journal_with_part_of_the_plan_never_ends_with_missing_tags() {
    let template = Template::new();
    let want = reference(&template).0;
    let head = |r: &Release, repo: &str| {
        Repository::open(r.repos.join(repo))
            .unwrap()
            .find_reference("refs/heads/main")
            .unwrap()
            .peel_to_commit()
            .unwrap()
            .id()
            .to_string()
    };
    let begin = |tags: &str| {
        format!(
            "{{\"event\":\"begin\",\"command\":\"cut\",\"next\":\"7.0.0c\",\"from\":\"7.0.0b\",\"at\":\"t\"{tags}}}\n"
        )
    };
    // No step was taken on the partial plan: it is planned again, completely.
    for tags in ["", ",\"tags\":4"] {
        let r = template.setup();
        let partial = begin(tags)
            + &planned_line("osism/release", "7.0.0c", &head(&r, "osism/release"))
            + &planned_line(
                "osism/ansible-collection-commons",
                "v0.20240221.0",
                &head(&r, "osism/ansible-collection-commons"),
            );
        std::fs::create_dir_all(r.journal().parent().unwrap()).unwrap();
        std::fs::write(r.journal(), partial).unwrap();
        let out = r.command().output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{stdout}");
        assert!(
            stdout.contains("planned again: the old plan was incomplete"),
            "{stdout}"
        );
        assert_eq!(r.outcome(), want, "begin{tags}");
        let journal = std::fs::read_to_string(r.journal()).unwrap();
        assert!(journal.starts_with("{\"event\":\"begin\"") && journal.contains("\"tags\":4}"));
        assert_eq!(journal.matches("\"planned\"").count(), 4);
    }

    // Steps were taken on a partial plan, and an old version even marked it complete: the
    // rerun stops with an error naming the journal instead of saying "nothing to do".
    let r = template.setup();
    let release = head(&r, "osism/release");
    let mut j = begin("") + &planned_line("osism/release", "7.0.0c", &release);
    j.push_str("{\"event\":\"written\",\"path\":\"releases/osism/7.0.0c.yaml\"}\n");
    j.push_str(&format!("{{\"event\":\"tagged\",\"repo\":\"osism/release\",\"tag\":\"7.0.0c\",\"commit\":\"{release}\",\"existed\":false}}\n"));
    j.push_str("{\"event\":\"complete\",\"at\":\"t\"}\n");
    std::fs::create_dir_all(r.journal().parent().unwrap()).unwrap();
    std::fs::write(r.journal(), &j).unwrap();
    let before = r.outcome();
    let out = r.command().output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr).replace(s(&r.root), "[DATA]");
    insta::assert_snapshot!(err, @"error: [DATA]/releases/.journal/7.0.0c.jsonl:1: the journal's plan is incomplete (`begin` has no tag count (written by an older scs-release, which could be stopped half-way through the plan), so its 1 `planned` line(s) may be only part of the plan), and it records steps taken after the plan, so it cannot be resumed safely; check the tags and files it lists, then remove it and run again (the new plan keeps the tags that exist and plans the missing ones)");
    assert_eq!(r.outcome(), before, "nothing done");
    assert_eq!(std::fs::read_to_string(r.journal()).unwrap(), j);
    // Doing what the message says finishes the release.
    std::fs::remove_file(r.journal()).unwrap();
    let out = r.command().output().unwrap();
    assert!(out.status.success());
    assert_eq!(r.outcome(), want);
}

/// What a SIGKILL during an atomic write leaves (temp files, a half-built `--osism` folder)
/// is removed by the next run and listed in its steps; symlinks with such names are not
/// touched, nor what they point to.
#[cfg(unix)]
#[test]
fn temp_files_of_a_killed_run_are_removed_by_the_rerun() {
    let template = Template::new();
    let want = reference(&template).0;
    let r = template.setup();
    let outside = r.dir.path().join("outside.txt");
    std::fs::write(&outside, "keep").unwrap();
    let osism_dir = r.root.join("releases/osism");
    let journal_dir = r.root.join("releases/.journal");
    std::fs::create_dir_all(&journal_dir).unwrap();
    std::fs::write(osism_dir.join(".tmpAb12Z9"), "half a manifest").unwrap();
    std::fs::write(journal_dir.join(".scs-release-x7Yq2.tmp"), "half a plan").unwrap();
    std::fs::create_dir_all(r.osism.join(".scs-release-AbC123.tmp")).unwrap();
    std::fs::write(r.osism.join(".scs-release-AbC123.tmp/base.yml"), "---\n").unwrap();
    std::os::unix::fs::symlink(&outside, osism_dir.join(".tmpLINK01")).unwrap();
    let out = r.command().output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for p in [
        osism_dir.join(".tmpAb12Z9"),
        journal_dir.join(".scs-release-x7Yq2.tmp"),
        r.osism.join(".scs-release-AbC123.tmp"),
    ] {
        assert!(!p.exists(), "{}", p.display());
        assert!(
            stdout.lines().any(|l| l.starts_with("clean")
                && l.contains(s(&p))
                && l.ends_with("removed (temp file of an interrupted run)")),
            "{stdout}"
        );
    }
    assert_eq!(
        std::fs::read_link(osism_dir.join(".tmpLINK01")).unwrap(),
        outside
    );
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
    std::fs::remove_file(osism_dir.join(".tmpLINK01")).unwrap();
    assert_eq!(r.outcome(), want);
}
