//! GitHub through octocrab: batched GraphQL for the readiness cells, REST with an ETag cache
//! for anything GraphQL lacks, bounded concurrency, and our own retry handling:
//!
//! - 403/429 with `retry-after`, or with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`,
//!   or with a "secondary rate limit" message: wait as told (60 s when nothing says how long),
//!   as long as the total wait stays within `max_wait`; otherwise give up with
//!   [`ForgeError::RateLimited`] naming the reset time.
//! - GraphQL rate limits arrive as HTTP 200 with `errors[].type` `RATE_LIMITED` or
//!   `RATE_LIMIT`: handled the same way.
//! - 5xx: retried up to [`SERVER_ERROR_RETRIES`] times with a short backoff.
//! - 401: [`ForgeError::BadCredentials`] (a 401 also carries `remaining: 0`; the status decides).
//! - no answer within `timeout`: [`ForgeError::Timeout`]; a body that is not JSON:
//!   [`ForgeError::Malformed`].
//!
//! octocrab's own retry layer is switched off (it waits at least 5 s on primary limits and
//! has no total bound). The token is only ever handed to octocrab (which marks the header
//! sensitive); it is not in any message, log line or `Debug` output.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::StreamExt;
use http::HeaderMap;
use octocrab::Octocrab;

use super::cache::{AnswerCache, EtagCache, EtagEntry, blockers_key};
use super::graphql::{self, Envelope, MAX_BATCH};
use super::{Answer, BlockerQuery, ForgeError, RepoQuery, RepoResult, Stats};
use crate::base::progress::Progress;

pub const DEFAULT_API: &str = "https://api.github.com";
/// Retries of a request that got a 5xx.
pub const SERVER_ERROR_RETRIES: u32 = 3;
/// Wait when a rate limit says nothing about how long (GitHub's docs: "at least one minute").
const DEFAULT_LIMIT_WAIT: u64 = 60;

/// How to talk to GitHub.
#[derive(Clone)]
pub struct GitHubConfig {
    /// REST API root: `https://api.github.com`, or `https://ghe.example.com/api/v3` for
    /// GitHub Enterprise (GraphQL is then `…/api/graphql`).
    pub api_url: String,
    /// Never printed; see the `Debug` impl.
    pub token: Option<String>,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// Total time all requests together may spend waiting for rate limits.
    pub max_wait: Duration,
    /// Per-request time limit (sending and reading the answer).
    pub timeout: Duration,
    /// Cache root for ETags and answers; `None` = no caching.
    pub cache_dir: Option<PathBuf>,
}

impl std::fmt::Debug for GitHubConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubConfig")
            .field("api_url", &self.api_url)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("concurrency", &self.concurrency)
            .field("max_wait", &self.max_wait)
            .field("timeout", &self.timeout)
            .field("cache_dir", &self.cache_dir)
            .finish()
    }
}

impl Default for GitHubConfig {
    fn default() -> Self {
        GitHubConfig {
            api_url: DEFAULT_API.into(),
            token: None,
            concurrency: 4,
            max_wait: Duration::from_secs(60),
            timeout: Duration::from_secs(30),
            cache_dir: None,
        }
    }
}

/// The token for `api_url`: `GITHUB_TOKEN`, else `GH_TOKEN`, else what `gh auth token` says
/// (the GitHub CLI's login; `--hostname HOST` for GitHub Enterprise). `SCS_RELEASE_GH` names
/// the gh binary (default `gh` on PATH); empty, it is not asked.
pub fn token(api_url: &str) -> Option<String> {
    token_from_env().or_else(|| token_from_gh(api_url))
}

fn token_from_gh(api_url: &str) -> Option<String> {
    let gh = match std::env::var_os("SCS_RELEASE_GH") {
        Some(v) if v.is_empty() => return None,
        Some(v) => std::path::PathBuf::from(v),
        None => std::path::PathBuf::from("gh"),
    };
    let mut cmd = std::process::Command::new(gh);
    cmd.args(["auth", "token"]);
    let host = http::Uri::try_from(api_url)
        .ok()
        .and_then(|u| u.host().map(str::to_string))
        .filter(|h| h != "api.github.com");
    if let Some(h) = host {
        cmd.args(["--hostname", &h]);
    }
    let out = cmd
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let t = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !t.is_empty() && !t.contains(char::is_whitespace)).then_some(t)
}

