//! Tags through the GitHub REST API (the forge's client), for repositories without a local
//! clone: the newest ranked tag on a branch (tag list, then compare only for candidates that
//! are not the branch head), a tag's commit, a branch head, and annotated tag creation
//! (`POST git/tags`, then `POST git/refs`). Creating needs a token; it is never printed.

use std::collections::HashMap;
use std::sync::Mutex;

use serde::Deserialize;

use super::error::RcError;
use super::tags::{Tag, TagSource};
use crate::base::progress::NoProgress;
use crate::base::version::Version;
use crate::forge::{ForgeError, GitHub, GitHubConfig};

/// Tags of GitHub repositories.
pub struct GitHubTags {
    rt: tokio::runtime::Runtime,
    gh: GitHub,
    api: String,
    /// Branch heads already asked, per `repo@branch`.
    heads: Mutex<HashMap<String, Option<String>>>,
}

#[derive(Deserialize)]
struct CommitRef {
    sha: String,
}

#[derive(Deserialize)]
struct TagItem {
    name: String,
    commit: CommitRef,
}

#[derive(Deserialize)]
struct Branch {
    commit: CommitRef,
}

#[derive(Deserialize)]
struct GitObject {
    sha: String,
    #[serde(rename = "type")]
    kind: String,
}

#[derive(Deserialize)]
struct GitRef {
    object: GitObject,
}

#[derive(Deserialize)]
struct GitTagObject {
    sha: String,
    #[serde(default)]
    object: Option<GitObject>,
}

#[derive(Deserialize)]
struct Compare {
    status: String,
}

fn is_404(e: &ForgeError) -> bool {
    matches!(
        e,
        ForgeError::Http { status: 404, .. } | ForgeError::NotFound { .. }
    )
}

impl GitHubTags {
    pub fn new(cfg: GitHubConfig) -> Result<GitHubTags, RcError> {
        let api = cfg.api_url.clone();
        let err = |message: String| RcError::TagSource {
            repo: "GitHub".into(),
            message,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| err(format!("cannot start the async runtime: {e}")))?;
        let gh = rt
            .block_on(async { GitHub::new(cfg) })
            .map_err(|e| err(e.to_string()))?;
        Ok(GitHubTags {
            rt,
            gh,
            api,
            heads: Mutex::new(HashMap::new()),
        })
    }

    fn get<T: for<'de> Deserialize<'de>>(
        &self,
        repo: &str,
        path: &str,
    ) -> Result<Option<T>, RcError> {
        match self.rt.block_on(
            self.gh
                .rest_get_json::<T>(&format!("/repos/{repo}{path}"), &NoProgress),
        ) {
            Ok(v) => Ok(Some(v)),
            Err(e) if is_404(&e) => Ok(None),
            Err(e) => Err(forge_err(repo, e)),
        }
    }

    fn post<T: for<'de> Deserialize<'de>>(
        &self,
        repo: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<T, RcError> {
        let what = format!("POST /repos/{repo}{path}");
        let r = self
            .rt
            .block_on(
                self.gh
                    .rest_post(&format!("/repos/{repo}{path}"), &body, &NoProgress),
            )
            .map_err(|e| forge_err(repo, e))?;
        serde_json::from_str(&r.body).map_err(|e| {
            forge_err(
                repo,
                ForgeError::Malformed {
                    what,
                    detail: e.to_string(),
                },
            )
        })
    }
}

fn forge_err(repo: &str, e: ForgeError) -> RcError {
    RcError::TagSource {
        repo: repo.to_string(),
        message: e.to_string(),
    }
}

impl TagSource for GitHubTags {
    fn describe(&self) -> String {
        format!("GitHub at {}", self.api)
    }

    fn has_repo(&self, _repo: &str) -> bool {
        true
    }

    fn newest_on_branch(
        &self,
        repo: &str,
        branch: &str,
        rank: &dyn Fn(&str) -> Option<Version>,
    ) -> Result<Option<Option<(Tag, Version)>>, RcError> {
        let Some(head) = self.branch_head(repo, branch)? else {
            return Ok(None);
        };
        let tags: Vec<TagItem> = self.get(repo, "/tags?per_page=100")?.unwrap_or_default();
        let mut ranked: Vec<(TagItem, Version)> = tags
            .into_iter()
            .filter_map(|t| rank(&t.name).map(|v| (t, v)))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1));
        for (t, v) in ranked {
            let on_branch = t.commit.sha == head || {
                let c: Option<Compare> =
                    self.get(repo, &format!("/compare/{}...{head}", t.commit.sha))?;
                c.is_some_and(|c| c.status == "ahead" || c.status == "identical")
            };
            if on_branch {
                let tag = Tag {
                    name: t.name,
                    commit: t.commit.sha,
                };
                return Ok(Some(Some((tag, v))));
            }
        }
        Ok(Some(None))
    }

    fn tag(&self, repo: &str, name: &str) -> Result<Option<String>, RcError> {
        let Some(r): Option<GitRef> = self.get(repo, &format!("/git/ref/tags/{name}"))? else {
            return Ok(None);
        };
        if r.object.kind != "tag" {
            return Ok(Some(r.object.sha));
        }
        let t: Option<GitTagObject> = self.get(repo, &format!("/git/tags/{}", r.object.sha))?;
        match t.and_then(|t| t.object) {
            Some(o) => Ok(Some(o.sha)),
            None => Err(RcError::TagSource {
                repo: repo.into(),
                message: format!("tag {name}: the tag object does not name a commit"),
            }),
        }
    }

    fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, RcError> {
        let key = format!("{repo}@{branch}");
        if let Some(h) = self.heads.lock().ok().and_then(|m| m.get(&key).cloned()) {
            return Ok(h);
        }
        let b: Option<Branch> = self.get(repo, &format!("/branches/{branch}"))?;
        let head = b.map(|b| b.commit.sha);
        if let Ok(mut m) = self.heads.lock() {
            m.insert(key, head.clone());
        }
        Ok(head)
    }

    fn check_create(&self, repo: &str) -> Result<(), RcError> {
        if self.gh.has_token() {
            Ok(())
        } else {
            Err(RcError::TagSource {
                repo: repo.into(),
                message: "creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN"
                    .into(),
            })
        }
    }

    fn create_tag(
        &mut self,
        repo: &str,
        name: &str,
        commit: &str,
        message: &str,
    ) -> Result<(), RcError> {
        self.check_create(repo)?;
        let obj: GitTagObject = self.post(
            repo,
            "/git/tags",
            serde_json::json!({
                "tag": name,
                "message": message,
                "object": commit,
                "type": "commit",
            }),
        )?;
        let _: GitRef = self.post(
            repo,
            "/git/refs",
            serde_json::json!({ "ref": format!("refs/tags/{name}"), "sha": obj.sha }),
        )?;
        Ok(())
    }

    fn location(&self, repo: &str) -> String {
        format!("{repo} on GitHub")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creating_a_tag_without_a_token_is_refused_before_any_request() {
        let mut gh = GitHubTags::new(GitHubConfig {
            api_url: "http://127.0.0.1:9".into(),
            token: None,
            ..GitHubConfig::default()
        })
        .unwrap();
        let err = gh
            .create_tag("osism/release", "7.0.0c", &"1".repeat(40), "m")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "osism/release: creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN"
        );
    }
}
