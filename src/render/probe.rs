//! `upgrade probe`: the per-API summary at the end of a run.

use super::Format;
use super::table::Table;
use crate::probe::prober::Report;

/// `1h 02m 03s`, `12.3 s`.
fn span(seconds: f64) -> String {
    if seconds < 60.0 {
        format!("{seconds:.1} s")
    } else {
        let s = seconds.round() as u64;
        let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
        if h > 0 {
            format!("{h}h {m:02}m {s:02}s")
        } else {
            format!("{m}m {s:02}s")
        }
    }
}

pub fn render(r: &Report, format: Format) -> String {
    if format == Format::Json {
        // Its schema (app::output_schema) names the same version.
        return super::json_document("probe-summary", 1, r);
    }
    let mut t = Table::new([
        "API",
        "samples",
        "failed",
        "full windows",
        "full",
        "longest",
        "degraded",
        "baseline",
    ]);
    for m in &r.apis {
        let longest = m.full.iter().map(|w| w.seconds).fold(0.0, f64::max);
        let open = if m.full.iter().any(|w| w.open) {
            " (open)"
        } else {
            ""
        };
        t.row([
            m.api.clone(),
            m.samples.to_string(),
            m.failed.to_string(),
            m.full.len().to_string(),
            format!("{}{open}", span(m.full_seconds)),
            if m.full.is_empty() {
                "-".into()
            } else {
                span(longest)
            },
            span(m.degraded_seconds),
            if m.baseline.short {
                format!("{} (short)", span(m.baseline.seconds))
            } else {
                span(m.baseline.seconds)
            },
        ]);
    }
    let secs = (r.ended.as_millisecond() - r.started.as_millisecond()) as f64 / 1000.0;
    let mut out = format!(
        "Probed {} API{} for {} at {} ms ({} samples){}\n\n",
        r.apis.len(),
        if r.apis.len() == 1 { "" } else { "s" },
        span(secs.max(0.0)),
        r.interval_ms,
        r.samples,
        if r.interrupted {
            ", stopped by a signal"
        } else {
            ""
        }
    );
    out.push_str(&t.to_text());
    out.push_str(&format!(
        "\nfull: runs of ≥ {} failed version/read samples, first failure to first success; degraded: failed rpc canary or read latency > {} × the baseline p95\n",
        crate::probe::classify::MIN_FAILED_RUN,
        crate::probe::classify::LATENCY_FACTOR
    ));
    out
}

/// Warnings of the summary, for stderr (in every format).
pub fn warnings(r: &Report) -> String {
    r.leftovers
        .iter()
        .map(|id| {
            format!(
                "warning: canary network {id} could not be deleted; the next run with --rpc --execute deletes it\n"
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::log::{ProbeKind, Sample};

    #[test]
    fn the_summary_table() {
        let t = |s: f64| {
            jiff::Timestamp::from_millisecond(1_764_698_400_000 + (s * 1000.0) as i64).unwrap()
        };
        let samples: Vec<Sample> = (0..1800)
            .map(|i| {
                let at = i as f64 * 0.5;
                let ok = !(700.0..712.5).contains(&at);
                Sample {
                    api: "Nova".into(),
                    ts: t(at),
                    ok,
                    status: ok.then_some(200),
                    latency_ms: 10.0,
                    probe: ProbeKind::Version,
                    error: None,
                }
            })
            .collect();
        let refs: Vec<&Sample> = samples.iter().collect();
        let nova = crate::probe::classify::classify_api("Nova", &refs);
        let glance = crate::probe::classify::classify_api("Glance", &refs[..100]);
        let r = Report {
            started: t(0.0),
            ended: t(900.0),
            interval_ms: 500,
            samples: 1900,
            interrupted: true,
            apis: vec![nova, glance],
            leftovers: vec!["5f1c".into()],
        };
        insta::assert_snapshot!("probe_summary_table", render(&r, Format::Table));
        assert_eq!(
            warnings(&r),
            "warning: canary network 5f1c could not be deleted; the next run with --rpc --execute deletes it\n"
        );
    }
}
