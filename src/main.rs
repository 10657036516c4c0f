use std::io::Write;
use std::process::ExitCode;

use scs_release::TOOL_FAILURE;

fn main() -> ExitCode {
    let exit = match scs_release::parse(std::env::args_os()) {
        Ok(cli) => {
            init_log(scs_release::cli::meta::log_filter(cli.quiet, cli.verbose));
            scs_release::execute_cli(cli)
        }
        Err(exit) => exit,
    };
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_all(exit.stdout.as_bytes())
        .and_then(|()| stdout.flush());
    let _ = std::io::stderr().write_all(exit.stderr.as_bytes());
    match written {
        Ok(()) => ExitCode::from(exit.code),
        // A full disk or a closed pipe loses the output: never report success then.
        // (A stdout closed before the start is /dev/null: the Rust runtime reopens it
        // so, before `main`, indistinguishable from `>/dev/null`.)
        Err(e) => {
            eprintln!("error: cannot write to standard output: {e}");
            ExitCode::from(TOOL_FAILURE)
        }
    }
}

/// Log lines on stderr: `-q`/`-v` win, then `SCS_RELEASE_LOG`, then `RUST_LOG`, else `warn`.
/// A filter that does not parse is reported once and the default used.
fn init_log(flags: Option<&str>) {
    use tracing_subscriber::EnvFilter;
    let (source, directives) = match flags {
        Some(f) => ("-q/-v", f.to_string()),
        None => ["SCS_RELEASE_LOG", "RUST_LOG"]
            .into_iter()
            .find_map(|k| {
                std::env::var(k)
                    .ok()
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (k, v))
            })
            .unwrap_or(("default", "warn".into())),
    };
    let filter = EnvFilter::try_new(&directives).unwrap_or_else(|e| {
        eprintln!("warning: {source}={directives:?} is not a log filter ({e}); using `warn`");
        EnvFilter::new("warn")
    });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .without_time()
        .init();
}
