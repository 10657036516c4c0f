use std::os::unix::fs::{FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;

use super::*;

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

#[test]
fn a_new_user_file_gets_the_mode_any_new_file_gets() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let ours = dir.path().join("ours");
    write_user_file(&ours, b"x").unwrap();
    assert_eq!(mode(&ours), mode(&plain));
    assert_eq!(std::fs::read(&ours).unwrap(), b"x");
}

#[test]
fn an_existing_user_file_keeps_its_mode() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("CHANGELOG.md");
    std::fs::write(&p, "old").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
    write_user_file(&p, b"new").unwrap();
    assert_eq!(mode(&p), 0o600);
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
}

#[test]
fn a_symlink_is_followed_and_its_target_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    let real = dir.path().join("docs/notes.md");
    std::fs::write(&real, "old").unwrap();
    // a chain: link2 -> link1 -> docs/notes.md, relative links
    std::os::unix::fs::symlink("docs/notes.md", dir.path().join("link1")).unwrap();
    std::os::unix::fs::symlink("link1", dir.path().join("link2")).unwrap();
    let wrote = write_user_file(&dir.path().join("link2"), b"new").unwrap();
    assert_eq!(wrote, dir.path().join("docs/notes.md"));
    assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    for l in ["link1", "link2"] {
        let m = std::fs::symlink_metadata(dir.path().join(l)).unwrap();
        assert!(m.file_type().is_symlink(), "{l} stays a link");
    }
}

#[test]
fn a_dangling_symlink_creates_its_target() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("out.md", dir.path().join("link")).unwrap();
    write_user_file(&dir.path().join("link"), b"x").unwrap();
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.md")).unwrap(),
        "x"
    );
}

#[test]
fn a_symlink_loop_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
    let e = write_user_file(&dir.path().join("a"), b"x").unwrap_err();
    assert_eq!(e.to_string(), "more than 40 levels of symbolic links");
}

#[test]
fn dev_null_stays_a_device() {
    write_user_file(Path::new("/dev/null"), b"discarded").unwrap();
    let m = std::fs::symlink_metadata("/dev/null").unwrap();
    assert!(m.file_type().is_char_device());
}

#[test]
fn a_fifo_is_written_into() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let ok = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(ok.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    write_user_file(&fifo, b"through the pipe").unwrap();
    assert_eq!(reader.join().unwrap(), "through the pipe");
    assert!(
        std::fs::symlink_metadata(&fifo)
            .unwrap()
            .file_type()
            .is_fifo()
    );
}

#[test]
fn hard_links_keep_sharing_the_content() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let b = dir.path().join("b");
    std::fs::write(&a, "old").unwrap();
    std::fs::hard_link(&a, &b).unwrap();
    write_user_file(&a, b"new").unwrap();
    assert_eq!(std::fs::read_to_string(&b).unwrap(), "new");
    assert_eq!(std::fs::metadata(&a).unwrap().nlink(), 2);
}

#[test]
fn a_directory_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let e = write_user_file(dir.path(), b"x").unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::IsADirectory);
}

/// Only root can make a file of another owner; CI runs as root.
#[test]
fn the_owner_is_kept_where_it_can_be() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("owned");
    std::fs::write(&p, "old").unwrap();
    if std::os::unix::fs::chown(&p, Some(4321), Some(4321)).is_err() {
        eprintln!("skipped: not root, cannot make a file of another owner");
        return;
    }
    write_user_file(&p, b"new").unwrap();
    let m = std::fs::metadata(&p).unwrap();
    assert_eq!((m.uid(), m.gid()), (4321, 4321));
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
}

#[test]
fn write_in_creates_directories_and_replaces_or_not() {
    let dir = tempfile::tempdir().unwrap();
    let p = write_in(
        dir.path(),
        Path::new("releases/osism/7.0.0.yaml"),
        b"a",
        Overwrite::Never,
    )
    .unwrap();
    assert_eq!(p, dir.path().join("releases/osism/7.0.0.yaml"));
    let e = write_in(
        dir.path(),
        Path::new("releases/osism/7.0.0.yaml"),
        b"b",
        Overwrite::Never,
    )
    .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_in(
        dir.path(),
        Path::new("releases/osism/7.0.0.yaml"),
        b"c",
        Overwrite::Replace,
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "c");
    assert_eq!(mode(&p), 0o640);
}

