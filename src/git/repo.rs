//! Read-only questions about a local clone (git2).

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("{path} is not a git repository")]
    Open {
        path: String,
        #[source]
        source: git2::Error,
    },
    #[error("git error in {path}")]
    Git {
        path: String,
        #[source]
        source: git2::Error,
    },
}

/// What a tag points to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    pub name: String,
    /// The commit the tag resolves to (annotated tags peeled).
    pub commit: String,
    /// An annotated tag object (rather than a lightweight ref).
    pub annotated: bool,
}

/// A local clone opened read-only.
pub struct LocalRepo {
    repo: Repository,
    path: PathBuf,
}

/// The clone of `owner/repo` under `dir`: `dir/owner/repo`, else `dir/repo`.
pub fn find_clone(dir: &Path, full_name: &str) -> Option<PathBuf> {
    let short = full_name.rsplit('/').next().unwrap_or(full_name);
    [dir.join(full_name), dir.join(short)]
        .into_iter()
        .find(|p| p.join(".git").exists() || p.join("HEAD").is_file())
}

/// The URL of the `origin` remote of the repository at `path`, when it has one.
pub fn origin_url(path: &Path) -> Option<String> {
    let r = Repository::open(path).ok()?;
    let remote = r.find_remote("origin").ok()?;
    remote.url().ok().map(str::to_string)
}

