//! Shapes of GitHub answers the callers of [`super::blocking::BlockingGitHub`] see: PR
//! details for release notes and the REST tag, branch, ref and compare objects of `rc cut`
//! (only the fields we read).

use serde::Deserialize;

/// What GitHub says about one pull request (`notes --github`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullRequest {
    pub title: Option<String>,
    pub labels: Vec<String>,
    pub author: Option<String>,
}

/// `{"sha": …}` inside tag and branch answers.
#[derive(Debug, Clone, Deserialize)]
pub struct CommitRef {
    pub sha: String,
}

/// One entry of `GET /repos/{repo}/tags`.
#[derive(Debug, Clone, Deserialize)]
pub struct RepoTag {
    pub name: String,
    pub commit: CommitRef,
}

/// `GET /repos/{repo}/branches/{branch}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Branch {
    pub commit: CommitRef,
}

/// The object a git ref or tag object points to.
#[derive(Debug, Clone, Deserialize)]
pub struct GitObject {
    pub sha: String,
    /// `commit` or `tag`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// `GET /repos/{repo}/git/ref/tags/{name}`, `POST /repos/{repo}/git/refs`.
#[derive(Debug, Clone, Deserialize)]
pub struct GitRef {
    pub object: GitObject,
}

/// `GET /repos/{repo}/git/tags/{sha}`, `POST /repos/{repo}/git/tags`.
#[derive(Debug, Clone, Deserialize)]
pub struct GitTagObject {
    pub sha: String,
    #[serde(default)]
    pub object: Option<GitObject>,
}

/// `GET /repos/{repo}/compare/{base}...{head}`.
#[derive(Debug, Clone, Deserialize)]
pub struct Compare {
    /// `ahead`, `behind`, `identical`, `diverged`.
    pub status: String,
}
