//! Tags by commit and tag creation in a local clone (used by `rc diff` and `rc cut --tag`).

use std::path::Path;

use git2::{ObjectType, Oid, Repository, Signature};

use super::GitError;

fn git_err(path: &Path) -> impl Fn(git2::Error) -> GitError + '_ {
    move |source| GitError::Git {
        path: path.display().to_string(),
        source,
    }
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
