use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

/// Exit code for failures of the tool itself (bad input, usage errors, I/O).
const TOOL_FAILURE: u8 = 3;

fn main() -> ExitCode {
    let cli = match scs_release::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(TOOL_FAILURE)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SCS_RELEASE_LOG"))
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    match scs_release::run(cli) {
        Ok(out) => {
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(out.stdout.as_bytes())
                .and_then(|()| stdout.flush());
            let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            match written {
                Ok(()) => ExitCode::from(out.exit.clamp(0, 255) as u8),
                // A full disk or a closed pipe loses the output: never report success then.
                // (A stdout closed before the start is /dev/null: the Rust runtime reopens it
                // so, before `main`, indistinguishable from `>/dev/null`.)
                Err(e) => {
                    eprintln!("error: cannot write to standard output: {e}");
                    ExitCode::from(TOOL_FAILURE)
                }
            }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(TOOL_FAILURE)
        }
    }
}
