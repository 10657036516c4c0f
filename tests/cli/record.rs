//! `upgrade record` of real run data (ARA exports, journald, docker events, probe logs) and
//! `upgrade plan --history` calibrated by it.

use std::path::{Path, PathBuf};

use crate::common::{repo_root, run};

fn ara(name: &str) -> String {
    repo_root()
        .join("tests/fixtures/ara")
        .join(name)
        .display()
        .to_string()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn redact(text: &str, dir: &Path) -> String {
    text.replace(&s(dir), "[TMP]")
        .replace(&s(&repo_root()), "[REPO]")
}

/// Seconds after 2026-12-02T20:03:00Z (the fixture's run) as RFC 3339.
fn at(secs: f64) -> String {
    let t = jiff::Timestamp::from_second(1_796_241_780).unwrap()
        + jiff::SignedDuration::from_secs_f64(secs);
    t.to_string()
}

fn micros(secs: f64) -> String {
    (1_796_241_780_000_000i64 + (secs * 1e6).round() as i64).to_string()
}

/// A probe log: Keystone and Nova versions every 0.5 s from 20:03:30 to 20:04:20; Keystone
/// fails 20:03:43.5–46.0 (in the keystone step) and 20:04:14–15 (in a playbook no rule names).
fn probe_log() -> String {
    let mut out = format!(
        "{{\"kind\":\"start\",\"schema_version\":1,\"ts\":\"{}\",\"interval_ms\":500,\"timeout_ms\":2000,\"apis\":[{{\"api\":\"keystone\",\"url\":\"https://api.example:5000/\",\"probes\":[\"version\"]}},{{\"api\":\"Compute API (Nova)\",\"url\":\"https://api.example:8774/\",\"probes\":[\"version\"]}}]}}\n",
        at(30.0)
    );
    for i in 0..100 {
        let t = 30.0 + f64::from(i) * 0.5;
        let down = (43.5..46.0).contains(&t) || (74.0..75.0).contains(&t);
        for (api, ok) in [("keystone", !down), ("Compute API (Nova)", true)] {
            let status = if ok { "200" } else { "null" };
            out.push_str(&format!(
                "{{\"kind\":\"probe\",\"api\":\"{api}\",\"ts\":\"{}\",\"ok\":{ok},\"status\":{status},\"latency_ms\":12.0,\"probe\":\"version\"}}\n",
                at(t)
            ));
        }
    }
    out
}

fn journal_line(secs: f64, host: &str, unit: &str, message: &str) -> String {
    serde_json::json!({
        "__REALTIME_TIMESTAMP": micros(secs),
        "__MONOTONIC_TIMESTAMP": "1234",
        "_HOSTNAME": host,
        "UNIT": unit,
        "_SYSTEMD_UNIT": "init.scope",
        "MESSAGE": message,
        "PRIORITY": "6",
        "SYSLOG_IDENTIFIER": "systemd",
    })
    .to_string()
}

/// journald of ctl01 (FQDN) and ctl02: nova_api restarts in the nova step; cinder_api after
/// every recorded step; keystone stopped on ctl02 and not started before the export ends.
fn journal() -> String {
    let api = "kolla-nova_api-container.service";
    let cinder = "kolla-cinder_api-container.service";
    [
        journal_line(
            55.9,
            "ctl01.example.org",
            api,
            "Stopping kolla-nova_api-container.service - docker nova_api...",
        ),
        journal_line(
            56.8,
            "ctl01.example.org",
            api,
            "Stopped kolla-nova_api-container.service - docker nova_api.",
        ),
        journal_line(
            57.4,
            "ctl01.example.org",
            api,
            "Started kolla-nova_api-container.service - docker nova_api.",
        ),
        journal_line(
            120.0,
            "ctl01.example.org",
            cinder,
            "Stopping kolla-cinder_api-container.service - docker cinder_api...",
        ),
        journal_line(
            130.0,
            "ctl01.example.org",
            cinder,
            "Started kolla-cinder_api-container.service - docker cinder_api.",
        ),
        journal_line(
            150.0,
            "ctl02",
            "kolla-keystone-container.service",
            "Stopping kolla-keystone-container.service - docker keystone...",
        ),
    ]
    .join("\n")
}

fn docker_event(action: &str, secs: f64) -> String {
    let ns = i128::from(1_796_241_780i64) * 1_000_000_000 + (secs * 1e9).round() as i128;
    serde_json::json!({
        "status": action, "id": "0123abcd", "from": "registry.osism.tech/kolla/nova-api:2024.1",
        "Type": "container", "Action": action, "scope": "local",
        "Actor": {"ID": "0123abcd", "Attributes": {"name": "nova_api", "image": "registry.osism.tech/kolla/nova-api:2024.1"}},
        "time": (ns / 1_000_000_000) as i64, "timeNano": ns,
    })
    .to_string()
}

struct Recorded {
    dir: tempfile::TempDir,
    out: String,
    err: String,
}

impl Recorded {
    fn history(&self) -> PathBuf {
        self.dir.path().join("history")
    }

    /// `upgrade plan --from 6.0.0 --to 7.0.0` calibrated by this run (seed 7, 500 samples).
    fn plan(&self, extra: &[&str]) -> (String, String, i32) {
        let hist = s(&self.history());
        let mut args = vec![
            "upgrade",
            "plan",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--seed",
            "7",
            "--samples",
            "500",
            "--history",
            &hist,
        ];
        args.extend_from_slice(extra);
        run(&args)
    }

    fn run_file(&self) -> serde_json::Value {
        let f = std::fs::read_dir(self.history())
            .unwrap()
            .flatten()
            .next()
            .unwrap()
            .path();
        serde_json::from_str(&std::fs::read_to_string(f).unwrap()).unwrap()
    }
}

/// The fixture run recorded from every kind of input: ARA's results and the probe log by
/// content (`--log`), the rest by option.
fn record_all(extra: &[&str]) -> Recorded {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("probe.jsonl"), probe_log()).unwrap();
    std::fs::write(d.join("journal.json"), journal()).unwrap();
    std::fs::write(
        d.join("events-ctl02.jsonl"),
        [
            docker_event("kill", 55.85),
            docker_event("die", 56.5),
            docker_event("start", 58.0),
        ]
        .join("\n"),
    )
    .unwrap();
    let mut args = vec![
        "upgrade".to_string(),
        "record".into(),
        "--ara-playbooks".into(),
        ara("playbooks.json"),
        "--log".into(),
        ara("results.json"),
        "--ara-tasks".into(),
        ara("tasks.json"),
        "--journal".into(),
        s(&d.join("journal.json")),
        "--docker-events".into(),
        format!("ctl02={}", s(&d.join("events-ctl02.jsonl"))),
        "--log".into(),
        s(&d.join("probe.jsonl")),
        "--history".into(),
        s(&d.join("history")),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (out, err, code) = run(&args);
    assert_eq!(code, 0, "{err}");
    Recorded { dir, out, err }
}

#[test]
fn a_real_run_is_recorded_with_restarts_windows_and_what_joins_no_step() {
    let r = record_all(&[]);
    insta::assert_snapshot!("record_all_stdout", redact(&r.out, r.dir.path()));
    insta::assert_snapshot!("record_all_stderr", redact(&r.err, r.dir.path()));
    let run = r.run_file();
    assert_eq!(run["schema_version"], 2);
    let steps: Vec<&str> = run["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    assert_eq!(steps, ["keystone", "nova", "ceph_mons", "ceph_osds"]);
    let restarts = run["restarts"].as_array().unwrap();
    // 6 ARA handlers, the journald and the docker-events nova_api restart.
    assert_eq!(restarts.len(), 8);
    let by_source = |src: &str| restarts.iter().filter(|x| x["source"] == src).count();
    assert_eq!(
        (
            by_source("ara"),
            by_source("journald"),
            by_source("docker-events")
        ),
        (6, 1, 1)
    );
    let docker = restarts
        .iter()
        .find(|x| x["source"] == "docker-events")
        .unwrap();
    assert_eq!(docker["host"], "ctl02");
    assert_eq!(docker["step"], "nova");
    assert_eq!(docker["api"], "Nova");
    assert_eq!(docker["seconds"], 2.15);
    // The probe's API names become the catalog's ids.
    let effects = run["effects"].as_array().unwrap();
    assert_eq!(effects.len(), 1);
    assert_eq!(effects[0]["api"], "Keystone");
    assert_eq!(effects[0]["step"], "keystone");
    assert_eq!(effects[0]["kind"], "full");
    assert_eq!(effects[0]["seconds"], 2.5);
    let unjoined: Vec<(&str, &str)> = run["unjoined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["what"].as_str().unwrap(), u["name"].as_str().unwrap()))
        .collect();
    assert_eq!(
        unjoined,
        [
            ("playbook", "site-cleanup"),
            ("full", "Keystone"),
            ("restart", "cinder_api"),
            ("stop", "keystone")
        ]
    );
    let sources: Vec<&str> = run["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "ara-results",
            "probe",
            "ara-playbooks",
            "ara-tasks",
            "journald",
            "docker-events"
        ]
    );
}

#[test]
fn the_json_output_says_what_each_input_was_read_as() {
    let r = record_all(&["-o", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.out).unwrap();
    crate::output_schemas::assert_valid("upgrade-record", &v);
    assert_eq!(v["kind"], "upgrade-record");
    assert_eq!(
        (
            v["steps"].as_u64(),
            v["restarts"].as_u64(),
            v["effects"].as_u64(),
            v["unjoined"].as_u64()
        ),
        (Some(4), Some(8), Some(1), Some(4))
    );
    let read: Vec<(&str, bool)> = v["read"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["kind"].as_str().unwrap(),
                x["detected"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            ("ara-results", true),
            ("probe", true),
            ("ara-playbooks", false),
            ("ara-tasks", false),
            ("journald", false),
            ("docker-events", false)
        ]
    );
    assert_eq!(v["run"]["schema_version"], 2);
}

#[test]
fn the_plan_uses_recorded_durations_restart_gaps_and_windows() {
    let r = record_all(&[]);
    let plan = |extra: &[&str]| r.plan(extra);
    let (out, err, code) = plan(&["-o", "json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        v["calibrated_steps"],
        serde_json::json!(["ceph_mons", "ceph_osds", "keystone", "nova"])
    );
    let step = |id: &str| {
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let keystone = step("keystone");
    assert_eq!(keystone["provenance"], "C");
    // Keystone: the probe's window wins over the restart gaps of its containers.
    let w = &keystone["effects"][0]["window"];
    assert_eq!(w["prov"], "C");
    assert_eq!(
        (w["min"].as_f64(), w["max"].as_f64()),
        (Some(2.5), Some(2.5))
    );
    assert_eq!(
        w["reason"],
        "1 probe-measured window: 2.5–2.5 s, median 2.5 s"
    );
    assert!(keystone["effects"][0].get("extra_per_window").is_none());
    // Nova was probed without an outage: its restart effect takes the four recorded nova_api
    // gaps (ARA ctl01 and ctl02, journald ctl01, docker events ctl02).
    let nova = step("nova");
    let e = nova["effects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["restarts"] == 2)
        .unwrap();
    assert_eq!(e["window"]["prov"], "C");
    assert_eq!(e["window"]["min"], 1.5);
    assert_eq!(
        e["window"]["reason"],
        "4 recorded restart gaps: 1.5–2.2 s, median 1.9 s"
    );
    // Everything else keeps its prior (Glance: the wsgi restart gap, an estimate).
    let glance = step("glance");
    assert_eq!(glance["effects"][0]["window"]["prov"], "E");
    let (table, _, _) = plan(&[]);
    assert!(
        table.contains("Calibrated outage windows: keystone Keystone full (1 probe-measured window), nova Nova full (4 recorded restart gaps)"),
        "{table}"
    );
    assert!(
        table.contains("Calibrated from 1 recorded run(s): ceph_mons, ceph_osds, keystone, nova"),
        "{table}"
    );
}

#[test]
fn run_files_of_schema_version_1_are_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let hist = dir.path().join("history");
    std::fs::create_dir(&hist).unwrap();
    std::fs::write(
        hist.join("run-20240323T210000Z.json"),
        r#"{"schema_version": 1, "kind": "upgrade-run", "recorded_from": "run.jsonl", "steps": [{"step": "keystone", "start": "2024-03-23T21:00:00Z", "end": "2024-03-23T21:04:10Z", "seconds": 250.0}]}"#,
    )
    .unwrap();
    let (out, err, code) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "--samples",
        "200",
        "--history",
        &s(&hist),
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["calibrated_steps"], serde_json::json!(["keystone"]));
}

#[test]
fn the_map_covers_every_step_run_by_osism_apply() {
    let steps: serde_json::Value = {
        let text = std::fs::read_to_string(repo_root().join("releases/plan/steps.yaml")).unwrap();
        serde_saphyr::from_str(&text).unwrap()
    };
    let map: serde_json::Value = {
        let text =
            std::fs::read_to_string(repo_root().join("releases/plan/record-map.yaml")).unwrap();
        serde_saphyr::from_str(&text).unwrap()
    };
    let mapped: Vec<&str> = map["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["step"].as_str().unwrap())
        .collect();
    let missing: Vec<&str> = steps["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| {
            s["commands"].as_array().is_some_and(|c| {
                c.iter()
                    .any(|c| c.as_str().is_some_and(|c| c.contains("osism apply")))
            })
        })
        .map(|s| s["id"].as_str().unwrap())
        .filter(|id| !mapped.contains(id))
        .collect();
    assert!(
        missing.is_empty(),
        "steps without a rule in record-map.yaml: {missing:?}"
    );
}

/// Every bad input names its file (and line and column where it has them), says what was
/// expected, and never repeats a value of the input.
#[test]
fn bad_run_data_is_refused_clearly() {
    const SECRET: &str = "Hunter2-Sup3r-Secret";
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let write = |name: &str, text: &str| {
        let p = t.join(name);
        std::fs::write(&p, text).unwrap();
        s(&p)
    };
    let results = std::fs::read_to_string(ara("results.json")).unwrap();
    let hist = s(&t.join("history"));
    let record = |args: &[&str]| -> (String, i32) {
        let mut a = vec!["upgrade", "record"];
        a.extend_from_slice(args);
        a.extend_from_slice(&["--history", &hist]);
        let (out, err, code) = run(&a);
        assert_eq!(out, "", "{args:?}");
        (redact(&err, t), code)
    };
    let unresolved = results.replacen("\"(9) ctl02\"", "9", 1);
    let bad_duration = results.replacen("00:00:01.836361", SECRET, 1);
    let truncated = &results[..results.len() / 2];
    let long_task = results.replacen(
        "(14) Remove dangling images",
        &format!("(14) {}", "x".repeat(1001)),
        1,
    );
    let journal_bad_time = journal_line(1.0, "ctl01", "docker.service", "Stopping Docker...")
        .replace(&micros(1.0), SECRET);
    let journal_long = journal_line(1.0, "ctl01", "docker.service", &"x".repeat(70_000));
    let journal_no_host = serde_json::json!({"__REALTIME_TIMESTAMP": "1", "UNIT": "docker.service", "MESSAGE": "Stopping Docker..."}).to_string();
    let event_no_name = format!(
        "{}\n{{\"Type\":\"container\",\"Action\":\"die\",\"Actor\":{{\"Attributes\":{{}}}},\"timeNano\":1}}\n",
        docker_event("kill", 1.0)
    );
    let probe_bad = format!(
        "{{\"kind\":\"probe\",\"api\":\"Nova\",\"ts\":\"{}\",\"ok\":\"{SECRET}\",\"status\":200,\"latency_ms\":1,\"probe\":\"version\"}}\n",
        at(1.0)
    );
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "unknown kind of file",
            vec![
                "--log".into(),
                write("what.json", &format!("{{\"password\": \"{SECRET}\"}}\n")),
            ],
        ),
        (
            "ARA results without --resolve",
            vec![
                "--ara-results".into(),
                write("unresolved.json", &unresolved),
            ],
        ),
        (
            "ARA duration that is no duration",
            vec![
                "--ara-results".into(),
                write("duration.json", &bad_duration),
            ],
        ),
        (
            "truncated ARA export",
            vec!["--ara-results".into(), write("truncated.json", truncated)],
        ),
        (
            "ARA task name too long",
            vec!["--ara-results".into(), write("long.json", &long_task)],
        ),
        (
            "ARA results given as journald",
            vec!["--journal".into(), ara("results.json")],
        ),
        (
            "journald time that is no time",
            vec!["--journal".into(), write("j1.json", &journal_bad_time)],
        ),
        (
            "journald line too long",
            vec!["--journal".into(), write("j2.json", &journal_long)],
        ),
        (
            "journald entry without host",
            vec!["--journal".into(), write("j3.json", &journal_no_host)],
        ),
        (
            "docker events without a host",
            vec![
                "--docker-events".into(),
                write("ev1.jsonl", &docker_event("kill", 1.0)),
            ],
        ),
        (
            "docker event without a name",
            vec![
                "--docker-events".into(),
                format!("ctl01={}", write("ev2.jsonl", &event_no_name)),
            ],
        ),
        (
            "docker events with an empty host",
            vec!["--docker-events".into(), "=ev.jsonl".into()],
        ),
        (
            "probe log with a bad sample",
            vec!["--probe".into(), write("probe.jsonl", &probe_bad)],
        ),
        (
            "only restarts, no step timings",
            vec!["--journal".into(), write("j4.json", &journal())],
        ),
        (
            "missing file",
            vec!["--log".into(), s(&t.join("nope.jsonl"))],
        ),
        ("no input at all", vec![]),
    ];
    let mut report = String::new();
    for (name, args) in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (err, code) = record(&args);
        assert_eq!(code, 3, "{name}: {err}");
        assert!(!err.contains("Hunter2"), "{name}: {err}");
        report.push_str(&format!(
            "{name}:\n  {}\n",
            err.trim().replace('\n', "\n  ")
        ));
    }
    // A run file whose restart does not add up.
    let bad_hist = t.join("bad-history");
    std::fs::create_dir(&bad_hist).unwrap();
    std::fs::write(
        bad_hist.join("run-1.json"),
        r#"{"schema_version": 2, "kind": "upgrade-run", "recorded_from": "x", "steps": [], "restarts": [{"service": "nova_api", "host": "ctl01", "step": "nova", "start": "2024-03-23T21:00:00Z", "end": "2024-03-23T21:00:10Z", "seconds": 99.0, "source": "ara"}], "effects": [], "unjoined": []}"#,
    )
    .unwrap();
    std::fs::write(
        t.join("v3.json"),
        r#"{"schema_version": 3, "kind": "upgrade-run", "recorded_from": "x", "steps": []}"#,
    )
    .unwrap();
    let plan_fails = |dir: &Path| -> String {
        let (_, err, code) = run(&[
            "upgrade",
            "plan",
            "--from",
            "6.0.0",
            "--to",
            "7.0.0",
            "--history",
            &s(dir),
        ]);
        assert_eq!(code, 3, "{err}");
        redact(err.trim(), t)
    };
    report.push_str(&format!(
        "run file with a restart that does not add up:\n  {}\n",
        plan_fails(&bad_hist)
    ));
    std::fs::remove_file(bad_hist.join("run-1.json")).unwrap();
    std::fs::rename(t.join("v3.json"), bad_hist.join("run-1.json")).unwrap();
    report.push_str(&format!(
        "run file of schema version 3:\n  {}\n",
        plan_fails(&bad_hist)
    ));
    insta::assert_snapshot!("bad_run_data", report);
}

/// The loop closes: a recorded run calibrates the plan (`--history`), and `validate --log`
/// attributes the same probe log's windows to the steps ARA recorded, beside what the
/// calibrated plan predicts for each step.
#[test]
fn a_recorded_run_round_trips_through_plan_history_and_validate() {
    let r = record_all(&[]);
    let d = r.dir.path();
    let plan = s(&d.join("plan.json"));
    let (_, err, code) = r.plan(&["-o", "json", "-O", &plan]);
    assert_eq!(code, 0, "{err}");
    let probe = s(&d.join("probe.jsonl"));
    let validate = |format: &str| {
        run(&[
            "upgrade",
            "validate",
            "--plan",
            &plan,
            "--probe",
            &probe,
            "--log",
            &ara("playbooks.json"),
            "--log",
            &ara("results.json"),
            "-o",
            format,
        ])
    };
    let (out, err, code) = validate("json");
    assert!(code == 0 || code == 1, "{code}: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    crate::output_schemas::assert_valid("upgrade-validation", &v);
    let rows: Vec<(&str, &str, &str, &str)> = v["by_step"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["step"].as_str().unwrap(),
                r["api"].as_str().unwrap(),
                r["kind"].as_str().unwrap(),
                r["fit"].as_str().unwrap(),
            )
        })
        .collect();
    // Keystone's 2.5 s in the keystone step is the window the run calibrated; the nova step's
    // restart windows (1.5–2.2 s each, recorded by ARA, journald and docker) were not seen
    // by 0.5 s version probes of Nova: a finding, not a pass.
    assert!(
        rows.contains(&("keystone", "Keystone", "full", "as-predicted")),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("nova", "Nova", "full", "not-seen")),
        "{rows:?}"
    );
    // The window in the clean-up playbook (which no rule names) is listed, not dropped.
    let un = v["by_step"]["unattributed"].as_array().unwrap();
    assert_eq!(un.len(), 1, "{un:?}");
    assert_eq!(un[0]["name"], "Keystone");
    let durations: Vec<&str> = v["by_step"]["durations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["step"].as_str().unwrap())
        .collect();
    assert_eq!(durations, ["keystone", "nova", "ceph_mons", "ceph_osds"]);
    let (table, err, _) = validate("table");
    insta::assert_snapshot!("round_trip_validate_table", redact(&table, d));
    assert!(err.is_empty(), "{err}");
    let (md, _, _) = validate("markdown");
    assert!(md.contains("### By step"), "{md}");
}
