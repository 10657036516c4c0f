//! Tracks: which repos and ranges make up the notes of a release, from `releases/` data
//! (the ranges are read by `git::history`, their commits assembled by `notes::assemble`).

use std::path::{Path, PathBuf};

use super::context::*;
use super::error::NotesError;
use crate::base::version::{Kind as VKind, Version};
use crate::git::history::{Repo, ResolvedRef};
use crate::release::Store;
use crate::release::model::ScsRelease;

pub const CLUSTER_STACKS: &str = "SovereignCloudStack/cluster-stacks";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Track {
    #[value(name = "kaas-v1")]
    KaasV1,
    #[value(name = "kaas-v2")]
    KaasV2,
    Scs,
}

impl Track {
    pub fn name(self) -> &'static str {
        match self {
            Track::KaasV1 => "kaas-v1",
            Track::KaasV2 => "kaas-v2",
            Track::Scs => "scs",
        }
    }
}

/// A `--repo` argument: `PATH` or `owner/name=PATH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSpec {
    pub slug: Option<String>,
    pub path: PathBuf,
}

impl RepoSpec {
    pub fn parse(arg: &str) -> RepoSpec {
        if let Some((slug, path)) = arg.split_once('=') {
            let parts: Vec<&str> = slug.split('/').collect();
            let plain = |p: &&str| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            };
            if parts.len() == 2 && parts.iter().all(plain) && !slug.starts_with('.') {
                return RepoSpec {
                    slug: Some(slug.to_string()),
                    path: PathBuf::from(path),
                };
            }
        }
        RepoSpec {
            slug: None,
            path: PathBuf::from(arg),
        }
    }
}

/// One repo range to read.
#[derive(Debug)]
pub struct Job {
    pub track: Track,
    pub repo: Repo,
    pub slug: Option<String>,
    pub name: String,
    pub from: Option<ResolvedRef>,
    pub to: ResolvedRef,
    pub path: Option<String>,
    /// How the range was chosen (`R5 names v0.1.0-alpha.5`, `newest tag at R5's date …`).
    pub range_note: String,
}

/// What the user asked for.
#[derive(Debug, Clone)]
pub struct Request {
    pub track: Track,
    pub release: String,
    pub repos: Vec<RepoSpec>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub highlights: Highlights,
}

