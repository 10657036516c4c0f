//! OSISM's own defaults (the repository osism/defaults, pinned per OSISM release as
//! `defaults_version`) as release data: `releases/defaults/<tag>.yaml`, produced by
//! `scs-release releases import-defaults` from the files of the repository at the tag.
//!
//! osism/defaults is mounted under a configuration repository as inventory `group_vars`: a
//! top-level folder is a group (`all/099-kolla.yml` sets variables of group `all`,
//! `compute/000-defaults.yml` of group `compute`), and so is a top-level file (`manager.yml`
//! of old tags, group `manager`). The file records facts, not copies: per file, its group and
//! the variables it sets, each value as written (see [`DefaultValue`]) with its line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::error::ReleaseError;
use super::store::Store;
use crate::base::version::Version;
use crate::base::yaml::{self, Node, Value, YamlError};
use crate::data::DataDir;
use crate::git::tree::{self, SkippedEntry};

pub const SCHEMA_VERSION: u32 = 1;

/// The repository the defaults come from.
pub const REPO: &str = "osism/defaults";

/// The defaults of one osism/defaults tag (`releases/defaults/v0.20240319.0.yaml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    pub schema_version: u32,
    pub source: DefaultsSource,
    /// The group_vars files read, each group's files in the order Ansible loads them
    /// (groups sorted by name).
    pub files: Vec<GroupFile>,
}

/// Where a defaults file was imported from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefaultsSource {
    /// `osism/defaults`.
    pub repo: String,
    /// The tag read (`v0.20240319.0`), the `defaults_version` a release pins.
    pub tag: String,
    /// The commit the tag points to.
    pub commit: String,
}

/// One group_vars file and the variables it sets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupFile {
    /// Path in the repository (`all/099-kolla.yml`).
    pub path: String,
    /// The inventory group it sets variables for (`all`).
    pub group: String,
    /// Variables in file order. A later file of the same group may set a variable again;
    /// the later one is then in force.
    #[serde(serialize_with = "flow_settings")]
    pub values: Vec<Setting>,
}

/// One variable as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub key: String,
    pub value: DefaultValue,
    /// A vault-encrypted value (`!vault`): `value` is null, the ciphertext is not kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// Line of the key in the file (1-based).
    pub line: usize,
}

/// A value as written: a scalar is its text, never converted (`yes` stays `"yes"`, `2023.2`
/// stays `"2023.2"`, a Jinja expression stays as written); lists and mappings nest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DefaultValue {
    /// An empty value, `~` or `null` (and an encrypted one).
    Null,
    Text(String),
    List(Vec<DefaultValue>),
    #[schemars(with = "BTreeMap<String, DefaultValue>")]
    Map(IndexMap<String, DefaultValue>),
}

impl DefaultValue {
    /// The text of a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            DefaultValue::Text(t) => Some(t),
            _ => None,
        }
    }
}

/// One variable with its group and file, as [`Defaults::values`] lists them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DefaultRef<'a> {
    pub group: &'a str,
    pub file: &'a str,
    pub key: &'a str,
    pub value: &'a DefaultValue,
    pub encrypted: bool,
    pub line: usize,
}

impl crate::data::DataFile for Defaults {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

impl Defaults {
    /// `releases/defaults/<tag>.yaml` from the data directory. The tag must be a plain tag
    /// name and the file must say it is that tag.
    pub fn load(data: &DataDir, tag: &str) -> Result<Defaults, ReleaseError> {
        let rel = file_for(tag)
            .map_err(|why| ReleaseError::invalid(data.display_path("releases/defaults"), why))?;
        let (d, path) = data.load::<Defaults>(&rel)?;
        if d.source.tag != tag {
            return Err(ReleaseError::invalid(
                path,
                format!(
                    "source.tag: `{}` does not match the file name `{tag}.yaml`",
                    d.source.tag
                ),
            ));
        }
        Ok(d)
    }

    /// The tags with a file under `releases/defaults/`, sorted.
    pub fn available(data: &DataDir) -> Result<Vec<String>, ReleaseError> {
        Ok(data
            .list("releases/defaults")?
            .into_iter()
            .filter_map(|p| {
                p.strip_prefix("releases/defaults/")
                    .and_then(|f| f.strip_suffix(".yaml"))
                    .filter(|f| !f.contains('/'))
                    .map(str::to_string)
            })
            .collect())
    }

