//! Measuring the API outage of a real upgrade window: the probe log format (JSON lines), the
//! classification of its samples into full and degraded windows (outage-evidence.md §7), and
//! the prober that writes such a log (`upgrade probe`).
//!
//! - [`log`], [`classify`]: the log and what it says;
//! - [`http`]: a minimal HTTP/1.1 client (std sockets + rustls), fresh connection per request;
//! - [`clouds`], [`keystone`], [`endpoints`]: what to probe (clouds.yaml and the catalog, an
//!   endpoints file, `--url`);
//! - [`prober`]: the schedule, the workers and the writer, on an injected clock and transport.

pub mod classify;
pub mod clouds;
pub mod compare;
pub mod endpoints;
pub mod error;
pub mod http;
pub mod keystone;
pub mod log;
pub mod prober;

pub use classify::{ApiMeasure, Window, classify};
pub use error::ProbeError;
pub use log::{ProbeKind, ProbeLine, Sample};
