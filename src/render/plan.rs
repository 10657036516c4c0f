//! Rendering of `upgrade plan`: terminal tree and outage table, JSON, Markdown announcement
//! (handlebars template), iCalendar, status-page maintenance JSON and a self-contained HTML
//! report with an SVG Gantt chart.

use serde::Serialize;

use super::table::Table;
use super::template::{TemplateError, render_strict};
use super::{Format, json_document};
use crate::plan::ir::{Num, Step};
use crate::plan::model::Prior;
use crate::plan::report::{Report, human};
use crate::plan::sim::{Span, Stats};

pub const SCHEMA_VERSION: u32 = 1;
pub const ANNOUNCEMENT_TEMPLATE: &str = "templates/announcement.md.hbs";

/// Time of a point on the timeline: local wall clock with `--start`, else `T+1:05`.
fn when(r: &Report, secs: f64) -> String {
    match &r.start {
        Some(a) => a.local(secs, "%H:%M"),
        None => {
            let s = secs.max(0.0).round() as u64;
            format!("T+{}:{:02}", s / 3600, s % 3600 / 60)
        }
    }
}

/// Like [`when`] with seconds: outage windows are often shorter than a minute.
fn when_exact(r: &Report, secs: f64) -> String {
    match &r.start {
        Some(a) => a.local(secs, "%H:%M:%S"),
        None => {
            let s = secs.max(0.0).round() as u64;
            format!("T+{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
        }
    }
}

fn range_text(step: &Step) -> String {
    if let Some(c) = &step.calibrated {
        let mut c = c.clone();
        let st = Stats::of(&mut c);
        return format!("{}–{}", human(st.min), human(st.max));
    }
    let (mut lo, mut hi) = (step.duration.prior.min, step.duration.prior.max);
    if let Some(u) = &step.per_unit {
        let k = match step.scope {
            crate::plan::model::Scope::Serial => step.units as f64,
            _ => (step.units > 0) as u8 as f64,
        };
        lo += u.prior.min * k;
        hi += u.prior.max * k;
    }
    format!("{}–{}", human(lo), human(hi))
}

fn span_text(r: &Report, s: &Span) -> String {
    let len = s.end - s.start;
    format!(
        "{}–{} ({})",
        when_exact(r, s.start),
        when_exact(r, s.end),
        human(len)
    )
}

fn stat_pair(s: &Stats) -> String {
    if s.p90 <= 0.0 {
        "-".into()
    } else {
        format!("{} / {}", human(s.p50), human(s.p90))
    }
}

fn title(r: &Report) -> String {
    format!("OSISM {} → {}", r.from, r.to)
}

/// The terminal view.
pub fn table(r: &Report) -> String {
    let sim = &r.simulation;
    let tl = &r.timeline;
    let mut out = format!(
        "Upgrade plan {} for site {} ({}, {} samples, seed {})\n",
        title(r),
        r.site.name,
        if r.parallel {
            "independent steps in parallel"
        } else {
            "one step at a time"
        },
        sim.config.samples,
        sim.config.seed
    );
    out.push_str(&format!(
        "Window: p50 {}, p90 {} (nominal {}; critical path {})\n",
        human(sim.total_seconds.p50),
        human(sim.total_seconds.p90),
        human(tl.total),
        human(tl.critical_seconds)
    ));
    if let Some(a) = &r.start {
        out.push_str(&format!(
            "Start {} {}; expected end {} (p50), {} (p90)\n",
            a.local(0.0, "%Y-%m-%d %H:%M"),
            a.offset_text(),
            a.local(sim.total_seconds.p50, "%Y-%m-%d %H:%M"),
            a.local(sim.total_seconds.p90, "%Y-%m-%d %H:%M")
        ));
    }
    if let Some(w) = r.window_seconds {
        let fits = sim.total_seconds.p90 <= w;
        out.push_str(&format!(
            "Maintenance window {}: p90 {}\n",
            human(w),
            if fits { "fits" } else { "does NOT fit" }
        ));
    }
    out.push('\n');

    // Tree: hop → section → steps in run order.
    let mut t = Table::new(["step", "start", "duration", "range", "prov", "what"]);
    let order = &r.plan.order;
    for (hi, hop) in r.plan.hops.iter().enumerate() {
        let in_hop: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| r.plan.steps[i].hop == hi)
            .collect();
        let h_start = in_hop.iter().map(|&i| tl.start[i]).fold(f64::MAX, f64::min);
        let h_end = in_hop
            .iter()
            .map(|&i| tl.start[i] + tl.duration[i])
            .fold(0.0, f64::max);
        t.row([
            format!("OSISM {} → {}", hop.from, hop.to),
            if hi == 0 {
                String::new()
            } else {
                when(r, h_start)
            },
            human(h_end - h_start.min(h_end)),
            String::new(),
            String::new(),
            String::new(),
        ]);
        // Group consecutive runs of a section.
        let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
        for &i in &in_hop {
            let s = r.plan.steps[i].section.as_str();
            match groups.last_mut() {
                Some((name, v)) if *name == s => v.push(i),
                _ => groups.push((s, vec![i])),
            }
        }
        let ng = groups.len();
        for (gi, (name, idx)) in groups.iter().enumerate() {
            let last_g = gi + 1 == ng;
            let g_start = idx.iter().map(|&i| tl.start[i]).fold(f64::MAX, f64::min);
            let g_end = idx
                .iter()
                .map(|&i| tl.start[i] + tl.duration[i])
                .fold(0.0, f64::max);
            t.row([
                format!("{} {name}", if last_g { "└─" } else { "├─" }),
                when(r, g_start),
                human(g_end - g_start),
                String::new(),
                String::new(),
                String::new(),
            ]);
            for (k, &i) in idx.iter().enumerate() {
                let s = &r.plan.steps[i];
                let crit = if tl.critical_path.contains(&i) {
                    "*"
                } else {
                    ""
                };
                t.row([
                    format!(
                        "{}  {} {}{crit}",
                        if last_g { " " } else { "│" },
                        if k + 1 == idx.len() {
                            "└─"
                        } else {
                            "├─"
                        },
                        s.id
                    ),
                    when(r, tl.start[i]),
                    human(tl.duration[i]),
                    range_text(s),
                    if s.calibrated.is_some() {
                        "C".into()
                    } else {
                        s.duration_prov()
                    },
                    s.title.clone(),
                ]);
            }
        }
    }
    out.push_str(&t.to_text());
    out.push_str("* on the critical path; prov: S sourced, D derived, E estimate, C calibrated from recorded runs\n\n");

    // Per-API outage table.
    out.push_str("API outage (totals over the window, p50 / p90 of the simulation; windows from the nominal run)\n");
    let mut a = Table::new(["API", "full", "degraded", "between", "windows"]);
    for (ai, api) in r.plan.apis.iter().enumerate() {
        let o = &sim.apis[ai];
        let between = match (o.first_start_p10, o.last_end_p90) {
            (Some(s), Some(e)) => format!("{}–{}", when(r, s), when(r, e)),
            _ => "-".into(),
        };
        let at = &tl.apis[ai];
        let mut wins: Vec<String> = at
            .full
            .iter()
            .map(|s| format!("full {}", span_text(r, s)))
            .collect();
        wins.extend(
            at.degraded
                .iter()
                .map(|s| format!("degraded {}", span_text(r, s))),
        );
        let windows = if wins.len() > 3 {
            format!("{}, … ({} windows)", wins[..2].join(", "), wins.len())
        } else if wins.is_empty() {
            "none".into()
        } else {
            wins.join(", ")
        };
        a.row([
            api.id.clone(),
            stat_pair(&o.full_seconds),
            stat_pair(&o.degraded_seconds),
            between,
            windows,
        ]);
    }
    out.push_str(&a.to_text());

    let calibrated: Vec<&str> = r
        .plan
        .steps
        .iter()
        .filter(|s| s.calibrated.is_some())
        .map(|s| s.id.as_str())
        .collect();
    if r.history_runs > 0 {
        out.push_str(&format!(
            "\nCalibrated from {} recorded run(s): {}\n",
            r.history_runs,
            if calibrated.is_empty() {
                "no step matched".to_string()
            } else {
                calibrated.join(", ")
            }
        ));
    }
    let caveats = caveats(r);
    if !caveats.is_empty() {
        out.push_str("\nNot modelled (check before the window):\n");
        for c in caveats {
            out.push_str(&format!("- {c}\n"));
        }
    }
    if !r.plan.skipped.is_empty() {
        out.push_str("\nSkipped steps:\n");
        for s in &r.plan.skipped {
            out.push_str(&format!("- {}: {}\n", s.id, s.why));
        }
    }
    for w in &r.warnings {
        out.push_str(&format!("\nwarning: {w}"));
    }
    if !r.warnings.is_empty() {
        out.push('\n');
    }
    out
}

