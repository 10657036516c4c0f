//! The JSON context between history and templates (`notes --context` prints it,
//! `notes --from-context FILE` renders from it). Documented in `docs/notes.md`; every field is
//! always present (`null` or empty when unknown) so strict-mode templates can rely on it.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Version of the context layout; bumped on incompatible changes.
pub const CONTEXT_SCHEMA_VERSION: u32 = 1;
pub const CONTEXT_KIND: &str = "notes-context";

/// The kind of a change, which decides its section.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Breaking,
    Feature,
    Fix,
    Docs,
    Other,
    Deps,
    Unsorted,
}

fn unsorted() -> Kind {
    Kind::Unsorted
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::Breaking,
        Kind::Feature,
        Kind::Fix,
        Kind::Docs,
        Kind::Other,
        Kind::Deps,
        Kind::Unsorted,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Breaking => "breaking",
            Kind::Feature => "feature",
            Kind::Fix => "fix",
            Kind::Docs => "docs",
            Kind::Other => "other",
            Kind::Deps => "deps",
            Kind::Unsorted => "unsorted",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == s)
    }
}

/// Which rule decided a change's kind, kept so a reader can see why an item landed where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleMatch {
    /// How the subject was read: `conventional`, `gitmoji`, `osism`, `pr-title`, `plain`,
    /// prefixed with `merge/` when the title came from a merge commit's body.
    pub style: String,
    /// What decided the kind: `type feat`, `gitmoji :sparkles:`, `label bug`,
    /// `keyword #2 ^(fix|…)\b`, `breaking-footer`, `none`.
    pub rule: String,
}

/// One change (a PR or a commit). Optional fields (`pr`, `url`, `type`, `scope`, `component`,
/// `author`, `labels`) are left out when empty, to keep large ranges small: test them
/// with `{{#if pr}}` in templates.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Change {
    pub sha: String,
    pub short_sha: String,
    /// The commit subject as written.
    pub subject: String,
    /// The human title: type/gitmoji prefix and `(#NNN)` removed; for merges the PR title.
    pub title: String,
    /// Not in the JSON: the section a change sits in says it (`changes.fixes` …).
    #[serde(skip, default = "unsorted")]
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pr: Option<u64>,
    /// Link to the PR, else to the commit (null when the repo slug is unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Conventional commit type (`feat`).
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// OSISM `component: message` component.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    /// Commit author, or the PR author with `--github`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// GitHub labels (with `--github`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// `style` and `rule` (flattened into the change).
    #[serde(flatten)]
    pub rule: RuleMatch,
}

impl Change {
    /// The change as template JSON, moving its strings (same shape as its `Serialize`, which a
    /// test checks); cheaper than `serde_json::to_value` on large ranges.
    pub fn into_value(self) -> serde_json::Value {
        use serde_json::Value as V;
        let optional = [
            self.pr.is_some(),
            self.url.is_some(),
            self.type_.is_some(),
            self.scope.is_some(),
        ]
        .into_iter()
        .chain([
            self.component.is_some(),
            self.author.is_some(),
            !self.labels.is_empty(),
        ])
        .filter(|b| *b)
        .count();
        let mut m = serde_json::Map::with_capacity(6 + optional);
        m.insert("sha".into(), V::String(self.sha));
        m.insert("short_sha".into(), V::String(self.short_sha));
        m.insert("subject".into(), V::String(self.subject));
        m.insert("title".into(), V::String(self.title));
        if let Some(pr) = self.pr {
            m.insert("pr".into(), V::from(pr));
        }
        if let Some(url) = self.url {
            m.insert("url".into(), V::String(url));
        }
        if let Some(t) = self.type_ {
            m.insert("type".into(), V::String(t));
        }
        if let Some(s) = self.scope {
            m.insert("scope".into(), V::String(s));
        }
        if let Some(c) = self.component {
            m.insert("component".into(), V::String(c));
        }
        if let Some(a) = self.author {
            m.insert("author".into(), V::String(a));
        }
        if !self.labels.is_empty() {
            m.insert(
                "labels".into(),
                V::Array(self.labels.into_iter().map(V::String).collect()),
            );
        }
        m.insert("style".into(), V::String(self.rule.style));
        m.insert("rule".into(), V::String(self.rule.rule));
        V::Object(m)
    }
}

/// Dependency updates of one dependency, grouped (renovate `chore(deps)`, `Update dependency …`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DepGroup {
    pub name: String,
    /// Newest version updated to, when the titles say.
    pub version: Option<String>,
    pub prs: Vec<u64>,
    /// Commits of the updates (the changes themselves are in `changes.deps`).
    pub shas: Vec<String>,
}

/// Changes by kind, each list in the order the changes landed (oldest first).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sections {
    pub breaking: Vec<Change>,
    pub features: Vec<Change>,
    pub fixes: Vec<Change>,
    pub docs: Vec<Change>,
    pub other: Vec<Change>,
    pub deps: Vec<Change>,
    pub unsorted: Vec<Change>,
}

