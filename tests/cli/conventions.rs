//! CLI conventions of gh and kubectl: `--color`/`NO_COLOR`, examples and argument help in
//! every `--help`, `--from/--to` beside positional ranges.

use crate::common::{cmd, tool};
use crate::upgrade::{case, write};

const ESC: char = '\x1b';

/// An `upgrade check` that blocks (a mon host lacks its bootstrap-rbd keyring directory).
fn blocking_case() -> crate::upgrade::Case {
    let c = case();
    write(&c.facts, "hosts/ctl02/stat-var-lib-ceph.txt", "");
    c
}

fn check_args(c: &crate::upgrade::Case, extra: &[&str]) -> Vec<String> {
    let mut a: Vec<String> = ["upgrade", "check", "--from", "6.0.0", "--to", "7.0.0b"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    a.extend(["--config".into(), c.config.display().to_string()]);
    a.extend(["--facts".into(), c.facts.display().to_string()]);
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn strip_ansi(s: &str) -> String {
    regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(s, "")
        .into_owned()
}

#[test]
fn color_always_colours_the_verdicts_and_nothing_else_changes() {
    let c = blocking_case();
    let run = |extra: &[&str]| {
        let mut x = crate::common::in_process();
        x.args(check_args(&c, extra));
        c.output(x)
    };
    let (plain, _, code) = run(&[]);
    assert_eq!(code, 2, "{plain}");
    assert!(!plain.contains(ESC), "not a terminal: no colour by default");
    let (never, _, _) = run(&["--color", "never"]);
    assert_eq!(never, plain);
    let (always, _, code) = run(&["--color", "always"]);
    assert_eq!(code, 2);
    assert!(
        always.contains("\x1b[1;31mBLOCKING\x1b[0m (1)\n  \x1b[31mFAIL\x1b[0m     CEPH-KEYDIR-01"),
        "{always}"
    );
    assert!(always.contains("\x1b[32mPASSED\x1b[0m ("), "{always}");
    assert_eq!(strip_ansi(&always), plain);
    // Data formats and files are never coloured.
    let (json, _, _) = run(&["--color", "always", "-o", "json"]);
    assert!(!json.contains(ESC));
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("check.txt");
    let (_, _, code) = run(&["--color", "always", "-O", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(!std::fs::read_to_string(&f).unwrap().contains(ESC));
    // A bad value names the choices.
    let (_, err, code) = run(&["--color", "sometimes"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("color_bad_value", err);
}

#[test]
fn color_auto_colours_on_a_terminal_unless_no_color_is_set() {
    let Some(script) = tool("script", "bsdutils") else {
        return;
    };
    let c = blocking_case();
    let bin = assert_cmd::cargo::cargo_bin("scs-release");
    let line: Vec<String> = std::iter::once(bin.display().to_string())
        .chain(check_args(&c, &[]))
        .collect();
    let on_tty = |no_color: Option<&str>| {
        let mut p = std::process::Command::new(&script);
        p.args(["-qec", &line.join(" "), "/dev/null"])
            .env_remove("NO_COLOR")
            .env("TERM", "xterm");
        if let Some(v) = no_color {
            p.env("NO_COLOR", v);
        }
        String::from_utf8_lossy(&p.output().unwrap().stdout).into_owned()
    };
    let tty = on_tty(None);
    assert!(tty.contains("\x1b[31mFAIL\x1b[0m"), "{tty}");
    assert!(!on_tty(Some("1")).contains(ESC));
    // An empty NO_COLOR does not count (no-color.org).
    assert!(on_tty(Some("")).contains(ESC));
    // `--color always` wins over NO_COLOR, on a pipe too.
    let o = cmd()
        .args(check_args(&c, &["--color", "always"]))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("\x1b[31mFAIL\x1b[0m"));
}
