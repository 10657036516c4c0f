//! Errors of the check engine. Every message names the file (and
//! line/column where there is one) and says what was expected. No message carries a secret.

use std::path::PathBuf;

use crate::base::yaml::YamlError;
use crate::release::ReleaseError;

#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Release(#[from] ReleaseError),
    #[error(transparent)]
    DataFile(#[from] crate::data::DataError),
    #[error(transparent)]
    Evidence(#[from] crate::evidence::EvidenceError),
    /// The check catalogue or the path rules in `releases/` are inconsistent.
    #[error("{}: {message}", file.display())]
    Data { file: PathBuf, message: String },
}

impl CheckError {
    pub fn data(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        CheckError::Data {
            file: file.into(),
            message: message.into(),
        }
    }
}
