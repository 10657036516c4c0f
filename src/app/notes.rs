//! `notes`: release notes from component history, a JSON context, or a changelog section.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{Context, Error, Outcome};
use crate::git::history::Walker;
use crate::notes::assemble::{self, Assembler};
use crate::notes::classify::{Classifier, PrInfo};
use crate::notes::context::{CONTEXT_KIND, CONTEXT_SCHEMA_VERSION, NotesContext};
use crate::notes::highlights;
use crate::notes::rules::Rules;
use crate::notes::tracks::{self, RepoSpec, Request, Track};
use crate::release::Store;
use crate::render::notes::TemplateSource;
use crate::render::{self, Format};

/// `notes`: which notes, from which repos and ranges, rendered how.
#[derive(Debug, Clone)]
pub struct NotesRequest {
    /// Required unless `from_context` is given.
    pub track: Option<Track>,
    /// The SCS release; required unless `from_context` is given.
    pub release: Option<String>,
    /// `[OWNER/NAME=]PATH` of each checkout.
    pub repos: Vec<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Hand-written highlights (Markdown).
    pub highlights: Option<PathBuf>,
    /// A template replacing the track's.
    pub template: Option<PathBuf>,
    /// A directory with `<track>.md.hbs` and `changelog.md.hbs`.
    pub templates: Option<PathBuf>,
    /// The JSON context instead of the rendered notes.
    pub context: bool,
    /// Render from a context written earlier (no git, no network).
    pub from_context: Option<PathBuf>,
    /// A changelog to insert the notes into as a new section.
    pub prepend: Option<PathBuf>,
    /// Enrich PRs from GitHub.
    pub github: bool,
    /// Only cached GitHub answers.
    pub offline: bool,
    pub github_api: String,
    /// `None`: the user's cache directory.
    pub cache: Option<PathBuf>,
    pub walker: Walker,
}

