//! Why a data file or folder cannot be used: the file and the kind of failure.

use std::path::PathBuf;

/// A data file or folder that cannot be used, and why.
#[derive(Debug, thiserror::Error)]
pub struct DataError {
    pub file: PathBuf,
    pub kind: DataErrorKind,
}

#[derive(Debug, thiserror::Error)]
pub enum DataErrorKind {
    #[error("missing data file")]
    Missing,
    #[error("no such directory")]
    MissingFolder,
    #[error(
        "not a data directory: it has no releases/ folder (expected a checkout of scs-release or a copy of its releases/ and templates/)"
    )]
    NotADataDir,
    #[error("not a directory")]
    NotADirectory,
    #[error(transparent)]
    Text(#[from] crate::base::limits::TextError),
    /// Not valid YAML, or not the file's shape (the YAML error names file, line and column).
    #[error(transparent)]
    Yaml(#[from] crate::base::yaml::YamlError),
    #[error("schema_version: {found} is not supported (this tool reads {reads})")]
    Unsupported { found: u32, reads: u32 },
    #[error("cannot read: {0}")]
    Io(std::io::Error),
}

impl std::fmt::Display for DataError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            // A YAML error names the file, line and column itself.
            DataErrorKind::Yaml(e) => write!(f, "{e}"),
            kind => write!(f, "{}: {kind}", self.file.display()),
        }
    }
}
