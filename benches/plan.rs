//! 10,000 Monte-Carlo samples over a synthetic 300-step plan (target ≤ 100 ms).

use std::collections::BTreeMap;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use scs_release::plan::compile::{Inputs, compile};
use scs_release::plan::model::{HopDef, StepsFile};
use scs_release::plan::{SimConfig, Site};

fn synthetic_catalog(n: usize) -> String {
    let apis = ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A9", "A10", "A11"];
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
            0 => format!("{{api: {api}, kind: full, restarts: {}, cause: restart}}", 1 + i % 2),
            1 => format!("{{api: all, kind: full, count: 2, window: {{min: 1, max: 5, prov: E, source: s}}, cause: vip}}"),
            2 => format!("{{api: {api}, kind: degraded, count_units: controllers, window: {{min: 10, max: 60, prov: E, source: s}}, cause: node}}"),
            _ => format!("{{api: [{api}, A1, A2], kind: degraded, count: 1, window: {{min: 5, max: 30, prov: E, source: s}}, cause: blip}}"),
        };
        let scope = if i % 5 == 0 { "    scope: serial\n    units: osd_hosts\n    per_unit: {min: 120, max: 600, prov: E, source: s}\n" } else { "" };
        y.push_str(&format!(
            "  - id: s{i}\n    section: S{}\n    title: step {i}\n    after: [{}]\n{scope}    duration: {{min: 60, max: 600, prov: E, source: s}}\n    effects: [{effect}]\n",
            i / 30,
            after.join(", ")
        ));
    }
    y
}

fn bench(c: &mut Criterion) {
    let text = synthetic_catalog(300);
    let cat: StepsFile = scs_release::yaml::from_str(&text, Path::new("bench.yaml")).expect("catalog");
    let site = Site::from_yaml(
        "controllers: 3\ncomputes: 20\nceph: {mons: 3, mgrs: 3, osd_hosts: 6}\n",
        Path::new("site.yaml"),
    )
    .expect("site");
    let hop = HopDef { from: 6, to: 7, flags: vec![], notes: vec![] };
    let history = BTreeMap::new();
    let plan = compile(&Inputs { catalog: &cat, catalog_path: Path::new("bench.yaml"), hop: &hop, site: &site, history: &history })
        .expect("plan");
    assert_eq!(plan.steps.len(), 300);
    let mut g = c.benchmark_group("plan");
    g.sample_size(20);
    g.bench_function("simulate_300_steps_10000_samples", |b| {
        b.iter(|| scs_release::plan::sim::simulate(&plan, SimConfig { samples: 10_000, seed: 1, parallel: false }))
    });
    g.bench_function("simulate_300_steps_10000_samples_parallel", |b| {
        b.iter(|| scs_release::plan::sim::simulate(&plan, SimConfig { samples: 10_000, seed: 1, parallel: true }))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
