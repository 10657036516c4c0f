//! `upgrade validate`: a plan's predicted outage per API against a probe log's measurement.

use std::path::PathBuf;

use super::error::ResultExt as _;
use super::{Context, Error, Outcome};
use crate::probe::{classify, compare, log};
use crate::render::{self, Format};

#[derive(Debug, Clone)]
pub struct ValidateRequest {
    pub plan: PathBuf,
    pub probe: PathBuf,
}

pub fn validate(args: ValidateRequest, ctx: &Context) -> Result<Outcome, Error> {
    let text = crate::base::limits::read_text(
        &args.plan,
        crate::base::limits::LOG_MAX_FILE_BYTES,
        "a plan",
    )
    .context(|| format!("cannot read plan {}", args.plan.display()))?;
    let plan = compare::parse_plan(&text, &args.plan).map_err(Error::Invalid)?;
    let probe = log::read(&args.probe).map_err(|e| Error::Invalid(e.to_string()))?;
    let measures = classify(&probe);
    let v = compare::compare(&plan, &probe, &measures);
    let stdout = match ctx.format {
        Format::Json => render::validate::json(&v),
        Format::Junit => render::validate::junit(&v),
        Format::Markdown => render::validate::markdown(&v),
        _ => render::validate::table(&v),
    };
    let mut stderr = String::new();
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
