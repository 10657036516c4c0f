//! Validating the step catalog on its own (independent of site and hop): every prior in
//! range with its provenance and source, every condition known, every API and step named
//! once.

use std::collections::BTreeSet;
use std::path::Path;

use indexmap::IndexMap;

use super::error::PlanError;
use super::model::{Prior, Prov, Scope, StepsFile};
use super::site::{DERIVED_FLAGS, SITE_FLAGS};

/// The hop changes the Ceph image: set from the two releases' pins, not in hops.yaml.
pub const CEPH_UPGRADE: &str = "ceph_upgrade";

/// The Docker upgrade changes the release line (YY.MM): containers restart.
pub const DOCKER_MAJOR: &str = "docker_major";
/// The hop changes the Docker engine (pins differ).
pub const DOCKER_UPGRADE: &str = "docker_upgrade";
/// The Docker upgrade restarts every container: a major upgrade (live-restore does not cover
/// it), or any upgrade while the kolla units require docker.service (`unit_bugs`).
pub const DOCKER_RESTARTS: &str = "docker_restarts";

/// The manager's k3s changes (pins differ).
pub const K3S_UPGRADE: &str = "k3s_upgrade";

/// Conditions a hop can set.
pub const HOP_FLAGS: &[&str] = &[
    CEPH_UPGRADE,
    DOCKER_UPGRADE,
    DOCKER_MAJOR,
    DOCKER_RESTARTS,
    "docker_requires_units",
    "gh973_units",
    K3S_UPGRADE,
    "octavia_persistence",
    "rabbitmq4",
];

fn known_conditions() -> Vec<&'static str> {
    HOP_FLAGS
        .iter()
        .chain(SITE_FLAGS)
        .chain(DERIVED_FLAGS)
        .copied()
        .collect()
}

fn check_prior(
    p: &Prior,
    what: &str,
    sources: &IndexMap<String, String>,
    file: &Path,
) -> Result<(), PlanError> {
    let bad = |m: String| Err(PlanError::invalid(file, format!("{what}: {m}")));
    if !(p.min.is_finite() && p.max.is_finite()) || p.min < 0.0 || p.max < p.min {
        return bad(format!(
            "range [{}, {}] must satisfy 0 <= min <= max",
            p.min, p.max
        ));
    }
    if let Some(m) = p.mode
        && !(p.min..=p.max).contains(&m)
    {
        return bad(format!("mode {m} is outside [{}, {}]", p.min, p.max));
    }
    if let Some(s) = &p.source
        && !sources.contains_key(s)
    {
        let near = crate::base::suggest::nearest(s, sources.keys().map(String::as_str));
        return bad(format!(
            "source `{s}` is not listed under `sources:`{}",
            near.map(|n| format!(", did you mean `{n}`?"))
                .unwrap_or_default()
        ));
    }
    match p.prov {
        Prov::S | Prov::D | Prov::M if p.source.is_none() => {
            bad(format!("provenance {} needs a `source`", p.prov.letter()))
        }
        Prov::E if p.source.is_none() && p.reason.is_none() => {
            bad("an estimate needs a `source` or a `reason`".into())
        }
        _ => Ok(()),
    }
}

fn check_condition(c: &str, what: &str, file: &Path) -> Result<(), PlanError> {
    let name = c.strip_prefix('!').unwrap_or(c);
    let known = known_conditions();
    if known.contains(&name) {
        return Ok(());
    }
    let near = crate::base::suggest::nearest(name, known.iter().copied());
    Err(PlanError::invalid(
        file,
        format!(
            "{what}: unknown condition `{name}`{} (known: {})",
            near.map(|n| format!(", did you mean `{n}`?"))
                .unwrap_or_default(),
            known.join(", ")
        ),
    ))
}

