//! Prediction against measurement: each API's predicted full and degraded seconds (the
//! p10/p50/p90 of an `upgrade plan -o json`) beside what a probe log measured.
//!
//! A part (full or degraded) **passes** when the measurement lies within p10–p90, widened by
//! the probe's resolution (one interval per measured window: a window's ends are only known to
//! the nearest sample); it is also reported whether it lies within ±20 % of p50. A part that
//! was not measured is **unknown**, never a pass: an API without samples, and the degraded
//! part of an API probed without `read` or `rpc`. The API's verdict is the worst of its
//! measured parts (fail before pass), marked `partial` when the degraded part is unknown; an
//! API with no samples is unknown.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::classify::ApiMeasure;
use super::log::{ProbeKind, ProbeLog};

/// The share of p50 within which a measurement counts as close.
pub const CLOSE: f64 = 0.2;

#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, schemars::JsonSchema)]
pub struct Band {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

/// One API of a plan.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Predicted {
    pub id: String,
    pub full_seconds: Band,
    pub degraded_seconds: Band,
}

/// A window length of a plan (a prior: min, most likely, max seconds).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

/// One outage effect of a planned step.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PlannedEffect {
    pub apis: Vec<String>,
    /// `full` or `degraded`.
    pub kind: String,
    pub windows: usize,
    pub whole_step: bool,
    #[serde(default)]
    pub window: Option<Range>,
}

/// One step of a plan, as far as validation needs it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PlannedStep {
    pub id: String,
    pub title: String,
    pub duration_seconds: f64,
    #[serde(default)]
    pub effects: Vec<PlannedEffect>,
}

/// What `upgrade validate` reads of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub apis: Vec<Predicted>,
    pub steps: Vec<PlannedStep>,
}

#[derive(Debug, Deserialize)]
struct PlanJson {
    kind: String,
    apis: Vec<Predicted>,
    #[serde(default)]
    steps: Vec<PlannedStep>,
}

/// Read the APIs and steps of an `upgrade plan -o json` document.
pub fn parse_plan(text: &str, file: &Path) -> Result<Plan, String> {
    let plan: PlanJson = serde_json::from_str(text).map_err(|e| {
        format!(
            "{}:{}:{}: {} (expected the output of `scs-release upgrade plan -o json`)",
            file.display(),
            e.line(),
            e.column(),
            crate::base::yaml::without_values(&crate::base::error_text::json_message(&e))
        )
    })?;
    if plan.kind != "upgrade-plan" {
        return Err(format!(
            "{}: `kind` is not `upgrade-plan` (expected the output of `scs-release upgrade plan -o json`)",
            file.display()
        ));
    }
    Ok(Plan {
        apis: plan.apis,
        steps: plan.steps,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Unknown,
    Fail,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Unknown => "unknown",
            Verdict::Fail => "fail",
        }
    }
}