fn caveats(r: &Report) -> Vec<String> {
    let mut v = Vec::new();
    for &i in &r.plan.order {
        let s = &r.plan.steps[i];
        for c in &s.caveats {
            v.push(format!("{}: {c}", s.id));
        }
        for e in &s.effects {
            if let Some(n) = &e.note {
                v.push(format!("{}: {n}", s.id));
            }
        }
    }
    v
}

// ---------- JSON ----------

#[derive(Serialize)]
struct JsonPrior<'a> {
    #[serde(flatten)]
    prior: &'a Prior,
    distribution: &'static str,
}

fn jp(n: &Num) -> JsonPrior<'_> {
    JsonPrior {
        prior: &n.prior,
        distribution: "triangular",
    }
}

#[derive(Serialize)]
struct JsonEffect<'a> {
    apis: Vec<&'a str>,
    kind: &'static str,
    cause: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    restarts: Option<u32>,
    windows: usize,
    at_fraction: &'a [f64],
    whole_step: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    window: Option<JsonPrior<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extra_per_window: Option<JsonPrior<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    id: &'a str,
    title: &'a str,
    section: &'a str,
    commands: &'a [String],
    after: Vec<&'a str>,
    scope: crate::plan::model::Scope,
    #[serde(skip_serializing_if = "Option::is_none")]
    units: Option<(&'static str, u32)>,
    start_seconds: f64,
    duration_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    critical: bool,
    provenance: String,
    duration: JsonPrior<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    per_unit: Option<JsonPrior<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    calibrated_seconds: Option<&'a [f64]>,
    effects: Vec<JsonEffect<'a>>,
    caveats: &'a [String],
}

