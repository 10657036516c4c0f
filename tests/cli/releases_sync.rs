//! releases sync: osism/release-like repositories built here with git2 (several commits, a
//! repository renamed in `etc/` later, a folder archived, a base.yml-only folder whose layers
//! come from the image tags), the summary, idempotency, `--dry-run`, refusals and errors.

use std::path::Path;

use scs_release::base::yaml;
use scs_release::release::Manifest;

use crate::common::{commit_and_tag, run};

const ETC_OLD: [(&str, &str); 3] = [
    (
        "etc/images.yml",
        "mariadb: library/mariadb\nceph: osism/ceph-daemon\n",
    ),
    (
        "etc/collections.yml",
        "osism.commons: osism/ansible-collection-commons\n",
    ),
    ("etc/other.yml", "generics: osism/cfg-generics\n"),
];

const BASE_6: &str = "---
manager_version: 6.0.0
generics_version: v0.20230901.0
docker_images:
  mariadb: '10.11.5'
ansible_collections:
  osism.commons: v0.20230901.0
";

const BASE_7B: &str = "---
manager_version: 7.0.0b
generics_version: v0.20240221.0
docker_images:
  mariadb: '11.2.2'
";

const BASE_95: &str = "---
manager_version: 9.5.0
generics_version: v0.20251101.0
docker_images:
  mariadb: '11.8.3'
  kolla_ansible: 0.20250101.0
  ceph_ansible: 0.20250101.0
";

const BASE_96: &str = "---
manager_version: 9.6.0
generics_version: v0.20251201.0
docker_images:
  kolla_ansible: 0.20250301.0
  ceph_ansible: 0.20250101.0
";

