//! One integration-test binary (keeps link time down); one module per command group.

mod common;
mod notes;
mod releases;
