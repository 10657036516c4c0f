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
            let _ = std::io::stdout().write_all(out.stdout.as_bytes());
            let _ = std::io::stderr().write_all(out.stderr.as_bytes());
            ExitCode::from(out.exit.clamp(0, 255) as u8)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(TOOL_FAILURE)
        }
    }
}
