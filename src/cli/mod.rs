//! Command-line types (clap) and dispatch. One file per command group.

pub mod notes;
mod progress;
pub mod rc;
pub mod rc_release;
pub mod releases;
pub mod upgrade;
pub mod upgrade_plan;

use std::path::PathBuf;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use crate::data::DataDir;
use crate::render::Format;

/// Release-candidate tracking, upgrade checks and plans, and release notes for
/// Sovereign Cloud Stack (OSISM IaaS, KaaS v1 and v2).
#[derive(Debug, Parser)]
#[command(name = "scs-release", version, about, max_term_width = 100)]
pub struct Cli {
    /// Read release data and templates from this directory (holding `releases/` and
    /// `templates/`) instead of the copy built into the binary.
    #[arg(long, global = true, env = "SCS_RELEASE_DATA", value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Output format.
    #[arg(short = 'o', long = "output", global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    #[command(subcommand)]
    pub command: Command,
}

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
    /// with a predicted maintenance window and API outages (plan), recorded runs (record).
    #[command(subcommand)]
    Upgrade(upgrade::UpgradeCmd),
}

/// What a command produced: text for stdout and the process exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    /// Notes for stderr (warnings, progress summaries); never secrets.
    pub stderr: String,
    pub exit: i32,
}

impl Outcome {
    pub fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            stderr: String::new(),
            exit: 0,
        }
    }
}

/// Shared context of every command.
pub struct Context {
    pub data: DataDir,
    pub format: Format,
}

pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ctx = Context {
        data: match cli.data {
            Some(dir) => DataDir::open(dir).context("--data (or SCS_RELEASE_DATA)")?,
            None => DataDir::Embedded,
        },
        format: cli.format,
    };
    match cli.command {
        Command::Releases(cmd) => releases::run(cmd, &ctx),
        Command::Notes(args) => notes::run(*args, &ctx),
        Command::Rc(cmd) => rc::run(cmd, &ctx),
        Command::Upgrade(cmd) => upgrade::run(cmd, &ctx),
    }
}
