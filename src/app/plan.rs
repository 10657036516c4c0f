//! `upgrade plan` and `upgrade record`.

use std::path::{Path, PathBuf};

use super::error::ResultExt as _;
use super::{Context, Error, Outcome};
use crate::base::fsutil::Overwrite;
use crate::plan::compile::{self, Inputs};
use crate::plan::report::{Anchor, Request, predict};
use crate::plan::{SimConfig, history, load};
use crate::release::Store;
use crate::render::{self, Format};

/// `upgrade plan`.
#[derive(Debug, Clone)]
pub struct PlanRequest {
    pub from: String,
    pub to: String,
    /// Site file; `None`: sizes from `config`'s inventory, or the example site.
    pub site: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// Collected facts (`upgrade collect`): what the running cloud says wins over the files.
    pub facts: Option<PathBuf>,
    pub parallel: bool,
    pub seed: u64,
    pub samples: u32,
    /// The wall-clock start.
    pub start: Option<Anchor>,
    /// The maintenance window (at most [`crate::plan::report::MAX_WINDOW`]).
    pub window: Option<std::time::Duration>,
    pub history: Option<PathBuf>,
    /// IANA time zone for local times (`Europe/Berlin`).
    pub tz: Option<String>,
    /// The announcement template instead of the data's `templates/announcement.md.hbs`.
    pub template: Option<PathBuf>,
    /// Where the output goes (`-O`): an earlier calendar file there gives the SEQUENCE.
    pub output_file: Option<PathBuf>,
}

/// `upgrade record`: run data into a history directory.
#[derive(Debug, Clone)]
pub struct RecordRequest {
    /// Files of any kind, detected by content (`--log`).
    pub logs: Vec<PathBuf>,
    pub ara_playbooks: Vec<PathBuf>,
    pub ara_results: Vec<PathBuf>,
    pub ara_tasks: Vec<PathBuf>,
    pub journals: Vec<PathBuf>,
    /// `docker events` exports, each with its host when given as `HOST=FILE`.
    pub docker_events: Vec<(Option<String>, PathBuf)>,
    /// The host of docker events given without one (also `--log` files read as docker events).
    pub host: Option<String>,
    pub probes: Vec<PathBuf>,
    pub history: PathBuf,
}

