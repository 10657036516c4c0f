//! Time `Inventory::parse` on inventories at its bounds (docs/fuzzing.md, "Findings"):
//!
//! ```sh
//! cargo run --release --example inventory_worst_case            # every case
//! cargo run --release --example inventory_worst_case -- distinct # one case (peak RSS printed)
//! ```
//!
//! Not a benchmark with a verdict: it prints the median and the fastest of a few runs.

use std::path::Path;
use std::time::{Duration, Instant};

use scs_release::evidence::inventory::Inventory;

/// (name, text, what it is)
fn cases() -> Vec<(&'static str, String, &'static str)> {
    let lines = |f: &dyn Fn(usize) -> String, n: usize| (0..n).map(f).collect::<String>();
    vec![
        (
            "distinct",
            lines(&|i| format!("[g{i}]\nh{i}x[0:9999]\n"), 10),
            "10 lines of 10,000 new hosts: 100,000 names, all distinct",
        ),
        (
            "repeated",
            lines(
                &|i| format!("[g{i}]\ntestbed-node-[0:9999].testbed.osism.xyz\n"),
                10,
            ),
            "the same 10,000 FQDNs in 10 groups: 100,000 names, 10,000 distinct",
        ),
        (
            "multi-range",
            lines(&|i| format!("[g{i}]\nr{i}-[0:29].d-[0:29]-x[0:9].e\n"), 11),
            "11 lines of three ranges (9,000 names each): 99,000 names",
        ),
        (
            "refused",
            lines(&|i| format!("[g{i}]\nh{i}x[0:9999]\n"), 11),
            "11 lines of 10,000: refused at the 11th line",
        ),
        (
            "lines",
            format!(
                "[all]\n{}",
                lines(
                    &|i| format!("node{i}.example.org ansible_host=10.0.0.1\n"),
                    100_000
                )
            ),
            "100,000 lines of one host each",
        ),
        (
            "long-names",
            format!("[a]\n{}[0:9999]\n", "n".repeat(1_000)),
            "one line: a 1,000-byte name times 10,000 (10 MB of names)",
        ),
    ]
}

fn run(text: &str) -> (Duration, usize, bool) {
    let start = Instant::now();
    let mut inv = Inventory::default();
    let ok = inv.parse(text, Path::new("inventory/20-roles")).is_ok();
    let hosts = inv.hosts("g0").map_or(0, |h| h.len());
    drop(inv);
    (start.elapsed(), hosts, ok)
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let only = std::env::args().nth(1);
    for (name, text, what) in cases() {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let mut times = Vec::new();
        let mut last = (0, false);
        for _ in 0..7 {
            let (t, hosts, ok) = run(&text);
            times.push(t);
            last = (hosts, ok);
        }
        times.sort();
        println!(
            "{name:12} {:>7.1} ms median {:>7.1} ms min  ({} bytes of input, {}, g0 has {} hosts; {what})",
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            text.len(),
            if last.1 { "read" } else { "refused" },
            last.0,
        );
    }
    if only.is_some()
        && let Some(kib) = peak_rss_kib()
    {
        println!("peak RSS {} MiB", kib / 1024);
    }
}
