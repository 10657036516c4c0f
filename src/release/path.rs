//! The upgrade path solver: which chain of hops through final releases known in `releases/`
//! leads from one OSISM version to another, under the rules of `releases/upgrade-rules.yaml`
//! (OSISM one major per hop, OpenStack N→N+1 or SLURP→SLURP, Ceph at most two majors).
//!
//! Stable API used by the upgrade planner: [`solve`] and [`direct`].

use serde::Serialize;

use super::error::ReleaseError;
use super::path_rules::Rules;
use crate::base::version::Version;
use crate::release::Store;

/// One upgrade hop: a single run of the OSISM upgrade procedure.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Hop {
    pub from: Version,
    pub to: Version,
    /// SCS release names of both ends (`R5`, `R6`), when known.
    pub from_scs: Option<String>,
    pub to_scs: Option<String>,
    /// What changes per component and which rule allows it.
    pub steps: Vec<Step>,
}

/// A component's change within a hop.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Step {
    /// `osism`, `openstack`, `ceph`, `docker`, `k3s (manager)`, `kubernetes (KaaS)`.
    pub component: String,
    pub from: String,
    pub to: String,
    /// Why this change is allowed, or what it implies.
    pub rule: String,
}

/// Why a jump is not allowed in one hop.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct Violation {
    pub component: String,
    pub from: String,
    pub to: String,
    pub reason: String,
}

/// Why no path could be given.
#[derive(Debug, thiserror::Error)]
pub enum PathRefusal {
    #[error(transparent)]
    Data(#[from] ReleaseError),
    #[error(
        "cannot upgrade from {from} to {to}: {to} is not newer than {from} (downgrades are not supported)"
    )]
    NotNewer { from: Version, to: Version },
    #[error(
        "no upgrade path from {from} to {to} through the final releases in releases/; the direct jump is refused: {}",
        list(direct)
    )]
    NoPath {
        from: Version,
        to: Version,
        direct: Vec<Violation>,
    },
}

