//! A fake API server for `scripts/bench-probe.sh`: listens on N ports of 127.0.0.1 and answers
//! every request with `200 OK` and a small versions document, one thread per port.
//!
//! Usage: `cargo run --release --example fake_api_server -- N` prints one port per line,
//! then serves until killed.

use std::io::{Read, Write};
use std::net::TcpListener;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20);
    let mut threads = Vec::new();
    for _ in 0..n {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        println!("{}", l.local_addr().expect("addr").port());
        threads.push(std::thread::spawn(move || {
            let body = br#"{"versions":{"values":[{"id":"v3.14","status":"stable"}]}}"#;
            for s in l.incoming() {
                let Ok(mut s) = s else { continue };
                let mut buf = [0u8; 4096];
                let _ = s.read(&mut buf);
                let _ = write!(
                    s,
                    "HTTP/1.1 300 Multiple Choices\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = s.write_all(body);
            }
        }));
    }
    let _ = std::io::stdout().flush();
    for t in threads {
        let _ = t.join();
    }
}
