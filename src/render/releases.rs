//! Rendering of `releases list|show|diff|import|sync|import-defaults`.

use serde::Serialize;

use super::table::Table;
use super::{Format, json_document};
use crate::release::diff::{ChangeKind, PinDiff};
use crate::release::model::{Manifest, PinKind, ScsRelease, TrackSupport};
use crate::release::store::ReleaseEntry;

pub const SCHEMA_VERSION: u32 = 1;

fn date(d: &Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_else(|| "-".into())
}

pub fn list(entries: &[ReleaseEntry], format: Format) -> String {
    if format == Format::Json {
        #[derive(Serialize)]
        struct Doc<'a> {
            releases: &'a [ReleaseEntry],
        }
        return json_document("releases", SCHEMA_VERSION, &Doc { releases: entries });
    }
    let mut t = Table::new(["version", "scs", "type", "date", "pins"]);
    for e in entries {
        let kind = if e.prerelease {
            format!("RC ({})", e.label)
        } else {
            e.label.clone()
        };
        t.row([
            e.version.to_string(),
            e.scs.clone().unwrap_or_else(|| "-".into()),
            kind,
            date(&e.date),
            if e.pins { "yes".into() } else { "-".into() },
        ]);
    }
    if format == Format::Markdown {
        t.to_markdown()
    } else {
        t.to_text()
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ShowView<'a> {
    pub release: &'a ReleaseEntry,
    pub scs: Option<&'a ScsRelease>,
    pub manifest: Option<&'a Manifest>,
}

fn support(s: TrackSupport) -> &'static str {
    match s {
        TrackSupport::Supported => "supported",
        TrackSupport::Preview => "preview",
        TrackSupport::MigrationOnly => "migration only",
    }
}

pub fn show(view: &ShowView, format: Format) -> String {
    if format == Format::Json {
        return json_document("release", SCHEMA_VERSION, view);
    }
    let md = format == Format::Markdown;
    let e = view.release;
    let mut out = String::new();
    let title = match (&e.scs, e.prerelease) {
        (Some(s), true) => format!(
            "{} — {s} {} (pre-release of {})",
            e.version,
            e.label,
            e.version
                .final_release()
                .map(|v| v.to_string())
                .unwrap_or_default()
        ),
        (Some(s), false) => format!("{} — {s} ({})", e.version, e.label),
        (None, _) => e.version.to_string(),
    };
    let esc = |s: String| if md { super::escape::markdown(&s) } else { s };
    out.push_str(&if md {
        format!("# {}\n\n", esc(title))
    } else {
        format!("{title}\n")
    });
    let bullet = if md { "- " } else { "  " };
    let item = |out: &mut String, text: String| {
        out.push_str(&format!("{bullet}{}\n", esc(text)));
    };
    item(&mut out, format!("date: {}", date(&e.date)));
    if let Some(r) = view.scs {
        let t = &r.tracks;
        item(
            &mut out,
            format!(
                "IaaS: OSISM {} (OpenStack {}, Ceph {})",
                e.version, t.iaas.openstack, t.iaas.ceph
            ),
        );
        if let Some(k) = &t.kaas_v1 {
            let rcs: Vec<String> = k.candidates.iter().map(|c| c.to_string()).collect();
            item(
                &mut out,
                format!(
                    "KaaS v1: {} {} ({}{})",
                    k.repo,
                    k.tag,
                    support(k.support),
                    if rcs.is_empty() {
                        String::new()
                    } else {
                        format!("; candidates {}", rcs.join(", "))
                    }
                ),
            );
        }
        if let Some(k) = &t.kaas_v2 {
            let comps: Vec<String> = k
                .components
                .iter()
                .map(|(n, v)| format!("{n} {v}"))
                .collect();
            item(
                &mut out,
                format!("KaaS v2: {} ({})", comps.join(", "), support(k.support)),
            );
            if !k.cluster_stacks.is_empty() {
                let cs: Vec<String> = k.cluster_stacks.iter().map(|c| c.to_string()).collect();
                item(&mut out, format!("cluster stacks: {}", cs.join(", ")));
            }
        }
    }
    match view.manifest {
        None => out.push_str(&format!(
            "\nNo pins recorded for {} (import them with `scs-release releases import --osism PATH --version {}`).\n",
            e.version, e.version
        )),
        Some(m) => {
            item(
                &mut out,
                format!("pins: {} from {}/{}", m.pins.len(), m.source.repo, m.source.path),
            );
            let mut kinds: Vec<PinKind> = m.pins.iter().map(|p| p.kind).collect();
            kinds.sort();
            kinds.dedup();
            for kind in kinds {
                let mut t = Table::new(["pin", "value", "kind", "source"]);
                for p in m.pins.iter().filter(|p| p.kind == kind) {
                    let src = p.repo.clone().or_else(|| p.image.clone()).unwrap_or_default();
                    t.row([p.id.clone(), p.value.to_string(), p.value.kind_name().to_string(), src]);
                }
                if md {
                    out.push_str(&format!("\n## {}\n\n{}", kind.title(), t.to_markdown()));
                } else {
                    out.push_str(&format!("\n{}\n{}", kind.title(), t.to_text()));
                }
            }
        }
    }
    out
}

