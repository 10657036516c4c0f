//! `upgrade record`: real run data into one run file of the history directory
//! ([`crate::plan::history`]). Inputs, each read bounded and located in its errors:
//!
//! - our timing log (`{"step","start","end"}` lines) and ARA exports ([`ara`]) give the
//!   steps' time spans;
//! - ARA restart handlers, journald ([`journald`]) and `docker events` ([`docker`]) give
//!   container restarts (service, host, stop → start);
//! - probe logs ([`crate::probe`]) give each API's full and degraded windows.
//!
//! Restarts and windows are joined to the steps by time and host ([`join`]); the names of
//! playbooks, plays, roles and containers map to steps through record-map.yaml ([`map`]).
//! Nothing is dropped: what no step takes is listed as unjoined, with the reason.

pub mod ara;
pub mod attribute;
pub mod docker;
pub mod error;
pub mod join;
pub mod journald;
mod json;
pub mod map;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use jiff::Timestamp;

pub use error::RecordError;
pub use map::Map;

use crate::plan::history::{
    self, RecordedEffect, RecordedRestart, RecordedStep, Run, RunSource, Unjoined,
};
use crate::plan::model::{OutageKind, StepsFile};
use join::{Restart, Span, step_at};

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    TimingLog,
    AraPlaybooks,
    AraResults,
    AraTasks,
    Journald,
    DockerEvents,
    Probe,
}

impl Kind {
    /// As written in the run file's `sources`.
    pub fn id(self) -> &'static str {
        match self {
            Kind::TimingLog => "timing-log",
            Kind::AraPlaybooks => "ara-playbooks",
            Kind::AraResults => "ara-results",
            Kind::AraTasks => "ara-tasks",
            Kind::Journald => "journald",
            Kind::DockerEvents => "docker-events",
            Kind::Probe => "probe",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::TimingLog => "a timing log",
            Kind::AraPlaybooks => "an ARA playbook list",
            Kind::AraResults => "an ARA result list",
            Kind::AraTasks => "an ARA task list",
            Kind::Journald => "a journald export",
            Kind::DockerEvents => "docker events",
            Kind::Probe => "a probe log",
        }
    }
}

/// What kind of run data `text` is, by the keys of its first entry.
pub fn detect(text: &str) -> Option<Kind> {
    let keys = json::first_keys(text)?;
    let has = |k: &str| keys.contains_key(k);
    if text.trim_start().starts_with('[') {
        return if has("ansible_version") || has("controller") {
            Some(Kind::AraPlaybooks)
        } else if has("handler") && has("action") {
            Some(Kind::AraTasks)
        } else if has("task") && has("host") {
            Some(Kind::AraResults)
        } else {
            None
        };
    }
    if has("__REALTIME_TIMESTAMP") {
        Some(Kind::Journald)
    } else if has("timeNano") || has("Actor") {
        Some(Kind::DockerEvents)
    } else if keys
        .get("kind")
        .and_then(|k| k.as_str())
        .is_some_and(|k| matches!(k, "start" | "probe" | "summary"))
    {
        Some(Kind::Probe)
    } else if has("step") {
        Some(Kind::TimingLog)
    } else {
        None
    }
}

/// One input: a file, its kind (`None`: detect it) and, for docker events, its host.
#[derive(Debug, Clone)]
pub struct Input {
    pub path: PathBuf,
    pub kind: Option<Kind>,
    pub host: Option<String>,
}

/// What was read from one input.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct Read {
    pub file: String,
    pub kind: &'static str,
    #[serde(skip)]
    pub describe: &'static str,
    /// The kind came from the content (`--log`), not from the option.
    pub detected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    pub entries: usize,
    /// `3 steps`, `22 results`, `10 lines, 2 restarts`.
    pub found: String,
}

