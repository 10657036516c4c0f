//! Upgrade preconditions and upgrade paths.
//!
//! - [`path`]: the path solver (`releases/upgrade-rules.yaml`).
//! - [`catalog`]: the checks, as data (`releases/checks/*.yaml`).
//! - Evidence readers: [`config`] (the operator's configuration repository, with
//!   [`vault`] for ansible-vault), [`inventory`] (OSISM INI inventory), [`facts`] (outputs
//!   collected from the live cloud).
//! - [`engine`]: evaluates the catalogue against the evidence into findings.

pub mod error;
pub mod path;
pub mod rules;

pub use error::CheckError;
pub use path::{Hop, PathRefusal, Step, Violation, solve};
pub mod catalog;
pub mod config;
pub mod engine;
pub mod facts;
pub mod inventory;
pub mod vault;
