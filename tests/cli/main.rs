//! One integration-test binary (keeps link time down); one module per command group.

mod common;
mod plan;
mod releases;
mod upgrade;
mod version;
