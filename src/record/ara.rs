//! ARA exports: `ara playbook list --long -f json`, `ara result list --long --resolve -f json`
//! and (optional) `ara task list --long --resolve -f json`, each with a `--limit` above the
//! run's count (ARA's default is 50).
//!
//! Fields read (others are ignored):
//! - playbooks: `id`, `name` (null unless set), `path`, `started`, `ended` (REST API only) or
//!   `duration` (`HH:MM:SS.ffffff`, `D HH:MM:SS` past a day), `results` (the count, to notice
//!   a results export cut by `--limit`);
//! - results: `playbook`, `play`, `task`, `host` (resolved: `"(7) nova : Restart nova-api
//!   container"`; the number is ARA's id), `status`, `started`, `ended` or `duration`;
//! - tasks: `id`, `name`, `handler` (true for a handler).
//!
//! A step's span is the playbook's `started` … `started + duration`, or for plays that
//! record-map.yaml names, the first result's start to the last result's end within them; its
//! hosts are the hosts of its results. A restart is a result of a restart handler (its name
//! matches `restart_handler`; a handler by `tasks` when given) with status `changed` or `ok`,
//! from its start to its end on its host: the control side of the gap (the container stop
//! and start), without the service's own start-up.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::error::RecordError;
use super::join::{Restart, Span};
use super::json::{Located, array, bad_name};
use super::map::{Map, stem};
use crate::plan::history::Unjoined;

/// An id, or an id resolved to `(id) name`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Ref {
    Id(u64),
    Named(String),
}

impl Ref {
    /// `(7) nova : Restart nova-api container` → (Some(7), Some("nova : Restart …")).
    fn split(&self) -> (Option<u64>, Option<&str>) {
        match self {
            Ref::Id(i) => (Some(*i), None),
            Ref::Named(s) => match s
                .strip_prefix('(')
                .and_then(|r| r.split_once(") "))
                .and_then(|(id, rest)| id.parse().ok().map(|id| (id, rest)))
            {
                Some((id, rest)) => (Some(id), Some(rest)),
                None => (None, Some(s.as_str())),
            },
        }
    }
}

