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
    #[command(flatten)]
    pub out: super::output::ValidateOutput,
}

impl From<ValidateArgs> for ValidateRequest {
    fn from(a: ValidateArgs) -> ValidateRequest {
        ValidateRequest {
            plan: a.plan,
            probe: a.probe,
        }
    }
}