pub fn diff(d: &PinDiff, format: Format) -> String {
    if format == Format::Json {
        return json_document("release-diff", SCHEMA_VERSION, d);
    }
    let md = format == Format::Markdown;
    let changed: usize = d
        .groups
        .iter()
        .flat_map(|g| &g.changes)
        .filter(|c| c.change == ChangeKind::Changed)
        .count();
    let added: usize = d
        .groups
        .iter()
        .flat_map(|g| &g.changes)
        .filter(|c| c.change == ChangeKind::Added)
        .count();
    let removed: usize = d
        .groups
        .iter()
        .flat_map(|g| &g.changes)
        .filter(|c| c.change == ChangeKind::Removed)
        .count();
    let summary = format!(
        "{changed} changed, {added} added, {removed} removed, {} unchanged",
        d.unchanged
    );
    let mut out = if md {
        format!(
            "# {}\n\n{summary}\n",
            super::escape::markdown(&format!("Pins {} → {}", d.from, d.to))
        )
    } else {
        format!("Pins {} → {}: {summary}\n", d.from, d.to)
    };
    for g in &d.groups {
        let mut t = Table::new(["pin", "change", d.from.as_str(), d.to.as_str(), "step"]);
        for c in &g.changes {
            let s = |v: &Option<crate::base::version::Version>| {
                v.as_ref()
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "-".into())
            };
            let change = match c.change {
                ChangeKind::Changed => "changed",
                ChangeKind::Added => "added",
                ChangeKind::Removed => "removed",
            };
            t.row([
                c.id.clone(),
                change.into(),
                s(&c.old),
                s(&c.new),
                c.step.clone().unwrap_or_default(),
            ]);
        }
        if md {
            out.push_str(&format!("\n## {}\n\n{}", g.title, t.to_markdown()));
        } else {
            out.push_str(&format!("\n{}\n{}", g.title, t.to_text()));
        }
    }
    out
}

/// Summary of an import: what was written or would be written.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ImportReport {
    pub version: String,
    pub path: String,
    pub status: &'static str,
    pub pins: usize,
    pub files: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<PinDiff>,
}

pub fn import(r: &ImportReport, format: Format) -> String {
    if format == Format::Json {
        return json_document("release-import", SCHEMA_VERSION, r);
    }
    let mut out = format!(
        "{} {} → {} ({} pins from {})\n",
        r.status,
        r.version,
        r.path,
        r.pins,
        r.files.join(", ")
    );
    if let Some(d) = &r.changes
        && !d.groups.is_empty()
    {
        out.push('\n');
        out.push_str(&diff(d, format));
    }
    out
}

/// An entry of the tree that an import did not read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Skipped {
    pub path: String,
    pub why: String,
}

/// What `releases import-defaults` did with one tag.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DefaultsReport {
    pub tag: String,
    pub commit: String,
    pub path: String,
    /// `created`, `updated` or `unchanged`.
    pub status: &'static str,
    /// Variables kept (after later files overrode earlier ones).
    pub values: usize,
    pub groups: Vec<String>,
    pub files: usize,
    /// Size of the written file.
    pub bytes: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<Skipped>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<crate::release::defaults::DefaultsChanges>,
}

/// The `defaults-import` document's body.
#[derive(Serialize, schemars::JsonSchema)]
pub struct DefaultsDoc<'a> {
    pub tags: &'a [DefaultsReport],
}

pub fn import_defaults(reports: &[DefaultsReport], format: Format) -> String {
    if format == Format::Json {
        return json_document(
            "defaults-import",
            SCHEMA_VERSION,
            &DefaultsDoc { tags: reports },
        );
    }
    let mut t = Table::new([
        "status", "tag", "file", "values", "groups", "files", "changes",
    ]);
    for r in reports {
        let changes = r.changes.as_ref().map_or_else(
            || "-".to_string(),
            |c| {
                format!(
                    "+{} -{} ~{}",
                    c.added.len(),
                    c.removed.len(),
                    c.changed.len()
                )
            },
        );
        t.row([
            r.status.to_string(),
            r.tag.clone(),
            r.path.clone(),
            r.values.to_string(),
            r.groups.join(", "),
            r.files.to_string(),
            changes,
        ]);
    }
    let mut out = if format == Format::Markdown {
        t.to_markdown()
    } else {
        t.to_text()
    };
    let skipped: Vec<(&str, &Skipped)> = reports
        .iter()
        .flat_map(|r| r.skipped.iter().map(move |s| (r.tag.as_str(), s)))
        .collect();
    if !skipped.is_empty() {
        out.push('\n');
        for (tag, s) in skipped {
            let line = format!("skipped {tag}:{}: {}", s.path, s.why);
            if format == Format::Markdown {
                out.push_str(&format!("- {}\n", super::escape::markdown(&line)));
            } else {
                out.push_str(&format!(
                    "{}\n",
                    line.replace(|c: char| c.is_control(), " ")
                ));
            }
        }
    }
    out
}

