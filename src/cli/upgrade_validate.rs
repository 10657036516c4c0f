//! `scs-release upgrade validate`: arguments.

use std::path::PathBuf;

use clap::Args;

use crate::app::validate::ValidateRequest;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The plan, as written by `upgrade plan -o json -O plan.json` before the window.
    #[arg(long, value_name = "FILE")]
    pub plan: PathBuf,
    /// The probe log written by `upgrade probe` during the window (JSON lines).
    #[arg(long, value_name = "FILE")]
    pub probe: PathBuf,
    /// Run data with the steps' time spans: our timing log or ARA exports (`ara playbook list
    /// -f json`, `ara result list -f json`), as `upgrade record` reads them; repeatable.
    /// Each measured window is then attributed to the step that ran when it began.
    #[arg(long = "log", value_name = "FILE")]
    pub logs: Vec<PathBuf>,
    /// The host of docker events among the logs (docker events carry no host name).
    #[arg(long, value_name = "NAME")]
    pub host: Option<String>,
    #[command(flatten)]
    pub out: super::output::ValidateOutput,
}

impl From<ValidateArgs> for ValidateRequest {
    fn from(a: ValidateArgs) -> ValidateRequest {
        ValidateRequest {
            plan: a.plan,
            probe: a.probe,
            logs: a.logs,
            host: a.host,
        }
    }
}
