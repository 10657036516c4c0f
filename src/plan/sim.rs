//! Prediction: a deterministic nominal timeline (every number at its median) and a seeded
//! Monte-Carlo simulation giving p50/p90 for the window and per-API outage seconds.
//!
//! Outage composition per API: the windows of every step's effects are placed on the
//! timeline, propagation rules copy them (Keystone full ⇒ every API degraded), then full and
//! degraded windows are each merged (interval union). `full` seconds is the measure of the
//! full union; `degraded` seconds is the time degraded but not fully down.

use serde::Serialize;

use super::dag;
use super::ir::{MAX_APIS, Num, Plan, Step};
use super::model::{OutageKind, Scope};
use super::rng::Rng;

/// The stated distribution of every prior.
pub const DISTRIBUTION: &str = "triangular(min, mode, max); mode = min + (max - min) / 3 unless given; step durations × one log-normal site factor per run (median 1, σ from duration_factor); calibrated steps: resampled recorded durations";

#[derive(Debug, Clone, Copy, Serialize)]
pub struct SimConfig {
    pub samples: u32,
    pub seed: u64,
    pub parallel: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub mean: f64,
    pub min: f64,
    pub max: f64,
}

impl Stats {
    /// Nearest-rank percentiles, rounded to 0.1 s; reorders `xs` (selection, not a full sort).
    pub fn of(xs: &mut [f64]) -> Stats {
        if xs.is_empty() {
            return Stats::default();
        }
        let n = xs.len();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let min = xs.iter().copied().fold(f64::INFINITY, f64::min);
        let max = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let idx = |p: f64| ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        let (k10, k50, k90) = (idx(0.10), idx(0.50), idx(0.90));
        let (left, mid, right) = xs.select_nth_unstable_by(k50, f64::total_cmp);
        let p50 = *mid;
        let p10 = if k10 < k50 {
            *left.select_nth_unstable_by(k10, f64::total_cmp).1
        } else {
            p50
        };
        let p90 = if k90 > k50 {
            *right
                .select_nth_unstable_by(k90 - k50 - 1, f64::total_cmp)
                .1
        } else {
            p50
        };
        let r = |x: f64| (x * 10.0).round() / 10.0;
        Stats {
            p10: r(p10),
            p50: r(p50),
            p90: r(p90),
            mean: r(mean),
            min: r(min),
            max: r(max),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ApiOutcome {
    pub full_seconds: Stats,
    pub degraded_seconds: Stats,
    /// Share of runs in which the API was affected at all.
    pub affected_share: f64,
    /// Earliest start of any outage of this API (p10 over runs), seconds after the start.
    pub first_start_p10: Option<f64>,
    /// Latest end of any outage of this API (p90 over runs).
    pub last_end_p90: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Simulation {
    #[serde(flatten)]
    pub config: SimConfig,
    pub distribution: &'static str,
    pub total_seconds: Stats,
    pub apis: Vec<ApiOutcome>,
}

/// One merged outage window on the nominal timeline.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Span {
    pub start: f64,
    pub end: f64,
    pub causes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct ApiTimeline {
    pub full: Vec<Span>,
    /// Degraded but not fully down.
    pub degraded: Vec<Span>,
}

impl ApiTimeline {
    pub fn full_seconds(&self) -> f64 {
        self.full.iter().map(|s| s.end - s.start).sum()
    }
    pub fn degraded_seconds(&self) -> f64 {
        self.degraded.iter().map(|s| s.end - s.start).sum()
    }
}

/// Every step at its median duration, every window at its median length.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub start: Vec<f64>,
    pub duration: Vec<f64>,
    pub total: f64,
    pub apis: Vec<ApiTimeline>,
    /// Longest dependency chain (what `--parallel` cannot shorten).
    pub critical_path: Vec<usize>,
    pub critical_seconds: f64,
}

/// A step's duration in one run; `factor` is the run's site-wide duration factor (recorded
/// durations already carry the site's own speed and are not scaled).
fn sample_step(step: &Step, factor: f64, rng: &mut Rng) -> f64 {
    if let Some(rec) = &step.calibrated
        && !rec.is_empty()
    {
        return rec[rng.below(rec.len())];
    }
    let mut d = step.duration.tri.sample(rng);
    if let Some((x, _)) = &step.extra {
        d += x.tri.sample(rng);
    }
    if let Some(u) = &step.per_unit {
        match step.scope {
            Scope::Serial => {
                for _ in 0..step.units {
                    d += u.tri.sample(rng);
                }
            }
            Scope::Concurrent if step.units > 0 => d += u.tri.sample(rng),
            _ => {}
        }
    }
    d * factor
}

fn median_step(step: &Step) -> f64 {
    if let Some(rec) = &step.calibrated
        && !rec.is_empty()
    {
        let mut r = rec.clone();
        return Stats::of(&mut r).p50;
    }
    let u = step.per_unit.as_ref().map_or(0.0, |u| u.tri.median());
    step.duration.tri.median()
        + step.extra.as_ref().map_or(0.0, |(x, _)| x.tri.median())
        + match step.scope {
            Scope::Serial => u * step.units as f64,
            Scope::Concurrent if step.units > 0 => u,
            _ => 0.0,
        }
}

/// Place every effect window of every step; `win` gives a window length.
fn emit(
    plan: &Plan,
    start: &[f64],
    dur: &[f64],
    mut win: impl FnMut(&Num) -> f64,
    mut out: impl FnMut(usize, OutageKind, f64, f64, usize, usize),
) {
    // Run order keeps the windows nearly sorted by time, which makes merging cheap.
    for &si in &plan.order {
        let step = &plan.steps[si];
        for (ei, e) in step.effects.iter().enumerate() {
            if e.whole {
                for &a in &e.apis {
                    out(a, e.kind, start[si], start[si] + dur[si], si, ei);
                }
                continue;
            }
            for &f in &e.at {
                let t0 = start[si] + f * dur[si];
                let len = e.window.as_ref().map_or(0.0, &mut win);
                for &a in &e.apis {
                    out(a, e.kind, t0, t0 + len, si, ei);
                }
            }
        }
    }
}

#[cfg(test)]
fn merge(v: &mut [(f64, f64)]) -> (f64, usize) {
    // Sorts in place, merges into the prefix; returns (measure, merged length).
    if v.is_empty() {
        return (0.0, 0);
    }
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut w = 0;
    for r in 1..v.len() {
        if v[r].0 <= v[w].1 {
            v[w].1 = v[w].1.max(v[r].1);
        } else {
            w += 1;
            v[w] = v[r];
        }
    }
    let n = w + 1;
    (v[..n].iter().map(|(a, b)| b - a).sum(), n)
}

/// One outage window of one sample, for every API in `mask` at once.
#[derive(Clone, Copy)]
struct Event {
    t0: f64,
    t1: f64,
    full: bool,
    /// Index into the table of API masks (keeps the event small for sorting).
    mask: u32,
}

/// Per-API state of the sweep: the current merged run of full windows and of all windows.
#[derive(Clone, Copy)]
struct Sweep {
    full_cs: f64,
    full_ce: f64,
    full_total: f64,
    any_cs: f64,
    any_ce: f64,
    any_total: f64,
    first: f64,
}

impl Sweep {
    const EMPTY: Sweep = Sweep {
        full_cs: 0.0,
        full_ce: f64::NEG_INFINITY,
        full_total: 0.0,
        any_cs: 0.0,
        any_ce: f64::NEG_INFINITY,
        any_total: 0.0,
        first: f64::INFINITY,
    };

    #[inline]
    fn add(&mut self, e: &Event) {
        if e.t0 <= self.any_ce {
            self.any_ce = self.any_ce.max(e.t1);
        } else {
            if self.any_ce > f64::NEG_INFINITY {
                self.any_total += self.any_ce - self.any_cs;
            } else {
                // Events come sorted by start: the first one is the earliest.
                self.first = e.t0;
            }
            self.any_cs = e.t0;
            self.any_ce = e.t1;
        }
        if e.full {
            if e.t0 <= self.full_ce {
                self.full_ce = self.full_ce.max(e.t1);
            } else {
                if self.full_ce > f64::NEG_INFINITY {
                    self.full_total += self.full_ce - self.full_cs;
                }
                self.full_cs = e.t0;
                self.full_ce = e.t1;
            }
        }
    }

    /// (full seconds, full-or-degraded seconds, first start, last end)
    fn finish(&self) -> Option<(f64, f64, f64, f64)> {
        if self.any_ce == f64::NEG_INFINITY {
            return None;
        }
        let full = self.full_total
            + if self.full_ce > f64::NEG_INFINITY {
                self.full_ce - self.full_cs
            } else {
                0.0
            };
        Some((
            full,
            self.any_total + self.any_ce - self.any_cs,
            self.first,
            self.any_ce,
        ))
    }
}

fn mask_of(apis: &[usize]) -> u128 {
    apis.iter().fold(0u128, |m, &a| m | (1u128 << a))
}

pub fn schedule(plan: &Plan, parallel: bool, dur: &[f64], start: &mut [f64]) -> f64 {
    if parallel {
        let deps: Vec<Vec<usize>> = plan.steps.iter().map(|s| s.deps.clone()).collect();
        dag::earliest_starts(&deps, &plan.order, dur, start);
    } else {
        dag::sequential_starts(&plan.order, dur, start);
    }
    (0..dur.len())
        .map(|i| start[i] + dur[i])
        .fold(0.0, f64::max)
}

/// The nominal timeline.
pub fn timeline(plan: &Plan, parallel: bool) -> Timeline {
    let n = plan.steps.len();
    let dur: Vec<f64> = plan.steps.iter().map(median_step).collect();
    let mut start = vec![0.0; n];
    let total = schedule(plan, parallel, &dur, &mut start);
    let na = plan.apis.len();
    let mut raw: Vec<Vec<(OutageKind, f64, f64, String)>> = vec![Vec::new(); na];
    emit(
        plan,
        &start,
        &dur,
        |w| w.tri.median(),
        |a, k, t0, t1, si, ei| {
            raw[a].push((k, t0, t1, plan.steps[si].effects[ei].cause.clone()));
        },
    );
    for r in &plan.rules {
        let src: Vec<_> = raw[r.from_api]
            .iter()
            .filter(|x| x.0 == r.from_kind)
            .cloned()
            .collect();
        for &t in &r.to {
            for (_, t0, t1, cause) in &src {
                raw[t].push((
                    r.to_kind,
                    *t0,
                    *t1,
                    format!(
                        "{} ({} {})",
                        cause,
                        plan.apis[r.from_api].id,
                        r.from_kind.name()
                    ),
                ));
            }
        }
    }
    let apis = raw
        .into_iter()
        .map(|mut xs| {
            xs.sort_by(|a, b| a.1.total_cmp(&b.1));
            let spans = |kind: OutageKind| {
                let mut out: Vec<Span> = Vec::new();
                for (k, t0, t1, c) in xs.iter().filter(|x| x.0 == kind) {
                    let _ = k;
                    match out.last_mut() {
                        Some(s) if *t0 <= s.end => {
                            s.end = s.end.max(*t1);
                            if !s.causes.contains(c) {
                                s.causes.push(c.clone());
                            }
                        }
                        _ => out.push(Span {
                            start: *t0,
                            end: *t1,
                            causes: vec![c.clone()],
                        }),
                    }
                }
                out
            };
            let full = spans(OutageKind::Full);
            let deg = subtract(spans(OutageKind::Degraded), &full);
            ApiTimeline {
                full,
                degraded: deg,
            }
        })
        .collect();
    let deps: Vec<Vec<usize>> = plan.steps.iter().map(|s| s.deps.clone()).collect();
    let critical_path = dag::critical_path(&deps, &plan.order, &dur);
    let critical_seconds = critical_path.iter().map(|&i| dur[i]).sum();
    Timeline {
        start,
        duration: dur,
        total,
        apis,
        critical_path,
        critical_seconds,
    }
}

/// `spans` minus `cut` (both sorted, merged).
fn subtract(spans: Vec<Span>, cut: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for s in spans {
        let mut pieces = vec![(s.start, s.end)];
        for c in cut {
            pieces = pieces
                .into_iter()
                .flat_map(|(a, b)| {
                    if c.end <= a || c.start >= b {
                        vec![(a, b)]
                    } else {
                        let mut v = Vec::new();
                        if c.start > a {
                            v.push((a, c.start));
                        }
                        if c.end < b {
                            v.push((c.end, b));
                        }
                        v
                    }
                })
                .collect();
        }
        for (a, b) in pieces {
            if b - a > 1e-9 {
                out.push(Span {
                    start: a,
                    end: b,
                    causes: s.causes.clone(),
                });
            }
        }
    }
    out
}

/// The Monte-Carlo simulation.
///
/// Per sample: sample every step (in catalog order) and schedule; then every effect window in
/// run order becomes one event for all its APIs (a bit mask), propagation rules add events,
/// the events are sorted by start (nearly sorted already) and one sweep merges, per API, the
/// full windows and all windows. Plans have at most [`MAX_APIS`] APIs (checked by `compile`).
pub fn simulate(plan: &Plan, cfg: SimConfig) -> Simulation {
    let n = plan.steps.len();
    let na = plan.apis.len().min(MAX_APIS);
    let samples = cfg.samples.max(1) as usize;
    let mut rng = Rng::new(cfg.seed);
    let mut dep_at = vec![0usize];
    let mut dep_list: Vec<usize> = Vec::new();
    for s in &plan.steps {
        dep_list.extend_from_slice(&s.deps);
        dep_at.push(dep_list.len());
    }
    // Every distinct API set gets an index into `table`; events carry the index.
    let mut table: Vec<u128> = Vec::new();
    let mut intern = |m: u128| -> u32 {
        match table.iter().position(|&x| x == m) {
            Some(i) => i as u32,
            None => {
                table.push(m);
                (table.len() - 1) as u32
            }
        }
    };
    let masks: Vec<Vec<(u128, u32)>> = plan
        .steps
        .iter()
        .map(|s| {
            s.effects
                .iter()
                .map(|e| {
                    let m = mask_of(&e.apis);
                    (m, intern(m))
                })
                .collect()
        })
        .collect();
    let rules: Vec<(u128, bool, u32, bool)> = plan
        .rules
        .iter()
        .map(|r| {
            (
                1u128 << r.from_api,
                r.from_kind == OutageKind::Full,
                intern(mask_of(&r.to)),
                r.to_kind == OutageKind::Full,
            )
        })
        .collect();
    let mut dur = vec![0.0; n];
    let mut start = vec![0.0; n];
    let mut totals = Vec::with_capacity(samples);
    let mut full_s = vec![Vec::with_capacity(samples); na];
    let mut deg_s = vec![Vec::with_capacity(samples); na];
    let mut first = vec![Vec::new(); na];
    let mut last = vec![Vec::new(); na];
    let mut affected = vec![0usize; na];
    let mut events: Vec<Event> = Vec::new();
    let mut sweep = vec![Sweep::EMPTY; na];
    let sigma = plan.duration_factor.as_ref().map_or(0.0, |f| f.sigma);
    for _ in 0..samples {
        // Drawn even with σ = 0 so that a seed gives the same windows with or without it.
        let factor = (sigma * rng.normal()).exp();
        for (i, step) in plan.steps.iter().enumerate() {
            dur[i] = sample_step(step, factor, &mut rng);
        }
        let total = if cfg.parallel {
            // Earliest starts over the flattened dependency lists.
            let mut t: f64 = 0.0;
            for &i in &plan.order {
                let s0 = dep_list[dep_at[i]..dep_at[i + 1]]
                    .iter()
                    .map(|&d| start[d] + dur[d])
                    .fold(0.0, f64::max);
                start[i] = s0;
                t = t.max(s0 + dur[i]);
            }
            t
        } else {
            dag::sequential_starts(&plan.order, &dur, &mut start);
            dur.iter().sum()
        };
        totals.push(total);
        events.clear();
        for &si in &plan.order {
            let step = &plan.steps[si];
            let begin = events.len();
            for (ei, e) in step.effects.iter().enumerate() {
                let (bits, mask) = masks[si][ei];
                let full = e.kind == OutageKind::Full;
                let windows: &[f64] = if e.whole { &[0.0] } else { &e.at };
                for &f in windows {
                    let (t0, t1) = if e.whole {
                        (start[si], start[si] + dur[si])
                    } else {
                        let t0 = start[si] + f * dur[si];
                        let len = e.window.as_ref().map_or(0.0, |w| w.tri.sample(&mut rng));
                        (t0, t0 + len)
                    };
                    events.push(Event { t0, t1, full, mask });
                    // Propagation: derived windows right after their source.
                    for &(from, from_full, to, to_full) in &rules {
                        if bits & from != 0 && full == from_full {
                            events.push(Event {
                                t0,
                                t1,
                                full: to_full,
                                mask: to,
                            });
                        }
                    }
                }
            }
            if !cfg.parallel && events.len() - begin > 1 {
                // One step at a time: a step's windows start within the step, so sorting each
                // step's few events keeps the whole list sorted.
                events[begin..].sort_by(|a, b| a.t0.total_cmp(&b.t0));
            }
        }
        if cfg.parallel {
            // Ties in start time do not change any union, so an unstable sort is fine.
            events.sort_unstable_by(|a, b| a.t0.total_cmp(&b.t0));
        }
        sweep.iter_mut().for_each(|s| *s = Sweep::EMPTY);
        for e in &events {
            let mut m = table[e.mask as usize];
            while m != 0 {
                let a = m.trailing_zeros() as usize;
                m &= m - 1;
                sweep[a].add(e);
            }
        }
        for a in 0..na {
            match sweep[a].finish() {
                Some((f, any, t_first, t_last)) => {
                    full_s[a].push(f);
                    deg_s[a].push(any - f);
                    affected[a] += 1;
                    first[a].push(t_first);
                    last[a].push(t_last);
                }
                None => {
                    full_s[a].push(0.0);
                    deg_s[a].push(0.0);
                }
            }
        }
    }
    let apis = (0..na)
        .map(|a| ApiOutcome {
            full_seconds: Stats::of(&mut full_s[a]),
            degraded_seconds: Stats::of(&mut deg_s[a]),
            affected_share: affected[a] as f64 / samples as f64,
            first_start_p10: (!first[a].is_empty()).then(|| Stats::of(&mut first[a]).p10),
            last_end_p90: (!last[a].is_empty()).then(|| Stats::of(&mut last[a]).p90),
        })
        .collect();
    Simulation {
        config: cfg,
        distribution: DISTRIBUTION,
        total_seconds: Stats::of(&mut totals),
        apis,
    }
}

#[cfg(test)]
pub(crate) fn merge_for_tests(v: &mut [(f64, f64)]) -> (f64, usize) {
    merge(v)
}

#[cfg(test)]
pub(crate) fn subtract_for_tests(spans: Vec<Span>, cut: &[Span]) -> Vec<Span> {
    subtract(spans, cut)
}
