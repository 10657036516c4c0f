//! Why the prober could not start. Messages name the file and position, the cloud, or the
//! Keystone URL (without its query), and never a password, a secret or a token.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// A clouds.yaml, secure.yaml or endpoints file: `file:line:column: message`.
    #[error(transparent)]
    Yaml(#[from] crate::base::yaml::YamlError),
    #[error("{}: cannot read", file.display())]
    Read {
        file: PathBuf,
        #[source]
        source: crate::base::limits::ReadError,
    },
    #[error(
        "no clouds.yaml found (looked for {}); give --clouds FILE, or --endpoints FILE / --url API=URL to probe without Keystone",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NoCloudsFile { searched: Vec<PathBuf> },
    #[error("{}: no cloud named `{name}`{near} (known: {})", file.display(), known.join(", "))]
    UnknownCloud {
        file: PathBuf,
        name: String,
        known: Vec<String>,
        near: String,
    },
    #[error("{}: say which cloud to probe with --os-cloud NAME or OS_CLOUD (known: {})", file.display(), known.join(", "))]
    NoCloudChosen { file: PathBuf, known: Vec<String> },
    /// Keystone could not be reached or refused the credentials.
    #[error("Keystone at {url}: {message}")]
    Keystone { url: String, message: String },
    /// The service catalog lacks what was asked for.
    #[error("{0}")]
    Catalog(String),
    #[error("{0}")]
    Tls(String),
    #[error("{0}")]
    Usage(String),
}