#[derive(Serialize)]
struct JsonSpan<'a> {
    kind: &'static str,
    start_seconds: f64,
    end_seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<String>,
    causes: &'a [String],
}

#[derive(Serialize)]
struct JsonApi<'a> {
    id: &'a str,
    name: &'a str,
    full_seconds: &'a Stats,
    degraded_seconds: &'a Stats,
    affected_share: f64,
    first_start_p10_seconds: Option<f64>,
    last_end_p90_seconds: Option<f64>,
    nominal_windows: Vec<JsonSpan<'a>>,
}

#[derive(Serialize)]
struct JsonRule<'a> {
    from: String,
    to: Vec<&'a str>,
    to_kind: &'static str,
    prov: &'static str,
    source: Option<&'a str>,
    reason: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonWindow {
    total_seconds: Stats,
    nominal_seconds: f64,
    critical_path_seconds: f64,
    critical_path: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_p50: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_p90: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    maintenance_window_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fits_p90: Option<bool>,
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    from: &'a str,
    to: &'a str,
    hops: &'a [crate::plan::model::HopDef],
    site: &'a crate::plan::Site,
    site_source: &'a [String],
    parallel: bool,
    seed: u64,
    samples: u32,
    distribution: &'static str,
    window: JsonWindow,
    steps: Vec<JsonStep<'a>>,
    apis: Vec<JsonApi<'a>>,
    propagation: Vec<JsonRule<'a>>,
    conditions: &'a std::collections::BTreeMap<String, bool>,
    skipped: &'a [crate::plan::ir::Skipped],
    history_runs: usize,
    calibrated_steps: Vec<&'a str>,
    sources: &'a indexmap::IndexMap<String, String>,
    warnings: &'a [String],
}

