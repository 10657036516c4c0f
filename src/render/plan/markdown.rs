//! `upgrade plan -o markdown`: the customer announcement from
//! `templates/announcement.md.hbs` (strict handlebars), with untrusted text escaped here.

use serde::Serialize;

use super::{Affected, affected, title};
use crate::plan::report::{Report, human};
use crate::render::template::{TemplateError, render_strict};

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
    use crate::render::escape::markdown as md;
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
