//! The check catalogue: `releases/checks/*.yaml`. Checks are data: a new check of an existing
//! evidence kind needs no code. Each evidence kind reads fixed parameters and understands a
//! fixed set of expectations; the loader rejects anything else with the file and check ID.

use serde::{Deserialize, Serialize};

use super::error::CheckError;
use crate::base::version::Version;
use crate::data::DataDir;

pub const CHECKS_DIR: &str = "releases/checks";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    pub schema_version: u32,
    #[serde(default)]
    pub description: Option<String>,
    pub checks: Vec<Check>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Check {
    /// Stable ID (`CEPH-KEYDIR-01`), used by `--ignore`.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// Conditions on the configuration; when one is false the check does not apply.
    #[serde(default)]
    pub when: Vec<Condition>,
    pub evidence: Vec<Evidence>,
    /// What to do, with exact commands.
    #[serde(default)]
    pub remediation: String,
    /// Where the rule comes from.
    pub sources: Vec<String>,
    /// Catalogue file, filled in on load.
    #[serde(skip)]
    pub file: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Block,
    Warn,
    Info,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Block => "block",
            Severity::Warn => "warn",
            Severity::Info => "info",
        }
    }
}

/// Which upgrades a check belongs to. All given parts must hold; empty = every upgrade.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// The upgrade crosses into this OSISM major: from.major < N ≤ to.major.
    #[serde(default)]
    pub crosses_major: Option<u64>,
    /// Version range the source must satisfy (`>=6.0.0,<7.0.0`).
    #[serde(default)]
    pub from: Option<String>,
    /// Version range the target must satisfy.
    #[serde(default)]
    pub to: Option<String>,
}

impl AppliesTo {
    pub fn matches(&self, from: &Version, to: &Version) -> bool {
        if let Some(m) = self.crosses_major {
            match (from.major(), to.major()) {
                (Some(a), Some(b)) if a < m && m <= b => {}
                _ => return false,
            }
        }
        let within = |v: &Version, range: &Option<String>| match range {
            None => true,
            Some(r) => {
                v.satisfies(&Version::parse(r)).unwrap_or(false)
                    || v.final_release()
                        .is_some_and(|f| f.satisfies(&Version::parse(r)).unwrap_or(false))
            }
        };
        within(from, &self.from) && within(to, &self.to)
    }
}

/// A test on one variable: with `file`, as that file of the repository sets it; without, the
/// value Ansible uses (the effective configuration: the target release's OSISM defaults <
/// inventory < the environment files of `env`).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[serde(default)]
    pub file: Option<String>,
    /// The environment whose files are passed as extra vars (default `kolla`); only without `file`.
    #[serde(default)]
    pub env: Option<String>,
    pub key: String,
    /// The key holds this Ansible boolean (yes/no/on/off/true/false, also quoted).
    #[serde(default, rename = "bool")]
    pub boolean: Option<bool>,
    /// The key is present (true) or absent (false).
    #[serde(default)]
    pub present: Option<bool>,
    /// The key holds this text.
    #[serde(default)]
    pub equals: Option<String>,
    /// The key is not set, or holds another text.
    #[serde(default)]
    pub not_equals: Option<String>,
    /// The value to assume when no layer sets the key (a role default outside osism/defaults),
    /// for `bool`.
    #[serde(default)]
    pub default: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Keys of a YAML file of the configuration repository.
    ConfigKey,
    /// Files of the configuration repository (existence, content).
    ConfigFile,
    /// Keys of one configuration file that must also be in (or equal in) another.
    ConfigKeysMatch,
    /// The value Ansible uses for a variable (OSISM defaults of the target release <
    /// inventory < environment files), compared with the defaults of both releases.
    EffectiveKey,
    /// Number of hosts in an inventory group.
    InventoryGroup,
    /// A key in the host_vars of every host of an inventory group.
    HostVarsKey,
    /// `stat` lines of a path on every host of an inventory group (facts directory).
    HostStat,
    /// A value in a JSON facts file, by JSON pointer.
    FactsJson,
    /// A text facts file (command output such as `osism migrate rabbitmq3to4 check`), by line.
    FactsText,
    /// `ceph versions -f json` against the target's Ceph release.
    CephVersions,
    /// `kubectl get nodes -o json` of KaaS workload clusters: version skew and target support.
    K8sNodes,
    /// A pin of the release data (`base/osism_projects/docker`): the version running now
    /// (`key`, the configuration variable that sets it, e.g. `docker_version`, as the
    /// effective value or, with `file`, in that file; else the source release's pin) against
    /// the target release's pin.
    ReleasePin,
    /// The upgrade path rules (`releases/upgrade-rules.yaml`) for from → to.
    UpgradePath,
    /// Needs a person: always reported as "manual" (severity info).
    Manual,
}