/// An osism/release-like history (fixed dates, so the commits are the same every run):
///
/// 1. `etc/` (generics → `osism/cfg-generics`), `4.0.0/`, `6.0.0/` (base, ceph-quincy,
///    openstack-2023.1 and their links), `7.0.0b/`.
/// 2. `7.0.0b/` moved to `archive/7.0.0b/`; `archive/20180806-0/`, `latest/`, `next/`,
///    `docs/` added (no base.yml: not a release folder, not listed).
/// 3. `etc/other.yml` renames generics to `osism/generics`; `9.5.0/` (base.yml only) and the
///    tags `kolla-ansible-v0.20250101.0`, `ceph-ansible-v0.20250101.0` with `latest/`
///    naming openstack-2024.2 and ceph-reef.
/// 4. `latest/openstack.yml` moves on to 2025.1; `9.6.0/` pins a kolla-ansible image that has
///    no tag.
///
/// Returns the temp dir and the four commits.
fn osism_release_like(bare: bool) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let repo = if bare {
        git2::Repository::init_bare(dir.path()).unwrap()
    } else {
        git2::Repository::init(dir.path()).unwrap()
    };
    let six: Vec<(&str, &str)> = vec![
        ("4.0.0/base.yml", "manager_version: 4.0.0\n"),
        ("6.0.0/base.yml", BASE_6),
        (
            "6.0.0/ceph-quincy.yml",
            "ceph_version: quincy\ndocker_images:\n  ceph: '17.2.6'\n",
        ),
        (
            "6.0.0/openstack-2023.1.yml",
            "openstack_version: '2023.1'\nopenstack_projects:\n  nova: stable-2023.1\n",
        ),
        ("README.md", "osism/release\n"),
    ];
    let six_links = [
        ("6.0.0/ceph.yml", "ceph-quincy.yml"),
        ("6.0.0/openstack.yml", "openstack-2023.1.yml"),
    ];
    let rc = |root: &'static str| -> Vec<(String, &'static str)> {
        vec![
            (format!("{root}/base.yml"), BASE_7B),
            (
                format!("{root}/openstack-2023.2.yml"),
                "openstack_version: '2023.2'\n",
            ),
            // no link: the only candidate is the active one
            (format!("{root}/ceph-quincy.yml"), "ceph_version: quincy\n"),
        ]
    };
    let owned = |v: &[(String, &'static str)]| -> Vec<(String, &'static str)> { v.to_vec() };

    let mut files: Vec<(String, &str)> = six.iter().map(|(p, t)| (p.to_string(), *t)).collect();
    files.extend(ETC_OLD.iter().map(|(p, t)| (p.to_string(), *t)));
    let c1 = commit_and_tag(
        &repo,
        &[refs(&files), refs(&rc("7.0.0b"))].concat(),
        &six_links,
        &[],
        0,
    );

    files.extend(owned(&rc("archive/7.0.0b")));
    files.extend([
        (
            "archive/20180806-0/base.yml".to_string(),
            "manager_version: 20180806-0\n",
        ),
        ("latest/base.yml".into(), "manager_version: latest\n"),
        ("next/kolla-v0.20250725.0.yml".into(), "sbom: []\n"),
        ("docs/index.md".into(), "# docs\n"),
    ]);
    let c2 = commit_and_tag(&repo, &refs(&files), &six_links, &[], 100);

    for f in files.iter_mut() {
        if f.0 == "etc/other.yml" {
            f.1 = "generics: osism/generics\n";
        }
    }
    files.extend([
        ("9.5.0/base.yml".to_string(), BASE_95),
        (
            "latest/openstack-2024.2.yml".into(),
            "openstack_version: '2024.2'\nopenstack_projects:\n  nova: stable-2024.2\n",
        ),
        (
            "latest/ceph-reef.yml".into(),
            "ceph_version: reef\ndocker_images:\n  ceph: '18.2.7'\n",
        ),
    ]);
    let latest_links = [
        ("latest/openstack.yml", "openstack-2024.2.yml"),
        ("latest/ceph.yml", "ceph-reef.yml"),
    ];
    let c3 = commit_and_tag(
        &repo,
        &refs(&files),
        &[&six_links[..], &latest_links[..]].concat(),
        &["kolla-ansible-v0.20250101.0", "ceph-ansible-v0.20250101.0"],
        200,
    );

    files.extend([
        ("9.6.0/base.yml".to_string(), BASE_96),
        (
            "latest/openstack-2025.1.yml".into(),
            "openstack_version: '2025.1'\n",
        ),
    ]);
    let c4 = commit_and_tag(
        &repo,
        &refs(&files),
        &[
            &six_links[..],
            &[
                ("latest/openstack.yml", "openstack-2025.1.yml"),
                ("latest/ceph.yml", "ceph-reef.yml"),
            ][..],
        ]
        .concat(),
        &[],
        300,
    );
    let commits = [c1, c2, c3, c4].iter().map(|c| c.to_string()).collect();
    (dir, commits)
}

fn refs<'a>(v: &'a [(String, &'a str)]) -> Vec<(&'a str, &'a str)> {
    v.iter().map(|(p, t)| (p.as_str(), *t)).collect()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn sync(repo: &Path, into: &Path, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec!["releases", "sync", "--osism", s(repo), "--into", s(into)];
    args.extend(extra);
    let (out, err, code) = run(&args);
    let clean = |t: String| t.replace(s(repo), "<repo>").replace(s(into), "<into>");
    (clean(out), clean(err), code)
}

fn manifest(into: &Path, v: &str) -> Manifest {
    let p = into.join(format!("releases/osism/{v}.yaml"));
    yaml::from_str(&std::fs::read_to_string(&p).unwrap(), &p).unwrap()
}

fn pin<'a>(m: &'a Manifest, id: &str) -> &'a scs_release::release::Pin {
    m.pins
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no {id} in {}", m.version))
}

