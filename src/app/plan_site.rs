//! The site an `upgrade plan` is computed for: a site file, the inventory of a configuration
//! repository, or the example site; and what the repository and the collected facts say about
//! RabbitMQ's queues, which decides whether OSISM 10 needs the vhost migration.

use std::path::Path;

use super::error::ResultExt as _;
use super::{Context, Error};
use crate::base::version::Version;
use crate::evidence::config::ConfigRepo;
use crate::evidence::effective::{DEFAULT_ENV, Effective, Layer};
use crate::evidence::facts::Facts;
use crate::evidence::inventory::Inventory;
use crate::plan::{Site, load};
use crate::release::{Store, defaults};

/// The kolla-ansible switch of quorum queues (OSISM 9: default `true` from osism/defaults
/// v0.20241206.0; OSISM 10 removes it).
const QUORUM_KEY: &str = "om_enable_rabbitmq_quorum_queues";
/// The facts file `osism migrate rabbitmq3to4 check` is saved to by the collect script.
const RMQ_CHECK_FACTS: &str = "rabbitmq3to4-check.txt";

pub struct SiteArgs<'a> {
    pub site: Option<&'a Path>,
    pub config: Option<&'a Path>,
    pub facts: Option<&'a Path>,
    /// A hop moves RabbitMQ to version 4: the queue type matters and is reported.
    pub rabbitmq4: bool,
}

/// The site and where each part of it came from.
pub fn site(
    args: &SiteArgs,
    ctx: &Context,
    store: &Store,
    from: &Version,
) -> Result<(Site, Vec<String>), Error> {
    let mut source = Vec::new();
    let mut site = match (args.site, args.config) {
        (Some(path), _) => {
            let text = crate::base::limits::read_text(
                path,
                crate::base::limits::YAML_MAX_FILE_BYTES,
                "a site file",
            )
            .context(|| format!("cannot read site file {}", path.display()))?;
            source.push(format!("site file {}", path.display()));
            Site::from_yaml(&text, path)?
        }
        (None, Some(dir)) => {
            let mut site = load::example_site(&ctx.data)?;
            let inv = Inventory::load(dir)?.ok_or_else(|| {
                Error::Invalid(format!(
                    "{}: no inventory/ directory in the configuration repository",
                    dir.display()
                ))
            })?;
            let notes = site.apply_inventory(&inv);
            site.check_sizes(&dir.join("inventory"))?;
            if notes.is_empty() {
                return Err(Error::Invalid(format!(
                    "{}: no known host groups (control, compute, network, ceph-control, ceph-resource, …) in the inventory",
                    dir.join("inventory").display()
                )));
            }
            site.name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or(site.name);
            source.push(format!("inventory of {}", dir.display()));
            source.extend(notes);
            if args.rabbitmq4 {
                let defaults = defaults::for_release(&ctx.data, store, from)?;
                let repo = ConfigRepo::load(dir, None)?;
                let view = Effective::new(&repo, Some(&inv), defaults.as_ref(), DEFAULT_ENV);
                let (known, note) = quorum_from_config(&view);
                if let Some(q) = known {
                    site.quorum_queues = q;
                }
                source.push(note);
            }
            source.push(
                "other settings (services, flags, KaaS clusters) from the example site".into(),
            );
            site
        }
        (None, None) => {
            source.push(format!("example site {}", load::EXAMPLE_SITE));
            load::example_site(&ctx.data)?
        }
    };
    if let Some(dir) = args.facts {
        let facts = Facts::load(dir)?;
        let file = dir.join(RMQ_CHECK_FACTS);
        match facts.text(RMQ_CHECK_FACTS).map(quorum_from_check) {
            Some(Some(q)) => {
                site.quorum_queues = q;
                source.push(format!(
                    "quorum_queues: {} from {} (osism migrate rabbitmq3to4 check)",
                    yes_no(q),
                    file.display()
                ));
            }
            Some(None) => source.push(format!(
                "{}: neither `Migration is REQUIRED` nor `Migration is NOT required`: quorum_queues stays {}",
                file.display(),
                yes_no(site.quorum_queues)
            )),
            None if args.rabbitmq4 => source.push(format!(
                "no {RMQ_CHECK_FACTS} in {}: quorum_queues stays {} (collect `osism migrate rabbitmq3to4 check`)",
                dir.display(),
                yes_no(site.quorum_queues)
            )),
            None => {}
        }
    }
    Ok((site, source))
}

fn yes_no(b: bool) -> &'static str {
    if b { "yes" } else { "no" }
}

/// What `om_enable_rabbitmq_quorum_queues` set in the repository says; the OSISM default alone
/// does not say what the running RabbitMQ has (queues keep the type they were declared with).
fn quorum_from_config(view: &Effective) -> (Option<bool>, String) {
    let unknown = |why: String| {
        (
            None,
            format!(
                "{why}: whether RabbitMQ runs quorum queues is unknown, the OSISM 10 vhost migration is planned (collect `osism migrate rabbitmq3to4 check` and pass --facts to know)"
            ),
        )
    };
    match view.get(QUORUM_KEY, None) {
        Err(_) => unknown(format!(
            "{QUORUM_KEY} may be set in a vault that is not opened"
        )),
        Ok(Some(found)) if !matches!(found.layer, Layer::Defaults { .. }) => {
            match found.value.as_bool() {
                Some(q) => (
                    Some(q),
                    format!(
                        "quorum_queues: {} from {QUORUM_KEY} ({}:{})",
                        yes_no(q),
                        found.file,
                        found.line
                    ),
                ),
                None => unknown(format!(
                    "{QUORUM_KEY} in {}:{} is not a boolean",
                    found.file, found.line
                )),
            }
        }
        _ => unknown(format!("{QUORUM_KEY} is not set in the repository")),
    }
}

/// The verdict line of `osism migrate rabbitmq3to4 check`.
fn quorum_from_check(text: &str) -> Option<bool> {
    if text.contains("Migration is NOT required") {
        Some(true)
    } else if text.contains("Migration is REQUIRED") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_verdict_decides_the_queue_type() {
        assert_eq!(
            quorum_from_check(
                "2025-12-04 08:38:58 | INFO     | Migration is NOT required: Only quorum queues found\n"
            ),
            Some(true)
        );
        assert_eq!(
            quorum_from_check(
                "2025-12-03 21:04:33 | INFO     | Migration is REQUIRED: Only classic queues found, no quorum queues\n"
            ),
            Some(false)
        );
        assert_eq!(quorum_from_check("Connecting to RabbitMQ…\n"), None);
    }
}
