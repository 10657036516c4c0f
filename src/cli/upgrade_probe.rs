//! `scs-release upgrade probe`: arguments, the signals that end a run, stdout and progress.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use clap::Args;

use super::{Context, Outcome};
use crate::app::probe::{ProbeIo, ProbeRequest};
use crate::probe::prober::MIN_INTERVAL;

/// Longest `--duration` (a maintenance window is hours).
const MAX_DURATION: Duration = Duration::from_secs(31 * 24 * 3600);

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The cloud of clouds.yaml whose Keystone catalog gives the endpoints (and the token for
    /// --read and --rpc).
    #[arg(long = "os-cloud", env = "OS_CLOUD", value_name = "NAME")]
    pub os_cloud: Option<String>,
    /// clouds.yaml to read (default: ./clouds.yaml, $XDG_CONFIG_HOME/openstack/clouds.yaml,
    /// /etc/openstack/clouds.yaml, or OS_CLIENT_CONFIG_FILE first; a secure.yaml beside it
    /// is merged in).
    #[arg(long, value_name = "FILE")]
    pub clouds: Option<PathBuf>,
    /// Probe the endpoints of this YAML file instead of the catalog: a list of
    /// `{api, url, read_path}`; no Keystone needed unless --read or --rpc.
    #[arg(long, value_name = "FILE")]
    pub endpoints: Option<PathBuf>,
    /// Also probe URL as API (repeatable), e.g. `Horizon=https://dash.example/auth/login/`,
    /// `ObjectStore=https://rgw.example:6780/`.
    #[arg(long = "url", value_name = "API=URL")]
    pub urls: Vec<String>,
    /// Probe only these APIs (repeatable or comma-separated: `Nova,Neutron`).
    #[arg(long = "api", value_name = "NAME", value_delimiter = ',')]
    pub apis: Vec<String>,
    /// Catalog interface (default: the cloud's `interface`, else public).
    #[arg(long, value_parser = ["public", "internal", "admin"])]
    pub interface: Option<String>,
    /// Catalog region (default: the cloud's `region_name`).
    #[arg(long, value_name = "NAME")]
    pub region: Option<String>,
    /// Time between two samples of an API (at least 0.2 s).
    #[arg(long, value_name = "DURATION", default_value = "500ms", value_parser = interval)]
    pub interval: Duration,
    /// Time between two reads of an API (default: --interval).
    #[arg(long, value_name = "DURATION", value_parser = interval)]
    pub read_interval: Option<Duration>,
    /// Time allowed for one probe: connect, TLS and the status line.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = timeout)]
    pub timeout: Duration,
    /// Stop after this long (`90m`, `4h30m`); default: until Ctrl-C or SIGTERM.
    #[arg(long, value_name = "DURATION", value_parser = run_duration)]
    pub duration: Option<Duration>,
    /// Also an authenticated cheap read per API (`GET /v2.1/flavors?limit=1`, …).
    #[arg(long)]
    pub read: bool,
    /// A canary that creates and deletes a Neutron network every 30 s (changes the cloud:
    /// needs --execute).
    #[arg(long)]
    pub rpc: bool,
    /// Allow --rpc to create and delete its networks.
    #[arg(long)]
    pub execute: bool,
    /// Write the JSON-lines log to FILE (`-`: stdout, the default). An existing file is
    /// refused unless --append.
    #[arg(long, value_name = "FILE")]
    pub log: Option<PathBuf>,
    /// Append to an existing --log file.
    #[arg(long)]
    pub append: bool,
    /// CA bundle (PEM) trusted besides the system's (default: the cloud's `cacert`).
    #[arg(long, value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Do not verify TLS certificates (loudly warned about).
    #[arg(long)]
    pub insecure: bool,
    #[command(flatten)]
    pub out: super::output::ProbeOutput,
}

/// `--interval`: 0.2 s to 60 s.
fn interval(s: &str) -> Result<Duration, String> {
    let d = crate::base::duration::parse(s)?;
    if d < MIN_INTERVAL {
        Err(format!(
            "`{s}` is shorter than 0.2 s, the shortest probe interval (tempest's NetDowntimeMeter rate)"
        ))
    } else if d > Duration::from_secs(60) {
        Err(format!(
            "`{s}` is longer than 60 s; an outage of a few seconds would go unseen"
        ))
    } else {
        Ok(d)
    }
}

