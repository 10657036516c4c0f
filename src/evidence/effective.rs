//! The effective configuration: which value Ansible uses for a variable (optionally on one
//! host), and which layer, file and line set it, in the order OSISM applies its layers.
//!
//! The order was read from the run scripts of osism/container-image-kolla-ansible
//! (`files/scripts/<series>/run.sh`), -ceph-ansible (`files/scripts/run.sh`) and
//! -osism-ansible (`files/scripts/run-<env>.sh`), at 5fcd8339 / 92e5bd45 / 4890bf26
//! (2024-03-27, OSISM 7) and at their HEADs: the image's OSISM defaults (copied to
//! `/ansible/group_vars/` at build time until 2026-03) are rsynced into
//! `inventory/group_vars/` first, then the generics inventory, then the repository's
//! `inventory/` over them (osism-ansible gets the same inventory from the inventory
//! reconciler), then `ansible-playbook` runs in `environments/<env>/` with the environment
//! files as extra vars. Lowest to highest:
//!
//! 1. per group, the OSISM defaults ([`Defaults`]) and the repository's
//!    `inventory/group_vars/<group>/**` together, as one directory sorted by path (a repository
//!    file at the same path as a defaults file replaces that file whole); only where that
//!    directory is empty `<group>.yml`, else `<group>.yaml` (Ansible's
//!    `DataLoader.find_vars_files` reads only the first it finds: beside OSISM's `all/`,
//!    `inventory/group_vars/all.yml` is never read). Groups: `all` first, then, for a host, the other groups
//!    it belongs to, sorted by name. Ansible orders groups by depth and
//!    `ansible_group_priority`; this approximation ignores both.
//! 2. `inventory/host_vars/<host>/**`, or if there is no such folder `<host>.yml`, or else
//!    `<host>.yaml` (Ansible's `DataLoader.find_vars_files` reads only the first it finds);
//! 3. extra vars, later wins: `environments/configuration.yml`, `environments/secrets.yml`,
//!    (for `infrastructure`: `environments/monitoring/configuration.yml`, `…/secrets.yml`),
//!    `environments/<env>/secrets.yml`, `environments/<env>/images.yml`,
//!    `environments/<env>/configuration.yml`. Environments: `kolla` and `ceph` (their images'
//!    defaults), `generic` for generic plays such as `osism apply hosts`.
//!
//! Values replace each other whole (Ansible's default `hash_behaviour: replace`). A
//! vault-encrypted file that could not be opened stops the lookup ([`Locked`]): it may set the
//! key, so nothing below it is reported as the answer.

use std::cmp::Ordering;
use std::fmt;

use super::config::{self, ConfigRepo, Doc};
use super::inventory::{self, Inventory};
use super::jinja::{self, Resolved};
use crate::base::yaml::Node;
use crate::release::defaults::{DefaultValue, Defaults, GroupFile};

/// The environment `run.sh` uses when none is given (`ENVIRONMENT=${ENVIRONMENT:-kolla}`).
pub const DEFAULT_ENV: &str = "kolla";

/// Where a value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Layer {
    /// osism/defaults at `tag`, a group_vars file of `group`.
    Defaults { tag: String, group: String },
    /// The repository's `inventory/group_vars/` of `group`.
    GroupVars { group: String },
    /// The repository's `inventory/host_vars/` of `host`.
    HostVars { host: String },
    /// An `environments/` file passed as `-e @file`.
    ExtraVars,
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Layer::Defaults { tag, group } => write!(f, "OSISM defaults {tag} (group {group})"),
            Layer::GroupVars { group } => write!(f, "group_vars of group {group}"),
            Layer::HostVars { host } => write!(f, "host_vars of {host}"),
            Layer::ExtraVars => f.write_str("extra vars"),
        }
    }
}

/// A value as one layer wrote it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Repo(&'a Node),
    Default(&'a DefaultValue),
}

