//! Calibration: timings of real runs. `upgrade record` turns a JSON-lines log
//! (`{"step": "keystone", "start": "…", "end": "…"}` per line, RFC 3339 times) into one
//! run file in a history directory; `upgrade plan --history DIR` reads every run there and
//! uses the recorded durations instead of the priors for those steps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::error::PlanError;

pub const RUN_SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedStep {
    pub step: String,
    pub start: Timestamp,
    pub end: Timestamp,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Run {
    pub schema_version: u32,
    pub kind: String,
    pub recorded_from: String,
    pub steps: Vec<RecordedStep>,
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

/// Recorded durations per step id over all runs in `dir` (summed within one run).
pub fn load(dir: &Path) -> Result<(BTreeMap<String, Vec<f64>>, usize), PlanError> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| PlanError::io(dir, "cannot read the history directory", e))?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();
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
        if run.schema_version != RUN_SCHEMA_VERSION {
            return Err(PlanError::invalid(
                f,
                format!("schema_version {} is not supported", run.schema_version),
            ));
        }
        for (i, s) in run.steps.iter().enumerate() {
            let seconds_match =
                (s.end.duration_since(s.start).as_secs_f64() - s.seconds).abs() < 1.0;
            if !s.seconds.is_finite() || s.seconds < 0.0 || s.end < s.start || !seconds_match {
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
        let mut per: BTreeMap<&str, f64> = BTreeMap::new();
        for s in &run.steps {
            // `6-7/keystone` (a step of a multi-hop plan) calibrates `keystone`.
            let id = s.step.rsplit('/').next().unwrap_or(&s.step);
            *per.entry(id).or_default() += s.seconds;
        }
        for (k, v) in per {
            out.entry(k.to_string()).or_default().push(v);
        }
    }
    Ok((out, files.len()))
}
