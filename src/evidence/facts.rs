//! The facts directory: outputs collected from the live cloud by the script that
//! `scs-release upgrade collect-script` prints. Layout (all files optional; a missing file
//! makes the checks that need it "unknown"):
//!
//! ```text
//! <facts>/ceph-health.json           ceph health -f json
//! <facts>/ceph-quorum-status.json    ceph quorum_status -f json
//! <facts>/ceph-versions.json         ceph versions -f json
//! <facts>/ceph-auth-ls.json          ceph auth ls -f json   (keys blanked by the script)
//! <facts>/openstack-role-list.json   openstack role list -f json
//! <facts>/openstack-role-assignment-list.json
//!                                    openstack role assignment list --project service --names -f json
//! <facts>/k8s/<cluster>/nodes.json   kubectl get nodes -o json   (KaaS workload clusters)
//! <facts>/hosts/<host>/stat-var-lib-ceph.txt   stat -c '%n %F %u:%g %a' /var/lib/ceph/*
//! <facts>/rabbitmq3to4-check.txt    osism migrate rabbitmq3to4 check   (other top-level *.txt
//!                                    files are read as text too)
//! <facts>/generated-files.txt        keyrings the configuration repository ignores, as the
//!                                    manager's /opt/configuration has them: per file a header
//!                                    `== <path> bytes=<n> newline=<yes|no>`, then its lines
//!                                    with every value after `=` redacted (`#` lines before
//!                                    the first header are comments)
//! ```
//!
//! Every `*.json` file is parsed when the directory is read and every `hosts/*/stat-*.txt`
//! file is checked line by line, so damaged input fails at once with file:line:column.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::EvidenceError;

#[derive(Debug)]
pub struct Facts {
    pub root: PathBuf,
    json: BTreeMap<String, serde_json::Value>,
    stat: BTreeMap<String, Vec<StatLine>>,
    files: Vec<String>,
    /// `generated-files.txt`, when collected.
    generated: Option<BTreeMap<String, GeneratedFile>>,
    /// Other top-level `*.txt` files: command output read as text.
    text: BTreeMap<String, String>,
}

/// The facts file with the files a deploy step writes into the configuration repository.
pub const GENERATED_FILES: &str = "generated-files.txt";

/// A file the repository ignores, as found on the manager: its structure, values redacted.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedFile {
    pub bytes: u64,
    pub ends_with_newline: bool,
    /// The lines, each value after `=` replaced by `<redacted>`.
    pub text: String,
}

/// One line of `stat -c '%n %F %u:%g %a'`.
#[derive(Debug, Clone, PartialEq)]
pub struct StatLine {
    pub path: String,
    /// `directory`, `regular file`, `symbolic link`, …
    pub file_type: String,
    pub owner: String,
    /// Octal permission bits as printed by `%a` (`755`).
    pub mode: String,
}

