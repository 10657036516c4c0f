//! `upgrade plan -o statuspage`: the exact body of Atlassian Statuspage's "create an
//! incident" call (`POST /v1/pages/{page_id}/incidents`) for a scheduled maintenance over
//! the announced window: `{"incident": {…}}` and nothing else, so that it can be sent as it
//! is (docs/upgrade-plan.md has the `curl` call). Components come from the site's
//! `statuspage_components` (API id → component id); APIs without one are named by
//! [`unmapped`].

use super::{affected, customer_title, summary_lines, window_text};
use crate::plan::report::{Anchor, Report};

/// The affected APIs the site maps to no Statuspage component.
pub fn unmapped(r: &Report) -> Vec<String> {
    let (aff, _) = affected(r);
    aff.into_iter()
        .filter(|a| !r.site.statuspage_components.contains_key(&a.id))
        .map(|a| a.id)
        .collect()
}

/// The request body from `start` (the report's `--start`) over the announced window.
pub fn statuspage(r: &Report, start: &Anchor) -> String {
    let (aff, _) = affected(r);
    let mut ids: Vec<&str> = Vec::new();
    for a in &aff {
        if let Some(c) = r.site.statuspage_components.get(&a.id)
            && !ids.contains(&c.as_str())
        {
            ids.push(c);
        }
    }
    let components: serde_json::Map<String, serde_json::Value> = ids
        .iter()
        .map(|c| (c.to_string(), "under_maintenance".into()))
        .collect();
    let mut body = format!("Maintenance window: {}. ", window_text(r));
    body.push_str(&match r.site.provider.as_ref() {
        Some(p) => format!("{} upgrades the cloud platform. ", p.name),
        None => "We upgrade the cloud platform. ".into(),
    });
    body.push_str("Running virtual machines, volumes and networks stay in place. ");
    body.push_str(&summary_lines(r).join("; "));
    if let Some(c) = r.site.provider.as_ref().and_then(|p| p.contact.as_deref()) {
        body.push_str(&format!(". Questions: {c}"));
    }
    let incident = serde_json::json!({
        "name": format!("Planned maintenance: {}", customer_title(r)),
        "status": "scheduled",
        "impact_override": "maintenance",
        "scheduled_for": start.ts.to_string(),
        "scheduled_until": start.at(r.announced_seconds()).to_string(),
        "scheduled_remind_prior": true,
        "scheduled_auto_in_progress": true,
        "scheduled_auto_completed": true,
        "auto_transition_to_maintenance_state": true,
        "auto_transition_to_operational_state": true,
        "auto_transition_deliver_notifications_at_start": true,
        "auto_transition_deliver_notifications_at_end": true,
        "deliver_notifications": true,
        "body": body,
        "component_ids": ids,
        "components": components,
    });
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "incident": incident }))
        .unwrap_or_default();
    s.push('\n');
    s
}
