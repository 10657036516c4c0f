//! Importer for an osism/release checkout: one folder per version (or `archive/<version>/`),
//! `base.yml`, `ceph-<codename>.yml`, `openstack-<series>.yml`, `ceph.yml`/`openstack.yml`
//! as symlinks (real ones, or the text files git writes when `core.symlinks` is off), and
//! `etc/*.yml` mapping manifest keys to GitHub repos or container images.
//!
//! The conversion reads a version folder through [`Folder`]: a directory ([`import`], for
//! `releases import`) or a tree in git (`releases sync`, [`super::sync`]); [`build`] turns
//! the chosen layer files into a [`Manifest`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::ReleaseError;
use super::model::{Manifest, ManifestSource, Pin, PinKind, SCHEMA_VERSION};
use crate::base::version::Version;
use crate::base::yaml::{self, Node, Value};

/// Maps from osism/release `etc/`: manifest key → GitHub repo or image.
#[derive(Debug, Default, Clone)]
pub struct EtcMaps {
    /// `collections.yml`, `roles*.yml`, `other.yml`: key → `owner/repo`.
    pub repos: BTreeMap<String, String>,
    /// `images.yml`: docker_images key → image.
    pub images: BTreeMap<String, String>,
}

impl EtcMaps {
    /// Read every `etc/*.yml` of a checkout. A missing `etc/` gives empty maps. Files are read
    /// only inside `checkout` (see [`Checkout::check`]).
    pub fn load(etc: &Path, checkout: &Checkout) -> Result<EtcMaps, ReleaseError> {
        let mut maps = EtcMaps::default();
        let Ok(entries) = std::fs::read_dir(etc) else {
            return Ok(maps);
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| is_yaml(p))
            .collect();
        files.sort();
        for file in files {
            checkout.check(&file)?;
            let tree = yaml::load_tree(&file)?;
            let name = file.file_name().and_then(|s| s.to_str()).unwrap_or("");
            maps.add(name, &tree);
        }
        Ok(maps)
    }

    /// Add the mapping of one `etc/` file (`images.yml`, `roles.yml` …): its top-level keys
    /// with a text value (nested sections such as `components:` are not mappings of this kind).
    pub fn add(&mut self, file_name: &str, tree: &Node) {
        let stem = Path::new(file_name)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        let target = if stem == "images" {
            &mut self.images
        } else {
            &mut self.repos
        };
        for (key, value) in tree.entries() {
            if let Some(v) = value.as_str() {
                target.insert(key.clone(), v.to_string());
            }
        }
    }
}

pub(crate) fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yml" || e == "yaml")
}

/// Find the folder of `version` in a checkout: `<root>/<version>` or `<root>/archive/<version>`.
/// `root` may also be the version folder itself.
pub fn find_folder(root: &Path, version: &str) -> Result<(PathBuf, String), ReleaseError> {
    if root.join("base.yml").is_file() {
        let name = root
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        return Ok((root.to_path_buf(), name));
    }
    for rel in [version.to_string(), format!("archive/{version}")] {
        let dir = root.join(&rel);
        if dir.join("base.yml").is_file() {
            return Ok((dir, rel));
        }
    }
    if !root.is_dir() {
        return Err(ReleaseError::NotACheckout {
            path: root.to_path_buf(),
            why: "no such directory".into(),
        });
    }
    let mut known = folder_names(root);
    known.extend(folder_names(&root.join("archive")));
    let near = crate::base::suggest::nearest_names(version, known.iter().map(String::as_str));
    Err(ReleaseError::UnknownOsismFolder {
        root: root.to_path_buf(),
        version: version.to_string(),
        nearest: near,
    })
}

fn folder_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return vec![];
    };
    entries
        .flatten()
        .filter(|e| e.path().join("base.yml").is_file())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect()
}

/// Resolve `ceph.yml` / `openstack.yml`: a real symlink, or a text file holding the target
/// name (git without symlink support). Returns the file name of the versioned file. A link
/// that leads out of the checkout is an error.
fn resolve_link(
    dir: &Path,
    name: &str,
    checkout: &Checkout,
) -> Result<Option<String>, ReleaseError> {
    let path = dir.join(name);
    if let Ok(target) = std::fs::read_link(&path) {
        checkout.check(&path)?;
        return Ok(target.file_name().map(|n| n.to_string_lossy().to_string()));
    }
    if !path.is_file() {
        return Ok(None);
    }
    checkout.check(&path)?;
    // The text git writes for a link is the target name: short, one line.
    let Ok(text) = crate::base::limits::read_text(&path, 4096, "a link file") else {
        return Ok(None);
    };
    let target = text.trim();
    let looks_like_name = !target.is_empty()
        && !target.contains('\n')
        && !target.contains(':')
        && is_yaml(Path::new(target));
    if !looks_like_name || !dir.join(target).is_file() {
        return Ok(None);
    }
    checkout.check_text_link(&path, target)?;
    Ok(Some(target.to_string()))
}

