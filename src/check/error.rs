//! Errors of the check engine and its evidence readers. Every message names the file (and
//! line/column where there is one) and says what was expected. No message carries a secret.

use std::path::PathBuf;

use crate::release::ReleaseError;
use crate::yaml::YamlError;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error(transparent)]
    DataFile(#[from] crate::data::DataError),
    #[error("{}: {message}", path.display())]
    Io { path: PathBuf, message: String },
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
    /// The check catalogue or the path rules in `releases/` are inconsistent.
    #[error("{}: {message}", file.display())]
    Data { file: PathBuf, message: String },
    #[error("{0}")]
    Usage(String),
}

impl CheckError {
    pub fn data(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        CheckError::Data {
            file: file.into(),
            message: message.into(),
        }
    }

    pub fn io(path: impl Into<PathBuf>, e: &std::io::Error) -> Self {
        CheckError::Io {
            path: path.into(),
            message: e.to_string(),
        }
    }
}
