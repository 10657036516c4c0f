//! journald exports (`journalctl -o json -u 'kolla-*-container.service' -u docker.service`):
//! container stop → start per service and host.
//!
//! Fields read: `__REALTIME_TIMESTAMP` (µs since 1970, as a string), `_HOSTNAME`, `UNIT`
//! (systemd's own messages about a unit), else `_SYSTEMD_UNIT` when `MESSAGE` names that
//! unit, `JOB_TYPE`/`JOB_RESULT` when present, else the start of `MESSAGE`: `Stopping …`,
//! `Stopped …`, `Starting …`, `Started …`. A unit `kolla-<service>-container.service`
//! (kolla ≥ 2023.1) is the service `<service>`, `docker.service` the service `docker`; other
//! units and other messages are skipped. A restart runs from the first `Stopping`/`Stopped`
//! to the next `Started` of the same unit on the same host; a stop with no start before the
//! export ends is listed as unjoined.

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

use super::error::RecordError;
use super::join::Restart;
use super::json::{bad_name, line, lines};
use crate::plan::history::Unjoined;

const EXPECTED: &str = "one `journalctl -o json` entry per line";

/// A journald field: text, or (binary, repeated) something else.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Field {
    Text(String),
    Other(serde::de::IgnoredAny),
}

impl Field {
    fn text(f: &Option<Field>) -> Option<&str> {
        match f {
            Some(Field::Text(s)) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Deserialize)]
struct Entry {
    #[serde(rename = "__REALTIME_TIMESTAMP")]
    realtime: Option<Field>,
    #[serde(rename = "_HOSTNAME", default)]
    hostname: Option<Field>,
    #[serde(rename = "UNIT", default)]
    unit: Option<Field>,
    #[serde(rename = "_SYSTEMD_UNIT", default)]
    systemd_unit: Option<Field>,
    #[serde(rename = "MESSAGE", default)]
    message: Option<Field>,
    #[serde(rename = "JOB_TYPE", default)]
    job_type: Option<Field>,
    #[serde(rename = "JOB_RESULT", default)]
    job_result: Option<Field>,
}

/// The service of a unit: `kolla-nova_api-container.service` → `nova_api`.
pub fn unit_service(unit: &str) -> Option<&str> {
    if unit == "docker.service" {
        return Some("docker");
    }
    unit.strip_prefix("kolla-")?
        .strip_suffix("-container.service")
        .filter(|s| !s.is_empty())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Event {
    Stop,
    Started,
    Other,
}

fn event(e: &Entry) -> Event {
    let (job, result) = (Field::text(&e.job_type), Field::text(&e.job_result));
    match (job, result) {
        (Some("stop"), _) | (Some("restart"), None) => return Event::Stop,
        (Some("start" | "restart"), Some("done")) => return Event::Started,
        (Some(_), _) => return Event::Other,
        _ => {}
    }
    let m = Field::text(&e.message).unwrap_or("");
    if m.starts_with("Stopping ") || m.starts_with("Stopped ") {
        Event::Stop
    } else if m.starts_with("Started ") {
        Event::Started
    } else {
        Event::Other
    }
}

/// What one export gives.
#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: usize,
    pub restarts: Vec<Restart>,
    /// Stops with no start after them.
    pub unjoined: Vec<Unjoined>,
}

pub fn parse(text: &str, file: &Path, source: &str) -> Result<Parsed, RecordError> {
    let mut events: Vec<(String, String, Timestamp, Event)> = Vec::new();
    let all = lines(text, file, EXPECTED)?;
    let n = all.len();
    for (no, l) in all {
        let e: Entry = line(l, no, file, EXPECTED)?;
        let unit = Field::text(&e.unit).or_else(|| {
            Field::text(&e.systemd_unit)
                .filter(|u| Field::text(&e.message).is_some_and(|m| m.contains(u)))
        });
        let Some(service) = unit.and_then(unit_service) else {
            continue;
        };
        let ev = event(&e);
        if ev == Event::Other {
            continue;
        }
        let at = |m: String| RecordError::at(file, no, 1, m);
        let us = Field::text(&e.realtime).ok_or_else(|| at("no `__REALTIME_TIMESTAMP`".into()))?;
        let ts = us
            .parse::<i64>()
            .ok()
            .and_then(|us| Timestamp::from_microsecond(us).ok())
            .ok_or_else(|| at("`__REALTIME_TIMESTAMP` is not microseconds since 1970".into()))?;
        let host = Field::text(&e.hostname).ok_or_else(|| at("no `_HOSTNAME`".into()))?;
        for (field, v) in [("_HOSTNAME", host), ("UNIT", service)] {
            if let Some(why) = bad_name(v) {
                return Err(at(format!("`{field}` {why}")));
            }
        }
        events.push((host.to_string(), service.to_string(), ts, ev));
    }
    events.sort_by(|a, b| (&a.0, &a.1, a.2).cmp(&(&b.0, &b.1, b.2)));
    let mut out = Parsed {
        lines: n,
        ..Parsed::default()
    };
    let mut open: BTreeMap<(String, String), Timestamp> = BTreeMap::new();
    for (host, service, ts, ev) in events {
        let key = (host, service);
        match ev {
            Event::Stop => {
                open.entry(key).or_insert(ts);
            }
            Event::Started => {
                if let Some(start) = open.remove(&key) {
                    out.restarts.push(Restart {
                        service: key.1,
                        host: key.0,
                        start,
                        end: ts,
                        source: "journald",
                        file: source.to_string(),
                    });
                }
            }
            Event::Other => {}
        }
    }
    for ((host, service), start) in open {
        out.unjoined.push(Unjoined {
            what: "stop".into(),
            name: service,
            host: Some(host),
            start: Some(start),
            end: None,
            source: source.to_string(),
            reason: "stopped, and not started again before the export ends".into(),
        });
    }
    out.restarts
        .sort_by(|a, b| (a.start, &a.host).cmp(&(b.start, &b.host)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(us: i64, host: &str, unit: &str, msg: &str) -> String {
        serde_json::json!({
            "__REALTIME_TIMESTAMP": us.to_string(),
            "_HOSTNAME": host,
            "UNIT": unit,
            "_SYSTEMD_UNIT": "init.scope",
            "MESSAGE": msg,
            "PRIORITY": "6",
        })
        .to_string()
    }

    #[test]
    fn stop_to_start_of_each_unit_and_host_is_a_restart() {
        let t0: i64 = 1_800_000_000_000_000;
        let api = "kolla-nova_api-container.service";
        let text = [
            entry(t0, "ctl01", api, "Stopping kolla-nova_api-container.service - docker nova_api..."),
            entry(t0 + 100, "ctl02", api, "Stopping docker nova_api..."),
            entry(t0 + 9_500_000, "ctl01", api, "Stopped kolla-nova_api-container.service - docker nova_api."),
            entry(t0 + 10_000_000, "ctl01", api, "Starting kolla-nova_api-container.service - docker nova_api..."),
            entry(t0 + 12_250_000, "ctl01", api, "Started kolla-nova_api-container.service - docker nova_api."),
            // The container's own output and other units are skipped.
            serde_json::json!({"__REALTIME_TIMESTAMP": (t0 + 13_000_000).to_string(), "_HOSTNAME": "ctl01", "_SYSTEMD_UNIT": api, "MESSAGE": "Started server"}).to_string(),
            entry(t0 + 14_000_000, "ctl01", "cron.service", "Stopping cron..."),
            entry(t0 + 20_000_000, "ctl01", "docker.service", "Stopping Docker Application Container Engine..."),
            // A binary MESSAGE is an array of bytes in journald's JSON.
            serde_json::json!({"__REALTIME_TIMESTAMP": (t0 + 21_000_000).to_string(), "_HOSTNAME": "ctl01", "UNIT": "docker.service", "MESSAGE": [1, 2, 3]}).to_string(),
            serde_json::json!({"__REALTIME_TIMESTAMP": (t0 + 50_000_000).to_string(), "_HOSTNAME": "ctl01", "UNIT": "docker.service", "MESSAGE": "Started Docker Application Container Engine.", "JOB_TYPE": "start", "JOB_RESULT": "done"}).to_string(),
            // `systemctl restart`: the job's type is `restart` until it is done.
            serde_json::json!({"__REALTIME_TIMESTAMP": (t0 + 60_000_000).to_string(), "_HOSTNAME": "ctl02", "UNIT": "kolla-keystone-container.service", "MESSAGE": "Stopping kolla-keystone-container.service...", "JOB_TYPE": "restart"}).to_string(),
            serde_json::json!({"__REALTIME_TIMESTAMP": (t0 + 64_000_000).to_string(), "_HOSTNAME": "ctl02", "UNIT": "kolla-keystone-container.service", "MESSAGE": "Started kolla-keystone-container.service.", "JOB_TYPE": "restart", "JOB_RESULT": "done"}).to_string(),
        ]
        .join("\n");
        let p = parse(&text, Path::new("journal.json"), "journal.json").unwrap();
        let got: Vec<(&str, &str, f64)> = p
            .restarts
            .iter()
            .map(|r| {
                (
                    r.service.as_str(),
                    r.host.as_str(),
                    r.end.duration_since(r.start).as_secs_f64(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("nova_api", "ctl01", 12.25),
                ("docker", "ctl01", 30.0),
                ("keystone", "ctl02", 4.0)
            ]
        );
        assert_eq!(p.lines, 12);
        // ctl02 stopped and never started within the export: listed, not dropped.
        assert_eq!(p.unjoined.len(), 1);
        assert_eq!(
            (p.unjoined[0].name.as_str(), p.unjoined[0].host.as_deref()),
            ("nova_api", Some("ctl02"))
        );
    }

    #[test]
    fn bad_lines_name_line_and_column() {
        let p = Path::new("journal.json");
        let e = parse("{\"__REALTIME_TIMESTAMP\": \"1\"}\n{\"MESSAGE\": ", p, "j")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("journal.json:2:"), "{e}");
        let bad = entry(0, "ctl01", "docker.service", "Stopping x").replace("\"0\"", "\"s3cret\"");
        let e = parse(&bad, p, "j").unwrap_err().to_string();
        assert_eq!(
            e,
            "journal.json:1:1: `__REALTIME_TIMESTAMP` is not microseconds since 1970"
        );
        assert_eq!(unit_service("kolla--container.service"), None);
    }
}
