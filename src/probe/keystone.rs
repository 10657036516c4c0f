//! Keystone v3: `POST /v3/auth/tokens` with a password or an application credential, the
//! token from the `X-Subject-Token` header, the service catalog from the body, and a token
//! that renews itself [`RENEW_BEFORE`] its expiry.
//!
//! Errors say which Keystone URL (without query) and what happened (unreachable, refused
//! credentials, a malformed answer); never a password, a secret, a token or the body.

use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;

use super::clouds::{Cloud, Credentials, Named, Secret};
use super::endpoints::{self, Endpoint};
use super::error::ProbeError;
use super::http::{Failure, Method, Request, Transport, Url};

/// Largest token answer read (a catalog of a large cloud is tens of KiB).
pub const CATALOG_MAX_BYTES: usize = 4 * 1024 * 1024;
/// A token is renewed this long before it expires.
pub const RENEW_BEFORE: Duration = Duration::from_secs(300);
/// After a failed renewal, the next try waits this long.
pub const RENEW_RETRY: Duration = Duration::from_secs(10);
/// Time allowed for one authentication.
pub const AUTH_TIMEOUT: Duration = Duration::from_secs(10);

/// `…/v3/auth/tokens` of an `auth_url` with or without `/v3`.
pub fn tokens_url(auth_url: &Url) -> Url {
    let p = auth_url.path().trim_end_matches('/');
    if p.ends_with("/v3") {
        auth_url.join("auth/tokens")
    } else {
        auth_url.with_target(&format!("{p}/v3/auth/tokens"))
    }
}

fn named(n: &Named) -> serde_json::Value {
    match n {
        Named::Id(id) => json!({ "id": id }),
        Named::Name { name, domain } => match domain {
            Some(d) => json!({ "name": name, "domain": named(d) }),
            None => json!({ "name": name }),
        },
    }
}

/// The body of `POST /v3/auth/tokens`.
pub fn auth_body(c: &Credentials) -> Vec<u8> {
    let doc = match c {
        Credentials::Password {
            user,
            password,
            project,
        } => {
            let mut u = named(user);
            u["password"] = json!(password.expose());
            let mut auth = json!({
                "identity": { "methods": ["password"], "password": { "user": u } }
            });
            if let Some(p) = project {
                auth["scope"] = json!({ "project": named(p) });
            }
            json!({ "auth": auth })
        }
        Credentials::ApplicationCredential {
            id,
            name,
            user,
            secret,
        } => {
            let mut ac = json!({ "secret": secret.expose() });
            if let Some(id) = id {
                ac["id"] = json!(id);
            } else {
                ac["name"] = json!(name);
                if let Some(u) = user {
                    ac["user"] = named(u);
                }
            }
            json!({ "auth": { "identity": {
                "methods": ["application_credential"], "application_credential": ac
            } } })
        }
    };
    serde_json::to_vec(&doc).unwrap_or_default()
}

#[derive(Debug, Deserialize)]
struct TokenDoc {
    token: TokenBody,
}

#[derive(Debug, Deserialize)]
struct TokenBody {
    expires_at: Timestamp,
    #[serde(default)]
    project: Option<IdOnly>,
    #[serde(default)]
    catalog: Vec<Service>,
}

#[derive(Debug, Deserialize)]
struct IdOnly {
    id: String,
}

