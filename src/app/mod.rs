//! One use case per command: a request in, an [`Outcome`] out (the report rendered in the
//! asked format, and the exit code). Sees every layer below, so the schema registry of all
//! data files lives here too. `cli` turns arguments into requests; nothing here knows clap.

pub mod error;
pub mod notes;
pub mod output_schema;
pub mod plan;
pub mod plan_site;
pub mod probe;
pub mod rc;
pub mod releases;
pub mod schema;
pub mod upgrade;
pub mod validate;

pub use error::Error;

use crate::data::DataDir;
use crate::render::Format;

/// What a command produced: text for stdout (or for the `-O` file) and the exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    /// Where `stdout` goes instead of standard output (`-O FILE`).
    pub file: Option<std::path::PathBuf>,
    /// Notes for stderr (warnings, progress summaries); never secrets.
    pub stderr: String,
    pub exit: i32,
}

impl Outcome {
    pub fn ok(stdout: String) -> Outcome {
        Outcome {
            stdout,
            ..Outcome::default()
        }
    }
}

/// Shared context of every command.
pub struct Context {
    pub data: DataDir,
    pub format: Format,
}
