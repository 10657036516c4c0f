//! scs-release: release-candidate tracking, upgrade checks, upgrade plans with predicted API
//! outage windows, and release notes for Sovereign Cloud Stack.
//!
//! Layers, bottom to top (every import points down; see the README's design section):
//! `base`, `data` < `git`, `forge` < `release` < `evidence`, `probe` < `check`, `plan`, `rc`,
//! `notes` < `record` < `render` < `app` < `cli`. The library never prints: commands return
//! an [`cli::Outcome`] that `main.rs` writes out.

pub mod app;
pub mod base;
pub mod check;
pub mod cli;
pub mod data;
pub mod evidence;
pub mod forge;
pub mod git;
pub mod notes;
pub mod plan;
pub mod probe;
pub mod rc;
pub mod record;
pub mod release;
pub mod render;

pub use cli::{Cli, Outcome, run};

/// Exit code for failures of the tool itself (bad input, usage errors, I/O).
pub const TOOL_FAILURE: u8 = 3;

/// What one command line produces: the text for stdout and stderr and the exit code, exactly
/// as `main` writes them (tests run commands in-process through this).
#[derive(Debug)]
pub struct Exit {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Parse `args` (with the program name first) and run the command.
pub fn execute<I, T>(args: I) -> Exit
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    match parse(args) {
        Ok(cli) => execute_cli(cli),
        Err(exit) => exit,
    }
}

/// Parse `args` (with the program name first); `--help`, `--version` and usage errors come
/// back as the [`Exit`] to write.
pub fn parse<I, T>(args: I) -> Result<Cli, Exit>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    use clap::FromArgMatches as _;
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // The version text loads the embedded data: only when it is asked for.
    let cmd = if args.iter().skip(1).any(|a| a == "--version" || a == "-V") {
        cli::meta::command_with_version()
    } else {
        cli::command()
    };
    cmd.try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| {
            let text = e.render().to_string();
            let (stdout, stderr, code) = if e.use_stderr() {
                (String::new(), text, TOOL_FAILURE)
            } else {
                (text, String::new(), 0)
            };
            Exit {
                stdout,
                stderr,
                code,
            }
        })
}

/// Run a parsed command line.
pub fn execute_cli(cli: Cli) -> Exit {
    match run(cli) {
        Ok(out) => {
            let code = out.exit.clamp(0, 255) as u8;
            let Some(base::fsutil::Output::File(path)) =
                out.file.as_deref().map(base::fsutil::Output::parse)
            else {
                return Exit {
                    stdout: out.stdout,
                    stderr: out.stderr,
                    code,
                };
            };
            match base::fsutil::write_user_file(&path, out.stdout.as_bytes()) {
                Ok(_) => Exit {
                    stdout: String::new(),
                    stderr: format!("{}wrote {}\n", out.stderr, path.display()),
                    code,
                },
                Err(e) => Exit {
                    stdout: String::new(),
                    stderr: format!(
                        "{}error: {}: cannot write: {e}\n",
                        out.stderr,
                        path.display()
                    ),
                    code: TOOL_FAILURE,
                },
            }
        }
        Err(e) => Exit {
            stdout: String::new(),
            stderr: format!("error: {}\n", base::error_text::chain(&e)),
            code: e.exit_code(),
        },
    }
}
