//! Calibration: what real runs measured. `upgrade record` turns run data (our JSON-lines
//! timing log `{"step": "keystone", "start": "…", "end": "…"}`, ARA exports, journald and
//! `docker events` exports, probe logs; see `crate::record`) into one run file in a history
//! directory; `upgrade plan --history DIR` reads every run there ([`load`]) and uses the
//! recorded step durations, restart gaps and outage windows instead of the priors.
//!
//! A run file of schema version 2 holds `steps` (as version 1 did), `restarts` (container
//! stop → start per service and host, joined to the step whose span holds the stop),
//! `effects` (probe-measured full/degraded windows per API, joined the same way) and
//! `unjoined` (what no recorded step span held: listed, not dropped). Version 1 files (steps
//! only) are still read.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::error::PlanError;
use super::model::OutageKind;

/// The version `upgrade record` writes.
pub const RUN_SCHEMA_VERSION: u32 = 2;
/// The versions [`load`] reads.
pub const RUN_SCHEMA_VERSIONS: &[u32] = &[1, 2];

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
pub struct RecordedStep {
    pub step: String,
    #[schemars(with = "String")]
    pub start: Timestamp,
    #[schemars(with = "String")]
    pub end: Timestamp,
    pub seconds: f64,
}

/// One container restart: the service (kolla container name, `nova_api`) stopped on `host`
/// at `start` and started again at `end`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedRestart {
    pub service: String,
    pub host: String,
    /// The step whose recorded span holds `start`.
    pub step: String,
    /// The API this container serves (record-map.yaml `apis`), when it serves one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    #[schemars(with = "String")]
    pub start: Timestamp,
    #[schemars(with = "String")]
    pub end: Timestamp,
    pub seconds: f64,
    /// What showed it: `ara`, `journald` or `docker-events`.
    pub source: String,
}

/// One outage window of one API measured by the probe (`crate::probe::classify`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordedEffect {
    pub api: String,
    /// The step whose recorded span holds `start`.
    pub step: String,
    pub kind: OutageKind,
    #[schemars(with = "String")]
    pub start: Timestamp,
    #[schemars(with = "String")]
    pub end: Timestamp,
    pub seconds: f64,
    /// The probe log ended inside the window.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    /// The probe kind that showed it: `version`, `read`, `rpc` or `latency`.
    pub by: String,
}

/// A record no step could take (or a playbook no rule names), and why.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unjoined {
    /// `restart`, `full`, `degraded`, `playbook`, `play` or `stop`.
    pub what: String,
    /// The service, API, playbook or play.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub start: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<String>")]
    pub end: Option<Timestamp>,
    /// The input file it came from.
    pub source: String,
    pub reason: String,
}

/// One input file of a run and what was read from it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSource {
    pub file: String,
    /// `timing-log`, `ara-playbooks`, `ara-results`, `ara-tasks`, `journald`,
    /// `docker-events` or `probe`.
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Lines or entries read.
    pub entries: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Run {
    pub schema_version: u32,
    pub kind: String,
    pub recorded_from: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<RunSource>,
    pub steps: Vec<RecordedStep>,
    #[serde(default)]
    pub restarts: Vec<RecordedRestart>,
    #[serde(default)]
    pub effects: Vec<RecordedEffect>,
    #[serde(default)]
    pub unjoined: Vec<Unjoined>,
}

/// Everything the history directory measured, in the form the planner uses.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// Step id → its duration in each run (summed within one run).
    pub durations: BTreeMap<String, Vec<f64>>,
    /// Service (`nova_api`) → every recorded restart gap (seconds), over all runs.
    pub restart_gaps: BTreeMap<String, Vec<f64>>,
    /// (step id, API) → the restart gaps of that API's containers (record-map.yaml `apis`)
    /// restarted within that step: what calibrates the step's `restarts` effect on the API.
    pub api_restart_gaps: BTreeMap<(String, String), Vec<f64>>,
    /// (step id, API, `full`|`degraded`) → the length of every measured window.
    pub effects: BTreeMap<(String, String, String), Vec<f64>>,
    /// Run files read.
    pub runs: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LogLine {
    step: String,
    start: String,
    end: String,
}

