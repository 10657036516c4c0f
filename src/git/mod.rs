//! Local git: read-only questions about clones through git2 ([`LocalRepo`]), and updating
//! clones through the `git` CLI ([`fetch`]), which reuses the operator's credentials.
//!
//! Clones live under one directory (`--repos DIR`), found by [`find_clone`] as
//! `DIR/<owner>/<repo>` first, then `DIR/<repo>`.

pub mod fetch;
pub mod repo;
pub mod tagging;

pub use fetch::{FetchError, fetch};
pub use repo::{GitError, LocalRepo, TagInfo, find_clone};
pub use tagging::{create_tag, tags_at_commit};
