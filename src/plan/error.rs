//! Errors of the upgrade planner.

use std::path::PathBuf;

use crate::base::yaml::YamlError;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error("{}: {message}", file.display())]
    Invalid { file: PathBuf, message: String },
    #[error("{}: dependency cycle between steps: {} (each step is in `after` of the next)", file.display(), cycle.join(" → "))]
    Cycle { file: PathBuf, cycle: Vec<String> },
    #[error("{}: {message}", path.display())]
    Io {
        path: PathBuf,
        message: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Unsupported(String),
}

impl PlanError {
    pub fn invalid(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        PlanError::Invalid {
            file: file.into(),
            message: message.into(),
        }
    }

    pub fn io(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        source: std::io::Error,
    ) -> Self {
        PlanError::Io {
            path: path.into(),
            message: message.into(),
            source,
        }
    }
}
