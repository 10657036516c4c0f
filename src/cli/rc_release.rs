//! `rc diff`, `rc cut`, `rc promote`.

use std::path::PathBuf;

use clap::Args;

use super::output::TextOutput;
use super::{Context, Outcome};
use crate::data::DataDir;
use crate::forge::GitHubConfig;
use crate::rc::consistency::{Severity, check_manifest};
use crate::rc::cut::{self, Mode, Targets};
use crate::rc::diff::rc_diff;
use crate::rc::github_tags::GitHubTags;
use crate::rc::tags::{Chain, LocalTags, TagSource};
use crate::release::Store;
use crate::release::components::ComponentRules;
use crate::render;

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The older release (`7.0.0a`, `R6-RC0`).
    pub a: String,
    /// The newer release (`7.0.0b`, `7.0.0`).
    pub b: String,
    /// Directory holding local clones (`DIR/<owner>/<repo>` or `DIR/<repo>`), to check that
    /// SHA pins sit on tags. Without it those checks are unknown.
    #[arg(long, value_name = "DIR")]
    pub repos: Option<PathBuf>,
    /// Exit 1 when the newer release has error findings, 2 when it has unknown ones.
    #[arg(long)]
    pub check: bool,
    #[command(flatten)]
    pub out: TextOutput,
}

#[derive(Debug, Args)]
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
    pub out: TextOutput,
}

#[derive(Debug, Args)]
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

#[derive(Debug, Args)]
pub struct PromoteArgs {
    /// The release candidate to promote (`7.0.0d`).
    pub rc: String,
    /// The final release (`7.0.0`).
    #[arg(name = "final", value_name = "FINAL")]
    pub final_: String,
    #[command(flatten)]
    pub common: ReleaseArgs,
}

pub fn diff(a: DiffArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let from = store.resolve(&a.a)?.version;
    let to = store.resolve(&a.b)?.version;
    let d = rc_diff(&store, &rules, &from, &to, a.repos.as_deref())?;
    let exit = if !a.check {
        0
    } else if d.findings_to.iter().any(|f| f.severity == Severity::Error) {
        1
    } else if d
        .findings_to
        .iter()
        .any(|f| f.severity == Severity::Unknown)
    {
        2
    } else {
        0
    };
    Ok(Outcome {
        file: None,
        stdout: render::rc::diff(&d, f),
        stderr: String::new(),
        exit,
    })
}

pub fn cut(a: CutArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    release(
        Mode::Cut,
        &a.from,
        &a.next,
        a.bump_third_party,
        a.common,
        ctx,
    )
}

pub fn promote(a: PromoteArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    release(Mode::Promote, &a.rc, &a.final_, false, a.common, ctx)
}

fn release(
    mode: Mode,
    from: &str,
    next: &str,
    bump_third_party: bool,
    args: ReleaseArgs,
    ctx: &Context,
) -> anyhow::Result<Outcome> {
    let name = format!("rc {}", mode.name());
    let f = ctx.format;
    let store = Store::load(&ctx.data)?;
    let rules = ComponentRules::load(&ctx.data)?;
    let (current, next) = cut::validate(&store, mode, from, next)?;
    let mut sources: Vec<Box<dyn TagSource>> = Vec::new();
    if let Some(dir) = &args.repos {
        sources.push(Box::new(LocalTags::new(dir)));
    }
    if args.github || args.github_api.is_some() {
        let cfg = GitHubConfig {
            api_url: args
                .github_api
                .clone()
                .unwrap_or_else(|| crate::forge::github::DEFAULT_API.into()),
            token: crate::forge::github::token_from_env(),
            ..GitHubConfig::default()
        };
        sources.push(Box::new(GitHubTags::new(cfg)?));
    }
    let mut source = (!sources.is_empty()).then_some(Chain { sources });
    let proposal = cut::propose(
        &rules,
        current,
        &next,
        mode,
        bump_third_party,
        source.as_ref().map(|l| l as &dyn TagSource),
    )?;
    let findings = check_manifest(
        &rules,
        &proposal.manifest,
        Some(current),
        args.repos.as_deref(),
    );
    let mut writes = vec![format!("releases/osism/{next}.yaml")];
    if let Some(p) = &args.osism {
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
    if args.execute {
        let DataDir::Dir(root) = &ctx.data else {
            anyhow::bail!(
                "{name} --execute writes into releases/ of a data directory: pass --data DIR (a checkout holding releases/)"
            );
        };
        if !unknowns.is_empty() && !args.allow_unknown {
            anyhow::bail!(
                "{name} --execute: {} component(s) could not be looked up, so the proposal would keep stale pins:\n  {}\nprovide clones with --repos DIR, or pass --allow-unknown to write anyway",
                unknowns.len(),
                unknowns.join("\n  ")
            );
        }
        let targets = Targets {
            root: root.clone(),
            osism: args.osism.clone(),
            tag: args.tag,
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
        tag: args.tag,
        notes,
    };
    let exit = if executed.is_none() && !unknowns.is_empty() {
        2
    } else {
        0
    };
    Ok(Outcome {
        file: None,
        stdout: render::rc::cut(&view, f),
        stderr: String::new(),
        exit,
    })
}
