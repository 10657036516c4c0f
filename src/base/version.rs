//! One `Version` type for every spelling found in SCS / OSISM manifests and tags.
//!
//! A value is classified into a [`Kind`]; nothing is a parse error. Numeric versions cover
//! semver (`8.0.0-rc.1`), OSISM letter pre-releases (`7.0.0a`), `v`-prefixed tags
//! (`v7.0.0-rc1`, `v0.1.0-alpha.4`), calver (`v0.20240221.0`), pbr (`28.0.0.0rc1`), Docker
//! epochs (`5:24.0.9`), build metadata (`v1.29.0+k3s1`) and variant suffixes that are not
//! pre-releases (`1.6.23-alpine`, `19.0.3-legacy`). Other kinds: cluster-stack tags,
//! branches, commit SHAs, moving refs, codenames, ranges, URLs and nulls.
//!
//! Ordering is total: first by kind, then within the kind (numeric versions by epoch, release
//! numbers, pre-release, then spelling). Two spellings of the same version (`v7.0.0`, `7.0.0`)
//! are not equal but [`Version::same_as`] says they name the same release.

use std::cmp::Ordering;
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// A pinned value or tag, parsed.
#[derive(Debug, Clone)]
pub struct Version {
    raw: String,
    kind: Kind,
}

/// What kind of value a version string is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A numeric version, possibly with pre-release, variant, build metadata or epoch.
    Numeric(Numeric),
    /// A Cluster Stacks release tag such as `openstack-scs-1-28-v1`.
    ClusterStack(ClusterStackTag),
    /// A branch name such as `stable-2023.2` or `stable/4.6`: not frozen.
    Branch,
    /// A full commit SHA (40 or 64 hex digits).
    Sha,
    /// A moving reference such as `latest`, `main`, `master`, `devel`.
    MovingRef,
    /// A release codename such as `quincy` (Ceph) or `zed` (OpenStack).
    Codename,
    /// A version range such as `>=9.0.0,<10.0.0`.
    Range(Vec<Constraint>),
    /// A URL (e.g. helm chart repositories).
    Url,
    /// No value (`~`, empty).
    Null,
    /// Anything else (e.g. `14-to-15`, `SCS_RELEASE_1=v2.0.0`).
    Other,
}

/// How the numbers of a numeric version are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// `major.minor.patch` (possibly with fewer or more parts).
    Semver,
    /// `0.YYYYMMDD.N` as used by OSISM collections and images.
    Calver,
    /// Four numbers, OpenStack pbr style (`28.0.0.0rc1`).
    Pbr,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numeric {
    pub v_prefix: bool,
    pub epoch: Option<u64>,
    pub numbers: Vec<u64>,
    /// Pre-release identifiers; empty for a final release.
    pub pre: Vec<Ident>,
    /// A suffix that is not a pre-release (`alpine`, `legacy`, `22.04_beta`).
    pub variant: Option<String>,
    /// Build metadata after `+` (`k3s1`).
    pub build: Option<String>,
    pub scheme: Scheme,
}

/// A pre-release identifier: numbers compare numerically and sort before words.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ident {
    Num(u64),
    Word(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterStackTag {
    pub provider: String,
    pub name: String,
    pub k8s_major: u64,
    pub k8s_minor: u64,
    /// `v1`, `v2` … ; 0 for `-v0-sha-…` development tags.
    pub version: u64,
    /// Set for development tags `…-v0-sha-<hash>`.
    pub sha: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Constraint {
    pub op: String,
    pub version: Numeric,
}

/// Words that make a suffix a pre-release rather than a variant.
const PRE_WORDS: &[&str] = &[
    "dev", "a", "alpha", "b", "beta", "c", "rc", "pre", "preview",
];
const MOVING_REFS: &[&str] = &[
    "latest", "main", "master", "devel", "develop", "head", "HEAD", "stable", "edge", "nightly",
];
/// Ceph and OpenStack codenames seen in OSISM manifests.
const CODENAMES: &[&str] = &[
    "octopus",
    "pacific",
    "quincy",
    "reef",
    "squid",
    "tentacle", // Ceph
    "wallaby",
    "xena",
    "yoga",
    "zed",
    "antelope",
    "bobcat",
    "caracal",
    "dalmatian",
    "epoxy",
    "flamingo",
    "gazpacho",
];

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<v>[vV])?(?:(?P<epoch>\d+):)?(?P<nums>\d+(?:\.\d+)*)(?P<rest>[-.]?[0-9A-Za-z][0-9A-Za-z._~-]*)?(?:\+(?P<build>[0-9A-Za-z.-]+))?$",
    )
    .expect("valid regex")
});
static CLUSTER_STACK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<provider>[a-z0-9]+)-(?P<name>[a-z0-9]+(?:-[a-z][a-z0-9]*)*)-(?P<maj>\d+)-(?P<min>\d+)-v(?P<ver>\d+)(?:-sha[-.](?P<sha>[0-9a-f]{7,40}))?$")
        .expect("valid regex")
});
static SHA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$").expect("valid regex"));
static BRANCH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:stable|release|unmaintained|feature|bugfix|hotfix)[-/][0-9A-Za-z._/-]+$|^[A-Za-z0-9._-]+/[A-Za-z0-9._/-]+$")
        .expect("valid regex")
});
static CONSTRAINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?P<op>>=|<=|==|!=|~=|\^|~|>|<|=)\s*(?P<v>[^\s,]+)\s*$").expect("valid regex")
});
static PRE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<word>dev|alpha|beta|preview|pre|rc|a|b|c|d|e|f|g|h)(?P<tail>[.-]?\d+(?:\.\d+)*)?$",
    )
    .expect("valid regex")
});

