//! The tool about itself: `--version`, `completions` (loaded by bash, zsh and fish),
//! `man` (rendered by `man -l`), and the log options `-q`/`-v`, `SCS_RELEASE_LOG`, `RUST_LOG`.

use std::path::Path;

use crate::common::{self, cmd, run, tool};

#[test]
fn version_names_the_version_the_commit_and_the_newest_embedded_release() {
    let (out, err, code) = run(&["--version"]);
    assert_eq!(code, 0, "{err}");
    // The newest release of the embedded data, as `releases list` orders them.
    let (list, _, _) = run(&["releases", "list", "-o", "json"]);
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    let newest = list["releases"].as_array().unwrap().last().unwrap()["version"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(out.contains(&format!("newest release {newest} (")), "{out}");
    // The commit is this checkout's HEAD (when built from one).
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(common::repo_root())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let Some(head) = head {
        assert!(out.contains(&format!("(commit {head};")), "{out} vs {head}");
    }
    let redacted = regex::Regex::new(r"commit [0-9a-f]{12}|commit unknown")
        .unwrap()
        .replace(&out, "commit [SHA]")
        .replace(&newest, "[NEWEST]");
    insta::assert_snapshot!("version", redacted);
    // -V says the same.
    assert_eq!(run(&["-V"]).0, out);
}

const SHELLS: [&str; 5] = ["bash", "zsh", "fish", "elvish", "powershell"];

#[test]
fn completions_are_generated_for_every_shell() {
    for shell in SHELLS {
        let (out, err, code) = run(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in ["releases", "upgrade", "collect-script", "completions"] {
            assert!(out.contains(word), "{shell} script lacks {word}");
        }
    }
    let (_, err, code) = run(&["completions", "tcsh"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("completions_unknown_shell", err);
}

fn script(dir: &Path, shell: &str) -> std::path::PathBuf {
    let (out, _, code) = run(&["completions", shell]);
    assert_eq!(code, 0);
    let p = dir.join(format!("scs-release.{shell}"));
    std::fs::write(&p, out).unwrap();
    p
}

fn sh(program: &Path, args: &[&str]) -> String {
    let o = std::process::Command::new(program)
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .expect("shell runs");
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    );
    assert!(o.status.success(), "{program:?} {args:?}:\n{out}\n{err}");
    assert!(err.trim().is_empty(), "{program:?} complained:\n{err}");
    out
}

#[test]
fn bash_loads_its_completions_and_completes_subcommands_and_options() {
    let Some(bash) = tool("bash", "bash") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let f = script(dir.path(), "bash");
    let f = f.to_str().unwrap();
    let words = |line: &str| {
        sh(
            &bash,
            &[
                "--norc",
                "-c",
                &format!(
                    "source {f}; fn=$(complete -p scs-release | sed -E 's/.*-F ([^ ]+).*/\\1/'); \
                     COMP_WORDS=({line}); COMP_CWORD=$((${{#COMP_WORDS[@]}}-1)); \
                     $fn scs-release \"${{COMP_WORDS[COMP_CWORD]}}\" \
                     \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
                ),
            ],
        )
    };
    let top = words("scs-release up");
    assert_eq!(top.trim(), "upgrade", "{top}");
    let plan = words("scs-release upgrade plan --fr");
    assert!(plan.lines().any(|l| l == "--from"), "{plan}");
}

#[test]
fn zsh_loads_its_completions() {
    let Some(zsh) = tool("zsh", "zsh") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let f = script(dir.path(), "zsh");
    let f = f.to_str().unwrap();
    sh(&zsh, &["-n", f]);
    let out = sh(
        &zsh,
        &[
            "-f",
            "-c",
            &format!(
                "autoload -Uz compinit && compinit -u -d {dir}/zcompdump && source {f} \
                 && whence -w _scs-release && print -r -- ${{_comps[scs-release]}}",
                dir = dir.path().display()
            ),
        ],
    );
    assert_eq!(out, "_scs-release: function\n_scs-release\n");
}

#[test]
fn fish_loads_its_completions_and_completes_subcommands() {
    let Some(fish) = tool("fish", "fish") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let f = script(dir.path(), "fish");
    let f = f.to_str().unwrap();
    let out = sh(
        &fish,
        &[
            "--no-config",
            "-c",
            &format!("source {f}; complete -C 'scs-release up'; complete -C 'scs-release rc '"),
        ],
    );
    let words: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert!(words.contains(&"upgrade"), "{out}");
    for sub in ["status", "diff", "cut", "promote"] {
        assert!(words.contains(&sub), "{sub} missing in {out}");
    }
}

fn man_render(man: &Path, page: &Path) -> String {
    let o = std::process::Command::new(man)
        .args(["-l", "-P", "cat"])
        .arg(page)
        .env("MANWIDTH", "100")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("man runs");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "man -l {page:?}: {err}");
    assert!(!err.contains("warning"), "man -l {page:?}: {err}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn man_page_renders_with_man_and_one_page_per_command_is_written() {
    let (page, err, code) = run(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "roff: {}",
        &page[..40]
    );
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man");
    let (out, err, code) = run(&["man", "--dir", pages.to_str().unwrap()]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for want in [
        "scs-release.1",
        "scs-release-upgrade-plan.1",
        "scs-release-rc-promote.1",
        "scs-release-completions.1",
    ] {
        assert!(names.iter().any(|n| n == want), "{want} not in {names:?}");
    }
    assert_eq!(
        err,
        format!("wrote {} man pages into {}\n", names.len(), pages.display())
    );
    let Some(man) = tool("man", "man-db") else {
        return;
    };
    let top = pages.join("scs-release.1");
    let text = man_render(&man, &top);
    for want in ["NAME", "SYNOPSIS", "--color", "SUBCOMMANDS", "completions"] {
        assert!(text.contains(want), "{want} missing:\n{text}");
    }
    let plan = man_render(&man, &pages.join("scs-release-upgrade-plan.1"));
    assert!(plan.contains("scs-release-upgrade-plan"), "{plan}");
    assert!(plan.contains("--from"), "{plan}");
}

/// (stderr, code) of `releases list` run as a process with these arguments and variables.
fn logged(args: &[&str], env: &[(&str, &str)]) -> (String, i32) {
    let mut c = cmd();
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.args(args).args(["releases", "list"]).output().unwrap();
    (
        String::from_utf8_lossy(&o.stderr).into_owned(),
        o.status.code().unwrap_or(-1),
    )
}

#[test]
fn quiet_and_verbose_set_the_log_filter_over_scs_release_log_and_rust_log() {
    const INFO: &str = " INFO scs_release::cli: release data: built into the binary\n";
    assert_eq!(logged(&[], &[]), (String::new(), 0), "default: warn");
    assert_eq!(logged(&["-v"], &[]), (INFO.to_string(), 0));
    assert!(logged(&["-vv"], &[]).0.starts_with(INFO));
    assert_eq!(logged(&[], &[("RUST_LOG", "info")]).0, INFO);
    assert_eq!(logged(&[], &[("SCS_RELEASE_LOG", "info")]).0, INFO);
    // SCS_RELEASE_LOG wins over RUST_LOG, the flags over both.
    assert_eq!(
        logged(&[], &[("SCS_RELEASE_LOG", "off"), ("RUST_LOG", "info")]).0,
        ""
    );
    assert_eq!(logged(&["-q"], &[("SCS_RELEASE_LOG", "trace")]).0, "");
    assert_eq!(logged(&["-v"], &[("RUST_LOG", "off")]).0, INFO);
    // The global flags work after the subcommand too.
    let o = cmd().args(["releases", "list", "-v"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stderr), INFO);
    // A filter that does not parse is said, and the default used.
    let (err, code) = logged(&[], &[("RUST_LOG", "scs_release=loud")]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("log_filter_invalid", err);
    let (_, err, code) = run(&["-q", "-v", "releases", "list"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("quiet_and_verbose_conflict", err);
}
