//! OSISM's INI inventory (`inventory/10-custom`, `inventory/20-roles`, `50-ceph`, …):
//! `[group]` host lines, `[group:children]`, `[group:vars]`. Files are merged like Ansible does.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use indexmap::IndexSet;

use super::EvidenceError;
use crate::base::limits::{INVENTORY_MAX_HOST_BYTES, INVENTORY_MAX_HOSTS};

/// The groups that hold the Ceph mon hosts, in the order they are looked for (OSISM names the
/// group `ceph-control`; older inventories `mons` or `ceph-mon`).
pub const CEPH_MON_GROUPS: &[&str] = &["mons", "ceph-mon", "ceph-control"];

/// Most hosts one host pattern (`ctl[01:03]`, several ranges multiplied) may expand to.
const PATTERN_MAX_HOSTS: u64 = 10_000;

/// A host, as its index in [`Inventory::names`].
type HostId = usize;

#[derive(Debug, Default)]
pub struct Inventory {
    groups: BTreeMap<String, Group>,
    /// Every distinct host name, once, in the order first named (its index is its id).
    names: IndexSet<String>,
    /// Where each host (by id) was first named: index into `origin_files`, line and column.
    origins: Vec<(usize, usize, usize)>,
    /// The files hosts were named in, each once.
    origin_files: Vec<PathBuf>,
    /// Hosts named so far (with repeats), bounded by [`INVENTORY_MAX_HOSTS`].
    host_count: usize,
    /// Bytes of the host names named so far (with repeats), bounded by
    /// [`INVENTORY_MAX_HOST_BYTES`].
    host_bytes: u64,
    /// Files read, relative to the repository.
    pub files: Vec<String>,
}

