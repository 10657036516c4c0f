//! Samples → outage windows, as outage-evidence.md §7 defines them:
//!
//! - **full**: a run of at least [`MIN_FAILED_RUN`] consecutive failed `version` (or `read`)
//!   samples, from the first failure to the first success after it; a run still failing when
//!   the log ends is `open` and ends at its last sample;
//! - **degraded**: a failed `rpc` canary (until the next canary), or a `read` whose latency is
//!   above [`LATENCY_FACTOR`] × the baseline p95 (until the next normal read); time already
//!   inside a full window is not counted again;
//! - the **baseline** is the first [`BASELINE_SECONDS`] of the log, cut at the first full
//!   window; shorter than that it is reported as short.

use jiff::Timestamp;
use serde::Serialize;

use super::log::{ProbeKind, ProbeLog, Sample};

pub const MIN_FAILED_RUN: usize = 2;
pub const LATENCY_FACTOR: f64 = 5.0;
pub const BASELINE_SECONDS: f64 = 600.0;
/// Fewest successful reads that give a baseline p95.
pub const BASELINE_MIN_READS: usize = 20;

/// One outage window.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Window {
    #[schemars(with = "String")]
    pub start: Timestamp,
    #[schemars(with = "String")]
    pub end: Timestamp,
    pub seconds: f64,
    /// The log ended inside the window.
    pub open: bool,
    /// What showed it: `version`, `read`, `rpc` or `latency`.
    pub by: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Baseline {
    pub seconds: f64,
    /// Less than [`BASELINE_SECONDS`] before the first full window or the end of the log.
    pub short: bool,
    /// p95 of successful `read` latencies in the baseline, with enough reads.
    pub read_p95_ms: Option<f64>,
}

/// What the log says about one API.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ApiMeasure {
    pub api: String,
    pub samples: usize,
    pub failed: usize,
    #[schemars(with = "Option<String>")]
    pub first: Option<Timestamp>,
    #[schemars(with = "Option<String>")]
    pub last: Option<Timestamp>,
    pub full: Vec<Window>,
    pub degraded: Vec<Window>,
    pub full_seconds: f64,
    pub degraded_seconds: f64,
    pub baseline: Baseline,
}

fn secs(a: Timestamp, b: Timestamp) -> f64 {
    (b.as_millisecond() - a.as_millisecond()) as f64 / 1000.0
}

fn window(start: Timestamp, end: Timestamp, open: bool, by: &'static str) -> Window {
    Window {
        start,
        end,
        seconds: secs(start, end).max(0.0),
        open,
        by,
    }
}

/// Runs of failed samples of one kind (in time order) as full windows.
fn failed_runs(samples: &[&Sample], by: &'static str) -> Vec<Window> {
    let mut out = Vec::new();
    let mut run: Option<(Timestamp, Timestamp, usize)> = None; // first, last failure, count
    for s in samples {
        if s.ok {
            if let Some((first, _, n)) = run.take()
                && n >= MIN_FAILED_RUN
            {
                out.push(window(first, s.ts, false, by));
            }
        } else {
            run = Some(match run {
                Some((first, _, n)) => (first, s.ts, n + 1),
                None => (s.ts, s.ts, 1),
            });
        }
    }
    if let Some((first, last, n)) = run
        && n >= MIN_FAILED_RUN
    {
        out.push(window(first, last, true, by));
    }
    out
}

/// Overlapping windows become one (the first one's `by`).
fn merge(mut ws: Vec<Window>) -> Vec<Window> {
    ws.sort_by_key(|w| w.start);
    let mut out: Vec<Window> = Vec::new();
    for w in ws {
        match out.last_mut() {
            Some(l) if w.start <= l.end => {
                if w.end > l.end {
                    l.end = w.end;
                    l.open = w.open;
                }
                l.seconds = secs(l.start, l.end);
            }
            _ => out.push(w),
        }
    }
    out
}

