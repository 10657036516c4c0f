//! Every file the tool writes goes through here. There are two kinds of path:
//!
//! - **Paths the user names** (`-O FILE`, `--prepend FILE`): [`write_user_file`] writes
//!   *through* them, the way a shell redirection would, but atomically where it can. A
//!   device, FIFO or socket gets the bytes written into it (`-O /dev/null` stays a device);
//!   a symbolic link is followed and its target replaced; an existing file keeps its mode
//!   and owner; a file with several hard links, or one whose owner this process cannot give
//!   to a new file, is rewritten in place so that every link and the owner stay. `-` is
//!   standard output: callers turn it into [`Output::Stdout`] with [`Output::parse`].
//! - **Paths inside a folder the tool keeps** (`releases/`, the journal, a history or cache
//!   directory, an osism/release folder): [`write_in`] takes the folder and a relative path,
//!   refuses `..`, absolute paths, symbolic links and special files anywhere below the
//!   folder, and writes atomically (temp file, fsync, rename). The folder itself is named by
//!   the user and may be a link.
//!
//! Temp files are `.scs-release-*.tmp` beside the target; [`remove_stale_temps`] clears the
//! ones a killed run left behind.

use std::io::{self, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Component, Path, PathBuf};

/// Prefix and suffix of the temp files of atomic writes.
pub const TEMP_PREFIX: &str = ".scs-release-";
pub const TEMP_SUFFIX: &str = ".tmp";

/// How many symbolic links [`write_user_file`] follows before it gives up (as the kernel's
/// `ELOOP` limit).
const MAX_LINKS: usize = 40;

/// Whether an existing file may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overwrite {
    Replace,
    /// Fail with `AlreadyExists` when the file is there.
    Never,
}

/// Where a command's output goes: standard output or a file the user named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `-` is standard output, as for most command-line tools.
    pub fn parse(path: &Path) -> Output {
        if path == Path::new("-") {
            Output::Stdout
        } else {
            Output::File(path.to_path_buf())
        }
    }
}

/// Write `contents` through a path the user named (see the module docs). Returns the path
/// that was written (the link target for a symbolic link).
pub fn write_user_file(path: &Path, contents: &[u8]) -> io::Result<PathBuf> {
    let target = resolve_links(path)?;
    match std::fs::metadata(&target) {
        // Several hard links would be split by a rename: write in place.
        Ok(m) if m.is_file() && m.nlink() > 1 => write_in_place(&target, contents)?,
        Ok(m) if m.is_file() => {
            // A file of an owner this process cannot give a new file: write it in place.
            let how = How {
                owner_or_nothing: true,
                ..How::USER
            };
            if !replace_atomically(&target, contents, Some(&m), how)? {
                write_in_place(&target, contents)?;
            }
        }
        Ok(m) if m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        // A device, FIFO or socket: write into it, never replace it.
        Ok(_) => write_in_place(&target, contents)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            replace_atomically(&target, contents, None, How::USER)?;
        }
        Err(e) => return Err(e),
    }
    Ok(target)
}

/// Open a path the user named for a log written line by line while a command runs
/// (`upgrade probe --log FILE`): a new file is created (`0666` less the umask); an existing
/// regular file is refused with `AlreadyExists` unless `append`, then appended to; a link is
/// followed; a device or FIFO is written into; a directory is refused.
pub fn open_user_log(path: &Path, append: bool) -> io::Result<std::fs::File> {
    let target = resolve_links(path)?;
    let mut options = std::fs::OpenOptions::new();
    match std::fs::metadata(&target) {
        Ok(m) if m.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::IsADirectory,
                "is a directory",
            ));
        }
        Ok(m) if m.is_file() && !append => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "already exists (give --append to add to it, or another file)",
            ));
        }
        Ok(m) if m.is_file() => {
            options.append(true);
        }
        // A device, FIFO or socket: write into it.
        Ok(_) => {
            options.write(true);
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            options.write(true).create_new(true);
        }
        Err(e) => return Err(e),
    }
    options.open(&target)
}

