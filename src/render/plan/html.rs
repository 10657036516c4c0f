//! `upgrade plan -o html`: a self-contained HTML report (summary, SVG Gantt chart, API and
//! step tables, a small script), every untrusted text escaped for HTML.

use super::{range_text, span_text, stat_pair, title, when};
use crate::plan::report::{Report, human};
use crate::render::escape::html as esc;

/// The narrowest outage band (viewBox units): a 3 s window on a 6 h axis would be 0.1 wide.
const MIN_BAND: f64 = 4.0;

/// `keystone: Keystone (expand, migrate, …)` cut to fit beside the chart.
fn step_label(id: &str, title: &str) -> String {
    const MAX: usize = 56;
    let full = if title.is_empty() || title == id {
        id.to_string()
    } else {
        format!("{id}: {title}")
    };
    if full.chars().count() <= MAX {
        full
    } else {
        format!("{}…", full.chars().take(MAX - 1).collect::<String>())
    }
}

/// Under the time axis: the start's date and the zone, or that times run from T+0.
fn axis_caption(r: &Report) -> String {
    match &r.start {
        Some(a) => format!(
            "Start {}; times in {}",
            a.local(0.0, "%a %Y-%m-%d %H:%M"),
            a.zone_text()
        ),
        None => {
            "Times from the start of the window (T+h:mm); give --start for wall-clock times".into()
        }
    }
}

/// The one line for managers: how long, whether it fits, who is hit hardest.
fn manager_summary(r: &Report) -> String {
    let sim = &r.simulation;
    let (aff, _) = super::customer_affected(r);
    let worst = aff
        .iter()
        .max_by(|a, b| a.full_p90_seconds.total_cmp(&b.full_p90_seconds))
        .map(|a| {
            format!(
                "; longest API outage: {} (at most {} in total)",
                a.name,
                human(a.full_p90_seconds)
            )
        })
        .unwrap_or_default();
    let fit = match r.window_seconds {
        Some(w) if sim.total_seconds.p90 > w => {
            format!("does not fit the {} window in 1 of 10 runs", human(w))
        }
        Some(w) => format!("fits the {} window in 9 of 10 runs", human(w)),
        None => format!("announce {}", human(r.announced_seconds())),
    };
    format!(
        "{}: about {} (p50), at most {} (p90); {fit}; {} of {} APIs affected{worst}.",
        title(r),
        human(sim.total_seconds.p50),
        human(sim.total_seconds.p90),
        aff.len(),
        r.plan.apis.len()
    )
}