impl Sections {
    /// Set each change's `kind` from the section it sits in (after reading a context file).
    pub fn fix_kinds(&mut self) {
        for k in Kind::ALL {
            for c in self.list_mut(k) {
                c.kind = k;
            }
        }
    }

    pub fn list(&self, k: Kind) -> &Vec<Change> {
        match k {
            Kind::Breaking => &self.breaking,
            Kind::Feature => &self.features,
            Kind::Fix => &self.fixes,
            Kind::Docs => &self.docs,
            Kind::Other => &self.other,
            Kind::Deps => &self.deps,
            Kind::Unsorted => &self.unsorted,
        }
    }

    pub fn list_mut(&mut self, k: Kind) -> &mut Vec<Change> {
        match k {
            Kind::Breaking => &mut self.breaking,
            Kind::Feature => &mut self.features,
            Kind::Fix => &mut self.fixes,
            Kind::Docs => &mut self.docs,
            Kind::Other => &mut self.other,
            Kind::Deps => &mut self.deps,
            Kind::Unsorted => &mut self.unsorted,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counts {
    /// Commits read in the range (after the path filter).
    pub commits: usize,
    /// Changes listed (commits minus skipped merges).
    pub changes: usize,
    /// Branch merges skipped (`Merge branch 'main' into …`).
    pub skipped: usize,
    pub breaking: usize,
    pub features: usize,
    pub fixes: usize,
    pub docs: usize,
    pub other: usize,
    pub deps: usize,
    pub unsorted: usize,
}

/// The notes of one component repo (or one cluster stack) over one range.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RepoNotes {
    /// `kaas-v1` or `kaas-v2`.
    pub track: String,
    /// GitHub slug `SovereignCloudStack/csctl` (null when unknown).
    pub repo: Option<String>,
    /// Short name: `csctl`, or the cluster-stack series `openstack-scs-1-28`.
    pub name: String,
    /// Heading text: `csctl v0.0.4`, or the cluster-stack tag `openstack-scs-1-28-v2`.
    pub heading: String,
    pub url: Option<String>,
    /// Start of the range (exclusive); null = from the first commit.
    pub from: Option<String>,
    pub to: String,
    pub from_sha: Option<String>,
    pub to_sha: String,
    /// Path filter (cluster-stacks: `providers/openstack/scs/1-28`).
    pub path: Option<String>,
    /// How the range was chosen: `R6 names v0.1.0-alpha.5`, `newest tag at R5's date
    /// 2023-09-20 (R5 names none)`, `--from`.
    #[serde(default)]
    pub range_note: String,
    /// `true` when changes were enriched from GitHub.
    pub enriched: bool,
    pub counts: Counts,
    pub changes: Sections,
    pub deps: Vec<DepGroup>,
    /// Authors of this repo's changes (PR authors with `--github`), bots left out, sorted.
    pub contributors: Vec<String>,
    /// Changes of the range kept out of the lists, each with the reason (a revert and the
    /// change it reverts, a `fixup!` of a listed change, a PR the highlights tell about).
    #[serde(default)]
    pub left_out: Vec<LeftOut>,
    /// Why each listed change is where it is: the changes of each section grouped by the
    /// rule that put them there (the closing note of the notes prints it).
    #[serde(default)]
    pub reasons: Vec<Reason>,
    /// Changes labelled for the highlights (`highlight_labels` in the rules, with `--github`).
    #[serde(default)]
    pub labelled: Vec<LabelledChange>,
    /// The changes already turned into template JSON while history was read (large ranges:
    /// saves a second copy and overlaps the work with `git log`); `changes` is then empty.
    #[serde(skip)]
    pub json: Option<JsonSections>,
}

/// A change of the range that the lists leave out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LeftOut {
    /// `#580` or the short sha.
    pub reference: String,
    pub title: String,
    pub reason: String,
}

/// The changes of one section that one rule put there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Reason {
    /// The section key (`features`, `fixes`, …).
    pub section: String,
    /// The rule (`keyword #3 fix verb`, `type feat`, `label bug`).
    pub rule: String,
    /// `#579` or short shas, in the order the changes landed.
    pub refs: Vec<String>,
}

/// Changes by kind as template JSON (see [`RepoNotes::json`]).
pub type JsonSections = Vec<(Kind, Vec<serde_json::Value>)>;

impl Kind {
    /// The key of this kind's list under `changes` (`features`, `fixes`, …).
    pub fn section_key(self) -> &'static str {
        match self {
            Kind::Breaking => "breaking",
            Kind::Feature => "features",
            Kind::Fix => "fixes",
            Kind::Docs => "docs",
            Kind::Other => "other",
            Kind::Deps => "deps",
            Kind::Unsorted => "unsorted",
        }
    }
}

/// A name/version row (software table).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NameVersion {
    pub name: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CandidateInfo {
    pub version: String,
    pub label: String,
    pub date: Option<String>,
}

