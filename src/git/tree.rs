//! Read-only: the files of a tree at a tag, read out of the object database (no checkout, so
//! a bare mirror works and nothing on disk is followed).

use std::path::Path;

use git2::{ObjectType, Repository, TreeWalkMode, TreeWalkResult};

use crate::base::limits::{
    self, GIT_TREE_MAX_BLOB_BYTES, GIT_TREE_MAX_ENTRIES, GIT_TREE_MAX_TOTAL_BYTES,
};

/// A file read from a tree: its path (`all/099-kolla.yml`) and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeFile {
    pub path: String,
    pub text: String,
}

/// An entry of the tree that was not read, and why (a symbolic link, a submodule, a name
/// that is not UTF-8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedEntry {
    pub path: String,
    pub why: String,
}

/// The files of a tree at one tag.
#[derive(Debug, Clone)]
pub struct TreeAtTag {
    pub tag: String,
    /// The commit the tag resolves to (annotated tags peeled).
    pub commit: String,
    /// The files read, in git's tree order.
    pub files: Vec<TreeFile>,
    pub skipped: Vec<SkippedEntry>,
}

#[derive(Debug, thiserror::Error)]
pub enum TreeError {
    #[error("{path} is not a git repository (a clone or a bare mirror)")]
    NotARepo {
        path: String,
        #[source]
        source: git2::Error,
    },
    #[error(
        "{path}: no tag `{tag}`{}",
        crate::base::suggest::did_you_mean(nearest)
    )]
    UnknownTag {
        path: String,
        tag: String,
        nearest: Vec<String>,
    },
    #[error("{path}: tag {tag}: {file}: {why}")]
    File {
        path: String,
        tag: String,
        file: String,
        why: String,
    },
    #[error("{path}: tag {tag}: {why}")]
    TooLarge {
        path: String,
        tag: String,
        why: String,
    },
    #[error("{path} has no commit at HEAD (an empty repository, or HEAD names a missing branch)")]
    NoHead {
        path: String,
        #[source]
        source: git2::Error,
    },
    /// A blob of a commit (`objects`): `at` is the commit or tag as shown (`a4a02260`).
    #[error("{path}: {at}:{file}: {why}")]
    Blob {
        path: String,
        at: String,
        file: String,
        why: String,
    },
    #[error("git error in {path}")]
    Git {
        path: String,
        #[source]
        source: git2::Error,
    },
}

/// Every tag name of the repository at `path`, sorted.
pub fn tag_names(path: &Path) -> Result<Vec<String>, TreeError> {
    let repo = open(path)?;
    let git = git_err(path);
    let mut names: Vec<String> = repo
        .tag_names(None)
        .map_err(git)?
        .iter()
        .flatten()
        .flatten()
        .map(str::to_string)
        .collect();
    names.sort();
    Ok(names)
}

fn open(path: &Path) -> Result<Repository, TreeError> {
    Repository::open(path).map_err(|source| TreeError::NotARepo {
        path: path.display().to_string(),
        source,
    })
}

fn git_err(path: &Path) -> impl Fn(git2::Error) -> TreeError + '_ {
    move |source| TreeError::Git {
        path: path.display().to_string(),
        source,
    }
}

