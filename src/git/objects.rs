//! Read-only: the folders and files of any commit, read out of the object database of a
//! clone or bare mirror (no checkout, so the working tree never matters and nothing on disk is
//! followed), and the commit on HEAD's first-parent history that gave a folder its present
//! content ([`Objects::last_changes`]).

use std::path::{Path, PathBuf};

use git2::{ObjectType, Oid, Repository};

use super::tree::TreeError;
use crate::base::limits::{self, GIT_TREE_MAX_BLOB_BYTES};

/// A repository opened to read trees and blobs.
pub struct Objects {
    repo: Repository,
    path: PathBuf,
}

/// What an entry of a folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    /// A symbolic link (mode 120000): its blob is the target's name, never followed here.
    Link,
    Folder,
    /// A submodule.
    Other,
}

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
}

/// Where a folder got its present content: the commit, and the folder's path there (the
/// folder may have moved since without a change); and when the folder first appeared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub commit: String,
    pub path: String,
    /// The oldest commit of the unbroken run (from HEAD) whose tree holds the folder at all,
    /// whatever its content: the commit that added it.
    pub added: String,
    /// That commit's committer date, in its own time zone (`2024-03-19`).
    pub added_on: Option<jiff::civil::Date>,
}

impl Objects {
    pub fn open(path: &Path) -> Result<Objects, TreeError> {
        let repo = Repository::open(path).map_err(|source| TreeError::NotARepo {
            path: path.display().to_string(),
            source,
        })?;
        Ok(Objects {
            repo,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn git(&self, source: git2::Error) -> TreeError {
        TreeError::Git {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn commit(&self, id: &str) -> Result<git2::Commit<'_>, TreeError> {
        let oid = Oid::from_str(id).map_err(|e| self.git(e))?;
        self.repo.find_commit(oid).map_err(|e| self.git(e))
    }

    /// The commit HEAD points to (in a bare mirror: its default branch).
    pub fn head(&self) -> Result<String, TreeError> {
        let head = self
            .repo
            .head()
            .and_then(|h| h.peel_to_commit())
            .map_err(|source| TreeError::NoHead {
                path: self.path.display().to_string(),
                source,
            })?;
        Ok(head.id().to_string())
    }

    /// The commit tag `name` points to (annotated tags peeled); `None` when there is no such
    /// tag (or the name cannot be one).
    pub fn tag(&self, name: &str) -> Result<Option<String>, TreeError> {
        match self.repo.find_reference(&format!("refs/tags/{name}")) {
            Ok(r) => Ok(Some(
                r.peel_to_commit()
                    .map_err(|e| self.git(e))?
                    .id()
                    .to_string(),
            )),
            Err(e)
                if matches!(
                    e.code(),
                    git2::ErrorCode::NotFound | git2::ErrorCode::InvalidSpec
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(self.git(e)),
        }
    }

    /// The tree of folder `dir` (`""`: the root) of `commit`, or `None` when there is none.
    fn tree(&self, commit: &str, dir: &str) -> Result<Option<git2::Tree<'_>>, TreeError> {
        let root = self.commit(commit)?.tree().map_err(|e| self.git(e))?;
        if dir.is_empty() {
            return Ok(Some(root));
        }
        let Ok(entry) = root.get_path(Path::new(dir)) else {
            return Ok(None);
        };
        if entry.kind() != Some(ObjectType::Tree) {
            return Ok(None);
        }
        Ok(Some(
            self.repo.find_tree(entry.id()).map_err(|e| self.git(e))?,
        ))
    }

    /// The entries of folder `dir` (`""`: the root) of `commit` in git's order, or `None`
    /// when the commit has no such folder. Names that are not UTF-8 are left out.
    pub fn folder(&self, commit: &str, dir: &str) -> Result<Option<Vec<Entry>>, TreeError> {
        let Some(tree) = self.tree(commit, dir)? else {
            return Ok(None);
        };
        Ok(Some(
            tree.iter()
                .filter_map(|e| {
                    let name = e.name().ok()?.to_string();
                    let kind = match e.kind() {
                        Some(ObjectType::Tree) => EntryKind::Folder,
                        Some(ObjectType::Blob) if e.filemode() == 0o120000 => EntryKind::Link,
                        Some(ObjectType::Blob) => EntryKind::File,
                        _ => EntryKind::Other,
                    };
                    Some(Entry { name, kind })
                })
                .collect(),
        ))
    }

    /// The text of the blob at `path` of `commit` (for a link: the target's name, as
    /// written), or `None` when there is no blob there. A blob above
    /// [`GIT_TREE_MAX_BLOB_BYTES`] or one that is not UTF-8 text is an error naming it as
    /// `<at>:<path>`.
    pub fn text(&self, commit: &str, path: &str, at: &str) -> Result<Option<String>, TreeError> {
        let root = self.commit(commit)?.tree().map_err(|e| self.git(e))?;
        let Ok(entry) = root.get_path(Path::new(path)) else {
            return Ok(None);
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        let err = |why: String| TreeError::Blob {
            path: self.path.display().to_string(),
            at: at.to_string(),
            file: path.to_string(),
            why,
        };
        let odb = self.repo.odb().map_err(|e| self.git(e))?;
        let (size, _) = odb.read_header(entry.id()).map_err(|e| self.git(e))?;
        if size as u64 > GIT_TREE_MAX_BLOB_BYTES {
            return Err(err(format!(
                "the file is larger than {} (the limit for a file read from a tree)",
                limits::human_bytes(GIT_TREE_MAX_BLOB_BYTES)
            )));
        }
        let blob = self.repo.find_blob(entry.id()).map_err(|e| self.git(e))?;
        limits::text(blob.content().to_vec())
            .map(Some)
            .map_err(|e| err(e.to_string()))
    }

    /// For each folder of HEAD, the commit where it got its present content: walking HEAD's
    /// first-parent history back, the oldest commit of the unbroken run of commits (from
    /// HEAD) whose tree holds that same folder. A move without a change (`7.0.0c` →
    /// `archive/7.0.0c`) does not end the run: where the parent lacks the folder at its
    /// path, the paths `moved_from(path)` names are tried for the same content. A folder
    /// missing from HEAD is an error.
    pub fn last_changes(
        &self,
        folders: &[String],
        moved_from: impl Fn(&str) -> Vec<String>,
    ) -> Result<Vec<Change>, TreeError> {
        struct State {
            path: String,
            id: Oid,
            commit: Oid,
            done: bool,
            /// Where the folder is in the commit `added` (content may differ).
            seen_at: String,
            added: Oid,
            gone: bool,
        }
        let head = self.commit(&self.head()?)?;
        let head_tree = head.tree().map_err(|e| self.git(e))?;
        let mut states = Vec::with_capacity(folders.len());
        for f in folders {
            let entry = head_tree.get_path(Path::new(f)).map_err(|e| self.git(e))?;
            states.push(State {
                path: f.clone(),
                id: entry.id(),
                commit: head.id(),
                done: false,
                seen_at: f.clone(),
                added: head.id(),
                gone: false,
            });
        }
        let mut added_on = std::collections::HashMap::new();
        added_on.insert(head.id(), date_of(&head));
        let mut current = head;
        while states.iter().any(|s| !s.gone) {
            let Ok(parent) = current.parent(0) else {
                break;
            };
            let tree = parent.tree().map_err(|e| self.git(e))?;
            let holds =
                |path: &str, id: Oid| tree.get_path(Path::new(path)).is_ok_and(|e| e.id() == id);
            let exists = |path: &str| tree.get_path(Path::new(path)).is_ok();
            let mut used = false;
            for s in states.iter_mut().filter(|s| !s.gone) {
                if !s.done {
                    if holds(&s.path, s.id) {
                        s.commit = parent.id();
                    } else if let Some(p) = moved_from(&s.path).into_iter().find(|p| holds(p, s.id))
                    {
                        s.path = p;
                        s.commit = parent.id();
                    } else {
                        s.done = true;
                    }
                }
                let here = if exists(&s.seen_at) {
                    Some(s.seen_at.clone())
                } else {
                    moved_from(&s.seen_at).into_iter().find(|p| exists(p))
                };
                match here {
                    Some(p) => {
                        s.seen_at = p;
                        s.added = parent.id();
                        used = true;
                    }
                    None => s.gone = true,
                }
            }
            if used {
                added_on.insert(parent.id(), date_of(&parent));
            }
            current = parent;
        }
        Ok(states
            .into_iter()
            .map(|s| Change {
                commit: s.commit.to_string(),
                path: s.path,
                added: s.added.to_string(),
                added_on: added_on.get(&s.added).copied().flatten(),
            })
            .collect())
    }
}

/// A commit's committer date in its own time zone.
fn date_of(c: &git2::Commit) -> Option<jiff::civil::Date> {
    let t = c.time();
    let offset = jiff::tz::Offset::from_seconds(t.offset_minutes() * 60).ok()?;
    let ts = jiff::Timestamp::from_second(t.seconds()).ok()?;
    Some(offset.to_datetime(ts).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Commits with fixed dates on `refs/heads/main`, each a full tree from `files`
    /// (`path` → text; a text starting with `->` is a link).
    fn commit(repo: &Repository, files: &[(&str, &str)], n: i64) -> Oid {
        let mut index = git2::Index::new().unwrap();
        for (path, text) in files {
            let (mode, body) = match text.strip_prefix("->") {
                Some(t) => (0o120000, t),
                None => (0o100644, *text),
            };
            let id = repo.blob(body.as_bytes()).unwrap();
            let entry = git2::IndexEntry {
                ctime: git2::IndexTime::new(0, 0),
                mtime: git2::IndexTime::new(0, 0),
                dev: 0,
                ino: 0,
                mode,
                uid: 0,
                gid: 0,
                file_size: body.len() as u32,
                id,
                flags: 0,
                flags_extended: 0,
                path: path.as_bytes().to_vec(),
            };
            index.add(&entry).unwrap();
        }
        let tree = repo.find_tree(index.write_tree_to(repo).unwrap()).unwrap();
        let sig =
            git2::Signature::new("T", "t@e.org", &git2::Time::new(1_700_000_000 + n, 0)).unwrap();
        let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        repo.commit(Some("HEAD"), &sig, &sig, "c", &tree, &parents)
            .unwrap()
    }

    #[test]
    fn the_commit_that_gave_a_folder_its_content_follows_moves() {
        let dir = tempfile::tempdir().unwrap();
        let repo = Repository::init_bare(dir.path()).unwrap();
        let c1 = commit(&repo, &[("1.0.0/base.yml", "a: 1\n"), ("x", "1")], 1);
        let c2 = commit(
            &repo,
            &[
                ("1.0.0/base.yml", "a: 2\n"),
                ("2.0.0/base.yml", "b\n"),
                ("x", "2"),
            ],
            2,
        );
        let _c3 = commit(
            &repo,
            &[
                ("archive/1.0.0/base.yml", "a: 2\n"),
                ("2.0.0/base.yml", "b\n"),
                ("2.0.0/ceph.yml", "->ceph-reef.yml"),
                ("x", "3"),
            ],
            3,
        );
        let o = Objects::open(dir.path()).unwrap();
        let moved = |p: &str| match p.strip_prefix("archive/") {
            Some(name) => vec![name.to_string()],
            None => vec![format!("archive/{p}")],
        };
        let head = o.head().unwrap();
        let changes = o
            .last_changes(&["archive/1.0.0".into(), "2.0.0".into()], moved)
            .unwrap();
        assert_eq!(
            changes,
            [
                // content from c2, at its path of then; the folder was added in c1
                Change {
                    commit: c2.to_string(),
                    path: "1.0.0".into(),
                    added: c1.to_string(),
                    added_on: Some(jiff::civil::date(2023, 11, 14)),
                },
                // the link was added at HEAD; the folder in c2
                Change {
                    commit: head.clone(),
                    path: "2.0.0".into(),
                    added: c2.to_string(),
                    added_on: Some(jiff::civil::date(2023, 11, 14)),
                },
            ]
        );
        let names: Vec<(String, EntryKind)> = o
            .folder(&head, "2.0.0")
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|e| (e.name, e.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("base.yml".to_string(), EntryKind::File),
                ("ceph.yml".to_string(), EntryKind::Link)
            ]
        );
        assert_eq!(
            o.text(&head, "2.0.0/ceph.yml", "h").unwrap().as_deref(),
            Some("ceph-reef.yml")
        );
        assert_eq!(
            o.text(&c1.to_string(), "1.0.0/base.yml", "h")
                .unwrap()
                .as_deref(),
            Some("a: 1\n")
        );
        assert_eq!(o.folder(&head, "nope").unwrap(), None);
        assert_eq!(o.tag("v1").unwrap(), None);
        let e = Objects::open(&dir.path().join("nothing")).err().unwrap();
        assert!(e.to_string().contains("is not a git repository"), "{e}");
    }
}
