//! `upgrade validate`: a plan's predicted outage per API against a probe log's measurement;
//! with `--log`, each measured window attributed to the step that ran then.

use std::path::PathBuf;

use super::error::ResultExt as _;
use super::{Context, Error, Outcome};
use crate::plan::model::OutageKind;
use crate::probe::{ProbeKind, classify, compare, log};
use crate::record::attribute::{self, Attribution};
use crate::render::{self, Format};

#[derive(Debug, Clone)]
pub struct ValidateRequest {
    pub plan: PathBuf,
    pub probe: PathBuf,
    /// Run data with step spans (timing log, ARA exports; anything `upgrade record` reads).
    pub logs: Vec<PathBuf>,
    /// The host of docker events among `logs`.
    pub host: Option<String>,
}

pub fn validate(args: ValidateRequest, ctx: &Context) -> Result<Outcome, Error> {
    let text = crate::base::limits::read_text(
        &args.plan,
        crate::base::limits::LOG_MAX_FILE_BYTES,
        "a plan",
    )
    .context(|| format!("cannot read plan {}", args.plan.display()))?;
    let plan = compare::parse_plan(&text, &args.plan).map_err(Error::Invalid)?;
    let mut probe = log::read(&args.probe).map_err(|e| Error::Invalid(e.to_string()))?;
    // The probe's API names (`keystone`, `Compute API (Nova)`) as the plan's catalog ids.
    let (catalog, _) = crate::plan::load::catalog(&ctx.data)?;
    probe.rename_apis(|name| crate::record::catalog_api(&catalog, name));
    let measures = classify(&probe);
    let v = compare::compare(&plan.apis, &probe, &measures);
    let mut stderr = String::new();
    let by_step = if args.logs.is_empty() {
        None
    } else {
        let (a, notes) = attribute_windows(&args, &plan, &probe, &measures, &catalog, ctx)?;
        stderr.push_str(&notes);
        Some(a)
    };
    let stdout = match ctx.format {
        Format::Json => render::validate::json(&v, by_step.as_ref()),
        Format::Junit => render::validate::junit(&v),
        Format::Markdown => render::validate::markdown(&v, by_step.as_ref()),
        _ => render::validate::table(&v, by_step.as_ref()),
    };
    if probe.samples.is_empty() {
        stderr.push_str(&format!(
            "warning: {} has no probe samples\n",
            args.probe.display()
        ));
    }
    Ok(Outcome {
        stdout,
        stderr,
        exit: v.exit_code(),
        ..Outcome::default()
    })
}

/// Join the probe's windows to the logs' step spans (as `upgrade record` does) and set them
/// beside the plan's steps; the second value holds the `warning:`/`note:` lines.
fn attribute_windows(
    args: &ValidateRequest,
    plan: &compare::Plan,
    probe: &log::ProbeLog,
    measures: &[crate::probe::ApiMeasure],
    catalog: &crate::plan::model::StepsFile,
    ctx: &Context,
) -> Result<(Attribution, String), Error> {
    let inputs: Vec<crate::record::Input> = args
        .logs
        .iter()
        .map(|p| crate::record::Input {
            path: p.clone(),
            kind: None,
            host: args.host.clone(),
        })
        .collect();
    let map = crate::record::Map::load(&ctx.data, catalog)?;
    let measured = [crate::record::Measured {
        file: &args.probe,
        log: probe,
        measures,
    }];
    let rec = crate::record::record_with(&inputs, &measured, catalog, &map)?;
    let mut notes = String::new();
    for w in &rec.warnings {
        notes.push_str(&format!("warning: {w}\n"));
    }
    for n in &rec.notes {
        notes.push_str(&format!("note: {n}\n"));
    }
    // The (API, window kind) pairs a logged probe kind can show.
    let kinds: std::collections::BTreeSet<(&str, ProbeKind)> = probe
        .samples
        .iter()
        .map(|s| (s.api.as_str(), s.probe))
        .collect();
    let mut probed = std::collections::BTreeSet::new();
    for (api, k) in kinds {
        if matches!(k, ProbeKind::Version | ProbeKind::Read) {
            probed.insert((api.to_string(), OutageKind::Full));
        }
        if matches!(k, ProbeKind::Read | ProbeKind::Rpc) {
            probed.insert((api.to_string(), OutageKind::Degraded));
        }
    }
    let interval = probe.interval_seconds().unwrap_or(0.0);
    Ok((
        attribute::attribute(plan, &rec.run, &probed, interval),
        notes,
    ))
}
