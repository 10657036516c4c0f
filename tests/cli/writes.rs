//! Files the tool writes: paths the user names are written through (devices, FIFOs, links,
//! mode and owner kept, `-` is stdout); paths inside data folders never follow a link or
//! leave their folder.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::Path;

use crate::common::cmd;

fn plan_to(out: &str, cwd: &Path) -> (String, String, i32) {
    let o = cmd()
        .current_dir(cwd)
        .args([
            "upgrade", "plan", "--from", "6.0.0", "--to", "7.0.0", "--seed", "7",
        ])
        .args(["--samples", "200", "-o", "markdown", "-O", out])
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn output_to_dev_null_leaves_the_device_alone() {
    let dir = tempfile::tempdir().unwrap();
    let (out, err, code) = plan_to("/dev/null", dir.path());
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let m = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(m.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn output_dash_is_stdout_and_creates_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let (out, err, code) = plan_to("-", dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# Planned maintenance"), "{out}");
    assert!(!dir.path().join("-").exists());
    assert!(!err.contains("wrote"), "{err}");
}

#[test]
fn output_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("site")).unwrap();
    let target = dir.path().join("site/announcement.md");
    std::fs::write(&target, "old").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::symlink("site/announcement.md", dir.path().join("latest.md")).unwrap();
    let (_, err, code) = plan_to("latest.md", dir.path());
    assert_eq!(code, 0, "{err}");
    let link = std::fs::symlink_metadata(dir.path().join("latest.md")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced by a file"
    );
    let text = std::fs::read_to_string(&target).unwrap();
    assert!(text.starts_with("# Planned maintenance"), "{text}");
    let mode = std::fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
}

#[test]
fn output_into_a_fifo_is_written_into_it() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    let (_, err, code) = plan_to(fifo.to_str().unwrap(), dir.path());
    assert_eq!(code, 0, "{err}");
    assert!(reader.join().unwrap().starts_with("# Planned maintenance"));
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn prepend_and_output_file_together_are_a_usage_error() {
    let (out, err, code) = crate::common::run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--prepend",
        "CHANGELOG.md",
        "-O",
        "x.md",
    ]);
    assert_eq!((code, out.as_str()), (3, ""));
    insta::assert_snapshot!(err, @r"
    error: the argument '--prepend <CHANGELOG.md>' cannot be used with '--output-file <FILE>'

    Usage: scs-release notes --track <TRACK> --release <RELEASE> --prepend <CHANGELOG.md>

    For more information, try '--help'.
    ");
    let (_, err, code) = crate::common::run(&[
        "notes",
        "--track",
        "kaas-v1",
        "--release",
        "R6",
        "--prepend",
        "-",
    ]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err, @"error: --prepend needs a file: it reads the changelog and writes it back (`-` is not one)");
}

#[test]
fn import_never_writes_outside_releases_osism() {
    let tmp = tempfile::tempdir().unwrap();
    let osism = tmp.path().join("release");
    std::fs::create_dir_all(osism.join("outside")).unwrap();
    std::fs::write(osism.join("outside/base.yml"), "manager_version: 9.9.9\n").unwrap();
    let into = tmp.path().join("data");
    std::fs::create_dir_all(into.join("releases/osism")).unwrap();
    for version in ["../outside", "/etc/x", "a/b"] {
        let (_, err, code) = crate::common::run(&[
            "releases",
            "import",
            "--osism",
            osism.to_str().unwrap(),
            "--version",
            version,
            "--into",
            into.to_str().unwrap(),
        ]);
        assert_eq!(code, 3, "{version}: {err}");
        assert!(
            err.contains("is not a release folder name"),
            "{version}: {err}"
        );
    }
    insta::assert_snapshot!(
        crate::common::run(&["releases", "import", "--osism", "x", "--version", "../outside"]).1,
        @"error: --version `../outside` is not a release folder name (a version folder such as `7.0.0` or `7.0.0b`, without `/` or `..`)"
    );
    // A linked releases/osism is refused, and its target stays empty.
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::create_dir_all(osism.join("9.9.9")).unwrap();
    std::fs::write(osism.join("9.9.9/base.yml"), "manager_version: 9.9.9\n").unwrap();
    std::fs::remove_dir(into.join("releases/osism")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, into.join("releases/osism")).unwrap();
    let (_, err, code) = crate::common::run(&[
        "releases",
        "import",
        "--osism",
        osism.to_str().unwrap(),
        "--version",
        "9.9.9",
        "--into",
        into.to_str().unwrap(),
    ]);
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(
            "releases/osism is a symbolic link; refusing to write through it inside a data folder"
        ),
        "{err}"
    );
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
}
