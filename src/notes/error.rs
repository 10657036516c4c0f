use std::path::PathBuf;

use crate::base::yaml::YamlError;

/// Errors reading history, rules, contexts and changelogs for release notes.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// Reading history (`git log`, refs) failed.
    #[error(transparent)]
    History(#[from] crate::git::HistoryError),
    #[error("{}: `{from}` is not an ancestor of `{to}`; the range {from}..{to} would list unrelated history", path.display())]
    NotAncestor {
        path: PathBuf,
        from: String,
        to: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
}
