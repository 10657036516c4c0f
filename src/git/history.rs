//! Reading a repository's history between two refs (for release notes).
//!
//! Refs are resolved with git2 (tags may contain `=`, several tags may point at one commit);
//! the commits themselves are read with one `git log -z` call by default, which measured
//! faster than a git2 revwalk on large histories (see `scripts/bench-notes.sh`) and supports
//! path filters (cluster-stacks) for free. A git2 walker is kept for comparison (`Walker::Git2`).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why history could not be read. `notes` wraps these (transparently) in its own errors.
#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{}: not a git repository", path.display())]
    NotARepo {
        path: PathBuf,
        #[source]
        source: git2::Error,
    },
    #[error(
        "{}: is a shallow clone, the history between {from} and {to} is incomplete; \
         fetch the full history with `git -C {} fetch --unshallow --tags` \
         (in GitHub Actions: `actions/checkout` with `fetch-depth: 0`)",
        path.display(), path.display()
    )]
    Shallow {
        path: PathBuf,
        from: String,
        to: String,
    },
    #[error(
        "{}: no tag, branch or commit `{name}`: this is a shallow clone without {} (the default \
         of `actions/checkout`); fetch the history and the tags with \
         `git -C {} fetch --unshallow --tags` (in GitHub Actions: `actions/checkout` with \
         `fetch-depth: 0`)",
        path.display(), if *tagless { "tags" } else { "that tag" }, path.display()
    )]
    ShallowRef {
        path: PathBuf,
        name: String,
        /// The clone has no tag at all.
        tagless: bool,
    },
    #[error(
        "{}: no tag, branch or commit `{name}`: the clone has no tags at all; fetch them with \
         `git -C {} fetch --tags`",
        path.display(), path.display()
    )]
    NoTags { path: PathBuf, name: String },
    #[error("{}: no tag, branch or commit `{name}`{}", path.display(), crate::base::suggest::did_you_mean(nearest))]
    UnknownRef {
        path: PathBuf,
        name: String,
        nearest: Vec<String>,
    },
    #[error("{}: running `git {args}` failed: {message}", path.display())]
    Git {
        path: PathBuf,
        args: String,
        message: String,
    },
}

