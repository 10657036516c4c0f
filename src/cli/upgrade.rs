//! `scs-release upgrade …`: preconditions (`check`), allowed paths (`path`) and the facts
//! collection script (`collect-script`). The upgrade planner adds its own subcommands to
//! [`UpgradeCmd`] (see `upgrade_plan.rs`).

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::{Context, Outcome};
use crate::check::engine::{self, Inputs};
use crate::check::{CheckError, catalog};
use crate::evidence::config::{ConfigRepo, Lookup};
use crate::evidence::facts::Facts;
use crate::evidence::inventory::Inventory;
use crate::evidence::vault::VaultKey;
use crate::release::Store;
use crate::release::path::{self, PathRefusal};
use crate::release::path_rules::Rules;
use crate::render;

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
    /// Record the timings of a real upgrade run into a history directory (calibration).
    Record(super::upgrade_plan::RecordArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The release running now (`6.0.0`, `R5`). Default: `manager_version` of
    /// environments/manager/configuration.yml.
    #[arg(long)]
    pub from: Option<String>,
    /// The release to upgrade to (`7.0.0`, `R6`, `7.0.0b`).
    #[arg(long)]
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
        }
    }
}

pub fn run(cmd: UpgradeCmd, ctx: &Context) -> anyhow::Result<Outcome> {
    match cmd {
        UpgradeCmd::Check(args) => check(args, ctx),
        UpgradeCmd::Path(args) => path_cmd(args, ctx),
        UpgradeCmd::CollectScript(args) => collect(args, ctx),
        UpgradeCmd::Plan(args) => super::upgrade_plan::plan(args, ctx),
        UpgradeCmd::Record(args) => super::upgrade_plan::record(args, ctx),
    }
}

fn check(args: CheckArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let rules = Rules::load(&ctx.data)?;
    let checks = catalog::load(&ctx.data)?;
    for id in &args.ignore {
        if !checks.iter().any(|c| c.id.eq_ignore_ascii_case(id)) {
            let near = crate::base::suggest::nearest_names(
                &id.to_ascii_uppercase(),
                checks.iter().map(|c| c.id.as_str()),
            );
            let hint = if near.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", near.join(", "))
            };
            return Err(
                CheckError::Usage(format!("--ignore {id}: no check has this ID{hint}")).into(),
            );
        }
    }
    let key = match &args.vault_password_file {
        Some(p) => Some(VaultKey::from_file(p)?),
        None => None,
    };
    let config = ConfigRepo::load(&args.config, key.as_ref())?;
    let inventory = Inventory::load(&args.config)?;
    let facts = match &args.facts {
        Some(p) => Some(Facts::load(p)?),
        None => None,
    };
    let from = match &args.from {
        Some(f) => store.resolve(f)?.version,
        None => {
            let name = manager_version(&config)?;
            store
                .resolve(&name)
                .with_context(|| {
                    format!(
                        "{}: manager_version `{name}` (the running release, as --from is not given)",
                        args.config.join(MANAGER_CONFIGURATION).display()
                    )
                })?
                .version
        }
    };
    let to = store.resolve(&args.to)?.version;
    if to <= from {
        return Err(PathRefusal::NotNewer { from, to }.into());
    }
    let inputs = Inputs {
        store: &store,
        rules: &rules,
        from: &from,
        to: &to,
        config: &config,
        inventory: inventory.as_ref(),
        facts: facts.as_ref(),
    };
    let report = engine::run(
        &checks,
        &inputs,
        &args.ignore,
        args.config.display().to_string(),
        args.facts.as_ref().map(|p| p.display().to_string()),
    );
    let mut out = Outcome::ok(render::check::check(&report, f));
    out.exit = report.exit_code();
    Ok(out)
}

const MANAGER_CONFIGURATION: &str = "environments/manager/configuration.yml";

fn manager_version(config: &ConfigRepo) -> anyhow::Result<String> {
    let file = MANAGER_CONFIGURATION;
    match config.lookup(file, "manager_version") {
        Lookup::Present(n) => match crate::evidence::config::scalar_text(n) {
            Ok(Some(v)) => Ok(v.to_string()),
            _ => Err(CheckError::Usage(format!(
                "--from is missing and `manager_version` in {file} is not a version"
            ))
            .into()),
        },
        _ => Err(CheckError::Usage(format!(
            "--from is missing and {file} has no `manager_version`: give --from VERSION"
        ))
        .into()),
    }
}

fn path_cmd(args: PathArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let from = store.resolve(&args.from)?.version;
    let to = store.resolve(&args.to)?.version;
    let direct = path::direct(&store, &from, &to)?;
    let hops = path::solve(&store, &from, &to)?;
    let view = render::check::PathView {
        from: from.to_string(),
        to: to.to_string(),
        direct_refused: direct.err().unwrap_or_default(),
        hops,
        kaas: path::kaas_paths(&store, &from, &to),
    };
    Ok(Outcome::ok(render::check::path(&view, f)))
}

fn collect(args: CollectArgs, _ctx: &Context) -> anyhow::Result<Outcome> {
    let mons = match &args.config {
        Some(dir) => {
            let inv = Inventory::load(dir)?
                .with_context(|| format!("{}: no inventory/ directory", dir.display()))?;
            let groups: Vec<String> = ["mons", "ceph-mon", "ceph-control"]
                .iter()
                .map(|s| s.to_string())
                .collect();
            let hosts = inv.first_group(&groups).map(|(_, h)| h).unwrap_or_default();
            Some(inv.plain_hosts(hosts)?)
        }
        None => None,
    };
    Ok(Outcome::ok(render::check::collect_script(mons.as_deref())))
}