/// One part (full or degraded) of an API.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Part {
    pub predicted: Band,
    /// `None`: not measured.
    pub measured: Option<f64>,
    pub windows: usize,
    /// How far the band was widened for the probe's resolution (seconds).
    pub tolerance: f64,
    pub verdict: Verdict,
    /// Within ±20 % of p50 (`None` when not measured).
    pub close_to_p50: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Row {
    pub api: String,
    pub verdict: Verdict,
    /// The verdict covers the full part only: degraded was not measured.
    pub partial: bool,
    pub full: Part,
    pub degraded: Part,
    /// Short or missing baseline, open windows: what weakens the measurement.
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Validation {
    pub interval_seconds: Option<f64>,
    pub rows: Vec<Row>,
    /// APIs the probe measured that the plan does not have.
    pub not_in_plan: Vec<String>,
}

impl Validation {
    /// 0 every API passes, 1 one is outside its band, 2 nothing outside but something unknown.
    pub fn exit_code(&self) -> i32 {
        match self.rows.iter().map(|r| r.verdict).max() {
            Some(Verdict::Fail) => 1,
            Some(Verdict::Pass) => 0,
            _ => 2,
        }
    }
}

fn judge(
    predicted: Band,
    measured: Option<f64>,
    windows: usize,
    interval: f64,
    why: Option<String>,
) -> Part {
    let Some(m) = measured else {
        return Part {
            predicted,
            measured: None,
            windows,
            tolerance: 0.0,
            verdict: Verdict::Unknown,
            close_to_p50: None,
            why,
        };
    };
    let tolerance = interval * windows as f64;
    let inside = m >= predicted.p10 - tolerance - 1e-9 && m <= predicted.p90 + tolerance + 1e-9;
    Part {
        predicted,
        measured: Some(m),
        windows,
        tolerance,
        verdict: if inside { Verdict::Pass } else { Verdict::Fail },
        close_to_p50: Some((m - predicted.p50).abs() <= CLOSE * predicted.p50 + tolerance + 1e-9),
        why,
    }
}

/// Compare every API of the plan with the log's measurement.
pub fn compare(plan: &[Predicted], log: &ProbeLog, measures: &[ApiMeasure]) -> Validation {
    let interval = log.interval_seconds();
    let step = interval.unwrap_or(0.0);
    let rows = plan
        .iter()
        .map(|p| {
            let m = measures.iter().find(|m| m.api == p.id && m.samples > 0);
            let kinds = |k: ProbeKind| log.samples.iter().any(|s| s.api == p.id && s.probe == k);
            let Some(m) = m else {
                let why = Some("no probe samples for this API".to_string());
                return Row {
                    api: p.id.clone(),
                    verdict: Verdict::Unknown,
                    partial: false,
                    full: judge(p.full_seconds, None, 0, step, why.clone()),
                    degraded: judge(p.degraded_seconds, None, 0, step, why),
                    notes: Vec::new(),
                };
            };
            let full = judge(p.full_seconds, Some(m.full_seconds), m.full.len(), step, None);
            let can_degrade = kinds(ProbeKind::Rpc)
                || (kinds(ProbeKind::Read) && m.baseline.read_p95_ms.is_some());
            let degraded = if can_degrade {
                judge(p.degraded_seconds, Some(m.degraded_seconds), m.degraded.len(), step, None)
            } else {
                judge(
                    p.degraded_seconds,
                    None,
                    0,
                    step,
                    Some(if kinds(ProbeKind::Read) {
                        "too few reads in the baseline for a latency threshold".into()
                    } else {
                        "degraded needs `read` or `rpc` probes (probe with --read or --rpc --execute)".into()
                    }),
                )
            };
            let mut notes = Vec::new();
            if m.baseline.short {
                notes.push(format!(
                    "baseline only {:.0} s (start the probe at least 10 minutes before the window)",
                    m.baseline.seconds
                ));
            }
            let open = m.full.iter().chain(&m.degraded).filter(|w| w.open).count();
            if open > 0 {
                notes.push(format!("{open} window(s) still open when the log ends"));
            }
            // Measured parts decide; a part not measured only keeps the API from passing
            // when nothing else was measured (the full part always is).
            let partial = degraded.verdict == Verdict::Unknown;
            Row {
                api: p.id.clone(),
                verdict: if partial { full.verdict } else { full.verdict.max(degraded.verdict) },
                partial,
                full,
                degraded,
                notes,
            }
        })
        .collect();
    let not_in_plan = measures
        .iter()
        .filter(|m| !plan.iter().any(|p| p.id == m.api))
        .map(|m| m.api.clone())
        .collect();
    Validation {
        interval_seconds: interval,
        rows,
        not_in_plan,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::classify;
    use crate::probe::log::Sample;
    use jiff::Timestamp;

    fn band(p10: f64, p50: f64, p90: f64) -> Band {
        Band { p10, p50, p90 }
    }

    fn log(api: &str, down: (f64, f64), reads: bool) -> ProbeLog {
        let mut samples = Vec::new();
        for i in 0..2400 {
            let at = i as f64 * 0.5;
            let ts = Timestamp::from_millisecond(1_700_000_000_000 + (at * 1000.0) as i64).unwrap();
            let ok = !(at >= down.0 && at < down.1);
            samples.push(Sample {
                api: api.into(),
                ts,
                ok,
                status: ok.then_some(200),
                latency_ms: 10.0,
                probe: ProbeKind::Version,
                error: None,
            });
            if reads && i % 2 == 0 {
                samples.push(Sample {
                    probe: ProbeKind::Read,
                    latency_ms: 30.0,
                    ..samples.last().unwrap().clone()
                });
            }
        }
        ProbeLog {
            start: None,
            samples,
        }
    }

    #[test]
    fn inside_the_band_passes_outside_fails_and_missing_is_unknown() {
        let plan = vec![
            Predicted {
                id: "Nova".into(),
                full_seconds: band(20.0, 30.0, 45.0),
                degraded_seconds: band(0.0, 0.0, 10.0),
            },
            Predicted {
                id: "Glance".into(),
                full_seconds: band(20.0, 30.0, 45.0),
                degraded_seconds: band(0.0, 0.0, 0.0),
            },
            Predicted {
                id: "Heat".into(),
                full_seconds: band(1.0, 2.0, 3.0),
                degraded_seconds: band(0.0, 0.0, 0.0),
            },
        ];
        let mut l = log("Nova", (700.0, 732.0), true);
        l.samples
            .extend(log("Glance", (700.0, 790.0), false).samples);
        l.samples.extend(log("Keystone", (0.0, 0.0), false).samples);
        let v = compare(&plan, &l, &classify::classify(&l));
        let by: Vec<(&str, Verdict)> = v.rows.iter().map(|r| (r.api.as_str(), r.verdict)).collect();
        assert_eq!(
            by,
            [
                ("Nova", Verdict::Pass),
                ("Glance", Verdict::Fail),
                ("Heat", Verdict::Unknown)
            ]
        );
        let nova = &v.rows[0];
        assert_eq!(nova.full.measured, Some(32.0));
        assert_eq!(nova.full.close_to_p50, Some(true));
        assert_eq!(nova.degraded.verdict, Verdict::Pass);
        // Version probes only: degraded is unknown, with the reason.
        assert_eq!(v.rows[1].degraded.verdict, Verdict::Unknown);
        assert!(
            v.rows[1]
                .degraded
                .why
                .as_deref()
                .unwrap()
                .contains("--read")
        );
        assert_eq!(v.not_in_plan, ["Keystone"]);
        assert_eq!(v.exit_code(), 1);
        let only_unknown = compare(&plan[2..], &l, &classify::classify(&l));
        assert_eq!(only_unknown.exit_code(), 2);
    }

    #[test]
    fn the_band_is_widened_by_one_interval_per_window() {
        let plan = vec![Predicted {
            id: "Nova".into(),
            full_seconds: band(20.0, 30.0, 40.0),
            degraded_seconds: band(0.0, 0.0, 0.0),
        }];
        let l = log("Nova", (700.0, 740.5), false);
        let v = compare(&plan, &l, &classify::classify(&l));
        assert_eq!(v.rows[0].full.measured, Some(40.5));
        assert_eq!(v.rows[0].full.tolerance, 0.5);
        assert_eq!(v.rows[0].full.verdict, Verdict::Pass);
        assert_eq!(v.rows[0].full.close_to_p50, Some(false));
    }
}
