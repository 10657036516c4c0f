//! `scs-release notes …`: release notes for the KaaS v1/v2 tracks and the SCS release.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{Context as _, bail};
use clap::Args;

use super::{Context, Outcome};
use crate::git::history::Walker;
use crate::notes::classify::{Classifier, PrInfo};
use crate::notes::context::{CONTEXT_KIND, CONTEXT_SCHEMA_VERSION, NotesContext};
use crate::notes::rules::Rules;
use crate::notes::tracks::{self, RepoSpec, Request, Track};
use crate::release::Store;
use crate::render::notes::TemplateSource;
use crate::render::{self, Format};

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

pub fn run(args: NotesArgs, ctx: &Context) -> anyhow::Result<Outcome> {
    let format = ctx.format;
    if args.prepend.as_deref() == Some(std::path::Path::new("-")) {
        bail!("--prepend needs a file: it reads the changelog and writes it back (`-` is not one)");
    }
    let mut stderr = String::new();
    let src = TemplateSource {
        file: args.template.clone(),
        dir: args.templates.clone(),
    };

    let json = args.context || format == Format::Json;
    let notes = match &args.from_context {
        Some(file) => read_context(file)?,
        None => build(&args, ctx, json, &mut stderr)?,
    };

    if let Some(changelog) = &args.prepend {
        let today = jiff::Timestamp::now()
            .to_string()
            .chars()
            .take(10)
            .collect::<String>();
        let section = render::notes::changelog_section(&ctx.data, &src, &notes, &today)?;
        let existing = match std::fs::read_to_string(changelog) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                "# Changelog\n\n## [Unreleased]\n".to_string()
            }
            Err(e) => {
                return Err(e).with_context(|| format!("{}: cannot read", changelog.display()));
            }
        };
        let updated = crate::notes::changelog::prepend(&existing, &section)
            .map_err(|e| anyhow::anyhow!("{}: {e}", changelog.display()))?;
        crate::base::fsutil::write_user_file(changelog, updated.as_bytes())
            .with_context(|| format!("{}: cannot write", changelog.display()))?;
        let head = section
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("## ");
        stderr.push_str(&format!("{}: added section {head}\n", changelog.display()));
        return Ok(Outcome {
            stderr,
            ..Outcome::default()
        });
    }
    let t0 = std::time::Instant::now();
    let text = if json {
        // The context carries its own `schema_version` and `kind` first, like json_document.
        let mut s = serde_json::to_string_pretty(&notes)?;
        s.push('\n');
        s
    } else {
        render::notes::notes(&ctx.data, &src, notes)?
    };
    tracing::debug!(
        elapsed_ms = t0.elapsed().as_millis() as u64,
        bytes = text.len(),
        "rendered"
    );
    Ok(Outcome {
        stdout: text,
        stderr,
        ..Outcome::default()
    })
}

fn read_context(file: &std::path::Path) -> anyhow::Result<NotesContext> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read", file.display()))?;
    let mut notes: NotesContext = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}:{}:{}: not a notes context: {e}",
            file.display(),
            e.line(),
            e.column()
        )
    })?;
    if notes.kind != CONTEXT_KIND || notes.schema_version != CONTEXT_SCHEMA_VERSION {
        bail!(
            "{}: expected kind `{CONTEXT_KIND}` with schema_version {CONTEXT_SCHEMA_VERSION}, found `{}` version {}",
            file.display(),
            notes.kind,
            notes.schema_version
        );
    }
    for r in &mut notes.repos {
        r.changes.fix_kinds();
    }
    Ok(notes)
}

