//! Reading the planner's data from `releases/plan/` and choosing the hop.

use std::path::PathBuf;

use super::error::PlanError;
use super::model::{HopDef, HopsFile, StepsFile};
use super::site::Site;
use crate::base::version::Version;
use crate::data::DataDir;

pub const STEPS: &str = "releases/plan/steps.yaml";
pub const HOPS: &str = "releases/plan/hops.yaml";
pub const EXAMPLE_SITE: &str = "releases/plan/example-site.yaml";

fn read(data: &DataDir, rel: &str) -> Result<(String, PathBuf), PlanError> {
    let path = data.display_path(rel);
    let text = data.read(rel)?;
    Ok((text, path))
}

/// The step catalog and the path to name in messages.
pub fn catalog(data: &DataDir) -> Result<(StepsFile, PathBuf), PlanError> {
    Ok(data.load::<StepsFile>(STEPS)?)
}

pub fn hops(data: &DataDir) -> Result<HopsFile, PlanError> {
    let (hops, path) = data.load::<HopsFile>(HOPS)?;
    for b in &hops.unit_bugs {
        if !super::validate::HOP_FLAGS.contains(&b.flag.as_str()) {
            return Err(PlanError::invalid(
                &path,
                format!(
                    "unit_bugs: flag `{}` is not a hop condition (known: {})",
                    b.flag,
                    super::validate::HOP_FLAGS.join(", ")
                ),
            ));
        }
    }
    Ok(hops)
}

pub fn example_site(data: &DataDir) -> Result<Site, PlanError> {
    let (text, path) = read(data, EXAMPLE_SITE)?;
    Site::from_yaml(&text, &path)
}

/// The hop data for one hop of the path (one major at a time, or an update within a major).
pub fn find_hop(hops: &HopsFile, from: &Version, to: &Version) -> Result<HopDef, PlanError> {
    let (Some(fm), Some(tm)) = (from.major(), to.major()) else {
        return Err(PlanError::Unsupported(format!(
            "cannot plan {from} → {to}: versions without a major number"
        )));
    };
    if to <= from {
        return Err(PlanError::Unsupported(format!(
            "{from} → {to} is not an upgrade (downgrades are not planned)"
        )));
    }
    if tm > fm + 1 {
        return Err(PlanError::Unsupported(format!(
            "{from} → {to} spans {} OSISM majors in one hop; OSISM documents one major at a time",
            tm - fm
        )));
    }
    hops.hops
        .iter()
        .find(|h| h.from == fm && h.to == tm)
        .cloned()
        .ok_or_else(|| {
            let known: Vec<String> = hops
                .hops
                .iter()
                .map(|h| format!("{}→{}", h.from, h.to))
                .collect();
            PlanError::Unsupported(format!(
                "no plan data for the hop OSISM {fm} → {tm} (known hops: {}; add it to {})",
                known.join(", "),
                HOPS
            ))
        })
}
