//! A minimal HTTP/1.1 client over a std `TcpStream` and rustls, for the prober: one request
//! per fresh connection (`Connection: close`), one deadline over connect, TLS, writing and
//! reading, and bounded reads (the status line and headers at most [`HEAD_MAX_BYTES`], a body
//! at most what the caller allows). Blocking sockets, no runtime.
//!
//! Nothing here logs or formats a header value, a body or a query string: a [`Failure`]
//! names what went wrong (refused, reset, timeout, TLS, a malformed answer) and nothing the
//! request carried.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rustls::pki_types::{CertificateDer, ServerName, pem::PemObject as _};

/// Most bytes of the status line and headers of an answer.
pub const HEAD_MAX_BYTES: usize = 8 * 1024;
/// Most headers of an answer.
pub const HEAD_MAX_HEADERS: usize = 100;
/// How long a host name's addresses are reused before it is resolved again (curl's DNS
/// cache keeps them 60 s too).
pub const DNS_TTL: Duration = Duration::from_secs(60);
const USER_AGENT: &str = concat!("scs-release-probe/", env!("CARGO_PKG_VERSION"));

/// An `http` or `https` URL: host, port and the path with its query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Url {
    pub https: bool,
    /// A name or an IP address (IPv6 without brackets).
    pub host: String,
    pub port: u16,
    /// The path and query, starting with `/`.
    pub target: String,
}

impl Url {
    /// Parse `text`. Errors never quote the URL (its query may hold a credential); a URL with
    /// `user:password@` is refused for the same reason.
    pub fn parse(text: &str) -> Result<Url, String> {
        let t = text.trim();
        let (https, rest) = if let Some(r) = strip_prefix_ci(t, "https://") {
            (true, r)
        } else if let Some(r) = strip_prefix_ci(t, "http://") {
            (false, r)
        } else {
            return Err("not an http:// or https:// URL".into());
        };
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(end);
        if authority.contains('@') {
            return Err("a URL with a user name or password is not accepted (put credentials in clouds.yaml)".into());
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let close = v6.find(']').ok_or("an IPv6 host without its closing `]`")?;
            let host = &v6[..close];
            let after = &v6[close + 1..];
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err("text after the IPv6 host".into()),
            };
            (host.to_string(), port)
        } else {
            match authority.rsplit_once(':') {
                Some((h, p)) => (h.to_string(), Some(p)),
                None => (authority.to_string(), None),
            }
        };
        if host.is_empty()
            || !host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'))
        {
            return Err("the URL has no valid host".into());
        }
        let port = match port {
            None => {
                if https {
                    443
                } else {
                    80
                }
            }
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or("the URL's port is not a number from 1 to 65535")?,
        };
        let tail = tail.split('#').next().unwrap_or("");
        let target = if tail.starts_with('/') {
            tail.to_string()
        } else {
            format!("/{tail}")
        };
        if target.chars().any(|c| c.is_ascii_control() || c == ' ') {
            return Err("the URL's path has spaces or control characters".into());
        }
        Ok(Url {
            https,
            host: host.to_ascii_lowercase(),
            port,
            target,
        })
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("/")
    }

    /// `https://host:port` (the port only when it is not the scheme's default).
    pub fn origin(&self) -> String {
        let scheme = if self.https { "https" } else { "http" };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        if self.port == if self.https { 443 } else { 80 } {
            format!("{scheme}://{host}")
        } else {
            format!("{scheme}://{host}:{}", self.port)
        }
    }

    /// The URL without its query: safe to log and to show.
    pub fn safe(&self) -> String {
        format!("{}{}", self.origin(), self.path())
    }

    /// The same origin with another path and query.
    pub fn with_target(&self, target: &str) -> Url {
        Url {
            target: if target.starts_with('/') {
                target.to_string()
            } else {
                format!("/{target}")
            },
            ..self.clone()
        }
    }

    /// `rel` appended to this URL's path (one `/` between them); `rel` may carry a query.
    pub fn join(&self, rel: &str) -> Url {
        if rel.starts_with('?') {
            return self.with_target(&format!("{}{rel}", self.path()));
        }
        let base = self.path().trim_end_matches('/');
        self.with_target(&format!("{base}/{}", rel.trim_start_matches('/')))
    }

    fn host_header(&self) -> String {
        let o = self.origin();
        o.split_once("://")
            .map_or(o.clone(), |(_, h)| h.to_string())
    }
}

