//! The prober: one thread per API and probe kind on a fixed schedule, one writer.
//!
//! - **Schedule.** Worker `i` of `n` samples at `t0 + i·interval/n + k·interval` (spread over
//!   the interval, never drifting). A sample that overruns (a 2 s timeout at 0.5 s) skips the
//!   ticks it missed: the next sample is at the first tick after it ended, never a burst.
//! - **Bounds.** At most [`MAX_APIS`] APIs; samples go through a `sync_channel` of
//!   [`CHANNEL_CAPACITY`] to the writer, so a stalled log blocks the workers (they skip
//!   ticks) instead of growing memory. The summary keeps 16 bytes per sample.
//! - **Output.** The `start` line, then one `probe` line per sample written and flushed as
//!   it arrives, then one `summary` line per API ([`crate::probe::classify`]).
//! - **Testability.** Time comes from a [`Clock`] and requests go through a
//!   [`Transport`]; tests give each worker a fake clock and a transport that answers by
//!   schedule.

use std::io::{self, Write};
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, sync_channel};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde::Serialize;

use super::classify::{ApiMeasure, classify_api};
use super::endpoints::Endpoint;
use super::http::{Failure, Method, Request, Response, Transport, Url};
use super::keystone::TokenSource;
use super::log::{PROBE_SCHEMA_VERSION, ProbeKind, Sample, Start, StartApi};
use crate::base::progress::Progress;

/// Most APIs one prober runs (each has a thread per probe kind).
pub const MAX_APIS: usize = 32;
/// Samples in flight between the workers and the writer.
pub const CHANNEL_CAPACITY: usize = 1024;
/// Shortest probe interval (tempest's NetDowntimeMeter pings every 0.2 s).
pub const MIN_INTERVAL: Duration = Duration::from_millis(200);
/// How often the canary creates and deletes its network.
pub const RPC_INTERVAL: Duration = Duration::from_secs(30);
/// Time allowed for each request of the canary.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(10);
/// Name prefix of the canary's networks; leftovers with it are deleted at the next start.
pub const RPC_PREFIX: &str = "scs-release-probe-";
/// Largest body of a read or a canary answer.
pub const BODY_MAX_BYTES: usize = 4 * 1024 * 1024;
/// How often the status line is refreshed.
const STATUS_EVERY: Duration = Duration::from_secs(1);
/// Stack of a worker thread (rustls needs a few tens of KiB).
const WORKER_STACK: usize = 256 * 1024;

/// Time for the prober: monotonic since the clock's start, mapped to wall time.
pub trait Clock: Send + Sync {
    fn now(&self) -> Duration;
    /// The wall time of a monotonic instant.
    fn wall(&self, at: Duration) -> Timestamp;
    /// Sleep until `at`; `false` when `stop` was set before (or while) waiting.
    fn sleep_until(&self, at: Duration, stop: &Stop) -> bool;
}

/// The process's clock: `Instant` for the schedule, wall time fixed at the start (so the
/// log's timestamps never jump when NTP steps the wall clock during the run).
pub struct SystemClock {
    start: Instant,
    wall0: Timestamp,
}

