//! The blocking facade over the async [`GitHub`] client: one Tokio runtime per facade, and
//! synchronous methods for everything the rest of the crate asks GitHub. Nothing outside
//! `forge/` is async or sees Tokio.
//!
//! - [`Forge::repo_states`]: the batched GraphQL repository-status query of `rc status`.
//! - [`BlockingGitHub::pull_requests`]: one GraphQL query for PR details (`notes --github`).
//! - [`BlockingGitHub::tags`], [`BlockingGitHub::branch_head`],
//!   [`BlockingGitHub::compare_status`], [`BlockingGitHub::tag_ref`],
//!   [`BlockingGitHub::tag_object`], [`BlockingGitHub::create_tag`]: the REST calls of
//!   `rc cut` for repositories without a local clone. A `404` answers `Ok(None)`.
//!
//! The facade must not be built or used from inside an async context (it blocks on its
//! own runtime).

use std::collections::HashMap;

use serde::Deserialize;

use super::dto::{Branch, Compare, GitRef, GitTagObject, PullRequest, RepoTag};
use super::github::{GitHub, GitHubConfig};
use super::{BlockerQuery, Forge, ForgeError, RepoQuery, RepoResult, Stats, graphql};
use crate::base::progress::{NoProgress, Progress};

/// Worker threads of the facade's runtime (the work is waiting on GitHub, not computing).
const WORKERS: usize = 2;

/// GitHub with blocking methods. Owns one runtime and one client (one ETag cache, one
/// rate-limit budget, one set of counters).
pub struct BlockingGitHub {
    // Field order matters: the runtime goes first, then the client it drove.
    rt: tokio::runtime::Runtime,
    gh: GitHub,
}

impl std::fmt::Debug for BlockingGitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BlockingGitHub")
            .field("gh", &self.gh)
            .finish()
    }
}