impl std::fmt::Display for Url {
    /// Shows [`Url::safe`]: never the query.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.safe())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    (s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix))
        .then(|| &s[prefix.len()..])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// One request on its own connection.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    pub url: Url,
    /// Extra headers (`X-Auth-Token`, `OpenStack-API-Version`); never logged.
    pub headers: Vec<(&'static str, String)>,
    /// A JSON body.
    pub body: Option<Vec<u8>>,
    /// Most body bytes to read; 0: stop after the headers.
    pub body_limit: usize,
    /// Over connect, TLS, writing and reading.
    pub timeout: Duration,
}

impl Request {
    pub fn get(url: Url, timeout: Duration) -> Request {
        Request {
            method: Method::Get,
            url,
            headers: Vec::new(),
            body: None,
            body_limit: 0,
            timeout,
        }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Request {
        self.headers.push((name, value.into()));
        self
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why no answer came. The [`Display`](std::fmt::Display) text is what the log's `error`
/// field says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    #[error("timeout")]
    Timeout,
    #[error("connection refused")]
    Refused,
    #[error("connection reset")]
    Reset,
    #[error("dns: {0}")]
    Dns(String),
    #[error("tls: {0}")]
    Tls(String),
    #[error("bad answer: {0}")]
    Protocol(String),
    #[error("{0}")]
    Io(String),
}

impl Failure {
    fn from_io(e: &io::Error) -> Failure {
        use io::ErrorKind as K;
        if let Some(inner) = e.get_ref()
            && let Some(tls) = inner.downcast_ref::<rustls::Error>()
        {
            return Failure::Tls(tls.to_string());
        }
        match e.kind() {
            K::TimedOut | K::WouldBlock => Failure::Timeout,
            K::ConnectionRefused => Failure::Refused,
            K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe => Failure::Reset,
            K::UnexpectedEof => Failure::Reset,
            _ => Failure::Io(e.kind().to_string()),
        }
    }
}

/// What sends a [`Request`]: the real client, or a fake in tests.
pub trait Transport: Send + Sync {
    fn send(&self, req: &Request) -> Result<Response, Failure>;
}

/// TLS settings: the system's roots plus `cacert`, or no verification at all.
pub fn tls_config(
    cacert: Option<&Path>,
    insecure: bool,
) -> Result<Arc<rustls::ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let config = if insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoVerify(provider)))
            .with_no_client_auth()
    } else {
        let mut roots = rustls::RootCertStore::empty();
        for c in rustls_native_certs::load_native_certs().certs {
            let _ = roots.add(c);
        }
        if let Some(path) = cacert {
            let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
                .map_err(|e| format!("{}: cannot read the CA bundle: {e}", path.display()))?
                .collect::<Result<_, _>>()
                .map_err(|e| format!("{}: not a PEM CA bundle: {e}", path.display()))?;
            if certs.is_empty() {
                return Err(format!(
                    "{}: no PEM certificate in the CA bundle",
                    path.display()
                ));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| format!("{}: a certificate is not usable: {e}", path.display()))?;
            }
        }
        if roots.is_empty() {
            return Err(
                "no CA certificates found on this system; give --cacert FILE (or `cacert` in clouds.yaml)"
                    .into(),
            );
        }
        builder.with_root_certificates(roots).with_no_client_auth()
    };
    Ok(Arc::new(config))
}

