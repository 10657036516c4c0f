//! `scs-release rc …`: release-candidate tracking (arguments; the use cases are in
//! [`crate::app::rc`]).

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use super::{Context, Outcome};
use crate::app::rc::{self as app, DiffRequest, ReleaseRequest, StatusRequest};
use crate::forge::github;
use crate::rc::cut::Mode;

#[derive(Debug, Subcommand)]
pub enum RcCmd {
    /// Readiness matrix of a release: is every pinned component tagged, on its branch,
    /// green and free of blockers? Exit 0 ready, 1 blocked, 2 unknown.
    Status(StatusArgs),
    /// What changed between two releases (RC or final), with consistency findings on each.
    Diff(DiffArgs),
    /// Propose the next release candidate from the current one (dry run unless --execute).
    Cut(CutArgs),
    /// Promote a release candidate to the final release (dry run unless --execute).
    Promote(PromoteArgs),
}

#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// The release (`7.0.0b`, `R6-RC1`, `R6`).
    pub release: String,
    /// Directory holding local clones, as `DIR/<owner>/<repo>` or `DIR/<repo>`.
    #[arg(long, value_name = "DIR")]
    pub repos: Option<PathBuf>,
    /// Run `git fetch --tags --prune` in each clone first.
    #[arg(long, requires = "repos")]
    pub fetch: bool,
    /// Use only local clones and the last cached GitHub answers (marked stale).
    #[arg(long, conflicts_with = "fetch")]
    pub offline: bool,
    /// GitHub REST API root (GitHub Enterprise: `https://HOST/api/v3`).
    #[arg(long, value_name = "URL", env = "GITHUB_API_URL", default_value = github::DEFAULT_API)]
    pub github_api: String,
    /// GitHub requests in flight at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Longest total wait for GitHub rate limits (`60s`, `2m`, `0`); beyond it cells stay unknown.
    #[arg(long, value_name = "DUR", default_value = "60s", value_parser = crate::base::duration::parse)]
    pub max_wait: Duration,
    /// Time limit per GitHub request.
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = crate::base::duration::parse)]
    pub timeout: Duration,
    /// Cache directory (ETags, answers for --offline); default `$XDG_CACHE_HOME/scs-release`.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    /// Also list the info rows: pinned components the verdict does not cover (third-party
    /// collections without a mapped repository, branch pins); JSON always has them.
    #[arg(long)]
    pub all: bool,
    #[command(flatten)]
    pub out: super::output::TextOutput,
}

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub range: super::range::Range,
    /// Directory holding local clones (`DIR/<owner>/<repo>` or `DIR/<repo>`), to check that
    /// SHA pins sit on tags. Without it those checks are unknown.
    #[arg(long, value_name = "DIR")]
    pub repos: Option<PathBuf>,
    /// Exit 1 when the newer release has error findings, 2 when it has unknown ones.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub out: super::output::TextOutput,
}

#[derive(Debug, clap::Args)]
pub struct ReleaseArgs {
    /// Directory holding local clones of the component repos (`DIR/<owner>/<repo>` or
    /// `DIR/<repo>`): where tags are read and, with --tag, created.
    #[arg(long, value_name = "DIR")]
    pub repos: Option<PathBuf>,
    /// Write the new release into `releases/` of the --data directory (and --osism PATH);
    /// without it nothing is written or tagged.
    #[arg(long)]
    pub execute: bool,
    /// Also write an osism/release-style folder `PATH/<next>/` (base.yml, ceph-*.yml,
    /// openstack-*.yml, ceph.yml/openstack.yml links).
    #[arg(long, value_name = "PATH")]
    pub osism: Option<PathBuf>,
    /// Create the missing tags of the components the release owns (with --execute), recorded
    /// in `releases/.journal/<next>.jsonl` so an interrupted run can simply be run again.
    #[arg(long)]
    pub tag: bool,
    /// Also use the GitHub API for repositories without a local clone (reads tags and branch
    /// heads; with --tag --execute creates tags, which needs GITHUB_TOKEN or GH_TOKEN).
    #[arg(long)]
    pub github: bool,
    /// GitHub API root (GitHub Enterprise: `https://HOST/api/v3`); implies --github.
    #[arg(long, value_name = "URL")]
    pub github_api: Option<String>,
    /// Write even though some owned components could not be looked up (kept as they were).
    #[arg(long)]
    pub allow_unknown: bool,
    #[command(flatten)]
    pub out: super::output::TextOutput,
}

#[derive(Debug, clap::Args)]
pub struct CutArgs {
    /// The release candidate to propose (`7.0.0c`).
    pub next: String,
    /// The current release to start from (`7.0.0b`).
    #[arg(long, value_name = "RELEASE")]
    pub from: String,
    /// Also bump third-party pins (collections, roles, SHA pins) to their newest tags.
    #[arg(long)]
    pub bump_third_party: bool,
    #[command(flatten)]
    pub common: ReleaseArgs,
}

#[derive(Debug, clap::Args)]
pub struct PromoteArgs {
    /// The release candidate to promote (`7.0.0d`).
    pub rc: String,
    /// The final release (`7.0.0`).
    #[arg(name = "final", value_name = "FINAL")]
    pub final_: String,
    #[command(flatten)]
    pub common: ReleaseArgs,
}

impl RcCmd {
    pub fn output(&self) -> super::output::Output {
        match self {
            RcCmd::Status(a) => a.out.get(),
            RcCmd::Diff(a) => a.out.get(),
            RcCmd::Cut(a) => a.common.out.get(),
            RcCmd::Promote(a) => a.common.out.get(),
        }
    }
}

pub fn run(cmd: RcCmd, ctx: &Context) -> Result<Outcome, crate::app::Error> {
    match cmd {
        RcCmd::Status(a) => app::status(
            StatusRequest {
                release: a.release,
                repos: a.repos,
                fetch: a.fetch,
                offline: a.offline,
                github_api: a.github_api,
                concurrency: usize::from(a.concurrency),
                max_wait: a.max_wait,
                timeout: a.timeout,
                cache: a.cache,
                all: a.all,
            },
            ctx,
            &*super::progress::for_stderr(),
        ),
        RcCmd::Diff(a) => {
            let (from, to) = a.range.resolve("rc diff")?;
            app::diff(
                DiffRequest {
                    from,
                    to,
                    repos: a.repos,
                    check: a.check,
                },
                ctx,
            )
        }
        RcCmd::Cut(a) => app::release(
            a.common
                .request(Mode::Cut, a.from, a.next, a.bump_third_party),
            ctx,
        ),
        RcCmd::Promote(a) => {
            app::release(a.common.request(Mode::Promote, a.rc, a.final_, false), ctx)
        }
    }
}

impl ReleaseArgs {
    fn request(self, mode: Mode, from: String, next: String, bump: bool) -> ReleaseRequest {
        ReleaseRequest {
            mode,
            from,
            next,
            bump_third_party: bump,
            repos: self.repos,
            execute: self.execute,
            osism: self.osism,
            tag: self.tag,
            github_api: self
                .github_api
                .or_else(|| self.github.then(|| github::DEFAULT_API.to_string())),
            allow_unknown: self.allow_unknown,
        }
    }
}
