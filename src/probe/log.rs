//! The probe log: JSON lines, one per sample, flushed as they are taken.
//!
//! ```text
//! {"kind":"start","schema_version":1,"ts":"…","interval_ms":500,"timeout_ms":2000,"apis":[{"api":"Nova","url":"https://…:8774/","probes":["version"]}]}
//! {"kind":"probe","api":"Nova","ts":"2026-12-02T18:00:00.512Z","ok":true,"status":200,"latency_ms":12.4,"probe":"version"}
//! {"kind":"probe","api":"Nova","ts":"…","ok":false,"status":null,"latency_ms":2000.0,"probe":"version","error":"timeout"}
//! {"kind":"summary", …}   (written at the end; readers ignore it and classify the samples)
//! ```
//!
//! A sample is `ok` for 2xx–4xx answers, except 401 on `read` (tobiko's rule, §7); a 5xx, a
//! refused or reset connection and a timeout are failures. The log never holds a token, a
//! password or a query string with credentials.

use std::path::Path;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::base::limits::LOG_MAX_LINE_BYTES;

pub const PROBE_SCHEMA_VERSION: u32 = 1;
/// Most samples read from one log: 20 APIs at 0.2 s for 8 hours is 2.9 million.
pub const MAX_SAMPLES: usize = 4_000_000;
/// Longest API name.
pub const API_NAME_MAX_CHARS: usize = 100;

/// What one sample asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    /// Unauthenticated GET of the versions document.
    Version,
    /// Authenticated cheap list (`GET /v2.1/flavors?limit=1`).
    Read,
    /// Create and delete a resource (changes remote state; `--rpc --execute` only).
    Rpc,
}

impl ProbeKind {
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::Version => "version",
            ProbeKind::Read => "read",
            ProbeKind::Rpc => "rpc",
        }
    }
}

/// One sample.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub api: String,
    pub ts: Timestamp,
    pub ok: bool,
    /// HTTP status, `None` when no answer came (refused, reset, timeout).
    pub status: Option<u16>,
    pub latency_ms: f64,
    pub probe: ProbeKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A line of the log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ProbeLine {
    Start(Start),
    Probe(Sample),
    /// Written by the prober at the end; readers recompute it from the samples.
    Summary(serde_json::Value),
}

/// The first line: what was probed, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Start {
    pub schema_version: u32,
    pub ts: Timestamp,
    pub interval_ms: u64,
    pub timeout_ms: u64,
    pub apis: Vec<StartApi>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StartApi {
    pub api: String,
    /// The URL without credentials or query.
    pub url: String,
    pub probes: Vec<ProbeKind>,
}

/// A parsed log: the start line (if the log has one) and every sample in file order.
#[derive(Debug, Clone, Default)]
pub struct ProbeLog {
    pub start: Option<Start>,
    pub samples: Vec<Sample>,
}

impl ProbeLog {
    /// Give APIs other names (`keystone` → `Keystone`): `to` says the new name of an API,
    /// `None` keeps it. Asked once per distinct name.
    pub fn rename_apis(&mut self, mut to: impl FnMut(&str) -> Option<String>) {
        let mut names: std::collections::HashMap<String, Option<String>> = Default::default();
        let mut rename = |api: &mut String| {
            if !names.contains_key(api.as_str()) {
                let new = to(api).filter(|n| n != api);
                names.insert(api.clone(), new);
            }
            if let Some(Some(new)) = names.get(api.as_str()) {
                api.clone_from(new);
            }
        };
        for a in self.start.iter_mut().flat_map(|s| s.apis.iter_mut()) {
            rename(&mut a.api);
        }
        for s in &mut self.samples {
            rename(&mut s.api);
        }
    }