/// Write `contents` to `root/rel` atomically, where `rel` stays inside `root`: no `..`, no
/// absolute path, no symbolic link or special file below `root` (missing directories are
/// created). Returns the full path.
pub fn write_in(
    root: &Path,
    rel: &Path,
    contents: &[u8],
    overwrite: Overwrite,
) -> io::Result<PathBuf> {
    write_checked(root, rel, contents, overwrite, true)
}

/// [`write_in`] without fsync, for caches: readers never see half a file, and an entry lost
/// to a crash only costs a request next time.
pub fn write_in_unsynced(root: &Path, rel: &Path, contents: &[u8]) -> io::Result<PathBuf> {
    write_checked(root, rel, contents, Overwrite::Replace, false)
}

/// [`write_in`] for a file directly in a folder the tool keeps: `path`'s parent is the
/// folder, and `path` itself must not be a link or special file.
pub fn write_data_file(path: &Path, contents: &[u8], overwrite: Overwrite) -> io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().map(Path::new).unwrap_or(Path::new(""));
    write_in(dir, name, contents, overwrite)
}

fn write_checked(
    root: &Path,
    rel: &Path,
    contents: &[u8],
    overwrite: Overwrite,
    sync: bool,
) -> io::Result<PathBuf> {
    let target = checked_path(root, rel, true)?;
    let existing = match std::fs::symlink_metadata(&target) {
        Ok(m) if m.is_file() => Some(m),
        Ok(m) => return Err(refusal(&target, &m)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    if existing.is_some() && overwrite == Overwrite::Never {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            "already exists",
        ));
    }
    let how = How {
        overwrite,
        sync,
        owner_or_nothing: false,
    };
    replace_atomically(&target, contents, existing.as_ref(), how)?;
    Ok(target)
}

