//! releases import-defaults: osism/defaults-like repositories built here with git2, the
//! written file, the report, errors, and the checked-in defaults of the pinned tags.

use std::path::Path;

use scs_release::data::DataDir;
use scs_release::release::defaults::{DefaultValue, Defaults};

use crate::common::{commit_and_tag, run};

const KOLLA_DEFAULTS: &str = "---
# kolla-ansible defaults as OSISM ships them
enable_octavia: \"no\"
ceph_nova_user: \"{{ ceph_cinder_user }}\"
ceph_nova_keyring: \"{{ ceph_cinder_keyring }}\"
openstack_version: 2023.2
kolla_enable_tls_external: yes
";

const KOLLA: &str = "---
enable_octavia: \"yes\"
ceph_nova_user: nova
kolla_services:
  - name: nova
    enabled: yes
  - octavia
secret: !vault |
  $ANSIBLE_VAULT;1.1;AES256
  6162636465
";

fn osism_defaults_like(tags: &[&str]) -> (tempfile::TempDir, git2::Repository) {
    let dir = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init_bare(dir.path()).unwrap();
    commit_and_tag(
        &repo,
        &[
            ("all/001-kolla-defaults.yml", KOLLA_DEFAULTS),
            ("all/099-kolla.yml", KOLLA),
            ("all/README.md", "# not vars\n"),
            ("compute/000-defaults.yml", "nova_compute_virt_type: kvm\n"),
            ("manager.yml", "netbox_url: http://netbox-nginx:8080/\n"),
            ("README.md", "osism/defaults\n"),
            ("LICENSE", "Apache\n"),
            ("ansible.cfg", "[defaults]\n"),
            (".zuul.yaml", "- job: x\n"),
            ("releasenotes/notes/x.yaml", "features: [x]\n"),
            ("contrib/tool.yml", "x: 1\n"),
        ],
        &[("all/050-secrets.yml", "/etc/passwd")],
        tags,
        0,
    );
    (dir, repo)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn imports_a_defaults_repository_at_a_tag() {
    let (repo_dir, repo) = osism_defaults_like(&["v0.20240319.0", "v0.20240311.0"]);
    let into = tempfile::tempdir().unwrap();
    let args = [
        "releases",
        "import-defaults",
        "--defaults",
        s(repo_dir.path()),
        "--ref",
        "v0.20240319.0",
        "--into",
        s(into.path()),
    ];
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    let out = out.replace(s(into.path()), "[INTO]");
    insta::assert_snapshot!("import_defaults_created", out);
    let written =
        std::fs::read_to_string(into.path().join("releases/defaults/v0.20240319.0.yaml")).unwrap();
    insta::assert_snapshot!("import_defaults_file", written);

    // --stdout prints the same file.
    let mut printed = args.to_vec();
    printed.push("--stdout");
    assert_eq!(run(&printed).0, written);

    // The loader reads it back; the later file of a group won.
    let d = Defaults::load(
        &DataDir::open(into.path().to_path_buf()).unwrap(),
        "v0.20240319.0",
    )
    .unwrap();
    let v = |k: &str| d.get("all", k).unwrap();
    assert_eq!(v("enable_octavia").value.as_str(), Some("yes"));
    assert_eq!(v("enable_octavia").file, "all/099-kolla.yml");
    assert_eq!(v("ceph_nova_user").value.as_str(), Some("nova"));
    assert_eq!(
        v("ceph_nova_keyring").value.as_str(),
        Some("{{ ceph_cinder_keyring }}")
    );
    assert_eq!(v("openstack_version").value.as_str(), Some("2023.2"));
    assert!(v("secret").encrypted && v("secret").value == &DefaultValue::Null);
    assert!(!written.contains("ANSIBLE_VAULT"));
    assert_eq!(d.groups(), ["all", "compute", "manager"]);

    // Again: unchanged. The tag moved to a changed commit: updated, with what changed.
    let (out, _, _) = run(&args);
    assert!(out.contains("unchanged  v0.20240319.0"), "{out}");
    commit_and_tag(
        &repo,
        &[
            ("all/001-kolla-defaults.yml", KOLLA_DEFAULTS),
            ("all/099-kolla.yml", &KOLLA.replace("nova\n", "nova2\n")),
            (
                "compute/000-defaults.yml",
                "nova_compute_virt_type: qemu\nnew_key: 1\n",
            ),
        ],
        &[],
        &["v0.20240319.0"],
        1,
    );
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(
        "import_defaults_updated",
        out.replace(s(into.path()), "[INTO]")
    );
    let mut json = args.to_vec();
    json.extend(["-o", "json"]);
    let (out, _, _) = run(&json);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    crate::output_schemas::assert_valid("defaults-import", &doc);
    assert_eq!(doc["kind"], "defaults-import");
    assert_eq!(doc["tags"][0]["status"], "unchanged");
}

/// `--pinned` imports every defaults_version of the embedded releases (35 tags, 5.0.0 to 10.2.0).
#[test]
fn pinned_imports_every_tag_the_releases_pin() {
    let store = scs_release::release::Store::load(&DataDir::Embedded).unwrap();
    let pinned = scs_release::release::defaults::pinned_tags(&store);
    let tags: Vec<&str> = pinned.iter().map(String::as_str).collect();
    let (repo_dir, _repo) = osism_defaults_like(&tags);
    let into = tempfile::tempdir().unwrap();
    let (out, err, code) = run(&[
        "releases",
        "import-defaults",
        "--defaults",
        s(repo_dir.path()),
        "--pinned",
        "--into",
        s(into.path()),
        "-o",
        "markdown",
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(
        "import_defaults_pinned_markdown",
        out.replace(s(into.path()), "[INTO]")
    );
    for t in tags {
        assert!(
            into.path()
                .join(format!("releases/defaults/{t}.yaml"))
                .is_file()
        );
    }
}

/// Bad input: each error names what is wrong and where.
#[test]
fn import_defaults_errors_name_what_and_where() {
    let (repo_dir, repo) = osism_defaults_like(&["v0.20240319.0"]);
    commit_and_tag(
        &repo,
        &[(
            "all/099-kolla.yml",
            "enable_octavia: \"yes\"\nbroken: [a, b\n",
        )],
        &[],
        &["v0.20240320.0"],
        2,
    );
    commit_and_tag(
        &repo,
        &[("compute/000-defaults.yml", "- a list\n")],
        &[],
        &["v0.20240321.0"],
        3,
    );
    let not_a_repo = tempfile::tempdir().unwrap();
    let into = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), into.path().join("releases")).unwrap();
    let repo_path = s(repo_dir.path());
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "unknown tag",
            vec!["--defaults", repo_path, "--ref", "v0.20240391.0"],
        ),
        (
            "not a git repository",
            vec!["--defaults", s(not_a_repo.path()), "--ref", "v1"],
        ),
        (
            "YAML error",
            vec!["--defaults", repo_path, "--ref", "v0.20240320.0"],
        ),
        (
            "not a mapping",
            vec!["--defaults", repo_path, "--ref", "v0.20240321.0"],
        ),
        (
            "tag with a slash",
            vec!["--defaults", repo_path, "--ref", "v1/../../x"],
        ),
        (
            "--into through a symlink",
            vec![
                "--defaults",
                repo_path,
                "--ref",
                "v0.20240319.0",
                "--into",
                s(into.path()),
            ],
        ),
        (
            "--stdout with --pinned",
            vec!["--defaults", repo_path, "--pinned", "--stdout"],
        ),
        ("neither --ref nor --pinned", vec!["--defaults", repo_path]),
    ];
    let mut report = String::new();
    for (name, args) in cases {
        let mut full = vec!["releases", "import-defaults"];
        full.extend(args);
        let (_, err, code) = run(&full);
        assert_eq!(code, 3, "{name}: {err}");
        let err = err
            .replace(repo_path, "[REPO]")
            .replace(s(not_a_repo.path()), "[DIR]")
            .replace(s(into.path()), "[INTO]");
        let first = err.lines().next().unwrap_or("").to_string();
        report.push_str(&format!("{name}:\n  {first}\n"));
    }
    assert!(
        std::fs::read_dir(elsewhere.path())
            .unwrap()
            .next()
            .is_none()
    );
    insta::assert_snapshot!("import_defaults_errors", report);
}

