//! `upgrade plan -o json`: the whole plan, simulation and nominal timeline as one
//! `upgrade-plan` document.

use serde::Serialize;

use super::SCHEMA_VERSION;
use crate::plan::ir::Num;
use crate::plan::model::Prior;
use crate::plan::report::Report;
use crate::plan::sim::Stats;
use crate::render::json_document;

#[derive(Serialize, schemars::JsonSchema)]
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

#[derive(Serialize, schemars::JsonSchema)]
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
    note: Option<&'a str>,
}

#[derive(Serialize, schemars::JsonSchema)]
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

#[derive(Serialize, schemars::JsonSchema)]
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

#[derive(Serialize, schemars::JsonSchema)]
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

#[derive(Serialize, schemars::JsonSchema)]
struct JsonRule<'a> {
    from: String,
    to: Vec<&'a str>,
    to_kind: &'static str,
    prov: &'static str,
    source: Option<&'a str>,
    reason: Option<&'a str>,
}

#[derive(Serialize, schemars::JsonSchema)]
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

#[derive(Serialize, schemars::JsonSchema)]
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

/// The JSON Schema of the `upgrade-plan` document's body (app::output_schema adds the head).
pub fn schema(generator: schemars::SchemaGenerator) -> schemars::Schema {
    generator.into_root_schema_for::<JsonDoc<'static>>()
}
