//! Temp files that a killed `rc cut`/`rc promote --execute` run leaves behind, removed when
//! it is run again.
//!
//! Atomic writes go through a temp file beside the target that is renamed into place; a
//! SIGKILL or power cut before the rename leaves the temp file. Their names:
//!
//! - `.tmpXXXXXX` (six letters or digits): `tempfile`'s default name;
//! - `.scs-release-<random>.tmp`: the name `crate::fsutil` gives its temp files.
//!
//! The osism/release-style folder is built in a temp directory `.<release>.XXXXXX` beside
//! `PATH/<release>/`; a killed run can leave that directory behind as well.
//!
//! Only regular files (and, for the folder, real directories) with exactly those names are
//! removed; symlinks are never followed or removed. Another scs-release writing into the
//! same directory at the same moment would lose its temp file and fail (it can be run
//! again); two runs writing the same release at once are not supported anyway.

use std::path::{Path, PathBuf};

use super::error::RcError;

/// Whether `name` is the name of a temp file of an atomic write.
pub fn is_temp_file_name(name: &str) -> bool {
    let alnum = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric());
    if let Some(rand) = name.strip_prefix(".tmp") {
        return rand.len() == 6 && alnum(rand);
    }
    name.strip_prefix(".scs-release-")
        .and_then(|r| r.strip_suffix(".tmp"))
        .is_some_and(|r| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Whether `name` is the temp directory `folder::write` builds `<release>/` in.
pub fn is_folder_temp_dir_name(name: &str, release: &str) -> bool {
    name.strip_prefix('.')
        .and_then(|r| r.strip_prefix(release))
        .and_then(|r| r.strip_prefix('.'))
        .is_some_and(|r| r.len() == 6 && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> RcError {
    let path = path.to_path_buf();
    move |source| RcError::Io { path, what, source }
}

/// Remove the leftover temp files directly in `dir` (not below it). A missing `dir` has
/// none. Returns the paths removed.
pub fn remove_temp_files(dir: &Path) -> Result<Vec<PathBuf>, RcError> {
    remove(dir, |name, kind| kind.is_file() && is_temp_file_name(name))
}

/// Remove the leftover temp directories of the folder `parent/<release>/`.
pub fn remove_folder_temp_dirs(parent: &Path, release: &str) -> Result<Vec<PathBuf>, RcError> {
    remove(parent, |name, kind| {
        kind.is_dir() && is_folder_temp_dir_name(name, release)
    })
}

fn remove(
    dir: &Path,
    leftover: impl Fn(&str, &std::fs::FileType) -> bool,
) -> Result<Vec<PathBuf>, RcError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(io("list the directory", dir)(source)),
    };
    let mut removed = Vec::new();
    for entry in entries {
        let entry = entry.map_err(io("list the directory", dir))?;
        // `file_type` does not follow symlinks: a link is neither a file nor a directory.
        let (Some(name), Ok(kind)) = (
            entry.file_name().to_str().map(str::to_string),
            entry.file_type(),
        ) else {
            continue;
        };
        if !leftover(&name, &kind) {
            continue;
        }
        let path = entry.path();
        // remove_dir_all does not follow symlinks inside the tree either.
        let done = if kind.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match done {
            Ok(()) => removed.push(path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(io("remove the leftover temp file", &path)(source)),
        }
    }
    removed.sort();
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_are_recognised_and_nothing_else() {
        for yes in [
            ".tmpAb12Z9",
            ".scs-release-x7Yq2.tmp",
            ".scs-release-a-b_c.tmp",
        ] {
            assert!(is_temp_file_name(yes), "{yes}");
        }
        for no in [
            ".tmp",
            ".tmpAb12Z",
            ".tmpAb12Z90",
            ".tmpAb-2Z9",
            "tmpAb12Z9",
            "7.0.0c.yaml",
            ".scs-release-.tmp",
            ".scs-release-x.tmp.yaml",
            ".scs-release-x/y.tmp",
            ".gitkeep",
        ] {
            assert!(!is_temp_file_name(no), "{no}");
        }
        assert!(is_folder_temp_dir_name(".7.0.0c.AbC123", "7.0.0c"));
        assert!(!is_folder_temp_dir_name(".7.0.0c.AbC12", "7.0.0c"));
        assert!(!is_folder_temp_dir_name(".7.0.0d.AbC123", "7.0.0c"));
        assert!(!is_folder_temp_dir_name("7.0.0c", "7.0.0c"));
    }

    #[cfg(unix)]
    #[test]
    fn removes_regular_temp_files_and_folder_temp_dirs_but_never_follows_links() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let outside = tempfile::tempdir().unwrap();
        let precious = outside.path().join(".tmpKEEP01");
        std::fs::write(&precious, "precious").unwrap();
        std::fs::write(d.join(".tmpAb12Z9"), "half").unwrap();
        std::fs::write(d.join(".scs-release-x7Yq2.tmp"), "half").unwrap();
        std::fs::write(d.join("7.0.0c.yaml"), "keep").unwrap();
        std::os::unix::fs::symlink(&precious, d.join(".tmpLINK01")).unwrap();
        std::os::unix::fs::symlink(outside.path(), d.join(".7.0.0c.LINK01")).unwrap();
        std::fs::create_dir(d.join(".tmpDIR001")).unwrap();
        std::fs::create_dir_all(d.join(".7.0.0c.AbC123")).unwrap();
        std::fs::write(d.join(".7.0.0c.AbC123/base.yml"), "half").unwrap();
        std::os::unix::fs::symlink(outside.path(), d.join(".7.0.0c.AbC123/out")).unwrap();

        let mut removed = remove_temp_files(d).unwrap();
        removed.extend(remove_folder_temp_dirs(d, "7.0.0c").unwrap());
        removed.sort();
        let names: Vec<String> = removed
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [".7.0.0c.AbC123", ".scs-release-x7Yq2.tmp", ".tmpAb12Z9"]
        );
        let mut left: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".7.0.0c.LINK01", ".tmpDIR001", ".tmpLINK01", "7.0.0c.yaml"]
        );
        assert_eq!(std::fs::read_to_string(&precious).unwrap(), "precious");
        assert!(remove_temp_files(&d.join("missing")).unwrap().is_empty());
    }
}
