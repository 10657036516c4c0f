//! GitHub enrichment for release notes (`notes --github`): PR title, labels and author for
//! the PRs of the range only, in batched GraphQL queries (≤ 50 PRs each) through the forge's
//! blocking facade [`crate::forge::BlockingGitHub`] (token from GITHUB_TOKEN/GH_TOKEN, rate
//! limits waited out within a bounded budget). Answers are cached on disk per repository
//! (`<cache>/notes-prs/<owner>+<name>.json`); `--offline` reads only that cache.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::classify::PrInfo;
use crate::base::progress::Progress;
use crate::forge::dto::PullRequest;
use crate::forge::{BlockingGitHub, ForgeError};

/// PRs per GraphQL query.
pub const BATCH: usize = crate::forge::graphql::PR_BATCH;

/// What enrichment did, for the command's summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub wanted: usize,
    pub from_cache: usize,
    pub fetched: usize,
    pub queries: usize,
    /// PR numbers GitHub does not know as PRs (or, offline, not in the cache).
    pub missing: Vec<u64>,
}

/// The on-disk cache of PR answers of one repository.
#[derive(Debug, Clone)]
pub struct PrCache {
    file: Option<PathBuf>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CacheFile {
    repo: String,
    prs: BTreeMap<u64, PrInfo>,
    /// Commits without a PR number in their message → the PR they landed with (0: none).
    #[serde(default)]
    commits: BTreeMap<String, u64>,
}

impl PrCache {
    pub fn new(root: Option<&Path>, slug: &str) -> PrCache {
        PrCache {
            file: root.map(|r| {
                r.join("notes-prs")
                    .join(format!("{}.json", slug.replace('/', "+")))
            }),
        }
    }

    fn file(&self) -> CacheFile {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<CacheFile>(&t).ok())
            .unwrap_or_default()
    }

    pub fn load(&self) -> BTreeMap<u64, PrInfo> {
        self.file().prs
    }

    /// Commit → PR associations known from earlier runs (0: the commit has none).
    pub fn load_commits(&self) -> BTreeMap<String, u64> {
        self.file().commits
    }

    /// Store (atomically); a failed write only costs requests next time.
    pub fn store(&self, slug: &str, prs: &BTreeMap<u64, PrInfo>) {
        let commits = self.load_commits();
        self.store_all(slug, prs, &commits);
    }

    fn store_all(&self, slug: &str, prs: &BTreeMap<u64, PrInfo>, commits: &BTreeMap<String, u64>) {
        let Some(f) = &self.file else { return };
        let body = CacheFile {
            repo: slug.to_string(),
            prs: prs.clone(),
            commits: commits.clone(),
        };
        if let Ok(text) = serde_json::to_string(&body)
            && let Err(e) = crate::base::fsutil::write_data_file(
                f,
                text.as_bytes(),
                crate::base::fsutil::Overwrite::Replace,
            )
        {
            tracing::debug!("cache write {} failed: {e}", f.display());
        }
    }
}

impl From<PullRequest> for PrInfo {
    fn from(p: PullRequest) -> PrInfo {
        PrInfo {
            title: p.title,
            labels: p.labels,
            author: p.author,
        }
    }
}

/// PR details for `numbers` of `slug`: cached ones from disk, the rest from GitHub (unless
/// `gh` is `None`, i.e. `--offline`).
pub fn enrich(
    gh: Option<&BlockingGitHub>,
    cache: &PrCache,
    slug: &str,
    numbers: &[u64],
    progress: &dyn Progress,
) -> Result<(HashMap<u64, PrInfo>, Summary), ForgeError> {
    let mut wanted: Vec<u64> = numbers.to_vec();
    wanted.sort_unstable();
    wanted.dedup();
    let mut cached = cache.load();
    let mut summary = Summary {
        wanted: wanted.len(),
        ..Summary::default()
    };
    let mut out = HashMap::new();
    let mut todo = Vec::new();
    for n in &wanted {
        match cached.get(n) {
            Some(p) => {
                out.insert(*n, p.clone());
                summary.from_cache += 1;
            }
            None => todo.push(*n),
        }
    }
    let Some(gh) = gh else {
        summary.missing = todo;
        return Ok((out, summary));
    };
    progress.start("GitHub pull requests", todo.len() as u64);
    for (i, batch) in todo.chunks(BATCH).enumerate() {
        let what = format!("pull requests of {slug} (batch {})", i + 1);
        let mut found = gh.pull_requests(slug, batch, &what, progress)?;
        summary.queries += 1;
        for n in batch {
            match found.remove(n).map(PrInfo::from) {
                Some(p) => {
                    cached.insert(*n, p.clone());
                    out.insert(*n, p.clone());
                    summary.fetched += 1;
                }
                None => summary.missing.push(*n),
            }
        }
        progress.advance(batch.len() as u64, &what);
    }
    if summary.fetched > 0 {
        cache.store(slug, &cached);
    }
    Ok((out, summary))
}

/// The PRs that commits without a PR number in their message landed with (rebased or
/// fast-forwarded PRs): sha → PR number, cached like the PRs (`--offline`: cache only). The
/// PRs found are added to the PR cache, so [`enrich`] answers them without a query.
pub fn associate(
    gh: Option<&BlockingGitHub>,
    cache: &PrCache,
    slug: &str,
    shas: &[String],
    progress: &dyn Progress,
) -> Result<(HashMap<String, u64>, usize), ForgeError> {
    let mut known = cache.load_commits();
    let mut out = HashMap::new();
    let mut todo = Vec::new();
    for sha in shas {
        match known.get(sha) {
            Some(0) => {}
            Some(n) => {
                out.insert(sha.clone(), *n);
            }
            None => todo.push(sha.clone()),
        }
    }
    let Some(gh) = gh else {
        return Ok((out, 0));
    };
    if todo.is_empty() {
        return Ok((out, 0));
    }
    let mut prs = cache.load();
    let mut queries = 0;
    for (i, batch) in todo.chunks(BATCH).enumerate() {
        let what = format!("pull requests of commits of {slug} (batch {})", i + 1);
        let found = gh.commit_pull_requests(slug, batch, &what, progress)?;
        queries += 1;
        for sha in batch {
            match found.get(sha) {
                Some((n, p)) => {
                    known.insert(sha.clone(), *n);
                    prs.insert(*n, PrInfo::from(p.clone()));
                    out.insert(sha.clone(), *n);
                }
                None => {
                    known.insert(sha.clone(), 0);
                }
            }
        }
    }
    cache.store_all(slug, &prs, &known);
    Ok((out, queries))
}
