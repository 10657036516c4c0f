//! Facts from local clones (`--repos DIR`), optionally updated first (`--fetch`).

use std::path::{Path, PathBuf};

use crate::git::{self, LocalRepo, TagInfo};

/// What a local clone says about one component.
#[derive(Debug, Clone, Default)]
pub struct LocalFacts {
    pub clone: Option<PathBuf>,
    /// Why the clone could not be used.
    pub error: Option<String>,
    /// `Some(None)`: the clone has no such tag.
    pub tag: Option<Option<TagInfo>>,
    pub sha_exists: Option<bool>,
    pub on_branch: Option<bool>,
    pub drift: Option<usize>,
}

/// Ask the clone of `repo` under `dir`.
pub fn facts(
    dir: &Path,
    repo: &str,
    tag: Option<&str>,
    sha: Option<&str>,
    branch: Option<&str>,
) -> LocalFacts {
    let Some(path) = git::find_clone(dir, repo) else {
        return LocalFacts::default();
    };
    let mut f = LocalFacts {
        clone: Some(path.clone()),
        ..LocalFacts::default()
    };
    let r = match LocalRepo::open(&path) {
        Ok(r) => r,
        Err(e) => {
            f.error = Some(e.to_string());
            return f;
        }
    };
    let run = |f: &mut LocalFacts| -> Result<(), git::GitError> {
        let mut commit = None;
        if let Some(t) = tag {
            let info = r.tag(t)?;
            commit = info.as_ref().map(|i| i.commit.clone());
            f.tag = Some(info);
        }
        if let Some(s) = sha {
            let exists = r.commit_exists(s);
            f.sha_exists = Some(exists);
        }
        if let (Some(c), Some(b)) = (commit, branch) {
            f.on_branch = r.reachable_from_branch(&c, b)?;
            f.drift = r.commits_since(&c, b)?;
        }
        Ok(())
    };
    if let Err(e) = run(&mut f) {
        f.error = Some(e.to_string());
    }
    f
}
