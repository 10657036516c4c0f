//! Errors of `rc diff`, `rc cut` and `rc promote`.

use std::path::PathBuf;

use crate::release::ReleaseError;

#[derive(Debug, thiserror::Error)]
pub enum RcError {
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error("{}: cannot {what}", path.display())]
    Io {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("{}:{line}: invalid journal entry: {message} (the journal records a tagging run; fix or remove the line, then run again)", path.display())]
    Journal {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("{}:{line}: the journal's plan is incomplete ({why}), and it records steps taken after the plan, so it cannot be resumed safely; check the tags and files it lists, then remove it and run again (the new plan keeps the tags that exist and plans the missing ones)", path.display())]
    JournalIncomplete {
        path: PathBuf,
        line: usize,
        why: String,
    },
    #[error("{}: {what} is missing, but the journal {}:{line} says this run wrote it; restore it (e.g. `git checkout` it) and run again, or remove the journal to start over", path.display(), journal.display())]
    WrittenMissing {
        path: PathBuf,
        what: &'static str,
        journal: PathBuf,
        line: usize,
    },
    #[error("{}: refusing to overwrite {what}; choose another version or remove it first", path.display())]
    Exists { path: PathBuf, what: &'static str },
    #[error("the journal {} belongs to `{journal}`, not to this run (`{this}`); remove it or use the same arguments", path.display())]
    JournalMismatch {
        path: PathBuf,
        /// `rc cut 7.0.0c --from 7.0.0b`
        journal: String,
        this: String,
    },
    #[error(
        "{repo}: tag {tag} already exists on {existing}, but the journal planned it on {planned}; resolve by hand"
    )]
    TagConflict {
        repo: String,
        tag: String,
        existing: String,
        planned: String,
    },
    #[error("{repo}: {message}")]
    TagSource { repo: String, message: String },
    #[error("{repo}")]
    Git {
        repo: String,
        #[source]
        source: crate::git::GitError,
    },
    #[error("{repo}")]
    Forge {
        repo: String,
        #[source]
        source: crate::forge::ForgeError,
    },
    #[error("release {next} already exists in releases/osism/ (from {}); choose another version", path.display())]
    ReleaseExists { next: String, path: PathBuf },
    #[error("{0}")]
    Usage(String),
}
