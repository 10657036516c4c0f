//! The operator's configuration repository (OSISM layout): `environments/**/*.yml` read as
//! YAML trees (Ansible YAML 1.1), ansible-vault whole files and inline `!vault` values
//! decrypted with the vault password, other files (overlays, keyrings) read on demand.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use regex::Regex;

use super::EvidenceError;
use super::gitignore::{Gitignore, Rule};
use super::vault::{self, VaultKey};
use crate::base::yaml::{Node, Value};

/// Tag put on inline `!vault` scalars after decryption.
const DECRYPTED: &str = "!vault(decrypted)";

#[derive(Debug)]
pub struct ConfigRepo {
    pub root: PathBuf,
    /// Every file of the repository (relative, `/`-separated), `.git` excluded.
    pub files: Vec<String>,
    /// YAML files under `environments/` (outside `files/`) and `inventory/`.
    docs: BTreeMap<String, Doc>,
    /// Every `.gitignore` of the repository.
    ignore: Gitignore,
}

#[derive(Debug)]
pub enum Doc {
    Parsed {
        tree: Node,
        vaulted: bool,
    },
    /// A whole-file vault and no password was given.
    Locked,
}

/// The result of looking a key up.
#[derive(Debug)]
pub enum Lookup<'a> {
    MissingFile,
    /// The file is vault-encrypted and no `--vault-password-file` was given.
    LockedFile,
    Absent,
    Present(&'a Node),
}

impl ConfigRepo {
    /// Read the repository at `root`. With `key`, vaults are decrypted now, so a wrong password
    /// fails at once with the file and position of the vault.
    pub fn load(root: &Path, key: Option<&VaultKey>) -> Result<ConfigRepo, EvidenceError> {
        if !root.is_dir() {
            return Err(EvidenceError::invalid(
                root.to_path_buf(),
                "not a directory",
            ));
        }
        if !root.join("environments").is_dir() {
            return Err(EvidenceError::invalid(
                root.to_path_buf(),
                "not an OSISM configuration repository: it has no environments/ folder",
            ));
        }
        let files = crate::base::glob::walk(root).map_err(|e| EvidenceError::io(root, e))?;
        let mut docs = BTreeMap::new();
        let mut ignore = Gitignore::default();
        let mut ignore_files: Vec<&String> = files
            .iter()
            .filter(|f| f.rsplit('/').next() == Some(".gitignore"))
            .collect();
        ignore_files.sort_by_key(|f| f.matches('/').count());
        for rel in ignore_files {
            let path = root.join(rel);
            let text = std::fs::read(&path).map_err(|e| EvidenceError::io(&path, e))?;
            ignore.add(rel, &String::from_utf8_lossy(&text));
        }
        for rel in &files {
            let yaml = rel.ends_with(".yml") || rel.ends_with(".yaml");
            let in_env = rel.starts_with("environments/") && !rel.split('/').any(|p| p == "files");
            let in_inv = rel.starts_with("inventory/");
            if !(yaml && (in_env || in_inv)) {
                continue;
            }
            let path = root.join(rel);
            let text = crate::base::yaml::read(&path)?;
            let doc = if vault::is_vault(&text) {
                match key {
                    None => Doc::Locked,
                    Some(k) => {
                        let plain =
                            vault::decrypt(&text, k).map_err(|reason| EvidenceError::Vault {
                                file: path.clone(),
                                line: 1,
                                column: 1,
                                what: "the vault-encrypted file".into(),
                                reason,
                            })?;
                        let mut tree =
                            crate::base::yaml::parse_tree(&plain, &path).map_err(|e| {
                                // Positions refer to the decrypted text; say so.
                                crate::base::yaml::YamlError {
                                    message: format!(
                                        "{} (in the decrypted vault content)",
                                        e.message
                                    ),
                                    ..e
                                }
                            })?;
                        decrypt_inline(&mut tree, &path, Some(k))?;
                        Doc::Parsed {
                            tree,
                            vaulted: true,
                        }
                    }
                }
            } else {
                let mut tree = crate::base::yaml::parse_tree(&text, &path)?;
                decrypt_inline(&mut tree, &path, key)?;
                Doc::Parsed {
                    tree,
                    vaulted: false,
                }
            };
            docs.insert(rel.clone(), doc);
        }
        Ok(ConfigRepo {
            root: root.to_path_buf(),
            files,
            docs,
            ignore,
        })
    }

    /// The `.gitignore` line that makes git ignore `rel`: such a file is written at deploy
    /// time when it is absent here.
    pub fn ignored_by(&self, rel: &str) -> Option<&Rule> {
        self.ignore.ignored_by(rel)
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.files.iter().any(|f| f == rel)
    }