#[derive(Debug, Deserialize)]
struct RawPlaybook {
    id: u64,
    #[serde(default)]
    name: Option<String>,
    path: String,
    started: Option<String>,
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    duration: Option<String>,
    #[serde(default)]
    results: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct RawResult {
    status: String,
    playbook: Ref,
    #[serde(default)]
    play: Option<Ref>,
    task: Ref,
    host: Ref,
    started: Option<String>,
    #[serde(default)]
    ended: Option<String>,
    #[serde(default)]
    duration: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RawTask {
    id: u64,
    #[serde(default)]
    handler: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    pub id: u64,
    pub name: Option<String>,
    pub path: String,
    pub start: Timestamp,
    /// `None` while it was still running.
    pub end: Option<Timestamp>,
    pub results: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaskResult {
    pub playbook: u64,
    /// The playbook path, from a resolved export.
    pub playbook_path: Option<String>,
    pub play: Option<String>,
    pub task_id: Option<u64>,
    pub task: String,
    pub host: String,
    pub status: String,
    pub start: Timestamp,
    pub end: Timestamp,
}

const PLAYBOOKS: &str = "ARA playbooks (`ara playbook list --long -f json`)";
const RESULTS: &str = "ARA results (`ara result list --long --resolve -f json`)";
const TASKS: &str = "ARA tasks (`ara task list --long --resolve -f json`)";

/// `00:00:14.872090`, `1 02:03:04.5` or `1 day, 2:03:04` (ARA's CLI and REST API).
pub fn parse_duration(s: &str) -> Option<SignedDuration> {
    let s = s.trim();
    let (days, hms) = match s.rsplit_once(' ') {
        Some((d, hms)) => {
            let d = d.trim_end_matches(',');
            let d = d
                .strip_suffix(" days")
                .or_else(|| d.strip_suffix(" day"))
                .unwrap_or(d);
            (d.trim().parse::<u32>().ok()?, hms)
        }
        None => (0, s),
    };
    let mut parts = hms.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    let sec: f64 = sec.parse().ok()?;
    if m >= 60 || !(0.0..60.0).contains(&sec) {
        return None;
    }
    let total = f64::from(days) * 86_400.0 + f64::from(h) * 3600.0 + f64::from(m) * 60.0 + sec;
    Some(SignedDuration::from_secs_f64(total))
}

fn time(
    s: Option<&str>,
    field: &str,
    file: &Path,
    at: (usize, usize),
) -> Result<Timestamp, RecordError> {
    let s = s.ok_or_else(|| RecordError::at(file, at.0, at.1, format!("no `{field}`")))?;
    s.parse().map_err(|_| {
        RecordError::at(
            file,
            at.0,
            at.1,
            format!("`{field}` is not an RFC 3339 time (e.g. 2024-03-23T20:00:00.5Z)"),
        )
    })
}

/// The end from `ended`, else `start + duration`; `Ok(None)` when neither is there.
fn end(
    start: Timestamp,
    ended: Option<&str>,
    duration: Option<&str>,
    file: &Path,
    at: (usize, usize),
) -> Result<Option<Timestamp>, RecordError> {
    if ended.is_some() {
        return time(ended, "ended", file, at).map(Some);
    }
    let Some(d) = duration else { return Ok(None) };
    let d = parse_duration(d).ok_or_else(|| {
        RecordError::at(
            file,
            at.0,
            at.1,
            "`duration` is not a duration like 00:01:02.5 (HH:MM:SS)",
        )
    })?;
    start
        .checked_add(d)
        .map(Some)
        .map_err(|_| RecordError::at(file, at.0, at.1, "`started` + `duration` is out of range"))
}

fn name_ok(s: &str, field: &str, file: &Path, at: (usize, usize)) -> Result<(), RecordError> {
    match bad_name(s) {
        Some(why) => Err(RecordError::at(
            file,
            at.0,
            at.1,
            format!("`{field}` {why}"),
        )),
        None => Ok(()),
    }
}

pub fn parse_playbooks(text: &str, file: &Path) -> Result<Vec<Playbook>, RecordError> {
    let raw: Vec<Located<RawPlaybook>> = array(text, file, PLAYBOOKS)?;
    let mut out = Vec::new();
    for Located {
        value: p,
        line,
        column,
    } in raw
    {
        let at = (line, column);
        name_ok(&p.path, "path", file, at)?;
        if let Some(n) = &p.name {
            name_ok(n, "name", file, at)?;
        }
        let start = time(p.started.as_deref(), "started", file, at)?;
        let end = end(start, p.ended.as_deref(), p.duration.as_deref(), file, at)?;
        out.push(Playbook {
            id: p.id,
            name: p.name,
            path: p.path,
            start,
            end,
            results: p.results,
        });
    }
    Ok(out)
}

pub fn parse_results(text: &str, file: &Path) -> Result<Vec<TaskResult>, RecordError> {
    let raw: Vec<Located<RawResult>> = array(text, file, RESULTS)?;
    let mut out = Vec::new();
    for Located {
        value: r,
        line,
        column,
    } in raw
    {
        let at = (line, column);
        let unresolved = |field: &str| {
            RecordError::at(
                file,
                line,
                column,
                format!(
                    "`{field}` is an id, not a name: export with `ara result list --long --resolve -f json`"
                ),
            )
        };
        let (pb, pb_path) = r.playbook.split();
        let playbook =
            pb.ok_or_else(|| RecordError::at(file, line, column, "`playbook` has no id `(N) …`"))?;
        let play = match &r.play {
            None => None,
            Some(p) => Some(p.split().1.ok_or_else(|| unresolved("play"))?.to_string()),
        };
        let (task_id, task) = r.task.split();
        let task = task.ok_or_else(|| unresolved("task"))?.to_string();
        let host = r
            .host
            .split()
            .1
            .ok_or_else(|| unresolved("host"))?
            .to_string();
        for (field, v) in [("task", &task), ("host", &host), ("status", &r.status)] {
            name_ok(v, field, file, at)?;
        }
        if let Some(p) = pb_path {
            name_ok(p, "playbook", file, at)?;
        }
        if let Some(p) = &play {
            name_ok(p, "play", file, at)?;
        }
        let start = time(r.started.as_deref(), "started", file, at)?;
        let end = end(start, r.ended.as_deref(), r.duration.as_deref(), file, at)?.unwrap_or(start);
        out.push(TaskResult {
            playbook,
            playbook_path: pb_path.map(str::to_string),
            play,
            task_id,
            task,
            host,
            status: r.status,
            start,
            end,
        });
    }
    Ok(out)
}

/// Task id → whether it is a handler.
pub fn parse_tasks(text: &str, file: &Path) -> Result<BTreeMap<u64, bool>, RecordError> {
    let raw: Vec<Located<RawTask>> = array(text, file, TASKS)?;
    Ok(raw
        .into_iter()
        .map(|t| (t.value.id, t.value.handler))
        .collect())
}

/// What the ARA exports of one run give.
#[derive(Debug, Default)]
pub struct Assembled {
    pub spans: Vec<Span>,
    pub restarts: Vec<Restart>,
    pub unjoined: Vec<Unjoined>,
    pub notes: Vec<String>,
    /// Playbooks and plays record-map.yaml ignores.
    pub ignored: usize,
}

/// The role of a task name `nova : Copying over nova.conf`.
fn role(task: &str) -> Option<&str> {
    task.split_once(" : ").map(|(r, _)| r.trim())
}

fn widen(span: &mut Option<(Timestamp, Timestamp, BTreeSet<String>)>, r: &TaskResult) {
    match span {
        Some((a, b, hosts)) => {
            *a = (*a).min(r.start);
            *b = (*b).max(r.end);
            hosts.insert(r.host.clone());
        }
        None => *span = Some((r.start, r.end, BTreeSet::from([r.host.clone()]))),
    }
}

/// Steps, restarts and what no rule names, from the parsed exports. `source` names the
/// results file(s) in unjoined entries.
pub fn assemble(
    map: &Map,
    playbooks: &[Playbook],
    results: &[TaskResult],
    handlers: Option<&BTreeMap<u64, bool>>,
    source: &str,
) -> Assembled {
    let mut out = Assembled::default();
    let mut by_pb: BTreeMap<u64, Vec<&TaskResult>> = BTreeMap::new();
    for r in results {
        by_pb.entry(r.playbook).or_default().push(r);
    }
    // Every playbook: from the list, or only seen in results.
    let mut pbs: Vec<Playbook> = playbooks.to_vec();
    for (id, rs) in &by_pb {
        if !pbs.iter().any(|p| p.id == *id) {
            pbs.push(Playbook {
                id: *id,
                name: None,
                path: rs[0]
                    .playbook_path
                    .clone()
                    .unwrap_or_else(|| format!("#{id}")),
                start: rs.iter().map(|r| r.start).min().unwrap_or(rs[0].start),
                end: rs.iter().map(|r| r.end).max(),
                results: None,
            });
        }
    }
    pbs.sort_by_key(|p| (p.start, p.id));
    for pb in &pbs {
        let st = stem(&pb.path);
        let mut names = vec![st];
        if let Some(n) = &pb.name {
            names.push(n);
        }
        let label = pb.name.as_deref().unwrap_or(st).to_string();
        let rs: &[&TaskResult] = by_pb.get(&pb.id).map_or(&[], Vec::as_slice);
        if !results.is_empty()
            && let Some(n) = pb.results
            && (rs.len() as u64) < n
        {
            out.notes.push(format!(
                "playbook `{label}`: the results export holds {} of its {n} results (export with a larger `--limit`)",
                rs.len()
            ));
        }
        if map.ignores_playbook(&names) {
            out.ignored += 1;
            continue;
        }
        let pb_step = map.playbook_step(&names).map(str::to_string);
        // Plays in order of their first result.
        let mut plays: Vec<&str> = Vec::new();
        for r in rs {
            if let Some(p) = r.play.as_deref()
                && !plays.contains(&p)
            {
                plays.push(p);
            }
        }
        let mut play_spans: BTreeMap<String, Option<(Timestamp, Timestamp, BTreeSet<String>)>> =
            BTreeMap::new();
        let mut rest: Vec<&TaskResult> = Vec::new();
        let mut rest_plays: Vec<&str> = Vec::new();
        for p in &plays {
            if map.ignores_play(p) {
                out.ignored += 1;
            } else if let Some(step) = map.play_step(p) {
                let span = play_spans.entry(step.to_string()).or_default();
                for r in rs.iter().filter(|r| r.play.as_deref() == Some(p)) {
                    widen(span, r);
                }
            } else {
                rest_plays.push(p);
            }
        }
        rest.extend(
            rs.iter()
                .copied()
                .filter(|r| r.play.as_deref().is_none_or(|p| rest_plays.contains(&p))),
        );
        for (step, span) in play_spans {
            if let Some((start, end, hosts)) = span {
                out.spans.push(Span {
                    step,
                    start,
                    end,
                    hosts: Some(hosts),
                });
            }
        }
        let step = pb_step.or_else(|| {
            rest.iter()
                .filter_map(|r| role(&r.task))
                .find_map(|r| map.role_step(r))
                .map(str::to_string)
        });
        let had_plays = rest.len() < rs.len();
        match step {
            Some(step) if !rest.is_empty() || rs.is_empty() => {
                let hosts: BTreeSet<String> = rest.iter().map(|r| r.host.clone()).collect();
                let end = pb.end.or_else(|| rest.iter().map(|r| r.end).max());
                match end {
                    Some(end) => out.spans.push(Span {
                        step,
                        // Plays of other steps inside this playbook keep their own spans;
                        // this one covers the whole playbook unless only plays are left.
                        start: if had_plays {
                            rest.iter().map(|r| r.start).min().unwrap_or(pb.start)
                        } else {
                            pb.start
                        },
                        end: if had_plays {
                            rest.iter().map(|r| r.end).max().unwrap_or(end)
                        } else {
                            end
                        },
                        hosts: (!hosts.is_empty()).then_some(hosts),
                    }),
                    None => out.unjoined.push(Unjoined {
                        what: "playbook".into(),
                        name: label.clone(),
                        host: None,
                        start: Some(pb.start),
                        end: None,
                        source: source.to_string(),
                        reason: "the playbook has no end (still running when exported?)".into(),
                    }),
                }
            }
            Some(_) => {}
            None if had_plays => {
                for p in &rest_plays {
                    let prs = rest.iter().filter(|r| r.play.as_deref() == Some(p));
                    out.unjoined.push(Unjoined {
                        what: "play".into(),
                        name: format!("{p} ({label})"),
                        host: None,
                        start: prs.clone().map(|r| r.start).min(),
                        end: prs.map(|r| r.end).max(),
                        source: source.to_string(),
                        reason: "no rule in record-map.yaml names this play or its playbook".into(),
                    });
                }
            }
            None => out.unjoined.push(Unjoined {
                what: "playbook".into(),
                name: label.clone(),
                host: None,
                start: Some(pb.start),
                end: pb.end,
                source: source.to_string(),
                reason: "no rule in record-map.yaml names this playbook, its plays or roles".into(),
            }),
        }
    }
    for r in results {
        let Some(service) = map.handler_service(&r.task) else {
            continue;
        };
        if let (Some(h), Some(id)) = (handlers, r.task_id)
            && h.get(&id) == Some(&false)
        {
            continue;
        }
        if r.status != "changed" && r.status != "ok" {
            continue;
        }
        out.restarts.push(Restart {
            service,
            host: r.host.clone(),
            start: r.start,
            end: r.end,
            source: "ara",
            file: source.to_string(),
        });
    }
    out.restarts
        .sort_by(|a, b| (a.start, &a.host).cmp(&(b.start, &b.host)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> (String, std::path::PathBuf) {
        let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/ara")
            .join(name);
        (std::fs::read_to_string(&p).unwrap(), p)
    }

    pub(crate) fn map() -> Map {
        let data = crate::data::DataDir::Embedded;
        let (catalog, _) = crate::plan::load::catalog(&data).unwrap();
        Map::load(&data, &catalog).unwrap()
    }

    #[test]
    fn durations_in_aras_spellings() {
        let s = |d: &str| parse_duration(d).map(|d| d.as_secs_f64());
        assert_eq!(s("00:00:14.872090"), Some(14.87209));
        assert_eq!(s("01:02:03"), Some(3723.0));
        assert_eq!(s("1 02:00:00"), Some(93_600.0));
        assert_eq!(s("2 days, 0:00:01"), Some(172_801.0));
        assert_eq!(s("00:61:00"), None);
        assert_eq!(s("soon"), None);
    }

    #[test]
    fn the_real_ara_export_gives_steps_restarts_and_an_unmapped_playbook() {
        let (pt, pp) = fixture("playbooks.json");
        let (rt, rp) = fixture("results.json");
        let (tt, tp) = fixture("tasks.json");
        let playbooks = parse_playbooks(&pt, &pp).unwrap();
        let results = parse_results(&rt, &rp).unwrap();
        let tasks = parse_tasks(&tt, &tp).unwrap();
        assert_eq!((playbooks.len(), results.len(), tasks.len()), (4, 22, 14));
        assert_eq!(tasks.values().filter(|h| **h).count(), 3);
        let a = assemble(&map(), &playbooks, &results, Some(&tasks), "results.json");
        let steps: Vec<(&str, Option<usize>)> = a
            .spans
            .iter()
            .map(|s| (s.step.as_str(), s.hosts.as_ref().map(BTreeSet::len)))
            .collect();
        assert_eq!(
            steps,
            [
                ("keystone", Some(2)),
                ("nova", Some(2)),
                ("ceph_mons", Some(1)),
                ("ceph_osds", Some(1))
            ]
        );
        // The nova playbook's span is ARA's own: started + duration.
        let nova = &a.spans[1];
        let pb = playbooks
            .iter()
            .find(|p| p.path.ends_with("kolla-nova.yml"))
            .unwrap();
        assert_eq!((nova.start, Some(nova.end)), (pb.start, pb.end));
        let restarts: Vec<(&str, &str)> = a
            .restarts
            .iter()
            .map(|r| (r.service.as_str(), r.host.as_str()))
            .collect();
        assert_eq!(
            restarts,
            [
                ("keystone", "ctl01"),
                ("keystone", "ctl02"),
                ("nova_api", "ctl01"),
                ("nova_api", "ctl02"),
                ("nova_scheduler", "ctl01"),
                ("nova_scheduler", "ctl02")
            ]
        );
        assert!(a.restarts.iter().all(|r| r.end > r.start));
        // The confirmation play is ignored; the site's own playbook is unjoined, not dropped.
        assert_eq!(a.ignored, 1);
        assert_eq!(a.unjoined.len(), 1);
        assert_eq!(a.unjoined[0].name, "site-cleanup");
        assert!(a.notes.is_empty(), "{:?}", a.notes);
        // Without the tasks export the handler names alone find the same restarts.
        let b = assemble(&map(), &playbooks, &results, None, "results.json");
        assert_eq!(b.restarts, a.restarts);
        // Results alone: the spans come from the results.
        let c = assemble(&map(), &[], &results, None, "results.json");
        assert_eq!(c.spans.len(), 4);
        assert!(c.spans[1].start > pb.start && c.spans[1].end < pb.end.unwrap());
    }

    #[test]
    fn a_results_export_cut_by_the_limit_is_noticed() {
        let (pt, pp) = fixture("playbooks.json");
        let (rt, rp) = fixture("results.json");
        let playbooks = parse_playbooks(&pt, &pp).unwrap();
        let results = parse_results(&rt, &rp).unwrap();
        let cut: Vec<TaskResult> = results
            .into_iter()
            .filter(|r| !r.task.contains("Pulling nova"))
            .collect();
        let a = assemble(&map(), &playbooks, &cut, None, "results.json");
        assert_eq!(
            a.notes,
            [
                "playbook `kolla-nova`: the results export holds 7 of its 9 results (export with a larger `--limit`)"
            ]
        );
    }

    #[test]
    fn bad_entries_are_located_without_their_values() {
        let p = Path::new("results.json");
        let ok = r#"{"status": "ok", "playbook": "(1) /a/kolla-nova.yml", "play": "(1) Apply role nova", "task": "(1) x", "host": "(1) ctl01", "started": "2026-01-01T00:00:00Z", "duration": "00:00:01"}"#;
        let cases = [
            (
                ok.replace("(1) ctl01", "1")
                    .replace("\"host\": \"1\"", "\"host\": 1"),
                "results.json:3:3: `host` is an id, not a name: export with `ara result list --long --resolve -f json`",
            ),
            (
                ok.replace("2026-01-01T00:00:00Z", "s3cret"),
                "results.json:3:3: `started` is not an RFC 3339 time (e.g. 2024-03-23T20:00:00.5Z)",
            ),
            (
                ok.replace("00:00:01", "s3cret"),
                "results.json:3:3: `duration` is not a duration like 00:01:02.5 (HH:MM:SS)",
            ),
        ];
        for (entry, want) in cases {
            let text = format!("[\n  {ok},\n  {entry}\n]\n");
            let e = parse_results(&text, p).unwrap_err().to_string();
            assert_eq!(e, want);
            assert!(!e.contains("s3cret"));
        }
    }
}
