//! `docker events --format '{{json .}}'` exports: the restart gap of each container.
//!
//! Fields read: `Type` (only `container`, when present), `Action` (else the older `status`),
//! `Actor.Attributes.name` (the container name, which stays when kolla recreates the
//! container under a new `id`), `timeNano` (else `time`, seconds). A restart runs from the
//! first `kill`, `die` or `stop` to the next `start` of the same name; other actions
//! (`create`, `destroy`, `exec_*`, `health_status: …`) are skipped. Docker events carry no
//! host name: the host is given with the file (`--docker-events HOST=FILE`, or `--host`).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::Deserialize;

use super::error::RecordError;
use super::join::Restart;
use super::json::{bad_name, line, lines};
use crate::plan::history::Unjoined;

const EXPECTED: &str = "one `docker events --format '{{json .}}'` event per line";

#[derive(Debug, Deserialize)]
struct Actor {
    #[serde(rename = "Attributes", default)]
    attributes: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct Event {
    #[serde(default)]
    status: Option<String>,
    #[serde(rename = "Action", default)]
    action: Option<String>,
    #[serde(rename = "Type", default)]
    kind: Option<String>,
    #[serde(rename = "Actor", default)]
    actor: Option<Actor>,
    #[serde(default)]
    time: Option<i64>,
    #[serde(rename = "timeNano", default)]
    time_nano: Option<i128>,
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub lines: usize,
    pub restarts: Vec<Restart>,
    pub unjoined: Vec<Unjoined>,
}

pub fn parse(text: &str, file: &Path, host: &str, source: &str) -> Result<Parsed, RecordError> {
    let all = lines(text, file, EXPECTED)?;
    let mut out = Parsed {
        lines: all.len(),
        ..Parsed::default()
    };
    let mut events: Vec<(String, Timestamp, bool)> = Vec::new(); // name, time, is start
    for (no, l) in all {
        let e: Event = line(l, no, file, EXPECTED)?;
        if e.kind.as_deref().is_some_and(|k| k != "container") {
            continue;
        }
        let stop = match e.action.as_deref().or(e.status.as_deref()) {
            Some("kill" | "die" | "stop") => true,
            Some("start") => false,
            _ => continue,
        };
        let at = |m: String| RecordError::at(file, no, 1, m);
        let name = match e.actor.as_ref().and_then(|a| a.attributes.get("name")) {
            Some(serde_json::Value::String(n)) => n.clone(),
            _ => {
                return Err(at(
                    "a container event without `Actor.Attributes.name`".into()
                ));
            }
        };
        if let Some(why) = bad_name(&name) {
            return Err(at(format!("`Actor.Attributes.name` {why}")));
        }
        let ts = match (e.time_nano, e.time) {
            (Some(ns), _) => Timestamp::from_nanosecond(ns).ok(),
            (None, Some(s)) => Timestamp::from_second(s).ok(),
            (None, None) => return Err(at("no `timeNano` or `time`".into())),
        }
        .ok_or_else(|| at("`timeNano`/`time` is out of range".into()))?;
        events.push((name, ts, !stop));
    }
    events.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    let mut open: BTreeMap<String, Timestamp> = BTreeMap::new();
    for (name, ts, start) in events {
        if !start {
            open.entry(name).or_insert(ts);
        } else if let Some(s) = open.remove(&name) {
            out.restarts.push(Restart {
                service: name,
                host: host.to_string(),
                start: s,
                end: ts,
                source: "docker-events",
                file: source.to_string(),
            });
        }
    }
    for (name, start) in open {
        out.unjoined.push(Unjoined {
            what: "stop".into(),
            name,
            host: Some(host.to_string()),
            start: Some(start),
            end: None,
            source: source.to_string(),
            reason: "stopped, and not started again before the export ends".into(),
        });
    }
    out.restarts.sort_by_key(|r| r.start);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(action: &str, name: &str, id: &str, ns: i128) -> String {
        serde_json::json!({
            "status": action, "id": id, "from": "registry.osism.tech/kolla/nova-api:2024.1",
            "Type": "container", "Action": action,
            "Actor": {"ID": id, "Attributes": {"image": "registry.osism.tech/kolla/nova-api:2024.1", "name": name, "exitCode": "143"}},
            "scope": "local", "time": (ns / 1_000_000_000) as i64, "timeNano": ns,
        })
        .to_string()
    }

    #[test]
    fn kill_to_start_of_a_name_is_a_restart_also_when_recreated() {
        let t0: i128 = 1_800_000_000_000_000_000;
        let text = [
            ev("kill", "nova_api", "aaa", t0),
            ev("die", "nova_api", "aaa", t0 + 1_500_000_000),
            ev("destroy", "nova_api", "aaa", t0 + 2_000_000_000),
            ev("create", "nova_api", "bbb", t0 + 3_000_000_000),
            ev("start", "nova_api", "bbb", t0 + 4_250_000_000),
            ev("exec_create: healthcheck_curl http://x", "nova_api", "bbb", t0 + 5_000_000_000),
            serde_json::json!({"Type": "image", "Action": "pull", "Actor": {"Attributes": {"name": "x"}}, "timeNano": 1}).to_string(),
            ev("die", "nova_scheduler", "ccc", t0 + 9_000_000_000),
        ]
        .join("\n");
        let p = parse(&text, Path::new("ev.jsonl"), "ctl01", "ev.jsonl").unwrap();
        assert_eq!(p.restarts.len(), 1);
        let r = &p.restarts[0];
        assert_eq!((r.service.as_str(), r.host.as_str()), ("nova_api", "ctl01"));
        assert_eq!(r.end.duration_since(r.start).as_secs_f64(), 4.25);
        assert_eq!(p.unjoined.len(), 1);
        assert_eq!(p.unjoined[0].name, "nova_scheduler");
    }

    #[test]
    fn old_events_with_status_and_time_only_are_read() {
        let text = "{\"status\":\"stop\",\"id\":\"a\",\"Actor\":{\"Attributes\":{\"name\":\"keystone\"}},\"time\":1800000000}\n\
                    {\"status\":\"start\",\"id\":\"a\",\"Actor\":{\"Attributes\":{\"name\":\"keystone\"}},\"time\":1800000007}\n";
        let p = parse(text, Path::new("ev.jsonl"), "ctl01", "ev.jsonl").unwrap();
        assert_eq!(
            p.restarts[0]
                .end
                .duration_since(p.restarts[0].start)
                .as_secs(),
            7
        );
        let e = parse(
            "{\"Action\":\"kill\",\"Actor\":{\"Attributes\":{}},\"timeNano\":1}\n",
            Path::new("ev.jsonl"),
            "h",
            "e",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            e,
            "ev.jsonl:1:1: a container event without `Actor.Attributes.name`"
        );
    }
}
