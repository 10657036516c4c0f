//! All git access: read-only questions about clones through git2 ([`LocalRepo`]), history
//! between two refs ([`history`], one `git log -z` call), tags ([`tags`]: reading, the newest
//! on a branch, creating), and updating clones through the `git` CLI ([`fetch`]), which
//! reuses the operator's credentials; the files of a tree at a tag ([`tree`], read out of
//! the object database, links never followed); folders and files of any commit and the
//! commit that last changed a folder ([`objects`]).
//!
//! Clones live under one directory (`--repos DIR`), found by [`find_clone`] as
//! `DIR/<owner>/<repo>` first, then `DIR/<repo>`.

pub mod fetch;
pub mod history;
pub mod objects;
pub mod repo;
pub mod tags;
pub mod tree;

pub use fetch::{FetchError, fetch};
pub use history::HistoryError;
pub use repo::{GitError, LocalRepo, TagInfo, find_clone, origin_url};
pub use tags::{
    branch_head, commit_exists, create_tag, newest_tag_on_branch, tag_commit, tags_at_commit,
};