/// `--timeout`: 0.1 s to 60 s.
fn timeout(s: &str) -> Result<Duration, String> {
    let d = crate::base::duration::parse(s)?;
    if d < Duration::from_millis(100) || d > Duration::from_secs(60) {
        Err(format!("`{s}`: a probe timeout is from 100ms to 60s"))
    } else {
        Ok(d)
    }
}

/// `--duration`: positive, at most 31 days (as `upgrade plan --window`).
fn run_duration(s: &str) -> Result<Duration, String> {
    let w = crate::base::duration::parse_seconds(s)?;
    if w <= 0.0 {
        Err(format!("`{s}`: a probe run must be longer than 0"))
    } else if w > MAX_DURATION.as_secs_f64() {
        Err(format!(
            "`{s}` is longer than 31 days; a maintenance window is hours, e.g. 6h"
        ))
    } else {
        Ok(Duration::from_secs_f64(w))
    }
}

impl ProbeArgs {
    fn request(&self) -> ProbeRequest {
        ProbeRequest {
            cloud: self.os_cloud.clone(),
            clouds_file: self.clouds.clone(),
            endpoints_file: self.endpoints.clone(),
            urls: self.urls.clone(),
            apis: self.apis.clone(),
            interface: self.interface.clone(),
            region: self.region.clone(),
            interval: self.interval,
            read_interval: self.read_interval,
            timeout: self.timeout,
            duration: self.duration,
            read: self.read,
            rpc: self.rpc,
            execute: self.execute,
            log: self.log.clone(),
            append: self.append,
            cacert: self.cacert.clone(),
            insecure: self.insecure,
            summary_file: self.out.output_file.clone(),
        }
    }
}

/// SIGINT and SIGTERM set a flag the prober polls (it then finishes the samples in flight,
/// deletes its canary network and writes the summaries); a second SIGINT exits at once.
struct Signals {
    flag: Arc<AtomicBool>,
    ids: Vec<signal_hook::SigId>,
}

impl Signals {
    fn register() -> std::io::Result<Signals> {
        use signal_hook::consts::{SIGINT, SIGTERM};
        let flag = Arc::new(AtomicBool::new(false));
        let mut ids = Vec::new();
        for sig in [SIGINT, SIGTERM] {
            // Registered first: runs when the flag is already set (a second signal).
            ids.push(signal_hook::flag::register_conditional_shutdown(
                sig,
                130,
                flag.clone(),
            )?);
            ids.push(signal_hook::flag::register(sig, flag.clone())?);
        }
        Ok(Signals { flag, ids })
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

pub fn run(a: ProbeArgs, ctx: &Context) -> Result<Outcome, crate::app::Error> {
    let signals = Signals::register().map_err(|e| crate::app::Error::Context {
        context: "cannot set up the SIGINT/SIGTERM handlers".into(),
        source: Box::new(e),
    })?;
    let progress = super::progress::probe_for_stderr();
    let flag = signals.flag.clone();
    let interrupt = move || flag.load(Ordering::SeqCst);
    let mut stdout = std::io::stdout();
    let out = crate::app::probe::probe(
        a.request(),
        ctx,
        ProbeIo {
            stdout: &mut stdout,
            progress: &*progress,
            interrupt: &interrupt,
            env: crate::probe::clouds::SearchEnv::from_process(),
        },
    );
    drop(signals);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_timeouts_and_durations_are_bounded() {
        assert_eq!(interval("0.2s").unwrap(), Duration::from_millis(200));
        assert!(
            interval("100ms")
                .unwrap_err()
                .contains("shorter than 0.2 s")
        );
        assert!(interval("2m").unwrap_err().contains("longer than 60 s"));
        assert!(timeout("50ms").is_err());
        assert_eq!(run_duration("90m").unwrap(), Duration::from_secs(5400));
        assert!(run_duration("0").is_err());
        assert!(run_duration("745h").is_err());
    }
}
