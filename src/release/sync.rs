//! `releases sync`: every release folder of an osism/release clone (or bare mirror), read out
//! of git at HEAD, as manifests.
//!
//! - **Which folders.** Top-level folders and `archive/<name>/` with a `base.yml`, plus
//!   `latest/` and `next/`. A folder is imported when its name is an OSISM version of
//!   [`FLOOR`] or later (a pre-release counts as its final: `5.0.0a` is R4's first
//!   candidate); else it is refused with the reason ([`classify`]): older, date-named (the
//!   scheme before 1.0.0: `20180806-0`, `2019.1.0`), `latest`, `next`, not a version. A
//!   version both at the top and in `archive/` is read from the top.
//! - **As of when.** Each folder is read at the commit that gave it its present content
//!   ([`Objects::last_changes`]: HEAD's first-parent history, moves between `<v>` and
//!   `archive/<v>` followed), and so is `etc/`, the mapping of keys to repository and image
//!   names: a repository renamed later (`osism/cfg-generics` → `osism/generics`, 2025-09)
//!   does not change an older manifest. The commit goes into `source.commit`, the folder's path
//!   there into `source.path`.
//! - **Layouts.** Up to 9.0.0 a folder holds `base.yml`, `ceph-<codename>.yml`,
//!   `openstack-<series>.yml` and the `ceph.yml`/`openstack.yml` links (8.x and 9.0.0 add
//!   `sbom-openstack-<series>.yml`, which holds no pins and is never read). From 9.1.0 a
//!   folder holds only `base.yml`: osism/release builds the kolla-ansible and ceph-ansible
//!   images of a release from its own tags `kolla-ansible-v<docker_images.kolla_ansible>` and
//!   `ceph-ansible-v<docker_images.ceph_ansible>`, whose `latest/openstack.yml` and
//!   `latest/ceph.yml` links name the series (its README: the release folders "only contain
//!   base.yml … they are always read from latest/"). A layer a folder lacks is read there
//!   and recorded in `source.files` as `<tag>:latest/<file>`; where the pin or the tag is
//!   missing (a clone without its tags), the manifest has the base pins only and
//!   [`Imported::notes`] says why. osism/defaults pins no series: its `openstack_release` is
//!   upstream kolla-ansible's (`2025.2` in the tag OSISM 10.2.0 pins, which runs 2025.1).
//!
//! Nothing here writes: the use case compares and writes through the data writer.

use std::path::{Path, PathBuf};

use super::error::ReleaseError;
use super::model::Manifest;
use super::osism::{self, EtcMaps, Folder, Layer};
use crate::base::version::{Kind, Version};
use crate::base::yaml::{self, Node};
use crate::git::objects::{Change, Entry, EntryKind, Objects};

/// The oldest release `releases sync` imports: OSISM 5.0.0, SCS R4.
pub const FLOOR: &str = "5.0.0";

/// What a sync read from a clone.
#[derive(Debug)]
pub struct Synced {
    /// HEAD's commit.
    pub head: String,
    /// The imported folders in version order.
    pub imported: Vec<Imported>,
    /// The refused folders in path order.
    pub refused: Vec<Refused>,
}

/// One imported folder.
#[derive(Debug)]
pub struct Imported {
    /// The folder at HEAD (`archive/7.0.0c`).
    pub folder: String,
    pub manifest: Manifest,
    /// Where the layers of a `base.yml`-only folder came from, or why they are unknown.
    pub notes: Vec<String>,
}

/// A folder that is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub folder: String,
    pub reason: String,
}

/// Whether a folder name is a release `releases sync` imports: its version, or the reason.
pub fn classify(name: &str) -> Result<Version, String> {
    match name {
        "latest" => return Err("`latest`: the rolling development state, not a release".into()),
        "next" => return Err("`next`: SBOMs and metadata of builds to come, not a release".into()),
        _ => {}
    }
    let v = Version::parse(name);
    let Kind::Numeric(n) = v.kind() else {
        return Err("not a version".into());
    };
    if n.numbers.first().is_some_and(|&y| y >= 1000) {
        return Err("date-named folder (OSISM's scheme before 1.0.0)".into());
    }
    if n.v_prefix || n.epoch.is_some() || n.variant.is_some() || n.build.is_some() {
        return Err("not a version".into());
    }
    let floor = Version::parse(FLOOR);
    if v.final_release().unwrap_or_else(|| v.clone()) < floor {
        return Err(format!("older than {FLOOR}"));
    }
    Ok(v)
}