    /// The probe interval the log was taken with (from its start line, else the median gap
    /// between an API's version samples), in seconds.
    pub fn interval_seconds(&self) -> Option<f64> {
        if let Some(s) = &self.start {
            return Some(s.interval_ms as f64 / 1000.0);
        }
        let first = self.samples.first()?;
        let mut ts: Vec<f64> = self
            .samples
            .iter()
            .filter(|s| s.api == first.api && s.probe == first.probe)
            .map(|s| s.ts.as_millisecond() as f64 / 1000.0)
            .collect();
        ts.sort_by(f64::total_cmp);
        let mut gaps: Vec<f64> = ts.windows(2).map(|w| w[1] - w[0]).collect();
        if gaps.is_empty() {
            return None;
        }
        gaps.sort_by(f64::total_cmp);
        Some(gaps[gaps.len() / 2])
    }

    /// API names in order of first appearance (the start line's order when there is one).
    pub fn apis(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .start
            .iter()
            .flat_map(|s| s.apis.iter().map(|a| a.api.clone()))
            .collect();
        for s in &self.samples {
            if !out.contains(&s.api) {
                out.push(s.api.clone());
            }
        }
        out
    }
}

/// Why a probe log could not be read: the file and line, never the line's content.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("{}: cannot read: {source}", file.display())]
    Read {
        file: std::path::PathBuf,
        #[source]
        source: crate::base::limits::ReadError,
    },
    #[error("{}:{line}:{column}: {message}", file.display())]
    Line {
        file: std::path::PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Largest probe log read: 20 APIs at 0.2 s with read probes for 8 hours stay below it.
pub const PROBE_LOG_MAX_FILE_BYTES: u64 = 1024 * 1024 * 1024;

/// Read a probe log file line by line (at most [`PROBE_LOG_MAX_FILE_BYTES`] and
/// [`MAX_SAMPLES`] samples; no line longer than [`LOG_MAX_LINE_BYTES`]).
pub fn read(path: &Path) -> Result<ProbeLog, LogError> {
    use std::io::{BufRead, Read};
    let io = |e: std::io::Error| LogError::Read {
        file: path.to_path_buf(),
        source: e.into(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut reader = std::io::BufReader::new(file.take(PROBE_LOG_MAX_FILE_BYTES + 1));
    let mut log = ProbeLog::default();
    let mut buf = Vec::new();
    let mut read = 0u64;
    for i in 0.. {
        buf.clear();
        let n = (&mut reader)
            .take(LOG_MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(io)?;
        if n == 0 {
            break;
        }
        read += n as u64;
        if read > PROBE_LOG_MAX_FILE_BYTES {
            return Err(LogError::Read {
                file: path.to_path_buf(),
                source: crate::base::limits::ReadError::TooLarge {
                    limit: PROBE_LOG_MAX_FILE_BYTES,
                    what: "a probe log",
                },
            });
        }
        let line = std::str::from_utf8(&buf).map_err(|e| LogError::Line {
            file: path.to_path_buf(),
            line: i + 1,
            column: e.valid_up_to() + 1,
            message: "not UTF-8 text".into(),
        })?;
        parse_line(&mut log, line.trim_end_matches(['\n', '\r']), i + 1, path)?;
    }
    Ok(log)
}

/// Parse the text of a probe log. Blank lines are skipped; a truncated last line (the
/// prober was killed mid-write) is an error naming it, as is every other bad line.
pub fn parse(text: &str, file: &Path) -> Result<ProbeLog, LogError> {
    let mut log = ProbeLog::default();
    for (i, line) in text.lines().enumerate() {
        parse_line(&mut log, line, i + 1, file)?;
    }
    Ok(log)
}

fn parse_line(log: &mut ProbeLog, line: &str, number: usize, file: &Path) -> Result<(), LogError> {
    let at = |column: usize, message: String| LogError::Line {
        file: file.to_path_buf(),
        line: number,
        column,
        message,
    };
    if line.len() > LOG_MAX_LINE_BYTES {
        return Err(at(
            1,
            format!(
                "the line is longer than {LOG_MAX_LINE_BYTES} bytes (expected one JSON object per line)"
            ),
        ));
    }
    if line.trim().is_empty() {
        return Ok(());
    }
    let parsed: ProbeLine = serde_json::from_str(line).map_err(|e| {
        let msg = crate::base::yaml::without_values(&crate::base::error_text::json_message(&e));
        at(
            e.column().max(1),
            format!(
                "{msg} (expected {{\"kind\":\"probe\",\"api\",\"ts\",\"ok\",\"status\",\"latency_ms\",\"probe\"}})"
            ),
        )
    })?;
    match parsed {
        ProbeLine::Start(s) => {
            if s.schema_version != PROBE_SCHEMA_VERSION {
                return Err(at(
                    1,
                    format!(
                        "schema_version {} is not supported (this tool reads {PROBE_SCHEMA_VERSION})",
                        s.schema_version
                    ),
                ));
            }
            if log.start.is_none() {
                log.start = Some(s);
            }
        }
        ProbeLine::Probe(s) => {
            if s.api.is_empty() || s.api.chars().count() > API_NAME_MAX_CHARS {
                return Err(at(
                    1,
                    format!("`api` must have 1 to {API_NAME_MAX_CHARS} characters"),
                ));
            }
            if !s.latency_ms.is_finite() || s.latency_ms < 0.0 {
                return Err(at(1, "`latency_ms` must be a number ≥ 0".into()));
            }
            if log.samples.len() == MAX_SAMPLES {
                return Err(at(
                    1,
                    format!("more than {MAX_SAMPLES} samples; split the log"),
                ));
            }
            log.samples.push(s);
        }
        ProbeLine::Summary(_) => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_parse_and_bad_lines_name_line_and_column_without_values() {
        let text = concat!(
            r#"{"kind":"start","schema_version":1,"ts":"2026-12-02T18:00:00Z","interval_ms":500,"timeout_ms":2000,"apis":[{"api":"Nova","url":"https://api.example:8774/","probes":["version"]}]}"#,
            "\n\n",
            r#"{"kind":"probe","api":"Nova","ts":"2026-12-02T18:00:00.5Z","ok":false,"status":null,"latency_ms":2000.0,"probe":"version","error":"timeout"}"#,
            "\n",
        );
        let log = parse(text, Path::new("p.jsonl")).unwrap();
        assert_eq!(log.interval_seconds(), Some(0.5));
        assert_eq!(log.samples[0].error.as_deref(), Some("timeout"));
        let bad = r#"{"kind":"probe","api":"Nova","ts":"2026-12-02T18:00:00Z","ok":"secret-token","status":200,"latency_ms":1,"probe":"version"}"#;
        let e = parse(&format!("{bad}\n"), Path::new("p.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.jsonl:1:"), "{e}");
        assert!(!e.contains("secret-token"), "{e}");
        let e = parse("{\"kind\":\"probe\",\"api\":\"N", Path::new("p.jsonl"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("p.jsonl:1:"), "{e}");
    }

    #[test]
    fn a_file_is_read_line_by_line_with_its_limits() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.jsonl");
        let good = r#"{"kind":"probe","api":"Nova","ts":"2026-12-02T18:00:00Z","ok":true,"status":200,"latency_ms":1,"probe":"version"}"#;
        let mut bytes = format!("{good}\r\n{good}\n").into_bytes();
        bytes.extend_from_slice(b"{\"kind\":\"probe\",\"api\":\"N\xff\"}\n");
        std::fs::write(&p, &bytes).unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(e.ends_with("p.jsonl:3:25: not UTF-8 text"), "{e}");
        std::fs::write(&p, format!("{good}\n{}\n", "x".repeat(5000))).unwrap();
        let e = read(&p).unwrap_err().to_string();
        assert!(
            e.contains("p.jsonl:2:1: the line is longer than 4096 bytes"),
            "{e}"
        );
        std::fs::write(&p, format!("{good}\n\n{good}")).unwrap();
        assert_eq!(read(&p).unwrap().samples.len(), 2);
    }
}