    /// Files matching a glob (`*` within a path part, `**` across parts).
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| crate::base::glob::matches(pattern, f))
            .cloned()
            .collect()
    }

    pub fn is_pattern(s: &str) -> bool {
        s.contains('*') || s.contains('?')
    }

    pub fn doc(&self, rel: &str) -> Option<&Doc> {
        self.docs.get(rel)
    }

    /// The YAML documents whose path starts with `prefix`, sorted by path.
    pub fn docs_under<'a>(
        &'a self,
        prefix: &str,
    ) -> impl Iterator<Item = (&'a str, &'a Doc)> + use<'a> {
        let prefix = prefix.to_string();
        self.docs
            .range::<str, _>((
                std::ops::Bound::Included(prefix.as_str()),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(&prefix))
            .map(|(k, d)| (k.as_str(), d))
    }

    /// The YAML document at `rel`, with its stored path.
    pub fn doc_entry(&self, rel: &str) -> Option<(&str, &Doc)> {
        self.docs.get_key_value(rel).map(|(k, d)| (k.as_str(), d))
    }

    pub fn lookup(&self, rel: &str, key: &str) -> Lookup<'_> {
        match self.docs.get(rel) {
            None => Lookup::MissingFile,
            Some(Doc::Locked) => Lookup::LockedFile,
            Some(Doc::Parsed { tree, .. }) => match tree.get(key) {
                Some(n) => Lookup::Present(n),
                None => Lookup::Absent,
            },
        }
    }

    /// Top-level keys of a YAML file (empty when missing or locked).
    pub fn keys(&self, rel: &str) -> Vec<(&str, &Node)> {
        match self.docs.get(rel) {
            Some(Doc::Parsed { tree, .. }) => tree
                .entries()
                .iter()
                .map(|(k, v)| (k.as_str(), v))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// True when values of this file/key must never be shown.
    pub fn is_secret(&self, rel: &str, key: &str, node: Option<&Node>) -> bool {
        let name = rel.rsplit('/').next().unwrap_or(rel);
        let vaulted = matches!(self.docs.get(rel), Some(Doc::Parsed { vaulted: true, .. }));
        let inline = node.is_some_and(|n| matches!(&n.value, Value::Scalar { tag: Some(_), .. }));
        static SECRETISH: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
            Regex::new(r"(?i)(password|passwd|secret|token|salt|_key$|keyring_key|credential)")
                .expect("valid regex")
        });
        name.starts_with("secrets") || vaulted || inline || SECRETISH.is_match(key)
    }

    pub fn read_text(&self, rel: &str) -> Result<Option<String>, EvidenceError> {
        if !self.exists(rel) {
            return Ok(None);
        }
        let path = self.root.join(rel);
        std::fs::read(&path)
            .map(|b| Some(String::from_utf8_lossy(&b).into_owned()))
            .map_err(|e| EvidenceError::io(&path, e))
    }
}

/// An inline `!vault` value that could not be opened (no password given).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Encrypted;

/// A value's text for checks: `Err(Encrypted)` for an inline vault we could not open.
pub fn scalar_text(node: &Node) -> Result<Option<&str>, Encrypted> {
    match &node.value {
        Value::Scalar { tag: Some(t), .. } if t.contains("vault") && t != DECRYPTED => {
            Err(Encrypted)
        }
        Value::Scalar { text, .. } => Ok(Some(text)),
        Value::Null => Ok(None),
        _ => Ok(None),
    }
}

/// An Ansible boolean: YAML 1.1 spellings, also quoted (Ansible applies `| bool`).
pub fn ansible_bool(node: &Node) -> Option<bool> {
    match &node.value {
        Value::Scalar { text, tag, .. } if tag.as_deref().is_none_or(|t| t == DECRYPTED) => {
            crate::base::yaml::parse_yaml11_bool(text.trim()).or(match text.trim() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            })
        }
        _ => None,
    }
}

fn decrypt_inline(
    node: &mut Node,
    file: &Path,
    key: Option<&VaultKey>,
) -> Result<(), EvidenceError> {
    let (line, column) = (node.line, node.column);
    match &mut node.value {
        Value::Scalar { text, tag, .. } if tag.as_deref().is_some_and(|t| t.contains("vault")) => {
            if let Some(k) = key {
                let plain = vault::decrypt(text, k).map_err(|reason| EvidenceError::Vault {
                    file: file.to_path_buf(),
                    line,
                    column,
                    what: "the inline !vault value".into(),
                    reason,
                })?;
                *text = plain;
                *tag = Some(DECRYPTED.into());
            }
        }
        Value::Seq(items) => {
            for i in items {
                decrypt_inline(i, file, key)?;
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries.iter_mut() {
                decrypt_inline(v, file, key).map_err(|e| match e {
                    EvidenceError::Vault {
                        file,
                        line,
                        column,
                        reason,
                        ..
                    } => EvidenceError::Vault {
                        file,
                        line,
                        column,
                        what: format!("the inline !vault value of `{k}`"),
                        reason,
                    },
                    other => other,
                })?;
            }
        }
        _ => {}
    }
    Ok(())
}