/// The other path of a folder that moves between the top and `archive/`.
fn moved_from(path: &str) -> Vec<String> {
    match path.strip_prefix("archive/") {
        Some(name) => vec![name.to_string()],
        None => vec![format!("archive/{path}")],
    }
}

/// A folder of a commit or tag, read out of git.
struct GitFolder<'a> {
    objects: &'a Objects,
    commit: String,
    /// The folder's path in the tree (`9.5.0`, `latest`).
    dir: String,
    /// The commit (short) or tag as shown in errors and `source.files`.
    at: String,
    entries: Vec<Entry>,
}

impl<'a> GitFolder<'a> {
    fn open(
        objects: &'a Objects,
        commit: &str,
        dir: &str,
        at: &str,
    ) -> Result<Option<GitFolder<'a>>, ReleaseError> {
        Ok(objects.folder(commit, dir)?.map(|entries| GitFolder {
            objects,
            commit: commit.to_string(),
            dir: dir.to_string(),
            at: at.to_string(),
            entries,
        }))
    }

    fn kind(&self, name: &str) -> Option<EntryKind> {
        self.entries.iter().find(|e| e.name == name).map(|e| e.kind)
    }

    fn path(&self, name: &str) -> String {
        format!("{}/{name}", self.dir)
    }
}

impl Folder for GitFolder<'_> {
    fn shown(&self) -> PathBuf {
        PathBuf::from(format!("{}:{}", self.at, self.dir))
    }

    fn names(&self) -> Result<Vec<String>, ReleaseError> {
        Ok(self
            .entries
            .iter()
            .filter(|e| matches!(e.kind, EntryKind::File | EntryKind::Link))
            .map(|e| e.name.clone())
            .collect())
    }

    fn has_file(&self, name: &str) -> bool {
        match self.kind(name) {
            Some(EntryKind::File) => true,
            Some(EntryKind::Link) => self.link_target(name).ok().flatten().is_some(),
            _ => false,
        }
    }

    /// A link must name a file beside it (`ceph-quincy.yml`); any other target is refused,
    /// never followed.
    fn link_target(&self, name: &str) -> Result<Option<String>, ReleaseError> {
        if self.kind(name) != Some(EntryKind::Link) {
            return Ok(None);
        }
        let text = self
            .objects
            .text(&self.commit, &self.path(name), &self.at)?
            .unwrap_or_default();
        let target = text.trim();
        if self.kind(target) == Some(EntryKind::File) && !target.contains('/') {
            return Ok(Some(target.to_string()));
        }
        Err(ReleaseError::InGit {
            path: format!("{}:{}", self.at, self.path(name)),
            why: format!("a link to `{target}`, which is not a file beside it; not followed"),
        })
    }

    fn load(&self, name: &str) -> Result<(Node, PathBuf), ReleaseError> {
        let shown = PathBuf::from(format!("{}:{}", self.at, self.path(name)));
        if self.kind(name) != Some(EntryKind::File) {
            return Err(ReleaseError::InGit {
                path: shown.display().to_string(),
                why: "not a file".into(),
            });
        }
        let text = self
            .objects
            .text(&self.commit, &self.path(name), &self.at)?
            .unwrap_or_default();
        let tree = yaml::parse_tree(&text, &shown)?;
        Ok((tree, shown))
    }
}

fn short(commit: &str) -> &str {
    &commit[..commit.len().min(8)]
}

/// The `etc/*.yml` mappings of `commit` (links in `etc/` are not followed).
fn etc_at(objects: &Objects, commit: &str) -> Result<EtcMaps, ReleaseError> {
    let mut maps = EtcMaps::default();
    let Some(etc) = GitFolder::open(objects, commit, "etc", short(commit))? else {
        return Ok(maps);
    };
    let mut names: Vec<&str> = etc
        .entries
        .iter()
        .filter(|e| e.kind == EntryKind::File && osism::is_yaml(Path::new(&e.name)))
        .map(|e| e.name.as_str())
        .collect();
    names.sort();
    for name in names {
        let (tree, _) = etc.load(name)?;
        maps.add(name, &tree);
    }
    Ok(maps)
}

