//! `rc status`, `rc diff`, `rc cut`, `rc promote`.

use std::path::PathBuf;
use std::time::Duration;

use super::{Context, Error, Outcome};
use crate::base::progress::Progress;
use crate::data::DataDir;
use crate::forge::cache::AnswerCache;
use crate::forge::{BlockingGitHub, GitHubConfig, OfflineForge, github};
use crate::rc::consistency::{Severity, check_manifest};
use crate::rc::cut::{self, Mode, Targets};
use crate::rc::diff::rc_diff;
use crate::rc::github_tags::GitHubTags;
use crate::rc::status::{self, StatusOptions};
use crate::rc::tags::{Chain, LocalTags, TagSource};
use crate::rc::tracking::Tracking;
use crate::release::Store;
use crate::release::components::ComponentRules;
use crate::render;

/// `rc status`: the readiness matrix of one release.
#[derive(Debug, Clone)]
pub struct StatusRequest {
    pub release: String,
    /// Local clones, as `DIR/<owner>/<repo>` or `DIR/<repo>`.
    pub repos: Option<PathBuf>,
    /// `git fetch --tags --prune` in each clone first.
    pub fetch: bool,
    /// Only local clones and cached GitHub answers.
    pub offline: bool,
    pub github_api: String,
    pub concurrency: usize,
    pub max_wait: Duration,
    pub timeout: Duration,
    /// `None`: the user's cache directory.
    pub cache: Option<PathBuf>,
    /// Also list the info rows (components the verdict does not cover).
    pub all: bool,
}

/// `rc diff`.
#[derive(Debug, Clone)]
pub struct DiffRequest {
    pub from: String,
    pub to: String,
    pub repos: Option<PathBuf>,
    /// Exit 1 on error findings in the newer release, 2 on unknown ones.
    pub check: bool,
}

/// `rc cut` and `rc promote`.
#[derive(Debug, Clone)]
pub struct ReleaseRequest {
    pub mode: Mode,
    /// The release to start from (`rc cut --from`, the candidate of `rc promote`).
    pub from: String,
    /// The release to write.
    pub next: String,
    pub bump_third_party: bool,
    pub repos: Option<PathBuf>,
    pub execute: bool,
    pub osism: Option<PathBuf>,
    pub tag: bool,
    /// GitHub API root for repositories without a clone; `None`: GitHub is not used.
    pub github_api: Option<String>,
    pub allow_unknown: bool,
}

pub fn status(
    req: StatusRequest,
    ctx: &Context,
    progress: &dyn Progress,
) -> Result<Outcome, Error> {
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let tracking = Tracking::load(&ctx.data)?;
    let entry = store.resolve(&req.release)?;
    // Fail early and clearly when there are no pins.
    store.manifest(&entry.version)?;
    let findings =
        crate::rc::consistency::for_status(&store, &rules, &entry.version, req.repos.as_deref());
    let cache_dir = req.cache.clone().or_else(crate::forge::cache::default_dir);
    let opts = StatusOptions {
        repos: req.repos.clone(),
        fetch: req.fetch,
        offline: req.offline,
    };
    let report = if req.offline {
        let forge = OfflineForge {
            cache: AnswerCache::new(cache_dir.as_deref()),
        };
        status::status(
            &store, &rules, &tracking, &entry, &forge, findings, &opts, progress,
        )?
    } else {
        let forge = BlockingGitHub::new(GitHubConfig {
            api_url: req.github_api.clone(),
            token: github::token(&req.github_api),
            concurrency: req.concurrency,
            max_wait: req.max_wait,
            timeout: req.timeout,
            cache_dir: cache_dir.clone(),
        })?;
        status::status(
            &store, &rules, &tracking, &entry, &forge, findings, &opts, progress,
        )?
    };
    Ok(Outcome {
        file: None,
        stdout: render::rc_status::render(&report, ctx.format, req.all),
        stderr: render::rc_status::notes(&report),
        exit: report.verdict.exit_code(),
    })
}

