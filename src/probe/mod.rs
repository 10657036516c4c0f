//! Measuring the API outage of a real upgrade window: the probe log format (JSON lines), the
//! classification of its samples into full and degraded windows (outage-evidence.md §7), and
//! the prober that writes such a log.

pub mod classify;
pub mod compare;
pub mod log;

pub use classify::{ApiMeasure, Window, classify};
pub use log::{ProbeKind, ProbeLine, Sample};
