//! One integration-test binary (keeps link time down); one module per command group.

mod bad_input;
mod common;
mod conventions;
mod defaults;
mod ecosystem;
mod effective_checks;
mod fake_github;
mod hardening;
mod layers;
mod meta;
mod notes;
mod notes_coverage;
mod output_schemas;
mod plan;
mod probe;
mod rc_release;
mod rc_status;
mod record;
mod releases;
mod releases_sync;
mod upgrade;
mod validate;
mod version;
mod writes;
