//! The `releases/` store: SCS releases (`releases/scs/*.yaml`) and the pins of each OSISM
//! version (`releases/osism/*.yaml`), validated on load.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;

use super::error::ReleaseError;
use super::model::{Manifest, ScsRelease};
use crate::base::version::Version;
use crate::data::DataDir;

/// All release data.
#[derive(Debug, Clone)]
pub struct Store {
    pub data: DataDir,
    /// SCS releases ordered by OSISM version.
    pub scs: Vec<ScsRelease>,
    /// Manifests by OSISM version text.
    pub manifests: BTreeMap<String, Manifest>,
}

/// One OSISM version as listed by `releases list`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ReleaseEntry {
    pub version: Version,
    /// `R6`, when the version belongs to an SCS release.
    pub scs: Option<String>,
    /// `RC1` for candidates, `final` for the release itself, `update` for later minors.
    pub label: String,
    pub prerelease: bool,
    #[schemars(with = "Option<String>")]
    pub date: Option<Date>,
    pub pins: bool,
}

impl Store {
    /// Load and validate everything under `releases/`.
    pub fn load(data: &DataDir) -> Result<Store, ReleaseError> {
        let mut scs: Vec<ScsRelease> = Vec::new();
        let mut released: Vec<(String, Version)> = Vec::new();
        for rel in data.list("releases/scs")? {
            if !rel.ends_with(".yaml") {
                continue;
            }
            let (release, path) = data.load::<ScsRelease>(&rel)?;
            validate_scs(&release, &path)?;
            if let Some(other) = scs
                .iter()
                .find(|o| o.osism == release.osism || o.name == release.name)
            {
                return Err(ReleaseError::invalid(
                    &path,
                    format!(
                        "release {} ({}) is defined twice (also as {})",
                        release.name, release.osism, other.name
                    ),
                ));
            }
            if release.status == super::model::ReleaseStatus::Released {
                released.push((rel, release.osism.clone()));
            }
            scs.push(release);
        }
        scs.sort_by(|a, b| a.osism.cmp(&b.osism));
        let mut manifests = BTreeMap::new();
        for rel in data.list("releases/osism")? {
            if !rel.ends_with(".yaml") {
                continue;
            }
            let (m, path) = data.load::<Manifest>(&rel)?;
            let stem = rel
                .rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".yaml");
            if m.version.as_str() != stem {
                return Err(ReleaseError::invalid(
                    &path,
                    format!(
                        "version: `{}` does not match the file name `{stem}.yaml`",
                        m.version
                    ),
                ));
            }
            let mut seen = std::collections::HashSet::new();
            if let Some(dup) = m.pins.iter().find(|p| !seen.insert(p.id.as_str())) {
                return Err(ReleaseError::invalid(
                    &path,
                    format!("pins: `{}` appears twice", dup.id),
                ));
            }
            manifests.insert(m.version.as_str().to_string(), m);
        }
        // A released SCS release stands on its final OSISM pins (candidates may predate the
        // import and have none).
        for (rel, osism) in &released {
            if !manifests.contains_key(osism.as_str()) {
                return Err(ReleaseError::invalid(
                    data.display_path(rel),
                    format!(
                        "osism: OSISM {osism} has no releases/osism/{osism}.yaml (import it with `scs-release releases import --osism PATH --version {osism}`)"
                    ),
                ));
            }
        }
        Ok(Store {
            data: data.clone(),
            scs,
            manifests,
        })
    }

    /// Every known OSISM version, ordered (7.0.0a < 7.0.0b < 7.0.0).
    pub fn entries(&self) -> Vec<ReleaseEntry> {
        let mut out: BTreeMap<Version, ReleaseEntry> = BTreeMap::new();
        for r in &self.scs {
            for c in &r.candidates {
                out.insert(
                    c.version.clone(),
                    ReleaseEntry {
                        version: c.version.clone(),
                        scs: Some(r.name.clone()),
                        label: c.label.clone(),
                        prerelease: true,
                        date: c.date,
                        pins: self.manifests.contains_key(c.version.as_str()),
                    },
                );
            }
            out.insert(
                r.osism.clone(),
                ReleaseEntry {
                    version: r.osism.clone(),
                    scs: Some(r.name.clone()),
                    label: "final".into(),
                    prerelease: false,
                    // OSISM's own release day where the notes give it (R9 names 2025-09-29,
                    // OSISM 10.0.0 came out on 2026-03-20), else the SCS release's.
                    date: self
                        .manifests
                        .get(r.osism.as_str())
                        .and_then(|m| m.date)
                        .or(r.date),
                    pins: self.manifests.contains_key(r.osism.as_str()),
                },
            );
        }
        for m in self.manifests.values() {
            out.entry(m.version.clone()).or_insert_with(|| {
                let owner = self
                    .scs
                    .iter()
                    .find(|r| r.osism.major() == m.version.major());
                ReleaseEntry {
                    version: m.version.clone(),
                    scs: owner.map(|r| r.name.clone()),
                    label: if m.version.is_prerelease() {
                        "pre-release".into()
                    } else {
                        "update".into()
                    },
                    prerelease: m.version.is_prerelease(),
                    date: m.date.or(m.source.added_on),
                    pins: true,
                }
            });
        }
        out.into_values().collect()
    }

    /// Resolve a user's name for a release: `7.0.0b`, `v7.0.0`, `R6`, `R6-RC1`.
    pub fn resolve(&self, name: &str) -> Result<ReleaseEntry, ReleaseError> {
        let entries = self.entries();
        let wanted = name.trim();
        let plain = wanted.strip_prefix('v').unwrap_or(wanted);
        if let Some(e) = entries.iter().find(|e| e.version.as_str() == plain) {
            return Ok(e.clone());
        }
        let upper = wanted.to_ascii_uppercase();
        let (scs, label) = upper
            .split_once(['-', ' ', '/'])
            .unwrap_or((upper.as_str(), "FINAL"));
        if let Some(e) = entries.iter().find(|e| {
            e.scs
                .as_deref()
                .is_some_and(|s| s.eq_ignore_ascii_case(scs))
                && e.label.eq_ignore_ascii_case(label)
        }) {
            return Ok(e.clone());
        }
        let mut names: Vec<String> = entries.iter().map(|e| e.version.to_string()).collect();
        names.extend(self.scs.iter().map(|r| r.name.clone()));
        Err(ReleaseError::UnknownRelease {
            name: name.to_string(),
            nearest: crate::base::suggest::nearest_names(plain, names.iter().map(String::as_str)),
        })
    }

    /// The SCS release a version belongs to.
    pub fn scs_release(&self, version: &Version) -> Option<&ScsRelease> {
        self.scs
            .iter()
            .find(|r| &r.osism == version || r.candidates.iter().any(|c| &c.version == version))
            .or_else(|| self.scs.iter().find(|r| r.osism.major() == version.major()))
    }

    /// The pins of a version.
    pub fn manifest(&self, version: &Version) -> Result<&Manifest, ReleaseError> {
        self.manifests
            .get(version.as_str())
            .ok_or_else(|| ReleaseError::NoPins {
                version: version.to_string(),
            })
    }
}