/// The context without repo notes, and the reads that fill them.
pub fn plan(store: &Store, req: &Request) -> Result<(NotesContext, Vec<Job>), NotesError> {
    let entry = store
        .resolve(&req.release)
        .map_err(|e| NotesError::Invalid {
            path: "--release".into(),
            message: e.to_string(),
        })?;
    let scs = store
        .scs_release(&entry.version)
        .ok_or_else(|| NotesError::Invalid {
            path: "--release".into(),
            message: format!(
                "{} belongs to no SCS release in releases/scs/",
                entry.version
            ),
        })?;
    let previous = store.scs.iter().rfind(|r| r.osism < scs.osism);
    let mut ctx = skeleton(req.track, scs, previous, req.highlights.clone());
    let mut jobs = Vec::new();
    let opened: Vec<(RepoSpec, Result<Repo, NotesError>)> = req
        .repos
        .iter()
        .map(|s| (s.clone(), Repo::open(&s.path).map_err(NotesError::from)))
        .collect();
    let mut repos: Vec<(Option<String>, Repo)> = Vec::new();
    for (spec, r) in opened {
        let r = r?;
        let known = known_slugs(scs);
        let slug = spec
            .slug
            .clone()
            .or_else(|| infer_slug(&r, &spec.path, &known, scs));
        repos.push((slug, r));
    }
    let single = repos.len() == 1;

    let want_v1 = matches!(req.track, Track::KaasV1 | Track::Scs);
    let want_v2 = matches!(req.track, Track::KaasV2 | Track::Scs);
    if req.track == Track::KaasV1 && scs.tracks.kaas_v1.is_none() && req.to.is_none() {
        return Err(NotesError::Invalid {
            path: "--release".into(),
            message: format!(
                "{} has no KaaS v1 track (it was dropped in R7); give --from and --to to read a range anyway",
                scs.name
            ),
        });
    }
    let mut repos_iter: Vec<Option<(Option<String>, Repo)>> = repos.into_iter().map(Some).collect();

    if want_v1 {
        let v1 = scs.tracks.kaas_v1.as_ref();
        let v1_slug = v1.map(|v| v.repo.clone());
        let idx = repos_iter.iter().position(|r| {
            r.as_ref()
                .is_some_and(|(s, _)| s.is_some() && s.as_deref() == v1_slug.as_deref())
        });
        let idx = idx.or_else(|| (req.track == Track::KaasV1 && single).then_some(0));
        match idx {
            Some(i) => {
                let (slug, repo) = repos_iter[i].take().expect("present");
                let to_name = req
                    .to
                    .clone()
                    .or_else(|| v1.map(|v| v.tag.to_string()))
                    .unwrap_or_default();
                let from_name = req
                    .from
                    .clone()
                    .or_else(|| v1.and_then(|v| v.previous_tag.as_ref().map(|t| t.to_string())));
                let to = repo.resolve(&to_name)?;
                let from = from_name.map(|f| repo.resolve(&f)).transpose()?;
                let slug = slug.or(v1_slug);
                let name = short_name(slug.as_deref(), &repo.path);
                let range_note = if req.from.is_some() || req.to.is_some() {
                    "--from/--to".to_string()
                } else {
                    format!("releases/scs/{}.yaml: tag and previous_tag", scs.name)
                };
                jobs.push(Job {
                    track: Track::KaasV1,
                    repo,
                    slug,
                    name,
                    from,
                    to,
                    path: None,
                    range_note,
                });
            }
            None => {
                if let Some(v) = v1 {
                    ctx.missing_repos.push(v.repo.clone());
                }
                if req.track == Track::KaasV1 {
                    return Err(NotesError::Invalid {
                        path: "--repo".into(),
                        message: "give the k8s-cluster-api-provider checkout with --repo PATH"
                            .into(),
                    });
                }
            }
        }
    }
    if want_v2 {
        let v2 = scs.tracks.kaas_v2.as_ref();
        let prev_v2 = previous.and_then(|p| p.tracks.kaas_v2.as_ref());
        let mut expected: Vec<String> = v2
            .map(|v| v.components.keys().cloned().collect())
            .unwrap_or_default();
        if v2.is_some_and(|v| !v.cluster_stacks.is_empty()) {
            expected.push(CLUSTER_STACKS.to_string());
        }
        for slot in repos_iter.iter_mut() {
            let Some((slug, repo)) = slot.take() else {
                continue;
            };
            let is_stacks = slug.as_deref() == Some(CLUSTER_STACKS)
                || (slug.is_none()
                    && repo
                        .tag_names()
                        .iter()
                        .any(|t| matches!(Version::parse(t).kind(), VKind::ClusterStack(_))));
            if is_stacks {
                let stacks: Vec<String> = match &req.to {
                    Some(t) => vec![t.clone()],
                    None => v2
                        .map(|v| v.cluster_stacks.iter().map(|s| s.to_string()).collect())
                        .unwrap_or_default(),
                };
                let tags = repo.tag_names();
                let slug = slug.or_else(|| Some(CLUSTER_STACKS.to_string()));
                let n = stacks.len();
                let mut repo_slot = Some(repo);
                for (k, stack) in stacks.iter().enumerate() {
                    // Each stack needs its own handle on the repo (jobs own their repo).
                    let repo = if k + 1 == n {
                        repo_slot.take().expect("present")
                    } else {
                        Repo::open(&repo_slot.as_ref().expect("present").path)?
                    };
                    let to = if req.to.is_some() {
                        repo.resolve(stack)?
                    } else {
                        resolve_named(&repo, stack, scs, CLUSTER_STACKS)?
                    };
                    let series = series_name(stack);
                    let (from_name, range_note) = match &req.from {
                        Some(f) => (Some(f.clone()), "--from".to_string()),
                        None if req.to.is_some() => {
                            let p = previous_in_series(&tags, stack);
                            let note = match &p {
                                Some(_) => "previous tag of the series".to_string(),
                                None => {
                                    "first tag of the series: from the first commit".to_string()
                                }
                            };
                            (p, note)
                        }
                        None => {
                            let named = prev_v2
                                .and_then(|p| {
                                    p.cluster_stacks
                                        .iter()
                                        .find(|t| series_name(&t.to_string()) == series)
                                })
                                .map(|t| t.to_string());
                            from_previous(&repo, named, previous, stack, CLUSTER_STACKS, &|t| {
                                series_name(t) == series && is_release_stack(t)
                            })?
                        }
                    };
                    let from = from_name.map(|f| repo.resolve(&f)).transpose()?;
                    let path = stack_path(&repo, &to.sha, stack);
                    jobs.push(Job {
                        track: Track::KaasV2,
                        repo,
                        slug: slug.clone(),
                        name: series,
                        from,
                        to,
                        path,
                        range_note,
                    });
                }
                expected.retain(|e| e != CLUSTER_STACKS);
                continue;
            }
            let to_name = req.to.clone().or_else(|| {
                slug.as_deref()
                    .and_then(|s| v2.and_then(|v| v.components.get(s)).map(|t| t.to_string()))
            });
            let Some(to_name) = to_name else {
                return Err(NotesError::Invalid {
                    path: repo.path.clone(),
                    message: format!(
                        "{} is not a KaaS v2 component of {} (known: {}); name it as OWNER/NAME=PATH or give --to",
                        slug.as_deref().unwrap_or("this repo"),
                        scs.name,
                        expected.join(", ")
                    ),
                });
            };
            let from_data = req.to.is_none();
            let to = match (&slug, from_data) {
                (Some(s), true) => resolve_named(&repo, &to_name, scs, s)?,
                _ => repo.resolve(&to_name)?,
            };
            let (from_name, range_note) = match (&req.from, &slug) {
                (Some(f), _) => (Some(f.clone()), "--from".to_string()),
                (None, Some(s)) if from_data => {
                    let named = prev_v2
                        .and_then(|p| p.components.get(s))
                        .map(|t| t.to_string());
                    let me = Version::parse(&to_name);
                    from_previous(&repo, named, previous, &to_name, s, &|t| {
                        let v = Version::parse(t);
                        matches!(v.kind(), VKind::Numeric(_)) && v < me
                    })?
                }
                _ => (
                    previous_tag(&repo.tag_names(), &to_name),
                    "previous tag by version (--to)".to_string(),
                ),
            };
            let from = from_name.map(|f| repo.resolve(&f)).transpose()?;
            if let Some(s) = &slug {
                expected.retain(|e| e != s);
            }
            let name = short_name(slug.as_deref(), &repo.path);
            jobs.push(Job {
                track: Track::KaasV2,
                repo,
                slug,
                name,
                from,
                to,
                path: None,
                range_note,
            });
        }
        ctx.missing_repos.extend(expected);
    }
    Ok((ctx, jobs))
}

