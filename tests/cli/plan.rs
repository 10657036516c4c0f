//! upgrade plan / upgrade record

use std::path::{Path, PathBuf};

use crate::common::{cmd, repo_root, run};

const START: &str = "2024-03-23T20:00+01:00";

fn plan(extra: &[&str]) -> (String, String, i32) {
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
        "2000",
    ];
    args.extend_from_slice(extra);
    run(&args)
}

fn json(extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["-o", "json"];
    args.extend_from_slice(extra);
    let (out, err, code) = plan(&args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A copy of the data tree to edit (for `--data`).
fn data_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("releases"), &dir.path().join("releases"));
    copy_dir(
        &repo_root().join("templates"),
        &dir.path().join("templates"),
    );
    dir
}

fn redact(text: &str, dir: &Path) -> String {
    text.replace(&dir.display().to_string(), "[TMP]")
}

#[test]
fn example_site_works_with_no_other_flag() {
    let (out, err, code) = run(&["upgrade", "plan", "--from", "6.0.0", "--to", "7.0.0"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("Upgrade plan OSISM 6.0.0 → 7.0.0 for site example"),
        "{out}"
    );
    assert!(out.contains("10000 samples, seed 20240320"), "{out}");
}

#[test]
fn terminal_view_snapshot() {
    let (out, err, code) = plan(&["--start", START, "--window", "6h"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);
}

#[test]
fn markdown_announcement_snapshot() {
    let (out, err, code) = plan(&["--start", START, "-o", "markdown"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Sovereign Cloud Stack R6"));
    insta::assert_snapshot!(out);
}

/// DTSTAMP is when the entry was made: the one line the snapshot leaves out.
fn without_dtstamp(ics: &str) -> (String, String) {
    let stamp = ics
        .lines()
        .find_map(|l| l.strip_prefix("DTSTAMP:"))
        .expect("a DTSTAMP")
        .trim_end()
        .to_string();
    let rest = ics
        .replace("\r\n", "\n")
        .lines()
        .filter(|l| !l.starts_with("DTSTAMP:"))
        .map(|l| format!("{l}\n"))
        .collect();
    (stamp, rest)
}

#[test]
fn ics_snapshot() {
    let (out, err, code) = plan(&["--start", START, "-o", "ics"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.lines().all(|l| l.len() <= 76), "folded at 75 octets");
    assert!(out.contains("DTSTART:20240323T190000Z\r\n"));
    // The announced window ends on a quarter hour (p90 6h 36m → 02:45 local).
    assert!(out.contains("DTEND:20240324T014500Z\r\n"), "{out}");
    let (stamp, rest) = without_dtstamp(&out);
    let made = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", &stamp)
        .unwrap()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .unwrap()
        .timestamp();
    let age = jiff::Timestamp::now().duration_since(made).as_secs();
    assert!((0..3600).contains(&age), "DTSTAMP {stamp} is not now");
    insta::assert_snapshot!(rest);
}

/// A Python module CI installs (`.ci/run`); elsewhere its tests skip with a message.
fn python_with(module: &str) -> bool {
    let ok = std::process::Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("python3 module `{module}` is missing: .ci/run installs it with pip");
        }
        eprintln!("skipped: python3 module `{module}` not found (pip install {module})");
    }
    ok
}

/// The calendar entry keeps its UID when the window moves and counts the move in SEQUENCE
/// (read from the file written before); Python's `icalendar` parses it.
#[test]
fn a_rescheduled_window_keeps_its_uid_and_counts_up_its_sequence() {
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("window.ics");
    let write = |start: &str| {
        let (_, err, code) = plan(&["--start", start, "-o", "ics", "-O", ics.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(&ics).unwrap()
    };
    let field = |text: &str, name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}:")))
            .unwrap()
            .trim_end()
            .to_string()
    };
    let first = write(START);
    assert_eq!(field(&first, "SEQUENCE"), "0");
    let again = write(START);
    assert_eq!(field(&again, "SEQUENCE"), "0", "same window, same sequence");
    let moved = write("2024-03-30T23:00+01:00");
    assert_eq!(field(&moved, "SEQUENCE"), "1");
    assert_eq!(field(&moved, "UID"), field(&first, "UID"));
    assert_eq!(
        field(&moved, "UID"),
        "upgrade-example-6.0.0-7.0.0@scs-release"
    );
    if python_with("icalendar") {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys, icalendar\n\
                 cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())\n\
                 ev = [c for c in cal.walk('VEVENT')][0]\n\
                 print(ev['UID'], ev['SEQUENCE'], ev.decoded('DTSTART').isoformat(), ev.decoded('DTEND').isoformat(), ev.decoded('DTSTAMP').tzname())\n\
                 print(str(ev['DESCRIPTION']).splitlines()[0])",
            ])
            .arg(&ics)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "upgrade-example-6.0.0-7.0.0@scs-release 1 2024-03-30T22:00:00+00:00 2024-03-31T04:45:00+00:00 UTC\n\
             Maintenance window: Sat 2024-03-30 23:00 to Sun 2024-03-31 05:45 (UTC+01:00).\n"
        );
    }
}