fn validate_scs(r: &ScsRelease, path: &std::path::Path) -> Result<(), ReleaseError> {
    let bad = |m: String| Err(ReleaseError::invalid(path, m));
    if r.osism.numeric().is_none() || r.osism.is_prerelease() {
        return bad(format!(
            "osism: `{}` is not a final OSISM version such as 7.0.0",
            r.osism
        ));
    }
    if r.status == super::model::ReleaseStatus::Released && r.date.is_none() {
        return bad("date: a released release needs its release date".into());
    }
    let mut previous: Option<&super::model::Candidate> = None;
    for (i, c) in r.candidates.iter().enumerate() {
        if c.version.final_release().as_ref() != Some(&r.osism) {
            return bad(format!(
                "candidates[{i}].version: `{}` is not a pre-release of {} (expected e.g. {}a or {}-rc.1)",
                c.version, r.osism, r.osism, r.osism
            ));
        }
        if let Some(p) = previous {
            if p.version >= c.version {
                return bad(format!(
                    "candidates[{i}].version: `{}` must come after `{}`",
                    c.version, p.version
                ));
            }
            if let (Some(a), Some(b)) = (p.date, c.date)
                && a > b
            {
                return bad(format!(
                    "candidates[{i}].date: {b} is before the previous candidate's date {a}"
                ));
            }
        }
        if let (Some(cd), Some(fd)) = (c.date, r.date)
            && cd > fd
        {
            return bad(format!(
                "candidates[{i}].date: {cd} is after the final release date {fd}"
            ));
        }
        previous = Some(c);
    }
    Ok(())
}