impl EvidenceKind {
    pub fn name(self) -> &'static str {
        match self {
            EvidenceKind::ConfigKey => "config_key",
            EvidenceKind::ConfigFile => "config_file",
            EvidenceKind::ConfigKeysMatch => "config_keys_match",
            EvidenceKind::EffectiveKey => "effective_key",
            EvidenceKind::InventoryGroup => "inventory_group",
            EvidenceKind::HostVarsKey => "host_vars_key",
            EvidenceKind::HostStat => "host_stat",
            EvidenceKind::FactsJson => "facts_json",
            EvidenceKind::FactsText => "facts_text",
            EvidenceKind::CephVersions => "ceph_versions",
            EvidenceKind::K8sNodes => "k8s_nodes",
            EvidenceKind::ReleasePin => "release_pin",
            EvidenceKind::UpgradePath => "upgrade_path",
            EvidenceKind::Manual => "manual",
        }
    }

    /// (parameters, required parameters, expectations) understood by this kind.
    fn spec(
        self,
    ) -> (
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
    ) {
        match self {
            EvidenceKind::ConfigKey => (
                &["file", "key", "keys", "key_regex"],
                &["file"],
                &[
                    "present",
                    "bool",
                    "absent_ok",
                    "equals",
                    "not_matching",
                    "length",
                ],
            ),
            EvidenceKind::ConfigFile => (
                &["files", "glob"],
                &[],
                &[
                    "exists",
                    "non_empty",
                    "ends_with_newline",
                    "line_matches",
                    "no_line_matches",
                    "not_contains",
                    "ini_option",
                ],
            ),
            EvidenceKind::EffectiveKey => (
                &["key", "keys", "key_regex", "env"],
                &[],
                &[
                    "present",
                    "bool",
                    "absent_ok",
                    "equals",
                    "matches",
                    "only_where_set",
                    "set_in_repository",
                    "same_as_target_default",
                    "set_if_default_changes",
                    "read_by_target",
                ],
            ),
            EvidenceKind::ConfigKeysMatch => (
                &["file", "other", "key", "keys", "key_regex"],
                &["file", "other"],
                &["present_in_other", "equal_in_other"],
            ),
            EvidenceKind::InventoryGroup => (&["groups"], &["groups"], &["count_min"]),
            EvidenceKind::HostVarsKey => (&["groups", "key"], &["groups", "key"], &["present"]),
            EvidenceKind::HostStat => (
                &["groups", "facts_file", "path"],
                &["groups", "facts_file", "path"],
                &["type", "owner", "mode"],
            ),
            EvidenceKind::FactsJson => (
                &["facts_file", "pointer"],
                &["facts_file", "pointer"],
                &[
                    "one_of",
                    "not_one_of",
                    "any_field_equals",
                    "every_group_has",
                    "count_min",
                    "same_length_as",
                ],
            ),
            EvidenceKind::FactsText => (
                &["facts_file"],
                &["facts_file"],
                &["line_matches", "no_line_matches", "not_contains"],
            ),
            EvidenceKind::CephVersions => (
                &["facts_file"],
                &["facts_file"],
                &["max_major_jump", "single_version"],
            ),
            EvidenceKind::K8sNodes => (
                &["facts_glob"],
                &["facts_glob"],
                &["kubelet_skew", "target_supported"],
            ),
            EvidenceKind::ReleasePin => (
                &["pin", "file", "key", "env"],
                &["pin"],
                &["same_major", "at_least_target"],
            ),
            EvidenceKind::UpgradePath => (&[], &[], &["allowed"]),
            EvidenceKind::Manual => (&[], &[], &[]),
        }
    }
}