/// `root/rel` after checking that `rel` is a plain relative path whose existing parts below
/// `root` are real directories (and, for the last part, not a link or special file).
/// With `create`, missing directories are made.
pub fn checked_path(root: &Path, rel: &Path, create: bool) -> io::Result<PathBuf> {
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(p) => parts.push(p),
            Component::CurDir => {}
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "`{}` leaves its folder {} (only plain relative paths are written there)",
                        rel.display(),
                        root.display()
                    ),
                ));
            }
        }
    }
    let Some((last, dirs)) = parts.split_last() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("`{}` names no file", rel.display()),
        ));
    };
    let mut path = root.to_path_buf();
    match std::fs::metadata(root) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound && create => std::fs::create_dir_all(root)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(root.join(rel)),
        Err(e) => return Err(e),
    }
    for d in dirs {
        path.push(d);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {}
            Ok(m) => return Err(refusal(&path, &m)),
            // Nothing below is there yet, so nothing below can be a link.
            Err(e) if e.kind() == io::ErrorKind::NotFound && !create => {
                return Ok(root.join(rel));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                match std::fs::create_dir(&path) {
                    Ok(()) => {}
                    // Made by someone else meanwhile: check what it is.
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                        let m = std::fs::symlink_metadata(&path)?;
                        if !m.is_dir() {
                            return Err(refusal(&path, &m));
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
    }
    path.push(last);
    if let Ok(m) = std::fs::symlink_metadata(&path)
        && !m.is_file()
        && !m.is_dir()
    {
        return Err(refusal(&path, &m));
    }
    Ok(path)
}

/// Remove the temp files of atomic writes that a killed run left in `dir` (not below it):
/// regular files and directories named `.scs-release-<random>.tmp`, and regular files named
/// like tempfile's `.tmpXXXXXX` (older versions). Links are never followed or removed. A
/// missing `dir` has none. Returns the paths removed.
///
/// Another scs-release writing into the same directory at the same moment would lose its
/// temp file and fail loudly (it can be run again).
pub fn remove_stale_temps(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut removed = Vec::new();
    for e in entries {
        let e = e?;
        let name = e.file_name();
        let name = name.to_string_lossy();
        let kind = e.file_type()?;
        if kind.is_file() && (is_our_temp_name(&name) || is_tempfile_name(&name)) {
            std::fs::remove_file(e.path())?;
        } else if kind.is_dir() && is_our_temp_name(&name) {
            // A release folder being assembled (`rc cut --osism`); never follows links.
            std::fs::remove_dir_all(e.path())?;
        } else {
            continue;
        }
        removed.push(e.path());
    }
    removed.sort();
    Ok(removed)
}

/// `.scs-release-<random>.tmp`
fn is_our_temp_name(name: &str) -> bool {
    name.strip_prefix(TEMP_PREFIX)
        .and_then(|r| r.strip_suffix(TEMP_SUFFIX))
        .is_some_and(|r| {
            !r.is_empty()
                && r.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// tempfile's default `.tmpXXXXXX`.
fn is_tempfile_name(name: &str) -> bool {
    name.strip_prefix(".tmp")
        .is_some_and(|r| r.len() == 6 && r.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// Follow symbolic links from `path` to the file they end at (which may not exist yet).
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if to.is_relative() => dir.join(to),
                    _ => to,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("more than {MAX_LINKS} levels of symbolic links"),
    ))
}

fn refusal(path: &Path, m: &std::fs::Metadata) -> io::Error {
    let what = if m.file_type().is_symlink() {
        "is a symbolic link"
    } else if m.is_dir() {
        "is a directory"
    } else if m.is_file() {
        "is a file"
    } else {
        "is a special file (device, FIFO or socket)"
    };
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} {what}; refusing to write through it inside a data folder",
            path.display()
        ),
    )
}

/// How [`replace_atomically`] writes.
#[derive(Debug, Clone, Copy)]
struct How {
    overwrite: Overwrite,
    /// fsync the file and its directory.
    sync: bool,
    /// Write nothing (return `Ok(false)`) when the existing owner cannot be kept.
    owner_or_nothing: bool,
}

impl How {
    const USER: How = How {
        overwrite: Overwrite::Replace,
        sync: true,
        owner_or_nothing: false,
    };
}

/// Temp file beside `target`, fsync, rename over it (or, with [`Overwrite::Never`], link it
/// in only if nothing is there). An existing file's mode is kept, and its owner where this
/// process may give it; a new file gets `0666` less the umask, like any file a shell creates.
/// `Ok(false)`: the owner could not be kept, and with `owner_or_nothing` nothing was written.
fn replace_atomically(
    target: &Path,
    contents: &[u8],
    existing: Option<&std::fs::Metadata>,
    how: How,
) -> io::Result<bool> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .suffix(TEMP_SUFFIX)
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)?;
    let mut owner_kept = true;
    if let Some(m) = existing {
        tmp.as_file().set_permissions(m.permissions())?;
        let mine = tmp.as_file().metadata()?;
        if (mine.uid(), mine.gid()) != (m.uid(), m.gid()) {
            owner_kept =
                std::os::unix::fs::fchown(tmp.as_file(), Some(m.uid()), Some(m.gid())).is_ok();
        }
    }
    if !owner_kept && how.owner_or_nothing {
        return Ok(false);
    }
    tmp.write_all(contents)?;
    if how.sync {
        tmp.as_file().sync_all()?;
    }
    match how.overwrite {
        Overwrite::Replace => tmp.persist(target).map_err(|e| e.error)?,
        Overwrite::Never => tmp.persist_noclobber(target).map_err(|e| e.error)?,
    };
    if how.sync
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
    Ok(owner_kept)
}

/// Truncate and write an existing file or a device in place (not atomic: for the cases
/// where replacing would lose a hard link, the owner, or the device itself).
fn write_in_place(target: &Path, contents: &[u8]) -> io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(target)?;
    f.write_all(contents)?;
    f.flush()?;
    if f.metadata().is_ok_and(|m| m.is_file()) {
        f.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