impl Facts {
    pub fn load(root: &Path) -> Result<Facts, EvidenceError> {
        if !root.is_dir() {
            return Err(EvidenceError::invalid(
                root.to_path_buf(),
                "not a directory",
            ));
        }
        let files = crate::base::glob::walk(root).map_err(|e| EvidenceError::io(root, e))?;
        let mut json = BTreeMap::new();
        let mut stat = BTreeMap::new();
        let mut generated = None;
        let mut text = BTreeMap::new();
        for rel in &files {
            let path = root.join(rel);
            if rel == GENERATED_FILES {
                generated = Some(parse_generated(&read(&path)?, &path)?);
            } else if rel.ends_with(".txt") && !rel.contains('/') {
                text.insert(rel.clone(), read(&path)?);
            } else if rel.ends_with(".json") {
                let text = read(&path)?;
                if text.trim().is_empty() {
                    return Err(EvidenceError::Facts {
                        file: path,
                        line: 1,
                        column: 1,
                        message: "empty file: expected the JSON output of the command (remove the file if the command failed)".into(),
                    });
                }
                let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| EvidenceError::Facts {
                    file: path.clone(),
                    line: e.line(),
                    column: e.column(),
                    message: format!("not valid JSON ({}); expected the output of the command with `-f json`", crate::base::error_text::json_message(&e)),
                })?;
                json.insert(rel.clone(), value);
            } else if rel.starts_with("hosts/")
                && rel
                    .rsplit('/')
                    .next()
                    .is_some_and(|n| n.starts_with("stat-") && n.ends_with(".txt"))
            {
                let text = read(&path)?;
                stat.insert(rel.clone(), parse_stat(&text, &path)?);
            }
        }
        Ok(Facts {
            root: root.to_path_buf(),
            json,
            stat,
            files,
            generated,
            text,
        })
    }

    /// A top-level `*.txt` facts file (command output), if collected.
    pub fn text(&self, rel: &str) -> Option<&str> {
        self.text.get(rel).map(String::as_str)
    }

    /// `Some` when `generated-files.txt` was collected: then a path it does not list does not
    /// exist on the manager either.
    pub fn generated(&self) -> Option<&BTreeMap<String, GeneratedFile>> {
        self.generated.as_ref()
    }

    pub fn json(&self, rel: &str) -> Option<&serde_json::Value> {
        self.json.get(rel)
    }

    pub fn stat(&self, rel: &str) -> Option<&[StatLine]> {
        self.stat.get(rel).map(Vec::as_slice)
    }

    /// Files matching a glob, relative.
    pub fn glob(&self, pattern: &str) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| crate::base::glob::matches(pattern, f))
            .cloned()
            .collect()
    }
}

/// A facts file of at most [`crate::base::limits::FACTS_MAX_FILE_BYTES`].
fn read(path: &Path) -> Result<String, EvidenceError> {
    crate::base::limits::read_text(
        path,
        crate::base::limits::FACTS_MAX_FILE_BYTES,
        "a facts file",
    )
    .map_err(|e| EvidenceError::read(path.to_path_buf(), e))
}

/// Parse `generated-files.txt`. Errors give file:line:column.
pub fn parse_generated(
    text: &str,
    file: &Path,
) -> Result<BTreeMap<String, GeneratedFile>, EvidenceError> {
    let mut out: BTreeMap<String, GeneratedFile> = BTreeMap::new();
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let err = |column: usize, message: String| EvidenceError::Facts {
            file: file.to_path_buf(),
            line: i + 1,
            column,
            message,
        };
        let Some(head) = line.strip_prefix("== ") else {
            match current.as_ref().and_then(|c| out.get_mut(c)) {
                Some(g) => {
                    g.text.push_str(line);
                    g.text.push('\n');
                }
                None if line.trim().is_empty() || line.starts_with('#') => {}
                None => {
                    return Err(err(
                        1,
                        "expected a header `== <path> bytes=<n> newline=<yes|no>` before the first line of a file".into(),
                    ));
                }
            }
            continue;
        };
        let expected = "expected `== <path> bytes=<n> newline=<yes|no>`";
        let (rest, newline) = head
            .rsplit_once(" newline=")
            .ok_or_else(|| err(4, format!("{expected}: no `newline=`")))?;
        let (path, bytes) = rest
            .rsplit_once(" bytes=")
            .ok_or_else(|| err(4, format!("{expected}: no `bytes=`")))?;
        let col = |s: &str| line.rfind(s).map(|c| c + 1).unwrap_or(1);
        let bytes: u64 = bytes
            .parse()
            .map_err(|_| err(col(bytes), format!("{expected}: bytes is not a number")))?;
        let ends_with_newline = match newline {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(err(
                    col(newline),
                    format!("{expected}: newline is not yes or no"),
                ));
            }
        };
        let plain = !path.is_empty()
            && !path.starts_with('/')
            && path
                .split('/')
                .all(|p| !p.is_empty() && p != "." && p != "..");
        if !plain {
            return Err(err(
                4,
                "the path must be relative to the configuration repository, without `.` or `..` parts".into(),
            ));
        }
        if out.contains_key(path) {
            return Err(err(4, format!("{path} is listed twice")));
        }
        out.insert(
            path.to_string(),
            GeneratedFile {
                bytes,
                ends_with_newline,
                text: String::new(),
            },
        );
        current = Some(path.to_string());
    }
    Ok(out)
}