impl SystemClock {
    pub fn new() -> SystemClock {
        SystemClock {
            start: Instant::now(),
            wall0: Timestamp::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::new()
    }
}

impl Clock for SystemClock {
    fn now(&self) -> Duration {
        self.start.elapsed()
    }
    fn wall(&self, at: Duration) -> Timestamp {
        self.wall0
            .checked_add(jiff::SignedDuration::try_from(at).unwrap_or_default())
            .unwrap_or(self.wall0)
    }
    fn sleep_until(&self, at: Duration, stop: &Stop) -> bool {
        stop.wait_until(self.start + at)
    }
}

/// A stop that wakes sleeping workers at once.
#[derive(Default)]
pub struct Stop {
    stopped: Mutex<bool>,
    cv: Condvar,
}

impl Stop {
    pub fn new() -> Stop {
        Stop::default()
    }
    pub fn stop(&self) {
        *self.stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        self.cv.notify_all();
    }
    pub fn is_stopped(&self) -> bool {
        *self.stopped.lock().unwrap_or_else(|e| e.into_inner())
    }
    /// Wait until `deadline` or the stop; `false` when stopped.
    pub fn wait_until(&self, deadline: Instant) -> bool {
        let mut stopped = self.stopped.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if *stopped {
                return false;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return true;
            }
            stopped = self
                .cv
                .wait_timeout(stopped, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct Config {
    pub interval: Duration,
    /// Interval of the `read` probes.
    pub read_interval: Duration,
    pub timeout: Duration,
    /// `None`: until stopped.
    pub duration: Option<Duration>,
}

/// One API and the probes to run on it.
#[derive(Debug, Clone)]
pub struct Target {
    pub endpoint: Endpoint,
    pub probes: Vec<ProbeKind>,
}

/// The canary: a Neutron network created and deleted every [`RPC_INTERVAL`].
#[derive(Debug, Clone)]
pub struct Canary {
    /// Neutron's versions root (`https://h:9696/`).
    pub neutron: Url,
}

/// What one probe got: `ok` by the rule of [`ok_status`].
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub status: Option<u16>,
    pub ok: bool,
    pub error: Option<String>,
}

/// OK is 2xx–4xx (tobiko's http_ping), except 401 on `read`: the token was refused.
pub fn ok_status(status: u16, kind: ProbeKind) -> bool {
    (200..500).contains(&status) && !(kind == ProbeKind::Read && status == 401)
}

fn outcome(kind: ProbeKind, r: Result<Response, Failure>) -> Outcome {
    match r {
        Ok(resp) => {
            let ok = ok_status(resp.status, kind);
            Outcome {
                status: Some(resp.status),
                ok,
                error: (!ok).then(|| format!("HTTP {}", resp.status)),
            }
        }
        Err(f) => Outcome {
            status: None,
            ok: false,
            error: Some(f.to_string()),
        },
    }
}

/// Everything a run needs besides its clocks and transports.
pub struct Run {
    pub config: Config,
    pub targets: Vec<Target>,
    /// For `read` and `rpc` probes.
    pub tokens: Option<Arc<TokenSource>>,
    pub canary: Option<Canary>,
}

/// What a run measured, for the summary table.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    #[schemars(with = "String")]
    pub started: Timestamp,
    #[schemars(with = "String")]
    pub ended: Timestamp,
    pub interval_ms: u64,
    pub samples: usize,
    /// Stopped by a signal (or the caller) before `--duration`.
    pub interrupted: bool,
    pub apis: Vec<ApiMeasure>,
    /// Canary networks that could not be deleted (ids).
    pub leftovers: Vec<String>,
}

/// What a worker needs: its clock and transport (the same for all in production; one fake
/// pair per worker in tests).
pub type Make<'a> = dyn Fn(&str, ProbeKind) -> (Arc<dyn Clock>, Arc<dyn Transport>) + 'a;

enum Msg {
    Sample(Sample),
    Note(String),
    /// A canary network left behind (its id).
    Leftover(String),
}

/// 16 bytes a sample, for the summary.
#[derive(Debug, Clone, Copy)]
struct Kept {
    ts_ms: i64,
    latency_ms: f32,
    status: u16,
    ok: bool,
    kind: ProbeKind,
}

/// Run the prober until its duration ends, `interrupt()` says so, or every worker is done.
/// Writes the log to `out`; reports progress (APIs up and down) to `progress`.
pub fn run(
    run: &Run,
    main_clock: &dyn Clock,
    make: &Make<'_>,
    out: &mut dyn Write,
    progress: &dyn Progress,
    interrupt: &dyn Fn() -> bool,
) -> io::Result<Report> {
    let stop = Arc::new(Stop::new());
    let t0 = main_clock.now();
    let started = main_clock.wall(t0);
    let interval_ms = run.config.interval.as_millis() as u64;
    let start = Start {
        schema_version: PROBE_SCHEMA_VERSION,
        ts: started,
        interval_ms,
        timeout_ms: run.config.timeout.as_millis() as u64,
        apis: run
            .targets
            .iter()
            .map(|t| {
                let mut probes = t.probes.clone();
                if run.canary.is_some() && t.endpoint.api == "Neutron" {
                    probes.push(ProbeKind::Rpc);
                }
                StartApi {
                    api: t.endpoint.api.clone(),
                    url: t.endpoint.version.safe(),
                    probes,
                }
            })
            .collect(),
    };
    write_line(out, &start_line(&start))?;

    let (tx, rx) = sync_channel::<Msg>(CHANNEL_CAPACITY);
    let mut jobs: Vec<(usize, ProbeKind)> = Vec::new();
    for (i, t) in run.targets.iter().enumerate() {
        for k in &t.probes {
            jobs.push((i, *k));
        }
    }
    let n_jobs = jobs.len().max(1) as u32;
    let names: Vec<String> = run.targets.iter().map(|t| t.endpoint.api.clone()).collect();
    progress.start("probing", 0);
    let mut report = None;
    let result = std::thread::scope(|scope| -> io::Result<()> {
        for (slot, (i, kind)) in jobs.iter().enumerate() {
            let target = &run.targets[*i];
            let (clock, transport) = make(&target.endpoint.api, *kind);
            let interval = if *kind == ProbeKind::Read {
                run.config.read_interval
            } else {
                run.config.interval
            };
            let w = Worker {
                api: target.endpoint.api.clone(),
                kind: *kind,
                first: t0 + interval * slot as u32 / n_jobs,
                interval,
                end: run.config.duration.map(|d| t0 + d),
                clock,
                transport,
                stop: stop.clone(),
                tx: tx.clone(),
            };
            let job = Job::Probe {
                endpoint: &target.endpoint,
                timeout: run.config.timeout,
                tokens: run.tokens.as_deref(),
            };
            std::thread::Builder::new()
                .name(format!("probe-{}", target.endpoint.api))
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || w.run(job))?;
        }
        if let (Some(canary), Some(tokens)) = (&run.canary, run.tokens.as_deref()) {
            let (clock, transport) = make("Neutron", ProbeKind::Rpc);
            let w = Worker {
                api: "Neutron".into(),
                kind: ProbeKind::Rpc,
                first: t0,
                interval: RPC_INTERVAL,
                end: run.config.duration.map(|d| t0 + d),
                clock,
                transport,
                stop: stop.clone(),
                tx: tx.clone(),
            };
            std::thread::Builder::new()
                .name("probe-rpc".into())
                .stack_size(WORKER_STACK)
                .spawn_scoped(scope, move || {
                    w.run(Job::Rpc {
                        canary,
                        tokens,
                        pending: Mutex::new(Vec::new()),
                    })
                })?;
        }
        drop(tx);
        let r = write_samples(&rx, out, progress, &names, &stop, interrupt);
        // On a write error or a stop: wake the workers, let them finish their sample (and
        // the canary its delete), drain what they send.
        stop.stop();
        let (kept, leftovers, samples, stopped) = match r {
            Ok(v) => v,
            Err(e) => {
                while rx.recv().is_ok() {}
                return Err(e);
            }
        };
        report = Some((kept, leftovers, samples, stopped));
        Ok(())
    });
    progress.finish();
    result?;
    let (mut kept, leftovers, samples, interrupted) = report.unwrap_or_default();
    let ended = main_clock.wall(main_clock.now());
    let mut apis = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let owned: Vec<Sample> = kept
            .get_mut(i)
            .map(std::mem::take)
            .unwrap_or_default()
            .into_iter()
            .map(|k| Sample {
                api: name.clone(),
                ts: Timestamp::from_millisecond(k.ts_ms).unwrap_or(started),
                ok: k.ok,
                status: (k.status != 0).then_some(k.status),
                latency_ms: f64::from(k.latency_ms),
                probe: k.kind,
                error: None,
            })
            .collect();
        let refs: Vec<&Sample> = owned.iter().collect();
        let m = classify_api(name, &refs);
        write_line(out, &summary_line(&m))?;
        apis.push(m);
    }
    Ok(Report {
        started,
        ended,
        interval_ms,
        samples,
        interrupted,
        apis,
        leftovers,
    })
}

