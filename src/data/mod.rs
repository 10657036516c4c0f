//! Where the tool's data (`releases/`, `templates/`) comes from: the copy embedded at build
//! time, or a directory given with `--data DIR` (a checkout of this repository, or a
//! release manager's own fork of the data).

mod error;
mod file;

use std::path::{Path, PathBuf};

pub use error::{DataError, DataErrorKind};
pub use file::{DataFile, parse};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// Read-only access to the data tree.
#[derive(Debug, Clone)]
pub enum DataDir {
    Embedded,
    /// A directory holding `releases/` and `templates/`.
    Dir(PathBuf),
}

impl DataDir {
    /// A data directory named by the user: it must be a directory holding `releases/`.
    pub fn open(root: PathBuf) -> Result<DataDir, DataError> {
        let err = |kind| DataError {
            file: root.clone(),
            kind,
        };
        match std::fs::metadata(&root) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(err(DataErrorKind::NotADirectory)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(err(DataErrorKind::MissingFolder));
            }
            Err(e) => return Err(err(DataErrorKind::Io(e))),
        }
        if !root.join("releases").is_dir() {
            return Err(err(DataErrorKind::NotADataDir));
        }
        Ok(DataDir::Dir(root))
    }

    /// The text of a data file, by path relative to the data root (`releases/scs/R6.yaml`).
    /// A missing, unreadable, binary or non-UTF-8 file is an error naming it.
    pub fn read(&self, rel: &str) -> Result<String, DataError> {
        let err = |kind| DataError {
            file: self.display_path(rel),
            kind,
        };
        match self {
            DataDir::Embedded => embedded::FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| t.to_string())
                .ok_or_else(|| err(DataErrorKind::Missing)),
            DataDir::Dir(root) => match std::fs::read(root.join(rel)) {
                Ok(bytes) => crate::base::limits::text(bytes).map_err(|e| err(e.into())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Err(err(DataErrorKind::Missing))
                }
                Err(e) => Err(err(DataErrorKind::Io(e))),
            },
        }
    }

    /// Files directly or indirectly under `prefix` (`releases/osism`), sorted, relative paths.
    /// A missing folder has no files; an unreadable one is an error naming it.
    pub fn list(&self, prefix: &str) -> Result<Vec<String>, DataError> {
        let prefix = prefix.trim_end_matches('/');
        match self {
            DataDir::Embedded => Ok(embedded::FILES
                .iter()
                .map(|(p, _)| p.to_string())
                .filter(|p| p.starts_with(&format!("{prefix}/")))
                .collect()),
            DataDir::Dir(root) => {
                let dir = root.join(prefix);
                let err = |kind| DataError {
                    file: dir.clone(),
                    kind,
                };
                match std::fs::metadata(&dir) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => return Err(err(DataErrorKind::NotADirectory)),
                    // A data directory may leave out a kind of file; its loader decides
                    // whether none is fine.
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                    Err(e) => return Err(err(DataErrorKind::Io(e))),
                }
                crate::base::glob::walk(&dir)
                    .map(|files| files.into_iter().map(|f| format!("{prefix}/{f}")).collect())
                    .map_err(|e| err(DataErrorKind::Io(e)))
            }
        }
    }

    /// How to name a data file in messages: the real path, or `<embedded>/releases/...`.
    pub fn display_path(&self, rel: &str) -> PathBuf {
        match self {
            DataDir::Embedded => Path::new("<embedded>").join(rel),
            DataDir::Dir(root) => root.join(rel),
        }
    }
}
