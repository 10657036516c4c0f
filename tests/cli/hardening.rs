//! Hostile input: resource exhaustion (alias bombs, huge counts, recursive templates, huge
//! log lines), secrets in error messages, symlinks out of the osism/release checkout, and
//! untrusted text in Markdown and HTML output. Every case exits 3 with a located message
//! (snapshot) instead of aborting, and is built small.

use std::path::Path;

use crate::common::{copy_dir, repo_root, run};

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// A "billion laughs" of 10 levels × 10 references (10^10 scalars when expanded).
fn alias_bomb(indent: &str) -> String {
    let mut out = format!("{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        out.push_str(&format!("{indent}a{i}: &a{i} [{refs}]\n"));
    }
    out
}

/// Run and return (stderr with `tmp` shown as `<tmp>`, exit code); stdout must be empty.
fn fails(args: &[&str], tmp: &Path) -> (String, i32) {
    let (out, err, code) = run(args);
    assert_eq!(out, "", "{args:?}");
    (err.replace(&s(tmp), "<tmp>"), code)
}

// ---------- class 4: resource exhaustion ----------

#[test]
fn yaml_alias_bombs_are_rejected_in_every_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // The configuration repository and the osism/release importer (the tree reader; the
    // typed reader has its unit test in src/yaml.rs).
    write(t, "config/environments/configuration.yml", &alias_bomb(""));
    write(t, "osism/1.0.0/base.yml", &alias_bomb(""));
    let cases: [(&str, Vec<String>); 2] = [
        (
            "config repository",
            [
                "upgrade", "check", "--from", "6.0.0", "--to", "7.0.0", "--config",
            ]
            .map(String::from)
            .into_iter()
            .chain([s(&t.join("config"))])
            .collect(),
        ),
        (
            "osism/release folder",
            ["releases", "import", "--osism"]
                .map(String::from)
                .into_iter()
                .chain([s(&t.join("osism")), "--version".into(), "1.0.0".into()])
                .chain(["--stdout".into()])
                .collect(),
        ),
    ];
    let mut report = String::new();
    for (name, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (err, code) = fails(&args, t);
        assert_eq!(code, 3, "{name}: {err}");
        report.push_str(&format!("{name}:\n  {}\n", err.trim()));
    }
    // Each process stops the bomb early (expanded, it would need more than 3 GiB); the
    // time it takes is measured by hand, never asserted here.
    insta::assert_snapshot!("alias_bombs", report);
}

#[test]
fn huge_site_counts_fail_naming_the_file_and_field() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let cases = [
        ("computes", "controllers: 3\ncomputes: 1000000000\n"),
        ("controllers", "controllers: 4294967295\ncomputes: 3\n"),
        (
            "osd hosts",
            "controllers: 3\ncomputes: 3\nceph: {osd_hosts: 20000}\n",
        ),
        (
            "kaas workers",
            "controllers: 3\ncomputes: 3\nkaas_clusters:\n  - {name: prod, control_plane: 3, workers: 4294967295, max_surge: 4294967295}\n",
        ),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let site = t.join("site.yaml");
        std::fs::write(&site, text).unwrap();
        let (err, code) = fails(
            &[
                "upgrade",
                "plan",
                "--from",
                "6.0.0",
                "--to",
                "7.0.0",
                "--site",
                &s(&site),
            ],
            t,
        );
        assert_eq!(code, 3, "{name}: {err}");
        report.push_str(&format!("{name}:\n  {}\n", err.trim()));
    }
    // Sizes counted from an inventory are bounded too: two ranges of 9999 hosts each.
    write(
        t,
        "config/inventory/20-roles",
        "[control]\nctl01\n[compute]\ncom[00001:10000]\ncmp[00001:10000]\n",
    );
    let (err, code) = fails(
        &[
            "upgrade",
            "plan",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--config",
            &s(&t.join("config")),
        ],
        t,
    );
    assert_eq!(code, 3, "{err}");
    report.push_str(&format!("inventory:\n  {}\n", err.trim()));
    insta::assert_snapshot!("huge_site_counts", report);
}

