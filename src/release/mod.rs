//! Release data: the model, the osism/release importer (one folder, or every folder of a
//! clone: [`sync`], with release dates from the OSISM release notes: [`notes_dates`]), OSISM's defaults (osism/defaults,
//! [`defaults`]), the `releases/` store, diffs, and the upgrade path solver with its rules
//! (`releases/upgrade-rules.yaml`).

pub mod components;
pub mod defaults;
pub mod diff;
pub mod error;
pub mod model;
pub mod notes_dates;
pub mod osism;
pub mod path;
pub mod path_rules;
pub mod store;
pub mod sync;

pub use error::ReleaseError;
pub use model::{Manifest, Pin, PinKind, ScsRelease};
pub use path::{Hop, PathRefusal, Step, Violation, solve};
pub use store::{ReleaseEntry, Store};
