//! The config file: defaults for options a user gives every time. Read from
//! `$XDG_CONFIG_HOME/scs-release/config.yaml` (else `~/.config/scs-release/config.yaml`), then
//! `./scs-release.yaml`, which wins key by key; a command-line option or its environment
//! variable wins over both. Relative paths are relative to the file's directory; a leading
//! `~/` is the home directory.
//!
//! ```yaml
//! data: ~/src/scs-release          # --data
//! repos: ~/src                     # --repos of rc status/diff/cut/promote
//! templates: ./templates           # --templates of notes
//! github_api: https://ghe.example/api/v3   # --github-api (GITHUB_API_URL)
//! cache: ~/.cache/scs-release      # --cache of rc status and notes
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::app::Error;

/// What a config file may set (every key optional; unknown keys are errors).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The data directory (holding `releases/` and `templates/`), as `--data`.
    pub data: Option<PathBuf>,
    /// The directory of local clones, as `--repos`.
    pub repos: Option<PathBuf>,
    /// The templates directory of `notes`, as `--templates`.
    pub templates: Option<PathBuf>,
    /// The GitHub REST API root, as `--github-api`.
    pub github_api: Option<String>,
    /// The cache directory, as `--cache`.
    pub cache: Option<PathBuf>,
    /// The file that set `data` (for messages).
    #[serde(skip)]
    #[schemars(skip)]
    pub data_from: Option<PathBuf>,
}

impl Config {
    /// The files that exist, in the order they apply (later wins).
    /// `SCS_RELEASE_CONFIG=FILE` names the user file instead (empty: none).
    pub fn files() -> Vec<PathBuf> {
        let user = match std::env::var_os("SCS_RELEASE_CONFIG") {
            Some(v) if v.is_empty() => None,
            Some(v) => Some(PathBuf::from(v)),
            None => std::env::var_os("XDG_CONFIG_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| home().map(|h| h.join(".config")))
                .map(|d| d.join("scs-release/config.yaml")),
        };
        user.into_iter()
            .chain(std::iter::once(PathBuf::from("scs-release.yaml")))
            .filter(|p| p.is_file())
            .collect()
    }

    /// The merged configuration of [`Config::files`].
    pub fn load() -> Result<(Config, Vec<PathBuf>), Error> {
        let files = Self::files();
        let mut merged = Config::default();
        for f in &files {
            let c: Config = crate::base::yaml::load(f)?;
            // `scs-release.yaml` has the empty parent: its paths stay relative to `.`.
            let dir = f.parent().unwrap_or(Path::new(""));
            let path = |p: Option<PathBuf>| p.map(|p| resolve(dir, &p));
            let data_from = if c.data.is_some() {
                Some(f.clone())
            } else {
                merged.data_from
            };
            merged = Config {
                data_from,
                data: path(c.data).or(merged.data),
                repos: path(c.repos).or(merged.repos),
                templates: path(c.templates).or(merged.templates),
                github_api: c.github_api.or(merged.github_api),
                cache: path(c.cache).or(merged.cache),
            };
        }
        Ok((merged, files))
    }
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// `p` of a config file in `dir`: `~/x` below the home directory, relative below `dir`.
fn resolve(dir: &Path, p: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(h) = home()
    {
        return h.join(rest);
    }
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// The JSON Schema of the config file.
pub fn schema() -> String {
    let mut s = serde_json::to_string_pretty(&schemars::schema_for!(Config)).unwrap_or_default();
    s.push('\n');
    s
}

impl Config {
    /// Fill the options of `cmd` that the command line left empty.
    pub fn apply(&self, cmd: &mut super::Command) {
        use super::Command;
        use super::rc::RcCmd;
        let default_api = crate::forge::github::DEFAULT_API;
        let api = |given: &mut String| {
            // The option has a default; the config replaces only that.
            if let Some(a) = &self.github_api
                && given == default_api
            {
                *given = a.clone();
            }
        };
        match cmd {
            Command::Rc(RcCmd::Status(a)) => {
                fill(&mut a.repos, &self.repos);
                fill(&mut a.cache, &self.cache);
                api(&mut a.github_api);
            }
            Command::Rc(RcCmd::Diff(a)) => fill(&mut a.repos, &self.repos),
            Command::Rc(RcCmd::Cut(super::rc::CutArgs { common, .. }))
            | Command::Rc(RcCmd::Promote(super::rc::PromoteArgs { common, .. })) => {
                fill(&mut common.repos, &self.repos);
                if common.github {
                    fill(&mut common.github_api, &self.github_api);
                }
            }
            Command::Notes(a) => {
                if a.template.is_none() {
                    fill(&mut a.templates, &self.templates);
                }
                fill(&mut a.cache, &self.cache);
                api(&mut a.github_api);
            }
            _ => {}
        }
    }
}

fn fill<T: Clone>(slot: &mut Option<T>, value: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(value);
    }
}
