//! 10,000 Monte-Carlo samples over synthetic 300-step plans (target ≤ 100 ms):
//! - `catalog_chain`: the shipped 6→7 catalog for the example site without KaaS clusters
//!   (30 steps) chained ten times: a 300-step plan with the real mix of effects;
//! - `dense`: a stress plan where every step has an effect and every fourth step is a VIP
//!   failover hitting all 12 APIs, plus a Keystone-style propagation rule.

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use scs_release::plan::Plan;
use scs_release::plan::compile::{Inputs, compile};
use scs_release::plan::model::{HopDef, StepsFile};
use scs_release::plan::{SimConfig, Site};

fn synthetic_catalog(n: usize) -> String {
    let apis = [
        "A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11",
    ];
    let mut y = String::from(
        "schema_version: 1\nsources: {s: bench}\nrestart_gap: {min: 5, max: 60, prov: D, source: s}\n\
         gh973_penalty: {min: 0, max: 120, prov: S, source: s}\napis:\n",
    );
    for a in apis {
        y.push_str(&format!("  - {{id: {a}, name: {a}}}\n"));
    }
    y.push_str("propagation:\n  - {from: {api: A0, kind: full}, to: {api: all, kind: degraded}, prov: E, source: s}\nsteps:\n");
    for i in 0..n {
        // A chain with side branches: every step waits for the previous one, every third also
        // for the step five back.
        let mut after = Vec::new();
        if i > 0 {
            after.push(format!("s{}", i - 1));
        }
        if i % 3 == 0 && i >= 5 {
            after.push(format!("s{}", i - 5));
        }
        let api = apis[i % apis.len()];
        let effect = match i % 4 {
            0 => format!(
                "{{api: {api}, kind: full, restarts: {}, cause: restart}}",
                1 + i % 2
            ),
            1 => "{api: all, kind: full, count: 2, window: {min: 1, max: 5, prov: E, source: s}, cause: vip}"
                .to_string(),
            2 => format!(
                "{{api: {api}, kind: degraded, count_units: controllers, window: {{min: 10, max: 60, prov: E, source: s}}, cause: node}}"
            ),
            _ => format!(
                "{{api: [{api}, A1, A2], kind: degraded, count: 1, window: {{min: 5, max: 30, prov: E, source: s}}, cause: blip}}"
            ),
        };
        let scope = if i % 5 == 0 {
            "    scope: serial\n    units: osd_hosts\n    per_unit: {min: 120, max: 600, prov: E, source: s}\n"
        } else {
            ""
        };
        y.push_str(&format!(
            "  - id: s{i}\n    section: S{}\n    title: step {i}\n    after: [{}]\n{scope}    duration: {{min: 60, max: 600, prov: E, source: s}}\n    effects: [{effect}]\n",
            i / 30,
            after.join(", ")
        ));
    }
    y
}

/// The real catalog for the example site without KaaS (30 steps), chained `copies` times: each
/// copy's first steps wait for the last step of the copy before.
fn catalog_chain(copies: usize) -> Plan {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("releases/plan/steps.yaml")).expect("catalog");
    let cat: StepsFile =
        scs_release::base::yaml::from_str(&text, Path::new("steps.yaml")).expect("catalog");
    let site_text =
        std::fs::read_to_string(root.join("releases/plan/example-site.yaml")).expect("site");
    let mut site = Site::from_yaml(&site_text, Path::new("example-site.yaml")).expect("site");
    site.kaas_clusters.clear();
    let hop = HopDef {
        from: 6,
        to: 7,
        flags: vec![
            "docker_major".into(),
            "k3s_upgrade".into(),
            "octavia_persistence".into(),
        ],
        notes: vec![],
    };
    let history = BTreeMap::new();
    let base = compile(&Inputs {
        catalog: &cat,
        catalog_path: Path::new("steps.yaml"),
        hop: &hop,
        site: &site,
        history: &history,
    })
    .expect("plan");
    let n = base.steps.len();
    let mut plan = base.clone();
    plan.steps.clear();
    plan.order.clear();
    for k in 0..copies {
        let prev_last = (k > 0).then(|| (k - 1) * n + base.order[n - 1]);
        for s in &base.steps {
            let mut s = s.clone();
            s.id = format!("{}#{k}", s.id);
            s.deps = s.deps.iter().map(|d| d + k * n).collect();
            if s.deps.is_empty() {
                s.deps.extend(prev_last);
            }
            plan.steps.push(s);
        }
        plan.order.extend(base.order.iter().map(|o| o + k * n));
    }
    plan
}

/// CPU time of this thread (Linux, /proc; clock ticks of 10 ms), to report a figure that does
/// not depend on how busy a shared machine is.
fn thread_cpu_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (f.get(11)?.parse().ok()?, f.get(12)?.parse().ok()?);
    Some((utime + stime) * 10.0)
}

fn cpu_per_run(plan: &Plan, parallel: bool) -> Option<f64> {
    let runs = 20;
    let t0 = thread_cpu_ms()?;
    for _ in 0..runs {
        std::hint::black_box(scs_release::plan::sim::simulate(
            plan,
            SimConfig {
                samples: 10_000,
                seed: 1,
                parallel,
            },
        ));
    }
    Some((thread_cpu_ms()? - t0) / runs as f64)
}

fn bench(c: &mut Criterion) {
    let chain = catalog_chain(10);
    assert_eq!(chain.steps.len(), 300);
    if let Some(ms) = cpu_per_run(&chain, false) {
        eprintln!("catalog_chain 300 steps, 10000 samples: {ms:.1} ms CPU per run (mean of 20)");
    }
    let text = synthetic_catalog(300);
    let cat: StepsFile =
        scs_release::base::yaml::from_str(&text, Path::new("bench.yaml")).expect("catalog");
    let site = Site::from_yaml(
        "controllers: 3\ncomputes: 20\nceph: {mons: 3, mgrs: 3, osd_hosts: 6}\n",
        Path::new("site.yaml"),
    )
    .expect("site");
    let hop = HopDef {
        from: 6,
        to: 7,
        flags: vec![],
        notes: vec![],
    };
    let history = BTreeMap::new();
    let plan = compile(&Inputs {
        catalog: &cat,
        catalog_path: Path::new("bench.yaml"),
        hop: &hop,
        site: &site,
        history: &history,
    })
    .expect("plan");
    assert_eq!(plan.steps.len(), 300);
    if let Some(ms) = cpu_per_run(&plan, false) {
        eprintln!("dense 300 steps, 10000 samples: {ms:.1} ms CPU per run (mean of 20)");
    }
    let mut g = c.benchmark_group("plan");
    g.sample_size(20);
    g.bench_function("catalog_chain_300_steps_10000_samples", |b| {
        b.iter(|| {
            scs_release::plan::sim::simulate(
                &chain,
                SimConfig {
                    samples: 10_000,
                    seed: 1,
                    parallel: false,
                },
            )
        })
    });
    g.bench_function("catalog_chain_300_steps_10000_samples_parallel", |b| {
        b.iter(|| {
            scs_release::plan::sim::simulate(
                &chain,
                SimConfig {
                    samples: 10_000,
                    seed: 1,
                    parallel: true,
                },
            )
        })
    });
    g.bench_function("dense_300_steps_10000_samples", |b| {
        b.iter(|| {
            scs_release::plan::sim::simulate(
                &plan,
                SimConfig {
                    samples: 10_000,
                    seed: 1,
                    parallel: false,
                },
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
