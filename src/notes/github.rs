//! GitHub enrichment for release notes (`notes --github`): PR title, labels and author for
//! the PRs of the range only, in batched GraphQL queries (≤ 50 PRs each) through
//! [`crate::forge::github::GitHub`] (token from GITHUB_TOKEN/GH_TOKEN, rate limits waited out
//! within a bounded budget). Answers are cached on disk per repository
//! (`<cache>/notes-prs/<owner>+<name>.json`); `--offline` reads only that cache.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::classify::PrInfo;
use crate::base::progress::Progress;
use crate::forge::ForgeError;
use crate::forge::github::GitHub;

/// PRs per GraphQL query.
pub const BATCH: usize = 50;
/// Labels read per PR.
const LABELS: usize = 20;

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

/// One query for up to [`BATCH`] PRs of `slug`.
pub fn build_query(slug: &str, numbers: &[u64]) -> String {
    let (owner, name) = slug.split_once('/').unwrap_or((slug, ""));
    let mut q = format!(
        "query {{ repository(owner: {}, name: {}) {{",
        json_str(owner),
        json_str(name)
    );
    for n in numbers {
        q.push_str(&format!(
            " p{n}: pullRequest(number: {n}) {{ number title author {{ login }} labels(first: {LABELS}) {{ nodes {{ name }} }} }}"
        ));
    }
    q.push_str(" } rateLimit { remaining resetAt } }");
    q
}

fn json_str(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// The PRs in a query's `data`.
pub fn parse_answer(data: &serde_json::Map<String, serde_json::Value>) -> HashMap<u64, PrInfo> {
    let mut out = HashMap::new();
    let Some(repo) = data.get("repository").and_then(|r| r.as_object()) else {
        return out;
    };
    for v in repo.values() {
        let Some(n) = v.get("number").and_then(|n| n.as_u64()) else {
            continue;
        };
        out.insert(
            n,
            PrInfo {
                title: v.get("title").and_then(|t| t.as_str()).map(str::to_string),
                labels: v
                    .pointer("/labels/nodes")
                    .and_then(|l| l.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|l| {
                                l.get("name").and_then(|n| n.as_str()).map(str::to_string)
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                author: v
                    .pointer("/author/login")
                    .and_then(|a| a.as_str())
                    .map(str::to_string),
            },
        );
    }
    out
}

/// PR details for `numbers` of `slug`: cached ones from disk, the rest from GitHub (unless
/// `gh` is `None`, i.e. `--offline`).
pub async fn enrich(
    gh: Option<&GitHub>,
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
        let env = gh
            .graphql(&build_query(slug, batch), &what, progress)
            .await?;
        summary.queries += 1;
        let found = env.data.as_ref().map(parse_answer).unwrap_or_default();
        for n in batch {
            match found.get(n) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_aliases_each_pr() {
        let q = build_query("SovereignCloudStack/csctl", &[1, 22]);
        assert!(q.contains(r#"repository(owner: "SovereignCloudStack", name: "csctl")"#));
        assert!(q.contains("p1: pullRequest(number: 1)"));
        assert!(q.contains("p22: pullRequest(number: 22)"));
    }

    #[test]
    fn answer_with_a_missing_pr() {
        let data: serde_json::Value = serde_json::json!({"repository": {
            "p1": {"number": 1, "title": "T", "author": {"login": "a"}, "labels": {"nodes": [{"name": "bug"}]}},
            "p2": null
        }});
        let prs = parse_answer(data.as_object().unwrap());
        assert_eq!(prs.len(), 1);
        assert_eq!(
            prs[&1],
            PrInfo {
                title: Some("T".into()),
                labels: vec!["bug".into()],
                author: Some("a".into())
            }
        );
    }
}