pub fn json(r: &Report) -> String {
    let tl = &r.timeline;
    let sim = &r.simulation;
    let ids: Vec<&str> = r.plan.steps.iter().map(|s| s.id.as_str()).collect();
    let wall = |secs: f64| r.start.as_ref().map(|a| a.rfc3339(secs));
    let steps = r
        .plan
        .order
        .iter()
        .map(|&i| {
            let s = &r.plan.steps[i];
            JsonStep {
                id: &s.id,
                title: &s.title,
                section: &s.section,
                commands: &s.commands,
                after: s.deps.iter().map(|&d| ids[d]).collect(),
                scope: s.scope,
                units: s.unit.map(|u| (u.name(), s.units)),
                start_seconds: tl.start[i],
                duration_seconds: tl.duration[i],
                start: wall(tl.start[i]),
                end: wall(tl.start[i] + tl.duration[i]),
                critical: tl.critical_path.contains(&i),
                provenance: if s.calibrated.is_some() {
                    "C".into()
                } else {
                    s.duration_prov()
                },
                duration: jp(&s.duration),
                per_unit: s.per_unit.as_ref().map(jp),
                calibrated_seconds: s.calibrated.as_deref(),
                effects: s
                    .effects
                    .iter()
                    .map(|e| JsonEffect {
                        apis: e.apis.iter().map(|&a| r.plan.apis[a].id.as_str()).collect(),
                        kind: e.kind.name(),
                        cause: &e.cause,
                        restarts: e.restarts,
                        windows: e.at.len(),
                        at_fraction: &e.at,
                        whole_step: e.whole,
                        window: e.window.as_ref().map(jp),
                        extra_per_window: e.extra.as_ref().map(jp),
                        note: e.note.as_deref(),
                    })
                    .collect(),
                caveats: &s.caveats,
            }
        })
        .collect();
    let apis = r
        .plan
        .apis
        .iter()
        .enumerate()
        .map(|(ai, a)| {
            let o = &sim.apis[ai];
            let at = &tl.apis[ai];
            let mut nominal: Vec<JsonSpan> = at
                .full
                .iter()
                .map(|s| ("full", s))
                .chain(at.degraded.iter().map(|s| ("degraded", s)))
                .map(|(k, s)| JsonSpan {
                    kind: k,
                    start_seconds: s.start,
                    end_seconds: s.end,
                    start: wall(s.start),
                    end: wall(s.end),
                    causes: &s.causes,
                })
                .collect();
            nominal.sort_by(|a, b| a.start_seconds.total_cmp(&b.start_seconds));
            JsonApi {
                id: &a.id,
                name: &a.name,
                full_seconds: &o.full_seconds,
                degraded_seconds: &o.degraded_seconds,
                affected_share: o.affected_share,
                first_start_p10_seconds: o.first_start_p10,
                last_end_p90_seconds: o.last_end_p90,
                nominal_windows: nominal,
            }
        })
        .collect();
    let doc = JsonDoc {
        from: &r.from,
        to: &r.to,
        hops: &r.plan.hops,
        site: &r.site,
        site_source: &r.site_source,
        parallel: r.parallel,
        seed: sim.config.seed,
        samples: sim.config.samples,
        distribution: sim.distribution,
        window: JsonWindow {
            total_seconds: sim.total_seconds,
            nominal_seconds: tl.total,
            critical_path_seconds: tl.critical_seconds,
            critical_path: tl
                .critical_path
                .iter()
                .map(|&i| ids[i].to_string())
                .collect(),
            start: wall(0.0),
            end_p50: wall(sim.total_seconds.p50),
            end_p90: wall(sim.total_seconds.p90),
            maintenance_window_seconds: r.window_seconds,
            fits_p90: r.window_seconds.map(|w| sim.total_seconds.p90 <= w),
        },
        steps,
        apis,
        propagation: r
            .plan
            .rules
            .iter()
            .map(|x| JsonRule {
                from: format!("{} {}", r.plan.apis[x.from_api].id, x.from_kind.name()),
                to: x.to.iter().map(|&t| r.plan.apis[t].id.as_str()).collect(),
                to_kind: x.to_kind.name(),
                prov: x.prov.letter(),
                source: x.source.as_deref(),
                reason: x.reason.as_deref(),
            })
            .collect(),
        conditions: &r.plan.conditions,
        skipped: &r.plan.skipped,
        history_runs: r.history_runs,
        calibrated_steps: r
            .plan
            .steps
            .iter()
            .filter(|s| s.calibrated.is_some())
            .map(|s| s.id.as_str())
            .collect(),
        sources: &r.plan.sources,
        warnings: &r.warnings,
    };
    json_document("upgrade-plan", SCHEMA_VERSION, &doc)
}

// ---------- customer-facing views ----------

/// An API the customers notice, with its figures as text.
#[derive(Serialize)]
struct Affected {
    id: String,
    name: String,
    impact: &'static str,
    full: String,
    degraded: String,
    between: String,
    full_p90_seconds: f64,
    degraded_p90_seconds: f64,
}

