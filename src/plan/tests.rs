//! Model tests on the shipped catalog and example site.

use std::collections::BTreeMap;
use std::path::Path;

use super::compile::{Inputs, compile};
use super::ir::Plan;
use super::model::{HopDef, Prior, StepsFile};
use super::sim::{SimConfig, simulate, timeline};
use super::site::Site;

const CATALOG: &str = include_str!("../../releases/plan/steps.yaml");
const SITE: &str = include_str!("../../releases/plan/example-site.yaml");

fn catalog() -> StepsFile {
    crate::base::yaml::from_str(CATALOG, Path::new("steps.yaml")).unwrap()
}

fn site() -> Site {
    Site::from_yaml(SITE, Path::new("example-site.yaml")).unwrap()
}

fn hop() -> HopDef {
    HopDef {
        from: 6,
        to: 7,
        flags: vec![
            "docker_major".into(),
            "k3s_upgrade".into(),
            "octavia_persistence".into(),
            crate::plan::validate::CEPH_UPGRADE.into(),
            crate::plan::validate::DOCKER_UPGRADE.into(),
            crate::plan::validate::DOCKER_RESTARTS.into(),
        ],
        notes: vec![],
    }
}

fn compile_with(cat: &StepsFile, hop: &HopDef, site: &Site) -> Plan {
    compile(&Inputs {
        catalog: cat,
        catalog_path: Path::new("steps.yaml"),
        hop,
        site,
        history: &BTreeMap::new(),
    })
    .unwrap()
}

fn plan_for(site: &Site) -> Plan {
    compile_with(&catalog(), &hop(), site)
}

fn pos(plan: &Plan, id: &str) -> usize {
    let i = plan
        .steps
        .iter()
        .position(|s| s.id == id)
        .unwrap_or_else(|| panic!("no step {id}"));
    plan.order.iter().position(|&o| o == i).unwrap()
}

#[test]
fn run_order_respects_every_dependency() {
    for proxysql in [false, true] {
        let mut s = site();
        s.proxysql_migration = proxysql;
        s.services
            .extend(["heat", "barbican", "manila"].map(String::from));
        s.ceph.mds_hosts = 2;
        let plan = plan_for(&s);
        let rank: Vec<usize> = {
            let mut r = vec![0; plan.steps.len()];
            for (k, &i) in plan.order.iter().enumerate() {
                r[i] = k;
            }
            r
        };
        for (i, st) in plan.steps.iter().enumerate() {
            for &d in &st.deps {
                assert!(
                    rank[d] < rank[i],
                    "{} must run after {}",
                    st.id,
                    plan.steps[d].id
                );
            }
        }
        assert_eq!(plan.order.len(), plan.steps.len());
    }
}

#[test]
fn guide_order_is_kept() {
    let plan = plan_for(&site());
    let ids: Vec<&str> = plan
        .order
        .iter()
        .map(|&i| plan.steps[i].id.as_str())
        .collect();
    let expect = [
        "manager",
        "openvswitch",
        "ovn",
        "ceph_mons",
        "ceph_mgrs",
        "ceph_osds",
        "ceph_rgws",
        "ceph_finish",
        "docker",
        "k3s",
        "common",
        "loadbalancer",
        "redis",
        "memcached",
        "rabbitmq",
        "mariadb",
        "opensearch",
        "prometheus",
        "grafana",
        "keystone",
        "glance",
        "designate",
        "placement",
        "cinder",
        "neutron",
        "nova",
    ];
    assert_eq!(&ids[..expect.len()], &expect);
}

#[test]
fn proxysql_migration_moves_mariadb_before_loadbalancer_before_openstack() {
    let mut s = site();
    s.proxysql_migration = true;
    let plan = plan_for(&s);
    assert!(pos(&plan, "mariadb") < pos(&plan, "loadbalancer"));
    assert!(pos(&plan, "common") < pos(&plan, "redis"));
    for st in plan.steps.iter().filter(|s| s.section == "OpenStack") {
        assert!(
            pos(&plan, "loadbalancer") < pos(&plan, &st.id),
            "loadbalancer before {}",
            st.id
        );
    }
    let lb = plan
        .steps
        .iter()
        .position(|s| s.id == "loadbalancer")
        .unwrap();
    let ks = plan.steps.iter().find(|s| s.id == "keystone").unwrap();
    assert!(
        ks.deps.contains(&lb),
        "keystone waits for the loadbalancer directly"
    );
    // Default: loadbalancer before mariadb.
    let plan = plan_for(&site());
    assert!(pos(&plan, "loadbalancer") < pos(&plan, "mariadb"));
}