/// The osism/release checkout an import reads from. Symlinks inside it are fine (the real
/// repository links `ceph.yml` → `ceph-quincy.yml`); a file whose real path leaves it — through
/// a symlink of the file or of a folder, or a text link with `../` — is refused, so an import
/// cannot copy e.g. `~/.config/gh/hosts.yml` into a manifest.
#[derive(Debug, Clone)]
pub struct Checkout {
    /// The folder as given.
    root: PathBuf,
    /// Its real path (symlinks resolved).
    real: PathBuf,
}

impl Checkout {
    pub fn new(root: &Path) -> Result<Checkout, ReleaseError> {
        let io = |e| ReleaseError::Io {
            path: root.to_path_buf(),
            source: e,
        };
        let root = std::path::absolute(root).map_err(io)?;
        let real = root.canonicalize().map_err(io)?;
        Ok(Checkout { root, real })
    }

    /// Fail when the real path of `path` (below the checkout) is outside the checkout. A
    /// missing file passes: reading it reports that.
    pub fn check(&self, path: &Path) -> Result<(), ReleaseError> {
        let Ok(real) = path.canonicalize() else {
            return Ok(());
        };
        let path = &std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        if real.starts_with(&self.real) {
            return Ok(());
        }
        // Name the link that leaves: the file itself or the first folder on the way.
        let inside = |p: &Path| p.canonicalize().is_ok_and(|r| r.starts_with(&self.real));
        let link = path
            .ancestors()
            .take_while(|p| p.starts_with(&self.root) && *p != self.root)
            .filter(|p| {
                p.symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
            })
            .filter(|p| !inside(p))
            .last()
            .unwrap_or(path);
        let target = std::fs::read_link(link).unwrap_or(real);
        Err(ReleaseError::LinkOutside {
            link: link.to_path_buf(),
            target: target.display().to_string(),
            root: self.root.clone(),
        })
    }

    /// A text link (git's stand-in for a symlink) naming `target` beside `link`.
    fn check_text_link(&self, link: &Path, target: &str) -> Result<(), ReleaseError> {
        let dir = link.parent().unwrap_or(Path::new("."));
        match self.check(&dir.join(target)) {
            Err(ReleaseError::LinkOutside { .. }) => Err(ReleaseError::LinkOutside {
                link: link.to_path_buf(),
                target: target.to_string(),
                root: self.root.clone(),
            }),
            other => other,
        }
    }
}

/// A version folder as the importer reads it: a directory ([`Dir`]) or a tree in git.
pub trait Folder {
    /// The folder as errors name it (`/tmp/osism-release/7.0.0b`, `a4a02260:9.5.0`).
    fn shown(&self) -> PathBuf;
    /// The names of the files and links in the folder.
    fn names(&self) -> Result<Vec<String>, ReleaseError>;
    /// Whether `name` is a file of the folder (or a link to one).
    fn has_file(&self, name: &str) -> bool;
    /// The versioned file a link such as `ceph.yml` names (`ceph-quincy.yml`); `None` when
    /// `name` is no link (or none that names a file beside it).
    fn link_target(&self, name: &str) -> Result<Option<String>, ReleaseError>;
    /// The YAML tree of file `name`, and the path errors name it by.
    fn load(&self, name: &str) -> Result<(Node, PathBuf), ReleaseError>;
}

/// A version folder on disk, inside an osism/release checkout (see [`Checkout`]).
pub struct Dir {
    pub dir: PathBuf,
    pub checkout: Checkout,
}

impl Folder for Dir {
    fn shown(&self) -> PathBuf {
        self.dir.clone()
    }

    fn names(&self) -> Result<Vec<String>, ReleaseError> {
        Ok(std::fs::read_dir(&self.dir)
            .map_err(|e| ReleaseError::Io {
                path: self.dir.clone(),
                source: e,
            })?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect())
    }

    fn has_file(&self, name: &str) -> bool {
        self.dir.join(name).is_file()
    }

