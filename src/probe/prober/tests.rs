//! The scheduler and the classification on fake clocks and transports that answer by
//! schedule: deterministic, no real time passes.

use std::sync::Mutex;

use super::*;
use crate::base::progress::NoProgress;
use crate::probe::clouds::{Cloud, Credentials, Named, Secret};
use crate::probe::keystone::Token;

const WALL0: i64 = 1_700_000_000;

/// Virtual time: `sleep_until` jumps, a request's latency advances it.
struct FakeClock {
    now: Mutex<Duration>,
}

impl FakeClock {
    fn new() -> Arc<FakeClock> {
        Arc::new(FakeClock {
            now: Mutex::new(Duration::ZERO),
        })
    }
    fn advance(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
    }
}

impl Clock for FakeClock {
    fn now(&self) -> Duration {
        *self.now.lock().unwrap()
    }
    fn wall(&self, at: Duration) -> Timestamp {
        Timestamp::from_millisecond(WALL0 * 1000 + at.as_millis() as i64).unwrap()
    }
    fn sleep_until(&self, at: Duration, stop: &Stop) -> bool {
        if stop.is_stopped() {
            return false;
        }
        let mut n = self.now.lock().unwrap();
        *n = (*n).max(at);
        true
    }
}

/// What the fake server does at a time (seconds since the start).
#[derive(Clone, Copy)]
enum Answer {
    Status(u16),
    Refused,
    /// No answer: the request times out.
    Stall,
}

type Schedule = fn(&str, ProbeKind, f64) -> Answer;

struct FakeTransport {
    clock: Arc<FakeClock>,
    api: String,
    kind: ProbeKind,
    schedule: Schedule,
    seen_tokens: Mutex<Vec<String>>,
}

impl Transport for FakeTransport {
    fn send(&self, req: &Request) -> Result<Response, Failure> {
        if let Some((_, t)) = req.headers.iter().find(|(k, _)| *k == "X-Auth-Token") {
            self.seen_tokens.lock().unwrap().push(t.clone());
        }
        let at = self.clock.now().as_secs_f64();
        match (self.schedule)(&self.api, self.kind, at) {
            Answer::Status(s) => {
                self.clock.advance(Duration::from_millis(12));
                Ok(Response {
                    status: s,
                    ..Response::default()
                })
            }
            Answer::Refused => {
                self.clock.advance(Duration::from_millis(1));
                Err(Failure::Refused)
            }
            Answer::Stall => {
                self.clock.advance(req.timeout);
                Err(Failure::Timeout)
            }
        }
    }
}

fn target(api: &str, probes: &[ProbeKind]) -> Target {
    Target {
        endpoint: Endpoint::new(
            api,
            Url::parse(&format!("https://{}.example/", api.to_lowercase())).unwrap(),
            None,
        ),
        probes: probes.to_vec(),
    }
}

fn tokens() -> Arc<TokenSource> {
    let cloud = Cloud {
        name: "test".into(),
        file: "clouds.yaml".into(),
        auth_url: Url::parse("https://keystone.example:5000/v3").unwrap(),
        credentials: Credentials::Password {
            user: Named::Id("u".into()),
            password: Secret::new("pw"),
            project: None,
        },
        region: None,
        interface: None,
        cacert: None,
        insecure: false,
    };
    Arc::new(TokenSource::new(
        cloud,
        Token {
            value: Secret::new("gAAAA-secret-token"),
            expires_at: Timestamp::from_second(WALL0 + 86_400).unwrap(),
            project_id: Some("p1".into()),
            catalog: Vec::new(),
        },
    ))
}

/// Nova refused 700–712.3 s, Glance 503 300–345 s, Keystone stalls 800–830 s, Neutron one
/// lone failure at 500 s; Nova's reads get 401 from 100 to 110 s.
fn outages(api: &str, kind: ProbeKind, at: f64) -> Answer {
    match (api, kind) {
        ("Nova", ProbeKind::Version) if (700.0..712.3).contains(&at) => Answer::Refused,
        ("Nova", ProbeKind::Read) if (100.0..110.0).contains(&at) => Answer::Status(401),
        ("Glance", _) if (300.0..345.0).contains(&at) => Answer::Status(503),
        ("Keystone", _) if (800.0..830.0).contains(&at) => Answer::Stall,
        ("Neutron", _) if (500.0..500.5).contains(&at) => Answer::Status(502),
        ("Keystone", _) => Answer::Status(300),
        _ => Answer::Status(200),
    }
}

