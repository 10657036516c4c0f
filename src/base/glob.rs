//! Path globs over `/`-separated names and a directory walk that lists relative paths. Used
//! for pin ids (`base/ansible_collections/osism.*`), configuration-repository files and facts.

use std::path::Path;

/// Glob match: `*` within one path part, `**` across parts, `?` one character but `/`,
/// `{a,b}` alternatives.
pub fn matches(pattern: &str, text: &str) -> bool {
    if let Some(open) = pattern.find('{')
        && let Some(close) = pattern[open..].find('}').map(|c| c + open)
    {
        return pattern[open + 1..close].split(',').any(|alt| {
            matches(
                &format!("{}{alt}{}", &pattern[..open], &pattern[close + 1..]),
                text,
            )
        });
    }
    fn go(p: &[u8], t: &[u8]) -> bool {
        match p.first() {
            None => t.is_empty(),
            Some(b'*') if p.get(1) == Some(&b'*') => (0..=t.len()).any(|i| go(&p[2..], &t[i..])),
            Some(b'*') => (0..=t.len())
                .take_while(|&i| i == 0 || t[i - 1] != b'/')
                .any(|i| go(&p[1..], &t[i..])),
            Some(b'?') => t.first().is_some_and(|&c| c != b'/') && go(&p[1..], &t[1..]),
            Some(&c) => t.first() == Some(&c) && go(&p[1..], &t[1..]),
        }
    }
    go(pattern.as_bytes(), text.as_bytes())
}

/// Every file below `root` as a `/`-separated path relative to it, sorted; `.git` is skipped.
/// Linked directories are followed once each (a link loop ends there). An unreadable
/// directory is an error that names it.
pub fn walk(root: &Path) -> std::io::Result<Vec<String>> {
    fn go(
        root: &Path,
        dir: &Path,
        seen: &mut std::collections::HashSet<std::path::PathBuf>,
        out: &mut Vec<String>,
    ) -> std::io::Result<()> {
        let named =
            |e: std::io::Error| std::io::Error::new(e.kind(), format!("{}: {e}", dir.display()));
        if !seen.insert(std::fs::canonicalize(dir).map_err(named)?) {
            return Ok(());
        }
        for e in std::fs::read_dir(dir).map_err(named)?.flatten() {
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            if p.is_dir() {
                go(root, &p, seen, out)?;
            } else if let Ok(rel) = p.strip_prefix(root) {
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
        Ok(())
    }
    let mut out = Vec::new();
    go(root, root, &mut Default::default(), &mut out)?;
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{matches, walk};

    #[test]
    fn walk_ends_link_loops_and_names_what_it_cannot_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("environments/kolla")).unwrap();
        std::fs::write(dir.path().join("environments/kolla/a.yml"), "").unwrap();
        std::os::unix::fs::symlink("..", dir.path().join("environments/kolla/up")).unwrap();
        assert_eq!(walk(dir.path()).unwrap(), ["environments/kolla/a.yml"]);
        let e = walk(&dir.path().join("missing")).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("{}/missing: ", dir.path().display())),
            "{e}"
        );
    }

    #[test]
    fn globs() {
        assert!(matches(
            "base/ansible_collections/osism.*",
            "base/ansible_collections/osism.commons"
        ));
        assert!(!matches("base/*", "base/docker_images/x"));
        assert!(matches("**", "base/docker_images/x"));
        assert!(matches(
            "*/{defaults,generics}_version",
            "ceph/generics_version"
        ));
        assert!(!matches(
            "*/{defaults,generics}_version",
            "ceph/playbooks_version"
        ));
        assert!(matches(
            "environments/kolla/files/overlays/**/ceph.client.?ova.keyring",
            "environments/kolla/files/overlays/nova/ceph.client.nova.keyring"
        ));
        assert!(!matches("a?c", "a/c"));
    }
}
