//! `scs-release releases …`

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;

use super::output::{Output, TextOutput};
use super::{Context, Outcome};
use crate::release::{Store, diff, osism};
use crate::render;

#[derive(Debug, Subcommand)]
pub enum ReleasesCmd {
    /// List known releases in order, final vs. release candidate, with dates.
    List {
        #[command(flatten)]
        out: TextOutput,
    },
    /// Show one release: its SCS release, tracks and pins (e.g. `7.0.0b`, `R6`, `R6-RC1`).
    Show {
        /// The release: an OSISM version (`7.0.0b`), an SCS release (`R6`) or candidate (`R6-RC1`).
        release: String,
        #[command(flatten)]
        out: TextOutput,
    },
    /// Compare the pins of two releases, grouped by kind.
    Diff {
        /// The older release (`6.0.0`, `R5`).
        from: String,
        /// The newer release (`7.0.0`, `R6`).
        to: String,
        #[command(flatten)]
        out: TextOutput,
    },
    /// Convert a folder of an osism/release checkout into the tool's format.
    Import {
        /// The osism/release checkout (or the version folder itself).
        #[arg(long, value_name = "PATH")]
        osism: PathBuf,
        /// The version folder to import (`7.0.0b`; also found under `archive/`).
        #[arg(long)]
        version: String,
        /// Directory that holds `releases/` to write into (default: current directory).
        #[arg(long, value_name = "DIR", default_value = ".")]
        into: PathBuf,
        /// Commit of the checkout, recorded as provenance.
        #[arg(long)]
        commit: Option<String>,
        /// OpenStack series to read where several `openstack-*.yml` exist and no link decides.
        #[arg(long, value_name = "SERIES")]
        openstack: Option<String>,
        /// Ceph codename to read where several `ceph-*.yml` exist and no link decides.
        #[arg(long, value_name = "CODENAME")]
        ceph: Option<String>,
        /// Print the converted manifest instead of writing it.
        #[arg(long)]
        stdout: bool,
        #[command(flatten)]
        out: TextOutput,
    },
    /// Print the JSON Schema of a `releases/` file type: scs (releases/scs/*.yaml), osism
    /// (releases/osism/*.yaml), components, tracking (releases/rc/), checks (releases/checks/),
    /// upgrade-rules, plan-steps, plan-hops, site (releases/plan/), notes-rules (releases/notes/).
    Schema {
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(crate::app::schema::NAMES))]
        which: String,
    },
}

impl ReleasesCmd {
    pub fn output(&self) -> Output {
        match self {
            ReleasesCmd::List { out }
            | ReleasesCmd::Show { out, .. }
            | ReleasesCmd::Diff { out, .. }
            | ReleasesCmd::Import { out, .. } => out.get(),
            ReleasesCmd::Schema { .. } => Output::default(),
        }
    }
}

pub fn run(cmd: ReleasesCmd, ctx: &Context) -> anyhow::Result<Outcome> {
    match cmd {
        ReleasesCmd::List { .. } => {
            let f = ctx.format;
            let store = Store::load(&ctx.data)?;
            Ok(Outcome::ok(render::releases::list(&store.entries(), f)))
        }
        ReleasesCmd::Show { release, .. } => {
            let f = ctx.format;
            let store = Store::load(&ctx.data)?;
            let entry = store.resolve(&release)?;
            let view = render::releases::ShowView {
                scs: store.scs_release(&entry.version),
                manifest: store.manifest(&entry.version).ok(),
                release: &entry,
            };
            Ok(Outcome::ok(render::releases::show(&view, f)))
        }
        ReleasesCmd::Diff { from, to, .. } => {
            let f = ctx.format;
            let store = Store::load(&ctx.data)?;
            let a = store.resolve(&from)?;
            let b = store.resolve(&to)?;
            let d = diff::diff(store.manifest(&a.version)?, store.manifest(&b.version)?);
            Ok(Outcome::ok(render::releases::diff(&d, f)))
        }
        ReleasesCmd::Import {
            osism: path,
            version,
            into,
            commit,
            openstack,
            ceph,
            stdout,
            ..
        } => {
            let f = ctx.format;
            if version.is_empty()
                || version == "."
                || version == ".."
                || version.contains(['/', '\\'])
            {
                anyhow::bail!(
                    "--version `{version}` is not a release folder name (a version folder such as `7.0.0` or `7.0.0b`, without `/` or `..`)"
                );
            }
            let mut manifest =
                osism::import(&path, &version, &osism::Variants { openstack, ceph })?;
            manifest.source.commit = commit;
            let text = osism::to_yaml(&manifest);
            if stdout {
                return Ok(Outcome::ok(text));
            }
            let rel = PathBuf::from(format!("releases/osism/{}.yaml", manifest.version));
            let target =
                crate::base::fsutil::checked_path(&into, &rel, false).with_context(|| {
                    format!("--version {}: cannot write its manifest", manifest.version)
                })?;
            let previous = std::fs::read_to_string(&target).ok();
            let (status, changes) = match &previous {
                None => ("created", None),
                Some(old) if *old == text => ("unchanged", None),
                Some(old) => {
                    let old: crate::release::Manifest = crate::base::yaml::from_str(old, &target)?;
                    ("updated", Some(diff::diff(&old, &manifest)))
                }
            };
            if status != "unchanged" {
                crate::base::fsutil::write_in(
                    &into,
                    &rel,
                    text.as_bytes(),
                    crate::base::fsutil::Overwrite::Replace,
                )
                .with_context(|| format!("cannot write {}", target.display()))?;
            }
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
        ReleasesCmd::Schema { which } => Ok(Outcome::ok(
            crate::app::schema::json(&which).unwrap_or_default(),
        )),
    }
}