fn build(
    args: &NotesArgs,
    ctx: &Context,
    json: bool,
    stderr: &mut String,
) -> anyhow::Result<NotesContext> {
    let track = args.track.context("--track is required")?;
    let release = args.release.clone().context("--release is required")?;
    let store = Store::load(&ctx.data)?;
    let rules = Rules::load(&ctx.data)?;
    let classifier = Classifier::new(rules);
    let (highlights, unknown) = match &args.highlights {
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("{}: cannot read", p.display()))?;
            tracks::highlights_for(track, &text)
        }
        None => tracks::highlights_for(track, ""),
    };
    for u in unknown {
        stderr.push_str(&format!(
            "warning: highlights: section `{u}` matches no section of the SCS notes and is left out (known: {})\n",
            tracks::SCS_SECTIONS.join(", ")
        ));
    }
    let req = Request {
        track,
        release,
        repos: args.repos.iter().map(|r| RepoSpec::parse(r)).collect(),
        from: args.from.clone(),
        to: args.to.clone(),
        highlights,
    };
    let (mut notes, jobs) = tracks::plan(&store, &req)?;
    let walker = match args.walker {
        WalkerArg::Cli => Walker::Cli,
        WalkerArg::Git2 => Walker::Git2,
    };
    for job in &jobs {
        let t0 = std::time::Instant::now();
        let repo_notes = if args.github {
            let raw = job
                .repo
                .commits(job.from.as_ref(), &job.to, job.path.as_deref(), walker)?;
            let numbers: Vec<u64> = raw.iter().filter_map(Classifier::pr_number).collect();
            let mut prs: HashMap<u64, PrInfo> = HashMap::new();
            match &job.slug {
                Some(slug) => {
                    let (found, note) = enrich(args, slug, &numbers)?;
                    prs = found;
                    stderr.push_str(&note);
                }
                None => stderr.push_str(&format!(
                    "warning: {}: unknown GitHub repo, not enriched (name it OWNER/NAME=PATH)\n",
                    job.repo.path.display()
                )),
            }
            let enriched = !prs.is_empty();
            tracks::assemble(job, &raw, &prs, &classifier, enriched)
        } else {
            let none = HashMap::new();
            let mut a = tracks::Assembler::new(job, &classifier, false, !json);
            job.repo.for_each_commit(
                job.from.as_ref(),
                &job.to,
                job.path.as_deref(),
                walker,
                &mut |c| a.push(c, &none),
            )?;
            a.finish()
        };
        tracing::debug!(
            commits = repo_notes.counts.commits,
            elapsed_ms = t0.elapsed().as_millis() as u64,
            "read and classified"
        );
        if repo_notes.counts.unsorted > 0 {
            stderr.push_str(&format!(
                "note: {}: {} unsorted (sort them by hand, or add keyword rules to releases/notes/rules.yaml)\n",
                repo_notes.heading,
                repo_notes.counts.unsorted
            ));
        }
        notes.repos.push(repo_notes);
    }
    for m in &notes.missing_repos {
        stderr.push_str(&format!(
            "note: no --repo for {m}: its changes are not in the notes\n"
        ));
    }
    notes.finish();
    Ok(notes)
}

/// PR details from GitHub (or only the cache with `--offline`), with a summary line for stderr.
fn enrich(
    args: &NotesArgs,
    slug: &str,
    numbers: &[u64],
) -> anyhow::Result<(HashMap<u64, PrInfo>, String)> {
    use crate::forge::BlockingGitHub;
    use crate::forge::github::{self, GitHubConfig};
    use crate::notes::github::{PrCache, enrich};
    let cache_dir = args.cache.clone().or_else(crate::forge::cache::default_dir);
    let cache = PrCache::new(cache_dir.as_deref(), slug);
    let progress = crate::base::progress::NoProgress;
    let (prs, s) = if args.offline {
        enrich(None, &cache, slug, numbers, &progress)?
    } else {
        let gh = BlockingGitHub::new(GitHubConfig {
            api_url: args.github_api.clone(),
            token: github::token_from_env(),
            cache_dir: cache_dir.clone(),
            ..GitHubConfig::default()
        })?;
        enrich(Some(&gh), &cache, slug, numbers, &progress)?
    };
    let mut note = format!(
        "github: {slug}: {} PRs ({} cached, {} fetched in {} {})",
        s.wanted,
        s.from_cache,
        s.fetched,
        s.queries,
        if s.queries == 1 { "query" } else { "queries" }
    );
    if !s.missing.is_empty() {
        let list: Vec<String> = s.missing.iter().take(10).map(|n| format!("#{n}")).collect();
        note.push_str(&format!(
            "; {} {}: {}{}",
            s.missing.len(),
            if args.offline {
                "not in the cache (offline)"
            } else {
                "unknown to GitHub"
            },
            list.join(", "),
            if s.missing.len() > 10 { ", …" } else { "" }
        ));
    }
    note.push('\n');
    Ok((prs, note))
}