/// One piece of evidence and what is expected of it. Which fields apply depends on `kind`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    pub kind: EvidenceKind,
    /// Conditions for this item alone; when one is false the item does not apply.
    #[serde(default)]
    pub when: Vec<Condition>,
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub files: Vec<FileItem>,
    #[serde(default)]
    pub glob: Option<String>,
    #[serde(default)]
    pub key: Option<String>,
    #[serde(default)]
    pub keys: Vec<String>,
    #[serde(default)]
    pub key_regex: Option<String>,
    #[serde(default)]
    pub other: Option<String>,
    /// Inventory groups; the first one that is defined is used (`[mons, ceph-control]`).
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub facts_file: Option<String>,
    #[serde(default)]
    pub facts_glob: Option<String>,
    #[serde(default)]
    pub path: Option<String>,
    #[serde(default)]
    pub pointer: Option<String>,
    #[serde(default)]
    pub pin: Option<String>,
    /// Environment of an effective lookup (default `kolla`).
    #[serde(default)]
    pub env: Option<String>,
    #[serde(default)]
    pub expect: Expect,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileItem {
    pub path: String,
    #[serde(default)]
    pub when: Vec<Condition>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    #[serde(default)]
    pub present: Option<bool>,
    #[serde(default, rename = "bool")]
    pub boolean: Option<bool>,
    #[serde(default)]
    pub absent_ok: Option<bool>,
    #[serde(default)]
    pub equals: Option<String>,
    #[serde(default)]
    pub not_matching: Option<String>,
    #[serde(default)]
    pub length: Option<usize>,
    #[serde(default)]
    pub exists: Option<bool>,
    #[serde(default)]
    pub non_empty: Option<bool>,
    #[serde(default)]
    pub ends_with_newline: Option<bool>,
    #[serde(default)]
    pub line_matches: Vec<String>,
    /// No line matches any of these regular expressions (each match is named by line).
    #[serde(default)]
    pub no_line_matches: Vec<String>,
    #[serde(default)]
    pub not_contains: Vec<String>,
    #[serde(default)]
    pub present_in_other: Option<bool>,
    #[serde(default)]
    pub equal_in_other: Option<bool>,
    #[serde(default)]
    pub count_min: Option<usize>,
    #[serde(default, rename = "type")]
    pub file_type: Option<String>,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub mode: Option<String>,
    #[serde(default)]
    pub one_of: Vec<String>,
    #[serde(default)]
    pub not_one_of: Vec<String>,
    #[serde(default)]
    pub any_field_equals: Option<FieldEquals>,
    /// Every distinct value of `group_by` in a list of objects has an entry with `field` = `value`
    /// (e.g. every user of `openstack role assignment list` has the role `service`).
    #[serde(default)]
    pub every_group_has: Option<GroupHas>,
    #[serde(default)]
    pub same_length_as: Option<String>,
    #[serde(default)]
    pub max_major_jump: Option<u64>,
    #[serde(default)]
    pub single_version: Option<bool>,
    #[serde(default)]
    pub kubelet_skew: Option<bool>,
    #[serde(default)]
    pub target_supported: Option<bool>,
    #[serde(default)]
    pub same_major: Option<bool>,
    /// The configured version is the target's pin or newer (a configuration without the key
    /// passes).
    #[serde(default)]
    pub at_least_target: Option<bool>,
    #[serde(default)]
    pub allowed: Option<bool>,
    /// The value (its text, templates resolved) matches this regex.
    #[serde(default)]
    pub matches: Option<String>,
    /// `bool`, `equals`, `matches` apply only where the repository sets the key (a default
    /// is not judged).
    #[serde(default)]
    pub only_where_set: Option<bool>,
    /// The repository sets the key itself (where the default changes behaviour and the
    /// notes ask for an explicit choice).
    #[serde(default)]
    pub set_in_repository: Option<bool>,
    /// The repository does not set the key, or sets what the target's defaults give.
    #[serde(default)]
    pub same_as_target_default: Option<bool>,
    /// The repository sets the key where its OSISM default changes between the releases
    /// (`hosts_interface` in 7.0.0): relying on the default changes behaviour.
    #[serde(default)]
    pub set_if_default_changes: Option<bool>,
    /// The repository sets no key that the source's defaults define and the target's no
    /// longer do.
    #[serde(default)]
    pub read_by_target: Option<bool>,
    /// In every file (with `files`: that exists) that has one of `sections`, the option `key`
    /// is set in each of them; `missing_section: fail` also fails a section that is not there.
    #[serde(default)]
    pub ini_option: Option<IniOption>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IniOption {
    pub sections: Vec<String>,
    pub key: String,
    #[serde(default)]
    pub missing_section: MissingSection,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingSection {
    /// A file without the section is fine (only configured sections need the option).
    #[default]
    Ok,
    /// Every listed section must be there, with the option.
    Fail,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupHas {
    pub group_by: String,
    pub field: String,
    pub value: String,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldEquals {
    pub field: String,
    pub value: String,
}

impl Evidence {
    fn set_params(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |c: bool, n: &'static str| {
            if c {
                v.push(n)
            }
        };
        add(self.file.is_some(), "file");
        add(!self.files.is_empty(), "files");
        add(self.glob.is_some(), "glob");
        add(self.key.is_some(), "key");
        add(!self.keys.is_empty(), "keys");
        add(self.key_regex.is_some(), "key_regex");
        add(self.other.is_some(), "other");
        add(!self.groups.is_empty(), "groups");
        add(self.facts_file.is_some(), "facts_file");
        add(self.facts_glob.is_some(), "facts_glob");
        add(self.path.is_some(), "path");
        add(self.pointer.is_some(), "pointer");
        add(self.pin.is_some(), "pin");
        add(self.env.is_some(), "env");
        v
    }
}

impl Expect {
    fn set_fields(&self) -> Vec<&'static str> {
        let mut v = Vec::new();
        let mut add = |c: bool, n: &'static str| {
            if c {
                v.push(n)
            }
        };
        add(self.present.is_some(), "present");
        add(self.boolean.is_some(), "bool");
        add(self.absent_ok.is_some(), "absent_ok");
        add(self.equals.is_some(), "equals");
        add(self.not_matching.is_some(), "not_matching");
        add(self.length.is_some(), "length");
        add(self.exists.is_some(), "exists");
        add(self.non_empty.is_some(), "non_empty");
        add(self.ends_with_newline.is_some(), "ends_with_newline");
        add(!self.line_matches.is_empty(), "line_matches");
        add(!self.no_line_matches.is_empty(), "no_line_matches");
        add(!self.not_contains.is_empty(), "not_contains");
        add(self.present_in_other.is_some(), "present_in_other");
        add(self.equal_in_other.is_some(), "equal_in_other");
        add(self.count_min.is_some(), "count_min");
        add(self.file_type.is_some(), "type");
        add(self.owner.is_some(), "owner");
        add(self.mode.is_some(), "mode");
        add(!self.one_of.is_empty(), "one_of");
        add(!self.not_one_of.is_empty(), "not_one_of");
        add(self.any_field_equals.is_some(), "any_field_equals");
        add(self.every_group_has.is_some(), "every_group_has");
        add(self.same_length_as.is_some(), "same_length_as");
        add(self.max_major_jump.is_some(), "max_major_jump");
        add(self.single_version.is_some(), "single_version");
        add(self.kubelet_skew.is_some(), "kubelet_skew");
        add(self.target_supported.is_some(), "target_supported");
        add(self.same_major.is_some(), "same_major");
        add(self.at_least_target.is_some(), "at_least_target");
        add(self.allowed.is_some(), "allowed");
        add(
            self.same_as_target_default.is_some(),
            "same_as_target_default",
        );
        add(
            self.set_if_default_changes.is_some(),
            "set_if_default_changes",
        );
        add(self.read_by_target.is_some(), "read_by_target");
        add(self.matches.is_some(), "matches");
        add(self.only_where_set.is_some(), "only_where_set");
        add(self.set_in_repository.is_some(), "set_in_repository");
        add(self.ini_option.is_some(), "ini_option");
        v
    }
}

/// All checks of every `releases/checks/*.yaml`, validated, in file order.
pub fn load(data: &DataDir) -> Result<Vec<Check>, CheckError> {
    let mut out: Vec<Check> = Vec::new();
    for rel in data.list(CHECKS_DIR)? {
        if !(rel.ends_with(".yaml") || rel.ends_with(".yml")) {
            continue;
        }
        let (file, path) = data.load::<CatalogFile>(&rel)?;
        for mut c in file.checks {
            validate(&c).map_err(|m| CheckError::data(&path, format!("check {}: {m}", c.id)))?;
            if let Some(prev) = out.iter().find(|o| o.id == c.id) {
                return Err(CheckError::data(
                    &path,
                    format!("check ID {} is defined twice (also in {})", c.id, prev.file),
                ));
            }
            c.file = rel.clone();
            out.push(c);
        }
    }
    // No checks would pass every upgrade: never without a catalogue.
    if out.is_empty() {
        return Err(CheckError::data(
            data.display_path(CHECKS_DIR),
            "no check catalogue (*.yaml with checks) in this folder",
        ));
    }
    Ok(out)
}

fn validate(c: &Check) -> Result<(), String> {
    let id_ok = !c.id.is_empty()
        && c.id
            .chars()
            .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-');
    if !id_ok {
        return Err(
            "the ID must be upper-case letters, digits and `-` (like CEPH-KEYDIR-01)".into(),
        );
    }
    if c.evidence.is_empty() {
        return Err(
            "evidence: at least one item is needed (use kind: manual for a reminder)".into(),
        );
    }
    if c.sources.is_empty() {
        return Err("sources: every check must cite where its rule comes from".into());
    }
    for r in [&c.applies_to.from, &c.applies_to.to].into_iter().flatten() {
        if !matches!(
            Version::parse(r).kind(),
            crate::base::version::Kind::Range(_)
        ) {
            return Err(format!(
                "applies_to: `{r}` is not a version range such as `>=6.0.0,<7.0.0`"
            ));
        }
    }
    for cond in c
        .when
        .iter()
        .chain(c.evidence.iter().flat_map(|e| e.when.iter()))
        .chain(
            c.evidence
                .iter()
                .flat_map(|e| e.files.iter().flat_map(|f| f.when.iter())),
        )
    {
        let n = [
            cond.boolean.is_some(),
            cond.present.is_some(),
            cond.equals.is_some(),
            cond.not_equals.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if n != 1 {
            return Err(format!(
                "when: condition on `{}` needs exactly one of bool, present, equals, not_equals",
                cond.key
            ));
        }
        if cond.file.is_some() && cond.env.is_some() {
            return Err(format!(
                "when: condition on `{}`: `env` selects the environment of the effective value; with `file` the file alone is read (give one of them)",
                cond.key
            ));
        }
    }
    for (i, e) in c.evidence.iter().enumerate() {
        let (params, required, expects) = e.kind.spec();
        let at = format!("evidence[{i}] ({})", e.kind.name());
        for p in e.set_params() {
            if !params.contains(&p) {
                return Err(format!(
                    "{at}: `{p}` is not used by this kind (it reads: {})",
                    or_none(params)
                ));
            }
        }
        for r in required {
            if !e.set_params().contains(r) {
                return Err(format!("{at}: `{r}` is required"));
            }
        }
        for x in e.expect.set_fields() {
            if !expects.contains(&x) {
                return Err(format!(
                    "{at}: expect.{x} is not understood by this kind (it understands: {})",
                    or_none(expects)
                ));
            }
        }
        if e.expect.set_fields().is_empty() && e.kind != EvidenceKind::Manual {
            return Err(format!(
                "{at}: expect is empty (it understands: {})",
                or_none(expects)
            ));
        }
        if e.kind == EvidenceKind::Manual && c.severity != Severity::Info {
            return Err(format!(
                "{at}: a manual check must have severity info (nothing can prove it)"
            ));
        }
        if matches!(
            e.kind,
            EvidenceKind::ConfigKey | EvidenceKind::ConfigKeysMatch | EvidenceKind::EffectiveKey
        ) && [e.key.is_some(), !e.keys.is_empty(), e.key_regex.is_some()]
            .iter()
            .filter(|b| **b)
            .count()
            != 1
        {
            return Err(format!("{at}: give exactly one of key, keys, key_regex"));
        }
        if e.kind == EvidenceKind::EffectiveKey
            && e.key_regex.is_some()
            && e.expect.set_fields() != ["read_by_target"]
            && !(e.expect.set_fields() == ["present"] && e.expect.present == Some(false))
        {
            return Err(format!(
                "{at}: key_regex goes with expect.read_by_target or `present: false` alone (it lists the keys the repository sets); name the keys for the other expectations"
            ));
        }
        if e.kind == EvidenceKind::ReleasePin && e.file.is_some() && e.key.is_none() {
            return Err(format!(
                "{at}: `file` needs `key` (the configuration key that sets the version running now)"
            ));
        }
        if e.kind == EvidenceKind::ReleasePin && e.file.is_some() && e.env.is_some() {
            return Err(format!(
                "{at}: give `file` (that file alone) or `env` (the effective value), not both"
            ));
        }
        if e.kind == EvidenceKind::ConfigFile && (e.files.is_empty() == e.glob.is_none()) {
            return Err(format!("{at}: give exactly one of files, glob"));
        }
        if e.kind == EvidenceKind::ConfigFile && e.glob.is_some() && e.expect.exists.is_some() {
            return Err(format!("{at}: expect.exists needs `files`, not `glob`"));
        }
        for r in e
            .key_regex
            .iter()
            .chain(e.expect.not_matching.iter())
            .chain(e.expect.matches.iter())
            .chain(e.expect.line_matches.iter())
            .chain(e.expect.no_line_matches.iter())
        {
            regex::Regex::new(r)
                .map_err(|err| format!("{at}: `{r}` is not a valid regex: {err}"))?;
        }
        if let Some(p) = e
            .pointer
            .iter()
            .chain(e.expect.same_length_as.iter())
            .find(|p| !p.is_empty() && !p.starts_with('/'))
        {
            return Err(format!(
                "{at}: `{p}` is not a JSON pointer (it starts with `/`)"
            ));
        }
    }
    Ok(())
}

fn or_none(list: &[&str]) -> String {
    if list.is_empty() {
        "nothing".into()
    } else {
        list.join(", ")
    }
}

impl crate::data::DataFile for CatalogFile {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalogue_loads() {
        let checks = load(&DataDir::Embedded).unwrap();
        assert!(checks.iter().any(|c| c.id == "CEPH-KEYDIR-01"));
    }
}
