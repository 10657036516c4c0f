//! `releases list|show|diff|import|sync|import-defaults|schema`.

use std::path::{Path, PathBuf};

use super::error::ResultExt as _;
use super::{Context, Error, Outcome};
use crate::release::{Store, diff, osism};
use crate::render;

/// `releases import`: one version folder of an osism/release checkout into `releases/osism/`.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    /// The osism/release checkout (or the version folder itself).
    pub osism: PathBuf,
    /// The version folder (`7.0.0b`; also found under `archive/`).
    pub version: String,
    /// The directory holding `releases/` to write into.
    pub into: PathBuf,
    /// Commit of the checkout, recorded as provenance.
    pub commit: Option<String>,
    pub variants: osism::Variants,
    /// Return the manifest instead of writing it.
    pub stdout: bool,
}

pub fn list(ctx: &Context) -> Result<Outcome, Error> {
    let store = Store::load(&ctx.data)?;
    Ok(Outcome::ok(render::releases::list(
        &store.entries(),
        ctx.format,
    )))
}

pub fn show(release: &str, ctx: &Context) -> Result<Outcome, Error> {
    let store = Store::load(&ctx.data)?;
    let entry = store.resolve(release)?;
    let view = render::releases::ShowView {
        scs: store.scs_release(&entry.version),
        manifest: store.manifest(&entry.version).ok(),
        release: &entry,
    };
    Ok(Outcome::ok(render::releases::show(&view, ctx.format)))
}

pub fn diff(from: &str, to: &str, ctx: &Context) -> Result<Outcome, Error> {
    let store = Store::load(&ctx.data)?;
    let a = store.resolve(from)?;
    let b = store.resolve(to)?;
    let d = diff::diff(store.manifest(&a.version)?, store.manifest(&b.version)?);
    Ok(Outcome::ok(render::releases::diff(&d, ctx.format)))
}

pub fn schema(which: &str) -> Outcome {
    Outcome::ok(
        super::schema::json(which)
            .or_else(|| super::output_schema::json(which))
            .unwrap_or_default(),
    )
}

pub fn import(req: ImportRequest, ctx: &Context) -> Result<Outcome, Error> {
    let ImportRequest {
        osism: path,
        version,
        into,
        commit,
        variants,
        stdout,
    } = req;
    let f = ctx.format;
    if version.is_empty() || version == "." || version == ".." || version.contains(['/', '\\']) {
        return Err(Error::Usage(format!(
            "--version `{version}` is not a release folder name (a version folder such as `7.0.0` or `7.0.0b`, without `/` or `..`)"
        )));
    }
    let mut manifest = osism::import(&path, &version, &variants)?;
    manifest.source.commit = commit;
    let text = osism::to_yaml(&manifest);
    if stdout {
        return Ok(Outcome::ok(text));
    }
    let rel = PathBuf::from(format!("releases/osism/{}.yaml", manifest.version));
    let (target, status, changes) = write_import(
        &into,
        &rel,
        &text,
        || format!("--version {}: cannot write its manifest", manifest.version),
        |old, path| {
            let old: crate::release::Manifest = crate::base::yaml::from_str(old, path)?;
            Ok(diff::diff(&old, &manifest))
        },
    )?;
    let report = render::releases::ImportReport {
        version: manifest.version.to_string(),
        path: target.display().to_string(),
        status,
        pins: manifest.pins.len(),
        files: manifest.source.files.clone(),
        changes,
    };
    Ok(Outcome::ok(render::releases::import(&report, f)))
}

/// What writing an importer's text to a file would do.
enum Planned {
    Create,
    Unchanged,
    /// Replace this old text.
    Update(String),
}

/// Where `into/rel` is (checked: no `..`, no link below `into`) and what writing `text` there
/// would do.
fn plan_write(
    into: &Path,
    rel: &Path,
    text: &str,
    what: impl Fn() -> String,
) -> Result<(PathBuf, Planned), Error> {
    let (target, existing) = on_disk(into, rel, what)?;
    let planned = match existing {
        None => Planned::Create,
        Some(old) if old == text => Planned::Unchanged,
        Some(old) => Planned::Update(old),
    };
    Ok((target, planned))
}

/// The checked path of `into/rel` (links refused) and the text it holds, if any.
fn on_disk(
    into: &Path,
    rel: &Path,
    what: impl Fn() -> String,
) -> Result<(PathBuf, Option<String>), Error> {
    let target = crate::base::fsutil::checked_path(into, rel, false).context(&what)?;
    let text = std::fs::read_to_string(&target).ok();
    Ok((target, text))
}