#[test]
fn sync_imports_every_release_folder_as_of_its_own_commit() {
    let (repo, commits) = osism_release_like(false);
    // The work tree is never read: a checked-out file saying otherwise changes nothing.
    std::fs::create_dir_all(repo.path().join("6.0.0")).unwrap();
    std::fs::write(repo.path().join("6.0.0/base.yml"), "not: [yaml").unwrap();
    let into = tempfile::tempdir().unwrap();

    let (out, err, code) = sync(repo.path(), into.path(), &[]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("sync_first_run", out);

    // 6.0.0 reads etc/ of its own commit: generics was still osism/cfg-generics then.
    let six = manifest(into.path(), "6.0.0");
    assert_eq!(six.source.commit.as_deref(), Some(commits[0].as_str()));
    assert_eq!(
        pin(&six, "base/generics_version").repo.as_deref(),
        Some("osism/cfg-generics")
    );
    assert_eq!(
        (six.openstack.as_deref(), six.ceph.as_deref()),
        (Some("2023.1"), Some("quincy"))
    );
    assert_eq!(
        six.source.files,
        ["base.yml", "ceph-quincy.yml", "openstack-2023.1.yml"]
    );
    assert_eq!(
        pin(&six, "base/docker_images/mariadb").image.as_deref(),
        Some("library/mariadb")
    );
    // The archived candidate: read where it got its content (before the move), at that path.
    let rc = manifest(into.path(), "7.0.0b");
    assert_eq!(
        (rc.source.path.as_str(), rc.source.commit.as_deref()),
        ("7.0.0b", Some(commits[0].as_str()))
    );
    // 9.5.0 holds only base.yml: the layers come from the image tags (2024.2, not the
    // 2025.1 that latest/ names at HEAD), the mapping is the renamed one of its commit.
    let nine = manifest(into.path(), "9.5.0");
    assert_eq!(nine.source.commit.as_deref(), Some(commits[2].as_str()));
    assert_eq!(
        pin(&nine, "base/generics_version").repo.as_deref(),
        Some("osism/generics")
    );
    assert_eq!(
        (nine.openstack.as_deref(), nine.ceph.as_deref()),
        (Some("2024.2"), Some("reef"))
    );
    assert_eq!(
        nine.source.files,
        [
            "base.yml",
            "ceph-ansible-v0.20250101.0:latest/ceph-reef.yml",
            "kolla-ansible-v0.20250101.0:latest/openstack-2024.2.yml"
        ]
    );
    assert_eq!(
        pin(&nine, "openstack/openstack_version").value.as_str(),
        "2024.2"
    );
    assert_eq!(pin(&nine, "ceph/ceph_version").value.as_str(), "reef");
    assert_eq!(
        pin(&nine, "ceph/docker_images/ceph").image.as_deref(),
        Some("osism/ceph-daemon")
    );
    // 9.6.0's kolla-ansible image has no tag: its OpenStack series is unknown.
    let unknown = manifest(into.path(), "9.6.0");
    assert_eq!(
        (unknown.openstack.as_deref(), unknown.ceph.as_deref()),
        (None, Some("reef"))
    );
    assert!(!unknown.pins.iter().any(|p| p.layer() == "openstack"));
    // Only the release folders were written.
    let mut written: Vec<String> = std::fs::read_dir(into.path().join("releases/osism"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    written.sort();
    assert_eq!(
        written,
        ["6.0.0.yaml", "7.0.0b.yaml", "9.5.0.yaml", "9.6.0.yaml"]
    );

    // A second run changes nothing and writes nothing.
    let before: Vec<(String, std::time::SystemTime)> = written
        .iter()
        .map(|f| {
            let p = into.path().join("releases/osism").join(f);
            (
                f.clone(),
                std::fs::metadata(&p).unwrap().modified().unwrap(),
            )
        })
        .collect();
    let (out, _, code) = sync(repo.path(), into.path(), &[]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(&format!(
            "osism/release {} (<repo>): 0 added, 0 changed, 4 unchanged, 4 refused\n",
            &commits[3][..8]
        )),
        "{out}"
    );
    for (f, t) in &before {
        let p = into.path().join("releases/osism").join(f);
        assert_eq!(
            &std::fs::metadata(&p).unwrap().modified().unwrap(),
            t,
            "{f}"
        );
    }

    // A file edited by hand is changed back, and the summary says how.
    let p = into.path().join("releases/osism/6.0.0.yaml");
    let text = std::fs::read_to_string(&p).unwrap();
    let edited = text
        .replace("value: \"10.11.5\"", "value: \"10.11.4\"")
        .replace("  repo: osism/cfg-generics\n", "  repo: osism/generics\n");
    assert_ne!(edited, text);
    std::fs::write(&p, &edited).unwrap();
    let (out, _, _) = sync(repo.path(), into.path(), &["--dry-run"]);
    let line = out.lines().find(|l| l.contains(" 6.0.0 ")).unwrap();
    assert!(
        line.starts_with("would change") && line.ends_with("1 pin (1 changed); 1 repo/image name"),
        "{line}"
    );
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        edited,
        "dry run wrote"
    );
    let (out, _, _) = sync(repo.path(), into.path(), &[]);
    assert!(out.contains(": 0 added, 1 changed, 3 unchanged"), "{out}");
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text);
}

#[test]
fn dry_run_writes_nothing_and_says_what_it_would_do() {
    let (repo, _) = osism_release_like(true);
    let into = tempfile::tempdir().unwrap();
    let (out, err, code) = sync(repo.path(), into.path(), &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_dir(into.path()).unwrap().count(), 0);
    let first = out.lines().next().unwrap();
    assert!(
        first.ends_with(": 4 added, 0 changed, 0 unchanged, 4 refused (dry run: nothing written)"),
        "{first}"
    );
    assert_eq!(
        out.lines().filter(|l| l.starts_with("would add ")).count(),
        4,
        "{out}"
    );
    // A bare mirror reads the same as a clone.
    let (clone, _) = osism_release_like(false);
    let (from_clone, _, _) = sync(clone.path(), into.path(), &["--dry-run"]);
    assert_eq!(from_clone, out);
}

#[test]
fn refusals_and_json_name_each_folder() {
    let (repo, commits) = osism_release_like(true);
    let into = tempfile::tempdir().unwrap();
    let (out, err, code) = sync(repo.path(), into.path(), &["-o", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    crate::output_schemas::assert_valid("releases-sync", &v);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["head"], commits[3].as_str());
    let entries = v["entries"].as_array().unwrap();
    let refused: Vec<(String, String)> = entries
        .iter()
        .filter(|e| e["status"] == "refused")
        .map(|e| {
            (
                e["folder"].as_str().unwrap().to_string(),
                e["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    insta::assert_debug_snapshot!("sync_refused", refused);
    let nine = entries.iter().find(|e| e["folder"] == "9.6.0").unwrap();
    assert_eq!(nine["status"], "added");
    assert_eq!(nine["ceph"], "reef");
    assert!(nine.get("openstack").is_none());
    insta::assert_debug_snapshot!("sync_unknown_series_notes", nine["notes"]);
}

/// Every error names the path it is about.
#[test]
fn sync_errors_name_the_path() {
    let mut report = String::new();
    let into = tempfile::tempdir().unwrap();
    let mut case = |name: &str, repo: &Path, into: &Path| {
        let (_, err, code) = sync(repo, into, &[]);
        assert_eq!(code, 3, "{name}: {err}");
        report.push_str(&format!(
            "{name}:\n  {}\n",
            err.trim().replace('\n', "\n  ")
        ));
    };

    let plain = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(plain.path().join("9.5.0")).unwrap();
    std::fs::write(plain.path().join("9.5.0/base.yml"), BASE_95).unwrap();
    case(
        "a folder that is not a git repository",
        plain.path(),
        into.path(),
    );
    case(
        "a path that does not exist",
        &plain.path().join("missing"),
        into.path(),
    );

    let empty = tempfile::tempdir().unwrap();
    let mut opts = git2::RepositoryInitOptions::new();
    opts.bare(true).initial_head("main");
    git2::Repository::init_opts(empty.path(), &opts).unwrap();
    case("a repository without commits", empty.path(), into.path());

    let other = tempfile::tempdir().unwrap();
    let r = git2::Repository::init_bare(other.path()).unwrap();
    commit_and_tag(
        &r,
        &[("README.md", "x\n"), ("src/x.yml", "a: 1\n")],
        &[],
        &[],
        0,
    );
    case(
        "a repository that is not osism/release",
        other.path(),
        into.path(),
    );

    let broken = tempfile::tempdir().unwrap();
    let r = git2::Repository::init_bare(broken.path()).unwrap();
    commit_and_tag(
        &r,
        &[
            ("9.0.0/base.yml", "manager_version: 9.0.0\n"),
            ("9.0.0/ceph-reef.yml", "docker_images: [1\n"),
        ],
        &[("9.0.0/ceph.yml", "ceph-reef.yml")],
        &[],
        0,
    );
    case("a folder with broken YAML", broken.path(), into.path());

    let outside = tempfile::tempdir().unwrap();
    let r = git2::Repository::init_bare(outside.path()).unwrap();
    commit_and_tag(
        &r,
        &[("9.0.0/base.yml", "manager_version: 9.0.0\n")],
        &[("9.0.0/ceph.yml", "../../etc/passwd")],
        &[],
        0,
    );
    case("a link that leaves its folder", outside.path(), into.path());

    // The data folder: a link below --into is refused, nothing written.
    let (repo, _) = osism_release_like(true);
    let linked = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(linked.path().join("releases")).unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), linked.path().join("releases/osism")).unwrap();
    let (_, err, code) = sync(repo.path(), linked.path(), &[]);
    assert_eq!(code, 3, "{err}");
    assert_eq!(std::fs::read_dir(elsewhere.path()).unwrap().count(), 0);
    report.push_str(&format!("a link inside --into:\n  {}\n", err.trim()));

    insta::assert_snapshot!("sync_errors", report);
}

/// `--notes`: release dates from the tables of the real OSISM release-notes pages (the
/// fixtures, committed into an osism.github.io-like repository); the osism-10 table's
/// `14.August` (no year) costs that row its date and says so; a later run without `--notes`
/// keeps the dates on disk.
#[test]
fn notes_give_release_dates_and_a_bad_row_is_named() {
    let Some(fx) = crate::common::fixtures() else {
        return;
    };
    let pages = fx.join("release-notes/osism-docs/release-notes-HEAD");
    let texts: Vec<(String, String)> = ["osism-9.md", "osism-10.md", "index.md"]
        .iter()
        .map(|n| {
            (
                format!("docs/release-notes/{n}"),
                std::fs::read_to_string(pages.join(n)).unwrap(),
            )
        })
        .collect();
    let notes = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init_bare(notes.path()).unwrap();
    let files: Vec<(&str, &str)> = texts
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    commit_and_tag(&repo, &files, &[], &[], 0);

    let (release, _) = osism_release_like(true);
    let into = tempfile::tempdir().unwrap();
    let (out, err, code) = sync(
        release.path(),
        into.path(),
        &["--notes", s(notes.path()), "-o", "json"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        manifest(into.path(), "9.5.0").date.map(|d| d.to_string()),
        Some("2025-11-30".into())
    );
    // The fixture osism-release-like repo has no 10.x folders: the bad row is not reported.
    assert!(!out.contains("release date unknown"), "{out}");

    // Dates are kept without --notes.
    let (_, err, code) = sync(release.path(), into.path(), &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        manifest(into.path(), "9.5.0").date.map(|d| d.to_string()),
        Some("2025-11-30".into())
    );

    // The real table's `14.August` row, located.
    let dates = scs_release::release::notes_dates::read(notes.path()).unwrap();
    assert_eq!(
        dates.unreadable.get("10.2.0").map(String::as_str),
        Some(
            "docs/release-notes/osism-10.md:31:13: `14.August` is not a date such as `30. November 2025`"
        )
    );
    assert_eq!(dates.dates.len(), 7 + 2, "{:?}", dates.dates);

    // Not a notes repository.
    let (_, err, code) = sync(release.path(), into.path(), &["--notes", s(release.path())]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("sync_notes_not_a_notes_repo", err);
}
