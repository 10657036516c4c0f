//! `scs-release notes …`: release notes for the KaaS v1/v2 tracks and the SCS release
//! (arguments; the use case is [`crate::app::notes`]).

use std::path::PathBuf;

use clap::Args;

use super::{Context, Outcome};
use crate::app::notes::NotesRequest;
use crate::git::history::Walker;
use crate::notes::tracks::Track;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum WalkerArg {
    Cli,
    Git2,
}

/// Generate release notes from component repos' history.
#[derive(Debug, Args)]
pub struct NotesArgs {
    /// Which notes: `kaas-v1` (k8s-cluster-api-provider), `kaas-v2` (Cluster Stacks repos) or
    /// `scs` (the SCS release notes, both tracks).
    #[arg(long, value_enum, required_unless_present = "from_context")]
    pub track: Option<Track>,
    /// The SCS release (`7.0.0`, `R6`); ranges default to its data in releases/.
    #[arg(long, required_unless_present = "from_context")]
    pub release: Option<String>,
    /// A component checkout or bare mirror, optionally named: `SovereignCloudStack/csctl=PATH`.
    /// Repeat for several repos.
    #[arg(long = "repo", value_name = "[OWNER/NAME=]PATH")]
    pub repos: Vec<String>,
    /// Start of the range (exclusive), overriding releases/ data.
    #[arg(long, value_name = "REF")]
    pub from: Option<String>,
    /// End of the range, overriding releases/ data (a cluster-stack tag for cluster-stacks).
    #[arg(long, value_name = "REF")]
    pub to: Option<String>,
    /// Hand-written highlights (Markdown) merged into the notes.
    #[arg(long, value_name = "FILE")]
    pub highlights: Option<PathBuf>,
    /// Render with this Handlebars template instead of the track's built-in one.
    #[arg(long, value_name = "FILE", conflicts_with = "templates")]
    pub template: Option<PathBuf>,
    /// Look for `<track>.md.hbs` and `changelog.md.hbs` in this directory first.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Print the JSON context the template sees instead of rendering it.
    #[arg(long)]
    pub context: bool,
    /// Render from a JSON context written by `--context` (no git, no network).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["repos", "from", "to", "highlights", "github"])]
    pub from_context: Option<PathBuf>,
    #[command(flatten)]
    pub out: super::output::NotesOutput,
    /// Insert the notes as a new Keep a Changelog section into this file (below `## [Unreleased]`);
    /// the file is replaced atomically and keeps its mode and owner.
    #[arg(long, value_name = "CHANGELOG.md", conflicts_with_all = ["context", "output_file"])]
    pub prepend: Option<PathBuf>,
    /// Enrich PRs with title, labels and author from GitHub (token from GITHUB_TOKEN or GH_TOKEN).
    #[arg(long)]
    pub github: bool,
    /// Never call out to the network: `--github` then only uses cached PR answers.
    #[arg(long)]
    pub offline: bool,
    /// GitHub REST API root (GitHub Enterprise: `https://HOST/api/v3`).
    #[arg(long, value_name = "URL", env = "GITHUB_API_URL", default_value = crate::forge::github::DEFAULT_API)]
    pub github_api: String,
    /// Cache directory for GitHub answers; default `$XDG_CACHE_HOME/scs-release`.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// How history is read (benchmarking aid).
    #[arg(long, value_enum, default_value_t = WalkerArg::Cli, hide = true)]
    pub walker: WalkerArg,
}

pub fn run(a: NotesArgs, ctx: &Context) -> Result<Outcome, crate::app::Error> {
    crate::app::notes::run(
        NotesRequest {
            track: a.track,
            release: a.release,
            repos: a.repos,
            from: a.from,
            to: a.to,
            highlights: a.highlights,
            template: a.template,
            templates: a.templates,
            context: a.context,
            from_context: a.from_context,
            prepend: a.prepend,
            github: a.github,
            offline: a.offline,
            github_api: a.github_api,
            cache: a.cache,
            walker: match a.walker {
                WalkerArg::Cli => Walker::Cli,
                WalkerArg::Git2 => Walker::Git2,
            },
        },
        ctx,
    )
}