fn write_line(out: &mut dyn Write, line: &str) -> io::Result<()> {
    out.write_all(line.as_bytes())?;
    out.write_all(b"\n")?;
    out.flush()
}

fn start_line(s: &Start) -> String {
    let mut v = serde_json::json!({ "kind": "start" });
    if let (Some(o), Ok(serde_json::Value::Object(body))) =
        (v.as_object_mut(), serde_json::to_value(s))
    {
        o.extend(body);
    }
    v.to_string()
}

/// The `summary` line of an API: `{"kind":"summary", …ApiMeasure}`.
pub fn summary_line(m: &ApiMeasure) -> String {
    let mut v = serde_json::json!({ "kind": "summary" });
    if let (Some(o), Ok(serde_json::Value::Object(body))) =
        (v.as_object_mut(), serde_json::to_value(m))
    {
        o.extend(body);
    }
    v.to_string()
}

/// The `probe` line of a sample.
pub fn sample_line(s: &Sample) -> String {
    let mut v = serde_json::json!({ "kind": "probe" });
    if let (Some(o), Ok(serde_json::Value::Object(body))) =
        (v.as_object_mut(), serde_json::to_value(s))
    {
        o.extend(body);
    }
    v.to_string()
}

/// Per-API state for the status line.
#[derive(Default, Clone)]
struct Live {
    failed_in_a_row: usize,
    down_since: Option<Timestamp>,
    last_error: Option<String>,
}