#[test]
fn nova_restarts_twice_and_its_full_outage_is_the_gaps_not_the_step() {
    let plan = plan_for(&site());
    let tl = timeline(&plan, false);
    let nova_api = plan.apis.iter().position(|a| a.id == "Nova").unwrap();
    let nova_step = plan.steps.iter().position(|s| s.id == "nova").unwrap();
    let own: Vec<_> = tl.apis[nova_api]
        .full
        .iter()
        .filter(|s| s.causes.iter().any(|c| c.starts_with("Nova API restart")))
        .collect();
    assert_eq!(own.len(), 2, "two restart gaps: {own:?}");
    let (s0, d) = (tl.start[nova_step], tl.duration[nova_step]);
    let gap = catalog().restart_gaps["nova-api"].clone();
    for w in &own {
        assert!(
            w.start >= s0 && w.end <= s0 + d + gap.max,
            "window inside the nova step"
        );
        assert!(w.end - w.start <= gap.max);
    }
    let full: f64 = own.iter().map(|w| w.end - w.start).sum();
    assert!(
        full < d / 4.0,
        "restarts × gap ({full} s), not the whole step ({d} s)"
    );
    // Cinder too; Keystone once.
    let cinder = plan.apis.iter().position(|a| a.id == "Cinder").unwrap();
    assert_eq!(
        tl.apis[cinder]
            .full
            .iter()
            .filter(|s| s.causes.iter().any(|c| c.starts_with("Cinder API restart")))
            .count(),
        2
    );
    let ks = plan.apis.iter().position(|a| a.id == "Keystone").unwrap();
    assert_eq!(
        tl.apis[ks]
            .full
            .iter()
            .filter(|s| s.causes.iter().any(|c| c == "Keystone API restart"))
            .count(),
        1
    );
}

#[test]
fn keystone_full_degrades_every_other_api_and_one_vip_failover_blips_all() {
    let plan = plan_for(&site());
    let tl = timeline(&plan, false);
    let ks = plan.apis.iter().position(|a| a.id == "Keystone").unwrap();
    let ks_window = tl.apis[ks]
        .full
        .iter()
        .find(|s| s.causes.iter().any(|c| c == "Keystone API restart"))
        .unwrap()
        .clone();
    for (i, api) in plan.apis.iter().enumerate() {
        if !api.in_all || i == ks {
            continue;
        }
        let d = &tl.apis[i].degraded;
        assert!(
            d.iter().any(|s| s.start <= ks_window.start + 1e-6
                && s.end >= ks_window.end - 1e-6
                && s.causes.iter().any(|c| c.contains("(Keystone full)"))),
            "{} degraded during the Keystone restart: {d:?}",
            api.id
        );
        assert_eq!(
            tl.apis[i]
                .full
                .iter()
                .filter(|s| s.causes.iter().any(|c| c == "VIP failover"))
                .count(),
            1,
            "{} gets the one VIP move (keepalived nopreempt: it does not move back)",
            api.id
        );
    }
    // Not behind the VIP: no blip.
    let vm = plan.apis.iter().position(|a| a.id == "VM network").unwrap();
    assert!(tl.apis[vm].full.is_empty());
}

#[test]
fn kolla_serial_turns_restart_outages_into_degraded() {
    let mut s = site();
    s.kolla_serial = "1".into();
    let plan = plan_for(&s);
    let sim = simulate(
        &plan,
        SimConfig {
            samples: 500,
            seed: 3,
            parallel: false,
        },
    );
    let nova = plan.apis.iter().position(|a| a.id == "Nova").unwrap();
    let tl = timeline(&plan, false);
    assert!(
        tl.apis[nova]
            .full
            .iter()
            .all(|w| w.causes.iter().all(|c| !c.starts_with("Nova API restart")))
    );
    // Still degraded by the restarts; full only from the VIP failover.
    assert!(
        sim.apis[nova].full_seconds.p90 <= 10.0 + 1e-9,
        "{:?}",
        sim.apis[nova].full_seconds
    );
}