#[test]
fn recursive_announcement_partials_are_refused_naming_the_template() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let recursive = "# Notes\n{{#*inline \"x\"}}{{> x}}{{/inline}}\n{{> x}}\n";
    let mut report = String::new();

    // The announcement of `upgrade plan -o markdown`, from a data directory.
    let data = t.join("data");
    copy_dir(&repo_root().join("releases"), &data.join("releases"));
    copy_dir(&repo_root().join("templates"), &data.join("templates"));
    std::fs::write(data.join("templates/announcement.md.hbs"), recursive).unwrap();
    let (err, code) = fails(
        &[
            "--data",
            &s(&data),
            "upgrade",
            "plan",
            "-o",
            "markdown",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
        ],
        t,
    );
    assert_eq!(code, 3, "{err}");
    report.push_str(&format!("announcement:\n{}\n", err.trim_end()));
    insta::assert_snapshot!("recursive_announcement", report);
}

#[test]
fn huge_timing_logs_fail_by_line_without_slowing_down() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let line = |step: &str| {
        format!(
            "{{\"step\": \"{step}\", \"start\": \"2024-03-23T20:00:00+01:00\", \"end\": \"2024-03-23T20:05:00+01:00\"}}\n"
        )
    };
    let cases = [
        ("long step id", line(&"k".repeat(300))),
        (
            "long line",
            format!("{}{}", line("keystone"), line(&"k".repeat(5000))),
        ),
        ("line break in the step id", line("keystone\\n# heading")),
    ];
    let mut report = String::new();
    for (name, text) in cases {
        let log = t.join("run.jsonl");
        std::fs::write(&log, text).unwrap();
        let (err, code) = fails(
            &[
                "upgrade",
                "record",
                "--log",
                &s(&log),
                "--history",
                &s(&t.join("hist")),
            ],
            t,
        );
        assert_eq!(code, 3, "{name}: {err}");
        report.push_str(&format!("{name}:\n  {}\n", err.trim()));
    }
    insta::assert_snapshot!("huge_timing_logs", report);
}

// ---------- class 5: secrets and paths ----------

#[test]
fn parse_errors_never_echo_the_values_of_the_line() {
    const SECRET: &str = "Hunter2-Sup3r-Secret";
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let check = |config: &Path| -> (String, i32) {
        fails(
            &[
                "upgrade",
                "check",
                "--from",
                "6.0.0",
                "--to",
                "7.0.0",
                "--config",
                &s(config),
            ],
            t,
        )
    };
    let mut report = String::new();
    let inventories = [
        (
            "vars line without =",
            format!("[all:vars]\nansible_become_password {SECRET}\n"),
        ),
        (
            "text after a header",
            format!("[all:vars] ansible_ssh_pass={SECRET}\n"),
        ),
        ("bad group name", format!("[ansible_ssh_pass {SECRET}]\n")),
        ("bad suffix", format!("[all:{SECRET}]\n")),
        (
            "children with spaces",
            format!("[all:children]\ncontrol ansible_ssh_pass={SECRET}\n"),
        ),
        (
            "bad host range",
            format!("[control]\nctl[01:{SECRET}] ansible_ssh_pass={SECRET}\n"),
        ),
    ];
    for (name, text) in inventories {
        let config = t.join(name.replace(' ', "-"));
        write(&config, "inventory/10-custom", &text);
        write(&config, "environments/configuration.yml", "---\n");
        let (err, code) = check(&config);
        assert_eq!(code, 3, "{name}: {err}");
        assert!(!err.contains("Hunter2"), "{name}: {err}");
        report.push_str(&format!("inventory, {name}:\n  {}\n", err.trim()));
    }
    // A site file with a secret where a number belongs (typed YAML reader).
    let site = t.join("site.yaml");
    std::fs::write(
        &site,
        format!("controllers: 3\ncomputes: 3\nceph: {{mons: \"{SECRET}\"}}\n"),
    )
    .unwrap();
    let (err, code) = fails(
        &[
            "upgrade",
            "plan",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--site",
            &s(&site),
        ],
        t,
    );
    assert_eq!(code, 3, "{err}");
    assert!(!err.contains("Hunter2"), "{err}");
    report.push_str(&format!("site:\n  {}\n", err.trim()));
    // A timing log with a secret where a time belongs, and a field of the wrong type.
    for (name, text) in [
        (
            "time",
            format!("{{\"step\": \"keystone\", \"start\": \"{SECRET}\", \"end\": \"x\"}}\n"),
        ),
        (
            "type",
            format!("{{\"step\": \"keystone\", \"start\": [\"{SECRET}\"], \"end\": 1}}\n"),
        ),
    ] {
        let log = t.join("run.jsonl");
        std::fs::write(&log, text).unwrap();
        let (err, code) = fails(
            &["upgrade", "record", "--log", &s(&log), "--history", &s(t)],
            t,
        );
        assert_eq!(code, 3, "{err}");
        assert!(!err.contains("Hunter2"), "{err}");
        report.push_str(&format!("timing log, {name}:\n  {}\n", err.trim()));
    }
    insta::assert_snapshot!("no_values_in_parse_errors", report);
}

