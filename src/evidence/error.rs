//! Errors of the evidence readers. Every message names the file (and line/column where there
//! is one) and says what was expected. No message carries a secret or a value of the input.

use std::path::PathBuf;

use crate::base::yaml::YamlError;

#[derive(Debug, thiserror::Error)]
pub enum EvidenceError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    /// A file or folder that cannot be read.
    #[error("{}: cannot read", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// Not what it must be: not a directory, not a configuration repository, too large.
    #[error("{}: {message}", path.display())]
    Invalid { path: PathBuf, message: String },
    /// A vault (whole file or inline value) that the password does not open.
    #[error("{}:{line}:{column}: cannot decrypt {what}: {reason}", file.display())]
    Vault {
        file: PathBuf,
        line: usize,
        column: usize,
        what: String,
        reason: String,
    },
    #[error("{}: cannot read the vault password file: {message}", path.display())]
    VaultPassword { path: PathBuf, message: String },
    /// A broken line in an INI inventory file.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Inventory {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A facts file that cannot be read as what its name says.
    #[error("{}:{line}:{column}: {message}", file.display())]
    Facts {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
}

impl EvidenceError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EvidenceError::Io {
            path: path.into(),
            source,
        }
    }

    /// A failed bounded read ([`crate::base::limits::read_text`]).
    pub fn read(path: impl Into<PathBuf>, e: crate::base::limits::ReadError) -> Self {
        match e {
            crate::base::limits::ReadError::Io(source) => EvidenceError::io(path, source),
            other => EvidenceError::invalid(path, other.to_string()),
        }
    }

    pub fn invalid(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        EvidenceError::Invalid {
            path: path.into(),
            message: message.into(),
        }
    }
}
