use std::path::PathBuf;

use crate::base::yaml::YamlError;

/// Errors reading or finding release data.
#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error(transparent)]
    Yaml(#[from] YamlError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// Reading a tree at a tag (`releases import-defaults`).
    #[error(transparent)]
    Tree(#[from] crate::git::tree::TreeError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: not an osism/release checkout: {why}", path.display())]
    NotACheckout { path: PathBuf, why: String },
    #[error("{}: no folder `{version}` (nor `archive/{version}`) with a base.yml{}", root.display(), crate::base::suggest::did_you_mean(nearest))]
    UnknownOsismFolder {
        root: PathBuf,
        version: String,
        nearest: Vec<String>,
    },
    #[error("{}: several {prefix}-*.yml ({}) and no {prefix}.yml link saying which one is active; choose one with --{prefix} NAME", dir.display(), candidates.join(", "))]
    AmbiguousVariant {
        dir: PathBuf,
        prefix: String,
        candidates: Vec<String>,
    },
    #[error(
        "unknown release `{name}`{}",
        crate::base::suggest::did_you_mean(nearest)
    )]
    UnknownRelease { name: String, nearest: Vec<String> },
    #[error(
        "release {version} has no pins in releases/osism/ (import them with `scs-release releases import --osism PATH --version {version}`)"
    )]
    NoPins { version: String },
    /// Something in a tree read out of git (`a4a02260:9.5.0/ceph.yml`, `releases sync`).
    #[error("{path}: {why}")]
    InGit { path: String, why: String },
    /// Importing one folder of a clone failed (`releases sync`): which clone and folder.
    #[error("{}: folder {folder}", repo.display())]
    SyncFolder {
        repo: PathBuf,
        folder: String,
        #[source]
        source: Box<ReleaseError>,
    },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
    #[error("{}: a link to {target}, outside the osism/release checkout {}; refusing to read it (copy the file into the checkout instead)", link.display(), root.display())]
    LinkOutside {
        link: PathBuf,
        target: String,
        root: PathBuf,
    },
}

impl ReleaseError {
    pub fn invalid(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        ReleaseError::Invalid {
            file: file.into(),
            message: message.into(),
        }
    }
}