/// `ws` minus the time covered by `cut` (both merged).
fn subtract(ws: Vec<Window>, cut: &[Window]) -> Vec<Window> {
    let mut out = Vec::new();
    for w in ws {
        let mut pieces = vec![w];
        for c in cut {
            pieces = pieces
                .into_iter()
                .flat_map(|p| {
                    if c.end <= p.start || c.start >= p.end {
                        return vec![p];
                    }
                    let mut v = Vec::new();
                    if c.start > p.start {
                        v.push(window(p.start, c.start, false, p.by));
                    }
                    if c.end < p.end {
                        v.push(window(c.end, p.end, p.open, p.by));
                    }
                    v
                })
                .collect();
        }
        out.extend(pieces.into_iter().filter(|p| p.seconds > 0.0));
    }
    out
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64) * 0.95).ceil() as usize;
    v[i.saturating_sub(1).min(v.len() - 1)]
}

/// Classify one API's samples.
pub fn classify_api(api: &str, samples: &[&Sample]) -> ApiMeasure {
    let mut by_time: Vec<&Sample> = samples.to_vec();
    by_time.sort_by_key(|s| s.ts);
    let of = |k: ProbeKind| -> Vec<&Sample> {
        by_time.iter().copied().filter(|s| s.probe == k).collect()
    };
    let (version, read, rpc) = (
        of(ProbeKind::Version),
        of(ProbeKind::Read),
        of(ProbeKind::Rpc),
    );
    let mut full = failed_runs(&version, "version");
    full.extend(failed_runs(&read, "read"));
    let full = merge(full);

    let first = by_time.first().map(|s| s.ts);
    let last = by_time.last().map(|s| s.ts);
    let baseline = match (first, last) {
        (Some(t0), Some(tn)) => {
            let cut = full.first().map_or(tn, |w| w.start.min(tn));
            let seconds = secs(t0, cut).min(BASELINE_SECONDS);
            let reads: Vec<f64> = read
                .iter()
                .filter(|s| s.ok && secs(t0, s.ts) < seconds)
                .map(|s| s.latency_ms)
                .collect();
            Baseline {
                seconds,
                short: seconds < BASELINE_SECONDS,
                read_p95_ms: (reads.len() >= BASELINE_MIN_READS).then(|| p95(reads)),
            }
        }
        _ => Baseline {
            seconds: 0.0,
            short: true,
            read_p95_ms: None,
        },
    };

    let mut degraded = Vec::new();
    for (i, s) in rpc.iter().enumerate() {
        if !s.ok {
            let end = rpc.get(i + 1).map_or(s.ts, |n| n.ts);
            let end = if end == s.ts {
                s.ts.checked_add(jiff::SignedDuration::from_millis(s.latency_ms as i64))
                    .unwrap_or(s.ts)
            } else {
                end
            };
            degraded.push(window(s.ts, end, i + 1 == rpc.len(), "rpc"));
        }
    }
    if let (Some(p95), Some(t0)) = (baseline.read_p95_ms, first) {
        let limit = p95 * LATENCY_FACTOR;
        let mut slow: Option<Timestamp> = None;
        for s in read
            .iter()
            .filter(|s| s.ok && secs(t0, s.ts) >= baseline.seconds)
        {
            let is_slow = s.latency_ms > limit;
            match (slow, is_slow) {
                (None, true) => slow = Some(s.ts),
                (Some(st), false) => {
                    degraded.push(window(st, s.ts, false, "latency"));
                    slow = None;
                }
                _ => {}
            }
        }
        if let (Some(st), Some(tn)) = (slow, read.last().map(|s| s.ts)) {
            degraded.push(window(st, tn, true, "latency"));
        }
    }
    let degraded = subtract(merge(degraded), &full);
    ApiMeasure {
        api: api.to_string(),
        samples: by_time.len(),
        failed: by_time.iter().filter(|s| !s.ok).count(),
        first,
        last,
        // `+ 0.0`: an empty sum of f64 is -0.0, which JSON would show as `-0.0`.
        full_seconds: full.iter().map(|w| w.seconds).sum::<f64>() + 0.0,
        degraded_seconds: degraded.iter().map(|w| w.seconds).sum::<f64>() + 0.0,
        full,
        degraded,
        baseline,
    }
}

