//! `scs-release rc …`: release-candidate tracking.

use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;

use super::rc_release;
use super::{Context, Outcome};
use crate::forge::cache::AnswerCache;
use crate::forge::{BlockingGitHub, GitHubConfig, OfflineForge, github};
use crate::rc::status::{self, Consistency, StatusOptions};
use crate::rc::tracking::Tracking;
use crate::release::Store;
use crate::release::components::ComponentRules;
use crate::render;

#[derive(Debug, Subcommand)]
pub enum RcCmd {
    /// Readiness matrix of a release: is every pinned component tagged, on its branch,
    /// green and free of blockers? Exit 0 ready, 1 blocked, 2 unknown.
    Status(StatusArgs),
    /// What changed between two releases (RC or final), with consistency findings on each.
    Diff(rc_release::DiffArgs),
    /// Propose the next release candidate from the current one (dry run unless --execute).
    Cut(rc_release::CutArgs),
    /// Promote a release candidate to the final release (dry run unless --execute).
    Promote(rc_release::PromoteArgs),
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
    #[arg(long, value_name = "DUR", default_value = "60s", value_parser = parse_duration)]
    pub max_wait: Duration,
    /// Time limit per GitHub request.
    #[arg(long, value_name = "DUR", default_value = "30s", value_parser = parse_duration)]
    pub timeout: Duration,
    /// Cache directory (ETags, answers for --offline); default `$XDG_CACHE_HOME/scs-release`.
    #[arg(long, value_name = "DIR")]
    pub cache: Option<PathBuf>,
    #[command(flatten)]
    pub out: super::output::TextOutput,
}

/// `90`, `90s`, `500ms`, `2m`, `1h`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let t = s.trim();
    let (num, unit) = t
        .find(|c: char| !c.is_ascii_digit())
        .map(|i| t.split_at(i))
        .unwrap_or((t, "s"));
    let n: u64 = num
        .parse()
        .map_err(|_| format!("`{s}` is not a duration (examples: 60s, 500ms, 2m)"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(n)),
        "s" | "" => Ok(Duration::from_secs(n)),
        "m" => Ok(Duration::from_secs(n * 60)),
        "h" => Ok(Duration::from_secs(n * 3600)),
        _ => Err(format!("`{s}`: unknown unit `{unit}` (use ms, s, m or h)")),
    }
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

pub fn run(cmd: RcCmd, ctx: &Context) -> anyhow::Result<Outcome> {
    match cmd {
        RcCmd::Status(args) => run_status(args, ctx),
        RcCmd::Diff(a) => rc_release::diff(a, ctx),
        RcCmd::Cut(a) => rc_release::cut(a, ctx),
        RcCmd::Promote(a) => rc_release::promote(a, ctx),
    }
}

/// Consistency findings for the verdict (`rc diff`'s checks: families, branch pins, SHAs
/// not on a tag, dropped components).
fn consistency(
    store: &Store,
    rules: &ComponentRules,
    release: &crate::base::version::Version,
    repos: Option<&std::path::Path>,
) -> Consistency {
    crate::rc::consistency::for_status(store, rules, release, repos)
}

fn run_status(args: StatusArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let tracking = Tracking::load(&ctx.data)?;
    let entry = store.resolve(&args.release)?;
    // Fail early and clearly when there are no pins.
    store.manifest(&entry.version)?;
    let findings = consistency(&store, &rules, &entry.version, args.repos.as_deref());
    let cache_dir = args.cache.clone().or_else(crate::forge::cache::default_dir);
    let opts = StatusOptions {
        repos: args.repos.clone(),
        fetch: args.fetch,
        offline: args.offline,
    };
    let progress = super::progress::for_stderr();
    let report = if args.offline {
        let forge = OfflineForge {
            cache: AnswerCache::new(cache_dir.as_deref()),
        };
        status::status(
            &store, &rules, &tracking, &entry, &forge, findings, &opts, &*progress,
        )?
    } else {
        let forge = BlockingGitHub::new(GitHubConfig {
            api_url: args.github_api.clone(),
            token: github::token_from_env(),
            concurrency: usize::from(args.concurrency),
            max_wait: args.max_wait,
            timeout: args.timeout,
            cache_dir: cache_dir.clone(),
        })?;
        status::status(
            &store, &rules, &tracking, &entry, &forge, findings, &opts, &*progress,
        )?
    };
    let stdout = render::rc_status::render(&report, f);
    let stderr = render::rc_status::notes(&report);
    Ok(Outcome {
        file: None,
        stdout,
        stderr,
        exit: report.verdict.exit_code(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("60s"), Ok(Duration::from_secs(60)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("2 weeks").is_err());
        assert!(parse_duration("x").is_err());
    }
}
