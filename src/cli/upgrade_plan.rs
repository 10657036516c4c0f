//! `scs-release upgrade plan` and `upgrade record`: arguments.

use std::path::PathBuf;

use clap::Args;

use crate::app::plan::{PlanRequest, RecordRequest};
use crate::plan::report::MAX_WINDOW;

/// Default seed: fixed so that two runs without `--seed` agree.
pub const DEFAULT_SEED: u64 = 20240320;

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Current release (OSISM version like `6.0.0`, or `R5`).
    #[arg(long)]
    pub from: String,
    /// Target release (`7.0.0`, `R6`).
    #[arg(long)]
    pub to: String,
    /// Site description (YAML); default: the example site in releases/plan/example-site.yaml.
    #[arg(long, value_name = "FILE", conflicts_with = "config")]
    pub site: Option<PathBuf>,
    /// OSISM configuration repository: host counts come from its `inventory/` (other settings
    /// from the example site).
    #[arg(long, value_name = "DIR")]
    pub config: Option<PathBuf>,
    /// Collected facts (`upgrade collect`): `rabbitmq3to4-check.txt` says whether RabbitMQ
    /// already runs quorum queues (then OSISM 10 needs no vhost migration).
    #[arg(long, value_name = "DIR")]
    pub facts: Option<PathBuf>,
    /// Let independent steps overlap (default: one `osism apply` at a time).
    #[arg(long)]
    pub parallel: bool,
    /// Seed of the simulation; the same seed gives the same numbers.
    #[arg(long, default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Number of simulated runs.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub samples: u32,
    /// Wall-clock start, RFC 3339 with offset (`2024-03-23T20:00+01:00`).
    #[arg(long, value_name = "TIME", value_parser = crate::plan::report::Anchor::parse)]
    pub start: Option<crate::plan::report::Anchor>,
    /// Maintenance window length (`6h`, `90m`, `4h30m`); warns when p90 does not fit.
    #[arg(long, value_name = "DURATION", value_parser = window)]
    pub window: Option<std::time::Duration>,
    /// Use durations recorded with `upgrade record` from this directory.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub out: super::output::PlanOutput,
}

#[derive(Debug, Args)]
pub struct RecordArgs {
    /// JSON-lines log: one `{"step": ID, "start": RFC 3339, "end": RFC 3339}` per line.
    #[arg(long, value_name = "FILE")]
    pub log: PathBuf,
    /// History directory to add the run to.
    #[arg(long, value_name = "DIR")]
    pub history: PathBuf,
    #[command(flatten)]
    pub out: super::output::RecordOutput,
}

/// A maintenance window: positive and at most [`MAX_WINDOW`].
fn window(s: &str) -> Result<std::time::Duration, String> {
    let w = crate::base::duration::parse_seconds(s)?;
    if w <= 0.0 {
        Err(format!("`{s}`: a maintenance window must be longer than 0"))
    } else if w > MAX_WINDOW.as_secs_f64() {
        Err(format!(
            "`{s}` is longer than 31 days; a maintenance window is hours, e.g. 6h"
        ))
    } else {
        Ok(std::time::Duration::from_secs_f64(w))
    }
}

impl From<PlanArgs> for PlanRequest {
    fn from(a: PlanArgs) -> PlanRequest {
        PlanRequest {
            from: a.from,
            to: a.to,
            site: a.site,
            config: a.config,
            facts: a.facts,
            parallel: a.parallel,
            seed: a.seed,
            samples: a.samples,
            start: a.start,
            window: a.window,
            history: a.history,
        }
    }
}

impl From<RecordArgs> for RecordRequest {
    fn from(a: RecordArgs) -> RecordRequest {
        RecordRequest {
            log: a.log,
            history: a.history,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn windows_are_positive_and_at_most_a_month() {
        assert_eq!(window("4h30m").unwrap().as_secs(), 16_200);
        assert_eq!(window("744h").unwrap().as_secs(), 2_678_400);
        for huge in ["99999999999999999h", "745h", "2678401"] {
            assert_eq!(
                window(huge).unwrap_err(),
                format!("`{huge}` is longer than 31 days; a maintenance window is hours, e.g. 6h")
            );
        }
        assert!(window("0").unwrap_err().contains("longer than 0"));
        assert!(window("6x").is_err());
    }
}
