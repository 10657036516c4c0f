//! `scs-release rc …`: release-candidate tracking.

use clap::Subcommand;

use super::rc_release;
use super::{Context, Outcome};

#[derive(Debug, Subcommand)]
pub enum RcCmd {
    /// What changed between two releases (RC or final), with consistency findings on each.
    Diff(rc_release::DiffArgs),
    /// Propose the next release candidate from the current one (dry run unless --execute).
    Cut(rc_release::CutArgs),
    /// Promote a release candidate to the final release (dry run unless --execute).
    Promote(rc_release::PromoteArgs),
}

pub fn run(cmd: RcCmd, ctx: &Context) -> anyhow::Result<Outcome> {
    match cmd {
        RcCmd::Diff(a) => rc_release::diff(a, ctx),
        RcCmd::Cut(a) => rc_release::cut(a, ctx),
        RcCmd::Promote(a) => rc_release::promote(a, ctx),
    }
}
