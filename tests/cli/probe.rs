//! `upgrade probe` end to end against fake servers on 127.0.0.1 that the tests start: one
//! that refuses, answers 503 and stalls by schedule, and a fake Keystone whose catalog
//! points back at it. Bounds are generous (real sockets, real time); the deterministic
//! checks of the schedule are in `src/probe/prober/tests.rs`.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::run;

const TOKEN: &str = "gAAAAABfake-TOKEN-never-logged";
const PASSWORD: &str = "s3cret-PASSWORD";

/// One request as the fake server saw it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    head: String,
    body: String,
}

fn read_request(s: &mut TcpStream) -> Option<Seen> {
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let len: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().unwrap_or(0))
        })
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut first = head.split_whitespace();
    Some(Seen {
        method: first.next().unwrap_or("").to_string(),
        target: first.next().unwrap_or("").to_string(),
        body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
        head,
    })
}

fn answer(s: &mut TcpStream, status: &str, headers: &str, body: &str) {
    let _ = write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n{body}",
        body.len()
    );
}

/// What the flaky server does at a time since its start.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Phase {
    Up,
    Refuse,
    Unavailable,
    Stall,
}

fn phase(at: Duration) -> Phase {
    match at.as_millis() {
        0..500 => Phase::Up,
        500..1000 => Phase::Refuse,
        1000..1500 => Phase::Unavailable,
        1500..2000 => Phase::Stall,
        _ => Phase::Up,
    }
}

/// A server that follows [`phase`]: up, then refusing connections (its socket closed),
/// then 503, then accepting and never answering, then up again.
fn flaky_server(done: Arc<AtomicBool>) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        let start = Instant::now();
        let mut listener = Some(l);
        let mut stalled: Vec<TcpStream> = Vec::new();
        while !done.load(Ordering::SeqCst) && start.elapsed() < Duration::from_secs(20) {
            let p = phase(start.elapsed());
            if p == Phase::Refuse {
                listener = None;
            } else if listener.is_none() {
                listener = TcpListener::bind(addr).ok();
            }
            if p != Phase::Stall {
                stalled.clear();
            }
            let Some(l) = &listener else {
                std::thread::sleep(Duration::from_millis(5));
                continue;
            };
            l.set_nonblocking(true).unwrap();
            match l.accept() {
                Ok((mut s, _)) => {
                    s.set_nonblocking(false).unwrap();
                    let _ = read_request(&mut s);
                    match p {
                        Phase::Up => answer(&mut s, "200 OK", "", "{}"),
                        Phase::Unavailable => answer(&mut s, "503 Service Unavailable", "", ""),
                        Phase::Stall => stalled.push(s),
                        Phase::Refuse => {}
                    }
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    addr
}

/// A server that answers every request with 200.
fn steady_server() -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let _ = read_request(&mut s);
            answer(&mut s, "200 OK", "", "{}");
        }
    });
    addr
}

fn lines_of(log: &str, kind: &str) -> Vec<serde_json::Value> {
    log.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v["kind"] == kind)
        .collect()
}

