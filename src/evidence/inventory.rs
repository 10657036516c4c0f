//! OSISM's INI inventory (`inventory/10-custom`, `inventory/20-roles`, `50-ceph`, …):
//! `[group]` host lines, `[group:children]`, `[group:vars]`. Files are merged like Ansible does.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::EvidenceError;

/// The groups that hold the Ceph mon hosts, in the order they are looked for (OSISM names the
/// group `ceph-control`; older inventories `mons` or `ceph-mon`).
pub const CEPH_MON_GROUPS: &[&str] = &["mons", "ceph-mon", "ceph-control"];

#[derive(Debug, Default)]
pub struct Inventory {
    groups: BTreeMap<String, Group>,
    /// Where each host was first named: file, line and column.
    origins: BTreeMap<String, (std::path::PathBuf, usize, usize)>,
    /// Hosts named so far (with repeats), bounded by [`crate::base::limits::INVENTORY_MAX_HOSTS`].
    host_count: usize,
    /// Files read, relative to the repository.
    pub files: Vec<String>,
}

#[derive(Debug, Default)]
struct Group {
    hosts: Vec<String>,
    /// The same hosts, for de-duplication in constant time.
    known: HashSet<String>,
    children: Vec<String>,
}

impl Inventory {
    /// Read every INI file directly in `<repo>/inventory/` (YAML, Markdown and hidden files are
    /// skipped). `None` when the directory does not exist.
    pub fn load(repo: &Path) -> Result<Option<Inventory>, EvidenceError> {
        let dir = repo.join("inventory");
        if !dir.is_dir() {
            return Ok(None);
        }
        let mut names: Vec<_> = std::fs::read_dir(&dir)
            .map_err(|e| EvidenceError::io(&dir, e))?
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| {
                !n.starts_with('.')
                    && ![".yml", ".yaml", ".md", ".j2", ".json", ".py", ".sh", ".txt"]
                        .iter()
                        .any(|x| n.ends_with(x))
            })
            .collect();
        names.sort();
        let mut inv = Inventory::default();
        for n in names {
            let path = dir.join(&n);
            let text = crate::base::limits::read_text(
                &path,
                crate::base::limits::INVENTORY_MAX_FILE_BYTES,
                "an inventory file",
            )
            .map_err(|e| EvidenceError::read(path.clone(), e))?;
            inv.parse(&text, &path)?;
            inv.files.push(format!("inventory/{n}"));
        }
        Ok(Some(inv))
    }

    /// Parse one INI file into the inventory. Errors name the file, line, column and what was
    /// expected, never the text of the line: inventories hold `ansible_ssh_pass=…` and the like.
    pub fn parse(&mut self, text: &str, file: &Path) -> Result<(), EvidenceError> {
        enum Section {
            Hosts(String),
            Children(String),
            Vars,
        }
        let err = |line: usize, column: usize, message: String| EvidenceError::Inventory {
            file: file.to_path_buf(),
            line,
            column,
            message,
        };
        let mut section = Section::Hosts("ungrouped".into());
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            let indent = raw.len() - raw.trim_start().len() + 1;
            if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
                continue;
            }
            if line.starts_with('[') {
                let Some(end) = line.find(']') else {
                    return Err(err(line_no, indent, "section header without closing `]` (expected `[group]`, `[group:children]` or `[group:vars]`)".into()));
                };
                let rest = line[end + 1..].trim();
                if !rest.is_empty() && !rest.starts_with('#') && !rest.starts_with(';') {
                    return Err(err(
                        line_no,
                        indent + end + 1,
                        "unexpected text after the section header (expected nothing or a comment)"
                            .into(),
                    ));
                }
                let name = line[1..end].trim();
                let (group, suffix) = name.split_once(':').unwrap_or((name, ""));
                if group.is_empty() || group.contains(char::is_whitespace) {
                    return Err(err(
                        line_no,
                        indent + 1,
                        "not a valid group name (empty, or with spaces)".into(),
                    ));
                }
                section = match suffix {
                    "" => Section::Hosts(group.to_string()),
                    "children" => Section::Children(group.to_string()),
                    "vars" => Section::Vars,
                    _ => {
                        return Err(err(
                            line_no,
                            indent + 1 + group.len() + 1,
                            "unknown section suffix (expected `:children` or `:vars`)".into(),
                        ));
                    }
                };
                if let Section::Hosts(g) | Section::Children(g) = &section {
                    self.groups.entry(g.clone()).or_default();
                }
                continue;
            }
            let first = line.split_whitespace().next().unwrap_or("");
            match &section {
                Section::Vars => {
                    if !line.contains('=') {
                        return Err(err(
                            line_no,
                            indent,
                            "expected `key=value` in a :vars section (the line is not shown: it may hold a secret)".into(),
                        ));
                    }
                }
                Section::Children(g) => {
                    if line.split_whitespace().count() > 1 {
                        return Err(err(
                            line_no,
                            indent,
                            format!(
                                "expected one group name per line in [{g}:children], found {} words",
                                line.split_whitespace().count()
                            ),
                        ));
                    }
                    self.groups.entry(first.to_string()).or_default();
                    let g = self.groups.entry(g.clone()).or_default();
                    if !g.children.iter().any(|c| c == first) {
                        g.children.push(first.to_string());
                    }
                }
                Section::Hosts(g) => {
                    let hosts = expand(first).map_err(|m| err(line_no, indent, m))?;
                    self.host_count += hosts.len();
                    if self.host_count > crate::base::limits::INVENTORY_MAX_HOSTS {
                        return Err(err(
                            line_no,
                            indent,
                            format!(
                                "the inventory names more than {} hosts",
                                crate::base::limits::INVENTORY_MAX_HOSTS
                            ),
                        ));
                    }
                    let g = self.groups.entry(g.clone()).or_default();
                    for h in hosts {
                        self.origins
                            .entry(h.clone())
                            .or_insert_with(|| (file.to_path_buf(), line_no, indent));
                        if g.known.insert(h.clone()) {
                            g.hosts.push(h);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub fn has_group(&self, name: &str) -> bool {
        self.groups.contains_key(name)
    }

    /// Hosts of a group including its children, in order, without duplicates.
    pub fn hosts(&self, name: &str) -> Option<Vec<String>> {
        self.groups.get(name)?;
        let mut out = Vec::new();
        let mut known = HashSet::new();
        // Children depth-first, without recursion (a chain of thousands of groups is valid).
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo = vec![name];
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(g) = self.groups.get(n) {
                for h in &g.hosts {
                    if known.insert(h.as_str()) {
                        out.push(h.clone());
                    }
                }
                todo.extend(g.children.iter().rev().map(String::as_str));
            }
        }
        Some(out)
    }

    /// The file, line and column that first named `host`.
    pub fn origin(&self, host: &str) -> Option<(&Path, usize, usize)> {
        self.origins
            .get(host)
            .map(|(f, l, c)| (f.as_path(), *l, *c))
    }

    /// `hosts` unchanged when every name is a plain host name or address
    /// ([`is_plain_host_name`]); otherwise an error naming where the first bad one was written.
    /// Host names go into shell scripts and `ssh` arguments, so anything else is refused.
    pub fn plain_hosts(&self, hosts: Vec<String>) -> Result<Vec<String>, EvidenceError> {
        match hosts.iter().find(|h| !is_plain_host_name(h)) {
            None => Ok(hosts),
            Some(bad) => {
                let (file, line, column) = self
                    .origin(bad)
                    .map(|(f, l, c)| (f.to_path_buf(), l, c))
                    .unwrap_or_default();
                Err(EvidenceError::Inventory {
                    file,
                    line,
                    column,
                    message: format!(
                        "host name {bad:?} is not a plain host name or address \
                         (letters, digits, `.`, `_`, `:`, `-`, starting with a letter or digit)"
                    ),
                })
            }
        }
    }

    /// The first of `names` that is defined, with its hosts.
    pub fn first_group(&self, names: &[String]) -> Option<(String, Vec<String>)> {
        names
            .iter()
            .find_map(|n| self.hosts(n).map(|h| (n.clone(), h)))
    }
}

/// A host name or address that is safe as a shell word, an `ssh` destination and a path
/// component: 1–253 characters of `A-Z a-z 0-9 . _ : -`, starting with a letter or digit
/// (so never an option such as `-oProxyCommand=…`, never `.` or `..`).
pub fn is_plain_host_name(name: &str) -> bool {
    name.len() <= 253
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

/// Ansible host ranges: `ctl[01:03]` → ctl01, ctl02, ctl03.
fn expand(pattern: &str) -> Result<Vec<String>, String> {
    let Some(open) = pattern.find('[') else {
        return Ok(vec![pattern.to_string()]);
    };
    let close = pattern[open..]
        .find(']')
        .map(|c| c + open)
        .ok_or_else(|| "host range without closing `]` (expected e.g. `ctl[01:03]`)".to_string())?;
    let inner = &pattern[open + 1..close];
    let (a, b) = inner
        .split_once(':')
        .ok_or_else(|| "host range must be `[start:end]`".to_string())?;
    let (start, end): (u64, u64) = (
        a.parse()
            .map_err(|_| "host range start is not a number".to_string())?,
        b.parse()
            .map_err(|_| "host range end is not a number".to_string())?,
    );
    if end < start || end - start > 10_000 {
        return Err(format!(
            "host range `[{start}:{end}]` is empty or larger than 10000 hosts"
        ));
    }
    let width = if a.starts_with('0') { a.len() } else { 0 };
    let rest = expand(&pattern[close + 1..])?;
    if (end - start + 1).saturating_mul(rest.len() as u64) > 10_000 {
        return Err("host pattern expands to more than 10000 hosts".to_string());
    }
    let mut out = Vec::new();
    for n in start..=end {
        for r in &rest {
            out.push(format!(
                "{}{:0width$}{}",
                &pattern[..open],
                n,
                r,
                width = width
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_children_and_ranges() {
        let mut inv = Inventory::default();
        inv.parse(
            "[ceph-control]\nctl[01:02] ansible_host=10.0.0.1\n\n[mons:children]\nceph-control\n[all:vars]\na=b\n",
            Path::new("inventory/20-roles"),
        )
        .unwrap();
        assert_eq!(inv.hosts("mons").unwrap(), ["ctl01", "ctl02"]);
        assert!(inv.hosts("compute").is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn never_panics(text in "(\\[[a-z:\\[\\]0-9-]{0,12}\\]?|[a-z0-9\\[\\]:=# -]{0,20}|\n){0,12}") {
            let mut inv = Inventory::default();
            let _ = inv.parse(&text, Path::new("inventory/x"));
        }
    }

    /// Found by the `config` fuzz target: lines of host ranges made `parse` quadratic (a
    /// linear duplicate check per host) and unbounded, so a 4 KB file ran for minutes.
    #[test]
    fn host_entries_are_bounded() {
        let text: String = (0..11)
            .map(|i| format!("[g{i}]\nh{i}x[0:9999]\n"))
            .collect();
        let mut inv = Inventory::default();
        let e = inv
            .parse(&text, Path::new("inventory/20-roles"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "inventory/20-roles:22:1: the inventory names more than 100000 hosts"
        );
    }

    #[test]
    fn hosts_follow_children_in_order_through_cycles() {
        let mut inv = Inventory::default();
        inv.parse(
            "[a:children]\nb\nc\n[b]\nh1\n[c]\nh2\nh1\n[c:children]\na\nd\n[d]\nh3\n",
            Path::new("inventory/x"),
        )
        .unwrap();
        assert_eq!(inv.hosts("a").unwrap(), ["h1", "h2", "h3"]);
        assert_eq!(inv.hosts("c").unwrap(), ["h2", "h1", "h3"]);
    }

    #[test]
    fn broken_header_is_located() {
        let mut inv = Inventory::default();
        let e = inv
            .parse(
                "[control]\nctl1\n  [compute\n",
                Path::new("inventory/20-roles"),
            )
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "inventory/20-roles:3:3: section header without closing `]` (expected `[group]`, `[group:children]` or `[group:vars]`)"
        );
    }
}