    /// Every variable, file by file, in file order.
    pub fn values(&self) -> impl Iterator<Item = DefaultRef<'_>> {
        self.files.iter().flat_map(|f| {
            f.values.iter().map(move |s| DefaultRef {
                group: &f.group,
                file: &f.path,
                key: &s.key,
                value: &s.value,
                encrypted: s.encrypted,
                line: s.line,
            })
        })
    }

    /// The value of `key` for `group` in force: from the last file of the group that sets it.
    pub fn get(&self, group: &str, key: &str) -> Option<DefaultRef<'_>> {
        self.values()
            .filter(|v| v.group == group && v.key == key)
            .last()
    }

    /// The groups, sorted.
    pub fn groups(&self) -> Vec<&str> {
        let mut g: Vec<&str> = self.files.iter().map(|f| f.group.as_str()).collect();
        g.dedup();
        g
    }
}

/// `releases/defaults/<tag>.yaml`, or why `tag` is not a tag name this tool writes a file for.
pub fn file_for(tag: &str) -> Result<String, String> {
    let plain = tag
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'));
    if tag.is_empty() || tag.contains("..") || tag.starts_with(['.', '-']) || !plain {
        return Err(format!(
            "`{tag}` is not a tag name (a tag such as `v0.20240319.0`: letters, digits, `.`, `_`, `-`, `+`; no `/` or `..`)"
        ));
    }
    Ok(format!("releases/defaults/{tag}.yaml"))
}

/// The `defaults_version`s the known releases pin (`base/defaults_version` and its copies in
/// the ceph and openstack layers), each once, in version order.
pub fn pinned_tags(store: &Store) -> Vec<String> {
    let mut tags: Vec<Version> = store
        .manifests
        .values()
        .flat_map(|m| m.pins.iter())
        .filter(|p| p.key() == "defaults_version" && p.section().is_none())
        .map(|p| p.value.clone())
        .collect();
    tags.sort();
    tags.dedup();
    tags.into_iter().map(|v| v.to_string()).collect()
}

/// The `defaults_version` release `v` pins (`base/defaults_version`), if its pins are known.
pub fn tag_of(store: &Store, v: &Version) -> Option<String> {
    let m = store.manifest(v).ok()?;
    m.pins
        .iter()
        .find(|p| p.id == "base/defaults_version")
        .map(|p| p.value.to_string())
}

/// The OSISM defaults of release `v`: `None` when its pins or the defaults file for its
/// `defaults_version` are not in the data (checks that need them are then unknown); a file
/// that is there but damaged is an error.
pub fn for_release(
    data: &DataDir,
    store: &Store,
    v: &Version,
) -> Result<Option<Defaults>, ReleaseError> {
    let Some(tag) = tag_of(store, v) else {
        return Ok(None);
    };
    if !Defaults::available(data)?.contains(&tag) {
        return Ok(None);
    }
    Defaults::load(data, &tag).map(Some)
}

/// A defaults file read from the repository, and the entries of the tree that were not read.
#[derive(Debug, Clone)]
pub struct Imported {
    pub defaults: Defaults,
    pub skipped: Vec<SkippedEntry>,
}

/// Import the group_vars files of osism/defaults (a clone or bare mirror at `repo`) at `tag`.
pub fn import(repo: &Path, tag: &str) -> Result<Imported, ReleaseError> {
    let t = tree::files_at_tag(repo, tag, |p| group_of(p).is_some())?;
    let mut parsed = Vec::new();
    for f in &t.files {
        let Some(group) = group_of(&f.path) else {
            continue;
        };
        let shown = format!("{tag}:{}", f.path);
        let tree = yaml::parse_tree(&f.text, Path::new(&shown))?;
        parsed.push(Parsed {
            group,
            path: f.path.clone(),
            values: settings(&tree, &f.text, Path::new(&shown))?,
        });
    }
    Ok(Imported {
        defaults: Defaults {
            schema_version: SCHEMA_VERSION,
            source: DefaultsSource {
                repo: REPO.into(),
                tag: tag.into(),
                commit: t.commit,
            },
            files: resolve(parsed),
        },
        skipped: t.skipped,
    })
}

