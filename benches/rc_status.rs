//! Benchmark (not a timed test): `rc status` over 100 synthetic components against the fake
//! GitHub with 50 ms injected latency per request. Reports requests made and wall time.
//! Target: ≤ 8 requests and ≤ 1.5 s.
//!
//! Run: `cargo bench --bench rc_status` (add `-- --runs N` for more runs).

#[path = "../tests/cli/fake_github.rs"]
mod fake_github;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fake_github::{FakeGitHub, FakeRepo};

const COMPONENTS: usize = 100;
const LATENCY: Duration = Duration::from_millis(50);

fn data_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    std::fs::create_dir_all(dir.path().join("releases/rc")).unwrap();
    std::fs::create_dir_all(dir.path().join("releases/osism")).unwrap();
    for f in ["components.yaml", "tracking.yaml"] {
        std::fs::copy(
            format!("{root}/releases/rc/{f}"),
            dir.path().join("releases/rc").join(f),
        )
        .unwrap();
    }
    let mut m = String::from(
        "schema_version: 1\nversion: 9.0.0a\nsource: {repo: osism/release, path: 9.0.0a, files: [base.yml]}\npins:\n",
    );
    for i in 0..COMPONENTS {
        m.push_str(&format!(
            "- {{id: base/ansible_collections/osism.c{i:03}, kind: collection, value: \"0.20250101.0\", repo: osism/c{i:03}}}\n"
        ));
    }
    std::fs::write(dir.path().join("releases/osism/9.0.0a.yaml"), m).unwrap();
    dir
}

fn main() {
    let runs: usize = std::env::args()
        .skip_while(|a| a != "--runs")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let repos: HashMap<String, FakeRepo> = (0..COMPONENTS)
        .map(|i| {
            (
                format!("osism/c{i:03}"),
                FakeRepo::good("v0.20250101.0", &format!("{:040x}", i + 1)),
            )
        })
        .collect();
    let gh = rt.block_on(FakeGitHub::start(repos, LATENCY));
    let data = data_dir();
    let cache = tempfile::tempdir().unwrap();
    let mut walls = Vec::new();
    let mut requests = Vec::new();
    for _ in 0..runs {
        let before = rt.block_on(gh.server.received_requests()).unwrap().len();
        let started = Instant::now();
        // The release binary, as a user runs it (process start included).
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_scs-release"))
            .args(["--data", &data.path().display().to_string(), "-o", "json"])
            .args(["rc", "status", "9.0.0a", "--github-api", &gh.url()])
            .args(["--cache", &cache.path().display().to_string()])
            .env("GITHUB_TOKEN", "bench-token")
            .env_remove("GH_TOKEN")
            .env_remove("SCS_RELEASE_DATA")
            .output()
            .unwrap();
        let wall = started.elapsed();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        walls.push(wall);
        let after = rt.block_on(gh.server.received_requests()).unwrap().len();
        requests.push(after - before);
    }
    walls.sort();
    println!(
        "rc status: {COMPONENTS} components, {} ms latency per request, {runs} runs",
        LATENCY.as_millis()
    );
    println!("requests per run: {requests:?} (target ≤ 8)");
    println!(
        "wall time: min {:.0} ms, median {:.0} ms, max {:.0} ms (target ≤ 1500 ms)",
        walls[0].as_secs_f64() * 1000.0,
        walls[walls.len() / 2].as_secs_f64() * 1000.0,
        walls[walls.len() - 1].as_secs_f64() * 1000.0
    );
}