#[test]
fn union_and_subtraction_of_intervals() {
    use super::sim::Span;
    let mut v = vec![(5.0, 8.0), (0.0, 2.0), (1.0, 3.0), (7.0, 9.0), (10.0, 10.5)];
    let (measure, n) = super::sim::merge_for_tests(&mut v);
    assert_eq!(n, 3);
    assert_eq!(&v[..n], &[(0.0, 3.0), (5.0, 9.0), (10.0, 10.5)]);
    assert!((measure - 7.5).abs() < 1e-9);
    let sp = |a, b| Span {
        start: a,
        end: b,
        causes: vec!["x".into()],
    };
    let out = super::sim::subtract_for_tests(vec![sp(0.0, 10.0)], &[sp(2.0, 3.0), sp(5.0, 12.0)]);
    assert_eq!(
        out.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(),
        vec![(0.0, 2.0), (3.0, 5.0)]
    );
}

#[test]
fn degraded_seconds_exclude_full_time_in_the_simulation() {
    let plan = plan_for(&site());
    let sim = simulate(
        &plan,
        SimConfig {
            samples: 300,
            seed: 11,
            parallel: false,
        },
    );
    let tl = timeline(&plan, false);
    for (i, a) in sim.apis.iter().enumerate() {
        assert!(a.full_seconds.min >= 0.0 && a.degraded_seconds.min >= 0.0);
        for f in &tl.apis[i].full {
            for d in &tl.apis[i].degraded {
                assert!(
                    d.end <= f.start + 1e-9 || d.start >= f.end - 1e-9,
                    "degraded overlaps full"
                );
            }
        }
    }
}

#[test]
fn seeded_runs_are_reproducible() {
    let plan = plan_for(&site());
    let cfg = SimConfig {
        samples: 400,
        seed: 42,
        parallel: false,
    };
    let a = serde_json::to_string(&simulate(&plan, cfg)).unwrap();
    let b = serde_json::to_string(&simulate(&plan, cfg)).unwrap();
    assert_eq!(a, b);
    let c = serde_json::to_string(&simulate(&plan, SimConfig { seed: 43, ..cfg })).unwrap();
    assert_ne!(a, c);
}

#[test]
fn parallel_is_never_longer_than_sequential() {
    let plan = plan_for(&site());
    let seq = simulate(
        &plan,
        SimConfig {
            samples: 300,
            seed: 5,
            parallel: false,
        },
    );
    let par = simulate(
        &plan,
        SimConfig {
            samples: 300,
            seed: 5,
            parallel: true,
        },
    );
    assert!(par.total_seconds.p50 < seq.total_seconds.p50);
    let tl = timeline(&plan, true);
    assert!(
        (tl.total - tl.critical_seconds).abs() < 1e-6,
        "parallel nominal = critical path"
    );
}

#[test]
fn a_dependency_cycle_is_named() {
    let text = CATALOG.replace(
        "    title: \"common (cron, fluentd, kolla-toolbox): before every other kolla role\"\n    commands: [\"osism apply -a pull common\", \"osism apply -a upgrade common\"]\n    after: [ceph_finish, docker, k3s]",
        "    title: \"common (cron, fluentd, kolla-toolbox): before every other kolla role\"\n    commands: [\"osism apply -a pull common\", \"osism apply -a upgrade common\"]\n    after: [ceph_finish, docker, k3s, rabbitmq]",
    );
    assert_ne!(text, CATALOG);
    let cat: StepsFile = crate::base::yaml::from_str(&text, Path::new("steps.yaml")).unwrap();
    let err = compile(&Inputs {
        catalog: &cat,
        catalog_path: Path::new("steps.yaml"),
        hop: &hop(),
        site: &site(),
        history: &BTreeMap::new(),
    })
    .unwrap_err()
    .to_string();
    assert_eq!(
        err,
        "steps.yaml: dependency cycle between steps: common → loadbalancer → redis → memcached → rabbitmq → common (each step is in `after` of the next)"
    );
}

