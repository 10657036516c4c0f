//! On-disk caches under one directory (`--cache DIR`, default `$XDG_CACHE_HOME/scs-release`
//! or `~/.cache/scs-release`):
//!
//! - `etag/<hash>.json`: REST answers with their `ETag`; the next GET sends `If-None-Match`
//!   and a `304 Not Modified` (free of rate limit) reuses the stored body.
//! - `answers/<hash>.json`: the last GraphQL answer per repository query, with the time it
//!   was fetched, for `--offline`.
//!
//! Writes are atomic (temp file + rename); an unreadable entry is treated as absent.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Answer, RepoQuery};

/// The default cache directory.
pub fn default_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("scs-release"));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".cache/scs-release"))
}

/// FNV-1a, 64 bit: stable file names for cache keys.
fn hash(key: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Option<T> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// Temp file + rename, without fsync (a hundred fsyncs would cost more than the scan).
fn write_json<T: Serialize>(path: &Path, value: &T) {
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let write = || -> std::io::Result<()> {
        let text = serde_json::to_string(value).map_err(std::io::Error::other)?;
        crate::base::fsutil::write_in_unsynced(dir, Path::new(name), text.as_bytes())?;
        Ok(())
    };
    if let Err(e) = write() {
        tracing::debug!("cache write {} failed: {e}", path.display());
    }
}

/// A stored REST answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EtagEntry {
    pub url: String,
    pub etag: String,
    pub body: String,
}

/// REST answers by URL path (+query), keyed with their ETag.
#[derive(Debug, Clone)]
pub struct EtagCache {
    dir: Option<PathBuf>,
}

impl EtagCache {
    /// `None` = no cache (nothing stored).
    pub fn new(root: Option<&Path>) -> EtagCache {
        EtagCache {
            dir: root.map(|r| r.join("etag")),
        }
    }

    pub fn get(&self, url: &str) -> Option<EtagEntry> {
        let dir = self.dir.as_ref()?;
        read_json::<EtagEntry>(&dir.join(format!("{}.json", hash(url)))).filter(|e| e.url == url)
    }

    pub fn put(&self, entry: &EtagEntry) {
        if let Some(dir) = &self.dir {
            write_json(&dir.join(format!("{}.json", hash(&entry.url))), entry);
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct StoredAnswer {
    key: String,
    answer: Answer,
}

/// The last answer per repository query, for `--offline`.
#[derive(Debug, Clone)]
pub struct AnswerCache {
    dir: Option<PathBuf>,
}

impl AnswerCache {
    pub fn new(root: Option<&Path>) -> AnswerCache {
        AnswerCache {
            dir: root.map(|r| r.join("answers")),
        }
    }

    fn path(&self, q: &RepoQuery, blockers_key: &str) -> Option<(PathBuf, String)> {
        let key = format!("{}|{blockers_key}", q.key());
        Some((self.dir.as_ref()?.join(format!("{}.json", hash(&key))), key))
    }

    /// The stored answer, marked `cached`.
    pub fn get(&self, q: &RepoQuery, blockers_key: &str) -> Option<Answer> {
        let (path, key) = self.path(q, blockers_key)?;
        let s: StoredAnswer = read_json(&path)?;
        if s.key != key {
            return None;
        }
        Some(Answer {
            cached: true,
            ..s.answer
        })
    }

    pub fn put(&self, q: &RepoQuery, blockers_key: &str, answer: &Answer) {
        if let Some((path, key)) = self.path(q, blockers_key) {
            write_json(
                &path,
                &StoredAnswer {
                    key,
                    answer: Answer {
                        cached: false,
                        ..answer.clone()
                    },
                },
            );
        }
    }
}

/// `--offline`: answers come only from the cache; a query never asked before is
/// [`ForgeError::NotCached`].
pub struct OfflineForge {
    pub cache: AnswerCache,
}

impl super::Forge for OfflineForge {
    fn repo_states(
        &self,
        queries: &[RepoQuery],
        blockers: &super::BlockerQuery,
        progress: &dyn crate::base::progress::Progress,
    ) -> Vec<super::RepoResult> {
        progress.start("cached GitHub answers", queries.len() as u64);
        let key = blockers_key(blockers);
        let out = queries
            .iter()
            .map(|q| {
                self.cache
                    .get(q, &key)
                    .ok_or_else(|| super::ForgeError::NotCached {
                        repo: q.repo.clone(),
                    })
            })
            .collect();
        progress.advance(queries.len() as u64, "cache");
        progress.finish();
        out
    }

    fn stats(&self) -> super::Stats {
        super::Stats::default()
    }
}

/// The part of a cache key that depends on the blocker rules.
pub fn blockers_key(b: &super::BlockerQuery) -> String {
    format!(
        "labels={};milestones={}",
        b.labels.join(","),
        b.milestones.join(",")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_roundtrip_and_collision_safety() {
        let dir = tempfile::tempdir().unwrap();
        let c = EtagCache::new(Some(dir.path()));
        assert!(c.get("/a").is_none());
        c.put(&EtagEntry {
            url: "/a".into(),
            etag: "W/\"1\"".into(),
            body: "[]".into(),
        });
        assert_eq!(c.get("/a").unwrap().etag, "W/\"1\"");
        assert!(c.get("/b").is_none());
        assert!(EtagCache::new(None).get("/a").is_none());
    }
}