fn none_on_404<T>(r: Result<T, ForgeError>) -> Result<Option<T>, ForgeError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ForgeError::Http { status: 404, .. } | ForgeError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl BlockingGitHub {
    /// Start the runtime and build the client (no request is sent).
    pub fn new(cfg: GitHubConfig) -> Result<BlockingGitHub, ForgeError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()
            .map_err(|e| ForgeError::Runtime {
                detail: e.to_string(),
            })?;
        let gh = {
            let _inside = rt.enter();
            GitHub::new(cfg)?
        };
        Ok(BlockingGitHub { rt, gh })
    }

    pub fn has_token(&self) -> bool {
        self.gh.has_token()
    }

    pub fn config(&self) -> &GitHubConfig {
        self.gh.config()
    }

    /// Title, author and labels of `numbers` (at most [`graphql::PR_BATCH`]) of `slug`, in
    /// one GraphQL query; numbers GitHub does not know as PRs are absent from the answer.
    /// `what` names the query in errors and rate-limit notes.
    pub fn pull_requests(
        &self,
        slug: &str,
        numbers: &[u64],
        what: &str,
        progress: &dyn Progress,
    ) -> Result<HashMap<u64, PullRequest>, ForgeError> {
        let query = graphql::build_pr_query(slug, numbers);
        let env = self.rt.block_on(self.gh.graphql(&query, what, progress))?;
        Ok(env
            .data
            .as_ref()
            .map(graphql::parse_pr_answer)
            .unwrap_or_default())
    }

    /// Open issues of `slug` labelled with one of `labels`: (number, title, url).
    pub fn labelled_issues(
        &self,
        slug: &str,
        labels: &[String],
        what: &str,
        progress: &dyn Progress,
    ) -> Result<Vec<(u64, String, String)>, ForgeError> {
        let query = graphql::build_labelled_issues_query(slug, labels);
        let env = self.rt.block_on(self.gh.graphql(&query, what, progress))?;
        Ok(env
            .data
            .as_ref()
            .map(graphql::parse_labelled_issues)
            .unwrap_or_default())
    }

    /// The PR each of `shas` (at most [`graphql::PR_BATCH`]) landed with, in one GraphQL query:
    /// sha → (number, PR); commits without one are absent.
    pub fn commit_pull_requests(
        &self,
        slug: &str,
        shas: &[String],
        what: &str,
        progress: &dyn Progress,
    ) -> Result<HashMap<String, (u64, PullRequest)>, ForgeError> {
        let query = graphql::build_commit_pr_query(slug, shas);
        let env = self.rt.block_on(self.gh.graphql(&query, what, progress))?;
        Ok(env
            .data
            .as_ref()
            .map(graphql::parse_commit_pr_answer)
            .unwrap_or_default())
    }

    fn get<T: for<'de> Deserialize<'de>>(
        &self,
        repo: &str,
        path: &str,
    ) -> Result<Option<T>, ForgeError> {
        none_on_404(
            self.rt.block_on(
                self.gh
                    .rest_get_json::<T>(&format!("/repos/{repo}{path}"), &NoProgress),
            ),
        )
    }

    fn post<T: for<'de> Deserialize<'de>>(
        &self,
        repo: &str,
        path: &str,
        body: serde_json::Value,
    ) -> Result<T, ForgeError> {
        let full = format!("/repos/{repo}{path}");
        let r = self
            .rt
            .block_on(self.gh.rest_post(&full, &body, &NoProgress))?;
        serde_json::from_str(&r.body).map_err(|e| ForgeError::Malformed {
            what: format!("POST {full}"),
            detail: e.to_string(),
        })
    }

    /// The first 100 tags of `repo` (`GET /repos/{repo}/tags`); `None` when the repository
    /// is unknown.
    pub fn tags(&self, repo: &str) -> Result<Option<Vec<RepoTag>>, ForgeError> {
        self.get(repo, "/tags?per_page=100")
    }

    /// The commit at the tip of `branch`; `None` when repository or branch is unknown.
    pub fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, ForgeError> {
        let b: Option<Branch> = self.get(repo, &format!("/branches/{branch}"))?;
        Ok(b.map(|b| b.commit.sha))
    }

    /// `base...head` compared (`ahead`, `behind`, `identical`, `diverged`); `None` when
    /// GitHub does not know one of them.
    pub fn compare_status(
        &self,
        repo: &str,
        base: &str,
        head: &str,
    ) -> Result<Option<String>, ForgeError> {
        let c: Option<Compare> = self.get(repo, &format!("/compare/{base}...{head}"))?;
        Ok(c.map(|c| c.status))
    }

    /// The ref `refs/tags/{name}`; `None` when there is no such tag.
    pub fn tag_ref(&self, repo: &str, name: &str) -> Result<Option<GitRef>, ForgeError> {
        self.get(repo, &format!("/git/ref/tags/{name}"))
    }

    /// The annotated tag object `sha`; `None` when there is none.
    pub fn tag_object(&self, repo: &str, sha: &str) -> Result<Option<GitTagObject>, ForgeError> {
        self.get(repo, &format!("/git/tags/{sha}"))
    }

    /// Create the annotated tag `name` on `commit`: `POST git/tags`, then `POST git/refs`
    /// (which fails when the tag exists). A 5xx is not retried (the write may have happened).
    pub fn create_tag(
        &self,
        repo: &str,
        name: &str,
        commit: &str,
        message: &str,
    ) -> Result<(), ForgeError> {
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
}

impl Forge for BlockingGitHub {
    fn repo_states(
        &self,
        queries: &[RepoQuery],
        blockers: &BlockerQuery,
        progress: &dyn Progress,
    ) -> Vec<RepoResult> {
        self.rt
            .block_on(self.gh.repo_states(queries, blockers, progress))
    }

    fn stats(&self) -> Stats {
        self.gh.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_token() {
        let gh = BlockingGitHub::new(GitHubConfig {
            token: Some("ghp_supersecret".into()),
            ..GitHubConfig::default()
        })
        .unwrap();
        assert!(!format!("{gh:?}").contains("supersecret"));
        assert!(gh.has_token());
    }

    #[test]
    fn a_bad_url_is_refused_up_front() {
        let e = BlockingGitHub::new(GitHubConfig {
            api_url: "nope".into(),
            ..GitHubConfig::default()
        })
        .unwrap_err();
        assert!(matches!(e, ForgeError::BadUrl { .. }), "{e}");
    }
}
