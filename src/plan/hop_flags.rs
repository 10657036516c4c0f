//! Conditions of a hop that follow from the two releases' pins rather than from hops.yaml:
//! whether Ceph and Docker change, and which kolla unit bugs the running containers have.

use crate::base::version::Version;
use crate::release::Store;
use crate::release::path;

use super::model::{HopDef, UnitBug};
use super::validate::{CEPH_UPGRADE, DOCKER_MAJOR, DOCKER_RESTARTS, DOCKER_UPGRADE, K3S_UPGRADE};

/// Set the derived flags of `hop` (from `from` to `to`) and note why.
pub fn derive(store: &Store, bugs: &[UnitBug], from: &Version, to: &Version, hop: &mut HopDef) {
    let derived = [
        CEPH_UPGRADE,
        DOCKER_UPGRADE,
        DOCKER_MAJOR,
        DOCKER_RESTARTS,
        K3S_UPGRADE,
    ];
    hop.flags
        .retain(|f| !derived.contains(&f.as_str()) && !bugs.iter().any(|b| &b.flag == f));
    let mut set = |flag: &str| hop.flags.push(flag.to_string());

    let (sa, sb) = (path::stack(store, from), path::stack(store, to));
    // Ceph's rolling update runs only when the Ceph image changes (7 → 8 keeps 17.2.7:
    // osism-8 notes); without a pin it is planned.
    let mut notes = Vec::new();
    match (&sa.ceph_version, &sb.ceph_version) {
        (Some(x), Some(y)) if x.same_as(y) => notes.push(format!(
            "Ceph {x} in both {from} and {to}: no Ceph rolling update"
        )),
        (Some(_), Some(_)) => set(CEPH_UPGRADE),
        (x, _) => {
            set(CEPH_UPGRADE);
            notes.push(format!(
                "no Ceph image pin in {}: the Ceph rolling update is planned",
                if x.is_none() { from } else { to }
            ));
        }
    }

    let (docker_changes, major) = match (&sa.docker, &sb.docker) {
        (Some(x), Some(y)) if x.same_as(y) => {
            notes.push(format!(
                "Docker {x} in both {from} and {to}: no Docker step"
            ));
            (false, false)
        }
        (Some(x), Some(y)) => {
            let major = path::docker_restarts_containers(x, y);
            notes.push(format!(
                "Docker {x} → {y}: {}",
                if major {
                    "a major upgrade, every container restarts with the daemon (live-restore covers patch releases only)"
                } else {
                    "a patch upgrade (live-restore keeps containers running unless the units require docker.service)"
                }
            ));
            (true, major)
        }
        _ => {
            notes.push(
                "no Docker pin on one side: the Docker step is planned as a major upgrade".into(),
            );
            (true, true)
        }
    };
    let mut bugs_on = Vec::new();
    for b in bugs {
        let (lo, hi) = (
            Version::parse(&b.affected_from),
            Version::parse(&b.fixed_in),
        );
        if *from >= lo && *from < hi {
            set(&b.flag);
            bugs_on.push(b);
        }
    }
    if docker_changes {
        set(DOCKER_UPGRADE);
        if major {
            set(DOCKER_MAJOR);
        }
        let units = bugs_on.iter().any(|b| b.flag == "docker_requires_units");
        if major || units {
            set(DOCKER_RESTARTS);
        }
        if units && !major {
            notes.push(format!(
                "the kolla units of {from} require docker.service: even this Docker patch upgrade restarts every container"
            ));
        }
    }
    match (&sa.k3s, &sb.k3s) {
        (Some(x), Some(y)) if x.same_as(y) => {}
        (Some(x), Some(y)) => {
            set(K3S_UPGRADE);
            notes.push(format!("manager k3s {x} → {y}"));
        }
        _ => set(K3S_UPGRADE),
    }
    for b in bugs_on {
        notes.push(format!("{from}: {} ({})", b.flag, b.source));
    }
    hop.notes.extend(notes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataDir;

    fn flags(from: &str, to: &str) -> (Vec<String>, Vec<String>) {
        let store = Store::load(&DataDir::Embedded).unwrap();
        let hops = super::super::load::hops(&DataDir::Embedded).unwrap();
        let (f, t) = (Version::parse(from), Version::parse(to));
        let mut hop = super::super::load::find_hop(&hops, &f, &t).unwrap();
        derive(&store, &hops.unit_bugs, &f, &t, &mut hop);
        hop.flags.sort();
        (hop.flags, hop.notes)
    }

    #[test]
    fn docker_ceph_and_k3s_follow_the_pins() {
        // 7.1.3 and 8.1.0 both pin Docker 26.1.4 and Ceph 17.2.7: neither step runs.
        let (f, notes) = flags("7.1.3", "8.1.0");
        assert!(
            !f.iter()
                .any(|x| x.starts_with("docker") || x == CEPH_UPGRADE),
            "{f:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n == "Docker 5:26.1.4 in both 7.1.3 and 8.1.0: no Docker step")
        );
        // Within OSISM 7, 7.1.1 moves Docker 24.0.9 → 26.1.4: a major upgrade.
        let (f, _) = flags("7.0.5", "7.1.3");
        for x in [DOCKER_UPGRADE, DOCKER_MAJOR, DOCKER_RESTARTS, K3S_UPGRADE] {
            assert!(f.iter().any(|y| y == x), "{x} in {f:?}");
        }
        assert!(!f.iter().any(|x| x == CEPH_UPGRADE));
        // 8 → 9: Ceph Quincy → Reef.
        assert!(flags("8.1.0", "9.5.0").0.iter().any(|x| x == CEPH_UPGRADE));
    }

    #[test]
    fn unit_bugs_follow_the_release_the_containers_run_on() {
        let (f, notes) = flags("6.0.0", "7.0.0");
        assert!(
            f.iter().any(|x| x == "gh973_units") && f.iter().any(|x| x == "docker_requires_units")
        );
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("6.0.0: gh973_units (osism-7.md 7.0.3"))
        );
        // 7.0.3 has the gh973 fix but still units that require docker.service; 7.1.0 neither.
        let (f, _) = flags("7.0.3", "7.1.3");
        assert!(!f.iter().any(|x| x == "gh973_units"));
        assert!(f.iter().any(|x| x == "docker_requires_units"));
        let (f, _) = flags("7.1.0", "7.1.3");
        assert!(!f.iter().any(|x| x.ends_with("_units")), "{f:?}");
        // OSISM 5 containers have no systemd units: its Docker patch upgrade restarts nothing.
        let (f, notes) = flags("5.3.0", "6.0.0");
        assert!(f.iter().any(|x| x == DOCKER_UPGRADE));
        assert!(!f.iter().any(|x| x == DOCKER_RESTARTS), "{f:?}");
        assert!(notes.iter().any(|n| n.contains("a patch upgrade")));
    }
}