/// Write `text` to `into/rel` through [`crate::base::fsutil::write_in`] (atomic, links refused).
fn write_planned(into: &Path, rel: &Path, text: &str, target: &Path) -> Result<(), Error> {
    crate::base::fsutil::write_in(
        into,
        rel,
        text.as_bytes(),
        crate::base::fsutil::Overwrite::Replace,
    )
    .context(|| format!("cannot write {}", target.display()))?;
    Ok(())
}

/// Write an importer's `text` to `into/rel` (through [`crate::base::fsutil::write_in`]) unless
/// the file already holds it. Returns the full path and `created`, `updated` (with what
/// `changes(old text, path)` finds) or `unchanged`.
fn write_import<C>(
    into: &Path,
    rel: &Path,
    text: &str,
    what: impl Fn() -> String,
    changes: impl FnOnce(&str, &Path) -> Result<C, Error>,
) -> Result<(PathBuf, &'static str, Option<C>), Error> {
    let (target, planned) = plan_write(into, rel, text, what)?;
    let (status, found) = match planned {
        Planned::Create => ("created", None),
        Planned::Unchanged => return Ok((target, "unchanged", None)),
        Planned::Update(old) => ("updated", Some(changes(&old, &target)?)),
    };
    write_planned(into, rel, text, &target)?;
    Ok((target, status, found))
}

/// `releases sync`: every release folder of an osism/release clone into `releases/osism/`.
#[derive(Debug, Clone)]
pub struct SyncRequest {
    /// A clone or bare mirror of osism/release.
    pub osism: PathBuf,
    /// The directory holding `releases/` to write into.
    pub into: PathBuf,
    /// Compare only; write nothing.
    pub dry_run: bool,
    /// A clone or bare mirror of osism/osism.github.io: release dates from the notes' tables.
    pub notes: Option<PathBuf>,
}

pub fn sync(req: SyncRequest, ctx: &Context) -> Result<Outcome, Error> {
    use crate::release::sync;
    use render::releases::{SyncEntry, SyncReport};
    let SyncRequest {
        osism: repo,
        into,
        dry_run,
        notes,
    } = req;
    let mut synced = sync::read(&repo)?;
    let dates = notes
        .as_deref()
        .map(crate::release::notes_dates::read)
        .transpose()?;
    let mut entries = Vec::new();
    // Compare everything first, so a file that cannot be written stops the run before any is.
    let mut writes = Vec::new();
    for i in &mut synced.imported {
        let v = i.manifest.version.to_string();
        let rel = PathBuf::from(format!("releases/osism/{v}.yaml"));
        let (target, existing) = on_disk(&into, &rel, || {
            format!("{}: cannot write {}", i.folder, rel.display())
        })?;
        let old: Option<crate::release::Manifest> = existing
            .as_deref()
            .map(|t| crate::base::yaml::from_str(t, &target))
            .transpose()?;
        if let Some(why) = dates.as_ref().and_then(|d| d.unreadable.get(&v)) {
            i.notes.push(format!("release date unknown: {why}"));
        }
        // The release date: from the notes when given, else the one already on disk.
        i.manifest.date = match &dates {
            Some(d) => d.dates.get(&v).copied(),
            None => old.as_ref().and_then(|o| o.date),
        };
        let m = &i.manifest;
        let text = osism::to_yaml(m);
        let (status, changes) = match (&existing, &old) {
            (Some(t), _) if *t == text => ("unchanged", None),
            (Some(_), Some(old)) => ("changed", Some(what_changed(old, m))),
            _ => ("added", None),
        };
        entries.push(SyncEntry {
            folder: i.folder.clone(),
            version: Some(m.version.to_string()),
            status,
            commit: m.source.commit.clone(),
            path: Some(target.display().to_string()),
            pins: Some(m.pins.len()),
            openstack: m.openstack.clone(),
            ceph: m.ceph.clone(),
            changes,
            notes: i.notes.clone(),
            reason: None,
        });
        if status != "unchanged" {
            writes.push((rel, text, target));
        }
    }
    if !dry_run {
        for (rel, text, target) in &writes {
            write_planned(&into, rel, text, target)?;
        }
    }
    for r in &synced.refused {
        entries.push(SyncEntry {
            folder: r.folder.clone(),
            version: None,
            status: "refused",
            commit: None,
            path: None,
            pins: None,
            openstack: None,
            ceph: None,
            changes: None,
            notes: vec![],
            reason: Some(r.reason.clone()),
        });
    }
    let report = SyncReport {
        osism: repo.display().to_string(),
        head: synced.head.clone(),
        into: into.join("releases/osism").display().to_string(),
        dry_run,
        entries,
    };
    Ok(Outcome::ok(render::releases::sync(&report, ctx.format)))
}