/// Samples kept per API, canary leftovers, the sample count, whether a stop came first.
type Written = (Vec<Vec<Kept>>, Vec<String>, usize, bool);

fn write_samples(
    rx: &Receiver<Msg>,
    out: &mut dyn Write,
    progress: &dyn Progress,
    names: &[String],
    stop: &Stop,
    interrupt: &dyn Fn() -> bool,
) -> io::Result<Written> {
    let mut kept: Vec<Vec<Kept>> = vec![Vec::new(); names.len()];
    let mut live: Vec<Live> = vec![Live::default(); names.len()];
    let mut leftovers = Vec::new();
    let mut count = 0usize;
    let mut last_status = Instant::now();
    let mut stopping = false;
    loop {
        if !stopping && interrupt() {
            stopping = true;
            progress.note("stopping: finishing the samples in flight");
            stop.stop();
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(Msg::Sample(s)) => {
                write_line(out, &sample_line(&s))?;
                count += 1;
                let i = names.iter().position(|n| n == &s.api).unwrap_or(0);
                if count <= super::log::MAX_SAMPLES {
                    kept[i].push(Kept {
                        ts_ms: s.ts.as_millisecond(),
                        latency_ms: s.latency_ms as f32,
                        status: s.status.unwrap_or(0),
                        ok: s.ok,
                        kind: s.probe,
                    });
                }
                if s.probe != ProbeKind::Rpc {
                    track(&mut live[i], &s, progress);
                }
            }
            Ok(Msg::Note(n)) => progress.note(&n),
            Ok(Msg::Leftover(id)) => leftovers.push(id),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
        if last_status.elapsed() >= STATUS_EVERY {
            last_status = Instant::now();
            progress.advance(0, &status_text(names, &live, count));
        }
    }
    Ok((kept, leftovers, count, stopping))
}

fn track(l: &mut Live, s: &Sample, progress: &dyn Progress) {
    if s.ok {
        if let Some(since) = l.down_since.take() {
            let secs = (s.ts.as_millisecond() - since.as_millisecond()) as f64 / 1000.0;
            progress.note(&format!("{}: up again after {secs:.1} s", s.api));
        }
        l.failed_in_a_row = 0;
    } else {
        l.failed_in_a_row += 1;
        l.last_error = s.error.clone();
        if l.failed_in_a_row == 1 {
            // The window starts at the first failure (classify's rule).
            l.down_since = None;
        }
        if l.failed_in_a_row == super::classify::MIN_FAILED_RUN {
            let since = s.ts;
            progress.note(&format!(
                "{}: down ({}) at {}",
                s.api,
                s.error.as_deref().unwrap_or("failed"),
                since
            ));
            l.down_since = Some(since);
        }
    }
}

fn status_text(names: &[String], live: &[Live], count: usize) -> String {
    let down: Vec<&str> = names
        .iter()
        .zip(live)
        .filter(|(_, l)| l.down_since.is_some())
        .map(|(n, _)| n.as_str())
        .collect();
    let up = names.len() - down.len();
    if down.is_empty() {
        format!("{up}/{} APIs up, {count} samples", names.len())
    } else {
        format!(
            "{up}/{} APIs up, down: {}; {count} samples",
            names.len(),
            down.join(", ")
        )
    }
}

struct Worker {
    api: String,
    kind: ProbeKind,
    /// The first tick.
    first: Duration,
    interval: Duration,
    end: Option<Duration>,
    clock: Arc<dyn Clock>,
    transport: Arc<dyn Transport>,
    stop: Arc<Stop>,
    tx: SyncSender<Msg>,
}

enum Job<'a> {
    Probe {
        endpoint: &'a Endpoint,
        timeout: Duration,
        tokens: Option<&'a TokenSource>,
    },
    Rpc {
        canary: &'a Canary,
        tokens: &'a TokenSource,
        /// Networks created and not yet deleted.
        pending: Mutex<Vec<String>>,
    },
}