impl Version {
    /// Classify and parse any value. Never fails.
    pub fn parse(raw: &str) -> Version {
        let raw = raw.trim();
        match classify(raw) {
            Kind::Null => Version::null(),
            kind => Version {
                raw: raw.to_string(),
                kind,
            },
        }
    }

    /// The null value (an empty manifest entry).
    pub fn null() -> Version {
        Version {
            raw: String::new(),
            kind: Kind::Null,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.raw
    }

    pub fn kind(&self) -> &Kind {
        &self.kind
    }

    pub fn numeric(&self) -> Option<&Numeric> {
        match &self.kind {
            Kind::Numeric(n) => Some(n),
            _ => None,
        }
    }

    /// A short name of the kind for display: `version`, `pre-release`, `branch`, …
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Numeric(n) if !n.pre.is_empty() => "pre-release",
            Kind::Numeric(n) if n.scheme == Scheme::Calver => "calver",
            Kind::Numeric(_) => "version",
            Kind::ClusterStack(c) if c.sha.is_some() => "cluster-stack dev tag",
            Kind::ClusterStack(_) => "cluster-stack tag",
            Kind::Branch => "branch",
            Kind::Sha => "commit sha",
            Kind::MovingRef => "moving ref",
            Kind::Codename => "codename",
            Kind::Range(_) => "range",
            Kind::Url => "url",
            Kind::Null => "null",
            Kind::Other => "other",
        }
    }

    /// True for a pre-release (`7.0.0b`, `8.0.0-rc.1`, `v0.1.0-alpha.4`, cluster-stack dev tags).
    pub fn is_prerelease(&self) -> bool {
        match &self.kind {
            Kind::Numeric(n) => !n.pre.is_empty(),
            Kind::ClusterStack(c) => c.sha.is_some(),
            _ => false,
        }
    }

    /// For a pre-release, the final release it leads to (`7.0.0b` → `7.0.0`,
    /// `v7.0.0-rc1` → `v7.0.0`); `None` for anything else.
    pub fn final_release(&self) -> Option<Version> {
        let n = self.numeric().filter(|n| !n.pre.is_empty())?;
        let mut text = String::new();
        if n.v_prefix {
            text.push('v');
        }
        if let Some(e) = n.epoch {
            text.push_str(&format!("{e}:"));
        }
        text.push_str(
            &n.numbers
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join("."),
        );
        Some(Version::parse(&text))
    }

    /// True when the value is a frozen reference (a version, a SHA or a cluster-stack tag),
    /// false for branches, moving refs, codenames, ranges, nulls.
    pub fn is_frozen(&self) -> bool {
        matches!(
            self.kind,
            Kind::Numeric(_) | Kind::Sha | Kind::ClusterStack(_)
        )
    }

    /// The spelling-independent form used to compare pins of one family: no `v` prefix.
    /// `v0.20230919.0` and `0.20230919.0` normalise to the same text.
    pub fn normalized(&self) -> String {
        match &self.kind {
            Kind::Numeric(n) if n.v_prefix => self.raw[1..].to_string(),
            _ => self.raw.clone(),
        }
    }

    /// Same release regardless of spelling (`v7.0.0` vs `7.0.0`, `rc1` vs `rc.1`).
    pub fn same_as(&self, other: &Version) -> bool {
        match (&self.kind, &other.kind) {
            (Kind::Numeric(a), Kind::Numeric(b)) => {
                cmp_numeric_semantic(a, b) == Ordering::Equal
                    && a.variant == b.variant
                    && a.build == b.build
            }
            _ => self.raw == other.raw,
        }
    }

    /// Does this version satisfy every constraint of a range? `None` if either side is not numeric.
    pub fn satisfies(&self, range: &Version) -> Option<bool> {
        let n = self.numeric()?;
        let Kind::Range(constraints) = &range.kind else {
            return None;
        };
        Some(constraints.iter().all(|c| {
            let o = cmp_numeric_semantic(n, &c.version);
            match c.op.as_str() {
                ">=" => o != Ordering::Less,
                ">" => o == Ordering::Greater,
                "<=" => o != Ordering::Greater,
                "<" => o == Ordering::Less,
                "==" | "=" => o == Ordering::Equal,
                "!=" => o != Ordering::Equal,
                _ => true,
            }
        }))
    }

    /// Major number of a numeric version.
    pub fn major(&self) -> Option<u64> {
        self.numeric().and_then(|n| n.numbers.first().copied())
    }

    /// Minor number of a numeric version (0 when absent).
    pub fn minor(&self) -> Option<u64> {
        self.numeric()
            .map(|n| n.numbers.get(1).copied().unwrap_or(0))
    }
}

