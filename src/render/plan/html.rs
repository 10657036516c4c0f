//! `upgrade plan -o html`: a self-contained HTML report (summary, SVG Gantt chart, API and
//! step tables, a small script), every untrusted text escaped for HTML.

use super::{range_text, span_text, stat_pair, title, when};
use crate::plan::report::{Report, human};
use crate::render::escape::html as esc;

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