fn probe_run(schedule: Schedule) -> (String, Report) {
    let run = Run {
        config: Config {
            interval: Duration::from_millis(500),
            read_interval: Duration::from_secs(1),
            timeout: Duration::from_secs(2),
            duration: Some(Duration::from_secs(900)),
        },
        targets: vec![
            target("Keystone", &[ProbeKind::Version]),
            target("Nova", &[ProbeKind::Version, ProbeKind::Read]),
            target("Glance", &[ProbeKind::Version]),
            target("Neutron", &[ProbeKind::Version]),
        ],
        tokens: Some(tokens()),
        canary: None,
    };
    let make = move |api: &str, kind: ProbeKind| -> (Arc<dyn Clock>, Arc<dyn Transport>) {
        let clock = FakeClock::new();
        let t = Arc::new(FakeTransport {
            clock: clock.clone(),
            api: api.to_string(),
            kind,
            schedule,
            seen_tokens: Mutex::new(Vec::new()),
        });
        (clock, t)
    };
    let main = FakeClock::new();
    let mut out = Vec::new();
    let report = super::run(&run, &*main, &make, &mut out, &NoProgress, &|| false).unwrap();
    (String::from_utf8(out).unwrap(), report)
}

fn measure<'a>(r: &'a Report, api: &str) -> &'a ApiMeasure {
    r.apis.iter().find(|m| m.api == api).unwrap()
}

fn secs(t: Timestamp) -> f64 {
    (t.as_millisecond() - WALL0 * 1000) as f64 / 1000.0
}