/// A self-contained HTML report: a one-line summary, legend, SVG Gantt chart (one bar per
/// step, outage bands per API, time axis with date and zone, p90 and window lines), API and
/// step tables. No external resources; the chart scales to the page width.
pub fn html(r: &Report) -> String {
    let tl = &r.timeline;
    let sim = &r.simulation;
    let announced = r.announced_seconds();
    let total = tl.total.max(sim.total_seconds.p90).max(announced).max(1.0);
    // Coordinates of the viewBox; the SVG scales to the page width.
    let (left, width, row) = (350.0, 850.0, 18.0);
    let x = |t: f64| left + t / total * width;
    let nsteps = r.plan.order.len();
    let napis = r.plan.apis.len();
    let gap = 28.0;
    let lanes_end = 30.0 + (nsteps as f64) * row + gap + (napis as f64) * row;
    let height = lanes_end + 46.0;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" id="gantt" viewBox="0 0 {w} {height}" preserveAspectRatio="xMinYMin meet" role="img" aria-label="Gantt chart of the upgrade steps and API outages">"#,
        w = left + width + 20.0
    );
    // Patterns as well as colours: full outages hatched, degraded dotted.
    svg.push_str(concat!(
        r##"<defs><pattern id="p-full" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c0392b"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>"##,
        r##"<pattern id="p-degraded" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#e8a33d"/><circle cx="2.5" cy="2.5" r="1" fill="#5a3a00"/></pattern></defs>"##
    ));
    // Ticks: labels above the steps and, with date and zone, under the outage bands.
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
            r#"<line class="tick" x1="{0:.1}" y1="20" x2="{0:.1}" y2="{1:.1}"/><text class="tl" x="{0:.1}" y="14">{2}</text><text class="tl axis" x="{0:.1}" y="{3:.1}">{2}</text>"#,
            x(t),
            lanes_end,
            esc(&when(r, t)),
            lanes_end + 14.0
        ));
        t += step;
    }
    svg.push_str(&format!(
        r#"<text class="axis-caption" x="{left:.1}" y="{:.1}">{}</text>"#,
        lanes_end + 30.0,
        esc(&axis_caption(r))
    ));
    svg.push_str(&format!(
        r#"<line class="p90" x1="{0:.1}" y1="20" x2="{0:.1}" y2="{1:.1}"/><text class="tl p90t" x="{0:.1}" y="{2:.1}">p90</text>"#,
        x(sim.total_seconds.p90),
        lanes_end,
        lanes_end + 42.0
    ));
    svg.push_str(&format!(
        r#"<line id="window-end" class="window" x1="{0:.1}" y1="20" x2="{0:.1}" y2="{1:.1}"/><text class="tl windowt" x="{0:.1}" y="{2:.1}">{3}</text>"#,
        x(announced),
        lanes_end,
        lanes_end + 42.0,
        if r.window_seconds.is_some() { "window end" } else { "announced end" }
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
            r#"<text class="label" x="{lx:.1}" y="{ty:.1}">{label}</text><rect class="{cls}" data-step="{id}" x="{bx:.1}" y="{y:.1}" width="{bw:.1}" height="{bh:.1}"><title>{id}: {title}: {start} +{dur} ({prov})</title></rect>"#,
            lx = left - 6.0,
            ty = y + row * 0.7,
            label = esc(&step_label(&s.id, &s.title)),
            id = esc(&s.id),
            bx = x(tl.start[i]),
            bw = (tl.duration[i] / total * width).max(2.0),
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
                // Seconds-long windows on an hours-long axis: at least MIN_BAND wide.
                svg.push_str(&format!(
                    r#"<rect class="band {kind}" data-api="{api}" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}"><title>{api} {kind} {}: {}</title></rect>"#,
                    x(s.start),
                    y,
                    ((s.end - s.start) / total * width).max(MIN_BAND),
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
        .as_ref()
        .map(|a| {
            format!(
                " Start {} ({}).",
                a.local(0.0, "%Y-%m-%d %H:%M"),
                a.zone_text()
            )
        })
        .unwrap_or_default();
    format!(
        r##"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Upgrade plan {title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; max-width: 1400px; }}
.wide {{ overflow-x: auto; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }}
td, th {{ border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }}
#summary {{ font-size: 1.15em; padding: 0.5em 0.8em; background: #eef3fa; border-left: 4px solid #22457a; }}
#gantt {{ width: 100%; height: auto; display: block; }}
#gantt text {{ font-size: 11px; }}
#gantt .label {{ text-anchor: end; }}
#gantt .tl {{ text-anchor: middle; fill: #555; }}
#gantt .axis-caption {{ fill: #333; }}
#gantt .tick {{ stroke: #e3e3e3; }}
#gantt .p90 {{ stroke: #c0392b; stroke-dasharray: 4 3; }}
#gantt .window {{ stroke: #1b1b1b; stroke-width: 2; }}
#gantt .bar {{ fill: #4a7ab8; }}
#gantt .bar.critical {{ fill: #22457a; }}
#gantt .bar.calibrated {{ stroke: #2e8b57; stroke-width: 2; }}
#gantt .lane {{ fill: #f4f4f4; }}
#gantt .band.full {{ fill: url(#p-full); stroke: #7a1f14; stroke-width: 0.6; }}
#gantt .band.degraded {{ fill: url(#p-degraded); stroke: #8a5a00; stroke-width: 0.6; }}
#legend {{ list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4em 1.4em; font-size: 0.9em; }}
#legend svg {{ vertical-align: middle; margin-right: 0.3em; }}
.warn {{ color: #a04000; }}
</style>
</head>
<body>
<p id="summary">{summary}</p>
<h1>Upgrade plan {title}</h1>
<p>Site <b>{site}</b>; {mode}; {samples} simulated runs (seed {seed}, {dist}).{start}</p>
<p>Window: p50 <b>{p50}</b>, p90 <b>{p90}</b> (nominal {nominal}, critical path {crit}); announced <b>{announced}</b>.</p>
{warnings}
<ul id="legend">
<li><svg width="28" height="12"><rect width="28" height="12" fill="#4a7ab8"/></svg>step at its median duration</li>
<li><svg width="28" height="12"><rect width="28" height="12" fill="#22457a"/></svg>on the critical path</li>
<li><svg width="28" height="12"><rect x="1" y="1" width="26" height="10" fill="#4a7ab8" stroke="#2e8b57" stroke-width="2"/></svg>calibrated from recorded runs</li>
<li><svg width="28" height="12"><defs><pattern id="l-full" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#c0392b"/><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern></defs><rect width="28" height="12" fill="url(#l-full)"/></svg>API unavailable (full outage, hatched)</li>
<li><svg width="28" height="12"><defs><pattern id="l-degraded" width="5" height="5" patternUnits="userSpaceOnUse"><rect width="5" height="5" fill="#e8a33d"/><circle cx="2.5" cy="2.5" r="1" fill="#5a3a00"/></pattern></defs><rect width="28" height="12" fill="url(#l-degraded)"/></svg>API degraded (dotted)</li>
<li><svg width="28" height="12"><line x1="0" y1="6" x2="28" y2="6" stroke="#c0392b" stroke-dasharray="4 3" stroke-width="2"/></svg>p90 end</li>
<li><svg width="28" height="12"><line x1="0" y1="6" x2="28" y2="6" stroke="#1b1b1b" stroke-width="2"/></svg>{window_legend}</li>
</ul>
<p>Outage bands show the nominal run, at least {min_band} units wide so that short windows stay visible.</p>
<div class="chart">{svg}</div>
<h2>API outage</h2>
<div class="wide">{apis_t}</div>
<h2>Steps</h2>
<div class="wide">{steps_t}</div>
<script>
(function () {{
  var errors = [];
  window.addEventListener('error', function (e) {{ errors.push(String(e.message)); document.documentElement.setAttribute('data-errors', errors.join(' | ')); }});
  var bars = document.querySelectorAll('#gantt rect.bar');
  var root = document.documentElement;
  root.setAttribute('data-bars', String(bars.length));
  root.setAttribute('data-overflow', String(root.scrollWidth > window.innerWidth));
  var g = document.getElementById('gantt').getBoundingClientRect();
  root.setAttribute('data-chart-width', String(Math.round(g.width)));
  bars.forEach(function (b) {{ b.addEventListener('mouseenter', function () {{ b.style.opacity = '0.7'; }}); b.addEventListener('mouseleave', function () {{ b.style.opacity = ''; }}); }});
}})();
</script>
</body>
</html>
"##,
        summary = esc(&manager_summary(r)),
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
        announced = esc(&super::window_text(r)),
        window_legend = if r.window_seconds.is_some() {
            "end of the maintenance window (--window)"
        } else {
            "end of the announced window (p90 rounded up to a quarter hour)"
        },
        min_band = MIN_BAND,
    )
}
