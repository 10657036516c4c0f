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

/// Every command, by its path (`upgrade plan`), with its clap command.
fn commands() -> Vec<(String, clap::Command)> {
    fn walk(c: &clap::Command, path: &str, out: &mut Vec<(String, clap::Command)>) {
        out.push((path.to_string(), c.clone()));
        for s in c
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            let p = format!("{path} {}", s.get_name()).trim().to_string();
            walk(s, &p, out);
        }
    }
    let mut cmd = scs_release::cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, "", &mut out);
    out
}

#[test]
fn every_help_has_examples_and_every_argument_a_help_text() {
    let all = commands();
    assert!(all.len() > 20, "{}", all.len());
    for (path, c) in &all {
        let after = c
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        assert!(
            after.starts_with("Examples:\n  scs-release"),
            "`{path}` has no examples"
        );
        for a in c.get_arguments().filter(|a| !a.is_hide_set()) {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            assert!(
                a.get_help()
                    .is_some_and(|h| !h.to_string().trim().is_empty()),
                "`{path}`: argument {id} has no help"
            );
        }
        // Placeholders are upper case (`<FINAL>` beside `<RC>`, never `<final>`); a file name
        // as placeholder (`<CHANGELOG.md>`) is spelled as the file is.
        for a in c.get_arguments() {
            for v in a
                .get_value_names()
                .unwrap_or_default()
                .iter()
                .filter(|v| !v.contains('.'))
            {
                assert_eq!(v.to_uppercase(), v.as_str(), "`{path}`: <{v}>");
            }
        }
    }
}

/// An example line as words: `scs-release …` up to a pipe, a redirection or a comment.
fn example_words(line: &str) -> Option<Vec<String>> {
    let line = line.trim();
    if !line.starts_with("scs-release") {
        return None;
    }
    let end = [" | ", " > ", " >> ", "   #"]
        .iter()
        .filter_map(|m| line.find(m))
        .min()
        .unwrap_or(line.len());
    Some(
        line[..end]
            .split_whitespace()
            .map(|w| w.trim_matches('"').to_string())
            .collect(),
    )
}

#[test]
fn every_example_parses() {
    use clap::FromArgMatches as _;
    let mut n = 0;
    for (path, c) in commands() {
        let after = c
            .get_after_help()
            .map(|h| h.to_string())
            .unwrap_or_default();
        for words in after.lines().filter_map(example_words) {
            let m = scs_release::cli::command()
                .try_get_matches_from(&words)
                .unwrap_or_else(|e| panic!("`{path}` example {words:?}: {e}"));
            scs_release::Cli::from_arg_matches(&m).unwrap();
            n += 1;
        }
    }
    assert!(n > 40, "{n} examples");
}

#[test]
fn help_snapshots() {
    for args in [
        &["releases", "diff", "--help"][..],
        &["rc", "promote", "--help"],
        &["upgrade", "path", "--help"],
        &["--help"],
    ] {
        let (out, err, code) = crate::common::run(args);
        assert_eq!(code, 0, "{err}");
        let name = args[..args.len() - 1].join("_");
        insta::assert_snapshot!(
            format!("help_{}", if name.is_empty() { "root" } else { &name }),
            out
        );
    }
}

#[test]
fn diffs_take_positional_releases_and_from_to_alike() {
    use crate::common::run;
    for cmd in ["releases", "rc"] {
        let (want, err, code) = run(&[cmd, "diff", "7.0.0a", "7.0.0b"]);
        assert_eq!(code, 0, "{err}");
        for args in [
            &["--from", "7.0.0a", "--to", "7.0.0b"][..],
            &["--from", "7.0.0a", "7.0.0b"],
            &["--to", "7.0.0b", "7.0.0a"],
            &["7.0.0a", "--to", "7.0.0b"],
        ] {
            let mut a = vec![cmd, "diff"];
            a.extend_from_slice(args);
            assert_eq!(run(&a).0, want, "{a:?}");
        }
    }
    let mut errors = String::new();
    for args in [
        &["releases", "diff", "6.0.0"][..],
        &["releases", "diff", "--to", "7.0.0"],
        &[
            "releases", "diff", "--from", "6.0.0", "--to", "7.0.0", "7.0.1",
        ],
        &["rc", "diff"],
    ] {
        let (out, err, code) = run(args);
        assert_eq!((code, out.as_str()), (3, ""), "{args:?}");
        errors.push_str(&format!("$ {}\n{err}\n", args.join(" ")));
    }
    insta::assert_snapshot!("diff_range_errors", errors);
}

