//! Turns the step catalog, a hop and a site into a concrete [`Plan`]: conditions evaluated,
//! variants applied, per-cluster steps expanded, dependencies resolved through skipped steps
//! (the catalog itself is checked by [`super::validate`]).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::dag;
use super::error::PlanError;
use super::ir::{Api, Effect, MAX_APIS, Num, Plan, Rule, Skipped, Step};
use super::model::{ForEach, HopDef, OutageKind, StepDef, StepsFile};
use super::site::{DERIVED_FLAGS, KaasCluster, SITE_FLAGS, Site};
use super::validate::{HOP_FLAGS, validate_catalog};

/// Everything needed to compile.
pub struct Inputs<'a> {
    pub catalog: &'a StepsFile,
    pub catalog_path: &'a Path,
    pub hop: &'a HopDef,
    pub site: &'a Site,
    pub history: &'a BTreeMap<String, Vec<f64>>,
}

fn effective_after<'a>(s: &'a StepDef, site: &Site) -> &'a [String] {
    for (flag, v) in &s.variants {
        if site.flag(flag, None).unwrap_or(false) {
            return &v.after;
        }
    }
    &s.after
}

/// Compile a plan. Errors name the file and, for cycles, the cycle.
pub fn compile(inp: &Inputs) -> Result<Plan, PlanError> {
    let cat = inp.catalog;
    let file = inp.catalog_path;
    let site = inp.site;
    validate_catalog(cat, file)?;

    // Cycle check on the definitions with this site's variants.
    let index: BTreeMap<&str, usize> = cat
        .steps
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i))
        .collect();
    let def_deps: Vec<Vec<usize>> = cat
        .steps
        .iter()
        .map(|s| {
            effective_after(s, site)
                .iter()
                .map(|a| index[a.as_str()])
                .collect()
        })
        .collect();
    if let Some(mut cycle) = dag::find_cycle(&def_deps) {
        // Start at the step listed first in the catalog: stable and easy to find.
        if let Some(k) = (0..cycle.len()).min_by_key(|&k| cycle[k]) {
            cycle.rotate_left(k);
        }
        let mut names: Vec<String> = cycle.iter().map(|&i| cat.steps[i].id.clone()).collect();
        names.push(names[0].clone());
        return Err(PlanError::Cycle {
            file: file.to_path_buf(),
            cycle: names,
        });
    }

    let mut conditions = BTreeMap::new();
    for f in HOP_FLAGS {
        conditions.insert(f.to_string(), inp.hop.flags.iter().any(|h| h == f));
    }
    for f in SITE_FLAGS.iter().chain(DERIVED_FLAGS) {
        if *f != "kaas_cp_ha" {
            conditions.insert(f.to_string(), site.flag(f, None).unwrap_or(false));
        }
    }
    let holds = |conds: &[String], cluster: Option<&KaasCluster>| -> bool {
        conds.iter().all(|c| {
            let (neg, name) = c
                .strip_prefix('!')
                .map_or((false, c.as_str()), |n| (true, n));
            let v = conditions
                .get(name)
                .copied()
                .or_else(|| site.flag(name, cluster))
                .unwrap_or(false);
            v != neg
        })
    };
    let service_on = |s: &Option<String>| {
        s.as_ref()
            .is_none_or(|s| site.services.iter().any(|x| x == s))
    };

    // APIs.
    let mut apis: Vec<Api> = Vec::new();
    for a in &cat.apis {
        if !service_on(&a.service) || !holds(&a.when, None) {
            continue;
        }
        match a.for_each {
            Some(ForEach::KaasCluster) => {
                for c in &site.kaas_clusters {
                    apis.push(Api {
                        id: a.id.replace("{cluster}", &c.name),
                        name: a.name.replace("{cluster}", &c.name),
                        in_all: a.in_all,
                        customer_name: a
                            .customer_name
                            .clone()
                            .unwrap_or_else(|| a.name.replace(" {cluster}", "")),
                    });
                }
            }
            None => apis.push(Api {
                id: a.id.clone(),
                name: a.name.clone(),
                in_all: a.in_all,
                customer_name: a.customer_name.clone().unwrap_or_else(|| a.name.clone()),
            }),
        }
    }
    if apis.len() > MAX_APIS {
        return Err(PlanError::Unsupported(format!(
            "the site has {} APIs (with one per KaaS cluster); at most {} are supported",
            apis.len(),
            MAX_APIS
        )));
    }
    let api_index = |name: &str, cluster: Option<&KaasCluster>| -> Vec<usize> {
        if name == "all" {
            return apis
                .iter()
                .enumerate()
                .filter(|(_, a)| a.in_all)
                .map(|(i, _)| i)
                .collect();
        }
        let name = cluster.map_or(name.to_string(), |c| name.replace("{cluster}", &c.name));
        apis.iter().position(|a| a.id == name).into_iter().collect()
    };

    // Which definitions are included, and their instances.
    let mut skipped = Vec::new();
    let mut instances: Vec<Vec<(usize, Option<usize>)>> = vec![Vec::new(); cat.steps.len()]; // (step idx, cluster)
    let mut steps: Vec<Step> = Vec::new();
    for (di, d) in cat.steps.iter().enumerate() {
        if !service_on(&d.service) {
            skipped.push(Skipped {
                id: d.id.clone(),
                hops: Vec::new(),
                why: format!(
                    "service {} is not enabled in the site",
                    d.service.as_deref().unwrap_or("")
                ),
            });
            continue;
        }
        let clusters: Vec<Option<usize>> = match d.for_each {
            Some(ForEach::KaasCluster) => (0..site.kaas_clusters.len()).map(Some).collect(),
            None => vec![None],
        };
        if clusters.is_empty() {
            skipped.push(Skipped {
                id: d.id.clone(),
                hops: Vec::new(),
                why: "the site has no KaaS clusters".into(),
            });
        }
        for ci in clusters {
            let cluster = ci.map(|i| &site.kaas_clusters[i]);
            if !holds(&d.when, cluster) {
                let failing: Vec<&str> = d
                    .when
                    .iter()
                    .map(String::as_str)
                    .filter(|c| !holds(&[c.to_string()], cluster))
                    .collect();
                skipped.push(Skipped {
                    id: d.id.clone(),
                    hops: Vec::new(),
                    why: format!("condition not met: {}", failing.join(", ")),
                });
                continue;
            }
            let id = cluster.map_or(d.id.clone(), |c| format!("{}@{}", d.id, c.name));
            let units = d.units.map_or(0, |u| site.units(u, cluster));
            let mut effects = Vec::new();
            for e in &d.effects {
                if !holds(&e.when, cluster) {
                    continue;
                }
                let mut ids: Vec<usize> = e
                    .api
                    .names()
                    .iter()
                    .flat_map(|n| api_index(n, cluster))
                    .collect();
                ids.sort();
                ids.dedup();
                if ids.is_empty() {
                    continue;
                }
                let per = e.each.unwrap_or(1);
                let n = e
                    .restarts
                    .or(e.count)
                    .unwrap_or_else(|| e.count_units.map_or(1, |u| site.units(u, cluster)) * per);
                if n == 0 && !e.whole {
                    continue;
                }
                let at: Vec<f64> = match (&e.at, e.restarts) {
                    _ if e.whole => vec![0.0],
                    (Some(at), _) => at.clone(),
                    // Restarts come late in a kolla upgrade (after pull, config, db sync).
                    (None, Some(r)) => (0..r)
                        .map(|i| 0.5 + 0.5 * (i + 1) as f64 / (r + 1) as f64)
                        .collect(),
                    // `each` windows per unit, spread within the unit's share of the step.
                    (None, None) if e.each.is_some() => {
                        let units = n / per;
                        (0..units)
                            .flat_map(|i| {
                                (0..per).map(move |k| {
                                    (i as f64 + (k + 1) as f64 / (per + 1) as f64) / units as f64
                                })
                            })
                            .collect()
                    }
                    (None, None) => (0..n).map(|i| (i as f64 + 0.5) / n as f64).collect(),
                };
                let mut kind = e.kind;
                let mut note = None;
                if e.restarts.is_some() && kind == OutageKind::Full && !site.kolla_all_at_once() {
                    kind = OutageKind::Degraded;
                    note = Some(format!(
                        "kolla_serial {}: hosts restart in batches, capacity loss only",
                        site.kolla_serial
                    ));
                }
                let window = if e.restarts.is_some() {
                    let gap = e
                        .gap
                        .as_ref()
                        .map_or(&cat.restart_gap, |g| &cat.restart_gaps[g]);
                    Some(Num::new(gap))
                } else {
                    e.window.as_ref().map(Num::new)
                };
                effects.push(Effect {
                    apis: ids,
                    kind,
                    at,
                    window,
                    whole: e.whole,
                    restarts: e.restarts,
                    cause: e.cause.clone(),
                    note,
                });
            }
            let title = cluster.map_or(d.title.clone(), |c| d.title.replace("{cluster}", &c.name));
            instances[di].push((steps.len(), ci));
            steps.push(Step {
                calibrated: inp
                    .history
                    .get(&id)
                    .or_else(|| inp.history.get(&d.id).filter(|_| ci.is_none()))
                    .cloned(),
                id,
                title,
                section: d.section.clone(),
                commands: d.commands.clone(),
                deps: Vec::new(),
                scope: d.scope,
                unit: d.units,
                units,
                duration: Num::new(&d.duration),
                per_unit: d.per_unit.as_ref().map(Num::new),
                extra: (d.exit_143 && holds(&cat.gh973_when, cluster))
                    .then(|| (Num::new(&cat.gh973_penalty), cat.gh973_note.clone())),
                effects,
                caveats: d.caveats.clone(),
                hop: 0,
            });
        }
    }

    // Dependencies: through skipped definitions to their own dependencies.
    fn resolve(
        di: usize,
        cluster: Option<usize>,
        defs: &[Vec<usize>],
        instances: &[Vec<(usize, Option<usize>)>],
        out: &mut BTreeSet<usize>,
        seen: &mut BTreeSet<usize>,
    ) {
        if !seen.insert(di) {
            return;
        }
        if instances[di].is_empty() {
            for &d in &defs[di] {
                resolve(d, cluster, defs, instances, out, seen);
            }
            return;
        }
        for &(si, ci) in &instances[di] {
            if cluster.is_none() || ci.is_none() || ci == cluster {
                out.insert(si);
            }
        }
    }
    for (di, inst) in instances.iter().enumerate() {
        for &(si, ci) in inst {
            let mut out = BTreeSet::new();
            let mut seen = BTreeSet::new();
            for &d in &def_deps[di] {
                resolve(d, ci, &def_deps, &instances, &mut out, &mut seen);
            }
            steps[si].deps = out.into_iter().collect();
        }
    }
    let deps: Vec<Vec<usize>> = steps.iter().map(|s| s.deps.clone()).collect();
    let order = dag::topo_order(&deps).map_err(|cycle| PlanError::Cycle {
        file: file.to_path_buf(),
        cycle: cycle
            .iter()
            .chain(cycle.first())
            .map(|&i| steps[i].id.clone())
            .collect(),
    })?;

    // Propagation rules.
    let mut rules = Vec::new();
    for r in &cat.propagation {
        let from = api_index(&r.from.api, None);
        let Some(&from_api) = from.first() else {
            continue;
        };
        let to: Vec<usize> = api_index(&r.to.api, None)
            .into_iter()
            .filter(|&i| i != from_api)
            .collect();
        if to.is_empty() {
            continue;
        }
        rules.push(Rule {
            from_api,
            from_kind: r.from.kind,
            to,
            to_kind: r.to.kind,
            prov: r.prov,
            source: r.source.clone(),
            reason: r.reason.clone(),
        });
    }

    Ok(Plan {
        hops: vec![inp.hop.clone()],
        apis,
        steps,
        order,
        rules,
        sources: cat.sources.clone(),
        conditions,
        skipped,
        duration_factor: cat.duration_factor.clone(),
    })
}