#[test]
fn each_scheduled_outage_is_measured_within_one_probe_interval() {
    let (log, report) = probe_run(outages);
    let interval = 0.5;
    for (api, from, to, slack) in [
        ("Nova", 700.0, 712.3, interval),
        ("Glance", 300.0, 345.0, interval),
        // A stalled probe ends its sample only at the timeout (2 s).
        ("Keystone", 800.0, 830.0, interval + 2.0),
    ] {
        let m = measure(&report, api);
        let version: Vec<_> = m.full.iter().filter(|w| w.by == "version").collect();
        assert_eq!(version.len(), 1, "{api}: {:?}", m.full);
        let w = version[0];
        assert!(
            (secs(w.start) - from).abs() <= interval,
            "{api} starts at {}",
            secs(w.start)
        );
        assert!(
            (w.seconds - (to - from)).abs() <= slack,
            "{api}: {} s measured for {} s",
            w.seconds,
            to - from
        );
        assert!(!w.open);
    }
    // A lone failed sample is no outage.
    let n = measure(&report, "Neutron");
    assert_eq!((n.failed, n.full.len()), (1, 0));
    // 401 on a read is a failure (tobiko's rule): 10 s of reads at 1 s.
    let nova = measure(&report, "Nova");
    let read: Vec<_> = nova.full.iter().filter(|w| w.by == "read").collect();
    assert_eq!(read.len(), 1, "{:?}", nova.full);
    assert!((read[0].seconds - 10.0).abs() <= 1.0, "{}", read[0].seconds);
    assert!(!report.interrupted);

    // The log: a start line, every sample, a summary per API; parsed back, the same windows.
    let lines: Vec<&str> = log.lines().collect();
    assert!(
        lines[0].starts_with(r#"{"kind":"start","schema_version":1,"#),
        "{}",
        lines[0]
    );
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with(r#"{"kind":"summary""#))
            .count(),
        4
    );
    assert!(!log.contains("secret-token"));
    let parsed = crate::probe::log::parse(&log, std::path::Path::new("p.jsonl")).unwrap();
    assert_eq!(parsed.samples.len(), report.samples);
    assert_eq!(parsed.interval_seconds(), Some(0.5));
    let again = crate::probe::classify(&parsed);
    for m in &again {
        let r = measure(&report, &m.api);
        assert_eq!(m.full, r.full, "{}", m.api);
    }
}

#[test]
fn the_schedule_never_drifts_and_skips_ticks_a_sample_overran() {
    let (log, _) = probe_run(outages);
    let parsed = crate::probe::log::parse(&log, std::path::Path::new("p.jsonl")).unwrap();
    let ks: Vec<f64> = parsed
        .samples
        .iter()
        .filter(|s| s.api == "Keystone")
        .map(|s| secs(s.ts))
        .collect();
    // 900 s at 0.5 s, less the ticks the 2 s timeouts skipped (3 of 4 during 30 s).
    assert!(ks.len() > 1700 && ks.len() < 1800, "{}", ks.len());
    for w in ks.windows(2) {
        let gap = w[1] - w[0];
        assert!(gap >= 0.5 - 1e-9, "bunched: {w:?}");
        // On the grid: every sample at first + k·0.5.
        assert!(
            ((w[1] - ks[0]) / 0.5).fract().abs() < 1e-6,
            "drift at {w:?}"
        );
    }
    assert!(ks.windows(2).any(|w| (w[1] - w[0] - 2.0).abs() < 1e-9));
    // Workers are spread over the interval: Keystone's first sample at 0, Nova's later.
    let first = |api: &str| {
        parsed
            .samples
            .iter()
            .find(|s| s.api == api)
            .map(|s| secs(s.ts))
            .unwrap()
    };
    assert_eq!(first("Keystone"), 0.0);
    assert!(first("Nova") > 0.0 && first("Nova") < 0.5);
}

#[test]
fn runs_are_deterministic() {
    let a = probe_run(outages).1;
    let b = probe_run(outages).1;
    for (x, y) in a.apis.iter().zip(&b.apis) {
        assert_eq!(x, y);
    }
}

#[test]
fn a_stop_ends_the_run_and_still_writes_the_summaries() {
    let run = Run {
        config: Config {
            interval: Duration::from_millis(500),
            read_interval: Duration::from_millis(500),
            timeout: Duration::from_secs(2),
            duration: None,
        },
        targets: vec![target("Nova", &[ProbeKind::Version])],
        tokens: None,
        canary: None,
    };
    // A real clock: the run lasts until the interrupt.
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    let c2 = clock.clone();
    let make = move |_: &str, _: ProbeKind| -> (Arc<dyn Clock>, Arc<dyn Transport>) {
        struct Up;
        impl Transport for Up {
            fn send(&self, _: &Request) -> Result<Response, Failure> {
                Ok(Response {
                    status: 200,
                    ..Response::default()
                })
            }
        }
        (c2.clone(), Arc::new(Up))
    };
    let started = Instant::now();
    let mut out = Vec::new();
    let stop_after = |d: Duration| move || started.elapsed() >= d;
    let report = super::run(
        &run,
        &*clock,
        &make,
        &mut out,
        &NoProgress,
        &stop_after(Duration::from_millis(600)),
    )
    .unwrap();
    assert!(report.interrupted);
    assert!(started.elapsed() < Duration::from_secs(2));
    let log = String::from_utf8(out).unwrap();
    assert!(
        log.lines()
            .last()
            .unwrap()
            .starts_with(r#"{"kind":"summary","api":"Nova""#),
        "{log}"
    );
    assert!(
        report.samples >= 1 && report.samples <= 3,
        "{}",
        report.samples
    );
}

#[test]
fn status_rule() {
    for (s, k, ok) in [
        (200, ProbeKind::Version, true),
        (300, ProbeKind::Version, true),
        (401, ProbeKind::Version, true),
        (401, ProbeKind::Read, false),
        (404, ProbeKind::Read, true),
        (499, ProbeKind::Read, true),
        (500, ProbeKind::Version, false),
        (503, ProbeKind::Read, false),
        (199, ProbeKind::Version, false),
    ] {
        assert_eq!(ok_status(s, k), ok, "{s} {k:?}");
    }
}

/// Neutron for the canary: creates `n1`, `n2`, …; the first delete of `n2` and every delete
/// of `n4` answer 503.
struct FakeNeutron {
    clock: Arc<FakeClock>,
    calls: Mutex<Vec<String>>,
    created: Mutex<u32>,
    deletes_of_n2: Mutex<u32>,
}

impl Transport for FakeNeutron {
    fn send(&self, req: &Request) -> Result<Response, Failure> {
        self.clock.advance(Duration::from_millis(300));
        let line = format!("{:?} {}", req.method, req.url.target);
        self.calls.lock().unwrap().push(line);
        let ok = |status: u16, body: String| {
            Ok(Response {
                status,
                headers: Vec::new(),
                body: body.into_bytes(),
            })
        };
        match req.method {
            Method::Post => {
                let body = String::from_utf8(req.body.clone().unwrap()).unwrap();
                assert!(body.contains(r#""name":"scs-release-probe-17000"#), "{body}");
                let mut n = self.created.lock().unwrap();
                *n += 1;
                ok(201, format!(r#"{{"network":{{"id":"n{n}"}}}}"#))
            }
            Method::Delete if req.url.target.ends_with("/n4") => ok(503, String::new()),
            Method::Delete if req.url.target.ends_with("/n2") => {
                let mut d = self.deletes_of_n2.lock().unwrap();
                *d += 1;
                ok(if *d == 1 { 503 } else { 204 }, String::new())
            }
            Method::Delete => ok(204, String::new()),
            Method::Get => ok(
                200,
                r#"{"networks":[{"id":"old1","name":"scs-release-probe-1699999000"},{"id":"x","name":"prod-net"}]}"#.into(),
            ),
        }
    }
}

#[test]
fn the_canary_creates_and_deletes_and_retries_what_it_could_not_delete() {
    let neutron_clock = FakeClock::new();
    let neutron = Arc::new(FakeNeutron {
        clock: neutron_clock.clone(),
        calls: Mutex::new(Vec::new()),
        created: Mutex::new(0),
        deletes_of_n2: Mutex::new(0),
    });
    let canary = Canary {
        neutron: Url::parse("https://neutron.example:9696/").unwrap(),
    };
    let run = Run {
        config: Config {
            interval: Duration::from_millis(500),
            read_interval: Duration::from_millis(500),
            timeout: Duration::from_secs(2),
            duration: Some(Duration::from_secs(95)),
        },
        targets: vec![target("Neutron", &[ProbeKind::Version])],
        tokens: Some(tokens()),
        canary: Some(canary.clone()),
    };
    let n2 = neutron.clone();
    let make = move |api: &str, kind: ProbeKind| -> (Arc<dyn Clock>, Arc<dyn Transport>) {
        if kind == ProbeKind::Rpc {
            return (neutron_clock.clone(), n2.clone());
        }
        let clock = FakeClock::new();
        let t = Arc::new(FakeTransport {
            clock: clock.clone(),
            api: api.to_string(),
            kind,
            schedule: outages,
            seen_tokens: Mutex::new(Vec::new()),
        });
        (clock, t)
    };
    let mut out = Vec::new();
    let report = super::run(
        &run,
        &*FakeClock::new(),
        &make,
        &mut out,
        &NoProgress,
        &|| false,
    )
    .unwrap();
    let calls = neutron.calls.lock().unwrap().clone();
    assert_eq!(
        calls,
        [
            "Post /v2.0/networks",
            "Delete /v2.0/networks/n1",
            "Post /v2.0/networks",
            "Delete /v2.0/networks/n2",
            // The next cycle deletes what the last one could not, first.
            "Delete /v2.0/networks/n2",
            "Post /v2.0/networks",
            "Delete /v2.0/networks/n3",
            "Post /v2.0/networks",
            "Delete /v2.0/networks/n4",
            // At the end: one more try.
            "Delete /v2.0/networks/n4",
        ]
    );
    assert_eq!(report.leftovers, ["n4"]);
    let m = measure(&report, "Neutron");
    let rpc: Vec<(f64, f64)> = m
        .degraded
        .iter()
        .filter(|w| w.by == "rpc")
        .map(|w| (secs(w.start), w.seconds))
        .collect();
    // Cycle 2 (30 s) failed until cycle 3 (60.6 s, after the retried delete); cycle 4 (90 s)
    // failed and the log ends with it.
    assert_eq!(rpc.len(), 2, "{:?}", m.degraded);
    assert!(
        (rpc[0].0 - 30.0).abs() < 1.0 && (rpc[0].1 - 30.0).abs() < 1.0,
        "{rpc:?}"
    );
    let log = String::from_utf8(out).unwrap();
    let start = log.lines().next().unwrap();
    assert!(start.contains(r#""probes":["version","rpc"]"#), "{start}");

    // The next start deletes what a run left, and nothing else.
    let deleted = delete_leftovers(&*neutron, &canary, &Secret::new("t"), "p1").unwrap();
    assert_eq!(deleted, ["scs-release-probe-1699999000"]);
    let calls = neutron.calls.lock().unwrap().clone();
    assert_eq!(
        &calls[calls.len() - 2..],
        [
            "Get /v2.0/networks?project_id=p1&fields=id&fields=name",
            "Delete /v2.0/networks/old1"
        ]
    );
}