/// The token from `GITHUB_TOKEN`, else `GH_TOKEN` (empty values ignored).
fn token_from_env() -> Option<String> {
    ["GITHUB_TOKEN", "GH_TOKEN"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
}

/// A raw answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

enum Method<'a> {
    Get(HeaderMap),
    Post(&'a serde_json::Value),
}

/// The GitHub client.
pub struct GitHub {
    octo: Octocrab,
    /// `scheme://host[:port]`, for messages.
    base: String,
    rest_prefix: String,
    graphql_path: String,
    cfg: GitHubConfig,
    etags: EtagCache,
    answers: AnswerCache,
    stats: Mutex<Stats>,
    /// Rate-limit waiting still allowed.
    budget: Mutex<Duration>,
    /// How the client waits between tries: the Tokio timer, or in tests a recorder (a
    /// paused Tokio clock would fire the request timeouts early while a real socket waits).
    sleep: Sleep,
}

/// Waits for a duration.
type Sleep = std::sync::Arc<
    dyn Fn(Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>
        + Send
        + Sync,
>;

impl std::fmt::Debug for GitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHub")
            .field("base", &self.base)
            .field("cfg", &self.cfg)
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn header_u64(h: &HeaderMap, name: &str) -> Option<u64> {
    h.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// GitHub's `message` from an error body, else the start of the body.
fn error_message(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct E {
        message: String,
    }
    match serde_json::from_str::<E>(body) {
        Ok(e) => e.message,
        Err(_) => {
            let t: String = body.trim().chars().take(120).collect();
            if t.is_empty() {
                "(empty body)".into()
            } else {
                t
            }
        }
    }
}

fn rfc3339(epoch: u64) -> Option<String> {
    jiff::Timestamp::from_second(epoch as i64)
        .ok()
        .map(|t| t.to_string())
}

/// How long a rate-limited answer asks us to wait, and when the limit resets.
struct LimitWait {
    secs: u64,
    reset: Option<String>,
    secondary: bool,
}

fn limit_wait(status: u16, h: &HeaderMap, message: &str) -> Option<LimitWait> {
    let secondary = message.to_ascii_lowercase().contains("secondary rate")
        || message.to_ascii_lowercase().contains("abuse");
    let reset_epoch = header_u64(h, "x-ratelimit-reset");
    let reset = reset_epoch.and_then(rfc3339);
    if let Some(s) = header_u64(h, "retry-after") {
        return Some(LimitWait {
            secs: s,
            reset,
            secondary,
        });
    }
    if header_u64(h, "x-ratelimit-remaining") == Some(0)
        && let Some(r) = reset_epoch
    {
        let now = jiff::Timestamp::now().as_second().max(0) as u64;
        return Some(LimitWait {
            secs: r.saturating_sub(now),
            reset,
            secondary,
        });
    }
    let says_limit = secondary || message.to_ascii_lowercase().contains("rate limit");
    if status == 429 || says_limit {
        return Some(LimitWait {
            secs: DEFAULT_LIMIT_WAIT,
            reset,
            secondary,
        });
    }
    None
}

impl GitHub {
    /// Build the client. Must run inside a Tokio runtime (octocrab spawns a worker).
    pub fn new(cfg: GitHubConfig) -> Result<GitHub, ForgeError> {
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(ForgeError::Transport {
                base: cfg.api_url.clone(),
                what: "client setup".into(),
                detail: "GitHub::new needs a Tokio runtime".into(),
            });
        }
        let bad = |detail: &str| ForgeError::BadUrl {
            url: cfg.api_url.clone(),
            detail: detail.into(),
        };
        let uri: http::Uri = cfg
            .api_url
            .trim_end_matches('/')
            .parse()
            .map_err(|_| bad("not a URL"))?;
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Err(bad("needs scheme and host, e.g. https://api.github.com"));
        };
        let base = format!("{scheme}://{authority}");
        let path = uri.path().trim_end_matches('/').to_string();
        // GHE: REST at /api/v3, GraphQL at /api/graphql; github.com: /graphql beside REST.
        let graphql_path = match path.strip_suffix("/v3") {
            Some(api) => format!("{api}/graphql"),
            None => format!("{path}/graphql"),
        };
        let mut builder = Octocrab::builder()
            .base_uri(base.as_str())
            .map_err(|_| bad("not a URL"))?
            .add_retry_config(octocrab::service::middleware::retry::RetryConfig::None);
        if let Some(t) = &cfg.token {
            builder = builder.personal_token(t.clone());
        }
        let octo = builder.build().map_err(|e| ForgeError::Transport {
            base: base.clone(),
            what: "client setup".into(),
            detail: e.to_string(),
        })?;
        Ok(GitHub {
            octo,
            base,
            rest_prefix: path,
            graphql_path,
            etags: EtagCache::new(cfg.cache_dir.as_deref()),
            answers: AnswerCache::new(cfg.cache_dir.as_deref()),
            budget: Mutex::new(cfg.max_wait),
            cfg,
            stats: Mutex::new(Stats::default()),
            sleep: std::sync::Arc::new(|d| Box::pin(tokio::time::sleep(d))),
        })
    }

    pub fn has_token(&self) -> bool {
        self.cfg.token.is_some()
    }

    pub fn config(&self) -> &GitHubConfig {
        &self.cfg
    }

    /// One HTTP exchange, without retries.
    async fn exchange(
        &self,
        path: &str,
        method: &Method<'_>,
        what: &str,
    ) -> Result<Response, ForgeError> {
        {
            let mut s = lock(&self.stats);
            s.requests += 1;
        }
        let ms = self.cfg.timeout.as_millis();
        let limit = if ms.is_multiple_of(1000) {
            format!("{}s", ms / 1000)
        } else {
            format!("{ms}ms")
        };
        let fut = async {
            let resp = match method {
                Method::Get(h) => self.octo._get_with_headers(path, Some(h.clone())).await,
                Method::Post(body) => self.octo._post(path, Some(*body)).await,
            }
            .map_err(|e| ForgeError::Transport {
                base: self.base.clone(),
                what: what.to_string(),
                detail: e.to_string(),
            })?;
            let status = resp.status().as_u16();
            let headers = resp.headers().clone();
            let body = self
                .octo
                .body_to_string(resp)
                .await
                .map_err(|e| ForgeError::Transport {
                    base: self.base.clone(),
                    what: what.to_string(),
                    detail: e.to_string(),
                })?;
            Ok(Response {
                status,
                headers,
                body,
            })
        };
        match tokio::time::timeout(self.cfg.timeout, fut).await {
            Ok(r) => r,
            Err(_) => Err(ForgeError::Timeout {
                what: what.to_string(),
                limit,
            }),
        }
    }

    /// Take `secs` out of the waiting budget and sleep, or fail when it does not fit.
    async fn wait_for_limit(
        &self,
        w: &LimitWait,
        what: &str,
        progress: &dyn Progress,
    ) -> Result<(), ForgeError> {
        let need = Duration::from_secs(w.secs);
        {
            let mut left = lock(&self.budget);
            if need > *left {
                return Err(ForgeError::RateLimited {
                    what: what.to_string(),
                    needed_secs: w.secs,
                    max_wait_secs: self.cfg.max_wait.as_secs(),
                    reset: w.reset.clone(),
                    secondary: w.secondary,
                });
            }
            *left -= need;
        }
        progress.note(&format!(
            "GitHub rate limit{} on {what}: waiting {}s before retrying",
            if w.secondary { " (secondary)" } else { "" },
            w.secs
        ));
        {
            let mut s = lock(&self.stats);
            s.waited_secs += w.secs;
            s.retries += 1;
        }
        (self.sleep)(need).await;
        Ok(())
    }

    /// Send with the retry rules of this module. Returns 2xx and 304 answers; every other
    /// outcome is an error.
    async fn send(
        &self,
        path: &str,
        method: Method<'_>,
        what: &str,
        progress: &dyn Progress,
    ) -> Result<Response, ForgeError> {
        // Writes (REST POST) are not repeated after a 5xx: the first try may have succeeded.
        let idempotent = !matches!(method, Method::Post(_)) || path == self.graphql_path;
        let mut server_errors = if idempotent { 0 } else { SERVER_ERROR_RETRIES };
        loop {
            let r = self.exchange(path, &method, what).await?;
            if let Some(rem) = header_u64(&r.headers, "x-ratelimit-remaining")
                && r.status != 401
            {
                let mut s = lock(&self.stats);
                s.rate_remaining = Some(s.rate_remaining.map_or(rem, |o| o.min(rem)));
            }
            match r.status {
                200..=299 | 304 => return Ok(r),
                401 => {
                    return Err(ForgeError::BadCredentials {
                        message: error_message(&r.body),
                    });
                }
                403 | 429 => {
                    let message = error_message(&r.body);
                    match limit_wait(r.status, &r.headers, &message) {
                        Some(w) => self.wait_for_limit(&w, what, progress).await?,
                        None => {
                            return Err(ForgeError::Http {
                                status: r.status,
                                what: what.to_string(),
                                message,
                            });
                        }
                    }
                }
                500..=599 if server_errors < SERVER_ERROR_RETRIES => {
                    server_errors += 1;
                    lock(&self.stats).retries += 1;
                    progress.note(&format!(
                        "GitHub answered {} for {what}; retrying ({server_errors}/{SERVER_ERROR_RETRIES})",
                        r.status
                    ));
                    (self.sleep)(Duration::from_millis(100 << server_errors)).await;
                }
                status => {
                    return Err(ForgeError::Http {
                        status,
                        what: what.to_string(),
                        message: error_message(&r.body),
                    });
                }
            }
        }
    }

    /// A GraphQL query; GraphQL rate-limit errors (HTTP 200) are waited out like REST ones.
    pub async fn graphql(
        &self,
        query: &str,
        what: &str,
        progress: &dyn Progress,
    ) -> Result<Envelope, ForgeError> {
        if !self.has_token() {
            return Err(ForgeError::NoToken);
        }
        let body = serde_json::json!({ "query": query });
        loop {
            lock(&self.stats).graphql_queries += 1;
            let r = self
                .send(&self.graphql_path, Method::Post(&body), what, progress)
                .await?;
            let env: Envelope =
                serde_json::from_str(&r.body).map_err(|e| ForgeError::Malformed {
                    what: what.to_string(),
                    detail: e.to_string(),
                })?;
            if let Some(e) = env.errors.iter().find(|e| e.is_rate_limit()) {
                let reset_epoch = header_u64(&r.headers, "x-ratelimit-reset");
                let now = jiff::Timestamp::now().as_second().max(0) as u64;
                let w = LimitWait {
                    secs: header_u64(&r.headers, "retry-after")
                        .or_else(|| reset_epoch.map(|t| t.saturating_sub(now)))
                        .unwrap_or(DEFAULT_LIMIT_WAIT),
                    reset: reset_epoch.and_then(rfc3339),
                    secondary: e.message.to_ascii_lowercase().contains("secondary"),
                };
                self.wait_for_limit(&w, what, progress).await?;
                continue;
            }
            if env.data.is_none() {
                return Err(ForgeError::GraphQl {
                    what: what.to_string(),
                    message: env
                        .errors
                        .first()
                        .map(|e| e.message.clone())
                        .unwrap_or_else(|| "no data in the answer".into()),
                });
            }
            return Ok(env);
        }
    }

    /// GET a REST path (below the API root, e.g. `/repos/o/r/commits/SHA/check-runs`),
    /// revalidating a cached answer with `If-None-Match`. Returns the body text.
    pub async fn rest_get(
        &self,
        path: &str,
        progress: &dyn Progress,
    ) -> Result<String, ForgeError> {
        let full = format!("{}{path}", self.rest_prefix);
        let cached = self.etags.get(&full);
        let mut headers = HeaderMap::new();
        if let Some(c) = &cached
            && let Ok(v) = http::HeaderValue::from_str(&c.etag)
        {
            headers.insert(http::header::IF_NONE_MATCH, v);
        }
        lock(&self.stats).rest_requests += 1;
        let what = format!("GET {path}");
        let r = self
            .send(&full, Method::Get(headers), &what, progress)
            .await?;
        if r.status == 304
            && let Some(c) = cached
        {
            lock(&self.stats).not_modified += 1;
            return Ok(c.body);
        }
        if r.status == 304 {
            return Err(ForgeError::Http {
                status: 304,
                what,
                message: "Not Modified without a cached answer".into(),
            });
        }
        if let Some(etag) = r
            .headers
            .get(http::header::ETAG)
            .and_then(|v| v.to_str().ok())
        {
            self.etags.put(&EtagEntry {
                url: full,
                etag: etag.to_string(),
                body: r.body.clone(),
            });
        }
        Ok(r.body)
    }

    /// GET a REST path and decode the JSON.
    pub async fn rest_get_json<T: for<'de> serde::Deserialize<'de>>(
        &self,
        path: &str,
        progress: &dyn Progress,
    ) -> Result<T, ForgeError> {
        let body = self.rest_get(path, progress).await?;
        serde_json::from_str(&body).map_err(|e| ForgeError::Malformed {
            what: format!("GET {path}"),
            detail: e.to_string(),
        })
    }

    /// POST JSON to a REST path (below the API root). Rate limits are waited out as for every
    /// request (GitHub did not act on a rate-limited request), but a 5xx is **not** retried:
    /// the write may have happened; callers re-check (e.g. the tag journal of `rc cut`).
    pub async fn rest_post(
        &self,
        path: &str,
        body: &serde_json::Value,
        progress: &dyn Progress,
    ) -> Result<Response, ForgeError> {
        let full = format!("{}{path}", self.rest_prefix);
        lock(&self.stats).rest_requests += 1;
        self.send(&full, Method::Post(body), &format!("POST {path}"), progress)
            .await
    }

    /// The cached answer of a query (for `--offline`).
    pub fn cached_answer(&self, q: &RepoQuery, blockers: &BlockerQuery) -> Option<Answer> {
        self.answers.get(q, &blockers_key(blockers))
    }

    async fn batch(
        &self,
        batch: &[RepoQuery],
        blockers: &BlockerQuery,
        n: usize,
        of: usize,
        progress: &dyn Progress,
    ) -> Vec<RepoResult> {
        let what = format!("GraphQL batch {n}/{of} ({} repositories)", batch.len());
        let query = graphql::build_query(batch, blockers);
        let out: Vec<RepoResult> = match self.graphql(&query, &what, progress).await {
            Err(e) => batch.iter().map(|_| Err(e.clone())).collect(),
            Ok(env) => {
                let now = jiff::Timestamp::now();
                graphql::split_answer(batch, &env, blockers)
                    .into_iter()
                    .map(|r| {
                        r.map(|state| Answer {
                            state,
                            fetched_at: now,
                            cached: false,
                        })
                    })
                    .collect()
            }
        };
        let key = blockers_key(blockers);
        for (q, r) in batch.iter().zip(&out) {
            if let Ok(a) = r {
                self.answers.put(q, &key, a);
            }
        }
        progress.advance(batch.len() as u64, &format!("GraphQL batch {n}/{of}"));
        out
    }
}

impl GitHub {
    /// Answer every query, in the order given (batches of [`MAX_BATCH`], at most
    /// `concurrency` in flight). Never fails as a whole: each query gets its own result.
    pub async fn repo_states(
        &self,
        queries: &[RepoQuery],
        blockers: &BlockerQuery,
        progress: &dyn Progress,
    ) -> Vec<RepoResult> {
        if queries.is_empty() {
            return Vec::new();
        }
        progress.start("GitHub repositories", queries.len() as u64);
        if !self.has_token() {
            progress.finish();
            return queries.iter().map(|_| Err(ForgeError::NoToken)).collect();
        }
        let chunks: Vec<&[RepoQuery]> = queries.chunks(MAX_BATCH).collect();
        let of = chunks.len();
        let started = Instant::now();
        let mut results: Vec<(usize, Vec<RepoResult>)> =
            futures::stream::iter(chunks.into_iter().enumerate().map(|(i, c)| async move {
                (i, self.batch(c, blockers, i + 1, of, progress).await)
            }))
            .buffer_unordered(self.cfg.concurrency.max(1))
            .collect()
            .await;
        results.sort_by_key(|(i, _)| *i);
        tracing::debug!("GitHub scan took {:?}", started.elapsed());
        progress.finish();
        results.into_iter().flat_map(|(_, r)| r).collect()
    }

    /// Counters so far.
    pub fn stats(&self) -> Stats {
        lock(&self.stats).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn debug_never_shows_the_token() {
        let cfg = GitHubConfig {
            token: Some("ghp_supersecret".into()),
            ..GitHubConfig::default()
        };
        assert!(!format!("{cfg:?}").contains("supersecret"));
        let gh = GitHub::new(cfg).unwrap();
        assert!(!format!("{gh:?}").contains("supersecret"));
    }

    #[tokio::test]
    async fn enterprise_paths() {
        let gh = GitHub::new(GitHubConfig {
            api_url: "https://ghe.example.com/api/v3/".into(),
            ..GitHubConfig::default()
        })
        .unwrap();
        assert_eq!(gh.graphql_path, "/api/graphql");
        assert_eq!(gh.rest_prefix, "/api/v3");
        let gh = GitHub::new(GitHubConfig::default()).unwrap();
        assert_eq!(gh.graphql_path, "/graphql");
        assert!(matches!(
            GitHub::new(GitHubConfig {
                api_url: "nope".into(),
                ..GitHubConfig::default()
            }),
            Err(ForgeError::BadUrl { .. })
        ));
    }

    #[test]
    fn limit_rules() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-remaining", "0".parse().unwrap());
        // 401 is handled before; a 403 with remaining 0 and no reset is a permission error
        assert!(limit_wait(403, &h, "Resource not accessible by integration").is_none());
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(limit_wait(403, &h, "x").unwrap().secs, 7);
        let h = HeaderMap::new();
        assert_eq!(limit_wait(429, &h, "").unwrap().secs, DEFAULT_LIMIT_WAIT);
        assert!(
            limit_wait(403, &h, "You have exceeded a secondary rate limit")
                .unwrap()
                .secondary
        );
    }

    /// REST GETs revalidate with the stored ETag: the second answer is a 304 and the body
    /// comes from the cache (real check-runs body and ETag header shape from the fixtures).
    #[tokio::test]
    async fn rest_etag_cache_turns_repeats_into_304s() {
        use wiremock::matchers::{header, method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/fixtures/github/rest-check-runs.json"
        ))
        .unwrap_or_else(|_| r#"{"total_count":0,"check_runs":[]}"#.into());
        let server = MockServer::start().await;
        let etag = r#"W/"3f4a76a23708f483c60f4df2840f7b5f0ce3b57e1627434b494bd6fb48fb0816""#;
        let p = "/repos/o/r/commits/abc/check-runs";
        Mock::given(method("GET"))
            .and(path(p))
            .and(header("if-none-match", etag))
            .respond_with(ResponseTemplate::new(304).insert_header("etag", etag))
            .expect(1)
            .with_priority(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(p))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("etag", etag)
                    .insert_header("x-ratelimit-remaining", "4987")
                    .set_body_string(body.clone()),
            )
            .expect(1)
            .with_priority(2)
            .mount(&server)
            .await;
        let cache = tempfile::tempdir().unwrap();
        let cfg = GitHubConfig {
            api_url: server.uri(),
            token: Some("t".into()),
            cache_dir: Some(cache.path().to_path_buf()),
            ..GitHubConfig::default()
        };
        let gh = GitHub::new(cfg.clone()).unwrap();
        let first = gh
            .rest_get(p, &crate::base::progress::NoProgress)
            .await
            .unwrap();
        // a new client (next run) with the same cache directory
        let gh2 = GitHub::new(cfg).unwrap();
        let second = gh2
            .rest_get(p, &crate::base::progress::NoProgress)
            .await
            .unwrap();
        assert_eq!(first, body);
        assert_eq!(second, body);
        assert_eq!(gh2.stats().not_modified, 1);
        assert_eq!(gh.stats().rate_remaining, Some(4987));
        let runs: serde_json::Value = serde_json::from_str(&second).unwrap();
        assert!(runs.get("total_count").is_some());
    }

    /// A REST write that gets a 5xx is not repeated (it may have happened); a read is.
    #[tokio::test]
    async fn writes_are_not_repeated_after_a_server_error() {
        use wiremock::matchers::{method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/repos/o/r/git/refs"))
            .respond_with(ResponseTemplate::new(502))
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path("/repos/o/r/git/ref/tags/v1"))
            .respond_with(ResponseTemplate::new(503))
            .expect(u64::from(SERVER_ERROR_RETRIES) + 1)
            .mount(&server)
            .await;
        let mut gh = GitHub::new(GitHubConfig {
            api_url: server.uri(),
            token: Some("t".into()),
            ..GitHubConfig::default()
        })
        .unwrap();
        // The waits are recorded, not slept.
        let waits = std::sync::Arc::new(Mutex::new(Vec::new()));
        let record = waits.clone();
        gh.sleep = std::sync::Arc::new(move |d| {
            lock(&record).push(d);
            Box::pin(async {})
        });
        let p = crate::base::progress::NoProgress;
        let e = gh
            .rest_post("/repos/o/r/git/refs", &serde_json::json!({}), &p)
            .await
            .unwrap_err();
        assert!(matches!(e, ForgeError::Http { status: 502, .. }), "{e}");
        let e = gh
            .rest_get("/repos/o/r/git/ref/tags/v1", &p)
            .await
            .unwrap_err();
        assert!(matches!(e, ForgeError::Http { status: 503, .. }), "{e}");
        // No wait before giving up on the write; 200, 400, 800 ms between the reads' tries.
        let ms: Vec<u128> = lock(&waits).iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [200, 400, 800]);
    }
}