/// What `releases sync` did (or, with `--dry-run`, would do).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SyncReport {
    /// The clone or mirror read.
    pub osism: String,
    /// Its HEAD commit.
    pub head: String,
    /// The folder written into (`…/releases/osism`).
    pub into: String,
    pub dry_run: bool,
    /// The imported folders in version order, then the refused ones.
    pub entries: Vec<SyncEntry>,
}

/// One folder of the clone.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SyncEntry {
    /// The folder at HEAD (`archive/7.0.0c`).
    pub folder: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `added`, `changed`, `unchanged` or `refused`.
    pub status: &'static str,
    /// The commit the folder was read at (where it got its present content).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// The manifest file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pins: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub openstack: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceph: Option<String>,
    /// For `changed`: what differs from the file on disk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<SyncChanges>,
    /// Where layers came from, or why they are unknown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// For `refused`: why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// How a synced manifest differs from the file it replaces.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct SyncChanges {
    /// Pins by value.
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    /// Pins whose repository or image name changed.
    pub names: usize,
    /// Other fields that changed (`source.commit`, `openstack` …).
    pub fields: Vec<String>,
}

impl SyncChanges {
    /// `3 pins (1 added, 2 changed); 4 repo/image names; source.commit`.
    fn describe(&self) -> String {
        let pins = self.added + self.removed + self.changed;
        let mut parts = Vec::new();
        if pins > 0 {
            let how: Vec<String> = [
                (self.added, "added"),
                (self.removed, "removed"),
                (self.changed, "changed"),
            ]
            .iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect();
            parts.push(format!(
                "{pins} pin{} ({})",
                if pins == 1 { "" } else { "s" },
                how.join(", ")
            ));
        }
        if self.names > 0 {
            parts.push(format!(
                "{} repo/image name{}",
                self.names,
                if self.names == 1 { "" } else { "s" }
            ));
        }
        if !self.fields.is_empty() {
            parts.push(self.fields.join(", "));
        }
        parts.join("; ")
    }
}

pub fn sync(r: &SyncReport, format: Format) -> String {
    if format == Format::Json {
        return json_document("releases-sync", SCHEMA_VERSION, r);
    }
    let md = format == Format::Markdown;
    let count = |s: &str| r.entries.iter().filter(|e| e.status == s).count();
    let verb = |s: &'static str| -> &'static str {
        match (r.dry_run, s) {
            (true, "added") => "would add",
            (true, "changed") => "would change",
            (_, s) => s,
        }
    };
    let head = &r.head[..r.head.len().min(8)];
    let summary = format!(
        "osism/release {head} ({}): {} added, {} changed, {} unchanged, {} refused{}",
        r.osism,
        count("added"),
        count("changed"),
        count("unchanged"),
        count("refused"),
        if r.dry_run {
            " (dry run: nothing written)".to_string()
        } else if count("added") + count("changed") > 0 {
            format!(" → {}", r.into)
        } else {
            String::new()
        }
    );
    let mut t = Table::new([
        "status", "folder", "version", "commit", "pins", "series", "note",
    ]);
    for e in &r.entries {
        let mut note = Vec::new();
        if let Some(c) = &e.changes {
            note.push(c.describe());
        }
        note.extend(e.notes.iter().cloned());
        note.extend(e.reason.iter().cloned());
        let series = match (&e.openstack, &e.ceph, e.status) {
            (_, _, "refused") => String::new(),
            (None, None, _) => "-".into(),
            (o, c, _) => format!(
                "{} / {}",
                o.as_deref().unwrap_or("?"),
                c.as_deref().unwrap_or("?")
            ),
        };
        t.row([
            verb(e.status).to_string(),
            e.folder.clone(),
            e.version.clone().unwrap_or_default(),
            e.commit
                .as_deref()
                .map(|c| c[..c.len().min(8)].to_string())
                .unwrap_or_default(),
            e.pins.map(|p| p.to_string()).unwrap_or_default(),
            series,
            note.join("; "),
        ]);
    }
    if md {
        format!(
            "{}\n\n{}",
            super::escape::markdown(&summary),
            t.to_markdown()
        )
    } else {
        format!("{summary}\n\n{}", t.to_text())
    }
}
