//! The one error every command returns: each subsystem's own error, kept whole (its
//! `source()` chain is what the `error: …` line shows), plus the few failures that belong to
//! the use cases themselves (usage, files the user named, a message with context).

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    #[error(transparent)]
    Yaml(#[from] crate::base::yaml::YamlError),
    #[error(transparent)]
    Release(#[from] crate::release::ReleaseError),
    /// Boxed: a refusal carries the whole hop it refused.
    #[error(transparent)]
    Path(Box<crate::release::path::PathRefusal>),
    #[error(transparent)]
    Evidence(#[from] crate::evidence::EvidenceError),
    #[error(transparent)]
    Check(#[from] crate::check::CheckError),
    #[error(transparent)]
    Plan(#[from] crate::plan::PlanError),
    #[error(transparent)]
    Rc(#[from] crate::rc::RcError),
    #[error(transparent)]
    Record(#[from] crate::record::RecordError),
    #[error(transparent)]
    Notes(#[from] crate::notes::NotesError),
    #[error(transparent)]
    History(#[from] crate::git::HistoryError),
    #[error(transparent)]
    Forge(#[from] crate::forge::ForgeError),
    #[error(transparent)]
    Template(#[from] crate::render::template::TemplateError),
    #[error(transparent)]
    Read(#[from] crate::base::limits::ReadError),
    #[error(transparent)]
    Probe(#[from] crate::probe::ProbeError),
    /// A file the user named (`--site`, `--log`, `--highlights`, `--prepend`, …).
    #[error("{}: cannot {what}", path.display())]
    File {
        path: PathBuf,
        what: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Arguments that do not fit together, or that the data does not allow.
    #[error("{0}")]
    Usage(String),
    /// Input that was read but says something the command cannot work with.
    #[error("{0}")]
    Invalid(String),
    /// What was being done when `source` failed.
    #[error("{context}")]
    Context {
        context: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<crate::release::path::PathRefusal> for Error {
    fn from(e: crate::release::path::PathRefusal) -> Error {
        Error::Path(Box::new(e))
    }
}

impl Error {
    /// The process exit code of a failed command: always 3, "the tool itself failed" (the
    /// README's table); the verdicts 1 and 2 are reports, not errors.
    pub fn exit_code(&self) -> u8 {
        crate::TOOL_FAILURE
    }

    /// A file the user named could not be read or written.
    pub fn file(
        path: impl Into<PathBuf>,
        what: &'static str,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::File {
            path: path.into(),
            what,
            source: source.into(),
        }
    }
}

/// `.context(…)`: say what was being done when an error happened.
pub trait ResultExt<T> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T, Error>;
}

impl<T, E: std::error::Error + Send + Sync + 'static> ResultExt<T> for Result<T, E> {
    fn context(self, context: impl FnOnce() -> String) -> Result<T, Error> {
        self.map_err(|e| Error::Context {
            context: context(),
            source: Box::new(e),
        })
    }
}