/// One commit as read from history: just what classification needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawCommit {
    pub sha: String,
    /// Number of parents (2+ = merge commit).
    pub parents: usize,
    pub author: String,
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
    pub fn open(path: &Path) -> Result<Repo, HistoryError> {
        let repo = git2::Repository::open(path).map_err(|source| HistoryError::NotARepo {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Repo {
            path: path.to_path_buf(),
            repo,
        })
    }

    /// Resolve a tag (preferred), branch, or commit-ish to a commit.
    pub fn resolve(&self, name: &str) -> Result<ResolvedRef, HistoryError> {
        let found = self
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .and_then(|r| r.peel_to_commit())
            .or_else(|_| {
                self.repo
                    .revparse_single(name)
                    .and_then(|o| o.peel_to_commit())
            });
        match found {
            Ok(c) => Ok(ResolvedRef {
                name: name.to_string(),
                sha: c.id().to_string(),
            }),
            Err(_) => {
                let tags = self.tag_names();
                if self.is_shallow() {
                    return Err(HistoryError::ShallowRef {
                        path: self.path.clone(),
                        name: name.to_string(),
                        tagless: tags.is_empty(),
                    });
                }
                if tags.is_empty() {
                    return Err(HistoryError::NoTags {
                        path: self.path.clone(),
                        name: name.to_string(),
                    });
                }
                Err(HistoryError::UnknownRef {
                    path: self.path.clone(),
                    name: name.to_string(),
                    nearest: crate::base::suggest::nearest_names(
                        name,
                        tags.iter().map(String::as_str),
                    ),
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

    /// The date of a tag as Unix seconds: the tagger's for an annotated tag, else its commit's.
    pub fn tag_time(&self, name: &str) -> Option<i64> {
        let r = self
            .repo
            .find_reference(&format!("refs/tags/{name}"))
            .ok()?;
        if let Ok(tag) = r.peel_to_tag()
            && let Some(t) = tag.tagger()
        {
            return Some(t.when().seconds());
        }
        r.peel_to_commit().ok().map(|c| c.time().seconds())
    }

    /// Whether `path` (a directory or file) exists in the tree of `commit`.
    pub fn has_path(&self, commit: &str, path: &str) -> bool {
        let Ok(oid) = git2::Oid::from_str(commit) else {
            return false;
        };
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
    ) -> Result<Vec<RawCommit>, HistoryError> {
        let mut out = Vec::new();
        self.for_each_commit(from, to, path, walker, &mut |c| out.push(c.clone()))?;
        Ok(out)
    }

    /// Like [`Repo::commits`], handing each commit to `f` as it is read (history is streamed
    /// from `git log`, so classification overlaps with git's own work and bodies are dropped
    /// right after use).
    pub fn for_each_commit(
        &self,
        from: Option<&ResolvedRef>,
        to: &ResolvedRef,
        path: Option<&str>,
        walker: Walker,
        f: &mut dyn FnMut(&RawCommit),
    ) -> Result<(), HistoryError> {
        if self.is_shallow() {
            return Err(HistoryError::Shallow {
                path: self.path.clone(),
                from: from
                    .map(|f| f.name.clone())
                    .unwrap_or_else(|| "the root".into()),
                to: to.name.clone(),
            });
        }
        match (walker, path) {
            (Walker::Git2, None) => self.commits_git2(from, to, f),
            _ => self.commits_cli(from, to, path, f),
        }
    }

    fn commits_cli(
        &self,
        from: Option<&ResolvedRef>,
        to: &ResolvedRef,
        path: Option<&str>,
        f: &mut dyn FnMut(&RawCommit),
    ) -> Result<(), HistoryError> {
        use std::io::BufRead;
        const FIELDS: usize = 5;
        let mut args: Vec<String> = [
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--first-parent",
            "--no-color",
            "--no-decorate",
            "--format=%H%x00%P%x00%an%x00%s%x00%b",
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
        let cannot = |e: std::io::Error| HistoryError::Git {
            path: self.path.clone(),
            args: "log".into(),
            message: format!("cannot run git ({e}); install git or put it on PATH"),
        };
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.path)
            .args(&args)
            .env("GIT_TERMINAL_PROMPT", "0")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .map_err(cannot)?;
        let stdout = child.stdout.take().expect("piped");
        let mut reader = std::io::BufReader::with_capacity(256 * 1024, stdout);
        let mut fields: [Vec<u8>; FIELDS] = Default::default();
        // One commit value whose strings are reused: no allocation per commit for reading.
        let mut commit = RawCommit {
            sha: String::new(),
            parents: 0,
            author: String::new(),
            subject: String::new(),
            body: String::new(),
        };
        let mut i = 0;
        fn set(dst: &mut String, b: &[u8]) {
            dst.clear();
            match std::str::from_utf8(b) {
                Ok(t) => dst.push_str(t),
                Err(_) => dst.push_str(&String::from_utf8_lossy(b)),
            }
        }
        loop {
            let buf = &mut fields[i];
            buf.clear();
            let n = reader.read_until(0, buf).map_err(cannot)?;
            if n == 0 {
                break;
            }
            if buf.last() == Some(&0) {
                buf.pop();
            }
            i += 1;
            if i == FIELDS {
                i = 0;
                let sha = &fields[0];
                set(
                    &mut commit.sha,
                    &sha[sha.iter().take_while(|b| **b == b'\n').count()..],
                );
                commit.parents = fields[1]
                    .split(|b| *b == b' ')
                    .filter(|p| !p.is_empty())
                    .count();
                set(&mut commit.author, &fields[2]);
                set(&mut commit.subject, &fields[3]);
                let body = &fields[4];
                let end = body.len()
                    - body
                        .iter()
                        .rev()
                        .take_while(|b| b.is_ascii_whitespace())
                        .count();
                set(&mut commit.body, &body[..end]);
                f(&commit);
            }
        }
        let out = child.wait_with_output().map_err(cannot)?;
        if !out.status.success() {
            return Err(HistoryError::Git {
                path: self.path.clone(),
                args: args[2..].join(" "),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        }
        Ok(())
    }

    fn commits_git2(
        &self,
        from: Option<&ResolvedRef>,
        to: &ResolvedRef,
        f: &mut dyn FnMut(&RawCommit),
    ) -> Result<(), HistoryError> {
        let err = |e: git2::Error| HistoryError::Git {
            path: self.path.clone(),
            args: "revwalk".into(),
            message: e.message().to_string(),
        };
        let mut walk = self.repo.revwalk().map_err(err)?;
        walk.simplify_first_parent().map_err(err)?;
        walk.push(git2::Oid::from_str(&to.sha).map_err(err)?)
            .map_err(err)?;
        if let Some(f) = from {
            walk.hide(git2::Oid::from_str(&f.sha).map_err(err)?)
                .map_err(err)?;
        }
        for oid in walk {
            let c = self.repo.find_commit(oid.map_err(err)?).map_err(err)?;
            let message = String::from_utf8_lossy(c.message_bytes());
            let (subject, body) = split_message(&message);
            let author = c.author();
            f(&RawCommit {
                sha: c.id().to_string(),
                parents: c.parent_count(),
                author: String::from_utf8_lossy(author.name_bytes()).into_owned(),
                subject,
                body,
            });
        }
        Ok(())
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
    (
        subject,
        rest.trim_start_matches('\n').trim_end().to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_message_like_git() {
        assert_eq!(
            split_message("a\nb\n\nbody\n"),
            ("a b".to_string(), "body".to_string())
        );
        assert_eq!(split_message("only"), ("only".to_string(), String::new()));
    }
}