/// A tag the release data names: a clear error naming the data file when the checkout lacks it
/// (no silent fallback to another range).
fn resolve_named(
    repo: &Repo,
    tag: &str,
    scs: &ScsRelease,
    what: &str,
) -> Result<ResolvedRef, NotesError> {
    repo.resolve(tag).map_err(|e| NotesError::Invalid {
        path: format!("releases/scs/{}.yaml", scs.name).into(),
        message: format!(
            "names `{tag}` for {what}, but the checkout has no such tag ({e}); fetch its tags (`git fetch --tags`) or give --from/--to"
        ),
    })
}

/// Where a repo's range starts: its version at the previous SCS release, that is the tag the
/// previous release's data names (`named`), else the newest tag (`candidate`) dated on or
/// before the previous release's date, else the first commit. With the reason, for the notes.
fn from_previous(
    repo: &Repo,
    named: Option<String>,
    previous: Option<&ScsRelease>,
    to: &str,
    what: &str,
    candidate: &dyn Fn(&str) -> bool,
) -> Result<(Option<String>, String), NotesError> {
    let Some(prev) = previous else {
        return Ok((
            None,
            "no previous SCS release in releases/scs: from the first commit".into(),
        ));
    };
    if let Some(t) = named {
        resolve_named(repo, &t, prev, what)?;
        let note = if t == to {
            format!("{} names {t} too: no new release", prev.name)
        } else {
            format!("{} names {t}", prev.name)
        };
        return Ok((Some(t), note));
    }
    let Some(date) = prev.date else {
        return Ok((
            None,
            format!(
                "{} names no version and has no date: from the first commit",
                prev.name
            ),
        ));
    };
    let cutoff = format!("{date}T23:59:59Z")
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_second())
        .unwrap_or(i64::MAX);
    let best = repo
        .tag_names()
        .into_iter()
        .filter(|t| t != to && candidate(t))
        .filter_map(|t| repo.tag_time(&t).filter(|s| *s <= cutoff).map(|s| (s, t)))
        .max_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| Version::parse(&a.1).cmp(&Version::parse(&b.1)))
        });
    Ok(match best {
        Some((_, t)) => {
            let note = format!(
                "newest tag at {}'s date {date} ({} names none)",
                prev.name, prev.name
            );
            (Some(t), note)
        }
        None => (
            None,
            format!(
                "no tag before {}'s date {date}: from the first commit",
                prev.name
            ),
        ),
    })
}