fn affected(r: &Report) -> (Vec<Affected>, Vec<String>) {
    let mut aff = Vec::new();
    let mut not = Vec::new();
    for (ai, a) in r.plan.apis.iter().enumerate() {
        let o = &r.simulation.apis[ai];
        if o.affected_share == 0.0 {
            not.push(a.name.clone());
            continue;
        }
        let between = match (o.first_start_p10, o.last_end_p90) {
            (Some(s), Some(e)) => format!("{}–{}", when(r, s), when(r, e)),
            _ => "-".into(),
        };
        aff.push(Affected {
            id: a.id.clone(),
            name: a.name.clone(),
            impact: if o.full_seconds.p90 > 0.0 {
                "full"
            } else {
                "degraded"
            },
            full: stat_pair(&o.full_seconds),
            degraded: stat_pair(&o.degraded_seconds),
            between,
            full_p90_seconds: o.full_seconds.p90,
            degraded_p90_seconds: o.degraded_seconds.p90,
        });
    }
    (aff, not)
}

fn estimates_note(r: &Report) -> String {
    let n = r.plan.steps.len();
    let c = r
        .plan
        .steps
        .iter()
        .filter(|s| s.calibrated.is_some())
        .count();
    let e = r
        .plan
        .steps
        .iter()
        .filter(|s| s.calibrated.is_none() && s.duration_prov() == "E")
        .count();
    let mut parts = Vec::new();
    if c > 0 {
        parts.push(format!(
            "{c} of {n} steps calibrated from our own recorded upgrades"
        ));
    }
    if e > 0 {
        parts.push(format!("{e} of {n} step durations are estimates"));
    }
    parts.join("; ")
}

#[derive(Serialize)]
struct AnnouncementCtx {
    title: String,
    from: String,
    to: String,
    scs_release: String,
    site: String,
    has_start: bool,
    start_local: String,
    end_p50_local: String,
    end_p90_local: String,
    offset: String,
    duration_p50: String,
    duration_p90: String,
    affected: Vec<Affected>,
    unaffected: String,
    estimates: String,
    samples: u32,
}

/// The Markdown announcement from `templates/announcement.md.hbs`.
pub fn markdown(
    r: &Report,
    template: &str,
    template_path: &str,
    scs_release: Option<String>,
) -> Result<String, TemplateError> {
    use super::escape::markdown as md;
    let (mut affected, not) = affected(r);
    // The template is Markdown without escaping: escape what comes from the site, the data
    // and the command line here (names, versions).
    for a in &mut affected {
        a.name = md(&a.name);
    }
    let sim = &r.simulation;
    let fmt = "%Y-%m-%d %H:%M";
    let ctx = AnnouncementCtx {
        title: md(&format!("cloud platform upgrade ({})", title(r))),
        from: md(&r.from),
        to: md(&r.to),
        scs_release: md(&scs_release.unwrap_or_default()),
        site: md(&r.site.name),
        has_start: r.start.is_some(),
        start_local: r.start.map(|a| a.local(0.0, fmt)).unwrap_or_default(),
        end_p50_local: r
            .start
            .map(|a| a.local(sim.total_seconds.p50, fmt))
            .unwrap_or_default(),
        end_p90_local: r
            .start
            .map(|a| a.local(sim.total_seconds.p90, fmt))
            .unwrap_or_default(),
        offset: r.start.map(|a| a.offset_text()).unwrap_or_default(),
        duration_p50: human(sim.total_seconds.p50),
        duration_p90: human(sim.total_seconds.p90),
        affected,
        unaffected: md(&not.join(", ")),
        estimates: estimates_note(r),
        samples: sim.config.samples,
    };
    render_strict(
        template_path,
        template,
        &ctx,
        "the announcement context (strict mode); see docs/upgrade-plan.md for the fields",
    )
}

use super::escape::ics as ics_escape;

/// Fold content lines at 75 octets (RFC 5545 §3.1), CRLF line ends.
fn ics_fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for ch in line.chars() {
        let w = ch.len_utf8();
        if len + w > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(ch);
        len += w;
    }
    out.push_str("\r\n");
    out
}

