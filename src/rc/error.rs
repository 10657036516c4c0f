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
    #[error("release {next} already exists in releases/osism/ (from {}); choose another version", path.display())]
    ReleaseExists { next: String, path: PathBuf },
    #[error("{0}")]
    Usage(String),
}
