//! Tags through the GitHub REST API (the forge's blocking facade,
//! [`crate::forge::BlockingGitHub`]), for repositories without a local clone: the newest
//! ranked tag on a branch (tag list, then compare only for candidates that are not the branch
//! head), a tag's commit, a branch head, and annotated tag creation (`POST git/tags`, then
//! `POST git/refs`). Creating needs a token; it is never printed.

use std::collections::HashMap;
use std::sync::Mutex;

use super::error::RcError;
use super::tags::{Tag, TagSource};
use crate::base::version::Version;
use crate::forge::dto::RepoTag;
use crate::forge::{BlockingGitHub, ForgeError, GitHubConfig};

/// Tags of GitHub repositories.
pub struct GitHubTags {
    gh: BlockingGitHub,
    api: String,
    /// Branch heads already asked, per `repo@branch`.
    heads: Mutex<HashMap<String, Option<String>>>,
}

impl GitHubTags {
    pub fn new(cfg: GitHubConfig) -> Result<GitHubTags, RcError> {
        let api = cfg.api_url.clone();
        let gh = BlockingGitHub::new(cfg).map_err(|source| RcError::Forge {
            repo: "GitHub".into(),
            source,
        })?;
        Ok(GitHubTags {
            gh,
            api,
            heads: Mutex::new(HashMap::new()),
        })
    }
}

fn forge_err(repo: &str) -> impl Fn(ForgeError) -> RcError + '_ {
    move |source| RcError::Forge {
        repo: repo.to_string(),
        source,
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
        let tags: Vec<RepoTag> = self
            .gh
            .tags(repo)
            .map_err(forge_err(repo))?
            .unwrap_or_default();
        let mut ranked: Vec<(RepoTag, Version)> = tags
            .into_iter()
            .filter_map(|t| rank(&t.name).map(|v| (t, v)))
            .collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1));
        for (t, v) in ranked {
            let on_branch = t.commit.sha == head || {
                let status = self
                    .gh
                    .compare_status(repo, &t.commit.sha, &head)
                    .map_err(forge_err(repo))?;
                status.is_some_and(|s| s == "ahead" || s == "identical")
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
        let Some(r) = self.gh.tag_ref(repo, name).map_err(forge_err(repo))? else {
            return Ok(None);
        };
        if r.object.kind != "tag" {
            return Ok(Some(r.object.sha));
        }
        let t = self
            .gh
            .tag_object(repo, &r.object.sha)
            .map_err(forge_err(repo))?;
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
        let head = self.gh.branch_head(repo, branch).map_err(forge_err(repo))?;
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
                message: "creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`"
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
        self.gh
            .create_tag(repo, name, commit, message)
            .map_err(forge_err(repo))
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
            "osism/release: creating a tag on GitHub needs a token: set GITHUB_TOKEN or GH_TOKEN, or log in with `gh auth login`"
        );
    }
}