#[test]
fn every_number_has_provenance_and_a_source_or_reason() {
    let cat = catalog();
    super::validate::validate_catalog(&cat, Path::new("steps.yaml")).unwrap();
    let mut bad = cat.clone();
    bad.steps[0].duration.source = None;
    bad.steps[0].duration.reason = None;
    let err = super::validate::validate_catalog(&bad, Path::new("steps.yaml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "steps.yaml: step `manager` duration: an estimate needs a `source` or a `reason`"
    );
    // A number measured elsewhere names where.
    let mut bad = cat.clone();
    let m = bad.steps.iter_mut().find(|s| s.id == "mariadb").unwrap();
    m.effects[0].window.as_mut().unwrap().source = None;
    let err = super::validate::validate_catalog(&bad, Path::new("steps.yaml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "steps.yaml: step `mariadb` effects[0] window: provenance M needs a `source`"
    );
    let mut bad = cat.clone();
    bad.steps
        .iter_mut()
        .find(|s| s.id == "nova")
        .unwrap()
        .effects[1]
        .gap = Some("nova_api".into());
    let err = super::validate::validate_catalog(&bad, Path::new("steps.yaml"))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "steps.yaml: step `nova` effects[1]: gap `nova_api` is not listed under `restart_gaps:`, did you mean `nova-api`?"
    );
}

#[test]
fn simulation_sweep_agrees_with_the_nominal_timeline_when_nothing_varies() {
    // Pin every prior to one value: every sample equals the nominal run, so the event sweep of
    // the simulation and the span arithmetic of the timeline must give the same seconds.
    let pin = |p: &mut Prior| {
        let m = p.mode();
        p.min = m;
        p.max = m;
        p.mode = Some(m);
    };
    let mut cat = catalog();
    pin(&mut cat.restart_gap);
    cat.restart_gaps.values_mut().for_each(pin);
    // No site-wide factor either.
    cat.duration_factor = None;
    for s in &mut cat.steps {
        pin(&mut s.duration);
        if let Some(u) = &mut s.per_unit {
            pin(u);
        }
        for e in &mut s.effects {
            if let Some(w) = &mut e.window {
                pin(w);
            }
        }
    }
    for parallel in [false, true] {
        let plan = compile_with(&cat, &hop(), &site());
        let tl = timeline(&plan, parallel);
        let sim = simulate(
            &plan,
            SimConfig {
                samples: 20,
                seed: 1,
                parallel,
            },
        );
        assert!((sim.total_seconds.p50 - tl.total).abs() < 0.06);
        for (a, api) in plan.apis.iter().enumerate() {
            let (f, d) = (tl.apis[a].full_seconds(), tl.apis[a].degraded_seconds());
            assert!(
                (sim.apis[a].full_seconds.p50 - f).abs() < 0.06,
                "{} full {} vs {f}",
                api.id,
                sim.apis[a].full_seconds.p50
            );
            assert!(
                (sim.apis[a].degraded_seconds.p50 - d).abs() < 0.06,
                "{} degraded {} vs {d}",
                api.id,
                sim.apis[a].degraded_seconds.p50
            );
        }
    }
}

#[test]
fn stats_are_nearest_rank_percentiles() {
    let mut xs: Vec<f64> = (1..=100).rev().map(f64::from).collect();
    let s = super::sim::Stats::of(&mut xs);
    assert_eq!(
        (s.p10, s.p50, s.p90, s.min, s.max, s.mean),
        (10.0, 50.0, 90.0, 1.0, 100.0, 50.5)
    );
    let mut one = vec![7.0];
    let s = super::sim::Stats::of(&mut one);
    assert_eq!((s.p10, s.p50, s.p90), (7.0, 7.0, 7.0));
}

fn plan_with(hop_flags: &[&str], site: &Site) -> Plan {
    let mut h = hop();
    h.flags.extend(hop_flags.iter().map(|f| f.to_string()));
    compile_with(&catalog(), &h, site)
}

fn step<'a>(plan: &'a Plan, id: &str) -> &'a super::ir::Step {
    plan.steps.iter().find(|s| s.id == id).unwrap()
}