/// A recorded run and what reading it said.
#[derive(Debug, Clone)]
pub struct Recording {
    pub run: Run,
    pub read: Vec<Read>,
    /// Things the operator should look at (`warning:` lines).
    pub warnings: Vec<String>,
    /// How inputs were combined (`note:` lines).
    pub notes: Vec<String>,
}

const RUN_DATA: &str = "a timing log ({\"step\", \"start\", \"end\"} lines), an ARA export (`ara playbook|result|task list -f json`), a journald export (`journalctl -o json`), docker events (`docker events --format '{{json .}}'`) or a probe log";

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The catalog API an API name of a probe log is: its id or name in any case, or an
/// instance of a per-cluster API (`Kubernetes API {cluster}` → `Kubernetes API prod`).
pub fn catalog_api(catalog: &StepsFile, name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    catalog.apis.iter().find_map(|a| {
        if a.id.eq_ignore_ascii_case(name) || a.name.eq_ignore_ascii_case(name) {
            return Some(a.id.clone());
        }
        let (pre, post) = a.id.split_once("{cluster}")?;
        let (pre, post) = (pre.to_lowercase(), post.to_lowercase());
        let cluster = lower.strip_prefix(&pre)?.strip_suffix(&post)?;
        let original = name
            .get(pre.len()..pre.len() + cluster.len())
            .unwrap_or(cluster);
        (!cluster.is_empty()).then(|| a.id.replace("{cluster}", original))
    })
}

/// What one probe log adds to a run: its windows under catalog API ids.
struct ProbeWindows {
    windows: Vec<(String, OutageKind, crate::probe::Window, String)>,
    warnings: Vec<String>,
    notes: Vec<String>,
    found: String,
}

fn add_probe(
    file: &str,
    log: &crate::probe::log::ProbeLog,
    measures: &[crate::probe::ApiMeasure],
    catalog: &StepsFile,
) -> ProbeWindows {
    let mut out = ProbeWindows {
        windows: Vec::new(),
        warnings: Vec::new(),
        notes: Vec::new(),
        found: String::new(),
    };
    for m in measures {
        let api = match catalog_api(catalog, &m.api) {
            Some(id) => id,
            None => {
                out.warnings.push(format!(
                    "{file}: API `{}` is not an API of {}; its windows are recorded under this name and calibrate nothing",
                    m.api,
                    crate::plan::load::STEPS
                ));
                m.api.clone()
            }
        };
        for (kind, ws) in [
            (OutageKind::Full, &m.full),
            (OutageKind::Degraded, &m.degraded),
        ] {
            for w in ws {
                out.windows
                    .push((api.clone(), kind, w.clone(), file.to_string()));
            }
        }
        if m.baseline.short && !m.degraded.is_empty() {
            out.notes.push(format!(
                "{file}: `{}` has a baseline of {:.0} s before its first outage (10 min wanted): its latency windows may be off",
                m.api, m.baseline.seconds
            ));
        }
    }
    out.found = format!(
        "{} of {}, {}",
        plural(log.samples.len(), "sample", "samples"),
        plural(measures.len(), "API", "APIs"),
        plural(out.windows.len(), "window", "windows")
    );
    out
}

/// A probe log the caller has already read and classified (`upgrade validate` streams it).
pub struct Measured<'a> {
    pub file: &'a std::path::Path,
    pub log: &'a crate::probe::log::ProbeLog,
    pub measures: &'a [crate::probe::ApiMeasure],
}

/// Read every input and join it into one run (see the module documentation).
pub fn record(inputs: &[Input], catalog: &StepsFile, map: &Map) -> Result<Recording, RecordError> {
    record_with(inputs, &[], catalog, map)
}

