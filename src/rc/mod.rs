//! Release-candidate tracking: the readiness matrix (`status`), consistency findings, diffs
//! between releases, cutting and promoting release candidates (with a journal that makes
//! tagging resumable).

pub mod consistency;
pub mod cut;
pub mod diff;
pub mod error;
pub mod github_tags;
pub mod status;
pub mod tags;
pub mod tracking;

pub use consistency::{Check, Finding, Severity, findings};
// `rc cut`'s journal, also at `rc::journal`: the CLI tests name its crash hook by that path.
pub use cut::journal;
pub use error::RcError;
