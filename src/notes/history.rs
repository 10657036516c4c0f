//! Reading a component repo's history between two refs.
//!
//! Refs are resolved with git2 (tags may contain `=`, several tags may point at one commit);
//! the commits themselves are read with one `git log -z` call by default, which measured
//! faster than a git2 revwalk on large histories (see `scripts/bench-notes.sh`) and supports
//! path filters (cluster-stacks) for free. A git2 walker is kept for comparison (`Walker::Git2`).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::error::NotesError;

/// One commit as read from history: just what classification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommit {
    pub sha: String,
    /// Number of parents (2+ = merge commit).
    pub parents: usize,
    pub author: String,
    /// Author date, ISO 8601.
    pub date: String,
    pub subject: String,
    pub body: String,
}

/// A ref resolved to a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedRef {
    /// The name the user (or the release data) gave: `v7.0.0`, `SCS_RELEASE_1=v2.0.0`.
    pub name: String,
    pub sha: String,
}

/// How commits are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Walker {
    /// One `git log -z` call (default: fastest measured, path filters for free).
    #[default]
    Cli,
    /// A git2 revwalk (no path filter: falls back to the CLI when a path is given).
    Git2,
}

/// An opened component repository (work tree or bare mirror).
pub struct Repo {
    pub path: PathBuf,
    repo: git2::Repository,
}

impl std::fmt::Debug for Repo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Repo").field("path", &self.path).finish()
    }
}

impl Repo {
    pub fn open(path: &Path) -> Result<Repo, NotesError> {
        let repo = git2::Repository::open(path)
            .map_err(|source| NotesError::NotARepo { path: path.to_path_buf(), source })?;
        Ok(Repo { path: path.to_path_buf(), repo })
    }

    /// Resolve a tag (preferred), branch, or commit-ish to a commit.
    pub fn resolve(&self, name: &str) -> Result<ResolvedRef, NotesError> {
        let found = self
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .and_then(|r| r.peel_to_commit())
            .or_else(|_| self.repo.revparse_single(name).and_then(|o| o.peel_to_commit()));
        match found {
            Ok(c) => Ok(ResolvedRef { name: name.to_string(), sha: c.id().to_string() }),
            Err(_) => {
                let tags = self.tag_names();
                Err(NotesError::UnknownRef {
                    path: self.path.clone(),
                    name: name.to_string(),
                    nearest: crate::release::store::nearest_names(name, tags.iter().map(String::as_str)),
                })
            }
        }
    }

    /// All tag names, sorted.
    pub fn tag_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .repo
            .tag_names(None)
            .map(|a| a.iter().flatten().flatten().map(str::to_string).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Whether `path` (a directory or file) exists in the tree of `commit`.
    pub fn has_path(&self, commit: &str, path: &str) -> bool {
        let Ok(oid) = git2::Oid::from_str(commit) else { return false };
        self.repo
            .find_commit(oid)
            .and_then(|c| c.tree())
            .and_then(|t| t.get_path(Path::new(path)))
            .is_ok()
    }

    pub fn is_shallow(&self) -> bool {
        self.repo.is_shallow()
    }

    /// Commits reachable from `to` but not from `from` (first-parent: one entry per landed
    /// change, like the PR list of the default branch), newest first, optionally limited to
    /// commits touching `path`.
    pub fn commits(
        &self,
        from: Option<&ResolvedRef>,
        to: &ResolvedRef,
        path: Option<&str>,
        walker: Walker,
    ) -> Result<Vec<RawCommit>, NotesError> {
        if self.is_shallow() {
            return Err(NotesError::Shallow {
                path: self.path.clone(),
                from: from.map(|f| f.name.clone()).unwrap_or_else(|| "the root".into()),
                to: to.name.clone(),
            });
        }
        match (walker, path) {
            (Walker::Git2, None) => self.commits_git2(from, to),
            _ => self.commits_cli(from, to, path),
        }
    }

    fn commits_cli(&self, from: Option<&ResolvedRef>, to: &ResolvedRef, path: Option<&str>) -> Result<Vec<RawCommit>, NotesError> {
        const FIELDS: usize = 6;
        let mut args: Vec<String> = [
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--first-parent",
            "--no-color",
            "--no-decorate",
            "--format=%H%x00%P%x00%an%x00%aI%x00%s%x00%b",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(to.sha.clone());
        if let Some(f) = from {
            args.push(format!("^{}", f.sha));
        }
        if let Some(p) = path {
            args.push("--".into());
            args.push(p.to_string());
        }
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.path)
            .args(&args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .output()
            .map_err(|e| NotesError::Git {
                path: self.path.clone(),
                args: "log".into(),
                message: format!("cannot run git ({e}); install git or put it on PATH"),
            })?;
        if !out.status.success() {
            return Err(NotesError::Git {
                path: self.path.clone(),
                args: args[2..].join(" "),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        let mut fields: Vec<&[u8]> = out.stdout.split(|b| *b == 0).collect();
        // `-z` separates records with NUL too; drop the trailing empty piece.
        if fields.len() % FIELDS == 1 && fields.last().is_some_and(|f| f.is_empty() || f == b"\n") {
            fields.pop();
        }
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        let mut commits = Vec::with_capacity(fields.len() / FIELDS);
        for rec in fields.chunks_exact(FIELDS) {
            let sha = text(rec[0]);
            commits.push(RawCommit {
                sha: sha.trim_start_matches('\n').to_string(),
                parents: rec[1].split(|b| *b == b' ').filter(|p| !p.is_empty()).count(),
                author: text(rec[2]),
                date: text(rec[3]),
                subject: text(rec[4]),
                body: text(rec[5]).trim_end().to_string(),
            });
        }
        Ok(commits)
    }

    fn commits_git2(&self, from: Option<&ResolvedRef>, to: &ResolvedRef) -> Result<Vec<RawCommit>, NotesError> {
        let err = |e: git2::Error| NotesError::Git { path: self.path.clone(), args: "revwalk".into(), message: e.message().to_string() };
        let mut walk = self.repo.revwalk().map_err(err)?;
        walk.simplify_first_parent().map_err(err)?;
        walk.push(git2::Oid::from_str(&to.sha).map_err(err)?).map_err(err)?;
        if let Some(f) = from {
            walk.hide(git2::Oid::from_str(&f.sha).map_err(err)?).map_err(err)?;
        }
        let mut commits = Vec::new();
        for oid in walk {
            let c = self.repo.find_commit(oid.map_err(err)?).map_err(err)?;
            let message = String::from_utf8_lossy(c.message_bytes());
            let (subject, body) = split_message(&message);
            let author = c.author();
            let when = author.when();
            commits.push(RawCommit {
                sha: c.id().to_string(),
                parents: c.parent_count(),
                author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                date: jiff::Timestamp::from_second(when.seconds()).map(|t| t.to_string()).unwrap_or_default(),
                subject,
                body,
            });
        }
        Ok(commits)
    }
}

/// Split a commit message like git's `%s`/`%b`: the subject is the first paragraph joined
/// with spaces, the body the rest.
pub fn split_message(message: &str) -> (String, String) {
    let message = message.trim_start_matches('\n');
    let (head, rest) = match message.find("\n\n") {
        Some(i) => (&message[..i], &message[i + 2..]),
        None => (message, ""),
    };
    let subject = head.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    (subject, rest.trim_start_matches('\n').trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_message_like_git() {
        assert_eq!(split_message("a\nb\n\nbody\n"), ("a b".to_string(), "body".to_string()));
        assert_eq!(split_message("only"), ("only".to_string(), String::new()));
    }
}
