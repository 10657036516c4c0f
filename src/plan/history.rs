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
pub fn parse_log(text: &str, file: &Path) -> Result<Vec<RecordedStep>, PlanError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let l = line.trim();
        if l.is_empty() || l.starts_with('#') {
            continue;
        }
        let at = |m: String| PlanError::invalid(file, format!("line {}: {m}", i + 1));
        let v: LogLine = serde_json::from_str(l).map_err(|e| {
            at(format!(
                "{e} (expected {{\"step\": ID, \"start\": RFC 3339, \"end\": RFC 3339}})"
            ))
        })?;
        let ts = |s: &str, what: &str| {
            s.parse::<Timestamp>()
                .map_err(|e| at(format!("{what} `{s}` is not an RFC 3339 time with offset (e.g. 2024-03-23T20:00:00+01:00): {e}")))
        };
        let (start, end) = (ts(&v.start, "start")?, ts(&v.end, "end")?);
        let seconds = end.duration_since(start).as_secs_f64();
        if seconds < 0.0 {
            return Err(at(format!("step `{}` ends before it starts", v.step)));
        }
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
    Ok(out)
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
        let text =
            std::fs::read_to_string(f).map_err(|e| PlanError::io(f, "cannot read run file", e))?;
        let run: Run = serde_json::from_str(&text).map_err(|e| {
            PlanError::invalid(
                f,
                format!("{}:{}: not a recorded run: {e}", e.line(), e.column()),
            )
        })?;
        if run.schema_version != RUN_SCHEMA_VERSION {
            return Err(PlanError::invalid(
                f,
                format!("schema_version {} is not supported", run.schema_version),
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