/// The layer a `base.yml`-only folder lacks, from the tag of the image built for it: the
/// folder `latest/` at `<tag_prefix><docker_images.<image>>` and the file its
/// `<prefix>.yml` link names; `Err(why)` when it cannot be found.
fn tag_layer<'a>(
    objects: &'a Objects,
    base: &Node,
    image: &str,
    tag_prefix: &str,
    prefix: &str,
) -> Result<Result<(GitFolder<'a>, String), String>, ReleaseError> {
    let Some(v) = base
        .get("docker_images")
        .and_then(|d| d.get(image))
        .and_then(Node::as_str)
    else {
        return Ok(Err(format!(
            "base.yml pins no docker_images.{image} (the image whose tag {tag_prefix}<version> names the {prefix}.yml in force)"
        )));
    };
    let tag = format!("{tag_prefix}{v}");
    let Some(commit) = objects.tag(&tag)? else {
        return Ok(Err(format!(
            "no tag {tag} in {} (a clone without the tags of osism/release? `git fetch --tags`)",
            objects.path().display()
        )));
    };
    let Some(latest) = GitFolder::open(objects, &commit, "latest", &tag)? else {
        return Ok(Err(format!("tag {tag} has no latest/ folder")));
    };
    match osism::active_file(&latest, prefix, None) {
        Ok(Some(file)) => Ok(Ok((latest, file))),
        Ok(None) => Ok(Err(format!("{tag}:latest has no {prefix}-*.yml"))),
        Err(e) => Ok(Err(e.to_string())),
    }
}

/// Read every release folder of the clone or bare mirror at `path` (see the module docs).
pub fn read(path: &Path) -> Result<Synced, ReleaseError> {
    let objects = Objects::open(path)?;
    let head = objects.head()?;
    let has_base = |dir: &str| -> Result<bool, ReleaseError> {
        Ok(objects.folder(&head, dir)?.is_some_and(|es| {
            es.iter()
                .any(|e| e.name == "base.yml" && e.kind == EntryKind::File)
        }))
    };
    // Candidates: (path at HEAD, classification).
    let mut found: Vec<(String, Result<Version, String>)> = Vec::new();
    for e in objects.folder(&head, "")?.unwrap_or_default() {
        if e.kind != EntryKind::Folder || e.name == "archive" {
            continue;
        }
        if matches!(e.name.as_str(), "latest" | "next") || has_base(&e.name)? {
            found.push((e.name.clone(), classify(&e.name)));
        }
    }
    for e in objects.folder(&head, "archive")?.unwrap_or_default() {
        let p = format!("archive/{}", e.name);
        if e.kind == EntryKind::Folder && has_base(&p)? {
            let c = classify(&e.name);
            let top = found
                .iter()
                .find(|(_, v)| matches!((v, &c), (Ok(a), Ok(b)) if a == b))
                .map(|(f, _)| f.clone());
            let c = match top {
                Some(t) => Err(format!("also at {t}/, which is the one read")),
                None => c,
            };
            found.push((p, c));
        }
    }
    let mut any_base = false;
    for (f, _) in &found {
        any_base |= has_base(f)?;
    }
    if !any_base {
        return Err(ReleaseError::InGit {
            path: path.display().to_string(),
            why: format!(
                "no version folder with a base.yml at HEAD ({}): not a clone of osism/release",
                short(&head)
            ),
        });
    }
    let (ok, refused): (Vec<_>, Vec<_>) = found.into_iter().partition(|(_, c)| c.is_ok());
    let mut refused: Vec<Refused> = refused
        .into_iter()
        .map(|(folder, c)| Refused {
            folder,
            reason: c.err().unwrap_or_default(),
        })
        .collect();
    refused.sort_by(|a, b| a.folder.cmp(&b.folder));
    let folders: Vec<String> = ok.iter().map(|(f, _)| f.clone()).collect();
    let changes = objects.last_changes(&folders, moved_from)?;

    let mut imported = Vec::new();
    for ((folder, version), change) in ok.into_iter().zip(changes) {
        let version = version.unwrap_or_else(|_| Version::null());
        let one = import_one(&objects, &folder, &version, &change).map_err(|e| {
            ReleaseError::SyncFolder {
                repo: path.to_path_buf(),
                folder: folder.clone(),
                source: Box::new(e),
            }
        })?;
        imported.push(one);
    }
    imported.sort_by(|a, b| a.manifest.version.cmp(&b.manifest.version));
    Ok(Synced {
        head,
        imported,
        refused,
    })
}

