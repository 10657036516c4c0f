//! The bottom layer: types and helpers every other module may use, and that use nothing of
//! the crate above them (versions, YAML, globs, file writes, limits, progress, suggestions).

pub mod duration;
pub mod error_text;
pub mod fsutil;
pub mod glob;
pub mod limits;
pub mod progress;
pub mod suggest;
pub mod version;
pub mod yaml;
