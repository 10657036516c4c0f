//! Release-candidate tracking.

pub mod status;
pub mod tracking;
