//! `scs-release releases …`

use std::path::PathBuf;

use clap::Subcommand;

use super::output::{Output, TextOutput};
use super::{Context, Outcome};
use crate::app::releases as app;

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
        #[command(flatten)]
        range: super::range::Range,
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
        /// Directory that holds `releases/` to write into (default: the current directory,
        /// when it holds `releases/`).
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
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
    /// Import every release folder (5.0.0 on) of an osism/release clone that `releases/osism/`
    /// lacks or that changed.
    ///
    /// Reads HEAD out of git (a clone or a bare mirror; the working tree never matters): each
    /// folder, and `etc/`, as of the commit that gave the folder its present content. Folders
    /// that hold only base.yml (9.1.0 on) get their OpenStack and Ceph files from the tags
    /// `kolla-ansible-v…`/`ceph-ansible-v…` of the same repository. Reports added, changed,
    /// unchanged and refused folders (with the reason); a second run changes nothing.
    Sync {
        /// A clone or bare mirror of osism/release.
        #[arg(long, value_name = "PATH")]
        osism: PathBuf,
        /// Directory that holds `releases/` to write into (default: the current directory,
        /// when it holds `releases/`).
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Say what would be written; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// A clone or bare mirror of osism/osism.github.io: each release's date from the table
        /// of `docs/release-notes/osism-<major>.md` (without it, dates already on disk are kept).
        #[arg(long, value_name = "PATH")]
        notes: Option<PathBuf>,
        #[command(flatten)]
        out: TextOutput,
    },
    /// Import OSISM's defaults (osism/defaults at a tag) into `releases/defaults/<tag>.yaml`.
    ///
    /// Reads the group_vars files of the repository at the tag out of git (a clone or a bare
    /// mirror; nothing checked out, symbolic links in the tree skipped, never followed).
    #[command(name = "import-defaults")]
    ImportDefaults {
        /// A clone or bare mirror of osism/defaults.
        #[arg(long, value_name = "PATH")]
        defaults: PathBuf,
        /// The tag to import (`v0.20240319.0`).
        #[arg(
            long = "ref",
            value_name = "TAG",
            required_unless_present = "pinned",
            conflicts_with = "pinned"
        )]
        tag: Option<String>,
        /// Import every `defaults_version` the known releases pin.
        #[arg(long)]
        pinned: bool,
        /// Directory that holds `releases/` to write into (default: the current directory,
        /// when it holds `releases/`).
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Print the converted file instead of writing it (with --ref).
        #[arg(long)]
        stdout: bool,
        #[command(flatten)]
        out: TextOutput,
    },
    /// Print the JSON Schema of a `releases/` file type: scs (releases/scs/*.yaml), osism
    /// (releases/osism/*.yaml), defaults (releases/defaults/*.yaml), components, tracking (releases/rc/), checks (releases/checks/),
    /// upgrade-rules, plan-steps, plan-hops, record-map, site (releases/plan/), notes-rules (releases/notes/).
    Schema {
        /// The file type, or the kind of a `-o json` document (checked in under docs/schema/).
        #[arg(value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(
            crate::app::schema::NAMES.iter().copied()
                .chain(crate::app::output_schema::KINDS.iter().map(|(k, _)| *k))
        ))]
        which: String,
    },
}

impl ReleasesCmd {
    pub fn output(&self) -> Output {
        match self {
            ReleasesCmd::List { out }
            | ReleasesCmd::Show { out, .. }
            | ReleasesCmd::Diff { out, .. }
            | ReleasesCmd::Import { out, .. }
            | ReleasesCmd::Sync { out, .. }
            | ReleasesCmd::ImportDefaults { out, .. } => out.get(),
            ReleasesCmd::Schema { .. } => Output::default(),
        }
    }
}

pub fn run(cmd: ReleasesCmd, ctx: &Context) -> Result<Outcome, crate::app::Error> {
    match cmd {
        ReleasesCmd::List { .. } => app::list(ctx),
        ReleasesCmd::Show { release, .. } => app::show(&release, ctx),
        ReleasesCmd::Diff { range, .. } => {
            let (from, to) = range.resolve("releases diff")?;
            app::diff(&from, &to, ctx)
        }
        ReleasesCmd::Import {
            osism,
            version,
            into,
            commit,
            openstack,
            ceph,
            stdout,
            ..
        } => app::import(
            app::ImportRequest {
                osism,
                version,
                into: into_dir(into, stdout)?,
                commit,
                variants: crate::release::osism::Variants { openstack, ceph },
                stdout,
            },
            ctx,
        ),
        ReleasesCmd::Sync {
            osism,
            into,
            dry_run,
            notes,
            ..
        } => app::sync(
            app::SyncRequest {
                osism,
                into: into_dir(into, false)?,
                dry_run,
                notes,
            },
            ctx,
        ),
        ReleasesCmd::ImportDefaults {
            defaults,
            tag,
            pinned: _,
            into,
            stdout,
            ..
        } => app::import_defaults(
            app::ImportDefaultsRequest {
                defaults,
                tags: match tag {
                    Some(t) => app::DefaultsTags::One(t),
                    None => app::DefaultsTags::Pinned,
                },
                into: into_dir(into, stdout)?,
                stdout,
            },
            ctx,
        ),
        ReleasesCmd::Schema { which } => Ok(app::schema(&which)),
    }
}

/// `--into`, else the current directory when it holds `releases/` (a data checkout): writing
/// a new `./releases/` into whatever directory the command runs in is refused, not silent.
fn into_dir(into: Option<PathBuf>, stdout: bool) -> Result<PathBuf, crate::app::Error> {
    if let Some(dir) = into {
        return Ok(dir);
    }
    let here = PathBuf::from(".");
    if stdout || here.join("releases").is_dir() {
        return Ok(here);
    }
    let cwd = std::env::current_dir().map_or_else(|_| ".".into(), |d| d.display().to_string());
    Err(crate::app::Error::Usage(format!(
        "{cwd} holds no releases/ directory to write into: run this in a checkout of the release data, give --into DIR (created if missing), or --stdout to print the result"
    )))
}