/// `--insecure` / `verify: false`: accepts any certificate (signatures are still checked).
#[derive(Debug)]
struct NoVerify(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for NoVerify {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The real transport: a fresh TCP (and TLS) connection per request.
pub struct Client {
    tls: Option<Arc<rustls::ClientConfig>>,
    dns: Mutex<Vec<DnsEntry>>,
}

/// Host, port, when resolved, the addresses.
type DnsEntry = (String, u16, Instant, Vec<SocketAddr>);

impl Client {
    /// `tls` is needed for `https` URLs.
    pub fn new(tls: Option<Arc<rustls::ClientConfig>>) -> Client {
        Client {
            tls,
            dns: Mutex::new(Vec::new()),
        }
    }

    fn resolve(&self, url: &Url) -> Result<Vec<SocketAddr>, Failure> {
        let now = Instant::now();
        {
            let cache = self.dns.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, _, addrs)) = cache.iter().find(|(h, p, at, _)| {
                h == &url.host && *p == url.port && now.duration_since(*at) < DNS_TTL
            }) {
                return Ok(addrs.clone());
            }
        }
        let addrs: Vec<SocketAddr> = (url.host.as_str(), url.port)
            .to_socket_addrs()
            .map_err(|e| Failure::Dns(format!("cannot resolve {}: {}", url.host, e.kind())))?
            .collect();
        if addrs.is_empty() {
            return Err(Failure::Dns(format!("{} has no address", url.host)));
        }
        let mut cache = self.dns.lock().unwrap_or_else(|e| e.into_inner());
        cache.retain(|(h, p, _, _)| !(h == &url.host && *p == url.port));
        cache.push((url.host.clone(), url.port, now, addrs.clone()));
        Ok(addrs)
    }

    fn connect(&self, url: &Url, deadline: Instant) -> Result<TcpStream, Failure> {
        let addrs = self.resolve(url)?;
        let mut last = Failure::Refused;
        for addr in addrs {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Failure::Timeout);
            }
            match TcpStream::connect_timeout(&addr, left) {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    return Ok(s);
                }
                Err(e) => last = Failure::from_io(&e),
            }
        }
        Err(last)
    }
}

impl Transport for Client {
    fn send(&self, req: &Request) -> Result<Response, Failure> {
        let deadline = Instant::now() + req.timeout;
        let tcp = self.connect(&req.url, deadline)?;
        let stream = Deadline { tcp, deadline };
        if req.url.https {
            let config = self
                .tls
                .clone()
                .ok_or_else(|| Failure::Tls("https is not set up".into()))?;
            let name = ServerName::try_from(req.url.host.clone())
                .map_err(|_| Failure::Tls("the host is not a valid TLS server name".into()))?;
            let conn = rustls::ClientConnection::new(config, name)
                .map_err(|e| Failure::Tls(e.to_string()))?;
            let mut tls = rustls::StreamOwned::new(conn, stream);
            let out = exchange(&mut tls, req);
            tls.conn.send_close_notify();
            let _ = tls.conn.complete_io(&mut tls.sock);
            out
        } else {
            let mut s = stream;
            exchange(&mut s, req)
        }
    }
}

/// A socket whose every read and write ends by one deadline.
struct Deadline {
    tcp: TcpStream,
    deadline: Instant,
}

impl Deadline {
    fn left(&self) -> io::Result<Duration> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            Err(io::ErrorKind::TimedOut.into())
        } else {
            Ok(left)
        }
    }
}

impl Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_read_timeout(Some(left))?;
        self.tcp.read(buf)
    }
}

impl Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let left = self.left()?;
        self.tcp.set_write_timeout(Some(left))?;
        self.tcp.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// The bytes of a request.
pub fn request_bytes(req: &Request) -> Vec<u8> {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {USER_AGENT}\r\nAccept: application/json\r\nConnection: close\r\n",
        req.method.as_str(),
        req.url.target,
        req.url.host_header()
    );
    for (k, v) in &req.headers {
        // A value with a line break would add headers: drop such a header.
        if !v.contains(['\r', '\n']) {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    if let Some(b) = &req.body {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            b.len()
        ));
    } else if req.method != Method::Get {
        head.push_str("Content-Length: 0\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    if let Some(b) = &req.body {
        out.extend_from_slice(b);
    }
    out
}

