//! Command-line types (clap) and dispatch. One file per command group.

pub mod config;
mod examples;
pub mod meta;
pub mod notes;
pub mod output;
mod progress;
pub mod range;
pub mod rc;
pub mod releases;
pub mod upgrade;
pub mod upgrade_plan;
pub mod upgrade_probe;
pub mod upgrade_validate;

use std::path::PathBuf;

use crate::app::error::ResultExt as _;
use clap::{Parser, Subcommand};

use crate::data::DataDir;

/// Release-candidate tracking, upgrade checks and plans, and release notes for
/// Sovereign Cloud Stack (OSISM IaaS, KaaS v1 and v2).
#[derive(Debug, Parser)]
#[command(
    name = "scs-release",
    version,
    about,
    max_term_width = 100,
    after_help = ROOT_EXAMPLES
)]
pub struct Cli {
    /// Read release data and templates from this directory (holding `releases/` and
    /// `templates/`) instead of the copy built into the binary.
    #[arg(long, global = true, env = "SCS_RELEASE_DATA", value_name = "DIR", help_heading = GLOBAL)]
    pub data: Option<PathBuf>,
    /// When to colour verdicts: auto (only on a terminal, and not with `NO_COLOR` set),
    /// always, never.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto", help_heading = GLOBAL)]
    pub color: meta::ColorChoice,
    /// No log lines and no progress (warnings and errors still print); same as
    /// `SCS_RELEASE_LOG=off`.
    #[arg(short, long, global = true, conflicts_with = "verbose", help_heading = GLOBAL)]
    pub quiet: bool,
    /// More log lines on stderr: -v info, -vv debug, -vvv trace. Without -q/-v the log filter
    /// is `SCS_RELEASE_LOG`, else `RUST_LOG` (tracing's `target=level` syntax), else `warn`.
    #[arg(short, long, global = true, action = clap::ArgAction::Count, help_heading = GLOBAL)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

const GLOBAL: &str = "Global options";

const ROOT_EXAMPLES: &str = "\
Examples:
  scs-release releases list
  scs-release releases diff 6.0.0 7.0.0
  scs-release upgrade plan --from 6.0.0 --to 7.0.0
  scs-release upgrade check --to 7.0.0 --config ./cfg --facts ./facts -o junit -O check.xml
  scs-release notes --track kaas-v2 --release R6 --repo SovereignCloudStack/csctl=./csctl
  scs-release completions bash > ~/.local/share/bash-completion/completions/scs-release";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, show, compare and import releases and their pins.
    #[command(subcommand)]
    Releases(releases::ReleasesCmd),
    /// Release notes for the KaaS v1/v2 tracks and the SCS release, from git history.
    Notes(Box<notes::NotesArgs>),
    /// Release-candidate tracking: status, diff, cut and promote.
    #[command(subcommand)]
    Rc(rc::RcCmd),
    /// Upgrade preconditions (check), allowed upgrade paths (path), facts collection, plans
    /// with a predicted maintenance window and API outages (plan), recorded runs (record),
    /// the measured API outage of a real window (probe).
    #[command(subcommand)]
    Upgrade(upgrade::UpgradeCmd),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = meta::COMPLETIONS_EXAMPLES)]
    Completions(meta::CompletionsArgs),
    /// Print the man page, or write one page per command into a directory.
    #[command(after_help = meta::MAN_EXAMPLES)]
    Man(meta::ManArgs),
}

pub use crate::app::{Context, Outcome};

/// The clap command of [`Cli`] with the examples of every `--help`.
pub fn command() -> clap::Command {
    examples::add(<Cli as clap::CommandFactory>::command())
}

pub fn run(mut cli: Cli) -> Result<Outcome, crate::app::Error> {
    let (config, files) = config::Config::load()?;
    for f in &files {
        tracing::info!("config file: {}", f.display());
    }
    config.apply(&mut cli.command);
    let (data, data_source) = match cli.data.take() {
        Some(d) => (Some(d), "--data (or SCS_RELEASE_DATA)".to_string()),
        None => (
            config.data.clone(),
            format!(
                "`data:` of {}",
                config
                    .data_from
                    .as_deref()
                    .unwrap_or(std::path::Path::new("the config file"))
                    .display()
            ),
        ),
    };
    let out = cli.command.output();
    let to_stdout = out.file.as_deref().is_none_or(|f| {
        matches!(
            crate::base::fsutil::Output::parse(f),
            crate::base::fsutil::Output::Stdout
        )
    });
    let paint = out.format == crate::render::Format::Table
        && to_stdout
        && cli.command.has_verdicts()
        && cli.color.enabled();
    crate::render::table::set_width(
        (out.format == crate::render::Format::Table && to_stdout)
            .then(meta::table_width)
            .flatten(),
    );
    progress::set_quiet(cli.quiet);
    let ctx = Context {
        data: match data {
            Some(dir) => DataDir::open(dir).context(|| data_source.clone())?,
            None => DataDir::Embedded,
        },
        format: out.format,
    };
    match &ctx.data {
        DataDir::Embedded => tracing::info!("release data: built into the binary"),
        DataDir::Dir(dir) => tracing::info!("release data: {}", dir.display()),
    }
    let mut outcome = match cli.command {
        Command::Releases(cmd) => releases::run(cmd, &ctx),
        Command::Notes(args) => notes::run(*args, &ctx),
        Command::Rc(cmd) => rc::run(cmd, &ctx),
        Command::Upgrade(cmd) => upgrade::run(cmd, &ctx),
        Command::Completions(a) => meta::completions(&a),
        Command::Man(a) => meta::man(&a),
    }?;
    if outcome.file.is_none() {
        outcome.file = out.file;
    }
    if paint && outcome.file.is_none() {
        outcome.stdout = crate::render::color::verdicts(&outcome.stdout);
    }
    Ok(outcome)
}

impl Command {
    /// Commands whose table shows verdicts (`--color`).
    fn has_verdicts(&self) -> bool {
        matches!(
            self,
            Command::Rc(rc::RcCmd::Status(_) | rc::RcCmd::Diff(_))
                | Command::Upgrade(
                    upgrade::UpgradeCmd::Check(_) | upgrade::UpgradeCmd::Validate(_)
                )
        )
    }

    /// The `-o`/`-O` the command line gave (table and no file for commands without them).
    fn output(&self) -> output::Output {
        match self {
            Command::Releases(c) => c.output(),
            Command::Notes(a) => a.out.get(),
            Command::Rc(c) => c.output(),
            Command::Upgrade(c) => c.output(),
            Command::Completions(_) | Command::Man(_) => output::Output::default(),
        }
    }
}
