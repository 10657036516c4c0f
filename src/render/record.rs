//! `upgrade record`: what was read, what was recorded, and what no step took.

use std::path::Path;

pub const SCHEMA_VERSION: u32 = 1;

/// The `upgrade-record` document's body (`-o json`).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Doc<'a> {
    /// The run file written.
    pub path: String,
    pub read: &'a [crate::record::Read],
    pub steps: usize,
    pub seconds: f64,
    pub restarts: usize,
    pub effects: usize,
    pub unjoined: usize,
    pub run: &'a crate::plan::history::Run,
}

use jiff::Timestamp;

use crate::plan::history::Run;
use crate::record::Read;

fn at(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text output: one line per input (with the kind recognized), the summary, the
/// unjoined records.
pub fn text(read: &[Read], run: &Run, total_seconds: f64, path: &Path) -> String {
    let mut out = String::new();
    for r in read {
        let host = r
            .host
            .as_deref()
            .map(|h| format!(" of host {h}"))
            .unwrap_or_default();
        if r.detected {
            out.push_str(&format!(
                "read {}: recognized as {}{host}, {}\n",
                r.file, r.describe, r.found
            ));
        } else {
            out.push_str(&format!(
                "read {} as {}{host}: {}\n",
                r.file, r.describe, r.found
            ));
        }
    }
    out.push_str(&format!(
        "recorded {} ({} in total), {} and {} into {}\n",
        count(run.steps.len(), "step timing", "step timings"),
        crate::plan::report::human(total_seconds),
        count(run.restarts.len(), "restart", "restarts"),
        count(run.effects.len(), "outage window", "outage windows"),
        path.display()
    ));
    if !run.unjoined.is_empty() {
        out.push_str(&format!(
            "not joined to a step ({}; kept under `unjoined` in the run file):\n",
            run.unjoined.len()
        ));
        for u in &run.unjoined {
            let host = u
                .host
                .as_deref()
                .map(|h| format!(" on {h}"))
                .unwrap_or_default();
            let when = match (u.start, u.end) {
                (Some(a), Some(b)) => format!(", {} to {}", at(a), at(b)),
                (Some(a), None) => format!(", from {}", at(a)),
                _ => String::new(),
            };
            out.push_str(&format!(
                "- {} {}{host} ({}{when}): {}\n",
                u.what, u.name, u.source, u.reason
            ));
        }
    }
    out
}