fn summary_lines(r: &Report) -> Vec<String> {
    let (aff, _) = affected(r);
    aff.iter()
        .map(|a| {
            if a.impact == "full" {
                format!(
                    "{}: unavailable {} in total (at most {}), {}",
                    a.name,
                    human_p50(&a.full),
                    human_p90(&a.full),
                    a.between
                )
            } else {
                format!(
                    "{}: degraded {} in total (at most {}), {}",
                    a.name,
                    human_p50(&a.degraded),
                    human_p90(&a.degraded),
                    a.between
                )
            }
        })
        .collect()
}

fn human_p50(pair: &str) -> String {
    pair.split(" / ").next().unwrap_or(pair).to_string()
}
fn human_p90(pair: &str) -> String {
    pair.split(" / ").nth(1).unwrap_or(pair).to_string()
}

fn utc(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// One VEVENT from the start to the p90 end. Needs `--start`.
pub fn ics(r: &Report) -> String {
    let a = r.start.expect("caller checks --start");
    let sim = &r.simulation;
    let mut desc = format!(
        "Upgrade {} (site {}). Expected duration {} (p50)\\, at most {} (p90).\n",
        title(r),
        r.site.name,
        human(sim.total_seconds.p50),
        human(sim.total_seconds.p90)
    );
    desc = desc.replace("\\,", ",");
    desc.push_str(&format!("Times below in UTC{}.\n", a.offset_text()));
    for l in summary_lines(r) {
        desc.push_str(&format!("{l}\n"));
    }
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Sovereign Cloud Stack//scs-release//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!(
            "UID:{}",
            ics_escape(&format!(
                "upgrade-{}-{}-{}-{}@scs-release",
                r.site.name,
                r.from,
                r.to,
                utc(a.ts)
            ))
        ),
        format!("DTSTAMP:{}", utc(a.ts)),
        format!("DTSTART:{}", utc(a.ts)),
        format!("DTEND:{}", utc(a.at(sim.total_seconds.p90))),
        format!(
            "SUMMARY:{}",
            ics_escape(&format!("Cloud maintenance: {}", title(r)))
        ),
        format!("DESCRIPTION:{}", ics_escape(desc.trim_end())),
        "STATUS:CONFIRMED".into(),
        "TRANSP:OPAQUE".into(),
        "CATEGORIES:MAINTENANCE".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| ics_fold(l)).collect()
}

/// A Statuspage-style scheduled maintenance (`{"incident": {...}}`). Needs `--start`.
pub fn statuspage(r: &Report) -> String {
    let a = r.start.expect("caller checks --start");
    let sim = &r.simulation;
    let (aff, _) = affected(r);
    let component = |x: &Affected| {
        r.site
            .statuspage_components
            .get(&x.id)
            .cloned()
            .unwrap_or_else(|| x.id.clone())
    };
    let components: indexmap::IndexMap<String, &str> = aff
        .iter()
        .map(|x| (component(x), "under_maintenance"))
        .collect();
    #[derive(Serialize)]
    struct AffectedComponent<'a> {
        component: String,
        api: &'a str,
        name: &'a str,
        impact: &'a str,
        full_seconds_p90: f64,
        degraded_seconds_p90: f64,
    }
    let body = format!(
        "We upgrade our cloud platform ({}). Expected duration {}, at most {}. {}",
        title(r),
        human(sim.total_seconds.p50),
        human(sim.total_seconds.p90),
        summary_lines(r).join("; ")
    );
    let incident = serde_json::json!({
        "name": format!("Scheduled maintenance: {}", title(r)),
        "status": "scheduled",
        "impact_override": "maintenance",
        "scheduled_for": a.ts.to_string(),
        "scheduled_until": a.at(sim.total_seconds.p90).to_string(),
        "scheduled_remind_prior": true,
        "scheduled_auto_in_progress": true,
        "scheduled_auto_completed": true,
        "body": body,
        "components": components,
        "component_ids": components.keys().collect::<Vec<_>>(),
        "affected_components": aff.iter().map(|x| AffectedComponent {
            component: component(x),
            api: &x.id,
            name: &x.name,
            impact: x.impact,
            full_seconds_p90: x.full_p90_seconds,
            degraded_seconds_p90: x.degraded_p90_seconds,
        }).collect::<Vec<_>>(),
    });
    json_document(
        "statuspage-maintenance",
        SCHEMA_VERSION,
        &serde_json::json!({ "incident": incident }),
    )
}

// ---------- HTML ----------

use super::escape::html as esc;