impl Worker {
    fn run(self, job: Job<'_>) {
        let mut k: u128 = 0;
        let iv = self.interval.as_nanos().max(1);
        let mut skipped_note = false;
        loop {
            let tick = self.first + Duration::from_nanos((k * iv).min(u64::MAX as u128) as u64);
            if self.end.is_some_and(|e| tick >= e) {
                break;
            }
            if !self.clock.sleep_until(tick, &self.stop) {
                break;
            }
            let started = self.clock.now();
            let taken = self.take(&job);
            let done = self.clock.now();
            match taken {
                Taken::Outcome(o) => {
                    let s = Sample {
                        api: self.api.clone(),
                        ts: self.clock.wall(started),
                        ok: o.ok,
                        status: o.status,
                        latency_ms: (done.saturating_sub(started).as_micros() as f64 / 1000.0)
                            .max(0.0),
                        probe: self.kind,
                        error: o.error,
                    };
                    if self.tx.send(Msg::Sample(s)).is_err() {
                        break;
                    }
                }
                Taken::Skipped(why) => {
                    if !skipped_note {
                        skipped_note = true;
                        let _ = self.tx.send(Msg::Note(format!(
                            "{}: {} probe skipped: {why}",
                            self.api,
                            self.kind.name()
                        )));
                    }
                }
            }
            // The first tick after the sample ended: missed ticks are skipped.
            let elapsed = done.saturating_sub(self.first).as_nanos();
            k = (k + 1).max(elapsed.div_ceil(iv));
        }
        if let Job::Rpc {
            canary,
            tokens,
            pending,
        } = &job
        {
            // Whatever could not be deleted in its cycle: one more try, then report it.
            let ids = std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
            for id in ids {
                if self.delete_network(canary, tokens, &id).is_err() {
                    let _ = self.tx.send(Msg::Leftover(id));
                }
            }
        }
    }

    fn token(&self, tokens: &TokenSource) -> Result<super::keystone::Current, String> {
        let now = self.clock.wall(self.clock.now());
        let (cur, note) = tokens.current(&*self.transport, now);
        if let Some(n) = note {
            let _ = self.tx.send(Msg::Note(n));
        }
        cur.ok_or_else(|| "no valid token (it expired and Keystone did not renew it)".into())
    }

    fn take(&self, job: &Job<'_>) -> Taken {
        match job {
            Job::Probe {
                endpoint, timeout, ..
            } if self.kind == ProbeKind::Version => {
                let req = Request::get(endpoint.version.clone(), *timeout);
                Taken::Outcome(outcome(self.kind, self.transport.send(&req)))
            }
            Job::Probe {
                endpoint,
                timeout,
                tokens,
            } => {
                let Some(tokens) = tokens else {
                    return Taken::Skipped("no token".into());
                };
                let cur = match self.token(tokens) {
                    Ok(c) => c,
                    Err(e) => return Taken::Skipped(e),
                };
                let Some(url) = endpoint.read_url(&cur.project_id) else {
                    return Taken::Skipped("this API has no read".into());
                };
                let mut req =
                    Request::get(url, *timeout).header("X-Auth-Token", cur.token.expose());
                if endpoint.api == "Keystone" {
                    req = req.header("X-Subject-Token", cur.token.expose());
                }
                for (k, v) in endpoint.read_headers() {
                    req = req.header(k, v);
                }
                Taken::Outcome(outcome(self.kind, self.transport.send(&req)))
            }
            Job::Rpc {
                canary,
                tokens,
                pending,
            } => {
                // Earlier leftovers first.
                let ids = std::mem::take(&mut *pending.lock().unwrap_or_else(|e| e.into_inner()));
                for id in ids {
                    if self.delete_network(canary, tokens, &id).is_err() {
                        pending.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                    }
                }
                Taken::Outcome(self.canary_cycle(canary, tokens, pending))
            }
        }
    }

