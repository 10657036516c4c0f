//! `scs-release upgrade …`
//!
//! The `plan` and `record` commands live in `upgrade_plan.rs`.

use clap::Subcommand;

use super::upgrade_plan::{PlanArgs, RecordArgs};
use super::{Context, Outcome};

#[derive(Debug, Subcommand)]
pub enum UpgradeCmd {
    /// Plan an upgrade and predict its maintenance window and every API's outage.
    Plan(PlanArgs),
    /// Record the timings of a real upgrade run into a history directory (calibration).
    Record(RecordArgs),
}

pub fn run(cmd: UpgradeCmd, ctx: &Context) -> anyhow::Result<Outcome> {
    match cmd {
        UpgradeCmd::Plan(args) => super::upgrade_plan::plan(args, ctx),
        UpgradeCmd::Record(args) => super::upgrade_plan::record(args, ctx),
    }
}