/// One service of the catalog.
#[derive(Debug, Clone, Deserialize)]
pub struct Service {
    #[serde(rename = "type")]
    pub service_type: String,
    #[serde(default)]
    pub endpoints: Vec<CatalogEndpoint>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct CatalogEndpoint {
    pub interface: String,
    #[serde(default)]
    pub region_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    pub url: String,
}

/// An issued token and what came with it.
#[derive(Debug, Clone)]
pub struct Token {
    pub value: Secret,
    pub expires_at: Timestamp,
    pub project_id: Option<String>,
    pub catalog: Vec<Service>,
}

/// Authenticate against the cloud's Keystone.
pub fn authenticate(t: &dyn Transport, cloud: &Cloud) -> Result<Token, ProbeError> {
    let url = tokens_url(&cloud.auth_url);
    let fail = |message: String| ProbeError::Keystone {
        url: url.safe(),
        message,
    };
    let req = Request {
        method: Method::Post,
        url: url.clone(),
        headers: Vec::new(),
        body: Some(auth_body(&cloud.credentials)),
        body_limit: CATALOG_MAX_BYTES,
        timeout: AUTH_TIMEOUT,
    };
    let resp = t.send(&req).map_err(|f| {
        fail(match f {
            Failure::Refused | Failure::Timeout | Failure::Dns(_) | Failure::Reset => format!(
                "unreachable: {f} (is `auth_url` of cloud `{}` in {} right, and reachable from here?)",
                cloud.name,
                cloud.file.display()
            ),
            other => other.to_string(),
        })
    })?;
    match resp.status {
        201 | 200 => {}
        401 => {
            return Err(fail(format!(
                "401 Unauthorized: the credentials of cloud `{}` were refused (user, password or application credential, domain, project)",
                cloud.name
            )));
        }
        s => {
            let title = serde_json::from_slice::<serde_json::Value>(&resp.body)
                .ok()
                .and_then(|v| v["error"]["title"].as_str().map(str::to_string))
                .filter(|t| {
                    t.len() < 80 && t.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ')
                })
                .map(|t| format!(" {t}"))
                .unwrap_or_default();
            return Err(fail(format!("answered {s}{title} to the token request")));
        }
    }
    let value = resp
        .header("x-subject-token")
        .filter(|v| !v.is_empty())
        .ok_or_else(|| fail("the answer has no X-Subject-Token header".into()))?
        .to_string();
    let doc: TokenDoc = serde_json::from_slice(&resp.body).map_err(|e| {
        fail(format!(
            "the token answer is not a Keystone v3 token ({})",
            crate::base::yaml::without_values(&crate::base::error_text::json_message(&e))
        ))
    })?;
    Ok(Token {
        value: Secret::new(value),
        expires_at: doc.token.expires_at,
        project_id: doc.token.project.map(|p| p.id),
        catalog: doc.token.catalog,
    })
}

/// The APIs of the catalog on one interface (and region), as endpoints to probe.
/// `wanted` (API names) must all be there; empty: every service this tool maps.
pub fn endpoints_of(
    catalog: &[Service],
    interface: &str,
    region: Option<&str>,
    wanted: &[String],
) -> Result<Vec<Endpoint>, ProbeError> {
    let region_of = |e: &CatalogEndpoint| e.region_id.clone().or_else(|| e.region.clone());
    let on_interface: Vec<(&Service, &CatalogEndpoint)> = catalog
        .iter()
        .flat_map(|s| s.endpoints.iter().map(move |e| (s, e)))
        .filter(|(_, e)| e.interface == interface)
        .collect();
    let region = match region {
        Some(r) => Some(r.to_string()),
        None => {
            let mut regions: Vec<String> = on_interface
                .iter()
                .filter_map(|(_, e)| region_of(e))
                .collect();
            regions.sort();
            regions.dedup();
            if regions.len() > 1 {
                return Err(ProbeError::Catalog(format!(
                    "the catalog has several regions ({}); choose one with --region or `region_name` in clouds.yaml",
                    regions.join(", ")
                )));
            }
            None
        }
    };
    let mut out: Vec<Endpoint> = Vec::new();
    let mut seen_types = Vec::new();
    for (s, e) in &on_interface {
        if let Some(r) = &region
            && region_of(e).as_deref() != Some(r.as_str())
        {
            continue;
        }
        seen_types.push(s.service_type.clone());
        let Some(spec) = endpoints::api_of_service_type(&s.service_type) else {
            continue;
        };
        if out.iter().any(|x| x.api == spec.api) {
            continue; // volumev3 and block-storage name the same API
        }
        let url = Url::parse(&e.url).map_err(|m| {
            ProbeError::Catalog(format!(
                "the catalog's {} endpoint ({interface}): {m}",
                s.service_type
            ))
        })?;
        out.push(Endpoint::new(
            spec.api,
            endpoints::version_root(&url),
            Some(url),
        ));
    }
    if out.is_empty() {
        return Err(ProbeError::Catalog(format!(
            "the catalog has no {interface} endpoint{} of a service this tool probes",
            region
                .map(|r| format!(" in region {r}"))
                .unwrap_or_default()
        )));
    }
    // The planner's order.
    out.sort_by_key(|e| endpoints::APIS.iter().position(|s| s.api == e.api));
    if !wanted.is_empty() {
        let have: Vec<String> = out.iter().map(|e| e.api.clone()).collect();
        for w in wanted {
            if !have.iter().any(|h| h.eq_ignore_ascii_case(w)) {
                let types = endpoints::spec_of(w)
                    .map(|s| s.service_types.join(" or "))
                    .filter(|t| !t.is_empty())
                    .map(|t| format!(" (service type {t})"))
                    .unwrap_or_default();
                return Err(ProbeError::Catalog(format!(
                    "the catalog has no {interface} endpoint of {w}{types}; it has: {}",
                    have.join(", ")
                )));
            }
        }
        out.retain(|e| wanted.iter().any(|w| w.eq_ignore_ascii_case(&e.api)));
    }
    Ok(out)
}

/// A token shared by the read and rpc probes, renewed before it expires.
pub struct TokenSource {
    cloud: Cloud,
    state: Mutex<State>,
}

struct State {
    token: Token,
    /// Wall time of the last failed renewal.
    failed_at: Option<Timestamp>,
}

/// What the probes send: the token and its project.
#[derive(Clone)]
pub struct Current {
    pub token: Secret,
    pub project_id: String,
}

impl TokenSource {
    pub fn new(cloud: Cloud, token: Token) -> TokenSource {
        TokenSource {
            cloud,
            state: Mutex::new(State {
                token,
                failed_at: None,
            }),
        }
    }

