//! `rc cut` and `rc promote`: propose the next release from the current one, then (with
//! `--execute`) write it and (with `--tag`) create the tags it needs, journaled so that an
//! interrupted run can be started again.
//!
//! - `cut`: each component the release owns is bumped to its newest tag on its release
//!   branch (kind rules in `releases/rc/components.yaml`); pins that carry the release's own
//!   version (`manager_version: 7.0.0b`) become the next version; third-party pins stay
//!   unless `bump_third_party`.
//! - `promote`: the RC's pins become the final's; only pins carrying the release version
//!   change (`7.0.0d` → `7.0.0`).
//!
//! The tags a release needs are the expected tags of its owned components (`{raw}` for
//! `manager_version` → `7.0.0c` in osism/release); missing ones are planned on the head of
//! the component's release branch.
//!
//! This file holds the types both halves share. [`validate()`] and [`propose()`] are pure
//! (they read tags only through a `TagSource`); [`execute()`] writes the release (with
//! [`folder`] for the osism/release-style folder) and creates the tags, journaled in
//! [`journal`].

pub mod folder;
pub mod journal;

mod execute;
mod propose;

pub use execute::{Executed, Step, execute, manifest_text};
pub use propose::{propose, tag_to_value, validate};

use std::path::PathBuf;

use serde::Serialize;

use crate::base::version::Version;
use crate::release::Manifest;
use crate::release::diff::PinDiff;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Cut,
    Promote,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Cut => "cut",
            Mode::Promote => "promote",
        }
    }
}

/// What happened to one pin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(tag = "outcome", rename_all = "kebab-case")]
pub enum Outcome {
    /// Moved to the newest tag on the release branch.
    Bumped { tag: String },
    /// Already at the newest tag.
    Current { tag: Option<String> },
    /// Carries the release version: set to the next version.
    ReleaseVersion,
    /// Not owned by the release (third-party, image, tool, setting): kept.
    Kept,
    /// Should be looked at but could not be: kept, and the reason.
    Unknown { why: String },
}

/// The decision on one pin that the release owns or that was asked to bump.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Decision {
    pub id: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    pub old: Version,
    pub new: Version,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// The state of a tag the new release needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum TagState {
    /// The tag exists already.
    Exists,
    /// Missing: `--tag` creates it on the planned commit.
    Missing,
    /// No source to tell (no clone): unknown.
    Unknown,
}

/// A tag the new release needs in a repository it owns.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct NeededTag {
    pub repo: String,
    pub tag: String,
    /// The pins that need it.
    pub pins: Vec<String>,
    pub branch: Option<String>,
    /// Existing tag: its commit. Missing: the head of the release branch now.
    pub commit: Option<String>,
    pub state: TagState,
}

/// A proposed next release.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Proposal {
    pub mode: Mode,
    pub from: Version,
    pub next: Version,
    /// Where the tags were read from (`local clones in /src`), if anywhere.
    pub tag_source: Option<String>,
    pub bump_third_party: bool,
    pub decisions: Vec<Decision>,
    pub tags: Vec<NeededTag>,
    pub diff: PinDiff,
    #[serde(skip)]
    pub manifest: Manifest,
}

impl Proposal {
    /// Pins the release owns (or was asked to bump) whose newest tag is unknown, and needed
    /// tags whose state is unknown.
    pub fn unknowns(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .decisions
            .iter()
            .filter_map(|d| match &d.outcome {
                Outcome::Unknown { why } => Some(format!("{}: {why}", d.id)),
                _ => None,
            })
            .collect();
        out.extend(
            self.tags
                .iter()
                .filter(|t| t.state == TagState::Unknown)
                .map(|t| format!("{} tag {}: no clone to check or create it", t.repo, t.tag)),
        );
        out
    }
}

/// Where `--execute` writes.
#[derive(Debug, Clone)]
pub struct Targets {
    /// The data root holding `releases/`.
    pub root: PathBuf,
    /// `--osism PATH`: the parent of the osism/release-style folder.
    pub osism: Option<PathBuf>,
    /// `--tag`: create the missing tags.
    pub tag: bool,
}

#[cfg(test)]
mod tests;