pub fn run(args: NotesRequest, ctx: &Context) -> Result<Outcome, Error> {
    let format = ctx.format;
    if args.prepend.as_deref() == Some(std::path::Path::new("-")) {
        return Err(Error::Usage(
            "--prepend needs a file: it reads the changelog and writes it back (`-` is not one)"
                .into(),
        ));
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
            Err(e) => return Err(Error::file(changelog, "read", e)),
        };
        let updated = crate::notes::changelog::prepend(&existing, &section)
            .map_err(|e| Error::Invalid(format!("{}: {e}", changelog.display())))?;
        crate::base::fsutil::write_user_file(changelog, updated.as_bytes())
            .map_err(|e| Error::file(changelog, "write", e))?;
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
        render::json_value(&notes)
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

fn read_context(file: &Path) -> Result<NotesContext, Error> {
    let text = std::fs::read_to_string(file).map_err(|e| Error::file(file, "read", e))?;
    let mut notes: NotesContext = serde_json::from_str(&text).map_err(|e| {
        Error::Invalid(format!(
            "{}:{}:{}: not a notes context: {e}",
            file.display(),
            e.line(),
            e.column()
        ))
    })?;
    if notes.kind != CONTEXT_KIND || notes.schema_version != CONTEXT_SCHEMA_VERSION {
        return Err(Error::Invalid(format!(
            "{}: expected kind `{CONTEXT_KIND}` with schema_version {CONTEXT_SCHEMA_VERSION}, found `{}` version {}",
            file.display(),
            notes.kind,
            notes.schema_version
        )));
    }
    for r in &mut notes.repos {
        r.changes.fix_kinds();
    }
    Ok(notes)
}

fn build(
    args: &NotesRequest,
    ctx: &Context,
    json: bool,
    stderr: &mut String,
) -> Result<NotesContext, Error> {
    let track = args
        .track
        .ok_or_else(|| Error::Usage("--track is required".into()))?;
    let release = args
        .release
        .clone()
        .ok_or_else(|| Error::Usage("--release is required".into()))?;
    let store = Store::load(&ctx.data)?;
    let rules = Rules::load(&ctx.data)?;
    let classifier = Classifier::new(rules);
    let (highlights, unknown) = match &args.highlights {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Error::file(p, "read", e))?;
            highlights::highlights_for(track, &text)
        }
        None => highlights::highlights_for(track, ""),
    };
    for u in unknown {
        stderr.push_str(&format!(
            "warning: highlights: section `{u}` matches no section of the SCS notes and is left out (known: {})\n",
            highlights::SCS_SECTIONS.join(", ")
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
    let walker = args.walker;
    let single = jobs.len() == 1;
    for job in &jobs {
        let highlighted = highlights::pr_refs(&notes.highlights, job.slug.as_deref(), single);
        let t0 = std::time::Instant::now();
        let repo_notes = if args.github {
            let raw = job
                .repo
                .commits(job.from.as_ref(), &job.to, job.path.as_deref(), walker)?;
            let mut prs: HashMap<u64, PrInfo> = HashMap::new();
            let mut assoc: HashMap<String, u64> = HashMap::new();
            match &job.slug {
                Some(slug) => {
                    let (found, linked, note) = enrich(args, slug, &raw)?;
                    prs = found;
                    assoc = linked;
                    stderr.push_str(&note);
                }
                None => stderr.push_str(&format!(
                    "warning: {}: unknown GitHub repo, not enriched (name it OWNER/NAME=PATH)\n",
                    job.repo.path.display()
                )),
            }
            let enriched = !prs.is_empty();
            assemble::assemble(job, &raw, &prs, &assoc, &classifier, enriched, highlighted)
        } else {
            let none = HashMap::new();
            let mut a = Assembler::new(job, &classifier, false, !json).highlighted(highlighted);
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
    if track == Track::Scs {
        notes.osism = Some(osism_notes(ctx, &notes.release.version)?);
        let labels = &classifier.rules().known_issue_labels;
        if args.github && !args.offline && !labels.is_empty() {
            notes.known_issues = known_issues(args, &jobs, labels)?;
        }
    }
    notes.finish();
    Ok(notes)
}

/// The GitHub client of `--github`: `--github-api`, the token from the environment or `gh`,
/// the cache directory.
fn github_client(args: &NotesRequest) -> Result<crate::forge::BlockingGitHub, Error> {
    use crate::forge::github::{self, GitHubConfig};
    Ok(crate::forge::BlockingGitHub::new(GitHubConfig {
        api_url: args.github_api.clone(),
        token: github::token(&args.github_api),
        cache_dir: args.cache.clone().or_else(crate::forge::cache::default_dir),
        ..GitHubConfig::default()
    })?)
}

/// Open issues of the KaaS v2 repos labelled as known issues, one query per repo.
fn known_issues(
    args: &NotesRequest,
    jobs: &[tracks::Job],
    labels: &[String],
) -> Result<Vec<crate::notes::context::KnownIssue>, Error> {
    let gh = github_client(args)?;
    let mut out = Vec::new();
    let mut asked: Vec<&str> = Vec::new();
    for job in jobs.iter().filter(|j| j.track == Track::KaasV2) {
        let Some(slug) = job.slug.as_deref() else {
            continue;
        };
        if asked.contains(&slug) {
            continue;
        }
        asked.push(slug);
        let what = format!("known issues of {slug}");
        let repo = slug.rsplit('/').next().unwrap_or(slug).to_string();
        for (number, title, url) in
            gh.labelled_issues(slug, labels, &what, &crate::base::progress::NoProgress)?
        {
            out.push(crate::notes::context::KnownIssue {
                repo: repo.clone(),
                number,
                title,
                url,
            });
        }
    }
    Ok(out)
}

/// The OSISM release's notes as the release data summarises them: the checks of
/// `releases/checks/` whose sources cite that release's "Upgrade notes" or "Known issues"
/// (`OSISM 7.0.0 notes (osism-7.md 'Known issues'): …`), and the link to the major's page.
fn osism_notes(ctx: &Context, version: &str) -> Result<crate::notes::context::OsismNotes, Error> {
    use crate::notes::context::{OsismItem, OsismNotes};
    let major = version.split('.').next().unwrap_or(version);
    let checks = crate::check::catalog::load(&ctx.data)?;
    let cites = |src: &str, section: &str| {
        let release = [
            format!("OSISM {version} notes ("),
            format!("OSISM {major} notes ("),
        ];
        release.iter().any(|r| {
            src.find(r.as_str()).is_some_and(|i| {
                // Only the parenthesis right after the release: `('Upgrade notes', …)`.
                let rest = &src[i + r.len()..];
                let paren = rest.split(')').next().unwrap_or("");
                paren.contains(&format!("'{section}'"))
            })
        })
    };
    let mut out = OsismNotes {
        version: version.to_string(),
        url: format!("https://osism.tech/docs/release-notes/osism-{major}"),
        upgrade_notes: Vec::new(),
        known_issues: Vec::new(),
    };
    for c in &checks {
        let item = || OsismItem {
            id: c.id.clone(),
            title: c.title.clone(),
        };
        if c.sources.iter().any(|s| cites(s, "Known issues")) {
            out.known_issues.push(item());
        } else if c.sources.iter().any(|s| cites(s, "Upgrade notes")) {
            out.upgrade_notes.push(item());
        }
    }
    Ok(out)
}

/// PR details by number, commit → PR links, the summary line.
type Enriched = (HashMap<u64, PrInfo>, HashMap<String, u64>, String);

/// PR details from GitHub (or only the cache with `--offline`) for the PRs the commits name,
/// and the PRs that commits naming none landed with (sha → number), with a summary line for
/// stderr.
fn enrich(
    args: &NotesRequest,
    slug: &str,
    raw: &[crate::git::history::RawCommit],
) -> Result<Enriched, Error> {
    use crate::notes::github::{PrCache, associate, enrich};
    let cache_dir = args.cache.clone().or_else(crate::forge::cache::default_dir);
    let cache = PrCache::new(cache_dir.as_deref(), slug);
    let progress = crate::base::progress::NoProgress;
    // Commits without a PR number (rebased PRs; merges of branches are skipped anyway).
    let bare: Vec<String> = raw
        .iter()
        .filter(|c| c.parents < 2 && Classifier::pr_number(c).is_none())
        .map(|c| c.sha.clone())
        .collect();
    let gh = if args.offline {
        None
    } else {
        Some(github_client(args)?)
    };
    let (assoc, assoc_queries) = associate(gh.as_ref(), &cache, slug, &bare, &progress)?;
    let mut numbers: Vec<u64> = raw.iter().filter_map(Classifier::pr_number).collect();
    numbers.extend(assoc.values().copied());
    let (prs, mut s) = enrich(gh.as_ref(), &cache, slug, &numbers, &progress)?;
    s.queries += assoc_queries;
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
    if !bare.is_empty() {
        note.push_str(&format!(
            "; {} of {} commits without a PR number linked to their PR",
            assoc.len(),
            bare.len()
        ));
    }
    note.push('\n');
    Ok((prs, assoc, note))
}