    fn canary_cycle(
        &self,
        canary: &Canary,
        tokens: &TokenSource,
        pending: &Mutex<Vec<String>>,
    ) -> Outcome {
        let cur = match self.token(tokens) {
            Ok(c) => c,
            Err(e) => {
                return Outcome {
                    status: None,
                    ok: false,
                    error: Some(e),
                };
            }
        };
        let name = format!(
            "{RPC_PREFIX}{}",
            self.clock.wall(self.clock.now()).as_second()
        );
        let body = serde_json::json!({ "network": { "name": name } }).to_string();
        let req = Request {
            method: Method::Post,
            url: canary.neutron.join("v2.0/networks"),
            headers: vec![("X-Auth-Token", cur.token.expose().to_string())],
            body: Some(body.into_bytes()),
            body_limit: 64 * 1024,
            timeout: RPC_TIMEOUT,
        };
        let created = match self.transport.send(&req) {
            Ok(r) if r.status == 201 => r,
            other => {
                let mut o = outcome(ProbeKind::Rpc, other);
                o.ok = false;
                if o.error.is_none() {
                    o.error = o.status.map(|s| format!("create: HTTP {s}"));
                }
                return o;
            }
        };
        let Some(id) = serde_json::from_slice::<serde_json::Value>(&created.body)
            .ok()
            .and_then(|v| v["network"]["id"].as_str().map(str::to_string))
        else {
            return Outcome {
                status: Some(201),
                ok: false,
                error: Some("create: the answer has no network id".into()),
            };
        };
        match self.delete_network(canary, tokens, &id) {
            Ok(()) => Outcome {
                status: Some(created.status),
                ok: true,
                error: None,
            },
            Err(o) => {
                pending.lock().unwrap_or_else(|e| e.into_inner()).push(id);
                o
            }
        }
    }

    fn delete_network(
        &self,
        canary: &Canary,
        tokens: &TokenSource,
        id: &str,
    ) -> Result<(), Outcome> {
        let cur = self.token(tokens).map_err(|e| Outcome {
            status: None,
            ok: false,
            error: Some(e),
        })?;
        delete_network(&*self.transport, canary, &cur.token, id)
    }
}

fn delete_network(
    t: &dyn Transport,
    canary: &Canary,
    token: &super::clouds::Secret,
    id: &str,
) -> Result<(), Outcome> {
    let req = Request {
        method: Method::Delete,
        url: canary.neutron.join(&format!("v2.0/networks/{id}")),
        headers: vec![("X-Auth-Token", token.expose().to_string())],
        body: None,
        body_limit: 64 * 1024,
        timeout: RPC_TIMEOUT,
    };
    match t.send(&req) {
        Ok(r) if r.status == 204 || r.status == 404 => Ok(()),
        other => {
            let mut o = outcome(ProbeKind::Rpc, other);
            o.ok = false;
            if o.error.is_none() {
                o.error = o.status.map(|s| format!("delete: HTTP {s}"));
            }
            Err(o)
        }
    }
}

/// Delete the canary networks an earlier run left (name prefix [`RPC_PREFIX`], in the
/// token's project). Returns the names deleted.
pub fn delete_leftovers(
    t: &dyn Transport,
    canary: &Canary,
    token: &super::clouds::Secret,
    project_id: &str,
) -> Result<Vec<String>, String> {
    let req = Request {
        method: Method::Get,
        url: canary.neutron.join(&format!(
            "v2.0/networks?project_id={project_id}&fields=id&fields=name"
        )),
        headers: vec![("X-Auth-Token", token.expose().to_string())],
        body: None,
        body_limit: BODY_MAX_BYTES,
        timeout: RPC_TIMEOUT,
    };
    let resp = t
        .send(&req)
        .map_err(|f| format!("listing the networks failed: {f}"))?;
    if resp.status != 200 {
        return Err(format!("listing the networks: HTTP {}", resp.status));
    }
    let v: serde_json::Value = serde_json::from_slice(&resp.body)
        .map_err(|_| "listing the networks: not a Neutron answer".to_string())?;
    let mut deleted = Vec::new();
    for n in v["networks"].as_array().into_iter().flatten() {
        let (Some(id), Some(name)) = (n["id"].as_str(), n["name"].as_str()) else {
            continue;
        };
        if name.starts_with(RPC_PREFIX) {
            delete_network(t, canary, token, id)
                .map_err(|o| format!("deleting {name}: {}", o.error.unwrap_or_default()))?;
            deleted.push(name.to_string());
        }
    }
    Ok(deleted)
}

enum Taken {
    Outcome(Outcome),
    Skipped(String),
}

#[cfg(test)]
mod tests;
