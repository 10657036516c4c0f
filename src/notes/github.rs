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

    pub fn load(&self) -> BTreeMap<u64, PrInfo> {
        self.file
            .as_ref()
            .and_then(|f| std::fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str::<CacheFile>(&t).ok())
            .map(|c| c.prs)
            .unwrap_or_default()
    }

    /// Store (atomically); a failed write only costs requests next time.
    pub fn store(&self, slug: &str, prs: &BTreeMap<u64, PrInfo>) {
        let Some(f) = &self.file else { return };
        let body = CacheFile {
            repo: slug.to_string(),
            prs: prs.clone(),
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
