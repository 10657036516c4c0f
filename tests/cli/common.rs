//! Helpers shared by the integration tests.
//!
//! Most tests run a command line in-process through [`scs_release::execute`], which returns
//! exactly what `src/main.rs` writes and exits with ([`run`], [`in_process`]). Tests that need
//! a real process (environment variables, a current directory, stdin/stdout handles, kills and
//! aborts, tracing output, progress on stderr) spawn the binary with [`cmd`].
#![allow(dead_code)]

use std::ffi::{OsStr, OsString};
use std::path::PathBuf;

/// The scs-release binary, with a clean environment (no tokens, no data override).
pub fn cmd() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("scs-release").expect("binary built");
    for k in CLEARED_ENV {
        c.env_remove(k);
    }
    c.env("NO_COLOR", "1");
    c.env_remove("RUST_LOG").env_remove("SCS_RELEASE_LOG");
    // Never the developer's `gh auth token` (a test that wants one names a stub).
    c.env("SCS_RELEASE_GH", "");
    // Never the developer's config file.
    c.env("SCS_RELEASE_CONFIG", "");
    c
}

/// A tool a test runs (a shell, `man`): on CI (`CI=true`) its absence fails the test, since
/// `.ci/run` installs it; elsewhere the test is skipped with a message (callers `return` on
/// `None`).
pub fn tool(name: &str, package: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    });
    if found.is_some() {
        return found;
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("`{name}` is missing: CI must install Debian's `{package}` package (.ci/run)");
    }
    eprintln!("skipped: `{name}` not found (apt-get install -y {package})");
    None
}

/// Variables [`cmd`] removes from the child's environment. An in-process run cannot remove
/// them (the environment is process-global and tests run in parallel threads), so when one
/// of them is set in the test process, [`in_process`] spawns [`cmd`] instead: a developer's or
/// CI's data folder or token never reaches a test.
const CLEARED_ENV: [&str; 4] = ["SCS_RELEASE_DATA", "GITHUB_TOKEN", "GH_TOKEN", "COLUMNS"];

/// Whether this user has a scs-release config file, which an in-process run would read (a
/// process run of [`cmd`] does not).
fn user_config_exists() -> bool {
    let dir = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")));
    std::env::var_os("SCS_RELEASE_CONFIG").is_some_and(|v| !v.is_empty())
        || dir.is_some_and(|d| d.join("scs-release/config.yaml").exists())
}

/// Stack of the thread an in-process run gets: that of a process's main thread (8 MiB), not
/// a test thread's 2 MiB, so deep but bounded recursion behaves as in the binary.
const MAIN_STACK: usize = 8 << 20;

/// A command line run in-process by `output()`, with the `arg`/`args` of [`cmd`].
#[derive(Default)]
pub struct InProcess {
    args: Vec<OsString>,
}

/// A command line to run in-process (see [`InProcess`]).
pub fn in_process() -> InProcess {
    InProcess::default()
}

impl InProcess {
    pub fn arg(&mut self, a: impl AsRef<OsStr>) -> &mut Self {
        self.args.push(a.as_ref().to_owned());
        self
    }

    pub fn args<I, S>(&mut self, args: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        for a in args {
            self.arg(a);
        }
        self
    }

    /// What the binary would write and exit with, as a process [`Output`](std::process::Output).
    /// (Only the stdout-write-failure check of `main` is missing: tests of it use [`cmd`].)
    pub fn output(&mut self) -> std::io::Result<std::process::Output> {
        use std::os::unix::process::ExitStatusExt as _;
        if CLEARED_ENV.iter().any(|k| std::env::var_os(k).is_some()) || user_config_exists() {
            return cmd().args(&self.args).output();
        }
        let argv: Vec<OsString> = std::iter::once(OsString::from("scs-release"))
            .chain(self.args.iter().cloned())
            .collect();
        let exit = std::thread::Builder::new()
            .name("scs-release".into())
            .stack_size(MAIN_STACK)
            .spawn(move || scs_release::execute(argv))?
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        Ok(std::process::Output {
            status: std::process::ExitStatus::from_raw(i32::from(exit.code) << 8),
            stdout: exit.stdout.into_bytes(),
            stderr: exit.stderr.into_bytes(),
        })
    }
}

/// `../shared/fixtures` beside the checkout. When it is missing the test fails on CI
/// (`CI=true`) and is skipped with a message elsewhere: callers `return` on `None`.
pub fn fixtures() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("../shared/fixtures is missing: CI must have shared/ beside the checkout");
    }
    eprintln!("skipped: ../shared/fixtures not found beside the checkout");
    None
}

/// The repository root (holds `releases/`, `templates/`).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn split(out: std::process::Output) -> (String, String, i32) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Run in-process and return (stdout, stderr, exit code).
pub fn run(args: &[&str]) -> (String, String, i32) {
    split(in_process().args(args).output().expect("runs"))
}

/// Run the binary in a process and return (stdout, stderr, exit code).
pub fn run_process(args: &[&str]) -> (String, String, i32) {
    split(cmd().args(args).output().expect("runs"))
}

/// Copy a directory tree (e.g. `releases/` into a temp data dir).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// A repository whose tree is `files` (path, text) plus `links` (path → target, mode 120000),
/// committed at a fixed time and tagged with each of `tags` (lightweight; the first one
/// annotated). Returns the commit.
pub fn commit_and_tag(
    repo: &git2::Repository,
    files: &[(&str, &str)],
    links: &[(&str, &str)],
    tags: &[&str],
    n: i64,
) -> git2::Oid {
    let mut entries: Vec<(&str, git2::Oid, i32)> = Vec::new();
    for (path, text) in files {
        entries.push((path, repo.blob(text.as_bytes()).unwrap(), 0o100644));
    }
    for (path, target) in links {
        entries.push((path, repo.blob(target.as_bytes()).unwrap(), 0o120000));
    }
    let tree = repo.find_tree(write_tree(repo, &entries)).unwrap();
    let sig = git2::Signature::new(
        "Test",
        "test@example.org",
        &git2::Time::new(1_710_000_000 + n, 0),
    )
    .unwrap();
    let parent = repo.head().ok().and_then(|h| h.peel_to_commit().ok());
    let parents: Vec<&git2::Commit> = parent.iter().collect();
    let c = repo
        .commit(Some("HEAD"), &sig, &sig, "defaults", &tree, &parents)
        .unwrap();
    let obj = repo.find_object(c, None).unwrap();
    for (i, t) in tags.iter().enumerate() {
        if i == 0 {
            repo.tag(t, &obj, &sig, t, true).unwrap();
        } else {
            repo.tag_lightweight(t, &obj, true).unwrap();
        }
    }
    c
}

/// A tree of `entries` (path, blob, mode), sub-trees built from the paths.
pub fn write_tree(repo: &git2::Repository, entries: &[(&str, git2::Oid, i32)]) -> git2::Oid {
    let mut builder = repo.treebuilder(None).unwrap();
    let mut folders: std::collections::BTreeMap<&str, Vec<(&str, git2::Oid, i32)>> =
        Default::default();
    for (path, oid, mode) in entries {
        match path.split_once('/') {
            Some((folder, rest)) => folders.entry(folder).or_default().push((rest, *oid, *mode)),
            None => {
                builder.insert(path, *oid, *mode).unwrap();
            }
        }
    }
    for (folder, inner) in folders {
        builder
            .insert(folder, write_tree(repo, &inner), 0o040000)
            .unwrap();
    }
    builder.write().unwrap()
}