/// [`record`], with probe logs already read.
pub fn record_with(
    inputs: &[Input],
    measured: &[Measured<'_>],
    catalog: &StepsFile,
    map: &Map,
) -> Result<Recording, RecordError> {
    use crate::base::limits::{LOG_MAX_FILE_BYTES, RECORD_MAX_FILE_BYTES, read_text};
    let mut read = Vec::new();
    let mut warnings = Vec::new();
    let mut notes = Vec::new();
    let mut log_steps: Vec<RecordedStep> = Vec::new();
    let mut playbooks = Vec::new();
    let mut results = Vec::new();
    let mut results_files = Vec::new();
    let mut tasks: Option<BTreeMap<u64, bool>> = None;
    let mut restarts: Vec<Restart> = Vec::new();
    let mut unjoined: Vec<Unjoined> = Vec::new();
    let mut windows: Vec<(String, OutageKind, crate::probe::Window, String)> = Vec::new();

    // Probe logs given as such are streamed (up to 1 GiB), not read whole.
    let mut streamed = Vec::new();
    for input in inputs {
        let path = &input.path;
        if input.kind == Some(Kind::Probe) {
            let log = crate::probe::log::read(path)?;
            let measures = crate::probe::classify(&log);
            streamed.push((path.clone(), log, measures));
            continue;
        }
        let file = path.display().to_string();
        let text = read_text(path, RECORD_MAX_FILE_BYTES, "run data").map_err(|source| {
            RecordError::Read {
                file: path.clone(),
                what: "run data",
                source,
            }
        })?;
        let found = detect(&text);
        let kind = match (input.kind, found) {
            (Some(k), Some(f)) if k != f => {
                return Err(RecordError::file(
                    path,
                    format!("given as {} but it reads as {}", k.describe(), f.describe()),
                ));
            }
            (Some(k), _) => k,
            (None, Some(f)) => f,
            (None, None) => {
                return Err(match json::first_entry_error(&text) {
                    Some((line, column, message)) => RecordError::at(
                        path,
                        line,
                        column,
                        format!(
                            "the first entry is not valid JSON ({message}); expected {RUN_DATA}"
                        ),
                    ),
                    None => RecordError::file(
                        path,
                        format!("not run data this tool knows: expected {RUN_DATA}"),
                    ),
                });
            }
        };
        let (entries, what) = match kind {
            Kind::TimingLog => {
                if text.len() as u64 > LOG_MAX_FILE_BYTES {
                    return Err(RecordError::file(
                        path,
                        format!(
                            "the file is larger than {} (the limit for a timing log)",
                            crate::base::limits::human_bytes(LOG_MAX_FILE_BYTES)
                        ),
                    ));
                }
                let steps = history::parse_log(&text, path)?;
                let n = steps.len();
                log_steps.extend(steps);
                (n, plural(n, "step", "steps"))
            }
            Kind::AraPlaybooks => {
                let p = ara::parse_playbooks(&text, path)?;
                let n = p.len();
                playbooks.extend(p);
                (n, plural(n, "playbook", "playbooks"))
            }
            Kind::AraResults => {
                let r = ara::parse_results(&text, path)?;
                let n = r.len();
                results.extend(r);
                results_files.push(file.clone());
                (n, plural(n, "result", "results"))
            }
            Kind::AraTasks => {
                let t = ara::parse_tasks(&text, path)?;
                let (n, h) = (t.len(), t.values().filter(|h| **h).count());
                tasks.get_or_insert_default().extend(t);
                (
                    n,
                    format!(
                        "{} ({})",
                        plural(n, "task", "tasks"),
                        plural(h, "handler", "handlers")
                    ),
                )
            }
            Kind::Journald => {
                let p = journald::parse(&text, path, &file)?;
                let found = format!(
                    "{}, {}",
                    plural(p.lines, "line", "lines"),
                    plural(p.restarts.len(), "restart", "restarts")
                );
                restarts.extend(p.restarts);
                unjoined.extend(p.unjoined);
                (p.lines, found)
            }
            Kind::DockerEvents => {
                let host = input.host.as_deref().ok_or_else(|| {
                    RecordError::Usage(format!(
                        "{file}: docker events carry no host name: give the file as `--docker-events HOST={file}` or add `--host NAME`"
                    ))
                })?;
                let p = docker::parse(&text, path, host, &file)?;
                let found = format!(
                    "{}, {}",
                    plural(p.lines, "event", "events"),
                    plural(p.restarts.len(), "restart", "restarts")
                );
                restarts.extend(p.restarts);
                unjoined.extend(p.unjoined);
                (p.lines, found)
            }
            Kind::Probe => {
                let log = crate::probe::log::parse(&text, path)?;
                let measures = crate::probe::classify(&log);
                let p = add_probe(&file, &log, &measures, catalog);
                windows.extend(p.windows);
                warnings.extend(p.warnings);
                notes.extend(p.notes);
                (log.samples.len(), p.found)
            }
        };
        read.push(Read {
            file,
            kind: kind.id(),
            describe: kind.describe(),
            detected: input.kind.is_none(),
            host: (kind == Kind::DockerEvents)
                .then(|| input.host.clone())
                .flatten(),
            entries,
            found: what,
        });
    }

    let streamed: Vec<Measured<'_>> = streamed
        .iter()
        .map(|(file, log, measures)| Measured {
            file,
            log,
            measures,
        })
        .collect();
    for m in streamed.iter().chain(measured) {
        let file = m.file.display().to_string();
        let p = add_probe(&file, m.log, m.measures, catalog);
        windows.extend(p.windows);
        warnings.extend(p.warnings);
        notes.extend(p.notes);
        read.push(Read {
            file,
            kind: Kind::Probe.id(),
            describe: Kind::Probe.describe(),
            detected: false,
            host: None,
            entries: m.log.samples.len(),
            found: p.found,
        });
    }

    // Steps in the timing log that the catalog does not know.
    let ids: Vec<&str> = catalog.steps.iter().map(|s| s.id.as_str()).collect();
    for s in &log_steps {
        let base = s.step.rsplit('/').next().unwrap_or(&s.step);
        let base = base.split('@').next().unwrap_or(base);
        if !ids.contains(&base) {
            let near = crate::base::suggest::nearest(base, ids.iter().copied());
            warnings.push(format!(
                "step `{}` is not in {}{}; recorded anyway",
                s.step,
                crate::plan::load::STEPS,
                near.map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default()
            ));
        }
    }

    // ARA: spans, restarts, what no rule names.
    let mut spans: Vec<Span> = log_steps
        .iter()
        .map(|s| Span {
            step: s.step.clone(),
            start: s.start,
            end: s.end,
            hosts: None,
        })
        .collect();
    let mut steps = log_steps.clone();
    if !playbooks.is_empty() || !results.is_empty() {
        let source = if results_files.is_empty() {
            read.iter()
                .filter(|r| r.kind == Kind::AraPlaybooks.id())
                .map(|r| r.file.clone())
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            results_files.join(", ")
        };
        let a = ara::assemble(map, &playbooks, &results, tasks.as_ref(), &source);
        let logged: BTreeSet<&str> = log_steps
            .iter()
            .map(|s| s.step.rsplit('/').next().unwrap_or(&s.step))
            .collect();
        // One record per step: ARA spans of one step that overlap become one.
        let mut per: BTreeMap<&str, Vec<(Timestamp, Timestamp)>> = BTreeMap::new();
        for s in &a.spans {
            per.entry(s.step.as_str())
                .or_default()
                .push((s.start, s.end));
        }
        for (step, mut v) in per {
            if logged.contains(step) {
                notes.push(format!(
                    "step `{step}`: the timing log's record is its duration; ARA's spans only join records"
                ));
                continue;
            }
            v.sort();
            let mut merged: Vec<(Timestamp, Timestamp)> = Vec::new();
            for (a, b) in v {
                match merged.last_mut() {
                    Some(l) if a < l.1 => l.1 = l.1.max(b),
                    _ => merged.push((a, b)),
                }
            }
            for (start, end) in merged {
                steps.push(RecordedStep {
                    step: step.to_string(),
                    start,
                    end,
                    seconds: end.duration_since(start).as_secs_f64(),
                });
            }
        }
        spans.extend(a.spans);
        restarts.extend(a.restarts);
        unjoined.extend(a.unjoined);
        notes.extend(a.notes);
    }
    if steps.is_empty() {
        return Err(RecordError::Usage(
            "no step timings: restarts and outage windows are joined to steps by time, so give a timing log or an ARA export of the run (`ara playbook list -f json`, `ara result list -f json`)".into(),
        ));
    }
    steps.sort_by(|a, b| (a.start, &a.step).cmp(&(b.start, &b.step)));

    // Join.
    let mut joined_restarts = Vec::new();
    for r in restarts {
        let prefer = map.container_step(&r.service);
        match step_at(&spans, r.start, Some(&r.host), prefer) {
            Ok(step) => joined_restarts.push(RecordedRestart {
                api: map.api_of(&r.service).map(str::to_string),
                seconds: r.end.duration_since(r.start).as_secs_f64(),
                service: r.service,
                host: r.host,
                step,
                start: r.start,
                end: r.end,
                source: r.source.to_string(),
            }),
            Err(reason) => unjoined.push(Unjoined {
                what: "restart".into(),
                name: r.service,
                host: Some(r.host),
                start: Some(r.start),
                end: Some(r.end),
                source: r.file,
                reason,
            }),
        }
    }
    let mut effects = Vec::new();
    for (api, kind, w, file) in windows {
        match step_at(&spans, w.start, None, None) {
            Ok(step) => effects.push(RecordedEffect {
                api,
                step,
                kind,
                start: w.start,
                end: w.end,
                seconds: w.seconds,
                open: w.open,
                by: w.by.to_string(),
            }),
            Err(reason) => unjoined.push(Unjoined {
                what: kind.name().into(),
                name: api,
                host: None,
                start: Some(w.start),
                end: Some(w.end),
                source: file,
                reason,
            }),
        }
    }
    joined_restarts
        .sort_by(|a, b| (a.start, &a.host, &a.service).cmp(&(b.start, &b.host, &b.service)));
    effects.sort_by(|a, b| (a.start, &a.api).cmp(&(b.start, &b.api)));
    unjoined.sort_by(|a, b| (a.start, &a.what, &a.name).cmp(&(b.start, &b.what, &b.name)));

    let run = Run {
        schema_version: history::RUN_SCHEMA_VERSION,
        kind: "upgrade-run".into(),
        recorded_from: inputs
            .iter()
            .map(|i| i.path.as_path())
            .chain(measured.iter().map(|m| m.file))
            .map(|p| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join(", "),
        sources: read
            .iter()
            .map(|r| RunSource {
                file: std::path::Path::new(&r.file)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                kind: r.kind.to_string(),
                host: r.host.clone(),
                entries: r.entries,
            })
            .collect(),
        steps,
        restarts: joined_restarts,
        effects,
        unjoined,
    };
    Ok(Recording {
        run,
        read,
        warnings,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_detected_by_their_first_entry() {
        let ara = |f: &str| {
            let p = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/ara")
                .join(f);
            detect(&std::fs::read_to_string(p).unwrap())
        };
        assert_eq!(ara("playbooks.json"), Some(Kind::AraPlaybooks));
        assert_eq!(ara("results.json"), Some(Kind::AraResults));
        assert_eq!(ara("tasks.json"), Some(Kind::AraTasks));
        let cases = [
            (
                "# run of 2024-03-23\n{\"step\": \"nova\", \"start\": \"x\", \"end\": \"y\"}\n",
                Some(Kind::TimingLog),
            ),
            (
                "{\"__REALTIME_TIMESTAMP\": \"1\", \"MESSAGE\": \"x\"}\n",
                Some(Kind::Journald),
            ),
            (
                "{\"status\":\"die\",\"Actor\":{}}\n",
                Some(Kind::DockerEvents),
            ),
            (
                "{\"kind\":\"start\",\"schema_version\":1}\n",
                Some(Kind::Probe),
            ),
            ("{\"hello\": 1}\n", None),
            ("[{\"hello\": 1}]", None),
            ("not json", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(detect(text), want, "{text}");
        }
    }

    #[test]
    fn probe_api_names_become_catalog_ids() {
        let (catalog, _) = crate::plan::load::catalog(&crate::data::DataDir::Embedded).unwrap();
        let api = |n: &str| catalog_api(&catalog, n);
        assert_eq!(api("nova").as_deref(), Some("Nova"));
        assert_eq!(api("Identity API (Keystone)").as_deref(), Some("Keystone"));
        assert_eq!(
            api("kubernetes api Prod").as_deref(),
            Some("Kubernetes API Prod")
        );
        assert_eq!(api("Kubernetes API "), None);
        assert_eq!(api("Swift"), None);
    }

    #[test]
    fn the_timing_log_wins_and_concurrent_steps_without_hosts_stay_unjoined() {
        let dir = tempfile::tempdir().unwrap();
        let fixture = |f: &str| {
            std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/ara")
                .join(f)
        };
        // nova from the timing log (longer than ARA's playbook), and an operator's own step
        // that overlaps ceph_osds.
        let log = dir.path().join("timings.jsonl");
        std::fs::write(
            &log,
            "{\"step\": \"nova\", \"start\": \"2026-12-02T20:03:49Z\", \"end\": \"2026-12-02T20:04:01Z\"}\n\
             {\"step\": \"grafana\", \"start\": \"2026-12-02T20:04:08Z\", \"end\": \"2026-12-02T20:04:12Z\"}\n",
        )
        .unwrap();
        // One failed window of Glance at 20:04:09 (ceph_osds and grafana both run then).
        let mut probe = String::new();
        for i in 0..20 {
            let ok = !(4..8).contains(&i);
            probe.push_str(&format!(
                "{{\"kind\":\"probe\",\"api\":\"Glance\",\"ts\":\"2026-12-02T20:04:{:02}.{}Z\",\"ok\":{ok},\"status\":null,\"latency_ms\":5.0,\"probe\":\"version\"}}\n",
                7 + i / 2,
                if i % 2 == 0 { 0 } else { 5 }
            ));
        }
        let probe_path = dir.path().join("probe.jsonl");
        std::fs::write(&probe_path, probe).unwrap();
        let inputs = [
            Input {
                path: log,
                kind: None,
                host: None,
            },
            Input {
                path: fixture("playbooks.json"),
                kind: None,
                host: None,
            },
            Input {
                path: fixture("results.json"),
                kind: None,
                host: None,
            },
            Input {
                path: probe_path,
                kind: Some(Kind::Probe),
                host: None,
            },
        ];
        let data = crate::data::DataDir::Embedded;
        let (catalog, _) = crate::plan::load::catalog(&data).unwrap();
        let map = Map::load(&data, &catalog).unwrap();
        let rec = record(&inputs, &catalog, &map).unwrap();
        let nova: Vec<f64> = rec
            .run
            .steps
            .iter()
            .filter(|s| s.step == "nova")
            .map(|s| s.seconds)
            .collect();
        assert_eq!(nova, [12.0]);
        assert!(
            rec.notes
                .iter()
                .any(|n| n.starts_with("step `nova`: the timing log's record")),
            "{:?}",
            rec.notes
        );
        let glance: Vec<&Unjoined> = rec
            .run
            .unjoined
            .iter()
            .filter(|u| u.name == "Glance")
            .collect();
        assert_eq!(glance.len(), 1);
        assert_eq!(
            glance[0].reason,
            "several recorded steps ran then (ceph_osds, grafana) and neither the host nor record-map.yaml decides"
        );
        // The nova restarts join the timing log's nova, also where ARA's span is shorter.
        assert_eq!(
            rec.run.restarts.iter().filter(|r| r.step == "nova").count(),
            4
        );
    }
}