/// The files of the tree at `refs/tags/<tag>` for which `want(path)` is true, read as UTF-8
/// text. Nothing is followed: a symbolic link (mode 120000) or a submodule is listed in
/// [`TreeAtTag::skipped`] and never read, whatever its name. Blobs are sized before they are
/// read: one above [`GIT_TREE_MAX_BLOB_BYTES`], more than [`GIT_TREE_MAX_TOTAL_BYTES`] in all,
/// or a tree of more than [`GIT_TREE_MAX_ENTRIES`] entries is an error naming the limit.
pub fn files_at_tag(
    path: &Path,
    tag: &str,
    want: impl Fn(&str) -> bool,
) -> Result<TreeAtTag, TreeError> {
    let repo = open(path)?;
    let git = git_err(path);
    let unknown = || -> Result<TreeError, TreeError> {
        let names = tag_names(path)?;
        Ok(TreeError::UnknownTag {
            path: path.display().to_string(),
            tag: tag.to_string(),
            nearest: crate::base::suggest::nearest_names(tag, names.iter().map(String::as_str)),
        })
    };
    let reference = match repo.find_reference(&format!("refs/tags/{tag}")) {
        Ok(r) => r,
        Err(e) if e.code() == git2::ErrorCode::NotFound => return Err(unknown()?),
        Err(e) if e.code() == git2::ErrorCode::InvalidSpec => return Err(unknown()?),
        Err(e) => return Err(git(e)),
    };
    let commit = reference.peel_to_commit().map_err(&git)?;
    let tree = commit.tree().map_err(&git)?;

    // Walk the names first (cheap), then read the wanted blobs.
    let mut entries: Vec<(String, git2::Oid)> = Vec::new();
    let mut skipped = Vec::new();
    let mut count = 0usize;
    let mut too_many = false;
    tree.walk(TreeWalkMode::PreOrder, |dir, entry| {
        count += 1;
        if count > GIT_TREE_MAX_ENTRIES {
            too_many = true;
            return TreeWalkResult::Abort;
        }
        let Ok(name) = entry.name() else {
            skipped.push(SkippedEntry {
                path: format!("{dir}{}", String::from_utf8_lossy(entry.name_bytes())),
                why: "the name is not UTF-8".into(),
            });
            return TreeWalkResult::Skip;
        };
        let full = format!("{dir}{name}");
        match entry.kind() {
            Some(ObjectType::Tree) => TreeWalkResult::Ok,
            Some(ObjectType::Blob) if entry.filemode() == 0o120000 => {
                if want(&full) {
                    skipped.push(SkippedEntry {
                        path: full,
                        why: "a symbolic link; not followed".into(),
                    });
                }
                TreeWalkResult::Ok
            }
            Some(ObjectType::Blob) => {
                if want(&full) {
                    entries.push((full, entry.id()));
                }
                TreeWalkResult::Ok
            }
            _ => {
                if want(&full) {
                    skipped.push(SkippedEntry {
                        path: full,
                        why: "a submodule; not read".into(),
                    });
                }
                TreeWalkResult::Ok
            }
        }
    })
    .or_else(|e| if too_many { Ok(()) } else { Err(git(e)) })?;
    if too_many {
        return Err(TreeError::TooLarge {
            path: path.display().to_string(),
            tag: tag.to_string(),
            why: format!(
                "the tree has more than {GIT_TREE_MAX_ENTRIES} entries (the limit for a tree read at a tag)"
            ),
        });
    }

    let odb = repo.odb().map_err(&git)?;
    let mut total: u64 = 0;
    let mut files = Vec::with_capacity(entries.len());
    for (file, oid) in entries {
        let file_err = |why: String| TreeError::File {
            path: path.display().to_string(),
            tag: tag.to_string(),
            file: file.clone(),
            why,
        };
        let (size, _) = odb.read_header(oid).map_err(&git)?;
        let size = size as u64;
        if size > GIT_TREE_MAX_BLOB_BYTES {
            return Err(file_err(format!(
                "the file is larger than {} (the limit for a file read from a tree)",
                limits::human_bytes(GIT_TREE_MAX_BLOB_BYTES)
            )));
        }
        total += size;
        if total > GIT_TREE_MAX_TOTAL_BYTES {
            return Err(TreeError::TooLarge {
                path: path.display().to_string(),
                tag: tag.to_string(),
                why: format!(
                    "the files read add up to more than {} (the limit for one tree)",
                    limits::human_bytes(GIT_TREE_MAX_TOTAL_BYTES)
                ),
            });
        }
        let blob = repo.find_blob(oid).map_err(&git)?;
        let text = limits::text(blob.content().to_vec()).map_err(|e| file_err(e.to_string()))?;
        files.push(TreeFile { path: file, text });
    }
    Ok(TreeAtTag {
        tag: tag.to_string(),
        commit: commit.id().to_string(),
        files,
        skipped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A repository with a file, a nested file, a symlink and a tag, built with git2.
    fn repo_with_link() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init(dir.path()).unwrap();
        let odb = repo.odb().unwrap();
        let a = odb.write(ObjectType::Blob, b"x: 1\n").unwrap();
        let link = odb.write(ObjectType::Blob, b"/etc/passwd").unwrap();
        let mut sub = repo.treebuilder(None).unwrap();
        sub.insert("b.yml", a, 0o100644).unwrap();
        let sub = sub.write().unwrap();
        let mut root = repo.treebuilder(None).unwrap();
        root.insert("a.yml", a, 0o100644).unwrap();
        root.insert("link.yml", link, 0o120000).unwrap();
        root.insert("all", sub, 0o040000).unwrap();
        let tree = repo.find_tree(root.write().unwrap()).unwrap();
        let sig = git2::Signature::new("T", "t@e.org", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let c = repo
            .commit(Some("HEAD"), &sig, &sig, "one", &tree, &[])
            .unwrap();
        repo.tag_lightweight("v1", &repo.find_object(c, None).unwrap(), false)
            .unwrap();
        dir
    }

    #[test]
    fn reads_wanted_blobs_and_never_follows_links() {
        let dir = repo_with_link();
        let t = files_at_tag(dir.path(), "v1", |p| p.ends_with(".yml")).unwrap();
        let paths: Vec<&str> = t.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a.yml", "all/b.yml"]);
        assert_eq!(t.files[0].text, "x: 1\n");
        assert_eq!(
            t.skipped,
            [SkippedEntry {
                path: "link.yml".into(),
                why: "a symbolic link; not followed".into()
            }]
        );
        assert_eq!(t.commit.len(), 40);
        let e = files_at_tag(dir.path(), "v2", |_| true).unwrap_err();
        assert!(
            e.to_string().ends_with("no tag `v2`; did you mean v1?"),
            "{e}"
        );
        let e = files_at_tag(&dir.path().join("all"), "v1", |_| true).unwrap_err();
        assert!(e.to_string().contains("is not a git repository"), "{e}");
    }
}
