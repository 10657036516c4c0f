//! Where `rc cut` learns about tags and creates them: local clones (through [`crate::git`])
//! or, through the forge, GitHub. A [`TagSource`] answers `None` when it has no evidence for a repository
//! (no clone): the caller reports that as unknown, never as "no tags".

use std::path::{Path, PathBuf};

use crate::git::{self, find_clone};

use super::error::RcError;
use crate::base::version::Version;

/// A tag and the commit it resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub name: String,
    pub commit: String,
}

/// Read and create tags of `owner/repo` repositories.
pub trait TagSource {
    /// Human description for reports (`local clones in /src`).
    fn describe(&self) -> String;
    /// Whether this source knows the repository at all (a clone exists).
    fn has_repo(&self, repo: &str) -> bool;
    /// The tag reachable from `branch` that `rank` values highest (tags it ranks `None` are
    /// ignored). Outer `None`: repository or branch unknown here (no evidence); inner
    /// `None`: no such tag on the branch.
    fn newest_on_branch(
        &self,
        repo: &str,
        branch: &str,
        rank: &dyn Fn(&str) -> Option<Version>,
    ) -> Result<Option<Option<(Tag, Version)>>, RcError>;
    /// The commit of tag `name`; `Ok(None)` when the tag does not exist.
    fn tag(&self, repo: &str, name: &str) -> Result<Option<String>, RcError>;
    /// The commit at the tip of `branch`; `None` when repository or branch is unknown here.
    fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, RcError>;
    /// Create tag `name` on `commit`. Fails if the tag exists.
    fn create_tag(
        &mut self,
        repo: &str,
        name: &str,
        commit: &str,
        message: &str,
    ) -> Result<(), RcError>;
    /// Whether [`TagSource::create_tag`] can work for `repo` (e.g. a token is set), checked
    /// before a run starts so it does not stop half-way for a reason known up front.
    fn check_create(&self, _repo: &str) -> Result<(), RcError> {
        Ok(())
    }
    /// Where a created tag lives, for the report (`/src/release (push it: git push origin 7.0.0c)`).
    fn location(&self, repo: &str) -> String;
}

/// Tags in local clones under one directory (`--repos DIR`).
pub struct LocalTags {
    pub dir: PathBuf,
}

impl LocalTags {
    pub fn new(dir: &Path) -> LocalTags {
        LocalTags {
            dir: dir.to_path_buf(),
        }
    }

    fn no_clone(&self, repo: &str) -> RcError {
        RcError::TagSource {
            repo: repo.to_string(),
            message: format!("no clone under {}", self.dir.display()),
        }
    }
}

fn git_err(repo: &str, source: git::GitError) -> RcError {
    RcError::Git {
        repo: repo.to_string(),
        source,
    }
}

impl TagSource for LocalTags {
    fn describe(&self) -> String {
        format!("local clones in {}", self.dir.display())
    }

    fn has_repo(&self, repo: &str) -> bool {
        find_clone(&self.dir, repo).is_some()
    }

    fn newest_on_branch(
        &self,
        repo: &str,
        branch: &str,
        rank: &dyn Fn(&str) -> Option<Version>,
    ) -> Result<Option<Option<(Tag, Version)>>, RcError> {
        let Some(path) = find_clone(&self.dir, repo) else {
            return Ok(None);
        };
        let newest =
            git::newest_tag_on_branch(&path, branch, rank).map_err(|e| git_err(repo, e))?;
        Ok(newest.map(|found| {
            found.map(|(t, v)| {
                let tag = Tag {
                    name: t.name,
                    commit: t.commit,
                };
                (tag, v)
            })
        }))
    }

    fn tag(&self, repo: &str, name: &str) -> Result<Option<String>, RcError> {
        let Some(path) = find_clone(&self.dir, repo) else {
            return Err(self.no_clone(repo));
        };
        git::tag_commit(&path, name).map_err(|e| git_err(repo, e))
    }

    fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, RcError> {
        let Some(path) = find_clone(&self.dir, repo) else {
            return Ok(None);
        };
        git::branch_head(&path, branch).map_err(|e| git_err(repo, e))
    }

    fn create_tag(
        &mut self,
        repo: &str,
        name: &str,
        commit: &str,
        message: &str,
    ) -> Result<(), RcError> {
        let Some(path) = find_clone(&self.dir, repo) else {
            return Err(self.no_clone(repo));
        };
        git::create_tag(&path, name, commit, message).map_err(|e| git_err(repo, e))
    }

    fn location(&self, repo: &str) -> String {
        find_clone(&self.dir, repo)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| repo.to_string())
    }
}

/// What the tags at a commit are, in a local clone.
#[derive(Debug)]
pub enum TagsAt {
    NoClone,
    NoCommit,
    Failed(String),
    Tags(Vec<String>),
}

/// Tags pointing at `sha` in the clone of `repo` under `dir`.
pub fn tags_at_commit(dir: &Path, repo: &str, sha: &str) -> TagsAt {
    let Some(path) = find_clone(dir, repo) else {
        return TagsAt::NoClone;
    };
    match git::commit_exists(&path, sha) {
        Ok(false) => TagsAt::NoCommit,
        Ok(true) => match git::tags_at_commit(&path, sha) {
            Ok(t) => TagsAt::Tags(t),
            Err(e) => TagsAt::Failed(crate::base::error_text::chain(&git_err(repo, e))),
        },
        Err(e) => TagsAt::Failed(crate::base::error_text::chain(&git_err(repo, e))),
    }
}

/// Local clones first, then (for repositories without a clone) GitHub.
pub struct Chain {
    pub sources: Vec<Box<dyn TagSource>>,
}

impl Chain {
    fn pick(&self, repo: &str) -> Option<&dyn TagSource> {
        self.sources
            .iter()
            .find(|s| s.has_repo(repo))
            .map(|s| s.as_ref())
    }
}

impl TagSource for Chain {
    fn describe(&self) -> String {
        self.sources
            .iter()
            .map(|s| s.describe())
            .collect::<Vec<_>>()
            .join(", then ")
    }

    fn has_repo(&self, repo: &str) -> bool {
        self.pick(repo).is_some()
    }

    fn newest_on_branch(
        &self,
        repo: &str,
        branch: &str,
        rank: &dyn Fn(&str) -> Option<Version>,
    ) -> Result<Option<Option<(Tag, Version)>>, RcError> {
        match self.pick(repo) {
            Some(s) => s.newest_on_branch(repo, branch, rank),
            None => Ok(None),
        }
    }

    fn tag(&self, repo: &str, name: &str) -> Result<Option<String>, RcError> {
        match self.pick(repo) {
            Some(s) => s.tag(repo, name),
            None => Err(RcError::TagSource {
                repo: repo.into(),
                message: "no clone and no GitHub access".into(),
            }),
        }
    }

    fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, RcError> {
        match self.pick(repo) {
            Some(s) => s.branch_head(repo, branch),
            None => Ok(None),
        }
    }

    fn create_tag(
        &mut self,
        repo: &str,
        name: &str,
        commit: &str,
        message: &str,
    ) -> Result<(), RcError> {
        match self.sources.iter_mut().find(|s| s.has_repo(repo)) {
            Some(s) => s.create_tag(repo, name, commit, message),
            None => Err(RcError::TagSource {
                repo: repo.into(),
                message: "no clone and no GitHub access".into(),
            }),
        }
    }

    fn check_create(&self, repo: &str) -> Result<(), RcError> {
        match self.pick(repo) {
            Some(s) => s.check_create(repo),
            None => Err(RcError::TagSource {
                repo: repo.into(),
                message: "no clone and no GitHub access".into(),
            }),
        }
    }

    fn location(&self, repo: &str) -> String {
        self.pick(repo)
            .map(|s| s.location(repo))
            .unwrap_or_else(|| repo.to_string())
    }
}