#[test]
fn tables_fit_columns_and_warnings_go_to_stderr() {
    let plan = |columns: Option<&str>| {
        let mut c = cmd();
        if let Some(n) = columns {
            c.env("COLUMNS", n);
        }
        let o = c
            .args([
                "upgrade", "plan", "--from", "6.0.0", "--to", "7.0.0", "--window", "1h",
            ])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let table_lines = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| l.starts_with("step ") || l.starts_with(['├', '│', '└']))
            .map(str::to_string)
            .collect()
    };
    let width = |lines: &[String]| lines.iter().map(|l| l.chars().count()).max().unwrap();
    let (wide, err) = plan(None);
    assert!(width(&table_lines(&wide)) > 100, "a pipe has no limit");
    let (narrow, _) = plan(Some("100"));
    let lines = table_lines(&narrow);
    assert!(lines.len() > 20);
    assert!(width(&lines) <= 100, "{narrow}");
    assert!(narrow.contains('…'));
    // The p90-beyond-window warning is on stderr only.
    assert!(!wide.contains("warning"), "{wide}");
    assert!(
        err.contains(
            "warning: the p90 duration (6h 36m) does not fit the maintenance window (1h 00m)"
        ),
        "{err}"
    );
    // A table sent to a file is never cut.
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("plan.txt");
    let o = cmd()
        .env("COLUMNS", "100")
        .args([
            "upgrade", "plan", "--from", "6.0.0", "--to", "7.0.0", "--window", "1h", "-O",
        ])
        .arg(&f)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&f).unwrap(), wide);
}

#[test]
fn silent_wrong_defaults_are_errors_that_name_the_cause() {
    let mut errors = String::new();
    // manager_version: latest (a rolling manager) and no --from.
    let c = case();
    write(
        &c.config,
        "environments/manager/configuration.yml",
        "---\nmanager_version: latest\n",
    );
    let mut x = crate::common::in_process();
    x.args(["upgrade", "check", "--to", "7.0.0", "--config"])
        .arg(&c.config);
    let (out, err, code) = c.output(x);
    assert_eq!((code, out.as_str()), (3, ""));
    errors.push_str(&format!(
        "$ upgrade check --to 7.0.0 (manager_version: latest)\n{err}\n"
    ));
    // --ignore all, as kubeadm takes it.
    let c = case();
    let mut x = crate::common::in_process();
    x.args(check_args(&c, &["--ignore", "all"]));
    let (out, err, code) = c.output(x);
    assert_eq!((code, out.as_str()), (3, ""));
    errors.push_str(&format!("$ upgrade check … --ignore all\n{err}\n"));
    // releases import/sync/import-defaults without --into in a directory without releases/.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["releases", "import", "--osism", "x", "--version", "7.0.0"][..],
        &["releases", "sync", "--osism", "x"],
        &[
            "releases",
            "import-defaults",
            "--defaults",
            "x",
            "--ref",
            "v1",
        ],
    ] {
        let o = cmd().args(args).current_dir(dir.path()).output().unwrap();
        assert_eq!(o.status.code(), Some(3));
        let err = String::from_utf8_lossy(&o.stderr).replace(
            &dir.path().canonicalize().unwrap().display().to_string(),
            "[CWD]",
        );
        errors.push_str(&format!("$ {}\n{err}\n", args.join(" ")));
    }
    assert!(
        std::fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
    insta::assert_snapshot!("silent_defaults_errors", errors);
}

#[test]
fn config_files_set_defaults_that_options_override() {
    let tmp = tempfile::tempdir().unwrap();
    let xdg = tmp.path().join("xdg");
    let work = tmp.path().join("work");
    std::fs::create_dir_all(xdg.join("scs-release")).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    for d in ["user-data", "work/wd-data", "flag-data"] {
        crate::common::copy_dir(
            &crate::common::repo_root().join("releases"),
            &tmp.path().join(d).join("releases"),
        );
    }
    let user = xdg.join("scs-release/config.yaml");
    std::fs::write(
        &user,
        format!("data: {}\n", tmp.path().join("user-data").display()),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let o = cmd()
            .env_remove("SCS_RELEASE_CONFIG")
            .env("XDG_CONFIG_HOME", &xdg)
            .current_dir(&work)
            .args(["-v", "releases", "list"])
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).replace(&tmp.path().display().to_string(), "[TMP]"),
        )
    };
    // The user's file alone.
    let (code, err) = run(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("config file: [TMP]/xdg/scs-release/config.yaml"),
        "{err}"
    );
    assert!(err.contains("release data: [TMP]/user-data\n"), "{err}");
    // ./scs-release.yaml wins key by key; its relative paths are relative to it.
    std::fs::write(
        work.join("scs-release.yaml"),
        "data: wd-data\nrepos: ~/src\n",
    )
    .unwrap();
    let (code, err) = run(&[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("release data: wd-data\n"), "{err}");
    // The option wins over both.
    let flag = tmp.path().join("flag-data");
    let (code, err) = run(&["--data", flag.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("release data: [TMP]/flag-data\n"), "{err}");
    // A data directory of the config file that is not one names the file.
    std::fs::write(work.join("scs-release.yaml"), "data: nowhere\n").unwrap();
    let (code, err) = run(&[]);
    assert_eq!(code, Some(3));
    assert!(
        err.ends_with("\nerror: `data:` of scs-release.yaml: nowhere: no such directory\n"),
        "{err}"
    );
    // An unknown key is an error naming the file, the line and the known keys.
    std::fs::write(
        work.join("scs-release.yaml"),
        "data: wd-data\nrepo: ~/src\n",
    )
    .unwrap();
    let (code, err) = run(&[]);
    assert_eq!(code, Some(3));
    insta::assert_snapshot!("config_unknown_key", err);
}
