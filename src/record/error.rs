//! Why run data could not be read: the file and, for a bad entry, its line and column. A
//! message never repeats a value of the input (a log may hold anything a terminal showed).

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{}: cannot read {what}", file.display())]
    Read {
        file: PathBuf,
        what: &'static str,
        #[source]
        source: crate::base::limits::ReadError,
    },
    #[error("{}:{line}:{column}: {message}", file.display())]
    At {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(transparent)]
    Probe(#[from] crate::probe::log::LogError),
    #[error("{0}")]
    Usage(String),
}

impl RecordError {
    pub fn at(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        RecordError::At {
            file: file.to_path_buf(),
            line,
            column: column.max(1),
            message: message.into(),
        }
    }

    pub fn file(file: &Path, message: impl Into<String>) -> Self {
        RecordError::File {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}