#[derive(Debug, Default)]
struct Group {
    /// In the order first named, without repeats.
    hosts: IndexSet<HostId>,
    /// In the order first named, without repeats.
    children: IndexSet<String>,
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
        // The file's index in `origin_files`, added when it first names a new host.
        let mut file_index = self.origin_files.iter().position(|f| f == file);
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
                    self.group_mut(g);
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
                    self.group_mut(first);
                    let g = self.group_mut(g);
                    if !g.children.contains(first) {
                        g.children.insert(first.to_string());
                    }
                }
                Section::Hosts(g) => {
                    let pattern = HostPattern::parse(first).map_err(|m| err(line_no, indent, m))?;
                    // Both budgets are checked before a single name is built.
                    let count = pattern.count();
                    if count > (INVENTORY_MAX_HOSTS - self.host_count) as u64 {
                        return Err(err(
                            line_no,
                            indent,
                            format!("the inventory names more than {INVENTORY_MAX_HOSTS} hosts"),
                        ));
                    }
                    let bytes = pattern.bytes();
                    if bytes > INVENTORY_MAX_HOST_BYTES - self.host_bytes {
                        return Err(err(
                            line_no,
                            indent,
                            format!(
                                "the inventory's host names take more than {} in all",
                                crate::base::limits::human_bytes(INVENTORY_MAX_HOST_BYTES)
                            ),
                        ));
                    }
                    self.host_count += count as usize;
                    self.host_bytes += bytes;
                    let file_index = *file_index.get_or_insert_with(|| {
                        self.origin_files.push(file.to_path_buf());
                        self.origin_files.len() - 1
                    });
                    self.group_mut(g);
                    let Inventory {
                        groups,
                        names,
                        origins,
                        ..
                    } = self;
                    let g = groups.get_mut(g.as_str()).expect("added above");
                    // At most 10,000 (PATTERN_MAX_HOSTS) each, so no rehashing while adding.
                    names.reserve(count as usize);
                    g.hosts.reserve(count as usize);
                    pattern.for_each(|h| {
                        let id = names.get_index_of(h).unwrap_or_else(|| {
                            origins.push((file_index, line_no, indent));
                            names.insert_full(h.to_string()).0
                        });
                        g.hosts.insert(id);
                    });
                }
            }
        }
        Ok(())
    }

    /// The group named `name`, added if new (without allocating when it exists).
    fn group_mut(&mut self, name: &str) -> &mut Group {
        if !self.groups.contains_key(name) {
            self.groups.insert(name.to_string(), Group::default());
        }
        self.groups.get_mut(name).expect("inserted above")
    }

    pub fn has_group(&self, name: &str) -> bool {
        self.groups.contains_key(name)
    }

    /// Hosts of a group including its children, in order, without duplicates.
    pub fn hosts(&self, name: &str) -> Option<Vec<String>> {
        self.groups.get(name)?;
        let mut out = Vec::new();
        let mut known: HashSet<HostId> = HashSet::new();
        // Children depth-first, without recursion (a chain of thousands of groups is valid).
        let mut seen: HashSet<&str> = HashSet::new();
        let mut todo = vec![name];
        while let Some(n) = todo.pop() {
            if !seen.insert(n) {
                continue;
            }
            if let Some(g) = self.groups.get(n) {
                for &h in &g.hosts {
                    if known.insert(h) {
                        out.push(self.names[h].clone());
                    }
                }
                todo.extend(g.children.iter().rev().map(String::as_str));
            }
        }
        Some(out)
    }

    /// The groups `host` belongs to, directly or through `:children`, sorted by name (`all`
    /// only when the inventory names it). Empty for a host the inventory does not name.
    pub fn groups_of(&self, host: &str) -> Vec<String> {
        let Some(id) = self.names.get_index_of(host) else {
            return Vec::new();
        };
        let mut parents: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, g) in &self.groups {
            for c in &g.children {
                parents.entry(c.as_str()).or_default().push(name.as_str());
            }
        }
        let mut member: BTreeSet<&str> = BTreeSet::new();
        let mut todo: Vec<&str> = self
            .groups
            .iter()
            .filter(|(_, g)| g.hosts.contains(&id))
            .map(|(n, _)| n.as_str())
            .collect();
        while let Some(n) = todo.pop() {
            if member.insert(n) {
                todo.extend(parents.get(n).into_iter().flatten().copied());
            }
        }
        member.into_iter().map(str::to_string).collect()
    }

    /// The file, line and column that first named `host`.
    pub fn origin(&self, host: &str) -> Option<(&Path, usize, usize)> {
        let (f, l, c) = self.origins[self.names.get_index_of(host)?];
        Some((self.origin_files[f].as_path(), l, c))
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
    // Bytes, not chars: every allowed character is ASCII, and every byte of any other character
    // is not (decoding chars made this the cost of checking 100,000 names).
    name.len() <= 253
        && name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// One `[start:end]` of a host pattern; `width` is the zero-padded width (`[01:03]`), 0 for
/// none.
#[derive(Debug, Clone, Copy)]
struct HostRange {
    start: u64,
    end: u64,
    width: usize,
}

impl HostRange {
    fn len(&self) -> u64 {
        self.end - self.start + 1
    }

    /// Bytes of all the numbers of the range written out, summed.
    fn digit_bytes(&self) -> u64 {
        let mut sum = 0;
        let mut digits = 1u32;
        // Numbers of `digits` digits are [10^(digits-1), 10^digits), 0 counting as one digit.
        while digits <= 20 {
            let low = if digits == 1 {
                0
            } else {
                10u64.pow(digits - 1)
            };
            let high = 10u64.checked_pow(digits).map_or(u64::MAX, |h| h - 1);
            let (a, b) = (self.start.max(low), self.end.min(high));
            if a <= b {
                sum += (b - a + 1) * (digits as u64).max(self.width as u64);
            }
            if high >= self.end {
                break;
            }
            digits += 1;
        }
        sum
    }
}

/// An Ansible host pattern with ranges: `ctl[01:03]` → ctl01, ctl02, ctl03;
/// `rack[1:2]-node[01:02]` → rack1-node01, rack1-node02, rack2-node01, rack2-node02.
/// Read and checked whole before any name is built, so the caller can refuse it by its
/// [`count`](Self::count) and [`bytes`](Self::bytes).
#[derive(Debug)]
struct HostPattern<'a> {
    /// The text before the first range, between ranges and after the last one
    /// (`ranges.len() + 1` pieces).
    literals: Vec<&'a str>,
    ranges: Vec<HostRange>,
}