/// A file that sets group variables, with its group.
struct Parsed {
    group: Group,
    path: String,
    values: Vec<Setting>,
}

/// The group a path sets variables for, and its place in that group's load order.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Group {
    name: String,
    /// 0: a file in the group's folder; 1: `<group>.yml`; 2: `<group>.yaml` (Ansible looks
    /// for the folder, then the files, in this order, and reads only the first it finds).
    kind: u8,
    /// The path's parts below the folder (Ansible sorts each folder's names).
    parts: Vec<String>,
}

/// The group a file of osism/defaults sets variables for; `None` for a file that is not
/// group_vars: README*, `releasenotes/`, `contrib/`, dotfiles and dot-folders, `ansible.cfg`
/// and anything but `.yml`/`.yaml`.
fn group_of(path: &str) -> Option<Group> {
    let parts: Vec<&str> = path.split('/').collect();
    let name = *parts.last()?;
    let skipped = parts.iter().any(|p| p.starts_with('.') || p.is_empty())
        || matches!(parts[0], "releasenotes" | "contrib")
        || name.to_ascii_uppercase().starts_with("README")
        || name == "ansible.cfg";
    let ext = if name.ends_with(".yml") {
        ".yml"
    } else if name.ends_with(".yaml") {
        ".yaml"
    } else {
        return None;
    };
    if skipped {
        return None;
    }
    Some(match parts.as_slice() {
        [file] => Group {
            name: file.strip_suffix(ext)?.to_string(),
            kind: if ext == ".yml" { 1 } else { 2 },
            parts: vec![],
        },
        [folder, rest @ ..] => Group {
            name: folder.to_string(),
            kind: 0,
            parts: rest.iter().map(|s| s.to_string()).collect(),
        },
        [] => return None,
    })
}

/// Order the files of each group as Ansible loads them and drop what a later file overrides.
///
/// Ansible reads a group's variables from its folder (`all/`, every file in sorted name order,
/// sub-folders where their name sorts), or if there is none from `<group>.yml`, or else from
/// `<group>.yaml` (only the first that exists), and each file overrides what the files before
/// it set. Every file's settings are kept, in that order: when a key is set twice in one group
/// the later file's value is the one in force ([`Defaults::get`]; `enable_octavia: "no"` in
/// `all/001-kolla-defaults.yml`, `"yes"` in `all/099-kolla.yml`), and the earlier one still
/// counts where a configuration repository replaces the later file (a file at the same path
/// under `inventory/group_vars/` replaces the defaults file). The same key in two groups is two
/// facts; which group wins for a host is the inventory's business.
fn resolve(mut files: Vec<Parsed>) -> Vec<GroupFile> {
    files.sort_by(|a, b| a.group.cmp(&b.group));
    // Ansible's `DataLoader.find_vars_files` reads only the first of the folder,
    // `<group>.yml` and `<group>.yaml` that exists: the group's lowest kind.
    let mut first_kind: HashMap<String, u8> = HashMap::new();
    for f in &files {
        first_kind
            .entry(f.group.name.clone())
            .or_insert(f.group.kind);
    }
    files.retain(|f| first_kind.get(&f.group.name) == Some(&f.group.kind));
    files
        .into_iter()
        .map(|f| GroupFile {
            path: f.path,
            group: f.group.name,
            values: f.values,
        })
        .collect()
}

/// The variables of one file: a mapping at the top (an empty file sets nothing).
fn settings(tree: &Node, text: &str, file: &Path) -> Result<Vec<Setting>, YamlError> {
    match &tree.value {
        Value::Null => return Ok(vec![]),
        Value::Map(_) => {}
        _ => {
            return Err(YamlError::new(
                file,
                tree.line,
                tree.column,
                format!(
                    "expected a mapping of variables (group_vars), found {}",
                    tree.kind_name()
                ),
            ));
        }
    }
    let lines: Vec<&str> = text.lines().collect();
    Ok(tree
        .entries()
        .iter()
        .map(|(key, node)| {
            let mut encrypted = false;
            let value = convert(node, &mut encrypted);
            Setting {
                key: key.clone(),
                value,
                encrypted,
                line: key_line(&lines, key, node.line),
            }
        })
        .collect())
}