#[test]
fn statuspage_snapshot() {
    let (out, err, code) = plan(&["--start", START, "-o", "statuspage"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The body of POST /v1/pages/{page_id}/incidents and nothing else.
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["incident"]
    );
    assert_eq!(v["incident"]["scheduled_for"], "2024-03-23T19:00:00Z");
    assert_eq!(v["incident"]["scheduled_until"], "2024-03-24T01:45:00Z");
    // The example site maps no component: none named, and a warning says so.
    assert_eq!(v["incident"]["component_ids"], serde_json::json!([]));
    assert!(
        err.contains("warning: no Statuspage component is mapped"),
        "{err}"
    );
    insta::assert_snapshot!(out);
}

/// `--template FILE` renders the announcement with the operator's own template, strictly.
#[test]
fn the_announcement_takes_a_template_file() {
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("mail.md.hbs");
    std::fs::write(
        &tpl,
        "Dear customer, {{window}}; {{#each affected}}{{name}}, {{/each}}bye.\n",
    )
    .unwrap();
    let (out, err, code) = plan(&[
        "--start",
        START,
        "-o",
        "markdown",
        "--template",
        tpl.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("Dear customer, Sat 2024-03-23 20:00 to Sun 2024-03-24 02:45 (UTC+01:00); Identity API (Keystone), "),
        "{out}"
    );
    std::fs::write(&tpl, "{{windw}}\n").unwrap();
    let (_, err, code) = plan(&["-o", "markdown", "--template", tpl.to_str().unwrap()]);
    assert_eq!(code, 3);
    assert!(err.contains("windw"), "{err}");
}

/// A site with a provider, two KaaS clusters and a component map: the customer texts name
/// the provider and its contact, never OSISM versions, cluster names or modelling notes;
/// local times follow Europe/Berlin into summer time; the status page names the mapped
/// components and warns about the rest.
#[test]
fn customer_texts_name_the_provider_and_follow_the_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.yaml");
    let text = std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml"))
        .unwrap()
        .replace(
            "  - {name: prod, control_plane: 3, workers: 4, max_surge: 1, max_unavailable: 0}",
            "  - {name: cust-a-prod, control_plane: 3, workers: 4, max_surge: 1, max_unavailable: 0}\n  - {name: cust-b, control_plane: 1, workers: 2, max_surge: 1, max_unavailable: 0}",
        )
        .replace(
            "statuspage_components: {}",
            "statuspage_components: {Nova: 8kbf7d35c070, Keystone: 2hcx4w0dpl5b}\nprovider: {name: \"Example Cloud <GmbH>\", contact: support@example.com}",
        );
    std::fs::write(&site, text).unwrap();
    let site = site.to_str().unwrap();
    let start = "2024-03-30T23:00+01:00";
    let with = |format: &str| {
        let (out, err, code) = plan(&[
            "--site",
            site,
            "--start",
            start,
            "--tz",
            "Europe/Berlin",
            "-o",
            format,
        ]);
        assert_eq!(code, 0, "{err}");
        (out, err)
    };
    let (md, _) = with("markdown");
    // 23:00 CET (UTC+1) into the night of the switch to CEST (UTC+2), ending on a quarter hour.
    let window = regex::Regex::new(
        r"\*\*Maintenance window:\*\* Sat 2024-03-30 23:00 CET to Sun 2024-03-31 0[4-9]:(00|15|30|45) CEST \(Europe/Berlin\)\.",
    )
    .unwrap();
    assert!(window.is_match(&md), "{md}");
    assert!(md.contains("Example Cloud \\<GmbH> will upgrade"), "{md}");
    assert!(md.contains("Questions: support@example.com"), "{md}");
    for internal in ["OSISM", "cust-a-prod", "cust-b", "estimate", "simulated"] {
        assert!(
            !md.contains(internal),
            "`{internal}` in customer text:\n{md}"
        );
    }
    assert_eq!(
        md.matches("Kubernetes API of managed clusters").count(),
        1,
        "{md}"
    );
    let (ics, _) = with("ics");
    assert!(
        ics.contains("ORGANIZER;CN=\"Example Cloud <GmbH>\":mailto:support@example.com"),
        "{ics}"
    );
    assert!(!ics.contains("OSISM") && !ics.contains("cust-b"), "{ics}");
    let (sp, err) = with("statuspage");
    let v: serde_json::Value = serde_json::from_str(&sp).unwrap();
    assert_eq!(
        v["incident"]["component_ids"],
        serde_json::json!(["2hcx4w0dpl5b", "8kbf7d35c070"])
    );
    assert_eq!(
        v["incident"]["components"]["8kbf7d35c070"],
        "under_maintenance"
    );
    assert!(
        err.contains("warning: no Statuspage component for Glance"),
        "{err}"
    );
    // An unknown zone is refused, naming it.
    let (_, err, code) = plan(&["--tz", "Europe/Atlantis"]);
    assert_eq!(code, 3);
    assert!(
        err.contains("--tz: `Europe/Atlantis` is not an IANA time zone"),
        "{err}"
    );
}

#[test]
fn ics_and_statuspage_need_a_start() {
    let (_, err, code) = plan(&["-o", "ics"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err);
}

#[test]
fn bad_start_time_is_explained() {
    let (_, err, code) = plan(&["--start", "2024-03-23 20:00"]);
    assert_eq!(code, 3);
    assert!(
        err.contains(
            "invalid value '2024-03-23 20:00' for '--start <TIME>': `2024-03-23 20:00` is not an RFC 3339 time with offset"
        ),
        "{err}"
    );
}

#[test]
fn json_is_versioned_and_every_step_runs_after_its_dependencies() {
    for extra in [&[][..], &["--parallel"][..]] {
        let v = json(extra);
        assert_eq!(v["schema_version"], 1);
        assert_eq!(v["kind"], "upgrade-plan");
        let steps = v["steps"].as_array().unwrap();
        let end = |id: &str| {
            let s = steps.iter().find(|s| s["id"] == id).unwrap();
            s["start_seconds"].as_f64().unwrap() + s["duration_seconds"].as_f64().unwrap()
        };
        for (k, s) in steps.iter().enumerate() {
            for dep in s["after"].as_array().unwrap() {
                let d = dep.as_str().unwrap();
                let dk = steps.iter().position(|x| x["id"] == d).unwrap();
                assert!(dk < k, "{} listed after {d}", s["id"]);
                assert!(
                    end(d) <= s["start_seconds"].as_f64().unwrap() + 1e-6,
                    "{} starts after {d} ends",
                    s["id"]
                );
            }
            // Provenance on every number.
            for prior in [&s["duration"], &s["per_unit"]] {
                if prior.is_null() {
                    continue;
                }
                assert!(["S", "D", "E"].contains(&prior["prov"].as_str().unwrap()));
                assert!(
                    prior.get("source").is_some() || prior.get("reason").is_some(),
                    "{}",
                    s["id"]
                );
            }
            for e in s["effects"].as_array().unwrap() {
                if let Some(w) = e.get("window") {
                    assert!(w["prov"].is_string(), "{}", s["id"]);
                }
            }
        }
        let p50 = v["window"]["total_seconds"]["p50"].as_f64().unwrap();
        let p90 = v["window"]["total_seconds"]["p90"].as_f64().unwrap();
        assert!(p50 > 0.0 && p90 >= p50);
    }
}

#[test]
fn parallel_is_shorter_and_sequential_runs_one_step_at_a_time() {
    let seq = json(&[]);
    let par = json(&["--parallel"]);
    let steps = seq["steps"].as_array().unwrap();
    for w in steps.windows(2) {
        let end =
            w[0]["start_seconds"].as_f64().unwrap() + w[0]["duration_seconds"].as_f64().unwrap();
        assert!((w[1]["start_seconds"].as_f64().unwrap() - end).abs() < 1e-6);
    }
    assert!(
        par["window"]["total_seconds"]["p50"].as_f64()
            < seq["window"]["total_seconds"]["p50"].as_f64()
    );
}

#[test]
fn same_seed_same_output_other_seed_other_output() {
    let (a, _, _) = plan(&["-o", "json", "--start", START]);
    let (b, _, _) = plan(&["-o", "json", "--start", START]);
    assert_eq!(a, b);
    let (c, _, _) = plan(&["-o", "json", "--start", START, "--seed", "8"]);
    assert_ne!(a, c);
}

#[test]
fn window_too_short_warns() {
    let (out, err, code) = plan(&["--window", "1h"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("Maintenance window 1h 00m: p90 does NOT fit"),
        "{out}"
    );
    // Warnings are on stderr, the table's too (stdout is data only).
    assert!(!out.contains("warning"), "{out}");
    assert!(err.contains("warning: the p90 duration"), "{err}");
    let (_, err2, _) = plan(&["--window", "1h", "-o", "json"]);
    assert!(err2.contains("warning: the p90 duration"), "{err} {err2}");
}

#[test]
fn proxysql_site_reorders_mariadb_and_loadbalancer() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml"))
        .unwrap()
        .replace("proxysql_migration: false", "proxysql_migration: true");
    let site = dir.path().join("site.yaml");
    std::fs::write(&site, text).unwrap();
    let v = json(&["--site", site.to_str().unwrap()]);
    let ids: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    let at = |id: &str| ids.iter().position(|x| *x == id).unwrap();
    assert!(at("mariadb") < at("loadbalancer"));
    for s in v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["section"] == "OpenStack")
    {
        assert!(at("loadbalancer") < at(s["id"].as_str().unwrap()));
    }
}

#[test]
fn bad_site_yaml_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.yaml");
    std::fs::write(
        &site,
        "schema_version: 1\ncontrollers: 3\ncomputes: 2\nceph:\n  osd_host: 4\n",
    )
    .unwrap();
    let (_, err, code) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "--site",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(redact(&err, dir.path()));
    std::fs::write(&site, "controllers: [3\n").unwrap();
    let (_, err, code) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "--site",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(
        redact(&err, dir.path()).starts_with("error: [TMP]/site.yaml:"),
        "{err}"
    );
}

