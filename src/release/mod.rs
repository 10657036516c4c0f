//! Release data: the model, the osism/release importer, the `releases/` store and diffs.

pub mod components;
pub mod diff;
pub mod error;
pub mod model;
pub mod osism;
pub mod schema;
pub mod store;

pub use error::ReleaseError;
pub use model::{Manifest, Pin, PinKind, ScsRelease};
pub use store::{ReleaseEntry, Store};