/// Parse a JSON-lines timing log. Blank lines and lines starting with `#` are skipped.
///
/// Bounded (see [`crate::limits`]): line length, number of timing lines and step id length,
/// each error naming `line N`. Errors never repeat the values of a line: a log may be
/// copied from a terminal session that held anything.
pub fn parse_log(text: &str, file: &Path) -> Result<Vec<RecordedStep>, PlanError> {
    use crate::base::limits::{LOG_MAX_LINE_BYTES, LOG_MAX_LINES, STEP_ID_MAX_CHARS};
    let mut out = Vec::new();
    // The line of each record, for messages.
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let at = |m: String| PlanError::invalid(file, format!("line {}: {m}", i + 1));
        if line.len() > LOG_MAX_LINE_BYTES {
            return Err(at(format!(
                "the line is longer than {LOG_MAX_LINE_BYTES} bytes (expected one {{\"step\": ID, \"start\": RFC 3339, \"end\": RFC 3339}} per line)"
            )));
        }
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        if out.len() >= LOG_MAX_LINES {
            return Err(at(format!(
                "more than {LOG_MAX_LINES} timing lines in one log"
            )));
        }
        let v: LogLine = serde_json::from_str(l).map_err(|e| {
            at(format!(
                "column {}: {} (expected {{\"step\": ID, \"start\": RFC 3339, \"end\": RFC 3339}})",
                e.column(),
                crate::base::yaml::without_values(&crate::base::error_text::json_message(&e))
            ))
        })?;
        if v.step.chars().count() > STEP_ID_MAX_CHARS {
            return Err(at(format!(
                "the step id is longer than {STEP_ID_MAX_CHARS} characters"
            )));
        }
        if v.step.is_empty() || v.step.chars().any(char::is_control) {
            return Err(at(
                "the step id is empty or holds control characters (line breaks, tabs)".into(),
            ));
        }
        let ts = |s: &str, what: &str| {
            s.parse::<Timestamp>().map_err(|_| {
                at(format!(
                    "`{what}` is not an RFC 3339 time with offset (e.g. 2024-03-23T20:00:00+01:00)"
                ))
            })
        };
        let (start, end) = (ts(&v.start, "start")?, ts(&v.end, "end")?);
        let seconds = end.duration_since(start).as_secs_f64();
        if seconds < 0.0 {
            return Err(at(format!("step `{}` ends before it starts", v.step)));
        }
        lines.push(i + 1);
        out.push(RecordedStep {
            step: v.step,
            start,
            end,
            seconds,
        });
    }
    if out.is_empty() {
        return Err(PlanError::invalid(
            file,
            "no timings found (expected JSON lines with step, start, end)",
        ));
    }
    if let Some((a, b)) = first_overlap(&out) {
        return Err(PlanError::invalid(
            file,
            format!(
                "line {}: step `{}` overlaps its record on line {}: one step's records must not overlap (was a line copied twice?)",
                lines[b], out[b].step, lines[a]
            ),
        ));
    }
    Ok(out)
}

/// The first two records (by index, earlier first) of one step id whose times overlap: a
/// step recorded twice would count twice. Records that only touch (one ends when the next
/// starts) do not overlap.
pub fn first_overlap(steps: &[RecordedStep]) -> Option<(usize, usize)> {
    let mut order: Vec<usize> = (0..steps.len()).collect();
    order.sort_by(|&a, &b| (&steps[a].step, steps[a].start).cmp(&(&steps[b].step, steps[b].start)));
    order.windows(2).find_map(|w| {
        let (a, b) = (&steps[w[0]], &steps[w[1]]);
        (a.step == b.step && b.start < a.end).then(|| (w[0].min(w[1]), w[0].max(w[1])))
    })
}

/// The file name a run gets in the history directory: its first start time.
pub fn run_file_name(steps: &[RecordedStep]) -> String {
    let first = steps
        .iter()
        .map(|s| s.start)
        .min()
        .unwrap_or(Timestamp::UNIX_EPOCH);
    format!("run-{}.json", first.strftime("%Y%m%dT%H%M%SZ"))
}