/// The checked-in defaults of every pinned tag load from the embedded data, and hold what
/// osism/defaults says at v0.20240319.0 (`all/099-kolla.yml` overriding
/// `all/001-kolla-defaults.yml`).
#[test]
fn embedded_defaults_cover_every_pinned_tag() {
    let data = DataDir::Embedded;
    let store = scs_release::release::Store::load(&data).unwrap();
    let pinned = scs_release::release::defaults::pinned_tags(&store);
    assert_eq!(pinned.len(), 35, "{pinned:?}");
    assert_eq!(Defaults::available(&data).unwrap(), pinned);
    for tag in &pinned {
        let d = Defaults::load(&data, tag).unwrap();
        assert_eq!(d.source.repo, "osism/defaults");
        assert!(d.values().count() > 1000, "{tag}");
    }
    let d = Defaults::load(&data, "v0.20240319.0").unwrap();
    let v = |k: &str| d.get("all", k).unwrap();
    assert_eq!(
        (v("ceph_nova_user").value.as_str(), v("ceph_nova_user").file),
        (Some("nova"), "all/099-kolla.yml")
    );
    assert_eq!(
        v("ceph_nova_keyring").value.as_str(),
        Some("{{ ceph_cinder_keyring }}")
    );
    assert_eq!(v("enable_octavia").value.as_str(), Some("yes"));
}
