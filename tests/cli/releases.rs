//! releases list/show/diff/import/schema, importer and release-data errors.

use std::path::Path;

use scs_release::base::version::{Kind, Version};
use scs_release::base::yaml::{self, Node, Value};
use scs_release::data::DataDir;
use scs_release::release::{Store, osism};

use crate::common::{copy_dir, fixtures, in_process, repo_root, run};

#[test]
fn diff_6_to_7_shows_the_headline_changes() {
    let (out, err, code) = run(&["releases", "diff", "6.0.0", "7.0.0"]);
    assert_eq!(code, 0, "{err}");
    let line = |id: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no {id} in\n{out}"))
    };
    for (id, old, new) in [
        ("openstack/openstack_version", "2023.1", "2023.2"),
        ("ceph/docker_images/ceph", "17.2.6", "17.2.7"),
        ("base/osism_projects/docker", "5:20.10.24", "5:24.0.9"),
        ("base/docker_images/mariadb", "10.11.5", "11.2.2"),
    ] {
        let l = line(id);
        assert!(
            l.contains(old) && l.contains(new) && l.contains("changed"),
            "{l}"
        );
    }
    assert!(line("base/osism_projects/docker").ends_with("major"));
    // Grouped by kind, in a fixed order.
    let titles: Vec<&str> = out
        .lines()
        .filter(|l| {
            !l.contains(' ')
                || l.starts_with("Ansible")
                || l.starts_with("Container")
                || l.starts_with("OSISM")
        })
        .collect();
    assert!(
        titles.iter().position(|t| *t == "OpenStack") < titles.iter().position(|t| *t == "Ceph"),
        "{titles:?}"
    );
    insta::assert_snapshot!("diff_6_to_7", out);
}

#[test]
fn list_orders_candidates_before_the_final_and_marks_them() {
    let (out, _, code) = run(&["releases", "list"]);
    assert_eq!(code, 0);
    let pos = |v: &str| {
        out.lines()
            .position(|l| l.starts_with(&format!("{v} ")))
            .unwrap()
    };
    assert!(
        pos("7.0.0a") < pos("7.0.0b")
            && pos("7.0.0b") < pos("7.0.0d")
            && pos("7.0.0d") < pos("7.0.0")
    );
    assert!(
        pos("6.0.0") < pos("7.0.0a")
            && pos("7.0.0") < pos("8.0.0-rc.1")
            && pos("8.0.0-rc.2") < pos("8.0.0")
    );
    let rc1 = out.lines().nth(pos("7.0.0b")).unwrap();
    assert!(
        rc1.contains("R6") && rc1.contains("RC (RC1)") && rc1.contains("2024-02-21"),
        "{rc1}"
    );
    let fin = out.lines().nth(pos("7.0.0")).unwrap();
    assert!(fin.contains("final") && fin.contains("2024-03-20"), "{fin}");
    insta::assert_snapshot!("list", out);
}