/// The line of a top-level key. The tree keeps the position of values only, and a block
/// list or mapping starts below its key: the key's line is the nearest line at or above the
/// value that starts with the key and a colon (unquoted or quoted).
fn key_line(lines: &[&str], key: &str, value_line: usize) -> usize {
    let starts = |l: &str| {
        [key.to_string(), format!("\"{key}\""), format!("'{key}'")]
            .iter()
            .any(|k| {
                l.strip_prefix(k.as_str())
                    .is_some_and(|r| r.trim_start().starts_with(':'))
            })
    };
    (1..=value_line.min(lines.len()))
        .rev()
        .find(|&n| starts(lines[n - 1]))
        .unwrap_or(value_line)
}

fn convert(node: &Node, encrypted: &mut bool) -> DefaultValue {
    match &node.value {
        Value::Scalar { tag: Some(t), .. } if t.contains("vault") => {
            *encrypted = true;
            DefaultValue::Null
        }
        Value::Scalar { text, .. } => DefaultValue::Text(text.clone()),
        Value::Null => DefaultValue::Null,
        Value::Seq(items) => {
            DefaultValue::List(items.iter().map(|i| convert(i, encrypted)).collect())
        }
        Value::Map(entries) => DefaultValue::Map(
            entries
                .iter()
                .map(|(k, v)| (k.clone(), convert(v, encrypted)))
                .collect(),
        ),
    }
}

/// Each variable on one line (`- {key: …, value: …, line: 35}`): a tag has about 1,500.
fn flow_settings<S: serde::Serializer>(values: &[Setting], s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq as _;
    let mut seq = s.serialize_seq(Some(values.len()))?;
    for v in values {
        seq.serialize_element(&serde_saphyr::FlowMap(v))?;
    }
    seq.end()
}

/// A defaults file in the tool's YAML format.
pub fn to_yaml(d: &Defaults) -> String {
    let mut out = String::from(
        "# Generated by `scs-release releases import-defaults` from osism/defaults; re-import, never edit.\n",
    );
    out.push_str(&serde_saphyr::to_string(d).unwrap_or_default());
    out
}

/// What changed between two imports of a tag: `group/key` names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct DefaultsChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