impl<'a> HostPattern<'a> {
    fn parse(pattern: &'a str) -> Result<Self, String> {
        let mut literals = Vec::new();
        let mut ranges = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find('[') {
            let close = rest[open..].find(']').map(|c| c + open).ok_or_else(|| {
                "host range without closing `]` (expected e.g. `ctl[01:03]`)".to_string()
            })?;
            let inner = &rest[open + 1..close];
            let (a, b) = inner
                .split_once(':')
                .ok_or_else(|| "host range must be `[start:end]`".to_string())?;
            let (start, end): (u64, u64) = (
                a.parse()
                    .map_err(|_| "host range start is not a number".to_string())?,
                b.parse()
                    .map_err(|_| "host range end is not a number".to_string())?,
            );
            if end < start || end - start > PATTERN_MAX_HOSTS {
                return Err(format!(
                    "host range `[{start}:{end}]` is empty or larger than {PATTERN_MAX_HOSTS} hosts"
                ));
            }
            let width = if a.starts_with('0') { a.len() } else { 0 };
            literals.push(&rest[..open]);
            ranges.push(HostRange { start, end, width });
            rest = &rest[close + 1..];
        }
        literals.push(rest);
        let pattern = HostPattern { literals, ranges };
        let mut count: u64 = 1;
        for r in &pattern.ranges {
            count = count.saturating_mul(r.len());
            if count > PATTERN_MAX_HOSTS {
                return Err(format!(
                    "host pattern expands to more than {PATTERN_MAX_HOSTS} hosts"
                ));
            }
        }
        Ok(pattern)
    }

    /// How many names the pattern expands to (repeats counted), at most [`PATTERN_MAX_HOSTS`].
    fn count(&self) -> u64 {
        self.ranges.iter().map(HostRange::len).product()
    }

    /// Bytes of all the names the pattern expands to, summed.
    fn bytes(&self) -> u64 {
        let count = self.count();
        let literal: u64 = self.literals.iter().map(|l| l.len() as u64).sum();
        // Each number of a range appears in count / len names.
        count * literal
            + self
                .ranges
                .iter()
                .map(|r| count / r.len() * r.digit_bytes())
                .sum::<u64>()
    }

    /// Call `f` with every name, in order (the last range counts fastest). One buffer for all
    /// names: only the text from the range that changed on is written again. The numbers are
    /// counted in decimal text, so no name goes through `format!`.
    fn for_each(&self, mut f: impl FnMut(&str)) {
        let n = self.ranges.len();
        let first: Vec<String> = self
            .ranges
            .iter()
            .map(|r| format!("{:0width$}", r.start, width = r.width))
            .collect();
        let mut current: Vec<u64> = self.ranges.iter().map(|r| r.start).collect();
        let mut digits: Vec<Vec<u8>> = first.iter().map(|d| d.clone().into_bytes()).collect();
        // marks[k]: where range k's number starts in `name`.
        let mut marks = vec![self.literals[0].len(); n];
        let mut name = String::from(self.literals[0]);
        let mut from = 0;
        loop {
            if from < n {
                name.truncate(marks[from]);
            }
            for k in from..n {
                marks[k] = name.len();
                // ASCII digits only.
                name.push_str(std::str::from_utf8(&digits[k]).unwrap_or_default());
                name.push_str(self.literals[k + 1]);
            }
            f(&name);
            // The next combination: the last range that is not at its end steps on, the ones
            // after it start again.
            let Some(k) = (0..n).rev().find(|&k| current[k] < self.ranges[k].end) else {
                return;
            };
            current[k] += 1;
            increment(&mut digits[k]);
            for j in k + 1..n {
                current[j] = self.ranges[j].start;
                digits[j].clear();
                digits[j].extend_from_slice(first[j].as_bytes());
            }
            from = k;
        }
    }
}

