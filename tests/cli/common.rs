//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// The scs-release binary, with a clean environment (no tokens, no data override).
pub fn cmd() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("scs-release").expect("binary built");
    c.env_remove("SCS_RELEASE_DATA")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GH_TOKEN")
        .env("NO_COLOR", "1");
    c
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

/// Run and return (stdout, stderr, exit code).
pub fn run(args: &[&str]) -> (String, String, i32) {
    let out = cmd().args(args).output().expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
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
