//! `upgrade validate --log`: which step each measured outage window belongs to, beside what
//! the plan predicted for that step and API.
//!
//! The windows are joined to the run's recorded step spans as `upgrade record` joins them
//! ([`super::join`]); a recorded step is the plan step of the same id, or of the same id
//! without its hop prefix (`6-7/keystone`): the k-th recorded span of `keystone` is the k-th
//! `keystone` step of the plan. Per step, API and kind (full or degraded) a row says:
//!
//! - **as predicted**: the measured seconds lie within the plan's windows × window min–max,
//!   widened by one probe interval per measured window (whole-step effects: within the
//!   recorded step's span);
//! - **longer** / **shorter**: measured, but outside that range;
//! - **not predicted**: the plan expects no such window of this API in this step;
//! - **not seen**: predicted, the step ran, the API was probed with a probe that shows this
//!   kind, and nothing was measured (marked *below resolution* when each predicted full
//!   window is shorter than two probe intervals, the shortest outage a probe shows).
//!
//! Windows no recorded step holds are listed with the reason, never dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::plan::history::{RecordedStep, Run, Unjoined};
use crate::plan::model::OutageKind;
use crate::probe::compare::{Plan, PlannedStep};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Fit {
    AsPredicted,
    Longer,
    Shorter,
    NotPredicted,
    NotSeen,
}

impl Fit {
    pub fn name(self) -> &'static str {
        match self {
            Fit::AsPredicted => "as predicted",
            Fit::Longer => "longer",
            Fit::Shorter => "shorter",
            Fit::NotPredicted => "not predicted",
            Fit::NotSeen => "not seen",
        }
    }
}

/// What the plan expects of one API in one step.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Expected {
    Nothing,
    /// `windows` windows of min–max seconds each.
    Windows {
        windows: usize,
        min: f64,
        max: f64,
    },
    /// For as long as the step runs.
    WholeStep,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepRow {
    /// The plan's step id (the recorded id where the plan has no such step).
    pub step: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub api: String,
    pub kind: OutageKind,
    pub expected: Expected,
    pub measured_seconds: f64,
    pub windows: usize,
    pub fit: Fit,
    /// The predicted windows are each shorter than two probe intervals: the probe cannot
    /// show them as full outages (two failed samples in a row).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub below_resolution: bool,
}

/// A recorded step's duration beside the plan's nominal one.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct StepTime {
    pub step: String,
    /// `None`: the plan has no such step.
    pub planned_seconds: Option<f64>,
    pub measured_seconds: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Attribution {
    pub rows: Vec<StepRow>,
    pub durations: Vec<StepTime>,
    /// Outage windows no recorded step holds, with the reason.
    pub unattributed: Vec<Unjoined>,
}

/// The plan step each recorded step is (see the module documentation).
fn plan_steps<'a>(plan: &'a Plan, recorded: &[RecordedStep]) -> Vec<Option<&'a PlannedStep>> {
    let base = |id: &'a str| -> &'a str { id.rsplit('/').next().unwrap_or(id) };
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    recorded
        .iter()
        .map(|r| {
            if let Some(p) = plan.steps.iter().find(|p| p.id == r.step) {
                return Some(p);
            }
            let b = r.step.rsplit('/').next().unwrap_or(&r.step);
            let k = seen.entry(b).or_default();
            let found = plan.steps.iter().filter(|p| base(&p.id) == b).nth(*k);
            *k += 1;
            found
        })
        .collect()
}

fn expected(step: &PlannedStep, api: &str, kind: OutageKind) -> Expected {
    let mut windows = 0;
    let (mut min, mut max) = (0.0, 0.0);
    for e in step
        .effects
        .iter()
        .filter(|e| e.kind == kind.name() && e.apis.iter().any(|a| a == api))
    {
        if e.whole_step {
            return Expected::WholeStep;
        }
        let r = e.window.map_or((0.0, 0.0), |w| (w.min, w.max));
        windows += e.windows;
        min += r.0 * e.windows as f64;
        max += r.1 * e.windows as f64;
    }
    if windows == 0 {
        Expected::Nothing
    } else {
        Expected::Windows { windows, min, max }
    }
}

