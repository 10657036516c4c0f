//! `.gitignore` files of the configuration repository: which paths git ignores, and by which
//! line. A file that is ignored and absent is written at deploy time (testbed ignores
//! `environments/**/ceph.client.*.keyring`; `osism apply copy-ceph-keys` writes them), so its
//! absence is not a defect of the repository: checks ask the facts instead.
//!
//! Implemented from gitignore(5): `#` comments, `!` negation, a trailing `/` for directories
//! only, a pattern with a `/` before its end is anchored at its file's folder, otherwise it
//! matches a name at any depth; `*`, `?`, `**`; the last matching line wins; a file inside an
//! ignored directory stays ignored. Character classes (`[a-z]`) are matched literally.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// The `.gitignore` file, relative to the repository root.
    pub file: String,
    pub line: usize,
    /// The line as written.
    pub text: String,
    /// The folder of the `.gitignore` file (`""` or `environments/`).
    base: String,
    pattern: String,
    negate: bool,
    dir_only: bool,
    anchored: bool,
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} `{}`", self.file, self.line, self.text)
    }
}

#[derive(Debug, Clone, Default)]
pub struct Gitignore {
    rules: Vec<Rule>,
}

impl Gitignore {
    /// Add the lines of the `.gitignore` at `file` (relative path). Deeper files are added
    /// after shallower ones, so their lines win, as in git.
    pub fn add(&mut self, file: &str, text: &str) {
        let base = match file.rfind('/') {
            Some(i) => file[..=i].to_string(),
            None => String::new(),
        };
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim_end_matches([' ', '\t', '\r']);
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (negate, rest) = match line.strip_prefix('!') {
                Some(r) => (true, r),
                None => (false, line.strip_prefix('\\').unwrap_or(line)),
            };
            let (dir_only, rest) = match rest.strip_suffix('/') {
                Some(r) => (true, r),
                None => (false, rest),
            };
            if rest.is_empty() {
                continue;
            }
            let anchored = rest.contains('/');
            self.rules.push(Rule {
                file: file.to_string(),
                line: i + 1,
                text: line.to_string(),
                base: base.clone(),
                pattern: rest.trim_start_matches('/').to_string(),
                negate,
                dir_only,
                anchored,
            });
        }
    }

    /// The line that makes git ignore the file `rel`, if any.
    pub fn ignored_by(&self, rel: &str) -> Option<&Rule> {
        // A parent directory that is ignored hides everything below it.
        let parts: Vec<usize> = rel.match_indices('/').map(|(i, _)| i).collect();
        for &end in &parts {
            if let Some(r) = self.last_match(&rel[..end], true) {
                return Some(r);
            }
        }
        self.last_match(rel, false)
    }

    fn last_match(&self, path: &str, is_dir: bool) -> Option<&Rule> {
        let hit = self
            .rules
            .iter()
            .rev()
            .find(|r| (is_dir || !r.dir_only) && r.matches(path))?;
        (!hit.negate).then_some(hit)
    }
}

impl Rule {
    fn matches(&self, path: &str) -> bool {
        let Some(rel) = path.strip_prefix(self.base.as_str()) else {
            return false;
        };
        let glob = |p: &str, t: &str| {
            // `a/**/b` also matches `a/b` in git.
            crate::base::glob::matches(p, t)
                || (p.contains("/**/") && crate::base::glob::matches(&p.replace("/**/", "/"), t))
                || p.strip_prefix("**/")
                    .is_some_and(|p| crate::base::glob::matches(p, t))
        };
        if self.anchored {
            glob(&self.pattern, rel)
        } else {
            let name = rel.rsplit('/').next().unwrap_or(rel);
            glob(&self.pattern, name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gi(text: &str) -> Gitignore {
        let mut g = Gitignore::default();
        g.add(".gitignore", text);
        g
    }

    #[test]
    fn testbed_keyrings_are_ignored_by_their_line() {
        let g = gi("*.swp\n# keys\nenvironments/**/ceph.client.*.keyring\nsecrets\n");
        let r = g
            .ignored_by("environments/kolla/files/overlays/glance/ceph.client.glance.keyring")
            .unwrap();
        assert_eq!(
            r.to_string(),
            ".gitignore:3 `environments/**/ceph.client.*.keyring`"
        );
        assert!(
            g.ignored_by("environments/ceph.client.admin.keyring")
                .is_some()
        );
        assert!(
            g.ignored_by("environments/kolla/configuration.yml")
                .is_none()
        );
        assert!(g.ignored_by("keys/ceph.client.admin.keyring").is_none());
        // Unanchored names match at any depth, also as a parent folder.
        assert!(g.ignored_by("environments/kolla/secrets/x.yml").is_some());
        assert!(g.ignored_by("a/b/.c.swp").is_some());
    }

    #[test]
    fn negation_directories_and_nested_files() {
        let mut g = gi("*.keyring\n!admin.keyring\nbuild/\n/top.txt\n");
        assert!(g.ignored_by("x/glance.keyring").is_some());
        assert!(g.ignored_by("x/admin.keyring").is_none());
        assert!(
            g.ignored_by("build").is_none(),
            "build/ matches directories only"
        );
        assert!(g.ignored_by("a/build/out.o").is_some());
        assert!(g.ignored_by("top.txt").is_some());
        assert!(g.ignored_by("sub/top.txt").is_none(), "a leading / anchors");
        g.add("environments/.gitignore", "!glance.keyring\n");
        assert!(g.ignored_by("environments/glance.keyring").is_none());
        assert!(g.ignored_by("other/glance.keyring").is_some());
    }
}
