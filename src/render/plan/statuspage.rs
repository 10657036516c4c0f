//! `upgrade plan -o statuspage`: a Statuspage-style scheduled maintenance as a
//! `statuspage-maintenance` JSON document, one component per affected API.

use serde::Serialize;

use super::{Affected, SCHEMA_VERSION, affected, summary_lines, title};
use crate::plan::report::{Anchor, Report, human};
use crate::render::json_document;

/// A Statuspage-style scheduled maintenance (`{"incident": {...}}`) from `start` (the
/// report's `--start`) to the p90 end.
pub fn statuspage(r: &Report, start: Anchor) -> String {
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
        "scheduled_for": start.ts.to_string(),
        "scheduled_until": start.at(sim.total_seconds.p90).to_string(),
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
