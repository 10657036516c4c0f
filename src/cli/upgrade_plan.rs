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
    #[arg(long, value_name = "RELEASE")]
    pub from: String,
    /// Target release (`7.0.0`, `R6`).
    #[arg(long, value_name = "RELEASE")]
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
    /// Maintenance window length (`6h`, `90m`, `4h30m`); warns when p90 does not fit. The
    /// announcement, calendar entry and status page announce this window (default: the p90
    /// rounded up to a quarter hour).
    #[arg(long, value_name = "DURATION", value_parser = window)]
    pub window: Option<std::time::Duration>,
    /// IANA time zone of the local times (`Europe/Berlin`), daylight saving included;
    /// default: the offset of `--start`.
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Render `-o markdown` with this Handlebars template instead of the data's
    /// templates/announcement.md.hbs (fields: docs/upgrade-plan.md).
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
    /// Use durations recorded with `upgrade record` from this directory.
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    #[command(flatten)]
    pub out: super::output::PlanOutput,
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("input").required(true).multiple(true)
    .args(["log", "ara_playbooks", "ara_results", "ara_tasks", "journal", "docker_events", "probe"])))]
pub struct RecordArgs {
    /// Run data of any kind below, recognized by its content (repeatable); also our own
    /// timing log: one `{"step": ID, "start": RFC 3339, "end": RFC 3339}` per line.
    #[arg(long, value_name = "FILE")]
    pub log: Vec<PathBuf>,
    /// `ara playbook list --long -f json --limit N` (step spans: started + duration).
    #[arg(long, value_name = "FILE")]
    pub ara_playbooks: Vec<PathBuf>,
    /// `ara result list --long --resolve -f json --limit N` (plays, hosts, restart handlers).
    #[arg(long, value_name = "FILE")]
    pub ara_results: Vec<PathBuf>,
    /// `ara task list --long --resolve -f json --limit N` (which tasks are handlers).
    #[arg(long, value_name = "FILE")]
    pub ara_tasks: Vec<PathBuf>,
    /// `journalctl -o json -u 'kolla-*-container.service' -u docker.service` of the window.
    #[arg(long, value_name = "FILE")]
    pub journal: Vec<PathBuf>,
    /// `docker events --format '{{json .}}'` of one host, as HOST=FILE (or FILE with --host).
    #[arg(long, value_name = "[HOST=]FILE", value_parser = host_file)]
    pub docker_events: Vec<(Option<String>, PathBuf)>,
    /// The host of docker events given without one: docker events carry no host name.
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    /// A probe log (the prober's JSON lines, docs/measure-an-upgrade.md): full and degraded
    /// windows per API.
    #[arg(long, value_name = "FILE")]
    pub probe: Vec<PathBuf>,
    /// History directory to add the run to.
    #[arg(long, value_name = "DIR")]
    pub history: PathBuf,
    #[command(flatten)]
    pub out: super::output::RecordOutput,
}

/// `ctl01=events.jsonl` → (Some("ctl01"), "events.jsonl"); a path that exists as given, or
/// without `=`, has no host.
fn host_file(s: &str) -> Result<(Option<String>, PathBuf), String> {
    match s.split_once('=') {
        Some((host, file)) if !std::path::Path::new(s).exists() => {
            if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
                return Err(format!("`{host}` is not a host name (expected HOST=FILE)"));
            }
            Ok((Some(host.to_string()), PathBuf::from(file)))
        }
        _ => Ok((None, PathBuf::from(s))),
    }
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
            tz: a.tz,
            template: a.template,
            output_file: a.out.output_file.clone(),
        }
    }
}

impl From<RecordArgs> for RecordRequest {
    fn from(a: RecordArgs) -> RecordRequest {
        RecordRequest {
            logs: a.log,
            ara_playbooks: a.ara_playbooks,
            ara_results: a.ara_results,
            ara_tasks: a.ara_tasks,
            journals: a.journal,
            docker_events: a.docker_events,
            host: a.host,
            probes: a.probe,
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
