//! Joining records to plan steps by time and host: a restart or an outage window belongs to
//! the step whose recorded span holds its start. When several steps ran then, the host
//! decides (a span knows its hosts when it comes from ARA results), then the container rule
//! of record-map.yaml; when none or still several, the record is unjoined, with the reason.

use std::collections::BTreeSet;

use jiff::Timestamp;

/// A recorded time span of one step (from the timing log, an ARA playbook or plays).
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub step: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The hosts it ran on; `None` when the source does not say (the timing log).
    pub hosts: Option<BTreeSet<String>>,
}

/// A container restart before it is joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Restart {
    pub service: String,
    pub host: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// `ara`, `journald` or `docker-events`.
    pub source: &'static str,
    /// The input file.
    pub file: String,
}

/// One host name is the other, or its fully qualified form (`ctl01` and `ctl01.example`).
pub fn same_host(a: &str, b: &str) -> bool {
    let fq = |long: &str, short: &str| {
        long.strip_prefix(short)
            .is_some_and(|rest| rest.starts_with('.'))
    };
    a == b || fq(a, b) || fq(b, a)
}

/// The step that holds `at`: see the module documentation. `prefer` is the step the
/// record's container names (record-map.yaml `containers`).
pub fn step_at(
    spans: &[Span],
    at: Timestamp,
    host: Option<&str>,
    prefer: Option<&str>,
) -> Result<String, String> {
    let holding: Vec<&Span> = spans
        .iter()
        .filter(|s| s.start <= at && (at < s.end || s.start == s.end && at == s.end))
        .collect();
    let ids = |v: &[&Span]| -> Vec<String> {
        let set: BTreeSet<&str> = v.iter().map(|s| s.step.as_str()).collect();
        set.into_iter().map(str::to_string).collect()
    };
    let all = ids(&holding);
    match all.len() {
        0 => return Err("no recorded step span holds its start".into()),
        1 => return Ok(all[0].clone()),
        _ => {}
    }
    if let Some(h) = host {
        let on: Vec<&Span> = holding
            .iter()
            .copied()
            .filter(|s| {
                s.hosts
                    .as_ref()
                    .is_some_and(|hs| hs.iter().any(|x| same_host(x, h)))
            })
            .collect();
        let on = ids(&on);
        if on.len() == 1 {
            return Ok(on[0].clone());
        }
    }
    if let Some(p) = prefer
        && all.iter().any(|s| s == p)
    {
        return Ok(p.to_string());
    }
    Err(format!(
        "several recorded steps ran then ({}) and neither the host nor record-map.yaml decides",
        all.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn span(step: &str, a: i64, b: i64, hosts: Option<&[&str]>) -> Span {
        Span {
            step: step.into(),
            start: t(a),
            end: t(b),
            hosts: hosts.map(|h| h.iter().map(|x| x.to_string()).collect()),
        }
    }

    #[test]
    fn time_then_host_then_container_rule_decide() {
        let spans = [
            span("keystone", 0, 100, Some(&["ctl01", "ctl02"])),
            span("ceph_osds", 50, 200, Some(&["stor01"])),
            span("nova", 150, 300, None),
        ];
        assert_eq!(
            step_at(&spans, t(10), Some("ctl01"), None).unwrap(),
            "keystone"
        );
        // Concurrent: the host decides, also in its fully qualified form.
        assert_eq!(
            step_at(&spans, t(60), Some("stor01.example.org"), None).unwrap(),
            "ceph_osds"
        );
        // The timing log's span knows no hosts: the container rule decides.
        let e = step_at(&spans, t(160), Some("ctl01"), None).unwrap_err();
        assert!(e.contains("ceph_osds, nova"), "{e}");
        assert_eq!(
            step_at(&spans, t(160), Some("ctl01"), Some("nova")).unwrap(),
            "nova"
        );
        assert_eq!(
            step_at(&spans, t(400), None, None).unwrap_err(),
            "no recorded step span holds its start"
        );
        // Spans are half-open: the end belongs to the next step.
        assert_eq!(
            step_at(&spans, t(300), None, None).unwrap_err(),
            "no recorded step span holds its start"
        );
        assert_eq!(step_at(&spans, t(299), None, None).unwrap(), "nova");
        assert!(!same_host("ctl01", "ctl011"));
    }
}