/// gh973 lengthens the steps whose containers exit 143 (≈ 120 s each), not the API gaps;
/// mariadb gets one more Galera failover; the fix or fixed units remove both.
#[test]
fn gh973_adds_to_the_exit_143_steps_only_when_the_units_are_buggy_and_unfixed() {
    let mut unfixed = site();
    unfixed.fix_gh973 = false;
    let buggy = plan_with(&["gh973_units"], &unfixed);
    for id in [
        "keystone",
        "mariadb",
        "loadbalancer",
        "openvswitch",
        "common",
        "designate",
        "neutron",
    ] {
        let (n, _) = step(&buggy, id)
            .extra
            .as_ref()
            .unwrap_or_else(|| panic!("{id}"));
        assert_eq!((n.prior.min, n.prior.max), (95.0, 125.0));
    }
    assert!(step(&buggy, "nova").extra.is_none());
    // The Keystone API gap is the same with and without the bug.
    let fixed = plan_with(&["gh973_units"], &site());
    let gap = |p: &Plan| {
        step(p, "keystone").effects[0]
            .window
            .as_ref()
            .unwrap()
            .prior
            .clone()
    };
    assert_eq!(gap(&buggy), gap(&fixed));
    assert!(fixed.steps.iter().all(|s| s.extra.is_none()));
    assert!(
        plan_with(&[], &unfixed)
            .steps
            .iter()
            .all(|s| s.extra.is_none())
    );
    let failovers = |p: &Plan| step(p, "mariadb").effects.len();
    assert_eq!(failovers(&buggy), failovers(&fixed) + 1);
}

/// Two I/O windows per OSD host, at distinct times; one VIP move per loadbalancer step;
/// Glance's rolling mode still has one full gap.
#[test]
fn corrected_effects_have_the_counts_the_evidence_gives() {
    let plan = plan_for(&site());
    let osd = &step(&plan, "ceph_osds").effects[0];
    let hosts = site().ceph.osd_hosts as usize;
    assert_eq!(osd.at.len(), 2 * hosts);
    let mut at = osd.at.clone();
    at.dedup();
    assert_eq!(at.len(), 2 * hosts, "distinct positions: {:?}", osd.at);
    assert_eq!(step(&plan, "loadbalancer").effects[0].at.len(), 1);
    let mut rolling = site();
    rolling.glance_rolling_upgrade = true;
    let plan = plan_for(&rolling);
    let kinds: Vec<&str> = step(&plan, "glance")
        .effects
        .iter()
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(kinds, ["degraded", "full"]);
}

/// Docker runs only when its pin changes, and its restart effects only when the containers
/// restart with the daemon.
#[test]
fn docker_effects_need_a_restart_of_the_containers() {
    let mut h = hop();
    h.flags
        .retain(|f| f != "docker_upgrade" && f != "docker_restarts");
    let cat = catalog();
    let plan = compile_with(&cat, &h, &site());
    assert!(!plan.steps.iter().any(|s| s.id == "docker"));
    h.flags.push("docker_upgrade".into());
    let plan = compile_with(&cat, &h, &site());
    assert!(step(&plan, "docker").effects.is_empty());
    let kinds: Vec<&str> = step(&plan_for(&site()), "docker")
        .effects
        .iter()
        .map(|e| e.kind.name())
        .collect();
    assert_eq!(
        kinds,
        ["degraded", "full", "degraded", "degraded", "degraded"]
    );
}

/// The site-wide factor widens p10–p90 from a few percent (independent steps) to what
/// correlated real runs show; the median hardly moves.
#[test]
fn the_duration_factor_widens_the_window_band() {
    let band = |with: bool| {
        let mut cat = catalog();
        if !with {
            cat.duration_factor = None;
        }
        let plan = compile_with(&cat, &hop(), &site());
        let s = simulate(
            &plan,
            SimConfig {
                samples: 4000,
                seed: 3,
                parallel: false,
            },
        )
        .total_seconds;
        ((s.p90 - s.p10) / s.p50, s.p50)
    };
    let (narrow, p50a) = band(false);
    let (wide, p50b) = band(true);
    assert!(narrow < 0.15, "{narrow}");
    assert!(wide > 0.6 && wide < 1.0, "{wide}");
    assert!((p50a - p50b).abs() / p50a < 0.05);
}