/// Outage windows calibrated from recorded runs (`upgrade record`, `--history`): an effect
/// whose windows are drawn from a prior takes what was measured instead, first the probe's
/// windows of its step, APIs and kind, else (a `restarts` effect) the recorded restart gaps
/// of its APIs' containers within its step. The recorded lengths become the window: a
/// triangular distribution over their min–max with their median as mode, provenance `C`.
/// Whole-step effects and
/// effects without recorded windows are left alone. Run on each hop's plan before chaining
/// (step ids without a hop prefix).
pub fn calibrate_effects(plan: &mut Plan, history: &super::history::History) {
    use super::model::{Prior, Prov};
    let apis: Vec<&str> = plan.apis.iter().map(|a| a.id.as_str()).collect();
    for step in &mut plan.steps {
        for e in &mut step.effects {
            if e.whole || e.window.is_none() {
                continue;
            }
            let key = |a: &usize| (step.id.clone(), apis[*a].to_string());
            let mut got: Vec<f64> = e
                .apis
                .iter()
                .filter_map(|a| {
                    let (s, api) = key(a);
                    history.effects.get(&(s, api, e.kind.name().to_string()))
                })
                .flatten()
                .copied()
                .collect();
            let mut what = ("probe-measured window", "probe-measured windows");
            if got.is_empty() && e.restarts.is_some() {
                got = e
                    .apis
                    .iter()
                    .filter_map(|a| history.api_restart_gaps.get(&key(a)))
                    .flatten()
                    .copied()
                    .collect();
                what = ("recorded restart gap", "recorded restart gaps");
            }
            if got.is_empty() {
                continue;
            }
            got.sort_by(f64::total_cmp);
            let n = got.len();
            let median = (got[(n - 1) / 2] + got[n / 2]) / 2.0;
            e.window = Some(Num::new(&Prior {
                min: got[0],
                max: got[n - 1],
                mode: Some(median),
                prov: Prov::C,
                source: None,
                reason: Some(format!(
                    "{n} {}: {:.1}–{:.1} s, median {median:.1} s",
                    if n == 1 { what.0 } else { what.1 },
                    got[0],
                    got[n - 1]
                )),
            }));
        }
    }
}