impl<'a> Value<'a> {
    /// The text of a scalar; `None` for null, a list, a mapping or a still-encrypted value.
    pub fn text(&self) -> Option<&'a str> {
        match self {
            Value::Repo(n) => config::scalar_text(n).ok().flatten(),
            Value::Default(d) => d.as_str(),
        }
    }

    /// Ansible truthiness (`| bool`): yes/no, true/false, on/off, y/n, 1/0, in any case, quoted
    /// or not; anything else `None`.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Repo(n) => config::ansible_bool(n),
            Value::Default(d) => d.as_str().and_then(text_bool),
        }
    }

    /// What kind of value this is, for messages (never the value).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Repo(n) => n.kind_name(),
            Value::Default(DefaultValue::Null) => "null",
            Value::Default(DefaultValue::Text(_)) => "a scalar",
            Value::Default(DefaultValue::List(_)) => "a list",
            Value::Default(DefaultValue::Map(_)) => "a mapping",
        }
    }
}

/// Ansible truthiness of a text (`| bool`): yes/no, true/false, on/off, y/n, 1/0, any case.
pub fn text_bool(t: &str) -> Option<bool> {
    let t = t.trim();
    crate::base::yaml::parse_yaml11_bool(t).or(match t {
        "1" => Some(true),
        "0" => Some(false),
        _ => None,
    })
}

/// The winning value of a variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    pub value: Value<'a>,
    pub layer: Layer,
    /// `inventory/group_vars/all/x.yml`, `environments/kolla/configuration.yml`, or the path
    /// inside osism/defaults (`all/099-kolla.yml`) for [`Layer::Defaults`].
    pub file: String,
    /// Line of the value (1-based).
    pub line: usize,
    /// An inline `!vault` value that is still encrypted: the value is set, but not known.
    pub encrypted: bool,
    /// Must never be shown (secrets file, vault, secret-looking name).
    pub secret: bool,
}

/// A vault-encrypted file that could not be opened (no vault password) sits above every layer
/// that was not consulted: the value is unknown. Carries no value, only where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locked {
    pub file: String,
    pub layer: Layer,
}

impl fmt::Display for Locked {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown: {} ({}) is vault-encrypted and could not be opened (no vault password)",
            self.file, self.layer
        )
    }
}

/// The layered view of a configuration repository.
#[derive(Debug, Clone, Copy)]
pub struct Effective<'a> {
    repo: &'a ConfigRepo,
    inventory: Option<&'a Inventory>,
    defaults: Option<&'a Defaults>,
    env: &'a str,
}

/// One file of a layer.
enum Source<'a> {
    Default(&'a GroupFile),
    Repo {
        rel: &'a str,
        doc: &'a Doc,
        layer: Layer,
    },
}

impl<'a> Effective<'a> {
    pub fn new(
        repo: &'a ConfigRepo,
        inventory: Option<&'a Inventory>,
        defaults: Option<&'a Defaults>,
        env: &'a str,
    ) -> Self {
        Effective {
            repo,
            inventory,
            defaults,
            env,
        }
    }

    /// The groups whose variables apply, lowest first: `all`, then the host's other groups
    /// by name.
    pub fn groups(&self, host: Option<&str>) -> Vec<String> {
        let mut groups = vec!["all".to_string()];
        if let (Some(h), Some(inv)) = (host, self.inventory) {
            groups.extend(inv.groups_of(h).into_iter().filter(|g| g != "all"));
        }
        groups
    }

