//! The upgrade planner: steps and order as data (`releases/plan/`), the site, the step DAG,
//! the duration and outage model with provenance, and a seeded Monte-Carlo prediction of the
//! maintenance window and of every API's outage.

pub mod chain;
pub mod compile;
pub mod dag;
pub mod error;
pub mod history;
pub mod hop_flags;
pub mod ir;
pub mod load;
pub mod model;
pub mod report;
pub mod rng;
pub mod sim;
pub mod site;
pub mod validate;

pub use error::PlanError;
pub use ir::{Plan, Step};
pub use sim::{SimConfig, Simulation, Timeline};
pub use site::Site;

#[cfg(test)]
mod tests;