/// A released cluster stack tag (`openstack-scs-1-28-v2`), not a `-v0-sha-…` development tag.
fn is_release_stack(tag: &str) -> bool {
    matches!(Version::parse(tag).kind(), VKind::ClusterStack(c) if c.sha.is_none() && c.version > 0)
}

fn skeleton(
    track: Track,
    scs: &ScsRelease,
    previous: Option<&ScsRelease>,
    highlights: Highlights,
) -> NotesContext {
    let date = scs.date.map(|d| d.to_string());
    let month = scs.date.map(|d| d.strftime("%B %Y").to_string());
    NotesContext {
        schema_version: CONTEXT_SCHEMA_VERSION,
        kind: CONTEXT_KIND.into(),
        track: track.name().into(),
        generator: format!("scs-release {}", env!("CARGO_PKG_VERSION")),
        release: ReleaseInfo {
            name: scs.name.clone(),
            number: scs.name.trim_start_matches(['R', 'r']).to_string(),
            version: scs.osism.to_string(),
            date,
            month,
            status: format!("{:?}", scs.status).to_lowercase(),
            candidates: scs
                .candidates
                .iter()
                .map(|c| CandidateInfo {
                    version: c.version.to_string(),
                    label: c.label.clone(),
                    date: c.date.map(|d| d.to_string()),
                })
                .collect(),
            openstack: scs.tracks.iaas.openstack.clone(),
            ceph: scs.tracks.iaas.ceph.clone(),
            previous: previous.map(|p| p.name.clone()),
        },
        kaas_v1: scs.tracks.kaas_v1.as_ref().map(|v| KaasV1Info {
            repo: v.repo.clone(),
            tag: v.tag.to_string(),
            previous_tag: v.previous_tag.as_ref().map(|t| t.to_string()),
            candidates: v.candidates.iter().map(|c| c.to_string()).collect(),
            support: support_name(v.support),
            kubernetes: v.kubernetes.clone(),
            kubernetes_range: k8s_range(&v.kubernetes),
            software: v
                .software
                .iter()
                .map(|(n, v)| NameVersion {
                    name: n.clone(),
                    version: v.clone(),
                })
                .collect(),
        }),
        kaas_v2: scs.tracks.kaas_v2.as_ref().map(|v| KaasV2Info {
            support: support_name(v.support),
            components: v
                .components
                .iter()
                .map(|(n, t)| NameVersion {
                    name: n.clone(),
                    version: t.to_string(),
                })
                .collect(),
            cluster_stacks: v.cluster_stacks.iter().map(|s| s.to_string()).collect(),
            kubernetes: v.kubernetes.clone(),
        }),
        highlights,
        osism: None,
        labelled: Vec::new(),
        known_issues: Vec::new(),
        repos: Vec::new(),
        missing_repos: Vec::new(),
        contributors: Vec::new(),
    }
}