/// How a manifest differs from the one on disk: pins by value, pins whose repository or
/// image name changed, and the other fields.
fn what_changed(
    old: &crate::release::Manifest,
    new: &crate::release::Manifest,
) -> render::releases::SyncChanges {
    use crate::release::diff::ChangeKind;
    let d = diff::diff(old, new);
    let count = |k: ChangeKind| {
        d.groups
            .iter()
            .flat_map(|g| &g.changes)
            .filter(|c| c.change == k)
            .count()
    };
    let names = new
        .pins
        .iter()
        .filter(|p| {
            old.pins
                .iter()
                .any(|o| o.id == p.id && (o.repo != p.repo || o.image != p.image))
        })
        .count();
    let mut fields = Vec::new();
    let (a, b) = (&old.source, &new.source);
    for (name, differs) in [
        ("source.path", a.path != b.path),
        ("source.files", a.files != b.files),
        ("source.commit", a.commit != b.commit),
        ("source.added_on", a.added_on != b.added_on),
        ("date", old.date != new.date),
        ("openstack", old.openstack != new.openstack),
        ("ceph", old.ceph != new.ceph),
        ("settings", old.settings != new.settings),
    ] {
        if differs {
            fields.push(name.to_string());
        }
    }
    render::releases::SyncChanges {
        added: count(ChangeKind::Added),
        removed: count(ChangeKind::Removed),
        changed: count(ChangeKind::Changed),
        names,
        fields,
    }
}

/// Which osism/defaults tags `releases import-defaults` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DefaultsTags {
    /// One tag (`--ref v0.20240319.0`).
    One(String),
    /// Every `defaults_version` the known releases pin (`--pinned`).
    Pinned,
}

/// `releases import-defaults`: osism/defaults at one or more tags into `releases/defaults/`.
#[derive(Debug, Clone)]
pub struct ImportDefaultsRequest {
    /// A clone or bare mirror of osism/defaults.
    pub defaults: PathBuf,
    pub tags: DefaultsTags,
    /// The directory holding `releases/` to write into.
    pub into: PathBuf,
    /// Return the file instead of writing it (one tag only).
    pub stdout: bool,
}

pub fn import_defaults(req: ImportDefaultsRequest, ctx: &Context) -> Result<Outcome, Error> {
    use crate::release::defaults::{self, Defaults, DefaultsChanges};
    let ImportDefaultsRequest {
        defaults: repo,
        tags,
        into,
        stdout,
    } = req;
    let tags = match tags {
        DefaultsTags::One(t) => vec![t],
        DefaultsTags::Pinned if stdout => {
            return Err(Error::Usage(
                "--stdout prints one tag's file: name it with --ref TAG instead of --pinned".into(),
            ));
        }
        DefaultsTags::Pinned => {
            let tags = defaults::pinned_tags(&Store::load(&ctx.data)?);
            if tags.is_empty() {
                return Err(Error::Invalid(
                    "--pinned: no release in releases/osism/ pins a defaults_version".into(),
                ));
            }
            tags
        }
    };
    // Check every name before reading anything.
    let mut files = Vec::new();
    for tag in &tags {
        let rel = defaults::file_for(tag).map_err(|why| Error::Usage(format!("--ref: {why}")))?;
        files.push(rel);
    }
    let mut reports = Vec::new();
    for (tag, rel) in tags.iter().zip(files) {
        let imported = defaults::import(&repo, tag)?;
        let text = defaults::to_yaml(&imported.defaults);
        if stdout {
            return Ok(Outcome::ok(text));
        }
        let rel = PathBuf::from(rel);
        let (target, status, changes) = write_import(
            &into,
            &rel,
            &text,
            || format!("--ref {tag}: cannot write its defaults"),
            |old, path| {
                let old: Defaults = crate::data::parse(old, path)?;
                Ok(DefaultsChanges::between(&old, &imported.defaults))
            },
        )?;
        let d = &imported.defaults;
        reports.push(render::releases::DefaultsReport {
            tag: tag.clone(),
            commit: d.source.commit.clone(),
            path: target.display().to_string(),
            status,
            values: d.values().count(),
            groups: d.groups().iter().map(|g| g.to_string()).collect(),
            files: d.files.len(),
            bytes: text.len(),
            skipped: imported
                .skipped
                .iter()
                .map(|s| render::releases::Skipped {
                    path: s.path.clone(),
                    why: s.why.clone(),
                })
                .collect(),
            changes,
        });
    }
    Ok(Outcome::ok(render::releases::import_defaults(
        &reports, ctx.format,
    )))
}