#[test]
fn a_cycle_in_the_step_data_is_named() {
    let data = data_copy();
    let path = data.path().join("releases/plan/steps.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "    after: [memcached]\n",
        "    after: [memcached, mariadb]\n",
    );
    std::fs::write(&path, text).unwrap();
    let (_, err, code) = run(&[
        "--data",
        data.path().to_str().unwrap(),
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(redact(&err, data.path()));
}

#[test]
fn bad_step_data_names_file_line_and_column() {
    let data = data_copy();
    let path = data.path().join("releases/plan/steps.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replacen(
        "    after: [manager]\n",
        "    afterr: [manager]\n",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (_, err, code) = run(&[
        "--data",
        data.path().to_str().unwrap(),
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(redact(&err, data.path()));
}

#[test]
fn multi_major_upgrades_chain_the_hops_of_the_path_solver() {
    let (out, err, code) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "8.0.0",
        "--samples",
        "500",
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let hops: Vec<(u64, u64)> = v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["from"].as_u64().unwrap(), h["to"].as_u64().unwrap()))
        .collect();
    assert_eq!(hops, vec![(6, 7), (7, 8)]);
    let steps = v["steps"].as_array().unwrap();
    let at = |id: &str| {
        steps
            .iter()
            .position(|s| s["id"] == id)
            .unwrap_or_else(|| panic!("{id}"))
    };
    // The second hop starts after the first is done, and only the 6→7 hop bootstraps octavia.
    assert!(at("6-7/md_rollout@prod") < at("7-8/manager"));
    assert!(
        steps[at("7-8/manager")]["after"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "6-7/md_rollout@prod")
    );
    assert!(steps.iter().any(|s| s["id"] == "6-7/octavia_bootstrap"));
    assert!(!steps.iter().any(|s| s["id"] == "7-8/octavia_bootstrap"));
    let (table, _, _) = run(&[
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "8.0.0",
        "--samples",
        "200",
    ]);
    assert!(
        table.contains("OSISM 6 → 7") && table.contains("OSISM 7 → 8"),
        "{table}"
    );
}

#[test]
fn downgrades_are_refused_clearly() {
    let (_, err, code) = run(&["upgrade", "plan", "--from", "7.0.0", "--to", "6.0.0"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err);
}

#[test]
fn inventory_of_a_config_repo_gives_the_sizes() {
    let dir = tempfile::tempdir().unwrap();
    let inv = dir.path().join("cfg/inventory");
    std::fs::create_dir_all(&inv).unwrap();
    std::fs::write(
        inv.join("20-roles"),
        "[manager]\nmgr01\n\n[control]\nctl01\nctl02\nctl03\n\n[compute]\ncmp01\ncmp02\n\n[network:children]\ncontrol\n\n\
         [ceph-control]\nctl01\nctl02\nctl03\n\n[ceph-resource]\nstor01\nstor02\nstor03\nstor04\nstor05\n",
    )
    .unwrap();
    std::fs::write(inv.join("99-overwrite.yml"), "not: ini\n").unwrap();
    let v = json(&["--config", dir.path().join("cfg").to_str().unwrap()]);
    assert_eq!(v["site"]["controllers"], 3);
    assert_eq!(v["site"]["computes"], 2);
    assert_eq!(v["site"]["ceph"]["osd_hosts"], 5);
    assert_eq!(v["site"]["hosts"], 10);
    let osds = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ceph_osds")
        .unwrap();
    assert_eq!(osds["units"], serde_json::json!(["osd_hosts", 5]));
}

#[test]
fn record_then_plan_with_history_marks_calibrated_steps() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.jsonl");
    std::fs::write(
        &log,
        "{\"step\": \"keystone\", \"start\": \"2024-03-23T22:00:00+01:00\", \"end\": \"2024-03-23T22:04:10+01:00\"}\n\
         {\"step\": \"nova\", \"start\": \"2024-03-23T22:10:00+01:00\", \"end\": \"2024-03-23T22:31:00+01:00\"}\n\
         {\"step\": \"novaa\", \"start\": \"2024-03-23T22:40:00+01:00\", \"end\": \"2024-03-23T22:41:00+01:00\"}\n",
    )
    .unwrap();
    let hist = dir.path().join("history");
    let (out, err, code) = run(&[
        "upgrade",
        "record",
        "--log",
        log.to_str().unwrap(),
        "--history",
        hist.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("record_stdout", redact(&out, dir.path()));
    insta::assert_snapshot!("record_stderr", redact(&err, dir.path()));
    // The same run twice is refused.
    let (_, err, code) = run(&[
        "upgrade",
        "record",
        "--log",
        log.to_str().unwrap(),
        "--history",
        hist.to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("already recorded"), "{err}");

    let v = json(&["--history", hist.to_str().unwrap()]);
    assert_eq!(
        v["calibrated_steps"],
        serde_json::json!(["keystone", "nova"])
    );
    let nova = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "nova")
        .unwrap();
    assert_eq!(nova["provenance"], "C");
    assert_eq!(nova["duration_seconds"], 1260.0);
    let (out, _, _) = plan(&["--history", hist.to_str().unwrap()]);
    assert!(
        out.contains("Calibrated from 1 recorded run(s): keystone, nova"),
        "{out}"
    );
    let (html, _, _) = plan(&["--history", hist.to_str().unwrap(), "-o", "html"]);
    assert!(
        html.contains(r#"class="bar critical calibrated" data-step="nova""#)
            || html.contains(r#"class="bar calibrated" data-step="nova""#)
    );
}

#[test]
fn bad_log_lines_are_located() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("run.jsonl");
    std::fs::write(&log, "{\"step\": \"keystone\", \"start\": \"2024-03-23T22:00:00+01:00\", \"end\": \"yesterday\"}\n").unwrap();
    let (_, err, code) = run(&[
        "upgrade",
        "record",
        "--log",
        log.to_str().unwrap(),
        "--history",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(redact(&err, dir.path()));
}

#[test]
fn output_file_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out/announcement.md");
    let (out, err, code) = plan(&["-o", "markdown", "-O", out_path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("wrote "));
    assert!(
        std::fs::read_to_string(&out_path)
            .unwrap()
            .starts_with("# Planned maintenance")
    );
}

#[test]
fn unsupported_format_is_rejected() {
    let (_, err, code) = plan(&["-o", "junit"]);
    assert_eq!(code, 3);
    assert!(
        err.starts_with("error: invalid value 'junit' for '--output <FORMAT>'\n  [possible values: table, json, markdown, ics, statuspage, html]"),
        "{err}"
    );
}

#[test]
fn strict_template_errors_name_the_template() {
    let data = data_copy();
    let path = data.path().join("templates/announcement.md.hbs");
    std::fs::write(&path, "# {{title}}\n\n{{no_such_field}}\n").unwrap();
    let (_, err, code) = run(&[
        "--data",
        data.path().to_str().unwrap(),
        "upgrade",
        "plan",
        "--from",
        "6.0.0",
        "--to",
        "7.0.0",
        "-o",
        "markdown",
        "--samples",
        "100",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(redact(&err, data.path()));
}

fn chromium() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromium");
    if p.exists() {
        return Some(p);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("/usr/bin/chromium is missing: CI must install Debian's `chromium` package");
    }
    eprintln!("skipped: /usr/bin/chromium not found (apt-get install -y chromium)");
    None
}

#[test]
fn html_report_loads_in_headless_chromium_with_one_bar_per_step() {
    let Some(chromium) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("plan.html");
    let (_, err, code) = plan(&[
        "--start",
        START,
        "--window",
        "6h",
        "-o",
        "html",
        "-O",
        html.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v = json(&[]);
    let steps = v["steps"].as_array().unwrap().len();
    let profile = dir.path().join("profile");
    let shot = dir.path().join("plan.png");
    let chrome = |extra: &[String]| {
        let out = std::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--window-size=800,1400",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("file://{}", html.display()))
            .output()
            .expect("chromium runs");
        assert!(
            out.status.success(),
            "chromium failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };
    let out = chrome(&["--dump-dom".into()]);
    let dom = String::from_utf8_lossy(&out.stdout);
    // The inline script ran, counted the bars and saw no error.
    assert!(
        dom.contains(&format!("data-bars=\"{steps}\"")),
        "script did not count {steps} bars"
    );
    let html_tag = dom
        .split_once("<html")
        .map(|(_, r)| r.split_once('>').map_or(r, |(t, _)| t))
        .unwrap_or("");
    assert!(
        html_tag.contains("data-bars"),
        "attributes land on <html>: {html_tag}"
    );
    assert!(
        !html_tag.contains("data-errors"),
        "script errors: {html_tag}"
    );
    // 800 px wide: nothing cut off, the chart scaled into the page.
    assert!(
        html_tag.contains("data-overflow=\"false\""),
        "the page is wider than 800 px: {html_tag}"
    );
    let chart_width: u32 = html_tag
        .split_once("data-chart-width=\"")
        .and_then(|(_, r)| r.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("chart width");
    assert!((600..=800).contains(&chart_width), "chart {chart_width} px");
    let bars = dom.matches("<rect class=\"bar").count();
    assert_eq!(bars, steps, "one bar per step");
    // The manager's line first, the legend, hatched and dotted bands, the time axis with its
    // date and zone, the window's end.
    let body = dom.split_once("<body>").map_or("", |(_, b)| b).trim_start();
    assert!(
        body.starts_with("<p id=\"summary\">OSISM 6.0.0 → 7.0.0: about"),
        "{body:.200}"
    );
    assert!(
        body.contains("fits the 6h 00m window") || body.contains("does not fit the 6h 00m window")
    );
    for needle in [
        "<ul id=\"legend\">",
        "fill=\"url(#l-full)\"",
        "fill=\"url(#l-degraded)\"",
        "class=\"band full\"",
        "class=\"band degraded\"",
        "<pattern id=\"p-full\"",
        "Start Sat 2024-03-23 20:00; times in UTC+01:00",
        "<line id=\"window-end\"",
        "end of the maintenance window (--window)",
        ">keystone: Keystone (expand, migrate, restart, contract)<",
    ] {
        assert!(dom.contains(needle), "missing {needle}");
    }
    // Short windows stay visible: no band narrower than the minimum.
    let narrow = dom
        .split("class=\"band ")
        .skip(1)
        .filter_map(|b| {
            b.split_once("width=\"")?
                .1
                .split('"')
                .next()?
                .parse::<f64>()
                .ok()
        })
        .filter(|w| *w < 4.0)
        .count();
    assert_eq!(narrow, 0, "bands narrower than 4 units");
    // A screenshot of the page at 800 × 1400.
    chrome(&[format!("--screenshot={}", shot.display())]);
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    let dim = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    assert_eq!((dim(16), dim(20)), (800, 1400), "screenshot size");
    let _ = cmd;
}

/// OSISM 9 → 10 on a site with classic queues: the RabbitMQ 4 vhost procedure of the
/// osism-10 notes is planned (prepare after rabbitmq, the Nova cell mappings before nova) and
/// every RabbitMQ-using API is degraded for its whole step; a site already on quorum queues
/// gets a plain RabbitMQ upgrade and less degraded time.
#[test]
fn nine_to_ten_plans_the_rabbitmq4_vhost_move_unless_the_site_has_quorum_queues() {
    let run = |site: Option<&Path>| {
        let mut args = vec![
            "upgrade",
            "plan",
            "--from",
            "9.5.0",
            "--to",
            "10.2.0",
            "--seed",
            "1",
            "--samples",
            "500",
            "-o",
            "json",
        ];
        if let Some(s) = site {
            args.extend(["--site", s.to_str().unwrap()]);
        }
        let (out, err, code) = run(&args);
        assert_eq!(code, 0, "{err}");
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["steps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let degraded = |v: &serde_json::Value, api: &str| {
        v["apis"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["id"] == api)
            .unwrap()["degraded_seconds"]["p50"]
            .as_f64()
            .unwrap()
    };
    let classic = run(None);
    let steps = ids(&classic);
    let at = |id: &str| steps.iter().position(|x| x == id).unwrap();
    assert!(at("rabbitmq") < at("rabbitmq3to4_prepare"));
    assert!(at("nova_cell_mappings") < at("nova"));

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(repo_root().join("releases/plan/example-site.yaml"))
        .unwrap()
        + "quorum_queues: true\n";
    let site = dir.path().join("site.yaml");
    std::fs::write(&site, text).unwrap();
    let quorum = run(Some(&site));
    let steps = ids(&quorum);
    assert!(
        !steps
            .iter()
            .any(|s| s == "rabbitmq3to4_prepare" || s == "nova_cell_mappings")
    );
    for api in ["Nova", "Neutron", "Cinder"] {
        assert!(
            degraded(&classic, api) > degraded(&quorum, api) + 60.0,
            "{api}: {} vs {}",
            degraded(&classic, api),
            degraded(&quorum, api)
        );
    }
}

fn step_ids(v: &serde_json::Value) -> Vec<String> {
    v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

/// OSISM 7 → 8 keeps Ceph 17.2.7 (osism-8 notes): no Ceph rolling update is planned, and the
/// table says why; 6 → 7 (17.2.6 → 17.2.7) keeps it.
#[test]
fn ceph_rolls_only_when_the_hop_changes_the_ceph_image() {
    let args = |from: &'static str, to: &'static str| {
        vec![
            "upgrade",
            "plan",
            "--from",
            from,
            "--to",
            to,
            "--seed",
            "1",
            "--samples",
            "200",
        ]
    };
    let (out, err, code) = run(&args("7.1.3", "8.1.0"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Ceph 17.2.7 in both 7.1.3 and 8.1.0: no Ceph rolling update"));
    assert!(
        out.contains("- ceph_osds: condition not met: ceph_upgrade\n"),
        "{out}"
    );
    assert!(!out.contains("├─ Ceph"));
    let (out, _, _) = run(&args("7.0.0", "7.1.3"));
    assert!(!out.contains("─ Ceph"), "7.0.0 → 7.1.3 keeps 17.2.7");
    // Across 6.0.2 → 10.2.0 only the 7 → 8 hop skips it.
    let mut a = args("6.0.2", "10.2.0");
    a.extend(["-o", "json"]);
    let (out, err, code) = run(&a);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mons: Vec<String> = step_ids(&v)
        .into_iter()
        .filter(|s| s.ends_with("/ceph_mons"))
        .collect();
    assert_eq!(mons, ["6-7/ceph_mons", "8-9/ceph_mons", "9-10/ceph_mons"]);
    let skipped = v["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "ceph_mons")
        .unwrap();
    assert_eq!(skipped["hops"], serde_json::json!(["7-8"]));
}

/// With `--config`, `om_enable_rabbitmq_quorum_queues` set in the repository decides whether
/// 9 → 10 plans the vhost migration; not set, it is planned and the site says it is unknown;
/// the collected `osism migrate rabbitmq3to4 check` wins over the files.
#[test]
fn nine_to_ten_reads_the_queue_type_from_the_repository_and_the_facts() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("cfg");
    std::fs::create_dir_all(cfg.join("inventory")).unwrap();
    std::fs::create_dir_all(cfg.join("environments/kolla")).unwrap();
    std::fs::write(
        cfg.join("inventory/20-roles"),
        "[control]\nctl01\nctl02\nctl03\n\n[compute]\ncmp01\n\n[network:children]\ncontrol\n",
    )
    .unwrap();
    let plan = |kolla: &str, facts: Option<&str>| {
        std::fs::write(cfg.join("environments/kolla/configuration.yml"), kolla).unwrap();
        let mut args = vec![
            "upgrade",
            "plan",
            "--from",
            "9.5.0",
            "--to",
            "10.2.0",
            "--samples",
            "200",
            "-o",
            "json",
            "--config",
            cfg.to_str().unwrap(),
        ];
        let fdir = dir.path().join("facts");
        if let Some(text) = facts {
            std::fs::create_dir_all(&fdir).unwrap();
            std::fs::write(fdir.join("rabbitmq3to4-check.txt"), text).unwrap();
            args.extend(["--facts", fdir.to_str().unwrap()]);
        }
        let (out, err, code) = run(&args);
        assert_eq!(code, 0, "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let source: Vec<String> = v["site_source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        let prepare = step_ids(&v).iter().any(|s| s == "rabbitmq3to4_prepare");
        (prepare, source.join("\n"))
    };
    let (prepare, source) = plan("---\nom_enable_rabbitmq_quorum_queues: false\n", None);
    assert!(prepare);
    assert!(source.contains(
        "quorum_queues: no from om_enable_rabbitmq_quorum_queues (environments/kolla/configuration.yml:2)"
    ));
    let (prepare, source) = plan("om_enable_rabbitmq_quorum_queues: yes\n", None);
    assert!(!prepare, "{source}");
    let (prepare, source) = plan("enable_octavia: true\n", None);
    assert!(prepare);
    assert!(source.contains("om_enable_rabbitmq_quorum_queues is not set in the repository: whether RabbitMQ runs quorum queues is unknown"), "{source}");
    let (prepare, source) = plan(
        "om_enable_rabbitmq_quorum_queues: false\n",
        Some(
            "2025-12-04 08:38:58 | INFO     | Migration is NOT required: Only quorum queues found\n",
        ),
    );
    assert!(!prepare, "{source}");
    let (prepare, source) = plan("", Some("Connecting to RabbitMQ …\n"));
    assert!(prepare);
    assert!(source.contains("neither `Migration is REQUIRED` nor `Migration is NOT required`"));
}