pub fn plan(args: PlanRequest, ctx: &Context) -> Result<Outcome, Error> {
    let format = ctx.format;
    // `--tz`: local times in that zone (checked also without `--start`).
    let zone = args
        .tz
        .as_deref()
        .map(Anchor::zone)
        .transpose()
        .map_err(|e| Error::Usage(format!("--tz: {e}")))?;
    let start = args.start.clone().map(|a| Anchor { tz: zone, ..a });
    if start.is_none() && render::plan::needs_start(format) {
        return Err(Error::Usage(render::plan::NeedsStart(format).to_string()));
    }

    let store = Store::load(&ctx.data)?;
    let from = store.resolve(&args.from)?;
    let to = store.resolve(&args.to)?;
    let hops = load::hops(&ctx.data)?;
    // The chain of hops from the path solver of `upgrade path`: one plan per hop, chained.
    let path = crate::release::path::solve(&store, &from.version, &to.version)?;
    let hop_defs = path
        .iter()
        .map(|h| {
            let mut def = load::find_hop(&hops, &h.from, &h.to)?;
            crate::plan::hop_flags::derive(&store, &hops.unit_bugs, &h.from, &h.to, &mut def);
            Ok(def)
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let (catalog, catalog_path) = load::catalog(&ctx.data)?;

    let rabbitmq4 = hop_defs
        .iter()
        .any(|h| h.flags.iter().any(|f| f == "rabbitmq4"));
    let (site, site_source) = super::plan_site::site(
        &super::plan_site::SiteArgs {
            site: args.site.as_deref(),
            config: args.config.as_deref(),
            facts: args.facts.as_deref(),
            rabbitmq4,
        },
        ctx,
        &store,
        &from.version,
    )?;

    let hist = match &args.history {
        Some(dir) => history::load(dir)?,
        None => history::History::default(),
    };
    let runs = hist.runs;
    let plans = hop_defs
        .iter()
        .map(|hop| {
            let mut plan = compile::compile(&Inputs {
                catalog: &catalog,
                catalog_path: &catalog_path,
                hop,
                site: &site,
                history: &hist.durations,
            })?;
            compile::calibrate_effects(&mut plan, &hist);
            Ok::<_, crate::plan::PlanError>(plan)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut plans = plans.into_iter();
    let first = plans.next().ok_or_else(|| {
        Error::Invalid(format!(
            "no upgrade hop from {} to {}",
            from.version, to.version
        ))
    })?;
    let plan = crate::plan::chain::chain(first, plans.collect());
    let mut stderr = String::new();
    if args.history.is_some() {
        let known: Vec<&str> = plan
            .steps
            .iter()
            .map(|s| s.id.rsplit('/').next().unwrap_or(&s.id))
            .collect();
        for id in hist
            .durations
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
        {
            stderr.push_str(&format!(
                "note: recorded step `{id}` is not part of this plan; ignored\n"
            ));
        }
    }
    let report = predict(
        plan,
        Request {
            from: from.version.to_string(),
            to: to.version.to_string(),
            site,
            site_source,
            config: SimConfig {
                samples: args.samples,
                seed: args.seed,
                parallel: args.parallel,
            },
            start,
            window_seconds: args.window.map(|w| w.as_secs_f64()),
            history_runs: runs,
        },
    );
    let mut report = report;
    report.scs_release = store
        .scs_release(&to.version)
        .filter(|r| r.osism.major() == to.version.major())
        .map(|r| r.name.clone());
    let text = match format {
        Format::Markdown => {
            let (tpl, path) = match &args.template {
                Some(p) => (
                    crate::base::limits::read_text(
                        p,
                        crate::base::limits::TEMPLATE_MAX_BYTES,
                        "a template",
                    )
                    .context(|| format!("cannot read template {}", p.display()))?,
                    p.display().to_string(),
                ),
                None => {
                    let rel = render::plan::ANNOUNCEMENT_TEMPLATE;
                    (
                        ctx.data.read(rel)?,
                        ctx.data.display_path(rel).display().to_string(),
                    )
                }
            };
            render::plan::markdown(&report, &tpl, &path)?
        }
        Format::Ics => {
            let start = report
                .start
                .as_ref()
                .ok_or_else(|| Error::Usage(render::plan::NeedsStart(format).to_string()))?;
            // The file written before, if it is this event: the same SEQUENCE, or one more
            // when the window moved.
            let sequence = args
                .output_file
                .as_deref()
                .and_then(|p| {
                    crate::base::limits::read_text(p, 1024 * 1024, "a calendar file").ok()
                })
                .map_or(0, |old| render::plan::ics_sequence(&old, &report, start));
            render::plan::ics(
                &report,
                start,
                render::plan::IcsEntry {
                    stamp: now(),
                    sequence,
                },
            )
        }
        _ => render::plan::render(&report, format).map_err(|e| Error::Usage(e.to_string()))?,
    };
    if format == Format::Statuspage {
        let unmapped = render::plan::statuspage_unmapped(&report);
        if !unmapped.is_empty() {
            let all = report.site.statuspage_components.is_empty();
            stderr.push_str(&format!(
                "warning: {}: map them in the site file's `statuspage_components` (API id: component id){}\n",
                if all {
                    "no Statuspage component is mapped, the maintenance names none".to_string()
                } else {
                    format!("no Statuspage component for {}", unmapped.join(", "))
                },
                if all {
                    format!("; affected: {}", unmapped.join(", "))
                } else {
                    String::new()
                }
            ));
        }
    }
    // Warnings on stderr in every format, the table's too: stdout is data only.
    for w in &report.warnings {
        stderr.push_str(&format!("warning: {w}\n"));
    }
    Ok(Outcome {
        stdout: text,
        stderr,
        ..Outcome::default()
    })
}

/// Now, or `SOURCE_DATE_EPOCH` (seconds) where set: reproducible calendar files.
fn now() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| jiff::Timestamp::from_second(s).ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

pub fn record(args: RecordRequest, ctx: &Context) -> Result<Outcome, Error> {
    use crate::record::{Input, Kind};
    let format = ctx.format;
    let mut inputs = Vec::new();
    let mut add = |paths: &[PathBuf], kind: Option<Kind>| {
        for p in paths {
            inputs.push(Input {
                path: p.clone(),
                kind,
                host: args.host.clone(),
            });
        }
    };
    add(&args.logs, None);
    add(&args.ara_playbooks, Some(Kind::AraPlaybooks));
    add(&args.ara_results, Some(Kind::AraResults));
    add(&args.ara_tasks, Some(Kind::AraTasks));
    add(&args.journals, Some(Kind::Journald));
    add(&args.probes, Some(Kind::Probe));
    for (host, p) in &args.docker_events {
        inputs.push(Input {
            path: p.clone(),
            kind: Some(Kind::DockerEvents),
            host: host.clone().or_else(|| args.host.clone()),
        });
    }
    let (catalog, _) = load::catalog(&ctx.data)?;
    let map = crate::record::Map::load(&ctx.data, &catalog)?;
    let rec = crate::record::record(&inputs, &catalog, &map)?;
    let run = rec.run;
    let mut stderr = String::new();
    for w in &rec.warnings {
        stderr.push_str(&format!("warning: {w}\n"));
    }
    for n in &rec.notes {
        stderr.push_str(&format!("note: {n}\n"));
    }
    let name = history::run_file_name(&run.steps);
    let path = args.history.join(&name);
    let body = render::json_value(&run);
    crate::base::fsutil::write_in(
        &args.history,
        Path::new(&name),
        body.as_bytes(),
        Overwrite::Never,
    )
    .map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Error::Invalid(format!(
                "{}: this run is already recorded (same first start time)",
                path.display()
            ))
        } else {
            Error::Context {
                context: format!("cannot write {}", path.display()),
                source: Box::new(e),
            }
        }
    })?;
    let total: f64 = run.steps.iter().map(|s| s.seconds).sum();
    let stdout = if format == Format::Json {
        render::json_document(
            "upgrade-record",
            render::record::SCHEMA_VERSION,
            &render::record::Doc {
                path: path.display().to_string(),
                read: &rec.read,
                steps: run.steps.len(),
                seconds: total,
                restarts: run.restarts.len(),
                effects: run.effects.len(),
                unjoined: run.unjoined.len(),
                run: &run,
            },
        )
    } else {
        render::record::text(&rec.read, &run, total, &path)
    };
    Ok(Outcome {
        file: None,
        stdout,
        stderr,
        exit: 0,
    })
}