    /// The value Ansible uses for the top-level variable `key` (on `host`, or for group `all`
    /// only): `Ok(None)` when no layer sets it, `Err(Locked)` when a vault that could not be
    /// opened may set it above every layer that does not.
    pub fn get(&self, key: &str, host: Option<&str>) -> Result<Option<Found<'a>>, Locked> {
        self.lookup(key, host, false)
    }

    /// The top-level variables the repository's own layers set (for `host`, or group `all`
    /// only), each once, in layer order; locked vaults set nothing that can be listed.
    pub fn repo_keys(&self, host: Option<&str>) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = Vec::new();
        for source in self.sources(host) {
            if let Source::Repo {
                doc: Doc::Parsed { tree, .. },
                ..
            } = source
            {
                for (k, _) in tree.entries() {
                    if !out.contains(&k.as_str()) {
                        out.push(k.as_str());
                    }
                }
            }
        }
        out
    }

    /// The OSISM defaults this view layers under the repository, if any.
    pub fn defaults(&self) -> Option<&'a Defaults> {
        self.defaults
    }

    fn lookup(
        &self,
        key: &str,
        host: Option<&str>,
        defaults_only: bool,
    ) -> Result<Option<Found<'a>>, Locked> {
        for source in self.sources(host).into_iter().rev() {
            match source {
                Source::Repo { .. } if defaults_only => {}
                Source::Default(f) => {
                    if let Some(s) = f.values.iter().find(|s| s.key == key) {
                        let d = self.defaults.expect("defaults sources come from defaults");
                        return Ok(Some(Found {
                            value: Value::Default(&s.value),
                            layer: Layer::Defaults {
                                tag: d.source.tag.clone(),
                                group: f.group.clone(),
                            },
                            file: f.path.clone(),
                            line: s.line,
                            encrypted: s.encrypted,
                            secret: s.encrypted || self.repo.is_secret(&f.path, key, None),
                        }));
                    }
                }
                Source::Repo { rel, doc, layer } => match doc {
                    Doc::Locked => {
                        return Err(Locked {
                            file: rel.to_string(),
                            layer,
                        });
                    }
                    Doc::Parsed { tree, .. } => {
                        if let Some(n) = tree.get(key) {
                            return Ok(Some(Found {
                                value: Value::Repo(n),
                                layer,
                                file: rel.to_string(),
                                line: n.line,
                                encrypted: config::scalar_text(n).is_err(),
                                secret: self.repo.is_secret(rel, key, Some(n)),
                            }));
                        }
                    }
                },
            }
        }
        Ok(None)
    }

    /// [`get`](Self::get), and the value's text with bare-name templates
    /// (`"ceph.client.{{ ceph_cinder_user }}.keyring"`) resolved through the same lookup.
    /// A value that is not text (encrypted, null, list, mapping) is `Templated` with the reason.
    pub fn resolve(
        &self,
        key: &str,
        host: Option<&str>,
    ) -> Result<Option<(Found<'a>, Resolved)>, Locked> {
        let Some(found) = self.get(key, host)? else {
            return Ok(None);
        };
        Ok(Some(self.resolve_found(found, host)))
    }

    /// The value the OSISM defaults give `key` (ignoring every repository layer for `key`
    /// itself), with its templates resolved through the whole view: the default
    /// `"{{ ceph_cinder_keyring }}"` resolves with the repository's `ceph_cinder_keyring`.
    pub fn default_of(
        &self,
        key: &str,
        host: Option<&str>,
    ) -> Result<Option<(Found<'a>, Resolved)>, Locked> {
        let Some(found) = self.lookup(key, host, true)? else {
            return Ok(None);
        };
        Ok(Some(self.resolve_found(found, host)))
    }

    fn resolve_found(&self, found: Found<'a>, host: Option<&str>) -> (Found<'a>, Resolved) {
        let resolved = match (found.encrypted, found.value.text()) {
            (true, _) => Resolved::Templated {
                why: "an encrypted `!vault` value".into(),
            },
            (false, None) => Resolved::Templated {
                why: format!("{}, not text", found.value.kind_name()),
            },
            (false, Some(text)) => {
                let touched_secret = std::cell::Cell::new(found.secret);
                let lookup = |name: &str| match self.get(name, host) {
                    Err(l) => Err(format!("`{name}`, which is {l}")),
                    Ok(None) => Ok(None),
                    Ok(Some(f)) => {
                        touched_secret.set(touched_secret.get() || f.secret);
                        if f.encrypted {
                            Err(format!("`{name}`, an encrypted `!vault` value"))
                        } else {
                            match f.value.text() {
                                Some(t) => Ok(Some(t.to_string())),
                                None => Err(format!(
                                    "`{name}`, which is {}, not text",
                                    f.value.kind_name()
                                )),
                            }
                        }
                    }
                };
                match jinja::resolve_with(text, &lookup) {
                    // The reason quotes the expression: never from a secret.
                    Resolved::Templated { why }
                        if touched_secret.get() && why.starts_with("the expression") =>
                    {
                        Resolved::Templated {
                            why: "an expression in a secret value (not shown; only bare \
                                  variable names are resolved)"
                                .into(),
                        }
                    }
                    r => r,
                }
            }
        };
        (found, resolved)
    }

    /// Every file that may set a variable, lowest first.
    fn sources(&self, host: Option<&str>) -> Vec<Source<'a>> {
        let mut out = Vec::new();
        for group in self.groups(host) {
            self.group_sources(&group, &mut out);
        }
        if let Some(h) = host.filter(|h| inventory::is_plain_host_name(h)) {
            let layer = Layer::HostVars {
                host: h.to_string(),
            };
            // As for groups: the folder, else `<host>.yml`, else `<host>.yaml`.
            let dir = format!("inventory/host_vars/{h}/");
            let before = out.len();
            for (rel, doc) in self.repo.docs_under(&dir) {
                out.push(self.repo_source(rel, doc, &layer));
            }
            if out.len() == before {
                let file = ["yml", "yaml"].iter().find_map(|ext| {
                    self.repo
                        .doc_entry(&format!("inventory/host_vars/{h}.{ext}"))
                });
                if let Some((rel, doc)) = file {
                    out.push(self.repo_source(rel, doc, &layer));
                }
            }
        }
        let env = self.env;
        // osism-ansible's run-infrastructure.sh adds the monitoring environment after the
        // global files.
        let monitoring: &[&str] = if env == "infrastructure" {
            &[
                "environments/monitoring/configuration.yml",
                "environments/monitoring/secrets.yml",
            ]
        } else {
            &[]
        };
        for rel in [
            "environments/configuration.yml".to_string(),
            "environments/secrets.yml".to_string(),
        ]
        .into_iter()
        .chain(monitoring.iter().map(|m| m.to_string()))
        .chain([
            format!("environments/{env}/secrets.yml"),
            format!("environments/{env}/images.yml"),
            format!("environments/{env}/configuration.yml"),
        ]) {
            if let Some((rel, doc)) = self.repo.doc_entry(&rel) {
                out.push(self.repo_source(rel, doc, &Layer::ExtraVars));
            }
        }
        out
    }

    fn repo_source(&self, rel: &'a str, doc: &'a Doc, layer: &Layer) -> Source<'a> {
        Source::Repo {
            rel,
            doc,
            layer: layer.clone(),
        }
    }

    /// The files of one group: the defaults and the repository's `group_vars/<group>/**`
    /// merged and sorted by path (the same directory after `rsync`), a repository file
    /// replacing the defaults file at its path; then `<group>.yml`, `<group>.yaml`.
    fn group_sources(&self, group: &str, out: &mut Vec<Source<'a>>) {
        const ROOT: &str = "inventory/group_vars/";
        let layer = Layer::GroupVars {
            group: group.to_string(),
        };
        let replaced = |path: &str| self.repo.exists(&format!("{ROOT}{path}"));
        let defaults: Vec<&'a GroupFile> = self
            .defaults
            .map(|d| {
                d.files
                    .iter()
                    .filter(|f| f.group == group && !replaced(&f.path))
                    .collect()
            })
            .unwrap_or_default();
        // (path inside group_vars, source)
        let mut dir: Vec<(&'a str, Source<'a>)> = defaults
            .iter()
            .filter(|f| f.path.starts_with(&format!("{group}/")))
            .map(|f| (f.path.as_str(), Source::Default(f)))
            .collect();
        let prefix = format!("{ROOT}{group}/");
        for (rel, doc) in self.repo.docs_under(&prefix) {
            dir.push((&rel[ROOT.len()..], self.repo_source(rel, doc, &layer)));
        }
        // Ansible sorts each directory's entries by name, recursing in place.
        dir.sort_by(|a, b| by_components(a.0, b.0));
        // Ansible's `DataLoader.find_vars_files` looks for `<group>` (the folder), then
        // `<group>.yml`, then `<group>.yaml`, and stops at the first that exists: beside a
        // folder (OSISM's defaults bring `all/`), `all.yml` is never read.
        if !dir.is_empty() {
            out.extend(dir.into_iter().map(|(_, s)| s));
            return;
        }
        for ext in ["yml", "yaml"] {
            let name = format!("{group}.{ext}");
            let rel = format!("{ROOT}{name}");
            if let Some((rel, doc)) = self.repo.doc_entry(&rel) {
                out.push(self.repo_source(rel, doc, &layer));
                return;
            } else if let Some(f) = defaults.iter().find(|f| f.path == name) {
                out.push(Source::Default(f));
                return;
            }
        }
    }
}

