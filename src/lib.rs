//! scs-release: release-candidate tracking, upgrade checks, upgrade plans with predicted API
//! outage windows, and release notes for Sovereign Cloud Stack.
//!
//! Layers, bottom to top (every import points down; see the README's design section):
//! `base`, `data` < `git`, `forge` < `release` < `evidence` < `check`, `plan`, `rc`, `notes`
//! < `render` < `app` < `cli`. The library never prints: commands return an
//! [`cli::Outcome`] that `main.rs` writes out.

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
pub mod rc;
pub mod release;
pub mod render;

pub use cli::{Cli, Outcome, run};
