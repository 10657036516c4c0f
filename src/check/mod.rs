//! Upgrade preconditions: the check catalogue as data (`releases/checks/*.yaml`) and the
//! engine that evaluates it against the evidence of a site (`crate::evidence`) into findings.

pub mod catalog;
pub mod engine;
pub mod error;
pub mod eval;
pub mod report;

pub use error::CheckError;