    /// The token to use at wall time `now`, renewed first when it is due; `None` when it
    /// has expired and cannot be renewed (Keystone down), or has no project.
    /// Returns also a note when a renewal failed.
    pub fn current(&self, t: &dyn Transport, now: Timestamp) -> (Option<Current>, Option<String>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let due = st
            .token
            .expires_at
            .checked_sub(jiff::SignedDuration::try_from(RENEW_BEFORE).unwrap_or_default())
            .unwrap_or(st.token.expires_at);
        let retry_ok = st.failed_at.is_none_or(|f| {
            now.duration_since(f) >= jiff::SignedDuration::try_from(RENEW_RETRY).unwrap_or_default()
        });
        let mut note = None;
        if now >= due && retry_ok {
            match authenticate(t, &self.cloud) {
                Ok(tok) => {
                    st.token = tok;
                    st.failed_at = None;
                    note = Some("token renewed".to_string());
                }
                Err(e) => {
                    st.failed_at = Some(now);
                    note = Some(format!("token renewal failed: {e}"));
                }
            }
        }
        let usable = now < st.token.expires_at;
        let cur = match (&st.token.project_id, usable) {
            (Some(p), true) => Some(Current {
                token: st.token.value.clone(),
                project_id: p.clone(),
            }),
            _ => None,
        };
        (cur, note)
    }

    /// Whether the token is scoped to a project.
    pub fn project_id(&self) -> Option<String> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .token
            .project_id
            .clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn svc(t: &str, url: &str) -> Service {
        Service {
            service_type: t.into(),
            endpoints: vec![CatalogEndpoint {
                interface: "public".into(),
                region_id: Some("RegionOne".into()),
                region: None,
                url: url.into(),
            }],
        }
    }

    #[test]
    fn token_urls() {
        let u = |s| tokens_url(&Url::parse(s).unwrap()).safe();
        assert_eq!(u("https://k:5000/v3"), "https://k:5000/v3/auth/tokens");
        assert_eq!(u("https://k:5000/v3/"), "https://k:5000/v3/auth/tokens");
        assert_eq!(u("https://k:5000"), "https://k:5000/v3/auth/tokens");
        assert_eq!(u("https://k/identity"), "https://k/identity/v3/auth/tokens");
    }