impl DefaultsChanges {
    pub fn between(old: &Defaults, new: &Defaults) -> DefaultsChanges {
        let map = |d: &Defaults| -> BTreeMap<String, (DefaultValue, bool)> {
            d.values()
                .map(|v| {
                    (
                        format!("{}/{}", v.group, v.key),
                        (v.value.clone(), v.encrypted),
                    )
                })
                .collect()
        };
        let (a, b) = (map(old), map(new));
        let mut c = DefaultsChanges::default();
        for (k, v) in &b {
            match a.get(k) {
                None => c.added.push(k.clone()),
                Some(o) if o != v => c.changed.push(k.clone()),
                Some(_) => {}
            }
        }
        c.removed = a.keys().filter(|k| !b.contains_key(*k)).cloned().collect();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(path: &str, keys: &[&str]) -> Parsed {
        Parsed {
            group: group_of(path).unwrap(),
            path: path.into(),
            values: keys
                .iter()
                .enumerate()
                .map(|(i, k)| Setting {
                    key: k.to_string(),
                    value: DefaultValue::Text(path.into()),
                    encrypted: false,
                    line: i + 1,
                })
                .collect(),
        }
    }

    #[test]
    fn groups_come_from_the_top_level_folder_or_file() {
        let g = |p: &str| group_of(p).map(|g| (g.name, g.kind));
        assert_eq!(g("all/099-kolla.yml"), Some(("all".into(), 0)));
        assert_eq!(g("compute/000-defaults.yml"), Some(("compute".into(), 0)));
        assert_eq!(g("all/sub/x.yaml"), Some(("all".into(), 0)));
        assert_eq!(g("manager.yml"), Some(("manager".into(), 1)));
        assert_eq!(g("manager.yaml"), Some(("manager".into(), 2)));
        for skipped in [
            "README.md",
            "all/README.yml",
            "releasenotes/notes/x.yaml",
            "contrib/x.yml",
            ".zuul.yaml",
            ".github/workflows/x.yml",
            "all/.hidden.yml",
            "ansible.cfg",
            "LICENSE",
            "all/x.json",
        ] {
            assert_eq!(g(skipped), None, "{skipped}");
        }
    }

    /// The later file of a group wins; the earlier entry is dropped. Other groups keep theirs.
    #[test]
    fn every_file_is_kept_and_the_later_one_is_in_force() {
        let files = resolve(vec![
            parsed("manager.yml", &["x"]),
            parsed("all/099-kolla.yml", &["enable_octavia", "b"]),
            parsed("manager/000-defaults.yml", &["x", "y"]),
            parsed("all/001-kolla-defaults.yml", &["a", "enable_octavia"]),
            parsed("compute/000-defaults.yml", &["enable_octavia"]),
        ]);
        let layout: Vec<(String, Vec<String>)> = files
            .iter()
            .map(|f| {
                (
                    f.path.clone(),
                    f.values.iter().map(|s| s.key.clone()).collect(),
                )
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            layout,
            [
                (
                    "all/001-kolla-defaults.yml".into(),
                    s(&["a", "enable_octavia"])
                ),
                ("all/099-kolla.yml".into(), s(&["enable_octavia", "b"])),
                ("compute/000-defaults.yml".into(), s(&["enable_octavia"])),
                // Ansible reads the folder and never manager.yml beside it
                ("manager/000-defaults.yml".into(), s(&["x", "y"])),
            ]
        );
        let d = Defaults {
            schema_version: SCHEMA_VERSION,
            source: DefaultsSource {
                repo: "osism/defaults".into(),
                tag: "v0.test".into(),
                commit: "0".repeat(40),
            },
            files,
        };
        assert_eq!(
            d.get("all", "enable_octavia").unwrap().file,
            "all/099-kolla.yml"
        );
        assert_eq!(
            d.get("compute", "enable_octavia").unwrap().file,
            "compute/000-defaults.yml"
        );
    }

    #[test]
    fn values_stay_as_written_and_vaults_lose_their_ciphertext() {
        let text = "a: yes\nb: 2023.2\nc: \"{{ x }}\"\nd:\ne:\n  - 1\n  - k: off\nf: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\ng: {h: ~}\n";
        let tree = yaml::parse_tree(text, Path::new("t.yml")).unwrap();
        let s = settings(&tree, text, Path::new("t.yml")).unwrap();
        let yaml = serde_saphyr::to_string(&GroupFile {
            path: "all/t.yml".into(),
            group: "all".into(),
            values: s,
        })
        .unwrap();
        insta::assert_snapshot!(yaml, @r#"
        path: all/t.yml
        group: all
        values:
        - {key: a, value: "yes", line: 1}
        - {key: b, value: "2023.2", line: 2}
        - {key: c, value: "{{ x }}", line: 3}
        - {key: d, value: null, line: 4}
        - {key: e, value: ["1", {k: "off"}], line: 5}
        - {key: f, value: null, encrypted: true, line: 8}
        - {key: g, value: {h: null}, line: 11}
        "#);
        let back: GroupFile = yaml::from_str(&yaml, Path::new("x")).unwrap();
        assert_eq!(back.values[1].value.as_str(), Some("2023.2"));
        assert_eq!(back.values[3].value, DefaultValue::Null);
        assert!(back.values[5].encrypted);
        let e = settings(
            &yaml::parse_tree("- a\n", Path::new("l.yml")).unwrap(),
            "- a\n",
            Path::new("l.yml"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "l.yml:1:1: expected a mapping of variables (group_vars), found a list"
        );
    }

    #[test]
    fn tag_names_are_plain() {
        assert_eq!(
            file_for("v0.20240319.0").unwrap(),
            "releases/defaults/v0.20240319.0.yaml"
        );
        for bad in ["", "a/b", "..", "v1..2", ".x", "-x", "a\\b", "a b"] {
            assert!(file_for(bad).is_err(), "{bad}");
        }
    }
}