pub fn diff(req: DiffRequest, ctx: &Context) -> Result<Outcome, Error> {
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let from = store.resolve(&req.from)?.version;
    let to = store.resolve(&req.to)?.version;
    let d = rc_diff(&store, &rules, &from, &to, req.repos.as_deref())?;
    let has = |s: Severity| d.findings_to.iter().any(|f| f.severity == s);
    let exit = if !req.check {
        0
    } else if has(Severity::Error) {
        1
    } else if has(Severity::Unknown) {
        2
    } else {
        0
    };
    Ok(Outcome {
        file: None,
        stdout: render::rc::diff(&d, ctx.format),
        stderr: String::new(),
        exit,
    })
}

pub fn release(req: ReleaseRequest, ctx: &Context) -> Result<Outcome, Error> {
    let name = format!("rc {}", req.mode.name());
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let (current, next) = cut::validate(&store, req.mode, &req.from, &req.next)?;
    let mut sources: Vec<Box<dyn TagSource>> = Vec::new();
    if let Some(dir) = &req.repos {
        sources.push(Box::new(LocalTags::new(dir)));
    }
    if let Some(api_url) = &req.github_api {
        let cfg = GitHubConfig {
            api_url: api_url.clone(),
            token: github::token(api_url),
            ..GitHubConfig::default()
        };
        sources.push(Box::new(GitHubTags::new(cfg)?));
    }
    let mut source = (!sources.is_empty()).then_some(Chain { sources });
    let proposal = cut::propose(
        &rules,
        current,
        &next,
        req.mode,
        req.bump_third_party,
        source.as_ref().map(|l| l as &dyn TagSource),
    )?;
    let findings = check_manifest(
        &rules,
        &proposal.manifest,
        Some(current),
        req.repos.as_deref(),
    );
    let mut writes = vec![format!("releases/osism/{next}.yaml")];
    if let Some(p) = &req.osism {
        writes.push(p.join(next.as_str()).display().to_string());
    }
    let mut notes = Vec::new();
    if store.manifests.contains_key(next.as_str()) {
        notes.push(format!(
            "releases/osism/{next}.yaml exists already: --execute keeps it and only accepts it if identical"
        ));
    }
    if store
        .scs_release(&next)
        .is_none_or(|r| r.osism != next && !r.candidates.iter().any(|c| c.version == next))
    {
        notes.push(format!(
            "{next} is not listed in releases/scs/: add it to the candidates of its SCS release"
        ));
    }
    let unknowns = proposal.unknowns();
    let mut executed = None;
    if req.execute {
        let DataDir::Dir(root) = &ctx.data else {
            return Err(Error::Usage(format!(
                "{name} --execute writes into releases/ of a data directory: pass --data DIR (a checkout holding releases/)"
            )));
        };
        if !unknowns.is_empty() && !req.allow_unknown {
            return Err(Error::Usage(format!(
                "{name} --execute: {} component(s) could not be looked up, so the proposal would keep stale pins:\n  {}\nprovide clones with --repos DIR, or pass --allow-unknown to write anyway",
                unknowns.len(),
                unknowns.join("\n  ")
            )));
        }
        let targets = Targets {
            root: root.clone(),
            osism: req.osism.clone(),
            tag: req.tag,
        };
        executed = Some(cut::execute(
            &proposal,
            &targets,
            source.as_mut().map(|l| l as &mut dyn TagSource),
        )?);
    }
    let view = render::rc::CutView {
        proposal: &proposal,
        findings: &findings,
        executed: executed.as_ref(),
        writes,
        tag: req.tag,
        notes,
    };
    let exit = if executed.is_none() && !unknowns.is_empty() {
        2
    } else {
        0
    };
    Ok(Outcome {
        file: None,
        stdout: render::rc::cut(&view, ctx.format),
        stderr: String::new(),
        exit,
    })
}
