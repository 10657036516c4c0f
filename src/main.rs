use std::io::Write;
use std::process::ExitCode;

use scs_release::TOOL_FAILURE;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_env("SCS_RELEASE_LOG"))
        .with_writer(std::io::stderr)
        .without_time()
        .init();
    let exit = scs_release::execute(std::env::args_os());
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