/// Parse `stat -c '%n %F %u:%g %a'` output. Paths must not contain spaces (those under
/// `/var/lib/ceph` do not). Errors give file:line:column and the reason, not the line's text.
pub fn parse_stat(text: &str, file: &Path) -> Result<Vec<StatLine>, EvidenceError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |column: usize, message: String| EvidenceError::Facts {
            file: file.to_path_buf(),
            line: i + 1,
            column,
            message,
        };
        let expected =
            "expected `<path> <type> <uid>:<gid> <mode>` as printed by stat -c '%n %F %u:%g %a'";
        if line.starts_with("stat:") {
            return Err(err(
                1,
                "an error message of stat (`stat: …`), not its output: remove the file or collect it again".into(),
            ));
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if parts.len() < 4 {
            return Err(err(1, format!("{expected}, found {} fields", parts.len())));
        }
        let owner = parts[parts.len() - 2];
        let mode = parts[parts.len() - 1];
        let col = |s: &str| line.find(s).map(|c| c + 1).unwrap_or(1);
        let ok_owner = owner.split_once(':').is_some_and(|(u, g)| {
            !u.is_empty()
                && !g.is_empty()
                && u.chars().all(|c| c.is_ascii_digit())
                && g.chars().all(|c| c.is_ascii_digit())
        });
        if !ok_owner {
            return Err(err(
                col(owner),
                format!("the owner is not a numeric uid:gid; {expected}"),
            ));
        }
        if mode.is_empty() || mode.len() > 4 || !mode.chars().all(|c| ('0'..='7').contains(&c)) {
            return Err(err(
                line.rfind(mode).map(|c| c + 1).unwrap_or(1),
                format!("the mode is not an octal number; {expected}"),
            ));
        }
        out.push(StatLine {
            path: parts[0].to_string(),
            file_type: parts[1..parts.len() - 2].join(" "),
            owner: owner.to_string(),
            mode: mode.to_string(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn stat_parser_never_panics(text in "([/a-z0-9:. -]{0,30}|stat: .{0,10}|\n){0,8}") {
            let _ = parse_stat(&text, Path::new("s.txt"));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn generated_parser_never_panics(text in "(== [a-z/. ]{0,12}( bytes=[0-9x]{0,3})?( newline=(yes|no|x))?|[a-z =]{0,10}|\n){0,8}") {
            let _ = parse_generated(&text, Path::new("g.txt"));
        }
    }

    #[test]
    fn generated_files() {
        let g = parse_generated(
            "== environments/a b/ceph.client.x.keyring bytes=61 newline=no\n[client.x]\n\tkey = <redacted>\n== e/k bytes=0 newline=yes\n",
            Path::new("g.txt"),
        )
        .unwrap();
        let x = &g["environments/a b/ceph.client.x.keyring"];
        assert_eq!((x.bytes, x.ends_with_newline), (61, false));
        assert_eq!(x.text, "[client.x]\n\tkey = <redacted>\n");
        assert_eq!(g["e/k"].bytes, 0);
        for (text, want) in [
            ("[client.x]\n", "g.txt:1:1: expected a header"),
            (
                "== ../x bytes=1 newline=yes\n",
                "g.txt:1:4: the path must be relative",
            ),
            (
                "== x bytes=a newline=yes\n",
                "g.txt:1:12: expected `== <path> bytes=<n> newline=<yes|no>`: bytes is not a number",
            ),
            (
                "== x bytes=1 newline=maybe\n",
                "g.txt:1:22: expected `== <path> bytes=<n> newline=<yes|no>`: newline is not yes or no",
            ),
        ] {
            let e = parse_generated(text, Path::new("g.txt"))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
    }

    #[test]
    fn stat_lines() {
        let s = parse_stat(
            "/var/lib/ceph/bootstrap-osd directory 64045:64045 755\n/var/lib/ceph/x regular file 0:0 644\n",
            Path::new("s.txt"),
        )
        .unwrap();
        assert_eq!(s[1].file_type, "regular file");
        let e = parse_stat(
            "/var/lib/ceph/a directory ceph:ceph 755\n",
            Path::new("s.txt"),
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("s.txt:1:27: the owner is not a numeric uid:gid"),
            "{e}"
        );
    }
}