fn list(v: &[Violation]) -> String {
    v.iter()
        .map(|v| format!("{}: {}", v.component, v.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// The shortest chain of allowed hops from `from` to `to` (both OSISM versions known in
/// `releases/`). Intermediate stops are final releases. Among equally short chains, the one
/// that goes as far as possible with each hop wins.
#[allow(clippy::result_large_err)] // PathRefusal carries the versions; built once per command
pub fn solve(store: &Store, from: &Version, to: &Version) -> Result<Vec<Hop>, PathRefusal> {
    let rules = Rules::load(&store.data)?;
    solve_with(store, &rules, from, to)
}

/// Whether `from → to` is allowed as one hop: the hop, or every rule it breaks.
#[allow(clippy::result_large_err)] // PathRefusal carries the versions; built once per command
pub fn direct(
    store: &Store,
    from: &Version,
    to: &Version,
) -> Result<Result<Hop, Vec<Violation>>, PathRefusal> {
    let rules = Rules::load(&store.data)?;
    if to <= from {
        return Err(PathRefusal::NotNewer {
            from: from.clone(),
            to: to.clone(),
        });
    }
    Ok(hop(store, &rules, from, to))
}

#[allow(clippy::result_large_err)] // PathRefusal carries the versions; built once per command
pub fn solve_with(
    store: &Store,
    rules: &Rules,
    from: &Version,
    to: &Version,
) -> Result<Vec<Hop>, PathRefusal> {
    if to <= from || to.same_as(from) {
        return Err(PathRefusal::NotNewer {
            from: from.clone(),
            to: to.clone(),
        });
    }
    // Stops: `from`, the final releases strictly between, `to`.
    let mut nodes: Vec<Version> = vec![from.clone()];
    nodes.extend(
        store
            .entries()
            .into_iter()
            .map(|e| e.version)
            .filter(|v| !v.is_prerelease() && v > from && v < to),
    );
    nodes.push(to.clone());
    nodes.dedup_by(|a, b| a.same_as(b));
    let n = nodes.len();
    // best[i] = (hops to the end, next index)
    let mut best: Vec<Option<(usize, usize)>> = vec![None; n];
    best[n - 1] = Some((0, n - 1));
    for i in (0..n - 1).rev() {
        let mut choice: Option<(usize, usize)> = None;
        for j in (i + 1..n).rev() {
            let Some((hops, _)) = best[j] else { continue };
            if hop(store, rules, &nodes[i], &nodes[j]).is_ok()
                && choice.is_none_or(|(h, _)| hops + 1 < h)
            {
                choice = Some((hops + 1, j));
            }
        }
        best[i] = choice;
    }
    if best[0].is_none() {
        let direct = hop(store, rules, from, to).err().unwrap_or_default();
        return Err(PathRefusal::NoPath {
            from: from.clone(),
            to: to.clone(),
            direct,
        });
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i != n - 1 {
        let (_, j) = best[i].expect("reachable");
        out.push(hop(store, rules, &nodes[i], &nodes[j]).expect("checked above"));
        i = j;
    }
    Ok(out)
}

/// What a release runs, from its pins or, failing that, its SCS release record.
pub struct Stack {
    pub openstack: Option<String>,
    pub ceph: Option<String>,
    /// The Ceph image (`ceph/docker_images/ceph`: `17.2.7`).
    pub ceph_version: Option<Version>,
    /// `base/osism_projects/docker` (`5:26.1.4`).
    pub docker: Option<Version>,
    /// The manager's k3s (`base/osism_projects/k3s`).
    pub k3s: Option<Version>,
    /// Kubernetes minors supported by the KaaS tracks (v2 preferred).
    pub kubernetes: Vec<String>,
}

/// Does a Docker engine upgrade restart the running containers? Live-restore keeps them
/// only across patch releases of one release line (YY.MM.x).
pub fn docker_restarts_containers(from: &Version, to: &Version) -> bool {
    (from.major(), from.minor()) != (to.major(), to.minor())
}

pub fn stack(store: &Store, v: &Version) -> Stack {
    let manifest = store.manifest(v).ok();
    // The SCS release of the major (7.1.3 is an update of R6): its KaaS tracks apply.
    let owner = store.scs_release(v);
    // Its IaaS record describes only the release itself and its candidates.
    let scs =
        owner.filter(|r| r.osism.same_as(v) || r.candidates.iter().any(|c| c.version.same_as(v)));
    let pin = |id: &str| {
        manifest
            .and_then(|m| m.pins.iter().find(|p| p.id == id))
            .map(|p| p.value.clone())
    };
    let kubernetes = owner
        .map(|r| {
            r.tracks
                .kaas_v2
                .as_ref()
                .map(|t| t.kubernetes.clone())
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| {
                    r.tracks
                        .kaas_v1
                        .as_ref()
                        .map(|t| t.kubernetes.clone())
                        .unwrap_or_default()
                })
        })
        .unwrap_or_default();
    Stack {
        openstack: manifest
            .and_then(|m| m.openstack.clone())
            .or_else(|| scs.map(|r| r.tracks.iaas.openstack.clone())),
        ceph: manifest
            .and_then(|m| m.ceph.clone())
            .or_else(|| scs.map(|r| r.tracks.iaas.ceph.clone())),
        ceph_version: pin("ceph/docker_images/ceph"),
        docker: pin("base/osism_projects/docker"),
        k3s: pin("base/osism_projects/k3s"),
        kubernetes,
    }
}

/// The Ceph release codename a version ships (`quincy`).
pub fn ceph_release(store: &Store, v: &Version) -> Option<String> {
    stack(store, v).ceph
}

/// Kubernetes minors the KaaS tracks of a version's SCS release support (v2 preferred).
pub fn kaas_kubernetes(store: &Store, v: &Version) -> Vec<String> {
    stack(store, v).kubernetes
}

/// Evaluate one jump against every rule.
pub fn hop(
    store: &Store,
    rules: &Rules,
    from: &Version,
    to: &Version,
) -> Result<Hop, Vec<Violation>> {
    let mut steps = Vec::new();
    let mut bad = Vec::new();
    let mut violation = |component: &str, a: &str, b: &str, reason: String| {
        bad.push(Violation {
            component: component.into(),
            from: a.into(),
            to: b.into(),
            reason,
        })
    };

    // OSISM
    match (from.major(), to.major()) {
        (Some(a), Some(b)) if b < a => {
            violation("osism", from.as_str(), to.as_str(), "downgrade".into())
        }
        (Some(a), Some(b)) if b - a > rules.osism.max_major_step => {
            let skipped: Vec<String> = (a + 1..b).map(|m| m.to_string()).collect();
            violation(
                "osism",
                from.as_str(),
                to.as_str(),
                format!(
                    "skips OSISM major {} (OSISM documents and tests one major at a time)",
                    skipped.join(", ")
                ),
            )
        }
        (Some(a), Some(b)) => {
            let mut rule = if a == b {
                "same major: any higher minor or patch".to_string()
            } else {
                format!("next major, entered from any {a}.x")
            };
            if a != b
                && let Some(e) = rules.osism.entry.iter().find(|e| e.major == b)
                && to < &Version::parse(&e.recommended_from)
            {
                rule.push_str(&format!(
                    "; {to} is meant for new installations and testing: production should enter OSISM {b} at {} or later",
                    e.recommended_from
                ));
            }
            let read = notes_to_read(store, from, to);
            if read.len() > 1 {
                rule.push_str(&format!(
                    "; the release notes build on each other: read {} to {} ({} releases)",
                    read[0],
                    read[read.len() - 1],
                    read.len()
                ));
            }
            steps.push(Step {
                component: "osism".into(),
                from: from.to_string(),
                to: to.to_string(),
                rule,
            })
        }
        _ => violation(
            "osism",
            from.as_str(),
            to.as_str(),
            "not a numeric OSISM version".into(),
        ),
    }

    let (sa, sb) = (stack(store, from), stack(store, to));

    // OpenStack
    match (&sa.openstack, &sb.openstack) {
        (Some(a), Some(b)) => match (rules.series_index(a), rules.series_index(b)) {
            (Some(i), Some(j)) => {
                let (na, nb) = (rules.series_name(a), rules.series_name(b));
                let series = &rules.openstack.series;
                let next_slurp = series
                    .iter()
                    .enumerate()
                    .skip(i + 1)
                    .find(|(_, s)| s.slurp)
                    .map(|(k, _)| k);
                let rule = if j == i {
                    Some("same series")
                } else if j == i + 1 {
                    Some("N→N+1")
                } else if j > i && series[i].slurp && next_slurp == Some(j) {
                    Some("SLURP→SLURP")
                } else {
                    None
                };
                // The target also supports the source's series (R8 keeps 2024.1): staying
                // on it skips a non-SLURP series with a SLURP jump in the next hop.
                let keep = j == i + 1
                    && series[i].slurp
                    && store.scs_release(to).is_some_and(|r| {
                        r.tracks
                            .iaas
                            .openstack_also
                            .iter()
                            .any(|o| rules.series_index(o) == Some(i))
                    });
                match rule {
                    Some(r) => steps.push(Step {
                        component: "openstack".into(),
                        rule: if keep {
                            format!(
                                "{r} (OSISM {} also supports {na}: keeping it on this hop allows SLURP {na}→{} with the next major, one OpenStack upgrade fewer)",
                                to.major().unwrap_or_default(),
                                next_slurp.map_or("?", |k| series[k].name.as_str())
                            )
                        } else {
                            r.into()
                        },
                        from: na,
                        to: nb,
                    }),
                    None if j < i => violation("openstack", &na, &nb, "downgrade".into()),
                    None => {
                        let skipped: Vec<&str> =
                            series[i + 1..j].iter().map(|s| s.name.as_str()).collect();
                        violation(
                            "openstack",
                            &na,
                            &nb,
                            format!(
                                "skips {} (allowed: N→N+1, or SLURP→SLURP between YYYY.1 releases)",
                                skipped.join(", ")
                            ),
                        )
                    }
                }
            }
            _ => violation(
                "openstack",
                a,
                b,
                "series not listed in releases/upgrade-rules.yaml".into(),
            ),
        },
        _ => violation(
            "openstack",
            "?",
            "?",
            format!("no OpenStack series known for {} or {}", from, to),
        ),
    }

    // Ceph
    match (&sa.ceph, &sb.ceph) {
        (Some(a), Some(b)) => match (rules.ceph_major(a), rules.ceph_major(b)) {
            (Some(ma), Some(mb)) => {
                let show = |c: &str, v: &Option<Version>| match v {
                    Some(v) => format!("{c} {v}"),
                    None => c.to_string(),
                };
                let (fa, fb) = (show(a, &sa.ceph_version), show(b, &sb.ceph_version));
                if mb < ma {
                    violation("ceph", &fa, &fb, "downgrade of the Ceph major".into())
                } else if mb - ma > rules.ceph.max_major_step {
                    violation(
                        "ceph",
                        &fa,
                        &fb,
                        format!(
                            "{} Ceph majors in one hop (at most {})",
                            mb - ma,
                            rules.ceph.max_major_step
                        ),
                    )
                } else {
                    let rule = match mb - ma {
                        0 => format!("same major ({ma})"),
                        k => format!(
                            "+{k} major{} ({ma}→{mb}, at most {})",
                            if k > 1 { "s" } else { "" },
                            rules.ceph.max_major_step
                        ),
                    };
                    steps.push(Step {
                        component: "ceph".into(),
                        from: fa,
                        to: fb,
                        rule,
                    })
                }
            }
            _ => violation(
                "ceph",
                a,
                b,
                "Ceph codename not listed in releases/upgrade-rules.yaml".into(),
            ),
        },
        _ => violation(
            "ceph",
            "?",
            "?",
            format!("no Ceph release known for {} or {}", from, to),
        ),
    }

    // Informational steps: Docker, the manager's k3s, KaaS Kubernetes.
    if let (Some(a), Some(b)) = (&sa.docker, &sb.docker) {
        if b < a {
            violation(
                "docker",
                a.as_str(),
                b.as_str(),
                format!("{to} pins an older Docker than {from}"),
            );
        } else if !a.same_as(b) {
            let rule = if docker_restarts_containers(a, b) {
                "major upgrade (YY.MM changes): running containers restart; upgrade one node at a time"
            } else {
                "patch release (YY.MM.x): live-restore keeps containers running"
            };
            steps.push(Step {
                component: "docker".into(),
                from: a.to_string(),
                to: b.to_string(),
                rule: rule.into(),
            });
        }
    }
    if let (Some(a), Some(b)) = (&sa.k3s, &sb.k3s)
        && !a.same_as(b)
    {
        steps.push(Step {
            component: "k3s (manager)".into(),
            from: a.to_string(),
            to: b.to_string(),
            rule: "internal to the manager, updated by OSISM within the hop (the KaaS skew rule does not apply)".into(),
        });
    }
    if let (Some(a), Some(b)) = (max_minor(&sa.kubernetes), max_minor(&sb.kubernetes))
        && a != b
    {
        let step = rules.kubernetes.control_plane_max_minor_step.max(1);
        let n = (b.1.saturating_sub(a.1)).div_ceil(step);
        steps.push(Step {
            component: "kubernetes (KaaS)".into(),
            from: format!("{}.{}", a.0, a.1),
            to: format!("{}.{}", b.0, b.1),
            rule: format!(
                "workload clusters: control plane one minor per step ({n} step{}), kubelets at most {} minors behind",
                if n == 1 { "" } else { "s" },
                rules.kubernetes.kubelet_max_minor_lag
            ),
        });
    }

    if !bad.is_empty() {
        return Err(bad);
    }
    Ok(Hop {
        from: from.clone(),
        to: to.clone(),
        from_scs: store.scs_release(from).map(|r| r.name.clone()),
        to_scs: store.scs_release(to).map(|r| r.name.clone()),
        steps,
    })
}

/// The releases whose notes an operator reads for `from → to`: every final release after
/// `from` and before `to`, then `to`, in order (the notes build on each other).
pub fn notes_to_read(store: &Store, from: &Version, to: &Version) -> Vec<Version> {
    let mut out: Vec<Version> = store
        .entries()
        .into_iter()
        .map(|e| e.version)
        .filter(|v| !v.is_prerelease() && v > from && v < to)
        .collect();
    out.push(to.clone());
    out.dedup_by(|a, b| a.same_as(b));
    out
}

/// The highest `major.minor` of a list like `["1.27", "1.28"]`.
pub fn max_minor(list: &[String]) -> Option<(u64, u64)> {
    list.iter().filter_map(|s| parse_minor(s)).max()
}

/// `1.28` or `v1.28.3` → (1, 28).
pub fn parse_minor(s: &str) -> Option<(u64, u64)> {
    let s = s.trim().trim_start_matches('v');
    let mut it = s.split(['.', '+', '-']);
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// The KaaS migration path of one track across the SCS releases of an upgrade.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct KaasPath {
    /// `v1` (k8s-cluster-api-provider) or `v2` (Cluster Stacks): the track the operator is on.
    pub track: String,
    pub steps: Vec<String>,
    /// Set when the track cannot be followed to the target.
    pub refused: Option<String>,
}

/// For each KaaS track present at `from`, how an operator on it reaches `to`
/// (KaaS v1: R5 v1 → R6 v1 → migrate to v2 within R6 → R7 v2).
pub fn kaas_paths(store: &Store, from: &Version, to: &Version) -> Vec<KaasPath> {
    let releases: Vec<_> = store
        .scs
        .iter()
        .filter(|r| {
            let start = store.scs_release(from).map(|s| s.osism.clone());
            start.as_ref().is_some_and(|s| &r.osism >= s)
                && (&r.osism <= to || to.final_release().as_ref() == Some(&r.osism))
        })
        .collect();
    let Some(first) = releases.first() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for start in ["v1", "v2"] {
        let has = |r: &crate::release::ScsRelease, t: &str| match t {
            "v1" => r.tracks.kaas_v1.is_some(),
            _ => r.tracks.kaas_v2.is_some(),
        };
        if !has(first, start) {
            continue;
        }
        let mut track = start;
        let mut steps = Vec::new();
        let mut refused = None;
        for w in releases.windows(2) {
            let (a, b) = (w[0], w[1]);
            if track == "v1" && !has(b, "v1") {
                if has(a, "v2") {
                    steps.push(format!(
                        "{}: migrate KaaS v1 → KaaS v2 within {} (KaaS v1 is not in {})",
                        a.name, a.name, b.name
                    ));
                    track = "v2";
                } else {
                    refused = Some(format!(
                        "KaaS v1 is not in {} and {} has no KaaS v2 to migrate to",
                        b.name, a.name
                    ));
                    break;
                }
            }
            let tag = |r: &crate::release::ScsRelease| match track {
                "v1" => r
                    .tracks
                    .kaas_v1
                    .as_ref()
                    .map(|t| format!(" ({})", t.tag))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            steps.push(format!(
                "{} KaaS {track}{} → {} KaaS {track}{}",
                a.name,
                tag(a),
                b.name,
                tag(b)
            ));
            if track == "v2"
                && let Some(t) = &b.tracks.kaas_v2
            {
                steps.extend(t.upgrade_notes.iter().map(|n| format!("{}: {n}", b.name)));
            }
            if track == "v1"
                && b.tracks.kaas_v1.as_ref().is_some_and(|t| {
                    t.support == crate::release::model::TrackSupport::MigrationOnly
                })
                && has(b, "v2")
            {
                steps.push(format!(
                    "{}: migrate KaaS v1 → KaaS v2 within {} (KaaS v1 is kept for migration only)",
                    b.name, b.name
                ));
                track = "v2";
            }
        }
        out.push(KaasPath {
            track: start.into(),
            steps,
            refused,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataDir;

    fn v(s: &str) -> Version {
        Version::parse(s)
    }

    /// `from→to` of each hop.
    fn ends(hops: &[Hop]) -> Vec<String> {
        hops.iter()
            .map(|h| format!("{}→{}", h.from, h.to))
            .collect()
    }

    #[test]
    fn six_to_eight_stops_at_the_newest_seven() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let hops = solve(&store, &v("6.0.0"), &v("8.0.0")).unwrap();
        assert_eq!(ends(&hops), ["6.0.0→7.1.3", "7.1.3→8.0.0"]);
        // 7.1.3 is an update of R6: the KaaS row stays.
        assert!(
            hops[0]
                .steps
                .iter()
                .any(|s| s.component == "kubernetes (KaaS)" && s.to == "1.28"),
            "{:?}",
            hops[0].steps
        );
        let bad = direct(&store, &v("6.0.0"), &v("8.0.0"))
            .unwrap()
            .unwrap_err();
        assert_eq!(bad[0].component, "osism");
        assert!(bad[0].reason.contains("skips OSISM major 7"), "{:?}", bad);
    }

    #[test]
    fn six_to_ten_goes_through_the_newest_release_of_each_major() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let hops = solve(&store, &v("6.0.2"), &v("10.2.0")).unwrap();
        assert_eq!(
            ends(&hops),
            ["6.0.2→7.1.3", "7.1.3→8.1.0", "8.1.0→9.5.0", "9.5.0→10.2.0"]
        );
        let rule = |h: &Hop, c: &str| {
            h.steps
                .iter()
                .find(|s| s.component == c)
                .map(|s| s.rule.clone())
                .unwrap_or_default()
        };
        assert!(
            rule(&hops[3], "osism").contains("read 10.0.0 to 10.2.0 (3 releases)"),
            "{}",
            rule(&hops[3], "osism")
        );
        // R8 also supports 2024.1: the SLURP route to 2025.1 is named.
        assert!(
            rule(&hops[2], "openstack").contains("SLURP 2024.1→2025.1"),
            "{}",
            rule(&hops[2], "openstack")
        );
        assert!(rule(&hops[2], "ceph").contains("17→18"));
        // Entering OSISM 10 at 10.0.0 is allowed, with the notes' advice for production.
        let into_ten = direct(&store, &v("9.5.0"), &v("10.0.0")).unwrap().unwrap();
        assert!(
            rule(&into_ten, "osism").contains("production should enter OSISM 10 at 10.1.0"),
            "{}",
            rule(&into_ten, "osism")
        );
    }

    #[test]
    fn openstack_slurp_and_skip_rules() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let rules = Rules::load(&DataDir::Embedded).unwrap();
        // 5.0.0 (zed) → 7.0.0 (2023.2): skips OSISM 6 and OpenStack 2023.1.
        let bad = hop(&store, &rules, &v("5.0.0"), &v("7.0.0")).unwrap_err();
        let comps: Vec<&str> = bad.iter().map(|b| b.component.as_str()).collect();
        assert_eq!(comps, ["osism", "openstack"]);
        // 6.0.0 (2023.1) → 8.0.0 (2024.1) is SLURP→SLURP for OpenStack: only OSISM refuses it.
        let bad = hop(&store, &rules, &v("6.0.0"), &v("8.0.0")).unwrap_err();
        assert_eq!(bad.len(), 1);
        let ok = hop(&store, &rules, &v("7.0.0b"), &v("7.0.0")).unwrap();
        assert_eq!(ok.steps[0].rule, "same major: any higher minor or patch");
    }

    #[test]
    fn kaas_v1_migrates_within_r6() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let paths = kaas_paths(&store, &v("6.0.0"), &v("8.0.0"));
        let v1 = paths.iter().find(|p| p.track == "v1").unwrap();
        assert_eq!(
            v1.steps,
            [
                "R5 KaaS v1 (v6.0.0) → R6 KaaS v1 (v7.0.0)",
                "R6: migrate KaaS v1 → KaaS v2 within R6 (KaaS v1 is kept for migration only)",
                "R6 KaaS v2 → R7 KaaS v2"
            ]
        );
    }

    #[test]
    fn downgrade_is_refused() {
        let store = Store::load(&DataDir::Embedded).unwrap();
        assert!(matches!(
            solve(&store, &v("7.0.0"), &v("6.0.0")),
            Err(PathRefusal::NotNewer { .. })
        ));
    }
}