#[test]
fn probe_measures_a_refusing_failing_and_stalling_server() {
    let done = Arc::new(AtomicBool::new(false));
    let flaky = flaky_server(done.clone());
    let steady = steady_server();
    let dir = tempfile::tempdir().unwrap();
    let eps = dir.path().join("endpoints.yaml");
    std::fs::write(
        &eps,
        format!(
            "- {{api: Nova, url: 'http://{flaky}/'}}\n- {{api: Glance, url: 'http://{steady}/'}}\n"
        ),
    )
    .unwrap();
    let log = dir.path().join("probe.jsonl");
    let started = Instant::now();
    let (out, err, code) = run(&[
        "upgrade",
        "probe",
        "--endpoints",
        &eps.display().to_string(),
        "--interval",
        "0.2s",
        "--timeout",
        "300ms",
        "--duration",
        "2.6s",
        "--log",
        &log.display().to_string(),
    ]);
    done.store(true, Ordering::SeqCst);
    assert_eq!(code, 0, "{err}");
    assert!(started.elapsed() < Duration::from_secs(6));
    let text = std::fs::read_to_string(&log).unwrap();
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with(r#"{"kind":"start","schema_version":1,"#),
        "{first}"
    );
    let samples = lines_of(&text, "probe");
    let nova: Vec<&serde_json::Value> = samples.iter().filter(|s| s["api"] == "Nova").collect();
    // 2.6 s at 0.2 s: 13 ticks, less those the stalls skipped.
    assert!(nova.len() >= 8 && nova.len() <= 14, "{}", nova.len());
    let errors: Vec<&str> = nova.iter().filter_map(|s| s["error"].as_str()).collect();
    for e in ["connection refused", "HTTP 503", "timeout"] {
        assert!(errors.contains(&e), "{e} missing in {errors:?}");
    }
    let summaries = lines_of(&text, "summary");
    assert_eq!(summaries.len(), 2);
    let nova_sum = summaries.iter().find(|s| s["api"] == "Nova").unwrap();
    let full = nova_sum["full"].as_array().unwrap();
    assert_eq!(full.len(), 1, "{nova_sum}");
    let secs = full[0]["seconds"].as_f64().unwrap();
    // Down from 0.5 s to 2.0 s: 1.5 s, give or take an interval and a timeout.
    assert!((1.0..=2.2).contains(&secs), "{secs}");
    let glance = summaries.iter().find(|s| s["api"] == "Glance").unwrap();
    assert_eq!(glance["full"].as_array().unwrap().len(), 0, "{glance}");
    assert_eq!(glance["failed"], 0);
    // The summary table on stdout, the note on stderr.
    assert!(out.starts_with("Probed 2 APIs for "), "{out}");
    assert!(out.contains("\nNova "), "{out}");
    assert!(
        err.contains(&format!("samples to {}", log.display())),
        "{err}"
    );
    // The log is not overwritten; --append adds a second run.
    let (_, err, code) = run(&[
        "upgrade",
        "probe",
        "--url",
        &format!("Glance=http://{steady}/"),
        "--duration",
        "0.3s",
        "--log",
        &log.display().to_string(),
    ]);
    assert_eq!(code, 3);
    assert!(err.contains("already exists (give --append"), "{err}");
    let (_, err, code) = run(&[
        "upgrade",
        "probe",
        "--url",
        &format!("Glance=http://{steady}/"),
        "--duration",
        "0.3s",
        "--append",
        "--log",
        &log.display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let again = std::fs::read_to_string(&log).unwrap();
    assert!(again.starts_with(&text));
    assert_eq!(lines_of(&again, "start").len(), 2);
}

/// A fake Keystone (and the APIs of its catalog) on one port: the token only in the
/// `X-Subject-Token` header, the catalog shaped as Keystone's.
fn fake_cloud(seen: Arc<Mutex<Vec<Seen>>>) -> SocketAddr {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let base = format!("http://{addr}");
    let project = "0123456789abcdef0123456789abcdef";
    let catalog = serde_json::json!({ "token": {
        "methods": ["password"],
        "expires_at": "2099-01-01T00:00:00.000000Z",
        "issued_at": "2026-12-02T18:00:00.000000Z",
        "user": { "id": "u1", "name": "probe", "domain": { "id": "default", "name": "Default" } },
        "project": { "id": project, "name": "ops", "domain": { "id": "default", "name": "Default" } },
        "catalog": [
            { "type": "identity", "name": "keystone", "id": "s1", "endpoints": [
                { "id": "e1", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/v3") },
                { "id": "e2", "interface": "internal", "region": "RegionOne", "region_id": "RegionOne", "url": "http://10.255.255.1:5000/v3" } ] },
            { "type": "compute", "name": "nova", "id": "s2", "endpoints": [
                { "id": "e3", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/v2.1/{project}") } ] },
            { "type": "network", "name": "neutron", "id": "s3", "endpoints": [
                { "id": "e4", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": base.clone() } ] },
            { "type": "metric", "name": "gnocchi", "id": "s4", "endpoints": [
                { "id": "e5", "interface": "public", "region": "RegionOne", "region_id": "RegionOne", "url": format!("{base}/metric") } ] }
        ]
    }})
    .to_string();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let Some(r) = read_request(&mut s) else {
                continue;
            };
            seen.lock().unwrap().push(r.clone());
            let authed = r.head.contains(&format!("X-Auth-Token: {TOKEN}\r\n"));
            match (r.method.as_str(), r.target.as_str()) {
                ("POST", "/v3/auth/tokens") => {
                    if r.body.contains(PASSWORD) {
                        answer(
                            &mut s,
                            "201 Created",
                            &format!(
                                "X-Subject-Token: {TOKEN}\r\nContent-Type: application/json\r\n"
                            ),
                            &catalog,
                        )
                    } else {
                        answer(
                            &mut s,
                            "401 Unauthorized",
                            "",
                            r#"{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}"#,
                        )
                    }
                }
                ("GET", "/") => answer(&mut s, "300 Multiple Choices", "", r#"{"versions":{}}"#),
                ("GET", _) if !authed => answer(&mut s, "401 Unauthorized", "", "{}"),
                ("GET", "/v3/auth/tokens")
                    if r.head.contains(&format!("X-Subject-Token: {TOKEN}\r\n")) =>
                {
                    answer(&mut s, "200 OK", "", "{}")
                }
                ("GET", "/v2.1/flavors?limit=1") | ("GET", "/v2.0/networks?limit=1") => {
                    answer(&mut s, "200 OK", "", "{}")
                }
                _ => answer(&mut s, "404 Not Found", "", "{}"),
            }
        }
    });
    addr
}

fn clouds_yaml(dir: &Path, auth_url: &str) -> String {
    std::fs::write(
        dir.join("clouds.yaml"),
        format!(
            "clouds:\n  prod:\n    auth:\n      auth_url: {auth_url}\n      username: probe\n      project_name: ops\n      user_domain_name: Default\n      project_domain_name: Default\n    region_name: RegionOne\n    identity_api_version: 3\n  lab:\n    auth:\n      auth_url: {auth_url}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("secure.yaml"),
        format!("clouds:\n  prod:\n    auth:\n      password: {PASSWORD}\n"),
    )
    .unwrap();
    dir.join("clouds.yaml").display().to_string()
}

#[test]
fn probe_authenticates_with_clouds_yaml_and_probes_the_catalog() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let addr = fake_cloud(seen.clone());
    let dir = tempfile::tempdir().unwrap();
    let clouds = clouds_yaml(dir.path(), &format!("http://{addr}/v3"));
    let log = dir.path().join("p.jsonl");
    let (out, err, code) = run(&[
        "upgrade",
        "probe",
        "--clouds",
        &clouds,
        "--os-cloud",
        "prod",
        "--read",
        "--interval",
        "0.2s",
        "--duration",
        "0.7s",
        "--log",
        &log.display().to_string(),
        "-o",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(&log).unwrap();
    for secret in [TOKEN, PASSWORD] {
        assert!(!text.contains(secret), "{secret} in the log");
        assert!(
            !out.contains(secret) && !err.contains(secret),
            "{secret} in the output"
        );
    }
    let start: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    let apis: Vec<(String, String)> = start["apis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["api"].as_str().unwrap().to_string(),
                a["url"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let root = format!("http://{addr}/");
    assert_eq!(
        apis,
        [
            ("Keystone".to_string(), root.clone()),
            ("Nova".to_string(), root.clone()),
            ("Neutron".to_string(), root.clone())
        ]
    );
    let samples = lines_of(&text, "probe");
    for api in ["Keystone", "Nova", "Neutron"] {
        for kind in ["version", "read"] {
            let of: Vec<_> = samples
                .iter()
                .filter(|s| s["api"] == api && s["probe"] == kind)
                .collect();
            assert!(!of.is_empty(), "no {kind} sample of {api}");
            assert!(of.iter().all(|s| s["ok"] == true), "{api} {kind}: {of:?}");
        }
    }
    let summary: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(summary["kind"], "probe-summary");
    crate::output_schemas::assert_valid("probe-summary", &summary);
    assert_eq!(summary["apis"].as_array().unwrap().len(), 3);
    let seen = seen.lock().unwrap();
    assert!(
        seen.iter()
            .all(|r| r.head.contains("Connection: close\r\n"))
    );
    let auth = seen.iter().find(|r| r.method == "POST").unwrap();
    let body: serde_json::Value = serde_json::from_str(&auth.body).unwrap();
    assert_eq!(body["auth"]["scope"]["project"]["name"], "ops");
    assert_eq!(
        body["auth"]["identity"]["password"]["user"]["domain"]["name"],
        "Default"
    );
    // Version probes carry no token.
    assert!(
        seen.iter()
            .filter(|r| r.target == "/")
            .all(|r| !r.head.contains(TOKEN))
    );
}

fn report_of(cases: &[(&str, Vec<String>)], dir: &Path) -> String {
    let mut report = String::new();
    for (name, args) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, err, code) = run(&args);
        assert_eq!(code, 3, "{name}: {out}{err}");
        assert!(
            err.starts_with("error: ") || err.contains("error:"),
            "{name}: {err}"
        );
        for secret in [TOKEN, PASSWORD] {
            assert!(!err.contains(secret), "{name}: {err}");
        }
        let err = err.replace(&dir.display().to_string(), "[TMP]");
        report.push_str(&format!("## {name}\n{}\n", err.trim_end()));
    }
    report
}

#[test]
fn probe_bad_input_errors() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let p = |name: &str| d.join(name).display().to_string();
    let sv = |v: &[&str]| -> Vec<String> { v.iter().map(|s| s.to_string()).collect() };
    std::fs::create_dir(d.join("bad")).unwrap();
    std::fs::write(
        d.join("bad/clouds.yaml"),
        "clouds:\n  prod:\n    auth:\n      auth_url: http://k:5000\n      password: [unclosed\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("ok")).unwrap();
    let clouds = clouds_yaml(&d.join("ok"), "http://127.0.0.1:9/v3");
    let many: String = (0..33)
        .map(|i| {
            format!(
                "- {{api: API{i}, url: 'http://127.0.0.1:{}/'}}\n",
                10000 + i
            )
        })
        .collect();
    std::fs::write(d.join("many.yaml"), many).unwrap();
    std::fs::write(
        d.join("eps.yaml"),
        "- api: Nova\n  url: http://127.0.0.1:8774/\n- api: Glance\n  urll: http://127.0.0.1:9292/\n",
    )
    .unwrap();
    std::fs::write(d.join("exists.jsonl"), "").unwrap();
    // A Keystone that is not there: a port just closed.
    let closed = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    std::fs::create_dir(d.join("down")).unwrap();
    let down = clouds_yaml(&d.join("down"), &format!("http://{closed}/v3"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let cloud = fake_cloud(seen);
    std::fs::create_dir(d.join("up")).unwrap();
    let up = clouds_yaml(&d.join("up"), &format!("http://{cloud}/v3"));
    std::fs::create_dir(d.join("wrong")).unwrap();
    let wrong = clouds_yaml(&d.join("wrong"), &format!("http://{cloud}/v3"));
    std::fs::write(
        d.join("wrong/secure.yaml"),
        "clouds:\n  prod:\n    auth:\n      password: not-it\n",
    )
    .unwrap();
    let probe = |rest: &[&str]| -> Vec<String> {
        let mut v = sv(&["upgrade", "probe"]);
        v.extend(sv(rest));
        v
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "bad clouds.yaml",
            probe(&["--clouds", &p("bad/clouds.yaml"), "--os-cloud", "prod"]),
        ),
        (
            "unknown cloud",
            probe(&["--clouds", &clouds, "--os-cloud", "prd"]),
        ),
        (
            "rpc without execute",
            probe(&["--clouds", &clouds, "--os-cloud", "prod", "--rpc"]),
        ),
        (
            "interval below 0.2 s",
            probe(&["--endpoints", &p("eps.yaml"), "--interval", "0.1s"]),
        ),
        (
            "too many endpoints",
            probe(&["--endpoints", &p("many.yaml")]),
        ),
        (
            "endpoints file error",
            probe(&["--endpoints", &p("eps.yaml")]),
        ),
        (
            "bad --url",
            probe(&["--url", "Horizon=dashboard.example/auth/login/"]),
        ),
        (
            "unreachable Keystone",
            probe(&["--clouds", &down, "--os-cloud", "prod"]),
        ),
        (
            "no password",
            probe(&["--clouds", &up, "--os-cloud", "lab"]),
        ),
        (
            "credentials refused",
            probe(&["--clouds", &wrong, "--os-cloud", "prod"]),
        ),
        (
            "catalog without the service",
            probe(&[
                "--clouds",
                &up,
                "--os-cloud",
                "prod",
                "--api",
                "Nova,Octavia",
            ]),
        ),
        (
            "log exists",
            probe(&[
                "--url",
                "Nova=http://127.0.0.1:9/",
                "--log",
                &p("exists.jsonl"),
            ]),
        ),
        (
            "read without a cloud",
            probe(&[
                "--url",
                "Nova=http://127.0.0.1:9/",
                "--read",
                "--clouds",
                &p("none.yaml"),
            ]),
        ),
    ];
    let report = report_of(&cases, d);
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex_port(&closed), "127.0.0.1:[PORT]");
    settings.add_filter(&regex_port(&cloud), "127.0.0.1:[PORT]");
    settings.bind(|| insta::assert_snapshot!("probe_bad_input_errors", report));
}

fn regex_port(a: &SocketAddr) -> String {
    a.to_string().replace('.', r"\.")
}

#[test]
fn probe_help() {
    let (out, _, code) = run(&["upgrade", "probe", "--help"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("probe_help", out);
}

/// An HTTPS server with the self-signed certificate of `tests/fixtures/probe/` (127.0.0.1),
/// answering 300 to everything.
fn tls_server() -> SocketAddr {
    use rustls::pki_types::pem::PemObject as _;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let dir = crate::common::repo_root().join("tests/fixtures/probe");
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(dir.join("cert.pem"))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_file(dir.join("key.pem")).unwrap();
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap(),
    );
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(s) = s else { continue };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, s);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 1024];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let _ = tls.write_all(
                    b"HTTP/1.1 300 Multiple Choices\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                );
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    addr
}

#[test]
fn probe_verifies_tls_against_the_given_ca() {
    let addr = tls_server();
    let dir = tempfile::tempdir().unwrap();
    let ca = crate::common::repo_root().join("tests/fixtures/probe/cert.pem");
    let probe = |extra: &[&str], log: &str| {
        let log = dir.path().join(log);
        let mut args = vec![
            "upgrade".to_string(),
            "probe".into(),
            "--url".into(),
            format!("Keystone=https://{addr}/"),
            "--duration".into(),
            "0.5s".into(),
            "--log".into(),
            log.display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (_, err, code) = run(&args);
        assert_eq!(code, 0, "{err}");
        (
            lines_of(&std::fs::read_to_string(log).unwrap(), "probe"),
            err,
        )
    };
    let (trusted, _) = probe(&["--cacert", &ca.display().to_string()], "a.jsonl");
    assert!(!trusted.is_empty());
    assert!(
        trusted
            .iter()
            .all(|s| s["ok"] == true && s["status"] == 300),
        "{trusted:?}"
    );
    let (untrusted, _) = probe(&[], "b.jsonl");
    assert!(
        untrusted
            .iter()
            .all(|s| s["ok"] == false && s["error"].as_str().unwrap().starts_with("tls: ")),
        "{untrusted:?}"
    );
    let (insecure, err) = probe(&["--insecure"], "c.jsonl");
    assert!(insecure.iter().all(|s| s["ok"] == true));
    assert!(
        err.contains("warning: TLS certificates are NOT verified"),
        "{err}"
    );
}

#[test]
fn probe_ends_on_sigterm_with_its_summaries() {
    let addr = steady_server();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("p.jsonl");
    let bin = assert_cmd::cargo::cargo_bin("scs-release");
    let child = std::process::Command::new(bin)
        .args(["upgrade", "probe", "--interval", "0.2s", "--log"])
        .arg(&log)
        .arg("--url")
        .arg(format!("Nova=http://{addr}/"))
        .env_remove("SCS_RELEASE_DATA")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the first samples, then SIGTERM.
    let started = Instant::now();
    while std::fs::read_to_string(&log).map_or(0, |t| t.lines().count()) < 3 {
        assert!(started.elapsed() < Duration::from_secs(10), "no samples");
        std::thread::sleep(Duration::from_millis(50));
    }
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("stopped by a signal"), "{stdout}");
    let text = std::fs::read_to_string(&log).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(r#"{"kind":"summary","api":"Nova""#),
        "{last}"
    );
}