impl LocalRepo {
    pub fn open(path: &Path) -> Result<LocalRepo, GitError> {
        let repo = Repository::open(path).map_err(|source| GitError::Open {
            path: path.display().to_string(),
            source,
        })?;
        Ok(LocalRepo {
            repo,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn err(&self, source: git2::Error) -> GitError {
        GitError::Git {
            path: self.path.display().to_string(),
            source,
        }
    }

    /// The tag `name`, peeled to its commit; `None` when there is no such tag.
    pub fn tag(&self, name: &str) -> Result<Option<TagInfo>, GitError> {
        let r = match self.repo.find_reference(&format!("refs/tags/{name}")) {
            Ok(r) => r,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(self.err(e)),
        };
        let target = r.peel(ObjectType::Any).map_err(|e| self.err(e))?;
        let annotated = self
            .repo
            .find_object(r.target().unwrap_or(target.id()), None)
            .map(|o| o.kind() == Some(ObjectType::Tag))
            .unwrap_or(false);
        let commit = r.peel_to_commit().map_err(|e| self.err(e))?;
        Ok(Some(TagInfo {
            name: name.to_string(),
            commit: commit.id().to_string(),
            annotated,
        }))
    }

    /// The commit a branch points to: local `refs/heads/<b>`, else `refs/remotes/origin/<b>`.
    pub fn branch_head(&self, branch: &str) -> Result<Option<String>, GitError> {
        for name in [
            format!("refs/heads/{branch}"),
            format!("refs/remotes/origin/{branch}"),
        ] {
            match self.repo.find_reference(&name) {
                Ok(r) => {
                    let c = r.peel_to_commit().map_err(|e| self.err(e))?;
                    return Ok(Some(c.id().to_string()));
                }
                Err(e) if e.code() == git2::ErrorCode::NotFound => continue,
                Err(e) => return Err(self.err(e)),
            }
        }
        Ok(None)
    }

    /// Whether a commit (full or abbreviated SHA) exists in the clone.
    pub fn commit_exists(&self, sha: &str) -> bool {
        self.repo
            .revparse_single(sha)
            .and_then(|o| o.peel_to_commit())
            .is_ok()
    }

    /// `Some(true)` when `commit` is the branch head or one of its ancestors; `None` when
    /// the branch or the commit is not in the clone.
    pub fn reachable_from_branch(
        &self,
        commit: &str,
        branch: &str,
    ) -> Result<Option<bool>, GitError> {
        let (Some(head), Ok(c)) = (self.branch_head(branch)?, Oid::from_str(commit)) else {
            return Ok(None);
        };
        let head = Oid::from_str(&head).map_err(|e| self.err(e))?;
        if head == c {
            return Ok(Some(true));
        }
        if self.repo.find_commit(c).is_err() {
            return Ok(None);
        }
        self.repo
            .graph_descendant_of(head, c)
            .map(Some)
            .map_err(|e| self.err(e))
    }

    /// Commits on `branch` that are not reachable from `commit` (drift since a tag);
    /// `None` when the branch or commit is not in the clone.
    pub fn commits_since(&self, commit: &str, branch: &str) -> Result<Option<usize>, GitError> {
        let (Some(head), Ok(c)) = (self.branch_head(branch)?, Oid::from_str(commit)) else {
            return Ok(None);
        };
        if self.repo.find_commit(c).is_err() {
            return Ok(None);
        }
        let head = Oid::from_str(&head).map_err(|e| self.err(e))?;
        let (ahead, _behind) = self
            .repo
            .graph_ahead_behind(head, c)
            .map_err(|e| self.err(e))?;
        Ok(Some(ahead))
    }

    /// Tags whose commit is reachable from `branch`, newest commit first (ties by name).
    pub fn tags_on_branch(&self, branch: &str) -> Result<Vec<TagInfo>, GitError> {
        let Some(head) = self.branch_head(branch)? else {
            return Ok(Vec::new());
        };
        let head = Oid::from_str(&head).map_err(|e| self.err(e))?;
        let names = self.repo.tag_names(None).map_err(|e| self.err(e))?;
        let mut out: Vec<(i64, TagInfo)> = Vec::new();
        for name in names.iter().flatten().flatten() {
            let Some(info) = self.tag(name)? else {
                continue;
            };
            let oid = Oid::from_str(&info.commit).map_err(|e| self.err(e))?;
            let on = oid == head
                || self
                    .repo
                    .graph_descendant_of(head, oid)
                    .map_err(|e| self.err(e))?;
            if on {
                let time = self
                    .repo
                    .find_commit(oid)
                    .map(|c| c.time().seconds())
                    .unwrap_or(0);
                out.push((time, info));
            }
        }
        out.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.name.cmp(&a.1.name)));
        Ok(out.into_iter().map(|(_, t)| t).collect())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use git2::{Signature, Time};

    /// A commit with a fixed date, on `refs/heads/<branch>`.
    pub fn commit(repo: &Repository, branch: &str, msg: &str, n: i64) -> Oid {
        let sig =
            Signature::new("Test", "test@example.org", &Time::new(1_700_000_000 + n, 0)).unwrap();
        let refname = format!("refs/heads/{branch}");
        let parent = repo
            .find_reference(&refname)
            .ok()
            .and_then(|r| r.peel_to_commit().ok());
        let mut index = repo.index().unwrap();
        let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some(&refname), &sig, &sig, msg, &tree, &parents)
            .unwrap()
    }

    #[test]
    fn tags_reachability_and_drift() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let c1 = commit(&repo, "main", "one", 1);
        repo.tag_lightweight("v1", &repo.find_object(c1, None).unwrap(), false)
            .unwrap();
        let c2 = commit(&repo, "main", "two", 2);
        let sig = Signature::new("T", "t@e.org", &Time::new(1_700_000_100, 0)).unwrap();
        repo.tag(
            "v2",
            &repo.find_object(c2, None).unwrap(),
            &sig,
            "v2",
            false,
        )
        .unwrap();
        commit(&repo, "main", "three", 3);
        commit(&repo, "main", "four", 4);
        // a side branch with its own tag
        repo.branch("side", &repo.find_commit(c1).unwrap(), false)
            .unwrap();
        let s = commit(&repo, "side", "side", 5);
        repo.tag_lightweight("side-1", &repo.find_object(s, None).unwrap(), false)
            .unwrap();

        let local = LocalRepo::open(dir.path()).unwrap();
        let v2 = local.tag("v2").unwrap().unwrap();
        assert!(v2.annotated);
        assert_eq!(v2.commit, c2.to_string());
        assert!(!local.tag("v1").unwrap().unwrap().annotated);
        assert_eq!(local.tag("nope").unwrap(), None);
        assert_eq!(
            local.reachable_from_branch(&v2.commit, "main").unwrap(),
            Some(true)
        );
        assert_eq!(
            local.reachable_from_branch(&s.to_string(), "main").unwrap(),
            Some(false)
        );
        assert_eq!(local.commits_since(&v2.commit, "main").unwrap(), Some(2));
        assert_eq!(local.commits_since(&v2.commit, "nobranch").unwrap(), None);
        assert!(local.commit_exists(&c1.to_string()));
        assert!(!local.commit_exists("0123456789012345678901234567890123456789"));
        let names: Vec<String> = local
            .tags_on_branch("main")
            .unwrap()
            .into_iter()
            .map(|t| t.name)
            .collect();
        assert_eq!(names, ["v2", "v1"]);
    }
}
