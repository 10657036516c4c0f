//! Where the tool's data (`releases/`, `templates/`) comes from: the copy embedded at build
//! time, or a directory given with `--data DIR` (a checkout of this repository, or a
//! release manager's own fork of the data).

use std::path::{Path, PathBuf};

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
    /// The text of a data file, by path relative to the data root (`releases/scs/R6.yaml`).
    pub fn read(&self, rel: &str) -> Option<String> {
        match self {
            DataDir::Embedded => embedded::FILES
                .iter()
                .find(|(p, _)| *p == rel)
                .map(|(_, t)| t.to_string()),
            DataDir::Dir(root) => std::fs::read_to_string(root.join(rel)).ok(),
        }
    }

    /// Files directly or indirectly under `prefix` (`releases/osism`), sorted, relative paths.
    pub fn list(&self, prefix: &str) -> Vec<String> {
        let prefix = prefix.trim_end_matches('/');
        match self {
            DataDir::Embedded => embedded::FILES
                .iter()
                .map(|(p, _)| p.to_string())
                .filter(|p| p.starts_with(&format!("{prefix}/")))
                .collect(),
            // A missing folder simply has no files.
            DataDir::Dir(root) => crate::glob::walk(&root.join(prefix))
                .map(|files| files.into_iter().map(|f| format!("{prefix}/{f}")).collect())
                .unwrap_or_default(),
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