/// Attribute the run's measured windows (`run.effects`) to the plan's steps. `probed` holds
/// the APIs (catalog ids) probed so that they can show a window of the kind; `interval` is
/// the probe interval (seconds).
pub fn attribute(
    plan: &Plan,
    run: &Run,
    probed: &BTreeSet<(String, OutageKind)>,
    interval: f64,
) -> Attribution {
    let steps = plan_steps(plan, &run.steps);
    let id_of = |i: usize| steps[i].map_or(run.steps[i].step.clone(), |p| p.id.clone());
    // Measured per (recorded step index, api, kind): seconds, windows.
    let mut measured: BTreeMap<(usize, String, OutageKind), (f64, usize)> = BTreeMap::new();
    let mut unattributed = run
        .unjoined
        .iter()
        .filter(|u| u.what == "full" || u.what == "degraded")
        .cloned()
        .collect::<Vec<_>>();
    for e in &run.effects {
        // The recorded span of this step that holds the window's start.
        let Some(i) = run
            .steps
            .iter()
            .position(|s| s.step == e.step && s.start <= e.start && e.start <= s.end)
        else {
            unattributed.push(Unjoined {
                what: e.kind.name().into(),
                name: e.api.clone(),
                host: None,
                start: Some(e.start),
                end: Some(e.end),
                source: "the probe log".into(),
                reason: format!("no recorded span of step `{}` holds its start", e.step),
            });
            continue;
        };
        let m = measured.entry((i, e.api.clone(), e.kind)).or_default();
        m.0 += e.seconds;
        m.1 += 1;
    }
    let mut rows = Vec::new();
    for ((i, api, kind), (secs, n)) in &measured {
        let exp = steps[*i].map_or(Expected::Nothing, |p| expected(p, api, *kind));
        let tol = interval * *n as f64 + 1e-9;
        let fit = match exp {
            Expected::Nothing => Fit::NotPredicted,
            Expected::WholeStep => {
                if *secs <= run.steps[*i].seconds + tol {
                    Fit::AsPredicted
                } else {
                    Fit::Longer
                }
            }
            Expected::Windows { min, max, .. } => {
                if *secs > max + tol {
                    Fit::Longer
                } else if *secs < min - tol {
                    Fit::Shorter
                } else {
                    Fit::AsPredicted
                }
            }
        };
        rows.push(StepRow {
            step: id_of(*i),
            title: steps[*i].map(|p| p.title.clone()),
            api: api.clone(),
            kind: *kind,
            expected: exp,
            measured_seconds: (secs * 10.0).round() / 10.0,
            windows: *n,
            fit,
            below_resolution: false,
        });
    }
    // Predicted windows of probed APIs in steps that ran, with nothing measured.
    for (i, p) in steps.iter().enumerate() {
        let Some(p) = p else { continue };
        for e in &p.effects {
            let kind = match e.kind.as_str() {
                "full" => OutageKind::Full,
                "degraded" => OutageKind::Degraded,
                _ => continue,
            };
            for api in &e.apis {
                if measured.contains_key(&(i, api.clone(), kind))
                    || !probed.contains(&(api.clone(), kind))
                    || rows
                        .iter()
                        .any(|r| r.step == p.id && &r.api == api && r.kind == kind)
                {
                    continue;
                }
                let exp = expected(p, api, kind);
                rows.push(StepRow {
                    step: p.id.clone(),
                    title: Some(p.title.clone()),
                    api: api.clone(),
                    kind,
                    expected: exp,
                    measured_seconds: 0.0,
                    windows: 0,
                    fit: Fit::NotSeen,
                    below_resolution: matches!(exp, Expected::Windows { windows, max, .. }
                        if kind == OutageKind::Full && max / (windows as f64) < 2.0 * interval),
                });
            }
        }
    }
    // In run order, then API.
    let order = |id: &str| {
        run.steps
            .iter()
            .enumerate()
            .position(|(i, _)| id_of(i) == id)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by(|a, b| {
        (order(&a.step), &a.api, a.kind.name()).cmp(&(order(&b.step), &b.api, b.kind.name()))
    });
    let durations = run
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| StepTime {
            step: id_of(i),
            planned_seconds: steps[i].map(|p| p.duration_seconds),
            measured_seconds: s.seconds,
        })
        .collect();
    Attribution {
        rows,
        durations,
        unattributed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::history::RecordedEffect;
    use crate::probe::compare::{PlannedEffect, Range};
    use jiff::Timestamp;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn step(id: &str, effects: Vec<PlannedEffect>) -> PlannedStep {
        PlannedStep {
            id: id.into(),
            title: id.into(),
            duration_seconds: 100.0,
            effects,
        }
    }

    fn windows(api: &str, n: usize, min: f64, max: f64) -> PlannedEffect {
        PlannedEffect {
            apis: vec![api.into()],
            kind: "full".into(),
            windows: n,
            whole_step: false,
            window: Some(Range { min, max }),
        }
    }

    fn effect(api: &str, step: &str, at: i64, secs: f64) -> RecordedEffect {
        RecordedEffect {
            api: api.into(),
            step: step.into(),
            kind: OutageKind::Full,
            start: t(at),
            end: t(at) + jiff::SignedDuration::from_secs_f64(secs),
            seconds: secs,
            open: false,
            by: "version".into(),
        }
    }

    #[test]
    fn windows_are_set_beside_the_prediction_of_their_step() {
        // A two-hop plan: keystone in both hops, the second predicting nothing for Nova.
        let plan = Plan {
            apis: Vec::new(),
            steps: vec![
                step("6-7/keystone", vec![windows("Keystone", 1, 2.0, 4.0)]),
                step("6-7/nova", vec![windows("Nova", 2, 1.0, 2.0)]),
                step(
                    "7-8/keystone",
                    vec![PlannedEffect {
                        whole_step: true,
                        ..windows("Keystone", 1, 0.0, 0.0)
                    }],
                ),
            ],
        };
        let rec = |id: &str, a: i64, b: i64| RecordedStep {
            step: id.into(),
            start: t(a),
            end: t(b),
            seconds: (b - a) as f64,
        };
        let run = Run {
            schema_version: 2,
            kind: "upgrade-run".into(),
            recorded_from: String::new(),
            sources: Vec::new(),
            steps: vec![
                rec("keystone", 0, 100),
                rec("nova", 100, 200),
                rec("keystone", 200, 260),
            ],
            restarts: Vec::new(),
            effects: vec![
                effect("Keystone", "keystone", 10, 4.4),
                effect("Keystone", "keystone", 205, 70.0),
                effect("Glance", "nova", 150, 3.0),
            ],
            unjoined: Vec::new(),
        };
        let probed: BTreeSet<(String, OutageKind)> = ["Keystone", "Nova", "Glance"]
            .iter()
            .map(|a| (a.to_string(), OutageKind::Full))
            .collect();
        let a = attribute(&plan, &run, &probed, 0.5);
        let got: Vec<(&str, &str, Fit)> = a
            .rows
            .iter()
            .map(|r| (r.step.as_str(), r.api.as_str(), r.fit))
            .collect();
        assert_eq!(
            got,
            [
                // 4.4 s lies within 2–4 s widened by one interval.
                ("6-7/keystone", "Keystone", Fit::AsPredicted),
                ("6-7/nova", "Glance", Fit::NotPredicted),
                ("6-7/nova", "Nova", Fit::NotSeen),
                // The second recorded keystone is the second hop's: a whole-step effect,
                // and 70 s is longer than its 60 s span.
                ("7-8/keystone", "Keystone", Fit::Longer),
            ]
        );
        assert_eq!(
            a.durations
                .iter()
                .map(|d| (d.step.as_str(), d.planned_seconds))
                .collect::<Vec<_>>(),
            [
                ("6-7/keystone", Some(100.0)),
                ("6-7/nova", Some(100.0)),
                ("7-8/keystone", Some(100.0))
            ]
        );
        assert!(!a.rows[2].below_resolution);
        // Probed every 1.5 s, Nova's 1–2 s windows cannot show as two failures in a row.
        let coarse = attribute(&plan, &run, &probed, 1.5);
        assert!(coarse.rows[2].below_resolution, "{:?}", coarse.rows[2]);
        // Shorter than predicted, beyond the tolerance.
        let mut short = run.clone();
        short.effects = vec![effect("Keystone", "keystone", 10, 1.0)];
        let a = attribute(&plan, &short, &probed, 0.5);
        assert_eq!(a.rows[0].fit, Fit::Shorter);
    }
}