    fn link_target(&self, name: &str) -> Result<Option<String>, ReleaseError> {
        resolve_link(&self.dir, name, &self.checkout)
    }

    fn load(&self, name: &str) -> Result<(Node, PathBuf), ReleaseError> {
        let path = self.dir.join(name);
        self.checkout.check(&path)?;
        Ok((yaml::load_tree(&path)?, path))
    }
}

/// Pick the active `<prefix>-*.yml`: the one asked for, the link target, else the only
/// candidate (`sbom-openstack-*.yml` beside the pins is never one).
pub fn active_file(
    folder: &dyn Folder,
    prefix: &str,
    wanted: Option<&str>,
) -> Result<Option<String>, ReleaseError> {
    if let Some(w) = wanted {
        let name = format!("{prefix}-{w}.yml");
        if folder.has_file(&name) {
            return Ok(Some(name));
        }
        return Err(ReleaseError::NotACheckout {
            path: folder.shown(),
            why: format!("no {name} for --{prefix} {w}"),
        });
    }
    if let Some(t) = folder.link_target(&format!("{prefix}.yml"))? {
        return Ok(Some(t));
    }
    let mut candidates: Vec<String> = folder
        .names()?
        .into_iter()
        .filter(|n| n.starts_with(&format!("{prefix}-")) && is_yaml(Path::new(n)))
        .collect();
    candidates.sort();
    match candidates.len() {
        0 => Ok(None),
        1 => Ok(candidates.pop()),
        _ => Err(ReleaseError::AmbiguousVariant {
            dir: folder.shown(),
            prefix: prefix.into(),
            candidates,
        }),
    }
}

/// Which variant files to read where a folder holds several (`openstack-2023.1.yml` and
/// `openstack-2023.2.yml`) and no link says which is active.
#[derive(Debug, Default, Clone)]
pub struct Variants {
    pub openstack: Option<String>,
    pub ceph: Option<String>,
}

/// Import one version folder into a [`Manifest`].
pub fn import(root: &Path, version: &str, variants: &Variants) -> Result<Manifest, ReleaseError> {
    let (dir, rel) = find_folder(root, version)?;
    let checkout_root = if rel.starts_with("archive/") {
        dir.parent().and_then(Path::parent).map(Path::to_path_buf)
    } else {
        dir.parent().map(Path::to_path_buf)
    }
    .filter(|p| !p.as_os_str().is_empty())
    .unwrap_or_else(|| {
        if root == dir {
            PathBuf::from(".")
        } else {
            root.to_path_buf()
        }
    });
    let checkout = Checkout::new(&checkout_root)?;
    let etc = EtcMaps::load(&checkout_root.join("etc"), &checkout)?;
    let folder = Dir { dir, checkout };
    let layer =
        |prefix: &str, wanted: &Option<String>| -> Result<Option<Layer<'_>>, ReleaseError> {
            Ok(
                active_file(&folder, prefix, wanted.as_deref())?.map(|file| Layer {
                    folder: &folder,
                    recorded: file.clone(),
                    file,
                }),
            )
        };
    let ceph = layer("ceph", &variants.ceph)?;
    let openstack = layer("openstack", &variants.openstack)?;
    build(version, rel, &folder, ceph, openstack, &etc)
}

/// A layer file of a manifest (`ceph-quincy.yml`): the folder it is read from, its name
/// there, and how `source.files` records it (the name itself for a file of the version
/// folder; `<tag>:<path>` for one read at a tag).
pub struct Layer<'a> {
    pub folder: &'a dyn Folder,
    pub file: String,
    pub recorded: String,
}

/// The manifest of `version` from the folder at `rel` (`base.yml` of `base`) and its active
/// Ceph and OpenStack files.
pub fn build(
    version: &str,
    rel: String,
    base: &dyn Folder,
    ceph: Option<Layer<'_>>,
    openstack: Option<Layer<'_>>,
    etc: &EtcMaps,
) -> Result<Manifest, ReleaseError> {
    let mut files = vec!["base.yml".to_string()];
    let mut pins = Vec::new();
    let mut settings = indexmap::IndexMap::new();
    let (tree, shown) = base.load("base.yml")?;
    collect_pins(&tree, "base", &shown, etc, &mut pins, &mut settings)?;
    for (layer, l) in [("ceph", &ceph), ("openstack", &openstack)] {
        let Some(l) = l else { continue };
        files.push(l.recorded.clone());
        let (tree, shown) = l.folder.load(&l.file)?;
        collect_pins(&tree, layer, &shown, etc, &mut pins, &mut settings)?;
    }
    let series = |l: &Option<Layer<'_>>, p: &str| {
        l.as_ref().map(|l| {
            l.file
                .trim_start_matches(&format!("{p}-"))
                .trim_end_matches(".yml")
                .trim_end_matches(".yaml")
                .to_string()
        })
    };
    Ok(Manifest {
        schema_version: SCHEMA_VERSION,
        version: Version::parse(version),
        source: ManifestSource {
            repo: "osism/release".into(),
            path: rel,
            files,
            commit: None,
            added_on: None,
        },
        date: None,
        openstack: series(&openstack, "openstack"),
        ceph: series(&ceph, "ceph"),
        pins,
        settings,
    })
}

