//! The forge (GitHub) as the rc commands see it: "what is the state of these repositories
//! at these tags?" answered in few requests.
//!
//! - [`Forge`] is the (synchronous) interface the rc code calls; [`BlockingGitHub`]
//!   implements it: one Tokio runtime driving the async [`github::GitHub`] client (octocrab:
//!   batched GraphQL, REST with an ETag cache, bounded concurrency, rate-limit backoff with a
//!   bounded total wait). [`fake::FakeForge`] is an in-memory fake for unit tests.
//! - Async code stays in this module: callers (`rc`, `notes`) only see blocking methods of
//!   [`BlockingGitHub`] (repository states, PR details for notes, REST tags for `rc cut`).
//! - Every answer carries the time it was fetched; [`cache::AnswerCache`] keeps the last answers
//!   on disk for `--offline`.
//! - Errors are [`ForgeError`]s; a failed request makes the cells it would have answered
//!   *unknown*, never green.

pub mod blocking;
pub mod cache;
pub mod dto;
pub mod error;
pub mod fake;
pub mod github;
pub mod graphql;

use serde::{Deserialize, Serialize};

pub use blocking::BlockingGitHub;
pub use cache::OfflineForge;
pub use error::ForgeError;
pub use github::{GitHub, GitHubConfig};

use crate::base::progress::Progress;

/// What to ask about one repository. Repositories with the same name in one call are merged
/// by the caller (one query per repository and tag).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RepoQuery {
    /// `owner/name`.
    pub repo: String,
    /// Tag to look up (`v0.20240221.0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Commit SHA to look up (for SHA pins).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha: Option<String>,
    /// Branch the tag should be on; drift is counted on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
}

impl RepoQuery {
    /// A stable key for caches.
    pub fn key(&self) -> String {
        format!(
            "{}@tag={};sha={};branch={}",
            self.repo,
            self.tag.as_deref().unwrap_or(""),
            self.sha.as_deref().unwrap_or(""),
            self.branch.as_deref().unwrap_or("")
        )
    }
}

/// Which open PRs/issues count as release blockers (from `releases/rc/tracking.yaml`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockerQuery {
    /// Labels that mark a blocker (`release-blocker`).
    pub labels: Vec<String>,
    /// Milestone titles of the release (`7.0.0b`, `R6`).
    pub milestones: Vec<String>,
}

/// What GitHub said about one repository.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoState {
    pub repo: String,
    pub default_branch: Option<String>,
    /// The asked tag; `None` when the tag does not exist (or none was asked).
    pub tag: Option<TagState>,
    /// The asked SHA; `None` when no such commit exists (or none was asked).
    pub sha: Option<CommitState>,
    /// Head of the asked branch; `None` when it does not exist.
    pub branch_head: Option<String>,
    /// The tag compared with the branch.
    pub comparison: Option<Comparison>,
    /// The GitHub release of the tag.
    pub release: Option<ReleaseState>,
    /// Open PRs/issues with a blocker label or in a release milestone.
    pub blockers: Vec<Blocker>,
    /// More blockers exist than were listed.
    pub blockers_truncated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagState {
    pub name: String,
    /// Annotated tag object (peeled to `commit`).
    pub annotated: bool,
    pub commit: CommitState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitState {
    pub oid: String,
    pub ci: Ci,
}

/// The CI rollup of a commit (GitHub check runs and commit statuses together).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Ci {
    Success,
    /// Failed checks by name (possibly not all, see `more`).
    Failure {
        failed: Vec<String>,
        more: bool,
    },
    Pending,
    /// No check runs and no statuses on the commit.
    NoChecks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareStatus {
    Identical,
    /// The branch has commits the tag lacks (drift).
    Ahead,
    /// The tag has commits the branch lacks (not on the branch).
    Behind,
    Diverged,
}

/// Tag (base) compared with branch (head).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub status: CompareStatus,
    /// Commits on the branch since the tag.
    pub ahead_by: u64,
    /// Commits of the tag that are not on the branch.
    pub behind_by: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseState {
    pub name: Option<String>,
    pub draft: bool,
    pub prerelease: bool,
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BlockerKind {
    PullRequest,
    Issue,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Blocker {
    pub kind: BlockerKind,
    pub number: u64,
    pub title: String,
    pub url: String,
    /// `label release-blocker` or `milestone 7.0.0b`.
    pub why: String,
}

/// One repository's answer with the time it was fetched (from GitHub now, or from the cache).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub state: RepoState,
    pub fetched_at: jiff::Timestamp,
    /// Read from the on-disk cache rather than asked now.
    #[serde(default)]
    pub cached: bool,
}

/// The outcome for one query: an answer or why there is none.
pub type RepoResult = Result<Answer, ForgeError>;

/// Counters of one scan.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Stats {
    /// HTTP requests sent (retries included).
    pub requests: u64,
    pub graphql_queries: u64,
    pub rest_requests: u64,
    /// REST answers served from the ETag cache (304).
    pub not_modified: u64,
    pub retries: u64,
    /// Seconds spent waiting for rate limits.
    pub waited_secs: u64,
    /// The lowest `x-ratelimit-remaining` seen.
    pub rate_remaining: Option<u64>,
}

/// A source of repository states (blocking: implementations that talk to GitHub drive their
/// own runtime, see [`BlockingGitHub`]).
pub trait Forge {
    /// Answer every query, in the order given. Never fails as a whole: each query gets its
    /// own result, so one broken repository leaves the others known.
    fn repo_states(
        &self,
        queries: &[RepoQuery],
        blockers: &BlockerQuery,
        progress: &dyn Progress,
    ) -> Vec<RepoResult>;

    /// Counters so far.
    fn stats(&self) -> Stats;
}
