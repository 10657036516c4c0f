//! The bad-input corpus: hostile and careless input, each case asserting the exit code and
//! that the error names the file (and line/column or field) and the real reason, never a
//! pass, a panic or silent success. All messages are in one snapshot.

use std::path::{Path, PathBuf};

use crate::common::{copy_dir, repo_root};

/// A case: its name, what to prepare in a temp dir (returns the arguments), the exit code,
/// and a text the message must contain (besides the snapshot).
struct Case {
    name: &'static str,
    setup: fn(&Path) -> Vec<String>,
    exit: i32,
    says: &'static str,
}

fn data_copy(dir: &Path) -> PathBuf {
    let root = dir.join("data");
    copy_dir(&repo_root().join("releases"), &root.join("releases"));
    copy_dir(&repo_root().join("templates"), &root.join("templates"));
    root
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn with_data(root: &Path, rest: &[&str]) -> Vec<String> {
    let mut v = vec!["--data".to_string(), s(root)];
    v.extend(rest.iter().map(|a| a.to_string()));
    v
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn config(dir: &Path) -> PathBuf {
    let c = dir.join("config");
    crate::upgrade::good_config(&c);
    c
}

fn check(c: &Path) -> Vec<String> {
    args(&[
        "upgrade",
        "check",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "--config",
        &s(c),
        "-o",
        "json",
    ])
}

const PLAN: &[&str] = &[
    "upgrade",
    "plan",
    "--from",
    "6.0.0",
    "--to",
    "7.0.0",
    "--samples",
    "100",
];

fn plan_with(extra: &[&str]) -> Vec<String> {
    let mut v = args(PLAN);
    v.extend(extra.iter().map(|a| a.to_string()));
    v
}

const CASES: &[Case] = &[
    Case {
        name: "data dir missing",
        setup: |d| with_data(&d.join("nope"), &["releases", "list"]),
        exit: 3,
        says: "nope: no such directory",
    },
    Case {
        name: "data dir is a file",
        setup: |d| {
            std::fs::write(d.join("file"), "x").unwrap();
            with_data(&d.join("file"), &["releases", "list"])
        },
        exit: 3,
        says: "file: not a directory",
    },
    Case {
        name: "data dir without releases/",
        setup: |d| with_data(d, &["releases", "list"]),
        exit: 3,
        says: "not a data directory: it has no releases/ folder",
    },
    Case {
        name: "data file is a directory",
        setup: |d| {
            let root = data_copy(d);
            std::fs::remove_file(root.join("releases/plan/steps.yaml")).unwrap();
            std::fs::create_dir(root.join("releases/plan/steps.yaml")).unwrap();
            with_data(&root, PLAN)
        },
        exit: 3,
        says: "releases/plan/steps.yaml: cannot read: Is a directory",
    },
    Case {
        name: "component rules of a newer schema",
        setup: |d| {
            let root = data_copy(d);
            let file = root.join("releases/rc/components.yaml");
            let text = std::fs::read_to_string(&file).unwrap();
            std::fs::write(
                &file,
                text.replace("schema_version: 1", "schema_version: 2"),
            )
            .unwrap();
            with_data(&root, &["rc", "diff", "7.0.0a", "7.0.0b"])
        },
        exit: 3,
        says: "releases/rc/components.yaml: schema_version: 2 is not supported (this tool reads 1)",
    },
    Case {
        name: "data file missing",
        setup: |d| {
            let root = data_copy(d);
            std::fs::remove_file(root.join("releases/plan/steps.yaml")).unwrap();
            with_data(&root, PLAN)
        },
        exit: 3,
        says: "releases/plan/steps.yaml: missing data file",
    },
    Case {
        name: "data folder missing",
        setup: |d| {
            let root = data_copy(d);
            std::fs::remove_dir_all(root.join("releases/checks")).unwrap();
            let c = config(d);
            let mut a = with_data(&root, &[]);
            a.extend(check(&c));
            a
        },
        exit: 3,
        says: "releases/checks: no check catalogue (*.yaml with checks) in this folder",
    },
    Case {
        name: "binary data file",
        setup: |d| {
            let root = data_copy(d);
            std::fs::write(root.join("releases/scs/R9.yaml"), b"name: R9\nos\0ism: 1\n").unwrap();
            with_data(&root, &["releases", "list"])
        },
        exit: 3,
        says: "releases/scs/R9.yaml: not text: a NUL byte at line 2, column 3",
    },
    Case {
        name: "non-UTF-8 data file",
        setup: |d| {
            let root = data_copy(d);
            std::fs::write(root.join("releases/scs/R9.yaml"), b"name: R\xe99\n").unwrap();
            with_data(&root, &["releases", "list"])
        },
        exit: 3,
        says: "releases/scs/R9.yaml: not UTF-8 text: invalid byte at line 1, column 8",
    },
    Case {
        name: "released SCS release without OSISM pins",
        setup: |d| {
            let root = data_copy(d);
            std::fs::remove_file(root.join("releases/osism/8.0.0.yaml")).unwrap();
            with_data(&root, &["releases", "list"])
        },
        exit: 3,
        says: "releases/scs/R7.yaml: osism: OSISM 8.0.0 has no releases/osism/8.0.0.yaml",
    },
    Case {
        name: "salt missing is a failure, not a pass",
        setup: |d| {
            let c = config(d);
            let p = c.join("environments/kolla/secrets.yml");
            let t = std::fs::read_to_string(&p).unwrap();
            let t: String = t
                .lines()
                .filter(|l| !l.starts_with("prometheus_bcrypt_salt"))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&p, t).unwrap();
            check(&c)
        },
        exit: 2,
        says: "`prometheus_bcrypt_salt` is not set in environments/kolla/secrets.yml (expected 22 characters)",
    },
    Case {
        name: "secrets file that is a list",
        setup: |d| {
            let c = config(d);
            std::fs::write(
                c.join("environments/kolla/secrets.yml"),
                "- prometheus_bcrypt_salt: abcdefghijklmnopqrstuv\n",
            )
            .unwrap();
            check(&c)
        },
        exit: 2,
        says: "environments/kolla/secrets.yml: the file is a list, not a mapping of variables (Ansible cannot load it)",
    },
    Case {
        name: "empty configuration directory",
        setup: |d| {
            std::fs::create_dir(d.join("empty")).unwrap();
            check(&d.join("empty"))
        },
        exit: 3,
        says: "empty: not an OSISM configuration repository: it has no environments/ folder",
    },
    Case {
        name: "unknown release in manager_version",
        setup: |d| {
            let c = config(d);
            std::fs::write(
                c.join("environments/manager/configuration.yml"),
                "---\nmanager_version: 6.9.9\n",
            )
            .unwrap();
            args(&["upgrade", "check", "--to", "7.0.0", "--config", &s(&c)])
        },
        exit: 3,
        says: "environments/manager/configuration.yml: manager_version `6.9.9` (the running release, as --from is not given): unknown release `6.9.9`",
    },
    Case {
        name: "start with an offset beyond +14:00",
        setup: |_| plan_with(&["--start", "2024-03-23T20:00+25:00"]),
        exit: 3,
        says: "the UTC offset +25:00 is not a real one",
    },
    Case {
        name: "start with minutes past 59 in the offset",
        setup: |_| plan_with(&["--start", "2024-03-23T20:00+01:75"]),
        exit: 3,
        says: "for '--start <TIME>': `2024-03-23T20:00+01:75` is not an RFC 3339 time",
    },
    Case {
        name: "start in the year 9999",
        setup: |_| plan_with(&["--start", "9999-01-01T00:00Z"]),
        exit: 3,
        says: "is outside the years 1970–2999",
    },
    Case {
        name: "window of 99999999999999999h",
        setup: |_| plan_with(&["--window", "99999999999999999h"]),
        exit: 3,
        says: "is longer than 31 days",
    },
    Case {
        name: "window of inf seconds",
        setup: |_| plan_with(&["--window", "inf"]),
        exit: 3,
        says: "invalid value 'inf' for '--window <DURATION>': `inf` is not a duration",
    },
    Case {
        name: "record into a history that is a file",
        setup: |d| {
            let log = d.join("run.jsonl");
            std::fs::write(&log, "{\"step\": \"keystone\", \"start\": \"2024-03-23T22:00:00+01:00\", \"end\": \"2024-03-23T22:04:10+01:00\"}\n").unwrap();
            std::fs::write(d.join("hist"), "").unwrap();
            args(&[
                "upgrade",
                "record",
                "--log",
                &s(&log),
                "--history",
                &s(&d.join("hist")),
            ])
        },
        exit: 3,
        says: "hist is not a directory",
    },
    Case {
        name: "prepend to stdout",
        setup: |_| {
            args(&[
                "notes",
                "--track",
                "kaas-v1",
                "--release",
                "R6",
                "--prepend",
                "-",
            ])
        },
        exit: 3,
        says: "--prepend needs a file",
    },
    Case {
        name: "import a version that climbs out of the checkout",
        setup: |d| {
            args(&[
                "releases",
                "import",
                "--osism",
                &s(d),
                "--version",
                "../../etc",
            ])
        },
        exit: 3,
        says: "is not a release folder name",
    },
    Case {
        name: "timing log with one step recorded twice",
        setup: |d| {
            let log = d.join("run.jsonl");
            std::fs::write(&log, format!("{KEYSTONE}\n{{\"step\": \"nova\", \"start\": \"2024-03-23T22:10:00+01:00\", \"end\": \"2024-03-23T22:31:00+01:00\"}}\n{KEYSTONE}\n")).unwrap();
            args(&[
                "upgrade",
                "record",
                "--log",
                &s(&log),
                "--history",
                &s(&d.join("hist")),
            ])
        },
        exit: 3,
        says: "run.jsonl: line 3: step `keystone` overlaps its record on line 1",
    },
    Case {
        name: "history run with a negative duration",
        setup: |d| {
            std::fs::create_dir(d.join("hist")).unwrap();
            std::fs::write(
                d.join("hist/run-1.json"),
                r#"{"schema_version": 1, "kind": "upgrade-run", "recorded_from": "x", "steps": [{"step": "keystone", "start": "2024-03-23T21:00:00Z", "end": "2024-03-23T21:04:10Z", "seconds": -250.0}]}"#,
            )
            .unwrap();
            plan_with(&["--history", &s(&d.join("hist"))])
        },
        exit: 3,
        says: "run-1.json: steps[0] (`keystone`): `seconds` must be the time from `start` to `end`, and not negative",
    },
    Case {
        name: "history run with overlapping records of one step",
        setup: |d| {
            std::fs::create_dir(d.join("hist")).unwrap();
            let step = |start: &str, end: &str, secs: u32| {
                format!(
                    r#"{{"step": "nova", "start": "{start}", "end": "{end}", "seconds": {secs}.0}}"#
                )
            };
            std::fs::write(
                d.join("hist/run-1.json"),
                format!(
                    r#"{{"schema_version": 1, "kind": "upgrade-run", "recorded_from": "x", "steps": [{}, {}]}}"#,
                    step("2024-03-23T21:00:00Z", "2024-03-23T21:20:00Z", 1200),
                    step("2024-03-23T21:10:00Z", "2024-03-23T21:30:00Z", 1200)
                ),
            )
            .unwrap();
            plan_with(&["--history", &s(&d.join("hist"))])
        },
        exit: 3,
        says: "run-1.json: steps[1] overlaps steps[0], both `nova`",
    },
    Case {
        name: "site without controllers",
        setup: |d| {
            let site = d.join("site.yaml");
            let example =
                std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml"))
                    .unwrap();
            std::fs::write(&site, example.replace("controllers: 3", "controllers: 0")).unwrap();
            plan_with(&["--site", &s(&site)])
        },
        exit: 3,
        says: "site.yaml: `controllers` is 0",
    },
];

const KEYSTONE: &str = r#"{"step": "keystone", "start": "2024-03-23T22:00:00+01:00", "end": "2024-03-23T22:04:10+01:00"}"#;

#[test]
fn a_site_without_computes_plans_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.yaml");
    let example =
        std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml")).unwrap();
    std::fs::write(
        &site,
        example
            .replace("computes: 6", "computes: 0")
            .replace("mons: 3", "mons: 0"),
    )
    .unwrap();
    let a = plan_with(&["--site", &s(&site), "-o", "json"]);
    let a: Vec<&str> = a.iter().map(String::as_str).collect();
    let (out, err, code) = crate::common::run(&a);
    assert_eq!(code, 0, "{err}");
    let warnings: Vec<String> = err
        .lines()
        .filter(|l| l.starts_with("warning: site"))
        .map(str::to_string)
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @r"
    warning: site `example` has no compute hosts (`computes: 0`): no compute node is upgraded in this plan
    warning: site `example` has Ceph daemons but no mons (`ceph.mons: 0`): the Ceph mon step plans no restarts
    ");
    assert!(
        out.contains("no compute hosts"),
        "the warnings are in the JSON too"
    );
}

#[test]
fn every_bad_input_gives_a_located_error() {
    let mut report = String::new();
    for case in CASES {
        let dir = tempfile::tempdir().unwrap();
        let a = (case.setup)(dir.path());
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (out, err, code) = crate::common::run(&a);
        let shown = if code == 2 { &out } else { &err };
        assert_eq!(code, case.exit, "{}: {err}{out}", case.name);
        assert!(
            shown.contains(case.says),
            "{}: expected `{}` in\n{shown}",
            case.name,
            case.says
        );
        assert!(!err.contains("panicked"), "{}: {err}", case.name);
        if code == 3 {
            report.push_str(&format!(
                "{}:\n  {}\n",
                case.name,
                err.trim().replace(&s(dir.path()), "<tmp>")
            ));
        }
    }
    insta::assert_snapshot!("bad_input_errors", report);
}

#[test]
fn a_lost_write_to_stdout_is_a_failure() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("scs-release"))
        .args(["releases", "list"])
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    insta::assert_snapshot!(String::from_utf8_lossy(&out.stderr), @"error: cannot write to standard output: No space left on device (os error 28)");
}
