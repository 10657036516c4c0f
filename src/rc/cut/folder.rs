//! Write a release as an osism/release-style folder: `base.yml`, `ceph-<codename>.yml`,
//! `openstack-<series>.yml`, and `ceph.yml`/`openstack.yml` as symlinks to the versioned
//! files. Reading it back with `crate::release::osism::import` gives the same pins.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::rc::error::RcError;
use crate::release::{Manifest, Pin};

/// The files of a folder: name → text, plus the links (`ceph.yml` → `ceph-quincy.yml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folder {
    pub files: BTreeMap<String, String>,
    pub links: BTreeMap<String, String>,
}

/// Render the folder of a manifest.
pub fn render(m: &Manifest) -> Folder {
    let mut files = BTreeMap::new();
    let mut links = BTreeMap::new();
    files.insert("base.yml".to_string(), layer_text(m, "base"));
    let has = |layer: &str| {
        m.pins.iter().any(|p| p.layer() == layer)
            || m.settings
                .keys()
                .any(|k| k.starts_with(&format!("{layer}/")))
    };
    for (layer, name) in [("ceph", &m.ceph), ("openstack", &m.openstack)] {
        if !has(layer) {
            continue;
        }
        let file = match name {
            Some(n) => format!("{layer}-{n}.yml"),
            None => format!("{layer}.yml"),
        };
        files.insert(file.clone(), layer_text(m, layer));
        if name.is_some() {
            links.insert(format!("{layer}.yml"), file);
        }
    }
    Folder { files, links }
}

fn quote(v: &str) -> String {
    if v.is_empty() {
        String::new()
    } else {
        format!(" '{}'", v.replace('\'', "''"))
    }
}

fn key_text(k: &str) -> String {
    let plain = k
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if plain {
        k.to_string()
    } else {
        format!("'{}'", k.replace('\'', "''"))
    }
}

fn layer_text(m: &Manifest, layer: &str) -> String {
    let pins: Vec<&Pin> = m.pins.iter().filter(|p| p.layer() == layer).collect();
    let mut out = String::from("---\n");
    let mut done_sections: Vec<&str> = Vec::new();
    let mut last_was_section = false;
    for (i, p) in pins.iter().enumerate() {
        match p.section() {
            None => {
                if last_was_section {
                    out.push('\n');
                }
                out.push_str(&format!(
                    "{}:{}\n",
                    key_text(p.key()),
                    quote(p.value.as_str())
                ));
                last_was_section = false;
            }
            Some(s) if done_sections.contains(&s) => {}
            Some(s) => {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&format!("{}:\n", key_text(s)));
                for q in pins.iter().filter(|q| q.section() == Some(s)) {
                    out.push_str(&format!(
                        "  {}:{}\n",
                        key_text(q.key()),
                        quote(q.value.as_str())
                    ));
                }
                done_sections.push(s);
                last_was_section = true;
            }
        }
    }
    for (key, values) in &m.settings {
        let Some(name) = key.strip_prefix(&format!("{layer}/")) else {
            continue;
        };
        if values.is_empty() {
            out.push_str(&format!("\n{}: []\n", key_text(name)));
            continue;
        }
        out.push_str(&format!("\n{}:\n", key_text(name)));
        for v in values {
            out.push_str(&format!("  -{}\n", quote(v)));
        }
    }
    out
}

/// Write the folder as `parent/<name>/`: built in a temp dir beside it, then renamed into
/// place, so readers never see half a folder. Refuses when `parent/<name>` exists.
pub fn write(parent: &Path, name: &str, folder: &Folder) -> Result<PathBuf, RcError> {
    let target =
        crate::base::fsutil::checked_path(parent, Path::new(name), false).map_err(|source| {
            RcError::Io {
                path: parent.join(name),
                what: "write the release folder",
                source,
            }
        })?;
    if std::fs::symlink_metadata(&target).is_ok() {
        return Err(RcError::Exists {
            path: target,
            what: "an existing release folder",
        });
    }
    let io = |what: &'static str, path: &Path| {
        let path = path.to_path_buf();
        move |source| RcError::Io { path, what, source }
    };
    std::fs::create_dir_all(parent).map_err(io("create the directory", parent))?;
    let tmp = tempfile::Builder::new()
        .prefix(crate::base::fsutil::TEMP_PREFIX)
        .suffix(crate::base::fsutil::TEMP_SUFFIX)
        .tempdir_in(parent)
        .map_err(io("create a temporary directory in", parent))?;
    for (file, text) in &folder.files {
        let p = tmp.path().join(file);
        crate::base::fsutil::write_in(
            tmp.path(),
            Path::new(file),
            text.as_bytes(),
            crate::base::fsutil::Overwrite::Never,
        )
        .map_err(io("write", &p))?;
    }
    for (link, to) in &folder.links {
        let p = tmp.path().join(link);
        make_link(to, &p).map_err(io("create the link", &p))?;
    }
    let tmp_path = tmp.keep();
    if std::fs::symlink_metadata(&target).is_ok() {
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(RcError::Exists {
            path: target,
            what: "an existing release folder",
        });
    }
    std::fs::rename(&tmp_path, &target)
        .map_err(io("move the new folder into place at", &target))?;
    if let Ok(d) = std::fs::File::open(parent) {
        let _ = d.sync_all();
    }
    Ok(target)
}

/// Whether every file of `folder` is in `dir` with the same text (the links are not compared).
pub fn same(dir: &Path, folder: &Folder) -> bool {
    folder
        .files
        .iter()
        .all(|(f, text)| std::fs::read_to_string(dir.join(f)).is_ok_and(|t| &t == text))
}

fn make_link(to: &str, at: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(to, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::version::Version;
    use crate::data::DataDir;
    use crate::release::Store;
    use crate::release::osism::{Variants, import};

    #[test]
    fn every_embedded_manifest_round_trips_through_a_folder() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, m) in &store.manifests {
            let folder = render(m);
            write(dir.path(), name, &folder).unwrap();
            let back = import(dir.path(), name, &Variants::default()).unwrap();
            // repo/image come from the checkout's etc/, which a folder does not carry.
            let key = |m: &crate::release::Manifest| {
                m.pins
                    .iter()
                    .map(|p| (p.id.clone(), p.kind, p.value.as_str().to_string()))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                key(&back),
                key(m),
                "{name}: pins differ after the round trip"
            );
            assert_eq!(back.settings, m.settings, "{name}: settings differ");
            assert_eq!(
                (back.ceph.clone(), back.openstack.clone()),
                (m.ceph.clone(), m.openstack.clone())
            );
            assert_eq!(back.version, Version::parse(name));
        }
    }

    #[test]
    fn refuses_an_existing_folder() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let m = store.manifest(&Version::parse("7.0.0b")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("7.0.0b")).unwrap();
        let err = write(dir.path(), "7.0.0b", &render(m)).unwrap_err();
        assert!(err.to_string().contains("refusing to overwrite"), "{err}");
    }
}