fn support_name(s: crate::release::model::TrackSupport) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn k8s_range(versions: &[String]) -> Option<String> {
    match versions {
        [] => None,
        [one] => Some(one.clone()),
        [first, .., last] => Some(format!("{first} -- {last}")),
    }
}

fn known_slugs(scs: &ScsRelease) -> Vec<String> {
    let mut out = vec![CLUSTER_STACKS.to_string()];
    if let Some(v) = &scs.tracks.kaas_v1 {
        out.push(v.repo.clone());
    }
    if let Some(v) = &scs.tracks.kaas_v2 {
        out.extend(v.components.keys().cloned());
    }
    for extra in [
        "SovereignCloudStack/k8s-cluster-api-provider",
        "SovereignCloudStack/cluster-stack-operator",
        "SovereignCloudStack/cluster-stack-provider-openstack",
        "SovereignCloudStack/csctl",
    ] {
        if !out.iter().any(|o| o == extra) {
            out.push(extra.to_string());
        }
    }
    out
}

/// The GitHub slug of a checkout: its `origin` remote (a GitHub URL, or any URL or path whose
/// components name a known repo: a clone of `…/SovereignCloudStack+csctl/repo`), else a
/// component of its own path naming a known repo (`…/csctl`), else the one KaaS v2 component
/// of the release whose tag in the data the checkout has.
fn infer_slug(repo: &Repo, path: &Path, known: &[String], scs: &ScsRelease) -> Option<String> {
    let origin = crate::git::origin_url(&repo.path);
    if let Some(s) = origin.as_deref().and_then(github_slug) {
        return Some(s);
    }
    if let Some(s) = origin
        .as_deref()
        .and_then(|u| slug_in_components(u.split(['/', ':', '\\']), known))
    {
        return Some(s);
    }
    let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let comps: Vec<String> = abs
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if let Some(s) = slug_in_components(comps.iter().map(String::as_str), known) {
        return Some(s);
    }
    let v2 = scs.tracks.kaas_v2.as_ref()?;
    let tags = repo.tag_names();
    let mut by_tag = v2
        .components
        .iter()
        .filter(|(_, t)| tags.iter().any(|x| *x == t.to_string()))
        .map(|(s, _)| s.clone());
    match (by_tag.next(), by_tag.next()) {
        (Some(one), None) => Some(one),
        _ => None,
    }
}

/// The known slug a path or URL names, the last component first (`…/csctl.git`,
/// `…/SovereignCloudStack+csctl/repo`).
fn slug_in_components<'a>(
    comps: impl DoubleEndedIterator<Item = &'a str>,
    known: &[String],
) -> Option<String> {
    for c in comps.rev() {
        let c = c.trim_end_matches(".git");
        for slug in known {
            let name = slug.rsplit('/').next().unwrap_or(slug);
            if c == name || c == slug.replace('/', "+") || c.ends_with(&format!("+{name}")) {
                return Some(slug.clone());
            }
        }
    }
    None
}

fn github_slug(url: &str) -> Option<String> {
    let rest = url.split_once("github.com").map(|(_, r)| r)?;
    let rest = rest
        .trim_start_matches([':', '/'])
        .trim_end_matches('/')
        .trim_end_matches(".git");
    let mut parts = rest.split('/');
    let (o, n) = (parts.next()?, parts.next()?);
    Some(format!("{o}/{n}"))
}