/// Classify every API of a log, in the log's order.
pub fn classify(log: &ProbeLog) -> Vec<ApiMeasure> {
    log.apis()
        .iter()
        .map(|api| {
            let samples: Vec<&Sample> = log.samples.iter().filter(|s| &s.api == api).collect();
            classify_api(api, &samples)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: f64) -> Timestamp {
        Timestamp::from_millisecond(1_700_000_000_000 + (s * 1000.0) as i64).unwrap()
    }

    fn sample(at: f64, ok: bool, probe: ProbeKind, latency_ms: f64) -> Sample {
        Sample {
            api: "Nova".into(),
            ts: t(at),
            ok,
            status: ok.then_some(200),
            latency_ms,
            probe,
            error: (!ok).then(|| "timeout".into()),
        }
    }

    /// Version samples every 0.5 s for `secs`, failing inside the given spans.
    fn versions(secs: f64, down: &[(f64, f64)]) -> Vec<Sample> {
        (0..(secs * 2.0) as usize)
            .map(|i| {
                let at = i as f64 * 0.5;
                let ok = !down.iter().any(|&(a, b)| at >= a && at < b);
                sample(at, ok, ProbeKind::Version, 10.0)
            })
            .collect()
    }

    fn run(samples: &[Sample]) -> ApiMeasure {
        classify_api("Nova", &samples.iter().collect::<Vec<_>>())
    }

    #[test]
    fn a_scheduled_outage_is_measured_within_one_interval() {
        let m = run(&versions(900.0, &[(700.0, 712.3)]));
        assert_eq!(m.full.len(), 1);
        let w = &m.full[0];
        assert_eq!(w.start, t(700.0));
        assert!((w.seconds - 12.3).abs() <= 0.5, "{}", w.seconds);
        assert!(!m.baseline.short);
        assert_eq!(m.failed, 25);
    }

    #[test]
    fn one_failed_sample_is_not_an_outage() {
        let m = run(&versions(700.0, &[(650.0, 650.4)]));
        assert!(m.full.is_empty());
        assert_eq!(m.failed, 1);
        assert_eq!(m.full_seconds, 0.0);
    }

    #[test]
    fn an_outage_still_open_at_the_end_is_marked_open() {
        let m = run(&versions(700.0, &[(690.0, 800.0)]));
        assert_eq!(m.full.len(), 1);
        assert!(m.full[0].open);
        assert_eq!(m.full[0].end, t(699.5));
    }

    #[test]
    fn the_baseline_is_short_when_the_outage_comes_early() {
        let m = run(&versions(400.0, &[(120.0, 130.0)]));
        assert!(m.baseline.short);
        assert_eq!(m.baseline.seconds, 120.0);
    }

    #[test]
    fn slow_reads_and_failed_canaries_are_degraded_outside_full_windows() {
        let mut s = versions(1000.0, &[(800.0, 805.0)]);
        // Reads every second at 40 ms; 10 s of 400 ms reads at 700 s.
        for i in 0..1000 {
            let at = i as f64;
            let lat = if (700.0..710.0).contains(&at) {
                400.0
            } else {
                40.0
            };
            s.push(sample(at, true, ProbeKind::Read, lat));
        }
        // A canary every 30 s; the one at 780 s fails (until the next at 810 s).
        for i in 0..33 {
            let at = i as f64 * 30.0;
            s.push(sample(at, at != 780.0, ProbeKind::Rpc, 900.0));
        }
        let m = run(&s);
        assert_eq!(m.baseline.read_p95_ms, Some(40.0));
        assert_eq!(m.full_seconds, 5.0);
        let by: Vec<(&str, f64)> = m.degraded.iter().map(|w| (w.by, w.seconds)).collect();
        // 780–810 minus the full 800–805: 20 s + 5 s.
        assert_eq!(by, [("latency", 10.0), ("rpc", 20.0), ("rpc", 5.0)]);
        assert_eq!(m.degraded_seconds, 35.0);
    }

    #[test]
    fn version_and_read_windows_that_overlap_count_once() {
        let mut s = versions(900.0, &[(700.0, 710.0)]);
        for i in 0..900 {
            let at = i as f64;
            s.push(sample(
                at,
                !(705.0..715.0).contains(&at),
                ProbeKind::Read,
                30.0,
            ));
        }
        let m = run(&s);
        assert_eq!(m.full.len(), 1);
        assert_eq!(m.full_seconds, 15.0);
    }
}
