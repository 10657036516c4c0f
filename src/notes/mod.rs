//! Release notes for the KaaS v1 and v2 tracks and the SCS release.
//!
//! Flow: [`tracks::plan`] turns the release data and the `--repo` checkouts into ranges
//! ([`tracks::Job`]); [`crate::git::history`] reads each range; [`classify`] turns commits into changes,
//! keeping the rule that decided; [`assemble`] builds each repo's part of the
//! [`context::NotesContext`], with the [`highlights`] written by hand,
//! that `render::notes` feeds to the Handlebars templates.

pub mod assemble;
pub mod changelog;
pub mod classify;
pub mod context;
pub mod error;
pub mod github;
pub mod highlights;
pub mod rules;
pub mod tracks;

pub use context::NotesContext;
pub use error::NotesError;