fn short_name(slug: Option<&str>, path: &Path) -> String {
    match slug {
        Some(s) => s.rsplit('/').next().unwrap_or(s).to_string(),
        None => path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
    }
}

/// `openstack-scs-1-28-v2` → `openstack-scs-1-28`.
pub fn series_name(tag: &str) -> String {
    match Version::parse(tag).kind() {
        VKind::ClusterStack(c) => {
            format!("{}-{}-{}-{}", c.provider, c.name, c.k8s_major, c.k8s_minor)
        }
        _ => tag.to_string(),
    }
}

/// The previous tag of the same cluster-stack series (`openstack-scs-1-28-v1` for `-v2`);
/// `-v0-sha-…` development tags are ignored.
pub fn previous_in_series(tags: &[String], tag: &str) -> Option<String> {
    let VKind::ClusterStack(me) = Version::parse(tag).kind().clone() else {
        return None;
    };
    tags.iter()
        .filter_map(|t| match Version::parse(t).kind() {
            VKind::ClusterStack(c)
                if c.sha.is_none()
                    && c.version > 0
                    && c.provider == me.provider
                    && c.name == me.name
                    && (c.k8s_major, c.k8s_minor) == (me.k8s_major, me.k8s_minor)
                    && c.version < me.version =>
            {
                Some((c.version, t.clone()))
            }
            _ => None,
        })
        .max()
        .map(|(_, t)| t)
}

/// The previous release tag of a component repo by version order (pre-releases included,
/// non-version tags ignored).
pub fn previous_tag(tags: &[String], tag: &str) -> Option<String> {
    let me = Version::parse(tag);
    tags.iter()
        .map(|t| Version::parse(t))
        .filter(|v| matches!(v.kind(), VKind::Numeric(_)) && *v < me && !v.same_as(&me))
        .max()
        .map(|v| v.to_string())
}

/// The folder of a cluster stack: `providers/<provider>/<name>/<k8s>` (older layout) or
/// `providers/<provider>/<name>` (newer layout), whichever exists at the tag.
pub fn stack_path(repo: &Repo, sha: &str, tag: &str) -> Option<String> {
    let VKind::ClusterStack(c) = Version::parse(tag).kind().clone() else {
        return None;
    };
    let with_k8s = format!(
        "providers/{}/{}/{}-{}",
        c.provider, c.name, c.k8s_major, c.k8s_minor
    );
    let without = format!("providers/{}/{}", c.provider, c.name);
    [with_k8s, without]
        .into_iter()
        .find(|p| repo.has_path(sha, p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_skips_dev_tags_and_other_series() {
        let tags: Vec<String> = [
            "openstack-scs-1-28-v1",
            "openstack-scs-1-28-v0-sha-abc1234",
            "openstack-scs-1-27-v3",
            "openstack-scs-1-28-v2",
            "openstack-alpha-1-28-v1",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            previous_in_series(&tags, "openstack-scs-1-28-v2").as_deref(),
            Some("openstack-scs-1-28-v1")
        );
        assert_eq!(previous_in_series(&tags, "openstack-scs-1-28-v1"), None);
        assert_eq!(series_name("openstack-scs-1-28-v2"), "openstack-scs-1-28");
    }

    #[test]
    fn previous_tag_orders_prereleases() {
        let tags: Vec<String> = [
            "v0.1.0-alpha.4",
            "v0.1.0-alpha.5",
            "v0.1.0-alpha.10",
            "junk",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        assert_eq!(
            previous_tag(&tags, "v0.1.0-alpha.10").as_deref(),
            Some("v0.1.0-alpha.5")
        );
        assert_eq!(previous_tag(&tags, "v0.1.0-alpha.4"), None);
    }

    #[test]
    fn repo_spec_with_slug() {
        assert_eq!(
            RepoSpec::parse("SovereignCloudStack/csctl=/x/y")
                .slug
                .as_deref(),
            Some("SovereignCloudStack/csctl")
        );
        assert_eq!(RepoSpec::parse("/x/y").slug, None);
    }
}
