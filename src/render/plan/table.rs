//! `upgrade plan` in the terminal: the steps as a tree (hop → section → step) with start,
//! duration and range, then the outage per API, calibration, caveats and skipped steps.

use super::{range_text, span_text, stat_pair, title, when};
use crate::plan::ir::{Effect, Step};
use crate::plan::model::{Prior, Prov};
use crate::plan::report::{Report, human};
use crate::render::table::Table;

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
    out.push_str("* on the critical path; prov: S sourced, D derived, M measured elsewhere, E estimate, C calibrated from recorded runs\n");
    if let Some(f) = &r.plan.duration_factor {
        out.push_str(&format!(
            "  every estimated duration × one site-wide factor per simulated run (log-normal, median 1, σ {}, {}{})\n",
            f.sigma,
            f.prov.letter(),
            f.source.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
        ));
    }
    out.push('\n');

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
    // Outage windows taken from recorded runs (`compile::calibrate_effects`).
    let windows: Vec<String> = windows_with(r, Prov::C)
        .map(|(s, e, w)| {
            let apis: Vec<&str> = e.apis.iter().map(|&a| r.plan.apis[a].id.as_str()).collect();
            let why = w.reason.as_deref().unwrap_or("");
            format!(
                "{} {} {} ({})",
                s.id,
                apis.join("/"),
                e.kind.name(),
                why.split(':').next().unwrap_or(why)
            )
        })
        .collect();
    if !windows.is_empty() {
        out.push_str(&format!(
            "Calibrated outage windows: {}\n",
            windows.join(", ")
        ));
    }
    let measured = measured(r);
    if !measured.is_empty() {
        out.push_str("\nMeasured elsewhere (M), with their sources:\n");
        for m in measured {
            out.push_str(&format!("- {m}\n"));
        }
    }
    let notes: Vec<String> = r
        .plan
        .hops
        .iter()
        .flat_map(|h| {
            h.notes
                .iter()
                .map(move |n| format!("OSISM {} → {}: {n}", h.from, h.to))
        })
        .collect();
    out.push_str("\nSite:\n");
    for n in &r.site_source {
        out.push_str(&format!("- {n}\n"));
    }
    if !notes.is_empty() {
        out.push_str("\nAbout the hops:\n");
        for n in notes {
            out.push_str(&format!("- {n}\n"));
        }
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
            let hops = if s.hops.is_empty() {
                String::new()
            } else {
                format!(
                    " ({} {})",
                    if s.hops.len() == 1 { "hop" } else { "hops" },
                    s.hops.join(", ")
                )
            };
            out.push_str(&format!("- {}: {}{hops}\n", s.id, s.why));
        }
    }
    // The warnings go to stderr (app::plan), in every format.
    out
}

/// The effects whose window prior has provenance `prov`, in run order.
fn windows_with(r: &Report, prov: Prov) -> impl Iterator<Item = (&Step, &Effect, &Prior)> {
    r.plan.order.iter().flat_map(move |&i| {
        let s = &r.plan.steps[i];
        s.effects.iter().filter_map(move |e| {
            let w = &e.window.as_ref()?.prior;
            (w.prov == prov).then_some((s, e, w))
        })
    })
}

/// Every window prior of the plan with provenance M, once per step kind and cause.
fn measured(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for (s, e, w) in windows_with(r, Prov::M) {
        let step = s.id.rsplit('/').next().unwrap_or(&s.id);
        let source = w
            .source
            .as_ref()
            .map(|k| r.plan.sources.get(k).map_or(k.as_str(), String::as_str))
            .unwrap_or("");
        let line = format!(
            "{step}: {} {}–{} s (mode {} s): {source}",
            e.cause,
            w.min,
            w.max,
            w.mode()
        );
        if !v.contains(&line) {
            v.push(line);
        }
    }
    v
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
