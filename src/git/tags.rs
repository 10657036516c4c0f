//! Tags in a local clone, by path: a tag's commit, a branch head, the newest ranked tag on a
//! branch, tags by commit, and annotated tag creation (used by `rc diff`, `rc cut` and
//! `rc cut --tag`). Each function opens the clone itself.

use std::path::Path;

use git2::{ObjectType, Oid, Repository, Signature};

use super::{GitError, LocalRepo, TagInfo};

fn git_err(path: &Path) -> impl Fn(git2::Error) -> GitError + '_ {
    move |source| GitError::Git {
        path: path.display().to_string(),
        source,
    }
}

/// The commit tag `name` resolves to (annotated tags peeled); `None` when there is no such
/// tag.
pub fn tag_commit(path: &Path, name: &str) -> Result<Option<String>, GitError> {
    Ok(LocalRepo::open(path)?.tag(name)?.map(|t| t.commit))
}

/// The commit at the tip of `branch` (local, else `origin/`); `None` when there is none.
pub fn branch_head(path: &Path, branch: &str) -> Result<Option<String>, GitError> {
    LocalRepo::open(path)?.branch_head(branch)
}

/// Whether the commit `sha` (full or abbreviated) is in the clone.
pub fn commit_exists(path: &Path, sha: &str) -> Result<bool, GitError> {
    Ok(LocalRepo::open(path)?.commit_exists(sha))
}

/// The tag reachable from `branch` that `rank` values highest (tags it ranks `None` are
/// ignored). Outer `None`: no such branch in the clone; inner `None`: no ranked tag on it.
pub fn newest_tag_on_branch<K: Ord>(
    path: &Path,
    branch: &str,
    rank: &dyn Fn(&str) -> Option<K>,
) -> Result<Option<Option<(TagInfo, K)>>, GitError> {
    let r = LocalRepo::open(path)?;
    if r.branch_head(branch)?.is_none() {
        return Ok(None);
    }
    let tags = r.tags_on_branch(branch)?;
    Ok(Some(
        tags.into_iter()
            .filter_map(|t| {
                let k = rank(&t.name)?;
                Some((t, k))
            })
            .max_by(|a, b| a.1.cmp(&b.1)),
    ))
}

/// Names of the tags whose commit (annotated tags peeled) is `sha`, sorted.
pub fn tags_at_commit(path: &Path, sha: &str) -> Result<Vec<String>, GitError> {
    let repo = Repository::open(path).map_err(|source| GitError::Open {
        path: path.display().to_string(),
        source,
    })?;
    let target = repo
        .revparse_single(sha)
        .and_then(|o| o.peel_to_commit())
        .map_err(git_err(path))?
        .id();
    let mut out = Vec::new();
    let names = repo.tag_names(None).map_err(git_err(path))?;
    for name in names.iter().flatten().flatten() {
        let Ok(r) = repo.find_reference(&format!("refs/tags/{name}")) else {
            continue;
        };
        if r.peel_to_commit().map(|c| c.id()) == Ok(target) {
            out.push(name.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// Create the annotated tag `name` on `commit`; never moves an existing tag.
/// The tagger comes from the repository's git config (`user.name`/`user.email`), else
/// `scs-release <scs-release@localhost>`.
pub fn create_tag(path: &Path, name: &str, commit: &str, message: &str) -> Result<(), GitError> {
    let repo = Repository::open(path).map_err(|source| GitError::Open {
        path: path.display().to_string(),
        source,
    })?;
    let oid = Oid::from_str(commit).map_err(git_err(path))?;
    let object = repo
        .find_object(oid, Some(ObjectType::Commit))
        .map_err(git_err(path))?;
    let tagger = repo
        .signature()
        .or_else(|_| Signature::now("scs-release", "scs-release@localhost"))
        .map_err(git_err(path))?;
    repo.tag(name, &object, &tagger, message, false)
        .map_err(git_err(path))?;
    Ok(())
}