/// The SCS release the notes are for, from `releases/scs/*.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReleaseInfo {
    /// `R6`.
    pub name: String,
    /// `6`.
    pub number: String,
    /// OSISM version `7.0.0`.
    pub version: String,
    pub date: Option<String>,
    /// `Month YYYY` of the date (`March 2024`).
    pub month: Option<String>,
    pub status: String,
    pub candidates: Vec<CandidateInfo>,
    pub openstack: String,
    pub ceph: String,
    /// Previous SCS release name (`R5`).
    pub previous: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KaasV1Info {
    pub repo: String,
    pub tag: String,
    pub previous_tag: Option<String>,
    pub candidates: Vec<String>,
    pub support: String,
    pub kubernetes: Vec<String>,
    /// `1.25 -- 1.28`.
    pub kubernetes_range: Option<String>,
    pub software: Vec<NameVersion>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KaasV2Info {
    pub support: String,
    pub components: Vec<NameVersion>,
    pub cluster_stacks: Vec<String>,
    pub kubernetes: Vec<String>,
}

/// One item of the OSISM release's upgrade notes or known issues, as the release data
/// (`releases/checks/`) summarises it: the check that covers it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OsismItem {
    /// The check ID (`OCTAVIA-CA-01`): `scs-release upgrade check` tests it.
    pub id: String,
    pub title: String,
}

/// The OSISM release of the SCS release: links to its notes and what the data says of them.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OsismNotes {
    /// `7.0.0`.
    pub version: String,
    /// The release-notes page of the major (`https://osism.tech/docs/release-notes/osism-7`).
    pub url: String,
    pub upgrade_notes: Vec<OsismItem>,
    pub known_issues: Vec<OsismItem>,
}

/// An open issue labelled as a known issue (`known_issue_labels`, with `--github`).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KnownIssue {
    /// Repo short name (`cluster-stack-operator`).
    pub repo: String,
    pub number: u64,
    pub title: String,
    pub url: String,
}

/// A change whose GitHub labels mark it for the highlights (`highlight_labels` in the rules).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LabelledChange {
    /// Repo short name (`csctl`, `openstack-scs-1-28`).
    pub repo: String,
    pub title: String,
    pub pr: Option<u64>,
    pub url: Option<String>,
    /// `feature`, `fix`, … (the kind the change was sorted as).
    pub kind: String,
}

/// Hand-written highlights (`--highlights FILE`, Markdown).
#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Highlights {
    /// Text before the first `## ` heading (or the whole file).
    pub text: String,
    /// `## Heading` sections by slug (`upgrade-migration-notes`), text without the heading.
    pub sections: IndexMap<String, String>,
}

/// Everything a notes template sees.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NotesContext {
    pub schema_version: u32,
    pub kind: String,
    /// `kaas-v1`, `kaas-v2` or `scs`.
    pub track: String,
    pub generator: String,
    pub release: ReleaseInfo,
    pub kaas_v1: Option<KaasV1Info>,
    pub kaas_v2: Option<KaasV2Info>,
    pub highlights: Highlights,
    /// The OSISM release's notes (SCS notes; null when the data has no such release).
    #[serde(default)]
    pub osism: Option<OsismNotes>,
    /// Changes labelled for the highlights (with `--github`), of every repo.
    #[serde(default)]
    pub labelled: Vec<LabelledChange>,
    /// Open issues of the KaaS v2 repos labelled as known issues (with `--github`).
    #[serde(default)]
    pub known_issues: Vec<KnownIssue>,
    pub repos: Vec<RepoNotes>,
    /// Repos the release data names but no `--repo` was given for (their notes are missing).
    pub missing_repos: Vec<String>,
    /// Authors of all changes (PR authors with `--github`), sorted, unique.
    pub contributors: Vec<String>,
}

impl NotesContext {
    /// Recompute the fields derived from `repos`.
    pub fn finish(&mut self) {
        self.labelled = self
            .repos
            .iter()
            .flat_map(|r| r.labelled.iter().cloned())
            .collect();
        let mut authors: Vec<String> = self
            .repos
            .iter()
            .flat_map(|r| r.contributors.iter().cloned())
            .collect();
        authors.sort_by_key(|a| a.to_lowercase());
        authors.dedup();
        self.contributors = authors;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn into_value_matches_serialize() {
        let mut c = Change {
            sha: "a".repeat(40),
            short_sha: "aaaaaaa".into(),
            subject: "feat(x)!: y (#1)".into(),
            title: "y".into(),
            kind: Kind::Breaking,
            pr: Some(1),
            url: Some("https://github.com/o/r/pull/1".into()),
            type_: Some("feat".into()),
            scope: Some("x".into()),
            component: None,
            author: Some("Dev".into()),
            labels: vec!["bug".into()],
            rule: RuleMatch {
                style: "conventional".into(),
                rule: "type feat!".into(),
            },
        };
        assert_eq!(c.clone().into_value(), serde_json::to_value(&c).unwrap());
        c.pr = None;
        c.labels.clear();
        c.type_ = None;
        assert_eq!(c.clone().into_value(), serde_json::to_value(&c).unwrap());
        let back: Change = serde_json::from_value(c.clone().into_value()).unwrap();
        assert_eq!(
            back.kind,
            Kind::Unsorted,
            "kind comes from the section, see Sections::fix_kinds"
        );
        assert_eq!(back.rule, c.rule);
    }
}
