//! `git fetch --tags --prune` through the `git` CLI (credentials and proxies as the operator
//! configured them; git2 is built without network transports).

use std::path::Path;
use std::process::Command;

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("cannot run `git` for {path}: is git installed?")]
    Spawn {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`git fetch --tags --prune` failed in {path}: {stderr}")]
    Failed { path: String, stderr: String },
}

/// Update a clone: `git -C <dir> fetch --tags --prune --quiet` (all remotes' default refspecs).
pub fn fetch(dir: &Path) -> Result<(), FetchError> {
    let path = dir.display().to_string();
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["fetch", "--all", "--tags", "--prune", "--quiet"])
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .map_err(|source| FetchError::Spawn {
            path: path.clone(),
            source,
        })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(FetchError::Failed {
            path,
            stderr: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}