/// Validate the catalog on its own (independent of site and hop).
pub fn validate_catalog(cat: &StepsFile, file: &Path) -> Result<(), PlanError> {
    check_prior(&cat.restart_gap, "restart_gap", &cat.sources, file)?;
    check_prior(&cat.gh973_penalty, "gh973_penalty", &cat.sources, file)?;
    for (k, p) in &cat.restart_gaps {
        check_prior(p, &format!("restart_gaps.{k}"), &cat.sources, file)?;
    }
    if let Some(f) = &cat.duration_factor {
        if !(f.sigma.is_finite() && (0.0..=1.5).contains(&f.sigma)) {
            return Err(PlanError::invalid(
                file,
                format!("duration_factor: sigma {} must be within [0, 1.5]", f.sigma),
            ));
        }
        if let Some(s) = &f.source
            && !cat.sources.contains_key(s)
        {
            return Err(PlanError::invalid(
                file,
                format!("duration_factor: source `{s}` is not listed under `sources:`"),
            ));
        }
    }
    let api_ids: Vec<&str> = cat.apis.iter().map(|a| a.id.as_str()).collect();
    let check_api = |name: &str, what: &str| -> Result<(), PlanError> {
        if name == "all" || api_ids.contains(&name) {
            return Ok(());
        }
        let near = crate::base::suggest::nearest(name, api_ids.iter().copied());
        Err(PlanError::invalid(
            file,
            format!(
                "{what}: unknown API `{name}`{}",
                near.map(|n| format!(", did you mean `{n}`?"))
                    .unwrap_or_default()
            ),
        ))
    };
    for c in &cat.gh973_when {
        check_condition(c, "gh973_when", file)?;
    }
    for a in &cat.apis {
        for c in &a.when {
            check_condition(c, &format!("api `{}`", a.id), file)?;
        }
    }
    for (i, r) in cat.propagation.iter().enumerate() {
        check_api(&r.from.api, &format!("propagation[{i}].from"))?;
        check_api(&r.to.api, &format!("propagation[{i}].to"))?;
        if let Some(s) = &r.source
            && !cat.sources.contains_key(s)
        {
            return Err(PlanError::invalid(
                file,
                format!("propagation[{i}]: source `{s}` is not listed under `sources:`"),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    let ids: Vec<&str> = cat.steps.iter().map(|s| s.id.as_str()).collect();
    for s in &cat.steps {
        let what = format!("step `{}`", s.id);
        if !seen.insert(s.id.as_str()) {
            return Err(PlanError::invalid(file, format!("{what} is defined twice")));
        }
        let afters = s
            .after
            .iter()
            .chain(s.variants.values().flat_map(|v| v.after.iter()));
        for a in afters {
            if !ids.contains(&a.as_str()) {
                let near = crate::base::suggest::nearest(a, ids.iter().copied());
                return Err(PlanError::invalid(
                    file,
                    format!(
                        "{what}: `after` names unknown step `{a}`{}",
                        near.map(|n| format!(", did you mean `{n}`?"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        for v in s.variants.keys() {
            check_condition(v, &format!("{what} variant"), file)?;
        }
        for c in &s.when {
            check_condition(c, &what, file)?;
        }
        check_prior(&s.duration, &format!("{what} duration"), &cat.sources, file)?;
        match (s.scope, &s.units, &s.per_unit) {
            (Scope::Once, None, None) => {}
            (Scope::Once, _, _) => {
                return Err(PlanError::invalid(
                    file,
                    format!("{what}: `units`/`per_unit` need scope serial or concurrent"),
                ));
            }
            (_, Some(_), Some(p)) => {
                check_prior(p, &format!("{what} per_unit"), &cat.sources, file)?
            }
            _ => {
                return Err(PlanError::invalid(
                    file,
                    format!("{what}: scope serial/concurrent needs `units` and `per_unit`"),
                ));
            }
        }
        for (k, e) in s.effects.iter().enumerate() {
            let ew = format!("{what} effects[{k}]");
            for a in e.api.names() {
                check_api(&a, &ew)?;
            }
            for c in &e.when {
                check_condition(c, &ew, file)?;
            }
            let modes = [e.restarts.is_some(), e.window.is_some(), e.whole]
                .iter()
                .filter(|b| **b)
                .count();
            if modes != 1 {
                return Err(PlanError::invalid(
                    file,
                    format!("{ew}: give exactly one of `restarts`, `window`, `whole`"),
                ));
            }
            if let Some(w) = &e.window {
                check_prior(w, &format!("{ew} window"), &cat.sources, file)?;
            }
            match (&e.gap, e.restarts) {
                (Some(g), Some(_)) if !cat.restart_gaps.contains_key(g) => {
                    let near = crate::base::suggest::nearest(
                        g,
                        cat.restart_gaps.keys().map(String::as_str),
                    );
                    return Err(PlanError::invalid(
                        file,
                        format!(
                            "{ew}: gap `{g}` is not listed under `restart_gaps:`{}",
                            near.map(|n| format!(", did you mean `{n}`?"))
                                .unwrap_or_default()
                        ),
                    ));
                }
                (Some(_), None) => {
                    return Err(PlanError::invalid(
                        file,
                        format!("{ew}: `gap` belongs to an effect with `restarts`"),
                    ));
                }
                _ => {}
            }
            if e.each.is_some() && (e.count_units.is_none() || e.at.is_some()) {
                return Err(PlanError::invalid(
                    file,
                    format!("{ew}: `each` needs `count_units` and no `at`"),
                ));
            }
            if e.count.is_some() && e.count_units.is_some() {
                return Err(PlanError::invalid(
                    file,
                    format!("{ew}: give `count` or `count_units`, not both"),
                ));
            }
            if let (Some(at), Some(n)) = (&e.at, e.count.or(e.restarts))
                && at.len() != n as usize
            {
                return Err(PlanError::invalid(
                    file,
                    format!("{ew}: `at` has {} positions for {n} windows", at.len()),
                ));
            }
            if let Some(at) = &e.at
                && at.iter().any(|f| !(0.0..=1.0).contains(f))
            {
                return Err(PlanError::invalid(
                    file,
                    format!("{ew}: `at` fractions must be within 0..1"),
                ));
            }
        }
    }
    Ok(())
}