fn classify(raw: &str) -> Kind {
    if raw.is_empty() || matches!(raw, "~" | "null" | "None") {
        return Kind::Null;
    }
    if raw.contains("://") {
        return Kind::Url;
    }
    if SHA.is_match(raw) {
        return Kind::Sha;
    }
    if MOVING_REFS.contains(&raw) {
        return Kind::MovingRef;
    }
    if CODENAMES.contains(&raw.to_ascii_lowercase().as_str()) {
        return Kind::Codename;
    }
    if let Some(r) = parse_range(raw) {
        return Kind::Range(r);
    }
    if let Some(c) = CLUSTER_STACK.captures(raw) {
        return Kind::ClusterStack(ClusterStackTag {
            provider: c["provider"].to_string(),
            name: c["name"].to_string(),
            k8s_major: c["maj"].parse().unwrap_or(0),
            k8s_minor: c["min"].parse().unwrap_or(0),
            version: c["ver"].parse().unwrap_or(0),
            sha: c.name("sha").map(|m| m.as_str().to_string()),
        });
    }
    if let Some(n) = parse_numeric(raw) {
        return Kind::Numeric(n);
    }
    if BRANCH.is_match(raw) {
        return Kind::Branch;
    }
    Kind::Other
}

fn parse_range(raw: &str) -> Option<Vec<Constraint>> {
    if !raw.starts_with(['>', '<', '=', '!', '~', '^']) {
        return None;
    }
    raw.split(',')
        .map(|part| {
            let c = CONSTRAINT.captures(part)?;
            let version = parse_numeric(&c["v"])?;
            Some(Constraint {
                op: c["op"].to_string(),
                version,
            })
        })
        .collect()
}

fn parse_numeric(raw: &str) -> Option<Numeric> {
    let c = NUMERIC.captures(raw)?;
    let nums: Vec<&str> = c["nums"].split('.').collect();
    let numbers: Vec<u64> = nums.iter().map(|s| s.parse().ok()).collect::<Option<_>>()?;
    let mut pre = Vec::new();
    let mut variant = None;
    if let Some(rest) = c.name("rest") {
        let rest = rest.as_str();
        let (sep, body) = match rest.chars().next() {
            Some(ch @ ('-' | '.')) => (Some(ch), &rest[1..]),
            _ => (None, rest),
        };
        match pre_identifiers(body, sep) {
            Some(ids) => pre = ids,
            None if sep == Some('-') || sep == Some('.') => variant = Some(body.to_string()),
            // Attached text that is not a pre-release word (e.g. `5x`): not a version.
            None => return None,
        }
    }
    let scheme =
        if numbers.len() == 3 && numbers[0] == 0 && nums[1].len() == 8 && nums[1].starts_with("20")
        {
            Scheme::Calver
        } else if numbers.len() == 4 {
            Scheme::Pbr
        } else {
            Scheme::Semver
        };
    Some(Numeric {
        v_prefix: c.name("v").is_some(),
        epoch: c.name("epoch").and_then(|e| e.as_str().parse().ok()),
        numbers,
        pre,
        variant,
        build: c.name("build").map(|b| b.as_str().to_string()),
        scheme,
    })
}