#[test]
fn json_output_of_every_command_parses_and_is_versioned() {
    for args in [
        vec!["releases", "list", "-o", "json"],
        vec!["releases", "show", "7.0.0b", "-o", "json"],
        vec!["releases", "diff", "6.0.0", "7.0.0", "-o", "json"],
    ] {
        let (out, err, code) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let v: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}\n{out}"));
        assert_eq!(v["schema_version"], 1, "{args:?}");
    }
    let (out, _, _) = run(&["releases", "list", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let b = v["releases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["version"] == "7.0.0b")
        .unwrap();
    assert_eq!(
        (
            b["prerelease"].as_bool(),
            b["scs"].as_str(),
            b["date"].as_str()
        ),
        (Some(true), Some("R6"), Some("2024-02-21"))
    );
    let (out, _, _) = run(&["releases", "diff", "6.0.0", "7.0.0", "-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ceph = v["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["kind"] == "ceph")
        .unwrap();
    assert!(
        ceph["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["id"] == "ceph/docker_images/ceph"
                && c["old"] == "17.2.6"
                && c["new"] == "17.2.7")
    );
}

#[test]
fn show_names_tracks_and_pins_in_markdown() {
    let (out, err, code) = run(&["releases", "show", "R6-RC1", "-o", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("# 7.0.0b — R6 RC1 (pre-release of 7.0.0)"),
        "{out}"
    );
    assert!(
        out.contains(
            "KaaS v1: SovereignCloudStack/k8s-cluster-api-provider v7.0.0 (migration only"
        )
    );
    assert!(
        out.contains("| ceph/docker_images/cephclient | 17.2.6 | version | osism/cephclient |")
    );
    insta::assert_snapshot!("show_7_0_0b_markdown", out);
}

#[test]
fn unknown_release_names_the_nearest_known_ones() {
    let (_, err, code) = run(&["releases", "show", "7.0.0e"]);
    assert_eq!(code, 3);
    assert_eq!(
        err.trim(),
        "error: unknown release `7.0.0e`; did you mean 7.0.0a, 7.0.0b, 7.0.0c?"
    );
    let (_, err, code) = run(&["releases", "diff", "6.0.0", "R99"]);
    assert_eq!(code, 3);
    assert!(err.contains("unknown release `R99`; did you mean"), "{err}");
    // A candidate the SCS data names but whose pins were never imported.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("releases"), &dir.path().join("releases"));
    std::fs::remove_file(dir.path().join("releases/osism/6.0.0a.yaml")).unwrap();
    let data = dir.path().to_str().unwrap();
    let (_, err, code) = run(&["releases", "diff", "6.0.0a", "7.0.0", "--data", data]);
    assert_eq!(code, 3);
    assert!(
        err.contains("release 6.0.0a has no pins in releases/osism/"),
        "{err}"
    );
}

#[test]
fn unsupported_format_and_usage_errors_exit_3() {
    let (_, err, code) = run(&["releases", "list", "-o", "junit"]);
    // `--help` and the error list only the formats the command renders.
    assert_eq!(code, 3);
    insta::assert_snapshot!(err.trim(), @r"
    error: invalid value 'junit' for '--output <FORMAT>'
      [possible values: table, json, markdown]

    For more information, try '--help'.
    ");
    let (_, _, code) = run(&["releases", "frobnicate"]);
    assert_eq!(code, 3);
    let (_, _, code) = run(&["--help"]);
    assert_eq!(code, 0);
}

#[test]
fn checked_in_schemas_match_the_model() {
    for which in scs_release::app::schema::NAMES {
        let on_disk =
            std::fs::read_to_string(repo_root().join(scs_release::app::schema::file(which)))
                .unwrap();
        assert_eq!(
            on_disk,
            scs_release::app::schema::json(which).unwrap(),
            "releases/schema/{which}.schema.json is stale: run `scs-release releases schema {which} > releases/schema/{which}.schema.json`"
        );
    }
}

#[test]
fn embedded_data_equals_the_checkout_data() {
    let embedded = Store::load(&DataDir::Embedded).unwrap();
    let disk = Store::load(&DataDir::Dir(repo_root())).unwrap();
    assert_eq!(embedded.entries().len(), disk.entries().len());
    assert_eq!(embedded.manifests.len(), disk.manifests.len());
}

/// The pins in releases/osism are what the importer reads from osism/release: importing the
/// fixture folders (osism/release at a4a02260) gives the checked-in pins of each layer the
/// folder holds (9.5.0 and 10.2.0 hold base.yml only; `releases sync` reads their OpenStack and
/// Ceph layers from the kolla-ansible/ceph-ansible tags). Repository and image names are left
/// out: sync maps them with `etc/` as of each folder's commit, the fixture has HEAD's.
#[test]
fn checked_in_pins_are_what_the_importer_produces() {
    let Some(fx) = fixtures() else { return };
    let root = fx.join("osism-release");
    let mut compared = 0;
    for e in std::fs::read_dir(&root).unwrap().flatten() {
        let v = e.file_name().to_string_lossy().to_string();
        let disk = repo_root().join(format!("releases/osism/{v}.yaml"));
        if !disk.is_file() {
            continue;
        }
        let fresh = osism::import(&root, &v, &Default::default()).unwrap();
        let (on_disk, _) = yaml::from_str::<scs_release::release::Manifest>(
            &std::fs::read_to_string(&disk).unwrap(),
            &disk,
        )
        .map(|m| (m, ()))
        .unwrap();
        let layers: std::collections::BTreeSet<String> =
            fresh.pins.iter().map(|p| p.layer().to_string()).collect();
        // The one change upstream made to old folders after the fixture was taken: 407145db
        // (2024-04-26) added `manager_playbooks_version` to 5.2.0 … 7.0.2 (fixture README).
        let later =
            on_disk.source.commit.as_deref() == Some("407145db89615e97d2299bc11b41572fac50865d");
        let key = |m: &scs_release::release::Manifest| {
            m.pins
                .iter()
                .filter(|p| layers.contains(p.layer()))
                .filter(|p| !(later && p.id == "base/manager_playbooks_version"))
                .map(|p| format!("{} {:?} {}", p.id, p.kind, p.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            key(&fresh),
            key(&on_disk),
            "releases/osism/{v}.yaml: pins differ from a fresh import"
        );
        compared += 1;
    }
    assert_eq!(compared, 8, "fixture folders with a checked-in manifest");
}

#[test]
fn every_fixture_folder_imports() {
    let Some(fx) = fixtures() else { return };
    let root = fx.join("osism-release");
    let mut folders = 0;
    for e in std::fs::read_dir(&root).unwrap().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if !e.path().join("base.yml").is_file() {
            continue;
        }
        let m = osism::import(&root, &name, &Default::default())
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        // From 9.1.0 on a folder holds only base.yml (the OpenStack and Ceph pins come from
        // osism/defaults), so it has fewer pins.
        let only_base = std::fs::read_dir(e.path()).unwrap().count() == 1;
        let least = if only_base { 60 } else { 90 };
        assert!(m.pins.len() > least, "{name}: {} pins", m.pins.len());
        folders += 1;
    }
    // 5.0.0, 6.0.0, 7.0.0a, 7.0.0b, 7.0.0, latest-at-7.0.0, 8.1.0, 9.5.0, 10.2.0
    assert_eq!(folders, 9);
    // The rolling `latest` folder has three OpenStack variants; the link picks 2023.2.
    let latest = osism::import(&root, "latest-at-7.0.0", &Default::default()).unwrap();
    assert_eq!(latest.openstack.as_deref(), Some("2023.2"));
    let zed = osism::import(
        &root,
        "latest-at-7.0.0",
        &osism::Variants {
            openstack: Some("zed".into()),
            ceph: None,
        },
    )
    .unwrap();
    assert_eq!(zed.openstack.as_deref(), Some("zed"));
}

/// The parser classifies every value of every fixture manifest and metadata file; nothing
/// falls into "other" except the listed odd spellings, and pre-releases know their final.
#[test]
fn version_parser_classifies_every_fixture_value() {
    let Some(fx) = fixtures() else { return };
    let mut values = Vec::new();
    for dir in ["osism-release", "cluster-stacks"] {
        walk(&fx.join(dir), &mut |p| {
            if p.extension().is_some_and(|e| e == "yml" || e == "yaml")
                && std::fs::metadata(p).map(|m| m.len() > 30).unwrap_or(false)
            {
                let tree = yaml::load_tree(p).unwrap_or_else(|e| panic!("{e}"));
                scalars(&tree, &mut values);
            }
        });
    }
    assert!(values.len() > 900, "{} values", values.len());
    let mut by_kind = std::collections::BTreeMap::<&str, usize>::new();
    for raw in &values {
        let v = Version::parse(raw);
        *by_kind.entry(v.kind_name()).or_default() += 1;
        assert_eq!(Version::parse(&v.to_string()), v, "round trip of {raw:?}");
        if v.is_prerelease() {
            let f = v
                .final_release()
                .unwrap_or_else(|| panic!("{raw}: no final"));
            assert!(f > v && !f.is_prerelease(), "{raw} → {f}");
        }
        if let Kind::Other = v.kind() {
            // Image and tool names in etc/ mappings and cluster-stack metadata are not versions.
            assert!(
                raw.contains('/')
                    || raw
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'),
                "{raw}"
            );
        }
    }
    for kind in [
        "version",
        "pre-release",
        "calver",
        "branch",
        "commit sha",
        "codename",
        "moving ref",
        "range",
        "null",
        "url",
    ] {
        assert!(
            by_kind.contains_key(kind),
            "no {kind} among fixture values: {by_kind:?}"
        );
    }
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() { walk(&p, f) } else { f(&p) }
    }
}

fn scalars(n: &Node, out: &mut Vec<String>) {
    match &n.value {
        Value::Scalar { text, .. } => out.push(text.clone()),
        Value::Null => out.push(String::new()),
        Value::Seq(items) => items.iter().for_each(|i| scalars(i, out)),
        Value::Map(entries) => entries.iter().for_each(|(_, v)| scalars(v, out)),
    }
}

/// Small osism-style folders built here: real symlinks and git's text "symlinks", lists, nulls,
/// floats that must stay strings, a base.yml-only folder, and `archive/`.
#[test]
fn importer_reads_small_osism_folders() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let v = root.join("archive/9.9.9a");
    std::fs::create_dir_all(&v).unwrap();
    std::fs::write(
        v.join("base.yml"),
        "---\nmanager_version: 9.9.9a\nosism_projects:\n  docker: '5:27.1.1'\n",
    )
    .unwrap();
    std::fs::write(v.join("openstack-2025.1.yml"), "openstack_version: 2025.1\ninfrastructure_projects:\n  cron:\nopenstack_projects_filter:\n  - octavia\n").unwrap();
    std::fs::write(
        v.join("openstack-2024.2.yml"),
        "openstack_version: 2024.2\n",
    )
    .unwrap();
    std::fs::write(v.join("openstack.yml"), "openstack-2025.1.yml").unwrap(); // core.symlinks=false
    std::fs::write(v.join("ceph-reef.yml"), "ceph_version: reef\n").unwrap();
    std::os::unix::fs::symlink("ceph-reef.yml", v.join("ceph.yml")).unwrap();
    std::fs::create_dir_all(root.join("10.0.0")).unwrap();
    std::fs::write(root.join("10.0.0/base.yml"), "manager_version: 10.0.0\n").unwrap();
    std::fs::create_dir_all(root.join("etc")).unwrap();
    std::fs::write(
        root.join("etc/other.yml"),
        "defaults: osism/ansible-defaults\n",
    )
    .unwrap();

    let m = osism::import(root, "9.9.9a", &Default::default()).unwrap();
    assert_eq!(m.source.path, "archive/9.9.9a");
    assert_eq!(
        m.source.files,
        ["base.yml", "ceph-reef.yml", "openstack-2025.1.yml"]
    );
    let pin = |id: &str| m.pins.iter().find(|p| p.id == id).unwrap().value.clone();
    assert_eq!(pin("openstack/openstack_version").as_str(), "2025.1");
    assert_eq!(
        pin("openstack/infrastructure_projects/cron").kind_name(),
        "null"
    );
    assert_eq!(pin("base/osism_projects/docker").as_str(), "5:27.1.1");
    assert_eq!(
        m.settings["openstack/openstack_projects_filter"],
        ["octavia"]
    );
    let only_base = osism::import(root, "10.0.0", &Default::default()).unwrap();
    assert_eq!(
        (only_base.pins.len(), only_base.openstack.clone()),
        (1, None)
    );

    // Through the CLI: writes releases/osism/<v>.yaml atomically, then reports "unchanged".
    let out = tempfile::tempdir().unwrap();
    let args = [
        "releases",
        "import",
        "--osism",
        root.to_str().unwrap(),
        "--version",
        "9.9.9a",
        "--into",
        out.path().to_str().unwrap(),
    ];
    let (stdout, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.starts_with("created 9.9.9a"), "{stdout}");
    let (stdout, _, _) = run(&args);
    assert!(stdout.starts_with("unchanged 9.9.9a"), "{stdout}");
    let mut json = args.to_vec();
    json.extend(["-o", "json"]);
    let (stdout, err, code) = run(&json);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    crate::output_schemas::assert_valid("release-import", &doc);
    assert_eq!(doc["status"], "unchanged");
    let written = std::fs::read_to_string(out.path().join("releases/osism/9.9.9a.yaml")).unwrap();
    let back: scs_release::release::Manifest = yaml::from_str(&written, Path::new("x")).unwrap();
    assert_eq!(back.pins, m.pins);
}

/// Malformed inputs: each error names the file, line and column (or field) and what was
/// expected. Snapshot of every message.
#[test]
fn malformed_release_data_gives_located_errors() {
    let good_release = std::fs::read_to_string(repo_root().join("releases/scs/R6.yaml")).unwrap();
    let good_manifest =
        std::fs::read_to_string(repo_root().join("releases/osism/7.0.0b.yaml")).unwrap();
    let cases: Vec<(&str, &str, String)> = vec![
        (
            "syntax error",
            "scs/R6.yaml",
            good_release.replace("status: released", "status: [released"),
        ),
        (
            "tab indentation",
            "scs/R6.yaml",
            good_release.replace("  iaas:", "\tiaas:"),
        ),
        (
            "unknown key",
            "scs/R6.yaml",
            good_release.replace("status: released", "status: released\nstatu: released"),
        ),
        (
            "typo in nested key",
            "scs/R6.yaml",
            good_release.replace("    previous_tag:", "    previous_tags:"),
        ),
        (
            "bad status value",
            "scs/R6.yaml",
            good_release.replace("status: released", "status: relased"),
        ),
        (
            "bad date",
            "scs/R6.yaml",
            good_release.replace("date: 2024-03-20", "date: 2024-13-20"),
        ),
        (
            "missing field",
            "scs/R6.yaml",
            good_release.replace("status: released\n", ""),
        ),
        (
            "wrong type",
            "scs/R6.yaml",
            good_release.replace("label: RC1", "label: [RC1]"),
        ),
        (
            "candidate of another release",
            "scs/R6.yaml",
            good_release.replace("{version: 7.0.0b,", "{version: 8.0.0b,"),
        ),
        (
            "candidates out of order",
            "scs/R6.yaml",
            good_release.replace("{version: 7.0.0b,", "{version: 7.0.0e,"),
        ),
        (
            "candidate after final",
            "scs/R6.yaml",
            good_release.replace("date: 2024-03-13}", "date: 2024-04-13}"),
        ),
        (
            "final is a pre-release",
            "scs/R6.yaml",
            good_release.replace("osism: 7.0.0\n", "osism: 7.0.0c\n"),
        ),
        (
            "duplicate key",
            "scs/R6.yaml",
            good_release.replace("name: R6\n", "name: R6\nname: R6\n"),
        ),
        (
            "two documents",
            "scs/R6.yaml",
            format!("{good_release}---\nname: x\n"),
        ),
        (
            "unsupported schema",
            "scs/R6.yaml",
            good_release.replace("schema_version: 1", "schema_version: 2"),
        ),
        (
            "manifest version vs file name",
            "osism/7.0.0b.yaml",
            good_manifest.replace("version: 7.0.0b", "version: 7.0.0c"),
        ),
        (
            "manifest unknown pin kind",
            "osism/7.0.0b.yaml",
            good_manifest.replacen("kind: infra", "kind: infrastructure", 1),
        ),
        (
            "manifest duplicate pin",
            "osism/7.0.0b.yaml",
            good_manifest.replacen(
                "- id: base/ansible_core_version",
                "- id: base/ansible_version",
                1,
            ),
        ),
        (
            "release defined twice",
            "scs/R6b.yaml",
            good_release.clone(),
        ),
        ("empty file", "scs/R6.yaml", String::new()),
    ];
    let mut report = String::new();
    for (name, file, text) in &cases {
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(&repo_root().join("releases"), &tmp.path().join("releases"));
        std::fs::write(tmp.path().join("releases").join(file), text).unwrap();
        let out = in_process()
            .args(["releases", "list", "--data", tmp.path().to_str().unwrap()])
            .output()
            .unwrap();
        let err =
            String::from_utf8_lossy(&out.stderr).replace(tmp.path().to_str().unwrap(), "<data>");
        assert_eq!(out.status.code(), Some(3), "{name}: {err}");
        let err = err.trim().to_string();
        assert!(
            err.starts_with("error: <data>/releases/"),
            "{name}: not located: {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        report.push_str(&format!("{name}:\n  {err}\n"));
    }
    assert!(cases.len() >= 15);
    insta::assert_snapshot!("malformed_release_data", report);
}

/// Malformed osism/release folders: located errors from the importer.
#[test]
fn malformed_osism_folders_give_located_errors() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "list instead of version",
            "base.yml",
            "docker_images:\n  mariadb:\n    - 1\n",
        ),
        ("top-level list", "base.yml", "- a\n- b\n"),
        (
            "broken flow mapping",
            "base.yml",
            "docker_images: {mariadb: 1\n",
        ),
        (
            "duplicate pin",
            "base.yml",
            "docker_images:\n  mariadb: '1'\n  mariadb: '2'\n",
        ),
    ];
    let mut report = String::new();
    for (name, file, text) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("1.0.0");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("base.yml"), "manager_version: 1.0.0\n").unwrap();
        std::fs::write(dir.join(file), text).unwrap();
        let (_, err, code) = run(&[
            "releases",
            "import",
            "--osism",
            tmp.path().to_str().unwrap(),
            "--version",
            "1.0.0",
            "--stdout",
        ]);
        assert_eq!(code, 3, "{name}");
        let err = err.replace(tmp.path().to_str().unwrap(), "<tmp>");
        assert!(
            err.starts_with("error: <tmp>/1.0.0/base.yml:"),
            "{name}: {err}"
        );
        report.push_str(&format!("{name}:\n  {}\n", err.trim()));
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("2.0.0");
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["base.yml", "ceph-reef.yml", "ceph-squid.yml"] {
        std::fs::write(dir.join(f), "x: '1'\n").unwrap();
    }
    for version in ["2.0.0", "2.0.1"] {
        let (_, err, code) = run(&[
            "releases",
            "import",
            "--osism",
            tmp.path().to_str().unwrap(),
            "--version",
            version,
            "--stdout",
        ]);
        assert_eq!(code, 3);
        report.push_str(&format!(
            "{version}:\n  {}\n",
            err.replace(tmp.path().to_str().unwrap(), "<tmp>").trim()
        ));
    }
    insta::assert_snapshot!("malformed_osism_folders", report);
}