/// `6-7/keystone` (a step of a multi-hop plan) calibrates `keystone`.
fn base_id(step: &str) -> &str {
    step.rsplit('/').next().unwrap_or(step)
}

/// `seconds` is the time from `start` to `end` (within a second), finite and not negative.
fn consistent(start: Timestamp, end: Timestamp, seconds: f64) -> bool {
    seconds.is_finite()
        && seconds >= 0.0
        && end >= start
        && (end.duration_since(start).as_secs_f64() - seconds).abs() < 1.0
}

/// Everything recorded in the run files (`*.json`) of `dir`, in file-name order.
pub fn load(dir: &Path) -> Result<History, PlanError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PlanError::io(dir, "cannot read the history directory", e))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = History {
        runs: files.len(),
        ..History::default()
    };
    for f in &files {
        let text = crate::base::limits::read_text(
            f,
            crate::base::limits::LOG_MAX_FILE_BYTES,
            "a run file",
        )
        .map_err(|e| match e {
            crate::base::limits::ReadError::Io(e) => PlanError::io(f, "cannot read run file", e),
            other => PlanError::invalid(f, other.to_string()),
        })?;
        let run: Run = serde_json::from_str(&text).map_err(|e| {
            PlanError::invalid(
                f,
                format!(
                    "{}:{}: not a recorded run: {}",
                    e.line(),
                    e.column(),
                    crate::base::yaml::without_values(&crate::base::error_text::json_message(&e))
                ),
            )
        })?;
        if !RUN_SCHEMA_VERSIONS.contains(&run.schema_version) {
            return Err(PlanError::invalid(
                f,
                format!(
                    "schema_version {} is not supported (this tool reads 1 and 2)",
                    run.schema_version
                ),
            ));
        }
        for (i, s) in run.steps.iter().enumerate() {
            if !consistent(s.start, s.end, s.seconds) {
                return Err(PlanError::invalid(
                    f,
                    format!(
                        "steps[{i}] (`{}`): `seconds` must be the time from `start` to `end`, and not negative",
                        s.step
                    ),
                ));
            }
        }
        if let Some((a, b)) = first_overlap(&run.steps) {
            return Err(PlanError::invalid(
                f,
                format!(
                    "steps[{b}] overlaps steps[{a}], both `{}`: one step's records must not overlap",
                    run.steps[a].step
                ),
            ));
        }
        for (i, r) in run.restarts.iter().enumerate() {
            if !consistent(r.start, r.end, r.seconds) {
                return Err(PlanError::invalid(
                    f,
                    format!(
                        "restarts[{i}] (`{}` on `{}`): `seconds` must be the time from `start` to `end`, and not negative",
                        r.service, r.host
                    ),
                ));
            }
        }
        for (i, e) in run.effects.iter().enumerate() {
            if !consistent(e.start, e.end, e.seconds) {
                return Err(PlanError::invalid(
                    f,
                    format!(
                        "effects[{i}] (`{}`): `seconds` must be the time from `start` to `end`, and not negative",
                        e.api
                    ),
                ));
            }
        }
        let mut per: BTreeMap<&str, f64> = BTreeMap::new();
        for s in &run.steps {
            *per.entry(base_id(&s.step)).or_default() += s.seconds;
        }
        for (k, v) in per {
            out.durations.entry(k.to_string()).or_default().push(v);
        }
        for r in &run.restarts {
            out.restart_gaps
                .entry(r.service.clone())
                .or_default()
                .push(r.seconds);
            if let Some(api) = &r.api {
                out.api_restart_gaps
                    .entry((base_id(&r.step).to_string(), api.clone()))
                    .or_default()
                    .push(r.seconds);
            }
        }
        for e in &run.effects {
            out.effects
                .entry((
                    base_id(&e.step).to_string(),
                    e.api.clone(),
                    e.kind.name().to_string(),
                ))
                .or_default()
                .push(e.seconds);
        }
    }
    Ok(out)
}
