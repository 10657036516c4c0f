//! `upgrade plan -o markdown`: the customer announcement from
//! `templates/announcement.md.hbs` (or `--template FILE`; strict handlebars), with untrusted
//! text escaped here. Customer text: the announced window (not the p90), the provider, no
//! OSISM versions, cluster names or modelling notes (those stay in the operator outputs).

use serde::Serialize;

use super::{Affected, customer_affected, customer_title, wall, window_text};
use crate::plan::report::{Report, human};
use crate::render::template::{TemplateError, render_strict};

#[derive(Serialize)]
struct AnnouncementCtx {
    title: String,
    /// Operator context for custom templates; the default template leaves them out.
    from: String,
    to: String,
    scs_release: String,
    site: String,
    provider: String,
    contact: String,
    has_start: bool,
    /// `Sat 2024-03-30 23:00 CET to Sun 2024-03-31 06:00 CEST (Europe/Berlin)`, or the
    /// window's length without a start.
    window: String,
    window_length: String,
    window_start_local: String,
    window_end_local: String,
    /// `Europe/Berlin` or `UTC+01:00`.
    zone: String,
    /// When the work is most likely done (p50), local time or duration.
    expected_end: String,
    affected: Vec<Affected>,
    unaffected: String,
}

/// The Markdown announcement from `template` (its path for errors).
pub fn markdown(r: &Report, template: &str, template_path: &str) -> Result<String, TemplateError> {
    use crate::render::escape::markdown as md;
    let (mut affected, not) = customer_affected(r);
    // The template is Markdown without escaping: escape what comes from the site, the data
    // and the command line here (names, versions).
    for a in &mut affected {
        a.name = md(&a.name);
    }
    let sim = &r.simulation;
    let len = r.announced_seconds();
    let provider = r.site.provider.as_ref();
    let ctx = AnnouncementCtx {
        title: md(&customer_title(r)),
        from: md(&r.from),
        to: md(&r.to),
        scs_release: md(r.scs_release.as_deref().unwrap_or_default()),
        site: md(&r.site.name),
        provider: md(provider.map_or("", |p| p.name.as_str())),
        contact: md(provider
            .and_then(|p| p.contact.as_deref())
            .unwrap_or_default()),
        has_start: r.start.is_some(),
        window: md(&window_text(r)),
        window_length: human(len),
        window_start_local: r.start.as_ref().map(|a| wall(a, 0.0)).unwrap_or_default(),
        window_end_local: r.start.as_ref().map(|a| wall(a, len)).unwrap_or_default(),
        zone: md(&r.start.as_ref().map(|a| a.zone_text()).unwrap_or_default()),
        expected_end: match &r.start {
            Some(a) => wall(a, sim.total_seconds.p50),
            None => human(sim.total_seconds.p50),
        },
        affected,
        unaffected: md(&not.join(", ")),
    };
    let mut out = render_strict(
        template_path,
        template,
        &ctx,
        "the announcement context (strict mode); see docs/upgrade-plan.md for the fields",
    )?;
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}
