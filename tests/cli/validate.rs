//! upgrade validate: a plan's prediction against a probe log.

use std::fmt::Write as _;
use std::path::Path;

use crate::common::run;

/// A probe log: version samples every 0.5 s for 20 minutes for each API, failing in the
/// given span (seconds after the start).
pub(crate) fn probe_log(apis: &[(&str, f64, f64)]) -> String {
    let mut out = String::from(
        r#"{"kind":"start","schema_version":1,"ts":"2026-12-02T20:00:00Z","interval_ms":500,"timeout_ms":2000,"apis":[]}"#,
    );
    out.push('\n');
    let t0 = jiff::Timestamp::from_second(1_796_241_600).unwrap();
    for i in 0..2400 {
        let at = i as f64 * 0.5;
        for (api, a, b) in apis {
            let ok = !(at >= *a && at < *b);
            let ts = t0 + jiff::SignedDuration::from_millis((at * 1000.0) as i64);
            writeln!(
                out,
                r#"{{"kind":"probe","api":"{api}","ts":"{ts}","ok":{ok},"status":{},"latency_ms":12.0,"probe":"version"}}"#,
                if ok { "200" } else { "503" }
            )
            .unwrap();
        }
    }
    out
}

pub(crate) fn plan_json(dir: &Path) -> std::path::PathBuf {
    let plan = dir.join("plan.json");
    let (_, err, code) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "--samples",
        "2000",
        "-o",
        "json",
        "-O",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    plan
}

/// `upgrade validate --plan PLAN --probe PROBE -o FORMAT`.
pub(crate) fn validate(plan: &Path, probe: &Path, format: &str) -> (String, String, i32) {
    run(&[
        "upgrade",
        "validate",
        "--plan",
        plan.to_str().unwrap(),
        "--probe",
        probe.to_str().unwrap(),
        "-o",
        format,
    ])
}

/// Keystone's measured 25 s lies in its band, Nova's 200 s does not, Glance was not probed:
/// exit 1, one row each, the degraded parts unknown without read probes.
#[test]
fn measured_outage_against_the_predicted_band() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_json(dir.path());
    let probe = dir.path().join("probe.jsonl");
    std::fs::write(
        &probe,
        probe_log(&[
            ("Keystone", 700.0, 725.0),
            ("Nova", 800.0, 1000.0),
            ("Swift", 0.0, 0.0),
        ]),
    )
    .unwrap();
    let table = |format| validate(&plan, &probe, format);
    let (out, err, code) = table("table");
    assert_eq!(code, 1, "{err}");
    let line = |api: &str| {
        out.lines()
            .find(|l| l.starts_with(api))
            .unwrap()
            .to_string()
    };
    assert!(line("Keystone ").contains("PASS"), "{out}");
    assert!(line("Keystone ").contains("25s (1 window)"), "{out}");
    assert!(line("Nova ").contains("FAIL"), "{out}");
    assert!(line("Glance ").contains("UNKNOWN"), "{out}");
    assert!(out.contains("Glance: full: no probe samples for this API"));
    assert!(out.contains("Keystone: degraded: degraded needs `read` or `rpc` probes"));
    assert!(out.contains("probed but not in the plan (not judged): Swift"));
    // 700 s of normal samples before the first failure: a full 10-minute baseline.
    assert!(!out.contains("baseline only"), "{out}");

    let (json, _, code) = table("json");
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["kind"], "upgrade-validation");
    let nova = v["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["api"] == "Nova")
        .unwrap();
    assert_eq!(nova["full"]["measured"], 200.0);
    assert_eq!(nova["verdict"], "fail");

    let (xml, _, _) = table("junit");
    assert_eq!(
        xml.matches("<testcase ").count(),
        2 * v["rows"].as_array().unwrap().len()
    );
    assert!(xml.contains(
        r#"name="Nova: full"><failure type="outside-band""#.replace("><", ">\n      <").as_str()
    ));
    let (md, _, _) = table("markdown");
    assert!(md.starts_with("## Prediction against measurement"));
}

/// Only APIs without data: exit 2 (nothing judged is not a pass).
#[test]
fn nothing_measured_is_unknown_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_json(dir.path());
    let probe = dir.path().join("probe.jsonl");
    std::fs::write(&probe, "").unwrap();
    let (out, err, code) = validate(&plan, &probe, "table");
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("has no probe samples"));
    assert!(!out.contains("PASS"));
}

#[test]
fn bad_inputs_name_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let plan = plan_json(dir.path());
    let probe = dir.path().join("probe.jsonl");
    std::fs::write(
        &probe,
        "{\"kind\":\"probe\",\"api\":\"Nova\",\"ts\":\"2026-12-02T20:00:00Z\",\"ok\":true,\"status\":200,\"latency_ms\":1,\"probe\":\"version\"}\n{\"kind\":\"probe\",\"api\":\"Nova\",\"ts\":\"yesterday\"}\n",
    )
    .unwrap();
    let (_, err, code) = validate(&plan, &probe, "table");
    assert_eq!(code, 3);
    let err = err.replace(dir.path().to_str().unwrap(), "[TMP]");
    insta::assert_snapshot!("validate_bad_probe_line", err);
    let notplan = dir.path().join("notplan.json");
    std::fs::write(&notplan, "{\"kind\": \"upgrade-check\", \"apis\": []}").unwrap();
    let (_, err, code) = validate(&notplan, &probe, "table");
    assert_eq!(code, 3);
    let err = err.replace(dir.path().to_str().unwrap(), "[TMP]");
    insta::assert_snapshot!("validate_not_a_plan", err);
}

/// `--log` takes run data with step spans: anything else, or data without steps, is refused
/// with the file named and what was expected.
#[test]
fn bad_logs_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let plan = plan_json(d);
    let probe = d.join("probe.jsonl");
    std::fs::write(&probe, probe_log(&[("Keystone", 700.0, 725.0)])).unwrap();
    let journal = d.join("journal.json");
    std::fs::write(
        &journal,
        "{\"__REALTIME_TIMESTAMP\": \"1796241780000000\", \"_HOSTNAME\": \"ctl01\", \"MESSAGE\": \"Started\"}\n",
    )
    .unwrap();
    let notes = d.join("notes.txt");
    std::fs::write(&notes, "the upgrade went fine\n").unwrap();
    let truncated = d.join("timings.jsonl");
    std::fs::write(
        &truncated,
        "{\"step\": \"nova\", \"start\": \"2026-12-02T20:00:00Z\"",
    )
    .unwrap();
    let mut report = String::new();
    for (what, log) in [
        ("no step spans", &journal),
        ("not run data", &notes),
        ("a cut-off timing log", &truncated),
    ] {
        let (out, err, code) = run(&[
            "upgrade",
            "validate",
            "--plan",
            plan.to_str().unwrap(),
            "--probe",
            probe.to_str().unwrap(),
            "--log",
            log.to_str().unwrap(),
        ]);
        assert_eq!(code, 3, "{what}: {out}");
        assert!(out.is_empty(), "{what}: {out}");
        report.push_str(&format!(
            "{what}:\n  {}",
            err.replace(d.to_str().unwrap(), "[TMP]")
        ));
    }
    insta::assert_snapshot!("validate_bad_logs", report);
}
