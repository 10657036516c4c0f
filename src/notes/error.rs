use std::path::PathBuf;

use crate::base::yaml::YamlError;

/// Errors reading history, rules, contexts and changelogs for release notes.
#[derive(Debug, thiserror::Error)]
pub enum NotesError {
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
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
    #[error("{}: no tag, branch or commit `{name}`{}", path.display(), hint(nearest))]
    UnknownRef {
        path: PathBuf,
        name: String,
        nearest: Vec<String>,
    },
    #[error("{}: `{from}` is not an ancestor of `{to}`; the range {from}..{to} would list unrelated history", path.display())]
    NotAncestor {
        path: PathBuf,
        from: String,
        to: String,
    },
    #[error("{}: running `git {args}` failed: {message}", path.display())]
    Git {
        path: PathBuf,
        args: String,
        message: String,
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

pub(crate) fn hint(nearest: &[String]) -> String {
    if nearest.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", nearest.join(", "))
    }
}