#[test]
fn osism_importer_refuses_symlinks_out_of_the_checkout() {
    use std::os::unix::fs::symlink;
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // What must never end up in a manifest.
    write(
        t,
        "home/.config/gh/hosts.yml",
        "github.com:\n  oauth_token: gho_SECRET\n",
    );
    let secret = t.join("home/.config/gh/hosts.yml");
    let fresh = |name: &str| {
        let root = t.join(name);
        write(&root, "1.0.0/base.yml", "manager_version: 1.0.0\n");
        write(&root, "1.0.0/ceph-reef.yml", "ceph_version: reef\n");
        root
    };
    let mut report = String::new();
    let mut expect_refused = |name: &str, root: &Path| {
        let (err, code) = fails(
            &[
                "releases",
                "import",
                "--osism",
                &s(root),
                "--version",
                "1.0.0",
                "--stdout",
            ],
            t,
        );
        assert_eq!(code, 3, "{name}: {err}");
        assert!(!err.contains("gho_SECRET"), "{err}");
        report.push_str(&format!("{name}:\n  {}\n", err.trim()));
    };

    let root = fresh("link");
    symlink(&secret, root.join("1.0.0/ceph.yml")).unwrap();
    expect_refused("ceph.yml links out", &root);

    let root = fresh("base");
    std::fs::remove_file(root.join("1.0.0/base.yml")).unwrap();
    symlink(&secret, root.join("1.0.0/base.yml")).unwrap();
    expect_refused("base.yml links out", &root);

    let root = fresh("etc");
    std::fs::create_dir_all(root.join("etc")).unwrap();
    symlink(&secret, root.join("etc/roles.yml")).unwrap();
    expect_refused("etc/roles.yml links out", &root);

    let root = fresh("text");
    write(&root, "1.0.0/ceph.yml", "../../home/.config/gh/hosts.yml");
    expect_refused("text link (core.symlinks=false) with ../", &root);

    let root = t.join("folder");
    std::fs::create_dir_all(&root).unwrap();
    write(t, "elsewhere/1.0.0/base.yml", "manager_version: 1.0.0\n");
    symlink(t.join("elsewhere/1.0.0"), root.join("1.0.0")).unwrap();
    expect_refused("version folder links out", &root);

    // Links inside the checkout keep working: a relative file link and a folder link.
    let root = fresh("inside");
    symlink("ceph-reef.yml", root.join("1.0.0/ceph.yml")).unwrap();
    symlink("1.0.0", root.join("latest")).unwrap();
    for version in ["1.0.0", "latest"] {
        let (out, err, code) = run(&[
            "releases",
            "import",
            "--osism",
            &s(&root),
            "--version",
            version,
            "--stdout",
        ]);
        assert_eq!(code, 0, "{version}: {err}");
        assert!(out.contains("ceph-reef.yml"), "{out}");
    }
    insta::assert_snapshot!("symlinks_out_of_the_checkout", report);
}

// ---------- class 5: untrusted text in Markdown and HTML ----------

#[test]
fn site_names_are_escaped_in_html_and_markdown() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let site = t.join("site.yaml");
    let example = std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml"))
        .unwrap()
        .replace(
            "name: example",
            "name: \"<script>alert(1)</script>\\n# Injected heading\"",
        );
    std::fs::write(&site, example).unwrap();
    let plan = |format: &str| {
        let (out, err, code) = run(&[
            "upgrade",
            "plan",
            "-o",
            format,
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--site",
            &s(&site),
            "--samples",
            "50",
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let html = plan("html");
    assert!(!html.contains("<script>alert"), "raw HTML in the report");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let md = plan("markdown");
    assert!(!md.contains("<script>"), "{md}");
    assert!(
        !md.lines().any(|l| l.starts_with("# Injected")),
        "a site name started a heading:\n{md}"
    );
    let ics = {
        let (out, err, code) = run(&[
            "upgrade",
            "plan",
            "-o",
            "ics",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--site",
            &s(&site),
            "--samples",
            "50",
            "--start",
            "2024-03-23T20:00+01:00",
        ]);
        assert_eq!(code, 0, "{err}");
        out
    };
    assert!(
        !ics.lines().any(|l| l.starts_with("# Injected")),
        "a site name started an iCalendar line:\n{ics}"
    );
}