/// Split a pre-release suffix into identifiers, or `None` if it is not a pre-release.
/// Letters a–h attached directly (`7.0.0a`) are OSISM's pre-release letters; after a
/// separator only the pre-release words count (`-alpine` is a variant).
fn pre_identifiers(body: &str, sep: Option<char>) -> Option<Vec<Ident>> {
    let mut ids = Vec::new();
    for (i, part) in body.split('.').enumerate() {
        if i == 0 {
            let c = PRE.captures(part)?;
            let word = &c["word"];
            let single_letter = word.len() == 1;
            if single_letter && !PRE_WORDS.contains(&word) && sep.is_some() {
                return None;
            }
            if single_letter && sep.is_some() && word != "a" && word != "b" && word != "c" {
                return None;
            }
            ids.push(Ident::Word(word.to_string()));
            if let Some(tail) = c.name("tail") {
                for n in tail.as_str().trim_start_matches(['.', '-']).split('.') {
                    ids.push(Ident::Num(n.parse().ok()?));
                }
            }
        } else if let Ok(n) = part.parse() {
            ids.push(Ident::Num(n));
        } else if !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()) {
            ids.push(Ident::Word(part.to_string()));
        } else {
            return None;
        }
    }
    Some(ids)
}

/// Compare two numeric versions by meaning only (epoch, numbers, pre-release).
fn cmp_numeric_semantic(a: &Numeric, b: &Numeric) -> Ordering {
    a.epoch
        .unwrap_or(0)
        .cmp(&b.epoch.unwrap_or(0))
        .then_with(|| {
            let len = a.numbers.len().max(b.numbers.len());
            (0..len)
                .map(|i| {
                    a.numbers
                        .get(i)
                        .copied()
                        .unwrap_or(0)
                        .cmp(&b.numbers.get(i).copied().unwrap_or(0))
                })
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        })
        .then_with(|| match (a.pre.is_empty(), b.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => a.pre.cmp(&b.pre),
        })
}

fn kind_rank(k: &Kind) -> u8 {
    match k {
        Kind::Null => 0,
        Kind::Other => 1,
        Kind::Url => 2,
        Kind::Range(_) => 3,
        Kind::Codename => 4,
        Kind::MovingRef => 5,
        Kind::Branch => 6,
        Kind::Sha => 7,
        Kind::ClusterStack(_) => 8,
        Kind::Numeric(_) => 9,
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        let by_kind = kind_rank(&self.kind).cmp(&kind_rank(&other.kind));
        let within = match (&self.kind, &other.kind) {
            (Kind::Numeric(a), Kind::Numeric(b)) => cmp_numeric_semantic(a, b)
                .then_with(|| a.variant.cmp(&b.variant))
                .then_with(|| a.build.cmp(&b.build)),
            (Kind::ClusterStack(a), Kind::ClusterStack(b)) => {
                (&a.provider, &a.name, a.k8s_major, a.k8s_minor)
                    .cmp(&(&b.provider, &b.name, b.k8s_major, b.k8s_minor))
                    // A dev tag (v0-sha) sorts before v1.
                    .then_with(|| a.version.cmp(&b.version))
                    .then_with(|| a.sha.cmp(&b.sha))
            }
            _ => Ordering::Equal,
        };
        // Spelling is the last tie-breaker so that the order is total and agrees with `Eq`.
        by_kind.then(within).then_with(|| self.raw.cmp(&other.raw))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.raw == other.raw
    }
}

impl Eq for Version {}

impl std::hash::Hash for Version {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.raw.hash(state);
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if matches!(self.kind, Kind::Null) {
            f.write_str("~")
        } else {
            f.write_str(&self.raw)
        }
    }
}

impl std::str::FromStr for Version {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Version::parse(s))
    }
}

impl Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.kind {
            Kind::Null => s.serialize_none(),
            _ => s.serialize_str(&self.raw),
        }
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: Option<String> = Option::deserialize(d)?;
        Ok(s.map(|s| Version::parse(&s)).unwrap_or_else(Version::null))
    }
}

