//! `upgrade check`, `upgrade path`, `upgrade collect-script`.

use std::path::PathBuf;

use super::error::ResultExt as _;
use super::{Context, Error, Outcome};
use crate::check::catalog;
use crate::check::engine;
use crate::check::eval::Inputs;
use crate::evidence::config::{ConfigRepo, Lookup};
use crate::evidence::facts::Facts;
use crate::evidence::inventory::{self, Inventory};
use crate::evidence::vault::VaultKey;
use crate::release::Store;
use crate::release::defaults;
use crate::release::path::{self, PathRefusal};
use crate::release::path_rules::Rules;
use crate::render;

/// `upgrade check`: the preconditions of one upgrade.
#[derive(Debug, Clone)]
pub struct CheckRequest {
    /// The release running now; `None`: `manager_version` of the configuration repository.
    pub from: Option<String>,
    pub to: String,
    pub config: PathBuf,
    pub facts: Option<PathBuf>,
    pub vault_password_file: Option<PathBuf>,
    /// Check IDs to skip.
    pub ignore: Vec<String>,
}

/// `upgrade path`.
#[derive(Debug, Clone)]
pub struct PathRequest {
    pub from: String,
    pub to: String,
}

/// `upgrade collect-script`: mon hosts from this repository's inventory, if given.
#[derive(Debug, Clone)]
pub struct CollectRequest {
    pub config: Option<PathBuf>,
}

pub fn check(args: CheckRequest, ctx: &Context) -> Result<Outcome, Error> {
    let (started, clock) = (jiff::Timestamp::now(), std::time::Instant::now());
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let rules = Rules::load(&ctx.data)?;
    let checks = catalog::load(&ctx.data)?;
    for id in &args.ignore {
        if id.eq_ignore_ascii_case("all") {
            return Err(Error::Usage(
                "--ignore all: not offered (kubeadm's --ignore-preflight-errors=all would turn every blocking finding into a pass here); name the check IDs to skip, as `upgrade check -o json | jq -r '.findings[].id'` lists them".into(),
            ));
        }
        if !checks.iter().any(|c| c.id.eq_ignore_ascii_case(id)) {
            let near = crate::base::suggest::nearest_names(
                &id.to_ascii_uppercase(),
                checks.iter().map(|c| c.id.as_str()),
            );
            let hint = crate::base::suggest::did_you_mean(&near);
            return Err(Error::Usage(format!(
                "--ignore {id}: no check has this ID{hint}"
            )));
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
            // A rolling manager (`latest`, a branch) names no release: say so, not
            // "unknown release `latest`".
            if crate::base::version::Version::parse(&name)
                .numeric()
                .is_none()
                && store.resolve(&name).is_err()
            {
                return Err(Error::Usage(format!(
                    "--from is missing and `manager_version: {name}` in {} names no release (a rolling manager image tag, not a version): give --from RELEASE, the release the cloud runs (`6.0.0`, `R5`)",
                    args.config.join(MANAGER_CONFIGURATION).display()
                )));
            }
            store
                .resolve(&name)
                .context(|| {
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
    let from_defaults = defaults::for_release(&ctx.data, &store, &from)?;
    let to_defaults = defaults::for_release(&ctx.data, &store, &to)?;
    let inputs = Inputs {
        store: &store,
        rules: &rules,
        from: &from,
        to: &to,
        config: &config,
        inventory: inventory.as_ref(),
        facts: facts.as_ref(),
        from_defaults: from_defaults.as_ref(),
        to_defaults: to_defaults.as_ref(),
    };
    let report = engine::run(
        &checks,
        &inputs,
        &args.ignore,
        args.config.display().to_string(),
        args.facts.as_ref().map(|p| p.display().to_string()),
    );
    let mut report = report;
    report.timing = Some(crate::check::report::Timing {
        started,
        seconds: clock.elapsed().as_secs_f64(),
    });
    let mut out = Outcome::ok(render::check::check(&report, f));
    out.exit = report.exit_code();
    Ok(out)
}

const MANAGER_CONFIGURATION: &str = "environments/manager/configuration.yml";

fn manager_version(config: &ConfigRepo) -> Result<String, Error> {
    let file = MANAGER_CONFIGURATION;
    match config.lookup(file, "manager_version") {
        Lookup::Present(n) => match crate::evidence::config::scalar_text(n) {
            Ok(Some(v)) => Ok(v.to_string()),
            _ => Err(Error::Usage(format!(
                "--from is missing and `manager_version` in {file} is not a version"
            ))),
        },
        _ => Err(Error::Usage(format!(
            "--from is missing and {file} has no `manager_version`: give --from VERSION"
        ))),
    }
}

pub fn path(args: PathRequest, ctx: &Context) -> Result<Outcome, Error> {
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

pub fn collect_script(args: CollectRequest) -> Result<Outcome, Error> {
    let mons = match &args.config {
        Some(dir) => {
            let inv = Inventory::load(dir)?.ok_or_else(|| {
                Error::Invalid(format!("{}: no inventory/ directory", dir.display()))
            })?;
            let groups: Vec<String> = inventory::CEPH_MON_GROUPS
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
