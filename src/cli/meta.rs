//! Commands about the tool itself: `completions`, `man`, the `--version` text, and the
//! global `--color` / `-q` / `-v` options.

use std::io::IsTerminal as _;
use std::path::PathBuf;

use super::Outcome;
use crate::app::Error;

pub const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  scs-release completions bash > ~/.local/share/bash-completion/completions/scs-release
  scs-release completions zsh > \"${fpath[1]}/_scs-release\"
  scs-release completions fish > ~/.config/fish/completions/scs-release.fish
  scs-release completions powershell >> $PROFILE";

pub const MAN_EXAMPLES: &str = "\
Examples:
  scs-release man | man -l -
  scs-release man --dir docs/man    # one page per command: scs-release-upgrade-plan.1, …";

/// `completions SHELL`
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

/// `man [--dir DIR]`
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `scs-release.1` and one `scs-release-<command>.1` per subcommand into DIR
    /// (created if missing) instead of printing the top page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorChoice {
    // No doc comments on the variants: clap would list them one per line and switch every
    // --help into its long layout.
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour standard output. `NO_COLOR` (any non-empty value, no-color.org)
    /// turns `auto` off; an explicit `--color always` wins over it.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
            }
        }
    }
}

/// The log filter of `-q`/`-v`: `None` when neither was given (the environment decides).
pub fn log_filter(quiet: bool, verbose: u8) -> Option<&'static str> {
    match (quiet, verbose) {
        (true, _) => Some("off"),
        (false, 0) => None,
        (false, 1) => Some("info"),
        (false, 2) => Some("debug"),
        (false, _) => Some("trace"),
    }
}

/// The commit the binary was built from (`unknown` outside a git checkout).
pub const COMMIT: &str = env!("SCS_RELEASE_COMMIT");

/// `--version`: the version, the commit and the newest release of the embedded data.
pub fn version_text() -> String {
    let newest = crate::release::Store::load(&crate::data::DataDir::Embedded)
        .ok()
        .and_then(|s| s.entries().into_iter().next_back())
        .map_or_else(
            || "unreadable".to_string(),
            |e| match e.scs {
                Some(scs) => format!("{} ({scs})", e.version),
                None => e.version.to_string(),
            },
        );
    format!(
        "{} (commit {COMMIT}; embedded data: newest release {newest})",
        env!("CARGO_PKG_VERSION")
    )
}

/// The clap command with the full `--version` text.
pub fn command_with_version() -> clap::Command {
    let v: &'static str = Box::leak(version_text().into_boxed_str());
    super::command().version(v).long_version(v)
}

pub fn completions(a: &CompletionsArgs) -> Result<Outcome, Error> {
    let mut cmd = super::command();
    let mut buf = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "scs-release", &mut buf);
    let mut text = String::from_utf8_lossy(&buf).into_owned();
    if a.shell == clap_complete::Shell::Bash {
        // clap_complete 4.6 spells the state of a subcommand `scs__release__subcmd__upgrade`
        // where it is set but `scs__subcmd__release__subcmd__upgrade` in the `case` that reads
        // it (the `-` of the binary's name is mangled twice), so nothing below the top level
        // completed. One spelling for both.
        text = text.replace("scs__subcmd__release", "scs__release");
    }
    Ok(Outcome::ok(text))
}

pub fn man(a: &ManArgs) -> Result<Outcome, Error> {
    let cmd = super::command().version(env!("CARGO_PKG_VERSION"));
    match &a.dir {
        None => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(cmd)
                .render(&mut buf)
                .map_err(|e| Error::Context {
                    context: "cannot render the man page".into(),
                    source: Box::new(e),
                })?;
            Ok(Outcome::ok(String::from_utf8_lossy(&buf).into_owned()))
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| Error::file(dir, "create", e))?;
            let mut written = Vec::new();
            write_pages(cmd, dir, &mut written)?;
            Ok(Outcome {
                stderr: format!("wrote {} man pages into {}\n", written.len(), dir.display()),
                ..Outcome::default()
            })
        }
    }
}

/// One page per command, named `scs-release-upgrade-plan.1` (as clap_mangen's `generate_to`,
/// but written through our atomic writer and without the hidden commands).
fn write_pages(
    cmd: clap::Command,
    dir: &std::path::Path,
    written: &mut Vec<PathBuf>,
) -> Result<(), Error> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    fn walk(
        cmd: &clap::Command,
        prefix: &str,
        dir: &std::path::Path,
        written: &mut Vec<PathBuf>,
    ) -> Result<(), Error> {
        let name = if prefix.is_empty() {
            cmd.get_name().to_string()
        } else {
            format!("{prefix}-{}", cmd.get_name())
        };
        let page = cmd.clone().name(&*Box::leak(name.clone().into_boxed_str()));
        let mut buf = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut buf)
            .map_err(|e| Error::file(dir.join(&name), "render", e))?;
        let path = dir.join(format!("{name}.1"));
        crate::base::fsutil::write_user_file(&path, &buf)
            .map_err(|e| Error::file(&path, "write", e))?;
        written.push(path);
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, &name, dir, written)?;
        }
        Ok(())
    }
    walk(&cmd, "", dir, written)
}

/// Columns a table on stdout may use: `$COLUMNS` when set to a number, else the width of the
/// terminal stdout is; `None` (no limit) for a pipe or a file.
pub fn table_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
}
