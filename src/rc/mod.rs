//! Release-candidate tracking: the readiness matrix (`status`), consistency findings, diffs
//! between releases, cutting and promoting release candidates (with a journal that makes
//! tagging resumable).

pub mod consistency;
pub mod cut;
pub mod diff;
pub mod error;
pub mod folder;
pub mod github_tags;
pub mod journal;
pub mod leftovers;
pub mod status;
pub mod tags;
pub mod tracking;

pub use consistency::{Check, Finding, Severity, findings};
pub use error::RcError;