/// One folder, read at the commit that gave it its content.
fn import_one(
    objects: &Objects,
    folder: &str,
    version: &Version,
    change: &Change,
) -> Result<Imported, ReleaseError> {
    let at = short(&change.commit).to_string();
    let dir = GitFolder::open(objects, &change.commit, &change.path, &at)?.ok_or_else(|| {
        ReleaseError::InGit {
            path: format!("{at}:{}", change.path),
            why: "the folder is missing".into(),
        }
    })?;
    let etc = etc_at(objects, &change.commit)?;
    let (base, _) = dir.load("base.yml")?;
    let mut notes = Vec::new();
    let mut from_tags = Vec::new();
    let mut names: [Option<String>; 2] = [None, None];
    for (i, (prefix, image, tag_prefix)) in [
        ("ceph", "ceph_ansible", "ceph-ansible-v"),
        ("openstack", "kolla_ansible", "kolla-ansible-v"),
    ]
    .into_iter()
    .enumerate()
    {
        names[i] = osism::active_file(&dir, prefix, None)?;
        if names[i].is_none() {
            match tag_layer(objects, &base, image, tag_prefix, prefix)? {
                Ok(found) => from_tags.push((i, found)),
                Err(why) => notes.push(format!(
                    "{} unknown: {why}",
                    if prefix == "ceph" {
                        "Ceph release"
                    } else {
                        "OpenStack series"
                    }
                )),
            }
        }
    }
    let layer = |i: usize| -> Option<Layer<'_>> {
        if let Some(file) = &names[i] {
            return Some(Layer {
                folder: &dir,
                file: file.clone(),
                recorded: file.clone(),
            });
        }
        from_tags
            .iter()
            .find(|(j, _)| *j == i)
            .map(|(_, (folder, file))| Layer {
                folder: folder as &dyn Folder,
                file: file.clone(),
                recorded: format!("{}:latest/{file}", folder.at),
            })
    };
    let mut manifest = osism::build(
        version.as_str(),
        change.path.clone(),
        &dir,
        layer(0),
        layer(1),
        &etc,
    )?;
    manifest.source.commit = Some(change.commit.clone());
    manifest.source.added_on = change.added_on;
    for (i, (folder, _)) in &from_tags {
        let (what, name) = if *i == 0 {
            ("Ceph", manifest.ceph.clone())
        } else {
            ("OpenStack", manifest.openstack.clone())
        };
        notes.push(format!(
            "{what} {} from tag {}",
            name.unwrap_or_default(),
            folder.at
        ));
    }
    Ok(Imported {
        folder: folder.to_string(),
        manifest,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names_are_classified() {
        let c = |n: &str| classify(n).map(|v| v.to_string());
        for ok in ["5.0.0", "5.0.0a", "7.0.0c", "8.0.0-rc.1", "10.2.0", "9.3.1"] {
            assert_eq!(c(ok), Ok(ok.to_string()));
        }
        assert_eq!(c("4.3.0"), Err("older than 5.0.0".into()));
        assert_eq!(c("4.0.0a"), Err("older than 5.0.0".into()));
        for dated in ["20180806-0", "2019.1.0", "2020.1.0"] {
            assert_eq!(
                c(dated),
                Err("date-named folder (OSISM's scheme before 1.0.0)".into()),
                "{dated}"
            );
        }
        assert!(c("latest").unwrap_err().starts_with("`latest`"));
        assert!(c("next").unwrap_err().starts_with("`next`"));
        for not in ["docs", "v7.0.0", "7.0.0-alpine", "stable-7"] {
            assert_eq!(c(not), Err("not a version".into()), "{not}");
        }
        assert_eq!(moved_from("archive/7.0.0c"), ["7.0.0c"]);
        assert_eq!(moved_from("6.0.0"), ["archive/6.0.0"]);
    }
}
