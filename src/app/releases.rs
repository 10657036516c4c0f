//! `releases list|show|diff|import|schema`.

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
    Outcome::ok(super::schema::json(which).unwrap_or_default())
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
    let target = crate::base::fsutil::checked_path(into, rel, false).context(&what)?;
    let (status, found) = match std::fs::read_to_string(&target).ok() {
        None => ("created", None),
        Some(old) if old == text => ("unchanged", None),
        Some(old) => ("updated", Some(changes(&old, &target)?)),
    };
    if status != "unchanged" {
        crate::base::fsutil::write_in(
            into,
            rel,
            text.as_bytes(),
            crate::base::fsutil::Overwrite::Replace,
        )
        .context(|| format!("cannot write {}", target.display()))?;
    }
    Ok((target, status, found))
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