impl schemars::JsonSchema for Version {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Version".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": ["string", "null"],
            "description": "A pinned value as written: a version in any spelling, a branch, a commit SHA, a moving ref, a codename, a range, or null."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s)
    }

    #[test]
    fn osism_letters_order_before_final() {
        let mut list: Vec<Version> = [
            "7.0.0", "7.0.0d", "7.0.0a", "6.0.0", "7.0.0b", "7.0.0c", "7.0.1",
        ]
        .map(v)
        .to_vec();
        list.sort();
        let names: Vec<&str> = list.iter().map(Version::as_str).collect();
        assert_eq!(
            names,
            [
                "6.0.0", "7.0.0a", "7.0.0b", "7.0.0c", "7.0.0d", "7.0.0", "7.0.1"
            ]
        );
        assert!(v("7.0.0b").is_prerelease());
        assert_eq!(v("7.0.0b").final_release().unwrap().as_str(), "7.0.0");
        assert!(!v("7.0.0").is_prerelease());
    }

    #[test]
    fn every_spelling_is_classified() {
        let cases: &[(&str, &str)] = &[
            ("8.0.0-rc.1", "pre-release"),
            ("v7.0.0-rc1", "pre-release"),
            ("v0.1.0-alpha.4", "pre-release"),
            ("v0.20240221.0", "calver"),
            ("0.20240221.0", "calver"),
            ("28.0.0.0rc1", "pre-release"),
            ("openstack-scs-1-28-v1", "cluster-stack tag"),
            ("openstack-scs-1-28-v0-sha-abc1234", "cluster-stack dev tag"),
            ("5:24.0.9", "version"),
            ("v1.29.0+k3s1", "version"),
            ("stable-2023.2", "branch"),
            ("stable/4.6", "branch"),
            ("stable-7.0", "branch"),
            ("08543f45b226f1c0a012581ca4166dd0b6b9cbf2", "commit sha"),
            ("1.6.23-alpine", "version"),
            ("19.0.3-legacy", "version"),
            ("5.2-22.04_beta", "version"),
            ("quincy", "codename"),
            ("latest", "moving ref"),
            ("main", "moving ref"),
            ("devel", "moving ref"),
            (">=9.0.0,<10.0.0", "range"),
            ("", "null"),
            ("2023.2", "version"),
            ("14-to-15", "version"),
            ("SCS_RELEASE_1=v2.0.0", "other"),
            ("https://charts.rook.io/release", "url"),
        ];
        for (raw, kind) in cases {
            assert_eq!(v(raw).kind_name(), *kind, "{raw}");
        }
    }

    #[test]
    fn prerelease_spellings_agree() {
        assert!(v("v7.0.0-rc1") < v("v7.0.0-rc2"));
        assert!(v("v7.0.0-rc3") < v("v7.0.0"));
        assert!(v("8.0.0-rc.1") < v("8.0.0"));
        assert!(v("v0.1.0-alpha.4") < v("v0.1.0-alpha.5"));
        assert!(v("v0.1.0-alpha.10") > v("v0.1.0-alpha.9"));
        assert!(v("28.0.0.0rc1") < v("28.0.0"));
        assert!(v("v7.0.0-rc1").same_as(&v("7.0.0-rc.1")));
        assert_eq!(v("v7.0.0-rc2").final_release().unwrap().as_str(), "v7.0.0");
        assert_eq!(
            v("v0.1.0-alpha.4").final_release().unwrap().as_str(),
            "v0.1.0"
        );
    }

    #[test]
    fn variants_are_not_prereleases() {
        let alpine = v("1.6.23-alpine");
        assert!(!alpine.is_prerelease());
        assert_eq!(alpine.numeric().unwrap().variant.as_deref(), Some("alpine"));
        assert!(v("1.6.21-alpine") < v("1.6.23-alpine"));
    }

    #[test]
    fn epochs_calver_and_builds_order() {
        assert!(v("5:20.10.24") < v("5:24.0.9"));
        assert!(v("4:99.0.0") < v("5:1.0.0"));
        assert!(v("v0.20230919.0") < v("v0.20240221.0"));
        assert!(v("v1.27.3+k3s1") < v("v1.29.0+k3s1"));
        assert!(v("v0.20230919.0").same_as(&v("0.20230919.0")));
        assert_eq!(
            v("v0.20230919.0").normalized(),
            v("0.20230919.0").normalized()
        );
    }

    #[test]
    fn cluster_stack_tags_order_within_series() {
        assert!(v("openstack-scs-1-28-v1") < v("openstack-scs-1-28-v2"));
        assert!(v("openstack-scs-1-28-v0-sha-abc1234") < v("openstack-scs-1-28-v1"));
        let Kind::ClusterStack(c) = v("openstack-alpha-1-29-v3").kind().clone() else {
            panic!()
        };
        assert_eq!(
            (
                c.provider.as_str(),
                c.name.as_str(),
                c.k8s_major,
                c.k8s_minor,
                c.version
            ),
            ("openstack", "alpha", 1, 29, 3)
        );
    }

    #[test]
    fn ranges_are_checked() {
        let r = v(">=9.0.0,<10.0.0");
        assert_eq!(v("9.3.0").satisfies(&r), Some(true));
        assert_eq!(v("10.0.0").satisfies(&r), Some(false));
        assert_eq!(v("main").satisfies(&r), None);
    }
}