/// Add one to a decimal number written in ASCII digits (zero-padded or not): `09` → `10`,
/// `99` → `100`.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, b'1');
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
    /// linear duplicate check per host) and unbounded, so a 4 KB file ran for minutes. The
    /// bound is checked before a line's names are built: the inventory is left as it was
    /// before the refused line.
    #[test]
    fn host_entries_are_bounded() {
        let at_limit: String = (0..10)
            .map(|i| format!("[g{i}]\nh{i}x[0:9999]\n"))
            .collect();
        let mut inv = Inventory::default();
        inv.parse(&at_limit, Path::new("inventory/20-roles"))
            .unwrap();
        assert_eq!(inv.host_count, crate::base::limits::INVENTORY_MAX_HOSTS);
        let e = inv
            .parse("[g10]\nh10x[0:1]\n", Path::new("inventory/50-ceph"))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "inventory/50-ceph:2:1: the inventory names more than 100000 hosts"
        );
        assert_eq!(inv.names.len(), 100_000);
        assert_eq!(inv.hosts("g10").unwrap(), Vec::<String>::new());

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

    /// A long name times a range: 10,000 names of 1,700 bytes (17 MB) from one 1.7 KB line.
    #[test]
    fn host_name_bytes_are_bounded() {
        let long = "n".repeat(1_700);
        let mut inv = Inventory::default();
        let e = inv
            .parse(
                &format!("[a]\nctl01\n  {long}[0:9999]\n"),
                Path::new("inventory/20-roles"),
            )
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "inventory/20-roles:3:3: the inventory's host names take more than 16 MiB in all"
        );
        assert_eq!(inv.names.iter().collect::<Vec<_>>(), ["ctl01"]);
        // 1,600 bytes fit (16 MB).
        let ok = "n".repeat(1_600);
        let mut inv = Inventory::default();
        inv.parse(&format!("[a]\n{ok}[0:9999]\n"), Path::new("inventory/x"))
            .unwrap();
        assert_eq!(inv.hosts("a").unwrap().len(), 10_000);
    }

    fn expanded(pattern: &str) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        HostPattern::parse(pattern)?.for_each(|h| out.push(h.to_string()));
        Ok(out)
    }

    #[test]
    fn host_ranges() {
        assert_eq!(expanded("ctl[01:03]").unwrap(), ["ctl01", "ctl02", "ctl03"]);
        assert_eq!(expanded("ctl[1:3]").unwrap(), ["ctl1", "ctl2", "ctl3"]);
        assert_eq!(expanded("n[8:11]").unwrap(), ["n8", "n9", "n10", "n11"]);
        assert_eq!(expanded("n[08:11]").unwrap(), ["n08", "n09", "n10", "n11"]);
        assert_eq!(expanded("n[009:10]").unwrap(), ["n009", "n010"]);
        assert_eq!(
            expanded("rack[1:2]-node[01:02].x").unwrap(),
            [
                "rack1-node01.x",
                "rack1-node02.x",
                "rack2-node01.x",
                "rack2-node02.x"
            ]
        );
        assert_eq!(
            expanded("[0:1][0:1][5:5]").unwrap(),
            ["005", "015", "105", "115"]
        );
        assert_eq!(expanded("plain.host").unwrap(), ["plain.host"]);
        assert_eq!(expanded("a]b").unwrap(), ["a]b"]);
        // Different numbers can write the same name; both count, the group keeps one.
        assert_eq!(expanded("h[1:11][1:11]").unwrap().len(), 121);
        let mut inv = Inventory::default();
        inv.parse("[a]\nh[1:11][1:11]\n", Path::new("inventory/x"))
            .unwrap();
        assert_eq!(inv.host_count, 121);
        // "1" "11" and "11" "1" are both h111.
        assert_eq!(inv.hosts("a").unwrap().len(), 120);

        for (bad, message) in [
            (
                "ctl[01:03",
                "host range without closing `]` (expected e.g. `ctl[01:03]`)",
            ),
            ("ctl[0103]", "host range must be `[start:end]`"),
            ("ctl[a:3]", "host range start is not a number"),
            ("ctl[1:b]", "host range end is not a number"),
            ("ctl[1:2][x:3]", "host range start is not a number"),
            (
                "ctl[3:1]",
                "host range `[3:1]` is empty or larger than 10000 hosts",
            ),
            (
                "ctl[0:10001]",
                "host range `[0:10001]` is empty or larger than 10000 hosts",
            ),
            (
                "ctl[0:10000]",
                "host pattern expands to more than 10000 hosts",
            ),
            (
                "a[0:100]b[0:99]",
                "host pattern expands to more than 10000 hosts",
            ),
            // Every range is read before the product is checked.
            (
                "a[0:9999]b[0:9999]c[1:",
                "host range without closing `]` (expected e.g. `ctl[01:03]`)",
            ),
            (
                "a[0:9999]b[0:99999]",
                "host range `[0:99999]` is empty or larger than 10000 hosts",
            ),
        ] {
            assert_eq!(expanded(bad).unwrap_err(), message, "{bad}");
        }
        assert_eq!(expanded("a[0:99]b[0:99]").unwrap().len(), 10_000);
    }

    /// The recursive expansion the reader used before [`HostPattern`], as the reference.
    fn expand_reference(pattern: &str) -> Result<Vec<String>, String> {
        let Some(open) = pattern.find('[') else {
            return Ok(vec![pattern.to_string()]);
        };
        let close = pattern[open..].find(']').map(|c| c + open).ok_or_else(|| {
            "host range without closing `]` (expected e.g. `ctl[01:03]`)".to_string()
        })?;
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
        let rest = expand_reference(&pattern[close + 1..])?;
        if (end - start + 1).saturating_mul(rest.len() as u64) > 10_000 {
            return Err("host pattern expands to more than 10000 hosts".to_string());
        }
        let mut out = Vec::new();
        for n in start..=end {
            for r in &rest {
                out.push(format!("{}{:0width$}{}", &pattern[..open], n, r));
            }
        }
        Ok(out)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
        /// Same names, same order, same errors as the recursive expansion; `count` and `bytes`
        /// are those of the names.
        #[test]
        fn host_patterns_expand_as_before(
            pattern in "([a-z.-]{0,3}(\\[(0{0,2}[0-9]{1,3}|[+a-]?[0-9]{0,2}):(0?[0-9]{1,4}|[0-9]{0,2}[x]?)\\]?)?){0,4}\\]?"
        ) {
            let reference = expand_reference(&pattern);
            let parsed = HostPattern::parse(&pattern);
            match (&reference, parsed) {
                (Ok(names), Ok(p)) => {
                    let mut out = Vec::new();
                    p.for_each(|h| out.push(h.to_string()));
                    proptest::prop_assert_eq!(&out, names);
                    proptest::prop_assert_eq!(p.count(), names.len() as u64);
                    proptest::prop_assert_eq!(
                        p.bytes(),
                        names.iter().map(|n| n.len() as u64).sum::<u64>()
                    );
                }
                (Err(a), Err(b)) => proptest::prop_assert_eq!(a, &b),
                (a, b) => proptest::prop_assert!(false, "{pattern}: {a:?} vs {b:?}"),
            }
        }
    }

    #[test]
    fn plain_host_names() {
        for ok in [
            "ctl01",
            "10.0.0.1",
            "fe80::1",
            "a_b-c.d",
            "9",
            &"a".repeat(253),
        ] {
            assert!(is_plain_host_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-oProxyCommand=x",
            ".",
            "..",
            "_a",
            "a b",
            "a;b",
            "$(x)",
            "ctl\u{e9}",
            "\u{e9}",
            "a\u{200b}",
            &"a".repeat(254),
        ] {
            assert!(!is_plain_host_name(bad), "{bad}");
        }
    }

    #[test]
    fn decimal_increment() {
        for (from, to) in [
            ("0", "1"),
            ("09", "10"),
            ("99", "100"),
            ("0999", "1000"),
            ("9", "10"),
        ] {
            let mut d = from.as_bytes().to_vec();
            increment(&mut d);
            assert_eq!(d, to.as_bytes(), "{from}");
        }
        assert_eq!(
            expanded("n[0008:12]").unwrap(),
            ["n0008", "n0009", "n0010", "n0011", "n0012"]
        );
        assert_eq!(
            expanded("n[98:101]").unwrap(),
            ["n98", "n99", "n100", "n101"]
        );
    }

    #[test]
    fn range_digit_bytes() {
        for (start, end, width) in [
            (0, 0, 0),
            (0, 9, 0),
            (5, 123, 0),
            (5, 123, 2),
            (98, 10_001, 4),
            (u64::MAX - 3, u64::MAX, 0),
            (9_999_999_999_999_999_990, 10_000_000_000_000_000_005, 0),
        ] {
            let r = HostRange { start, end, width };
            let expected: u64 = (start..=end)
                .map(|n| format!("{n:0width$}").len() as u64)
                .sum();
            assert_eq!(r.digit_bytes(), expected, "[{start}:{end}] width {width}");
        }
    }

    /// The origin is where a host was first named, also across files and groups; a file that
    /// names no host adds no origin file.
    #[test]
    fn origins_are_the_first_mention() {
        let mut inv = Inventory::default();
        inv.parse("[all:vars]\na=b\n", Path::new("inventory/00-vars"))
            .unwrap();
        inv.parse(
            "[control]\n  ctl[01:02] ansible_host=x\n[compute]\ncom01\nctl02\n",
            Path::new("inventory/10-custom"),
        )
        .unwrap();
        inv.parse(
            "[ceph-control]\nctl02\nmon[1:2]\n",
            Path::new("inventory/50-ceph"),
        )
        .unwrap();
        inv.parse("[network]\nnet1\n", Path::new("inventory/10-custom"))
            .unwrap();
        let at = |h: &str| {
            inv.origin(h)
                .map(|(f, l, c)| (f.display().to_string(), l, c))
        };
        assert_eq!(at("ctl01"), Some(("inventory/10-custom".into(), 2, 3)));
        assert_eq!(at("ctl02"), Some(("inventory/10-custom".into(), 2, 3)));
        assert_eq!(at("com01"), Some(("inventory/10-custom".into(), 4, 1)));
        assert_eq!(at("mon2"), Some(("inventory/50-ceph".into(), 3, 1)));
        assert_eq!(at("net1"), Some(("inventory/10-custom".into(), 2, 1)));
        assert_eq!(at("nope"), None);
        assert_eq!(inv.origin_files.len(), 2);
        assert_eq!(inv.hosts("compute").unwrap(), ["com01", "ctl02"]);
        assert_eq!(
            inv.hosts("ceph-control").unwrap(),
            ["ctl02", "mon1", "mon2"]
        );
        let e = inv
            .plain_hosts(vec!["ctl01".into(), "mon1".into()])
            .unwrap();
        assert_eq!(e, ["ctl01", "mon1"]);
    }

    /// A child named twice is kept once, in the order first named (a set, not a scan per line:
    /// a 16 MiB file of child lines was quadratic).
    #[test]
    fn children_are_kept_once_in_order() {
        let mut inv = Inventory::default();
        inv.parse(
            "[a:children]\nc\nb\nc\n[b]\nh1\n[c]\nh2\n[a:children]\nb\nd\n",
            Path::new("inventory/x"),
        )
        .unwrap();
        assert_eq!(
            inv.groups["a"].children.iter().collect::<Vec<_>>(),
            ["c", "b", "d"]
        );
        assert!(inv.has_group("d"));
        assert_eq!(inv.hosts("a").unwrap(), ["h2", "h1"]);
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