/// A self-contained HTML report: summary, SVG Gantt chart (one bar per step, outage bands per
/// API), step and API tables. No external resources.
pub fn html(r: &Report) -> String {
    let tl = &r.timeline;
    let sim = &r.simulation;
    let total = tl.total.max(sim.total_seconds.p90).max(1.0);
    let (left, width, row) = (230.0, 900.0, 18.0);
    let x = |t: f64| left + t / total * width;
    let nsteps = r.plan.order.len();
    let napis = r.plan.apis.len();
    let gap = 28.0;
    let height = 30.0 + (nsteps as f64) * row + gap + (napis as f64) * row + 20.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="gantt" width="{w}" height="{height}" viewBox="0 0 {w} {height}" role="img" aria-label="Gantt chart of the upgrade steps and API outages">"#,
        w = left + width + 20.0
    );
    // Hour ticks.
    let step = if total > 6.0 * 3600.0 {
        3600.0
    } else if total > 2.0 * 3600.0 {
        1800.0
    } else {
        900.0
    };
    let mut t = 0.0;
    while t <= total {
        svg.push_str(&format!(
            r#"<line class="tick" x1="{0:.1}" y1="20" x2="{0:.1}" y2="{1:.1}"/><text class="tl" x="{0:.1}" y="14">{2}</text>"#,
            x(t),
            height - 10.0,
            esc(&when(r, t))
        ));
        t += step;
    }
    svg.push_str(&format!(
        r#"<line class="p90" x1="{0:.1}" y1="20" x2="{0:.1}" y2="{1:.1}"/><text class="tl p90t" x="{0:.1}" y="{2:.1}">p90</text>"#,
        x(sim.total_seconds.p90),
        height - 10.0,
        height - 1.0
    ));
    for (k, &i) in r.plan.order.iter().enumerate() {
        let s = &r.plan.steps[i];
        let y = 30.0 + k as f64 * row;
        let crit = tl.critical_path.contains(&i);
        let cls = format!(
            "bar{}{}",
            if crit { " critical" } else { "" },
            if s.calibrated.is_some() {
                " calibrated"
            } else {
                ""
            }
        );
        svg.push_str(&format!(
            r#"<text class="label" x="{lx:.1}" y="{ty:.1}">{id}</text><rect class="{cls}" data-step="{id}" x="{bx:.1}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}"><title>{title}: {start} +{dur} ({prov})</title></rect>"#,
            lx = left - 6.0,
            ty = y + row * 0.7,
            id = esc(&s.id),
            bx = x(tl.start[i]),
            bw = (tl.duration[i] / total * width).max(1.0),
            bh = row - 4.0,
            title = esc(&s.title),
            start = esc(&when(r, tl.start[i])),
            dur = human(tl.duration[i]),
            prov = esc(&if s.calibrated.is_some() { "calibrated".to_string() } else { s.duration_prov() }),
        ));
    }
    let y0 = 30.0 + nsteps as f64 * row + gap;
    svg.push_str(&format!(
        r#"<text class="head" x="4" y="{:.1}">API outages</text>"#,
        y0 - 8.0
    ));
    for (ai, api) in r.plan.apis.iter().enumerate() {
        let y = y0 + ai as f64 * row;
        svg.push_str(&format!(
            r#"<text class="label" x="{:.1}" y="{:.1}">{}</text><rect class="lane" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"/>"#,
            left - 6.0,
            y + row * 0.7,
            esc(&api.id),
            left,
            y,
            width,
            row - 4.0
        ));
        let at = &tl.apis[ai];
        for (kind, spans) in [("full", &at.full), ("degraded", &at.degraded)] {
            for s in spans.iter() {
                svg.push_str(&format!(
                    r#"<rect class="band {kind}" data-api="{api}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{api} {kind} {}: {}</title></rect>"#,
                    x(s.start),
                    y,
                    ((s.end - s.start) / total * width).max(2.0),
                    row - 4.0,
                    esc(&span_text(r, s)),
                    esc(&s.causes.join("; ")),
                    api = esc(&api.id),
                ));
            }
        }
    }
    svg.push_str("</svg>");

    let mut steps_t = String::from(
        "<table><thead><tr><th>step</th><th>start</th><th>duration</th><th>range</th><th>prov</th><th>what</th></tr></thead><tbody>",
    );
    for &i in &r.plan.order {
        let s = &r.plan.steps[i];
        steps_t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&s.id),
            esc(&when(r, tl.start[i])),
            human(tl.duration[i]),
            esc(&range_text(s)),
            esc(&if s.calibrated.is_some() {
                "C".into()
            } else {
                s.duration_prov()
            }),
            esc(&s.title)
        ));
    }
    steps_t.push_str("</tbody></table>");
    let mut apis_t = String::from(
        "<table><thead><tr><th>API</th><th>full p50 / p90</th><th>degraded p50 / p90</th><th>between</th></tr></thead><tbody>",
    );
    for (ai, a) in r.plan.apis.iter().enumerate() {
        let o = &sim.apis[ai];
        let between = match (o.first_start_p10, o.last_end_p90) {
            (Some(s), Some(e)) => format!("{}–{}", when(r, s), when(r, e)),
            _ => "-".into(),
        };
        apis_t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&a.name),
            esc(&stat_pair(&o.full_seconds)),
            esc(&stat_pair(&o.degraded_seconds)),
            esc(&between)
        ));
    }
    apis_t.push_str("</tbody></table>");
    let warnings: String = r
        .warnings
        .iter()
        .map(|w| format!("<p class=\"warn\">warning: {}</p>", esc(w)))
        .collect();
    let start = r
        .start
        .map(|a| {
            format!(
                " Start {} {}.",
                a.local(0.0, "%Y-%m-%d %H:%M"),
                a.offset_text()
            )
        })
        .unwrap_or_default();
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upgrade plan {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: left; }}
#gantt text {{ font-size: 11px; }}
#gantt .label {{ text-anchor: end; }}
#gantt .tl {{ text-anchor: middle; fill: #555; }}
#gantt .tick {{ stroke: #e3e3e3; }}
#gantt .p90 {{ stroke: #c0392b; stroke-dasharray: 4 3; }}
#gantt .bar {{ fill: #4a7ab8; }}
#gantt .bar.critical {{ fill: #22457a; }}
#gantt .bar.calibrated {{ stroke: #2e8b57; stroke-width: 2; }}
#gantt .lane {{ fill: #f4f4f4; }}
#gantt .band.full {{ fill: #c0392b; }}
#gantt .band.degraded {{ fill: #e8a33d; }}
.warn {{ color: #a04000; }}
</style>
</head>
<body>
<h1>Upgrade plan {title}</h1>
<p>Site <b>{site}</b>; {mode}; {samples} simulated runs (seed {seed}, {dist}).{start}</p>
<p>Window: p50 <b>{p50}</b>, p90 <b>{p90}</b> (nominal {nominal}, critical path {crit}).</p>
{warnings}
<p>Bars: steps at their median duration (dark: critical path, green outline: calibrated). Bands: outages per API on the nominal run (red: full, orange: degraded). Dashed line: p90 end.</p>
{svg}
<h2>API outage</h2>
{apis_t}
<h2>Steps</h2>
{steps_t}
<script>
(function () {{
  var errors = [];
  window.addEventListener('error', function (e) {{ errors.push(String(e.message)); document.documentElement.setAttribute('data-errors', errors.join(' | ')); }});
  var bars = document.querySelectorAll('#gantt rect.bar');
  document.documentElement.setAttribute('data-bars', String(bars.length));
  bars.forEach(function (b) {{ b.addEventListener('mouseenter', function () {{ b.style.opacity = '0.7'; }}); b.addEventListener('mouseleave', function () {{ b.style.opacity = ''; }}); }});
}})();
</script>
</body>
</html>
"#,
        title = esc(&title(r)),
        site = esc(&r.site.name),
        mode = if r.parallel {
            "independent steps in parallel"
        } else {
            "one step at a time"
        },
        samples = sim.config.samples,
        seed = sim.config.seed,
        dist = esc(sim.distribution),
        p50 = human(sim.total_seconds.p50),
        p90 = human(sim.total_seconds.p90),
        nominal = human(tl.total),
        crit = human(tl.critical_seconds),
    )
}

/// Dispatch on the format (markdown needs the template, handled by the caller).
pub fn render(r: &Report, format: Format) -> String {
    match format {
        Format::Json => json(r),
        Format::Ics => ics(r),
        Format::Statuspage => statuspage(r),
        Format::Html => html(r),
        _ => table(r),
    }
}