#[test]
fn write_in_never_leaves_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    std::fs::create_dir(&root).unwrap();
    for rel in [
        "releases/osism/../../../outside.yaml",
        "/etc/passwd",
        "",
        ".",
    ] {
        let e = write_in(&root, Path::new(rel), b"x", Overwrite::Replace).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput, "{rel}");
    }
    assert!(!dir.path().join("outside.yaml").exists());
    let e = write_in(
        &root,
        Path::new("releases/osism/../../x"),
        b"x",
        Overwrite::Replace,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.starts_with("`releases/osism/../../x` leaves its folder "),
        "{e}"
    );
}

#[test]
fn write_in_refuses_links_and_special_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("data");
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir_all(root.join("releases")).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    // a linked directory below the folder
    std::os::unix::fs::symlink(&elsewhere, root.join("releases/osism")).unwrap();
    let e = write_in(
        &root,
        Path::new("releases/osism/x.yaml"),
        b"x",
        Overwrite::Replace,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.ends_with(
            "releases/osism is a symbolic link; refusing to write through it inside a data folder"
        ),
        "{e}"
    );
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
    // a linked file
    std::fs::write(elsewhere.join("target"), "keep").unwrap();
    std::os::unix::fs::symlink(elsewhere.join("target"), root.join("releases/f.yaml")).unwrap();
    let e = write_in(
        &root,
        Path::new("releases/f.yaml"),
        b"x",
        Overwrite::Replace,
    )
    .unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    assert_eq!(
        std::fs::read_to_string(elsewhere.join("target")).unwrap(),
        "keep"
    );
    // a FIFO
    let fifo = root.join("releases/pipe");
    std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    let e = write_in(&root, Path::new("releases/pipe"), b"x", Overwrite::Replace)
        .unwrap_err()
        .to_string();
    assert!(e.ends_with("is a special file (device, FIFO or socket); refusing to write through it inside a data folder"), "{e}");
}

#[test]
fn stale_temps_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    for f in [
        ".scs-release-abc123.tmp",
        ".tmpAbC123",
        "keep.yaml",
        ".scs-release-x.yaml",
        ".tmpTooLong1",
        ".scs-release-.tmp",
        ".scs-release-a",
    ] {
        std::fs::write(dir.path().join(f), "").unwrap();
    }
    std::fs::write(dir.path().join("keep.yaml"), "kept").unwrap();
    std::os::unix::fs::symlink("keep.yaml", dir.path().join(".scs-release-link.tmp")).unwrap();
    std::fs::create_dir(dir.path().join(".scs-release-dir.tmp")).unwrap();
    std::fs::write(dir.path().join(".scs-release-dir.tmp/7.0.0c.yml"), "").unwrap();
    // a linked directory with our name: the link stays, and so does what it points to
    std::fs::create_dir(dir.path().join("real")).unwrap();
    std::fs::write(dir.path().join("real/f"), "").unwrap();
    std::os::unix::fs::symlink("real", dir.path().join(".scs-release-ldir.tmp")).unwrap();
    let removed = remove_stale_temps(dir.path()).unwrap();
    let names: Vec<_> = removed
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            ".scs-release-abc123.tmp",
            ".scs-release-dir.tmp",
            ".tmpAbC123"
        ]
    );
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(
        left,
        [
            ".scs-release-.tmp",
            ".scs-release-a",
            ".scs-release-ldir.tmp",
            ".scs-release-link.tmp",
            ".scs-release-x.yaml",
            ".tmpTooLong1",
            "keep.yaml",
            "real"
        ]
    );
    assert!(dir.path().join("real/f").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("keep.yaml")).unwrap(),
        "kept"
    );
    assert!(
        remove_stale_temps(&dir.path().join("missing"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn atomic_writes_leave_no_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    write_user_file(&dir.path().join("a"), b"x").unwrap();
    write_in(dir.path(), Path::new("b"), b"x", Overwrite::Never).unwrap();
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn a_user_log_is_new_or_appended_never_overwritten() {
    use std::io::Write as _;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("sub/probe.jsonl");
    open_user_log(&p, false).unwrap().write_all(b"a\n").unwrap();
    let e = open_user_log(&p, false).unwrap_err();
    assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
    open_user_log(&p, true).unwrap().write_all(b"b\n").unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "a\nb\n");
    let link = d.path().join("link.jsonl");
    std::os::unix::fs::symlink(&p, &link).unwrap();
    open_user_log(&link, true)
        .unwrap()
        .write_all(b"c\n")
        .unwrap();
    assert_eq!(std::fs::read_to_string(&p).unwrap(), "a\nb\nc\n");
    assert_eq!(
        open_user_log(d.path(), true).unwrap_err().kind(),
        io::ErrorKind::IsADirectory
    );
    open_user_log(Path::new("/dev/null"), false).unwrap();
}