/// Write the request and read the answer from `s`.
pub fn exchange<S: Read + Write>(s: &mut S, req: &Request) -> Result<Response, Failure> {
    s.write_all(&request_bytes(req))
        .and_then(|()| s.flush())
        .map_err(|e| Failure::from_io(&e))?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 2048];
    let head_end = loop {
        if let Some(i) = find(&buf, b"\r\n\r\n") {
            break i + 4;
        }
        if buf.len() > HEAD_MAX_BYTES {
            return Err(Failure::Protocol(format!(
                "the status line and headers are longer than {HEAD_MAX_BYTES} bytes"
            )));
        }
        let n = s.read(&mut chunk).map_err(|e| Failure::from_io(&e))?;
        if n == 0 {
            return Err(if buf.is_empty() {
                Failure::Reset
            } else {
                Failure::Protocol("the connection closed inside the headers".into())
            });
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    if head_end > HEAD_MAX_BYTES {
        return Err(Failure::Protocol(format!(
            "the status line and headers are longer than {HEAD_MAX_BYTES} bytes"
        )));
    }
    let mut resp = parse_head(&buf[..head_end])?;
    if req.body_limit == 0 {
        return Ok(resp);
    }
    let mut rest = buf[head_end..].to_vec();
    let limit = req.body_limit;
    let too_large =
        || Failure::Protocol(format!("the body is larger than {limit} bytes (the limit)"));
    let chunked = resp
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let length = resp
        .header("content-length")
        .map(|v| v.trim().parse::<usize>())
        .transpose()
        .map_err(|_| Failure::Protocol("Content-Length is not a number".into()))?;
    if matches!(resp.status, 100..=199 | 204 | 304) {
        return Ok(resp);
    }
    let mut read_more = |rest: &mut Vec<u8>| -> Result<bool, Failure> {
        let n = s.read(&mut chunk).map_err(|e| Failure::from_io(&e))?;
        rest.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    };
    if chunked {
        let mut body = Vec::new();
        let mut at = 0;
        loop {
            let line_end = loop {
                if let Some(i) = find(&rest[at..], b"\r\n") {
                    break at + i;
                }
                if rest.len() - at > 1024 {
                    return Err(Failure::Protocol("a chunk size line is too long".into()));
                }
                if !read_more(&mut rest)? {
                    return Err(Failure::Protocol(
                        "the connection closed inside a chunk".into(),
                    ));
                }
            };
            let size_text = String::from_utf8_lossy(&rest[at..line_end]);
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
                .map_err(|_| Failure::Protocol("a chunk size is not hexadecimal".into()))?;
            at = line_end + 2;
            if size == 0 {
                break;
            }
            if body.len() + size > limit {
                return Err(too_large());
            }
            while rest.len() < at + size + 2 {
                if !read_more(&mut rest)? {
                    return Err(Failure::Protocol(
                        "the connection closed inside a chunk".into(),
                    ));
                }
            }
            body.extend_from_slice(&rest[at..at + size]);
            at += size + 2;
            // Keep the buffer small: drop what was consumed.
            rest.drain(..at);
            at = 0;
        }
        resp.body = body;
    } else if let Some(len) = length {
        if len > limit {
            return Err(too_large());
        }
        while rest.len() < len {
            if !read_more(&mut rest)? {
                return Err(Failure::Protocol(
                    "the connection closed before the end of the body".into(),
                ));
            }
        }
        rest.truncate(len);
        resp.body = rest;
    } else {
        while read_more(&mut rest)? {
            if rest.len() > limit {
                return Err(too_large());
            }
        }
        resp.body = rest;
    }
    Ok(resp)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn parse_head(head: &[u8]) -> Result<Response, Failure> {
    let text = std::str::from_utf8(head)
        .map_err(|_| Failure::Protocol("the headers are not UTF-8".into()))?;
    let mut lines = text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(Failure::Protocol("not an HTTP/1.x status line".into()));
    }
    let status = parts
        .next()
        .and_then(|c| c.parse::<u16>().ok())
        .filter(|c| (100..=999).contains(c))
        .ok_or_else(|| Failure::Protocol("the status line has no status code".into()))?;
    let mut headers = Vec::new();
    for line in lines.filter(|l| !l.is_empty()) {
        if headers.len() == HEAD_MAX_HEADERS {
            return Err(Failure::Protocol(format!(
                "more than {HEAD_MAX_HEADERS} headers"
            )));
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| Failure::Protocol("a header line without `:`".into()))?;
        headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
    }
    Ok(Response {
        status,
        headers,
        body: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::TcpListener;

    #[test]
    fn urls_parse_and_never_show_their_query() {
        let u = Url::parse("https://API.example:8774/v2.1/abc?token=s3cret#x").unwrap();
        assert_eq!(
            (u.https, u.host.as_str(), u.port),
            (true, "api.example", 8774)
        );
        assert_eq!(u.target, "/v2.1/abc?token=s3cret");
        assert_eq!(u.to_string(), "https://api.example:8774/v2.1/abc");
        assert_eq!(Url::parse("http://h").unwrap().safe(), "http://h/");
        assert_eq!(
            Url::parse("http://[::1]:80/x").unwrap().origin(),
            "http://[::1]"
        );
        assert_eq!(
            Url::parse("http://h:1/v2.0")
                .unwrap()
                .join("networks?limit=1")
                .target,
            "/v2.0/networks?limit=1"
        );
        for bad in [
            "ftp://h/",
            "https://user:pw@h/",
            "http://:80/",
            "http://h:0/",
            "http://h:x/",
        ] {
            let e = Url::parse(bad).unwrap_err();
            assert!(!e.contains("pw"), "{e}");
        }
    }

    fn serve(answer: &'static [u8]) -> Url {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        std::thread::spawn(move || {
            if let Ok((mut s, _)) = l.accept() {
                let mut b = [0u8; 4096];
                let _ = s.read(&mut b);
                let _ = s.write_all(answer);
            }
        });
        Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap()
    }

    fn get(url: Url, body_limit: usize) -> Result<Response, Failure> {
        let mut r = Request::get(url, Duration::from_secs(2));
        r.body_limit = body_limit;
        Client::new(None).send(&r)
    }

    #[test]
    fn answers_are_read_with_bounds() {
        let r = get(
            serve(b"HTTP/1.1 300 Multiple Choices\r\nContent-Length: 2\r\nX-Subject-Token: t\r\n\r\n{}"),
            100,
        )
        .unwrap();
        assert_eq!((r.status, r.body.as_slice()), (300, &b"{}"[..]));
        assert_eq!(r.header("x-subject-token"), Some("t"));
        let r = get(
            serve(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x\r\nde\r\n0\r\n\r\n"),
            100,
        )
        .unwrap();
        assert_eq!(r.body, b"abcde");
        let e = get(
            serve(b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n"),
            100,
        )
        .unwrap_err();
        assert!(e.to_string().contains("larger than 100"), "{e}");
        let e = get(serve(b"garbage\r\n\r\n"), 0).unwrap_err();
        assert!(matches!(e, Failure::Protocol(_)), "{e}");
        let e = get(serve(b""), 0).unwrap_err();
        assert_eq!(e, Failure::Reset);
    }

    #[test]
    fn refused_and_stalled_connections_fail_within_the_timeout() {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        let url = Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
        assert_eq!(get(url, 0).unwrap_err(), Failure::Refused);
        // Accepts (the backlog does) and never answers.
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", l.local_addr().unwrap())).unwrap();
        let started = Instant::now();
        let r = Client::new(None).send(&Request::get(url, Duration::from_millis(300)));
        assert_eq!(r.unwrap_err(), Failure::Timeout);
        assert!(started.elapsed() < Duration::from_secs(2));
        drop(l);
    }

    #[test]
    fn requests_close_the_connection_and_drop_header_injection() {
        let mut r = Request::get(
            Url::parse("http://h:8080/v3/auth/tokens").unwrap(),
            Duration::from_secs(1),
        )
        .header("X-Auth-Token", "a\r\nEvil: 1");
        r.method = Method::Delete;
        let text = String::from_utf8(request_bytes(&r)).unwrap();
        assert!(text.starts_with("DELETE /v3/auth/tokens HTTP/1.1\r\nHost: h:8080\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(!text.contains("Evil"));
    }
}
