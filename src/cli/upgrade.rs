//! `scs-release upgrade …`: preconditions (`check`), allowed paths (`path`) and the facts
//! collection script (`collect-script`). The upgrade planner and the prober add their own
//! subcommands to [`UpgradeCmd`] (see `upgrade_plan.rs`, `upgrade_probe.rs`).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::app::upgrade as app;

#[derive(Debug, Subcommand)]
pub enum UpgradeCmd {
    /// Check the preconditions of an upgrade against the configuration repository and facts
    /// collected from the cloud. Exit 0: all passed, 1: warnings only, 2: a blocking finding or
    /// a blocking check without evidence, 3: the tool failed.
    Check(CheckArgs),
    /// Show the chain of allowed upgrade hops between two releases, and why a direct jump is refused.
    Path(PathArgs),
    /// Print the read-only shell script that collects the facts directory for `upgrade check`.
    CollectScript(CollectArgs),
    /// Plan an upgrade and predict its maintenance window and every API's outage.
    Plan(super::upgrade_plan::PlanArgs),
    /// Record a real upgrade run (step timings, container restarts, probe-measured outage
    /// windows) into a history directory (calibration).
    Record(super::upgrade_plan::RecordArgs),
    /// Compare a plan's predicted outage per API with what `upgrade probe` measured. Exit 0:
    /// every API within its p10–p90 band, 1: one outside it, 2: nothing outside but something
    /// not measured, 3: the tool failed.
    Validate(super::upgrade_validate::ValidateArgs),
    /// Probe the cloud's APIs during an upgrade window and log every sample (JSON lines);
    /// at the end, each API's full and degraded outage windows.
    Probe(Box<super::upgrade_probe::ProbeArgs>),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The release running now (`6.0.0`, `R5`). Default: `manager_version` of
    /// environments/manager/configuration.yml.
    #[arg(long, value_name = "RELEASE")]
    pub from: Option<String>,
    /// The release to upgrade to (`7.0.0`, `R6`, `7.0.0b`).
    #[arg(long, value_name = "RELEASE")]
    pub to: String,
    /// The configuration repository (OSISM layout: environments/, inventory/).
    #[arg(long, value_name = "DIR")]
    pub config: PathBuf,
    /// Facts collected from the cloud (see `upgrade collect-script`). Without it, checks that
    /// need them are unknown.
    #[arg(long, value_name = "DIR")]
    pub facts: Option<PathBuf>,
    /// File holding the ansible-vault password, to read encrypted secrets.yml files and inline
    /// `!vault` values.
    #[arg(long, value_name = "FILE")]
    pub vault_password_file: Option<PathBuf>,
    /// Skip a check by ID (repeatable or comma-separated), like kubeadm's --ignore-preflight-errors.
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    pub ignore: Vec<String>,
    #[command(flatten)]
    pub out: super::output::CheckOutput,
}

#[derive(Debug, Args)]
pub struct PathArgs {
    /// The release running now (`6.0.0`, `R5`).
    #[arg(long, value_name = "RELEASE")]
    pub from: String,
    /// The release to upgrade to (`8.0.0`, `R7`).
    #[arg(long, value_name = "RELEASE")]
    pub to: String,
    #[command(flatten)]
    pub out: super::output::TextOutput,
}

#[derive(Debug, Args)]
pub struct CollectArgs {
    /// Take the Ceph mon hosts from this configuration repository's inventory.
    #[arg(long, value_name = "DIR")]
    pub config: Option<PathBuf>,
}

impl UpgradeCmd {
    pub fn output(&self) -> super::output::Output {
        match self {
            UpgradeCmd::Check(a) => a.out.get(),
            UpgradeCmd::Path(a) => a.out.get(),
            UpgradeCmd::CollectScript(_) => super::output::Output::default(),
            UpgradeCmd::Plan(a) => a.out.get(),
            UpgradeCmd::Record(a) => a.out.get(),
            UpgradeCmd::Validate(a) => a.out.get(),
            UpgradeCmd::Probe(a) => a.out.get(),
        }
    }
}

pub fn run(cmd: UpgradeCmd, ctx: &Context) -> Result<Outcome, crate::app::Error> {
    match cmd {
        UpgradeCmd::Check(a) => app::check(
            app::CheckRequest {
                from: a.from,
                to: a.to,
                config: a.config,
                facts: a.facts,
                vault_password_file: a.vault_password_file,
                ignore: a.ignore,
            },
            ctx,
        ),
        UpgradeCmd::Path(a) => app::path(
            app::PathRequest {
                from: a.from,
                to: a.to,
            },
            ctx,
        ),
        UpgradeCmd::CollectScript(a) => {
            app::collect_script(app::CollectRequest { config: a.config })
        }
        UpgradeCmd::Plan(a) => crate::app::plan::plan(a.into(), ctx),
        UpgradeCmd::Record(a) => crate::app::plan::record(a.into(), ctx),
        UpgradeCmd::Validate(a) => crate::app::validate::validate(a.into(), ctx),
        UpgradeCmd::Probe(a) => super::upgrade_probe::run(*a, ctx),
    }
}