fn collect_pins(
    tree: &Node,
    layer: &str,
    file: &Path,
    etc: &EtcMaps,
    pins: &mut Vec<Pin>,
    settings: &mut indexmap::IndexMap<String, Vec<String>>,
) -> Result<(), ReleaseError> {
    match &tree.value {
        Value::Map(_) => {}
        Value::Null => return Ok(()),
        _ => {
            return Err(ReleaseError::Yaml(yaml::YamlError::new(
                file,
                tree.line,
                tree.column,
                format!(
                    "expected a mapping of manifest keys, found {}",
                    tree.kind_name()
                ),
            )));
        }
    }
    for (key, node) in tree.entries() {
        match &node.value {
            Value::Map(entries) => {
                for (sub, value) in entries {
                    let v = scalar(value, file)?;
                    pins.push(make_pin(layer, Some(key), sub, v, etc));
                }
            }
            // Lists such as `openstack_projects_filter` are settings, not pins.
            Value::Seq(items) => {
                let mut values = Vec::new();
                for item in items {
                    match item.as_str() {
                        Some(s) => values.push(s.to_string()),
                        None => {
                            return Err(ReleaseError::Yaml(yaml::YamlError::new(
                                file,
                                item.line,
                                item.column,
                                format!(
                                    "`{key}`: expected a list of names, found {}",
                                    item.kind_name()
                                ),
                            )));
                        }
                    }
                }
                settings.insert(format!("{layer}/{key}"), values);
            }
            _ => {
                let v = scalar(node, file)?;
                pins.push(make_pin(layer, None, key, v, etc));
            }
        }
    }
    Ok(())
}

fn scalar(node: &Node, file: &Path) -> Result<Version, ReleaseError> {
    match &node.value {
        Value::Scalar { text, .. } => Ok(Version::parse(text)),
        Value::Null => Ok(Version::null()),
        _ => Err(ReleaseError::Yaml(yaml::YamlError::new(
            file,
            node.line,
            node.column,
            format!("expected a version, found {}", node.kind_name()),
        ))),
    }
}

fn make_pin(layer: &str, section: Option<&str>, key: &str, value: Version, etc: &EtcMaps) -> Pin {
    let id = match section {
        Some(s) => format!("{layer}/{s}/{key}"),
        None => format!("{layer}/{key}"),
    };
    let kind = match (layer, section) {
        ("ceph", _) => PinKind::Ceph,
        ("openstack", _) => PinKind::Openstack,
        (_, Some("ansible_collections")) => PinKind::Collection,
        (_, Some("ansible_roles")) => PinKind::Role,
        (_, Some("docker_images")) => PinKind::Image,
        (_, Some("helm_chart_repositories")) => PinKind::Helm,
        (_, Some(_)) => PinKind::Infra,
        (_, None) if key.starts_with("ansible") => PinKind::Infra,
        (_, None) => PinKind::Osism,
    };
    let (repo, image) = match section {
        Some("docker_images") => (None, etc.images.get(key).cloned()),
        Some("ansible_collections") | Some("ansible_roles") => (etc.repos.get(key).cloned(), None),
        None => (
            key.strip_suffix("_version")
                .and_then(|k| etc.repos.get(k))
                .cloned(),
            None,
        ),
        _ => (None, None),
    };
    Pin {
        id,
        kind,
        value,
        repo,
        image,
    }
}

/// Render a manifest in the tool's YAML format.
pub fn to_yaml(manifest: &Manifest) -> String {
    let mut out = String::from(
        "# Generated by `scs-release releases import`; edit the source, then re-import.\n",
    );
    out.push_str(&serde_saphyr::to_string(manifest).unwrap_or_default());
    out
}