    #[test]
    fn catalogs_map_to_api_names_and_missing_services_are_named() {
        let cat = vec![
            svc("compute", "https://h:8774/v2.1/p"),
            svc("volumev3", "https://h:8776/v3/p"),
            svc("block-storage", "https://h:8776/v3/p"),
            svc("identity", "https://h:5000"),
            svc("metric", "https://h:8041"),
        ];
        let e = endpoints_of(&cat, "public", None, &[]).unwrap();
        let names: Vec<(&str, String)> = e
            .iter()
            .map(|e| (e.api.as_str(), e.version.safe()))
            .collect();
        assert_eq!(
            names,
            [
                ("Keystone", "https://h:5000/".to_string()),
                ("Nova", "https://h:8774/".to_string()),
                ("Cinder", "https://h:8776/".to_string())
            ]
        );
        let err = endpoints_of(&cat, "public", None, &["Octavia".into()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "the catalog has no public endpoint of Octavia (service type load-balancer); it has: Keystone, Nova, Cinder"
        );
        let err = endpoints_of(&cat, "internal", None, &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("no internal endpoint"), "{err}");
    }

    #[test]
    fn bodies_carry_the_credentials_keystone_expects() {
        let b = auth_body(&Credentials::Password {
            user: Named::Name {
                name: "u".into(),
                domain: Some(Box::new(Named::Name {
                    name: "Default".into(),
                    domain: None,
                })),
            },
            password: Secret::new("pw"),
            project: Some(Named::Id("p1".into())),
        });
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["auth"]["identity"]["password"]["user"]["password"], "pw");
        assert_eq!(
            v["auth"]["identity"]["password"]["user"]["domain"]["name"],
            "Default"
        );
        assert_eq!(v["auth"]["scope"]["project"]["id"], "p1");
        let b = auth_body(&Credentials::ApplicationCredential {
            id: Some("ac".into()),
            name: None,
            user: None,
            secret: Secret::new("s"),
        });
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(
            v["auth"]["identity"]["methods"][0],
            "application_credential"
        );
        assert_eq!(v["auth"]["identity"]["application_credential"]["id"], "ac");
    }

    #[test]
    fn tokens_are_renewed_before_they_expire_and_kept_while_keystone_is_down() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        struct Keystone {
            calls: AtomicUsize,
            up: bool,
        }
        impl Transport for Keystone {
            fn send(&self, _: &Request) -> Result<super::super::http::Response, Failure> {
                self.calls.fetch_add(1, Ordering::SeqCst);
                if !self.up {
                    return Err(Failure::Refused);
                }
                Ok(super::super::http::Response {
                    status: 201,
                    headers: vec![("x-subject-token".into(), "new".into())],
                    body: br#"{"token":{"expires_at":"2026-12-02T20:00:00Z","project":{"id":"p1"},"catalog":[]}}"#.to_vec(),
                })
            }
        }
        let ts = |s: &str| s.parse::<Timestamp>().unwrap();
        let cloud = Cloud {
            name: "c".into(),
            file: "clouds.yaml".into(),
            auth_url: Url::parse("http://k:5000/v3").unwrap(),
            credentials: Credentials::Password {
                user: Named::Id("u".into()),
                password: Secret::new("pw"),
                project: Some(Named::Id("p1".into())),
            },
            region: None,
            interface: None,
            cacert: None,
            insecure: false,
        };
        let old = Token {
            value: Secret::new("old"),
            expires_at: ts("2026-12-02T19:00:00Z"),
            project_id: Some("p1".into()),
            catalog: Vec::new(),
        };
        let source = TokenSource::new(cloud, old);
        let down = Keystone {
            calls: AtomicUsize::new(0),
            up: false,
        };
        // Not due yet: no request.
        let (cur, note) = source.current(&down, ts("2026-12-02T18:54:00Z"));
        assert_eq!(cur.unwrap().token.expose(), "old");
        assert!(note.is_none());
        // Due (5 min before), Keystone down: the old token while it lasts, retried after 10 s.
        let (cur, note) = source.current(&down, ts("2026-12-02T18:56:00Z"));
        assert_eq!(cur.unwrap().token.expose(), "old");
        assert!(note.unwrap().contains("renewal failed"));
        let _ = source.current(&down, ts("2026-12-02T18:56:05Z"));
        assert_eq!(down.calls.load(Ordering::SeqCst), 1);
        let (cur, _) = source.current(&down, ts("2026-12-02T19:00:01Z"));
        assert!(cur.is_none(), "an expired token is not used");
        let up = Keystone {
            calls: AtomicUsize::new(0),
            up: true,
        };
        let (cur, note) = source.current(&up, ts("2026-12-02T19:00:30Z"));
        assert_eq!(cur.unwrap().token.expose(), "new");
        assert_eq!(note.as_deref(), Some("token renewed"));
    }
}
