//! scs-release: release-candidate tracking, upgrade checks, upgrade plans with predicted API
//! outage windows, and release notes for Sovereign Cloud Stack.
//!
//! Data flows `release → {rc, check, plan, notes} → render`; the library never prints:
//! commands return an [`cli::Outcome`] that `main.rs` writes out.

pub mod check;
pub mod cli;
pub mod data;
pub mod forge;
pub mod fsutil;
pub mod git;
pub mod glob;
pub mod limits;
pub mod notes;
pub mod plan;
pub mod progress;
pub mod rc;
pub mod release;
pub mod render;
pub mod version;
pub mod yaml;

pub use cli::{Cli, Outcome, run};