/// Paths compared part by part (`a/x` before `a-b/y`, as a directory walk sorted per level).
fn by_components(a: &str, b: &str) -> Ordering {
    a.split('/').cmp(b.split('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataDir;
    use crate::release::defaults::{DefaultsSource, Setting};
    use std::path::Path;

    fn repo(files: &[(&str, &str)]) -> (tempfile::TempDir, ConfigRepo) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("environments/kolla")).unwrap();
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let r = ConfigRepo::load(dir.path(), None).unwrap();
        (dir, r)
    }

    fn inventory(text: &str) -> Inventory {
        let mut inv = Inventory::default();
        inv.parse(text, Path::new("inventory/hosts")).unwrap();
        inv
    }

    fn setting(key: &str, value: &str, line: usize) -> Setting {
        Setting {
            key: key.into(),
            value: DefaultValue::Text(value.into()),
            encrypted: false,
            line,
        }
    }

    fn defaults(files: Vec<(&str, &str, Vec<Setting>)>) -> Defaults {
        Defaults {
            schema_version: crate::release::defaults::SCHEMA_VERSION,
            source: DefaultsSource {
                repo: "osism/defaults".into(),
                tag: "v0.test".into(),
                commit: "0".repeat(40),
            },
            files: files
                .into_iter()
                .map(|(path, group, values)| GroupFile {
                    path: path.into(),
                    group: group.into(),
                    values,
                })
                .collect(),
        }
    }

    /// (text, file, line) of the winner.
    fn won(e: &Effective<'_>, key: &str, host: Option<&str>) -> Option<(String, String, usize)> {
        e.get(key, host)
            .unwrap()
            .map(|f| (f.value.text().unwrap().to_string(), f.file, f.line))
    }

    fn w(text: &str, file: &str, line: usize) -> Option<(String, String, usize)> {
        Some((text.into(), file.into(), line))
    }

    #[test]
    fn osism_7_defaults_answer_when_the_repository_is_silent() {
        let d = Defaults::load(&DataDir::Embedded, "v0.20240319.0").unwrap();
        let (_t, r) = repo(&[(
            "environments/kolla/configuration.yml",
            "---\nkolla_internal_vip_address: 192.168.16.9\n",
        )]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        let f = e.get("ceph_nova_user", None).unwrap().unwrap();
        assert_eq!(f.value.text(), Some("nova"));
        assert_eq!(f.file, "all/099-kolla.yml");
        assert_eq!(
            f.layer,
            Layer::Defaults {
                tag: "v0.20240319.0".into(),
                group: "all".into()
            }
        );
        let (f, resolved) = e.resolve("ceph_nova_keyring", None).unwrap().unwrap();
        assert_eq!(f.file, "all/001-kolla-defaults.yml");
        assert_eq!(
            resolved,
            Resolved::Text("ceph.client.cinder.keyring".into())
        );
        let f = e.get("enable_octavia", None).unwrap().unwrap();
        assert_eq!(f.value.text(), Some("yes"));
        assert_eq!(f.value.as_bool(), Some(true));
        assert!(e.get("no_such_variable_anywhere", None).unwrap().is_none());
    }

    #[test]
    fn each_layer_overrides_the_one_below_with_file_and_line() {
        let d = defaults(vec![
            (
                "all/099-kolla.yml",
                "all",
                vec![setting("k", "defaults", 7)],
            ),
            (
                "compute/000-defaults.yml",
                "compute",
                vec![setting("g", "defaults-compute", 3)],
            ),
        ]);
        let inv = inventory("[compute]\nnode1\n\n[other]\nnode2\n");
        let layers: [(&str, &str); 6] = [
            (
                "inventory/group_vars/all/100-site.yml",
                "---\nk: group-all\n",
            ),
            ("inventory/group_vars/all.yml", "---\n\nk: group-all-file\n"),
            // a folder: the defaults' compute/ folder hides compute.yml
            (
                "inventory/group_vars/compute/100-site.yml",
                "---\nk: group-compute\n",
            ),
            ("inventory/host_vars/node1.yml", "---\nk: host\n"),
            ("environments/configuration.yml", "---\nk: env-common\n"),
            (
                "environments/kolla/configuration.yml",
                "---\nk: env-kolla\n",
            ),
        ];
        let expected_host = [
            w("defaults", "all/099-kolla.yml", 7),
            w("group-all", layers[0].0, 2),
            // `all.yml` beside the `all/` folder is never read by Ansible.
            w("group-all", layers[0].0, 2),
            w("group-compute", layers[2].0, 2),
            w("host", layers[3].0, 2),
            w("env-common", layers[4].0, 2),
            w("env-kolla", layers[5].0, 2),
        ];
        for n in 0..=layers.len() {
            let (_t, r) = repo(&layers[..n]);
            let e = Effective::new(&r, Some(&inv), Some(&d), DEFAULT_ENV);
            assert_eq!(won(&e, "k", Some("node1")), expected_host[n], "{n} layers");
            // Without a host (or on a host of another group) only `all` and extra vars count.
            let all_only = |i: usize| if (3..=4).contains(&i) { 2 } else { i };
            let expected = if n <= 4 { all_only(n) } else { n };
            assert_eq!(won(&e, "k", None), expected_host[expected], "{n} layers");
            assert_eq!(won(&e, "k", Some("node2")), expected_host[expected]);
        }
        let (_t, r) = repo(&[]);
        let e = Effective::new(&r, Some(&inv), Some(&d), DEFAULT_ENV);
        assert_eq!(
            won(&e, "g", Some("node1")),
            w("defaults-compute", "compute/000-defaults.yml", 3)
        );
        assert_eq!(won(&e, "g", Some("node2")), None);
        assert_eq!(won(&e, "g", None), None);
        let f = e.get("g", Some("node1")).unwrap().unwrap();
        assert_eq!(
            f.layer,
            Layer::Defaults {
                tag: "v0.test".into(),
                group: "compute".into()
            }
        );
    }

    /// The defaults keep every file's settings: where the repository replaces the file whose
    /// value is in force, the earlier defaults file's value is the one Ansible uses.
    #[test]
    fn the_infrastructure_environment_also_reads_the_monitoring_files() {
        let (_t, r) = repo(&[
            (
                "environments/configuration.yml",
                "---\nm: global\nn: global\n",
            ),
            (
                "environments/monitoring/configuration.yml",
                "---\nm: monitoring\nn: monitoring\n",
            ),
            (
                "environments/infrastructure/configuration.yml",
                "---\nn: infrastructure\n",
            ),
        ]);
        let at = |env: &str, k: &str| {
            let e = Effective::new(&r, None, None, env);
            let f = e.get(k, None).unwrap().unwrap();
            (f.value.text().unwrap().to_string(), f.file)
        };
        assert_eq!(at("infrastructure", "m").0, "monitoring");
        assert_eq!(
            at("infrastructure", "n"),
            (
                "infrastructure".into(),
                "environments/infrastructure/configuration.yml".into()
            )
        );
        // Other environments (run-<env>.sh) do not read the monitoring files.
        assert_eq!(at("kolla", "m").0, "global");
    }

    #[test]
    fn replacing_the_defaults_file_in_force_falls_back_to_the_earlier_one() {
        let d = defaults(vec![
            (
                "all/001-kolla-defaults.yml",
                "all",
                vec![setting("k", "early", 5)],
            ),
            ("all/099-kolla.yml", "all", vec![setting("k", "late", 9)]),
        ]);
        let (_t, r) = repo(&[]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert_eq!(won(&e, "k", None), w("late", "all/099-kolla.yml", 9));
        let (_t, r) = repo(&[("inventory/group_vars/all/099-kolla.yml", "---\nother: 1\n")]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert_eq!(
            won(&e, "k", None),
            w("early", "all/001-kolla-defaults.yml", 5)
        );
    }

    /// `DataLoader.find_vars_files`: the folder, else `<group>.yml`, else `<group>.yaml`,
    /// only the first that exists.
    #[test]
    fn a_group_file_beside_its_folder_is_not_read() {
        let d = defaults(vec![(
            "manager.yml",
            "manager",
            vec![setting("m", "defaults", 2)],
        )]);
        let inv = inventory("[manager]\nmgr\n");
        let (_t, r) = repo(&[
            ("inventory/group_vars/manager/10-site.yml", "---\nx: 1\n"),
            ("inventory/group_vars/all.yml", "---\nk: ignored\n"),
        ]);
        let e = Effective::new(&r, Some(&inv), Some(&d), DEFAULT_ENV);
        // The repository's manager/ folder hides the defaults' manager.yml.
        assert_eq!(won(&e, "m", Some("mgr")), None);
        assert_eq!(
            won(&e, "x", Some("mgr")),
            w("1", "inventory/group_vars/manager/10-site.yml", 2)
        );
        // Without an all/ folder, all.yml is read; and .yaml only when there is no .yml.
        assert_eq!(
            won(&e, "k", None),
            w("ignored", "inventory/group_vars/all.yml", 2)
        );
        let (_t, r) = repo(&[
            ("inventory/group_vars/all.yml", "---\nk: yml\n"),
            (
                "inventory/group_vars/all.yaml",
                "---\nk: yaml\nonly: yaml\n",
            ),
        ]);
        let e = Effective::new(&r, None, None, DEFAULT_ENV);
        assert_eq!(
            won(&e, "k", None),
            w("yml", "inventory/group_vars/all.yml", 2)
        );
        assert_eq!(won(&e, "only", None), None);
    }

    #[test]
    fn extra_vars_follow_run_sh_order_and_the_environment() {
        let files = [
            (
                "environments/configuration.yml",
                "a: 1\nb: 1\nc: 1\nd: 1\ne: 1\n",
            ),
            ("environments/secrets.yml", "b: 2\nc: 2\nd: 2\ne: 2\n"),
            ("environments/kolla/secrets.yml", "c: 3\nd: 3\ne: 3\n"),
            ("environments/kolla/images.yml", "d: 4\ne: 4\n"),
            ("environments/kolla/configuration.yml", "e: 5\n"),
            ("environments/ceph/configuration.yml", "a: ceph\n"),
            ("inventory/host_vars/node1/10-x.yml", "a: hostdir\nz: dir\n"),
            ("inventory/host_vars/node1.yml", "z: file\n"),
        ];
        let (_t, r) = repo(&files);
        let e = Effective::new(&r, None, None, DEFAULT_ENV);
        for (k, v) in [("a", "1"), ("b", "2"), ("c", "3"), ("d", "4"), ("e", "5")] {
            let f = e.get(k, None).unwrap().unwrap();
            assert_eq!(f.value.text(), Some(v), "{k}");
            assert_eq!(f.layer, Layer::ExtraVars);
        }
        assert!(e.get("b", None).unwrap().unwrap().secret);
        let e = Effective::new(&r, None, None, "ceph");
        assert_eq!(
            e.get("a", None).unwrap().unwrap().value.text(),
            Some("ceph")
        );
        // host_vars: the directory; node1.yml beside it is never read
        assert_eq!(
            won(&e, "z", Some("node1")),
            w("dir", "inventory/host_vars/node1/10-x.yml", 2)
        );
        assert_eq!(
            e.get("z", Some("node1")).unwrap().unwrap().layer,
            Layer::HostVars {
                host: "node1".into()
            }
        );
    }

    #[test]
    fn a_repository_file_replaces_the_defaults_file_at_its_path() {
        let d = defaults(vec![
            (
                "all/001-kolla-defaults.yml",
                "all",
                vec![setting("early", "001", 1)],
            ),
            (
                "all/099-kolla.yml",
                "all",
                vec![setting("only_here", "099", 2), setting("both", "099", 3)],
            ),
            ("all/099-other.yml", "all", vec![setting("other", "x", 4)]),
        ]);
        let (_t, r) = repo(&[(
            "inventory/group_vars/all/099-kolla.yml",
            "---\nboth: repo\n",
        )]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert_eq!(won(&e, "only_here", None), None);
        assert_eq!(
            won(&e, "both", None),
            w("repo", "inventory/group_vars/all/099-kolla.yml", 2)
        );
        assert_eq!(
            won(&e, "early", None),
            w("001", "all/001-kolla-defaults.yml", 1)
        );
        // Same directory after rsync: a later-sorted defaults file wins over an earlier repo file.
        let (_t, r) = repo(&[("inventory/group_vars/all/050-site.yml", "other: site\n")]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert_eq!(won(&e, "other", None), w("x", "all/099-other.yml", 4));
        let (_t, r) = repo(&[("inventory/group_vars/all/100-site.yml", "other: site\n")]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert_eq!(
            won(&e, "other", None),
            w("site", "inventory/group_vars/all/100-site.yml", 1)
        );
    }

    const VAULT_FILE: &str = "$ANSIBLE_VAULT;1.1;AES256\n\
        62313365396662343061393464336163383764373764613633653634306231386433626436623361\n";
    const INLINE: &str = "secret_thing: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  \
        62313365396662343061393464336163383764373764613633653634306231386433626436623361\n";

    #[test]
    fn a_locked_file_makes_the_value_unknown_not_absent() {
        let d = defaults(vec![(
            "all/099-kolla.yml",
            "all",
            vec![setting("k", "d", 1)],
        )]);
        let (_t, r) = repo(&[
            ("environments/kolla/configuration.yml", "k: env\n"),
            ("environments/secrets.yml", VAULT_FILE),
        ]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        // Above the locked file: known.
        assert_eq!(
            won(&e, "k", None),
            w("env", "environments/kolla/configuration.yml", 1)
        );
        // Below it: unknown, never the defaults.
        let l = e.get("other", None).unwrap_err();
        assert_eq!(l.file, "environments/secrets.yml");
        assert_eq!(l.layer, Layer::ExtraVars);
        assert!(
            l.to_string().contains("unknown: environments/secrets.yml"),
            "{l}"
        );
        let (_t, r) = repo(&[("environments/secrets.yml", VAULT_FILE)]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        assert!(e.get("k", None).is_err());
        assert!(e.resolve("k", None).is_err());
        // A template naming a variable the locked file may set.
        let (_t, r) = repo(&[
            ("environments/secrets.yml", VAULT_FILE),
            (
                "environments/kolla/configuration.yml",
                "t: \"{{ nowhere }}\"\n",
            ),
        ]);
        let e = Effective::new(&r, None, None, DEFAULT_ENV);
        match e.resolve("t", None).unwrap().unwrap().1 {
            Resolved::Templated { why } => assert!(why.contains("vault-encrypted"), "{why}"),
            r => panic!("{r:?}"),
        }
    }

    #[test]
    fn an_inline_vault_is_the_value_encrypted_not_absent() {
        let d = defaults(vec![(
            "all/099-kolla.yml",
            "all",
            vec![setting("secret_thing", "default", 1)],
        )]);
        let (_t, r) = repo(&[
            ("environments/kolla/secrets.yml", INLINE),
            (
                "environments/kolla/configuration.yml",
                "uses: \"x-{{ secret_thing }}\"\n",
            ),
        ]);
        let e = Effective::new(&r, None, Some(&d), DEFAULT_ENV);
        let f = e.get("secret_thing", None).unwrap().unwrap();
        assert!(f.encrypted && f.secret);
        assert_eq!(f.file, "environments/kolla/secrets.yml");
        assert_eq!(f.value.text(), None);
        let (_, resolved) = e.resolve("secret_thing", None).unwrap().unwrap();
        assert!(matches!(resolved, Resolved::Templated { why } if why.contains("encrypted")));
        let (_, resolved) = e.resolve("uses", None).unwrap().unwrap();
        match resolved {
            Resolved::Templated { why } => {
                assert!(why.contains("`secret_thing`, an encrypted"), "{why}");
                assert!(!why.contains("6231"), "{why}");
            }
            r => panic!("{r:?}"),
        }
    }

    #[test]
    fn groups_of_a_host_come_through_children_and_sort_by_name() {
        let inv = inventory("[b]\nn1\n\n[a:children]\nb\n\n[z]\nn2\n");
        let (_t, r) = repo(&[
            ("inventory/group_vars/a.yml", "k: a\n"),
            ("inventory/group_vars/b.yml", "k: b\n"),
        ]);
        let e = Effective::new(&r, Some(&inv), None, DEFAULT_ENV);
        assert_eq!(e.groups(Some("n1")), ["all", "a", "b"]);
        assert_eq!(e.groups(Some("unknown")), ["all"]);
        assert_eq!(
            won(&e, "k", Some("n1")),
            w("b", "inventory/group_vars/b.yml", 1)
        );
        assert_eq!(won(&e, "k", Some("n2")), None);
    }

    #[test]
    fn values_are_typed_the_ansible_way() {
        let (_t, r) = repo(&[(
            "environments/kolla/configuration.yml",
            "a: yes\nb: \"no\"\nc: 1\nd: maybe\nl: [1]\nn:\n",
        )]);
        let e = Effective::new(&r, None, None, DEFAULT_ENV);
        let b = |k: &str| e.get(k, None).unwrap().unwrap().value.as_bool();
        assert_eq!(
            [b("a"), b("b"), b("c"), b("d"), b("l"), b("n")],
            [Some(true), Some(false), Some(true), None, None, None]
        );
        let (_, r) = e.resolve("l", None).unwrap().unwrap();
        assert_eq!(
            r,
            Resolved::Templated {
                why: "a list, not text".into()
            }
        );
    }
}
