//! What to probe: the API names of the planner, the catalog service types behind them, the
//! versions document of an endpoint and each API's cheap authenticated read; endpoints from
//! a file (`--endpoints FILE`) or the command line (`--url API=URL`).

use std::path::Path;

use super::error::ProbeError;
use super::http::Url;
use crate::base::yaml::{Node, Value, YamlError};

/// Where an API's read goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadPath {
    /// Relative to the versions root (`v2.1/flavors?limit=1`); `{project_id}` is replaced.
    Root(&'static str),
    /// Appended to the catalog URL (Swift's account URL: `?limit=1`).
    Catalog(&'static str),
}

/// An API the planner knows, the catalog service types that offer it, and its read.
#[derive(Debug, Clone, Copy)]
pub struct ApiSpec {
    pub api: &'static str,
    pub service_types: &'static [&'static str],
    pub read: Option<ReadPath>,
    /// A microversion header the read sends.
    pub microversion: Option<(&'static str, &'static str)>,
}

/// Catalog service types → the planner's API names (releases/plan/steps.yaml `apis`).
pub const APIS: &[ApiSpec] = &[
    spec(
        "Keystone",
        &["identity"],
        Some(ReadPath::Root("v3/auth/tokens")),
    ),
    spec(
        "Nova",
        &["compute"],
        Some(ReadPath::Root("v2.1/flavors?limit=1")),
    ),
    spec(
        "Glance",
        &["image"],
        Some(ReadPath::Root("v2/images?limit=1")),
    ),
    spec(
        "Cinder",
        &["block-storage", "volumev3", "volume"],
        Some(ReadPath::Root("v3/{project_id}/volumes?limit=1")),
    ),
    spec(
        "Neutron",
        &["network"],
        Some(ReadPath::Root("v2.0/networks?limit=1")),
    ),
    spec(
        "Designate",
        &["dns"],
        Some(ReadPath::Root("v2/zones?limit=1")),
    ),
    ApiSpec {
        api: "Placement",
        service_types: &["placement"],
        // GET /resource_providers takes no `limit`; a name filter keeps the answer empty.
        read: Some(ReadPath::Root("resource_providers?name=scs-release-probe")),
        microversion: Some(("OpenStack-API-Version", "placement 1.0")),
    },
    spec(
        "Octavia",
        &["load-balancer"],
        Some(ReadPath::Root("v2/lbaas/loadbalancers?limit=1")),
    ),
    spec(
        "Heat",
        &["orchestration"],
        Some(ReadPath::Root("v1/{project_id}/stacks?limit=1")),
    ),
    spec(
        "Barbican",
        &["key-manager"],
        Some(ReadPath::Root("v1/secrets?limit=1")),
    ),
    spec(
        "Manila",
        &["sharev2", "shared-file-system"],
        Some(ReadPath::Root("v2/{project_id}/shares?limit=1")),
    ),
    spec(
        "ObjectStore",
        &["object-store"],
        Some(ReadPath::Catalog("?limit=1&format=json")),
    ),
    spec("Horizon", &[], None),
];

const fn spec(
    api: &'static str,
    service_types: &'static [&'static str],
    read: Option<ReadPath>,
) -> ApiSpec {
    ApiSpec {
        api,
        service_types,
        read,
        microversion: None,
    }
}

/// The API a catalog service type offers.
pub fn api_of_service_type(service_type: &str) -> Option<&'static ApiSpec> {
    APIS.iter()
        .find(|s| s.service_types.contains(&service_type))
}

/// The spec of an API name (exact, then case-insensitive).
pub fn spec_of(api: &str) -> Option<&'static ApiSpec> {
    APIS.iter()
        .find(|s| s.api == api)
        .or_else(|| APIS.iter().find(|s| s.api.eq_ignore_ascii_case(api)))
}

/// One API to probe.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    pub api: String,
    /// What the `version` probe GETs.
    pub version: Url,
    /// The catalog URL (reads of [`ReadPath::Catalog`] append to it), when known.
    pub catalog: Option<Url>,
    /// What the `read` probe GETs, relative to [`Endpoint::version`] (or the catalog URL),
    /// with `{project_id}` still in it; `None`: this API has no read.
    pub read: Option<ReadTarget>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ReadTarget {
    Root(String),
    Catalog(String),
}

impl Endpoint {
    /// An endpoint of `api` at `version`; its read from [`APIS`].
    pub fn new(api: &str, version: Url, catalog: Option<Url>) -> Endpoint {
        let read = spec_of(api).and_then(|s| s.read).map(|r| match r {
            ReadPath::Root(p) => ReadTarget::Root(p.to_string()),
            ReadPath::Catalog(p) => ReadTarget::Catalog(p.to_string()),
        });
        Endpoint {
            api: api.to_string(),
            version,
            catalog,
            read,
        }
    }

    /// The URL of the read, for the token's project.
    pub fn read_url(&self, project_id: &str) -> Option<Url> {
        let fill = |p: &str| p.replace("{project_id}", project_id);
        match self.read.as_ref()? {
            ReadTarget::Root(p) => Some(self.version.join(&fill(p))),
            ReadTarget::Catalog(p) => Some(
                self.catalog
                    .as_ref()
                    .unwrap_or(&self.version)
                    .join(&fill(p)),
            ),
        }
    }

    /// Headers the read sends besides the token.
    pub fn read_headers(&self) -> Vec<(&'static str, String)> {
        spec_of(&self.api)
            .and_then(|s| s.microversion)
            .map(|(k, v)| vec![(k, v.to_string())])
            .unwrap_or_default()
    }
}

/// The versions document of a catalog URL: the endpoint's root, with the version path and
/// what follows it (a project id) stripped: `https://h:8774/v2.1/<project>` →
/// `https://h:8774/`, `https://h/compute/v2.1` → `https://h/compute/`. Without a version
/// segment a trailing project id (32 hex digits, `AUTH_…`, a `%(…)s` template) goes.
pub fn version_root(url: &Url) -> Url {
    let segs: Vec<&str> = url.path().split('/').filter(|s| !s.is_empty()).collect();
    let keep = match segs.iter().position(|s| is_version(s)) {
        Some(i) => &segs[..i],
        None => {
            let mut n = segs.len();
            while n > 0 && is_project_id(segs[n - 1]) {
                n -= 1;
            }
            &segs[..n]
        }
    };
    if keep.is_empty() {
        url.with_target("/")
    } else {
        url.with_target(&format!("/{}/", keep.join("/")))
    }
}

fn is_version(seg: &str) -> bool {
    let Some(rest) = seg.strip_prefix(['v', 'V']) else {
        return false;
    };
    let mut parts = rest.splitn(2, '.');
    let major = parts.next().unwrap_or("");
    !major.is_empty()
        && major.chars().all(|c| c.is_ascii_digit())
        && parts
            .next()
            .is_none_or(|m| !m.is_empty() && m.chars().all(|c| c.is_ascii_digit()))
}

fn is_project_id(seg: &str) -> bool {
    (seg.len() == 32 && seg.chars().all(|c| c.is_ascii_hexdigit()))
        || seg.starts_with("AUTH_")
        || (seg.contains("%(") && seg.contains(")s"))
        || (seg.contains("$(") && seg.contains(")s"))
}

/// `--url API=URL`: probe URL as given (Horizon `…/auth/login/`, RGW `/`).
pub fn parse_url_arg(arg: &str) -> Result<Endpoint, String> {
    let (api, url) = arg
        .split_once('=')
        .ok_or("expected API=URL, e.g. Horizon=https://dashboard.example/auth/login/")?;
    let api = check_api_name(api.trim())?;
    let url = Url::parse(url).map_err(|e| format!("`{api}=…`: {e}"))?;
    Ok(Endpoint::new(&api, url, None))
}

/// Longest API name (the log's bound).
fn check_api_name(api: &str) -> Result<String, String> {
    let n = api.chars().count();
    if n == 0 || n > super::log::API_NAME_MAX_CHARS {
        return Err(format!(
            "an API name has 1 to {} characters",
            super::log::API_NAME_MAX_CHARS
        ));
    }
    if api.chars().any(|c| c.is_control()) {
        return Err("an API name has no control characters".into());
    }
    Ok(api.to_string())
}

const ENDPOINT_KEYS: [&str; 3] = ["api", "url", "read_path"];

/// An endpoints file: a YAML list of `{api, url, read_path}`, each `url` probed as given,
/// `read_path` relative to it (`{project_id}` allowed; default: the API's own read).
pub fn load_file(path: &Path) -> Result<Vec<Endpoint>, ProbeError> {
    let text = crate::base::limits::read_text(path, 1024 * 1024, "an endpoints file").map_err(
        |source| ProbeError::Read {
            file: path.to_path_buf(),
            source,
        },
    )?;
    parse_file(&text, path)
}

pub fn parse_file(text: &str, path: &Path) -> Result<Vec<Endpoint>, ProbeError> {
    let root = crate::base::yaml::parse_tree(text, path)?;
    let at = |n: &Node, msg: String| YamlError::new(path, n.line, n.column, msg);
    let Value::Seq(items) = &root.value else {
        return Err(at(
            &root,
            format!(
                "expected a list of endpoints (`- {{api: Nova, url: https://…:8774/}}`), found {}",
                root.kind_name()
            ),
        )
        .into());
    };
    let mut out: Vec<Endpoint> = Vec::new();
    for item in items {
        let Value::Map(entries) = &item.value else {
            return Err(at(
                item,
                format!(
                    "expected a mapping with `api` and `url`, found {}",
                    item.kind_name()
                ),
            )
            .into());
        };
        for (k, v) in entries {
            if !ENDPOINT_KEYS.contains(&k.as_str()) {
                let near = crate::base::suggest::nearest(k, ENDPOINT_KEYS)
                    .map(|n| format!(", did you mean `{n}`?"))
                    .unwrap_or_default();
                return Err(at(
                    v,
                    format!(
                        "unknown key `{k}`{near} (expected one of: {})",
                        ENDPOINT_KEYS.join(", ")
                    ),
                )
                .into());
            }
        }
        let text_of = |key: &str| -> Result<Option<(&Node, &str)>, ProbeError> {
            match item.get(key) {
                None => Ok(None),
                Some(n) if n.is_null() => Ok(None),
                Some(n) => match n.as_str() {
                    Some(s) => Ok(Some((n, s))),
                    None => {
                        Err(at(n, format!("`{key}` must be text, found {}", n.kind_name())).into())
                    }
                },
            }
        };
        let (api_node, api) = text_of("api")?
            .ok_or_else(|| at(item, "missing `api` (the API's name, e.g. Nova)".into()))?;
        let api = check_api_name(api).map_err(|m| at(api_node, format!("`api`: {m}")))?;
        let (url_node, url) = text_of("url")?
            .ok_or_else(|| at(item, "missing `url` (what the version probe GETs)".into()))?;
        let url = Url::parse(url).map_err(|m| at(url_node, format!("`url`: {m}")))?;
        if out.iter().any(|e| e.api == api) {
            return Err(at(api_node, format!("API `{api}` is listed twice")).into());
        }
        let mut e = Endpoint::new(&api, url, None);
        if let Some((n, p)) = text_of("read_path")? {
            if p.contains("://") || p.chars().any(|c| c.is_control() || c == ' ') {
                return Err(at(
                    n,
                    "`read_path` is a path relative to `url` (`v2.1/flavors?limit=1`)".into(),
                )
                .into());
            }
            e.read = Some(ReadTarget::Root(p.to_string()));
        }
        out.push(e);
    }
    if out.is_empty() {
        return Err(at(&root, "the list of endpoints is empty".into()).into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(u: &str) -> String {
        version_root(&Url::parse(u).unwrap()).safe()
    }

    #[test]
    fn version_roots_drop_the_version_and_project() {
        let p = "0123456789abcdef0123456789abcdef";
        assert_eq!(root(&format!("https://h:8774/v2.1/{p}")), "https://h:8774/");
        assert_eq!(root("https://h:5000/v3/"), "https://h:5000/");
        assert_eq!(root("https://h:9696"), "https://h:9696/");
        assert_eq!(root("https://h/compute/v2.1"), "https://h/compute/");
        assert_eq!(
            root(&format!("https://h:6780/swift/v1/AUTH_{p}")),
            "https://h:6780/swift/"
        );
        assert_eq!(root(&format!("https://h:8776/{p}")), "https://h:8776/");
        assert_eq!(
            root("https://h:8780/placement"),
            "https://h:8780/placement/"
        );
    }

    #[test]
    fn reads_fill_the_project() {
        let e = Endpoint::new(
            "Cinder",
            Url::parse("https://h:8776/").unwrap(),
            Url::parse("https://h:8776/v3/p1").ok(),
        );
        assert_eq!(e.read_url("p1").unwrap().target, "/v3/p1/volumes?limit=1");
        let e = Endpoint::new(
            "ObjectStore",
            Url::parse("https://h:6780/swift/").unwrap(),
            Url::parse("https://h:6780/swift/v1/AUTH_p1").ok(),
        );
        assert_eq!(
            e.read_url("p1").unwrap().target,
            "/swift/v1/AUTH_p1?limit=1&format=json"
        );
        assert_eq!(api_of_service_type("volumev3").unwrap().api, "Cinder");
        assert_eq!(
            api_of_service_type("shared-file-system").unwrap().api,
            "Manila"
        );
        assert!(api_of_service_type("metric").is_none());
    }

    #[test]
    fn endpoint_files_say_where_they_are_wrong() {
        let f = Path::new("e.yaml");
        let ok = parse_file(
            "- {api: Nova, url: 'http://h:8774/'}\n- api: X\n  url: http://h/\n  read_path: v1/x\n",
            f,
        )
        .unwrap();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[1].read, Some(ReadTarget::Root("v1/x".into())));
        for (text, says) in [
            ("api: Nova\n", "e.yaml:1:1: expected a list of endpoints"),
            ("- {api: Nova}\n", "e.yaml:1:3: missing `url`"),
            (
                "- {api: Nova, url: 'ftp://h/'}\n",
                "e.yaml:1:20: `url`: not an http",
            ),
            (
                "- {api: Nova, uri: 'http://h/'}\n",
                "unknown key `uri`, did you mean `url`?",
            ),
            (
                "- {api: A, url: 'http://h/'}\n- {api: A, url: 'http://h/'}\n",
                "e.yaml:2:9: API `A` is listed twice",
            ),
            ("[]\n", "the list of endpoints is empty"),
            ("- [a\n", "e.yaml:"),
        ] {
            let e = parse_file(text, f).unwrap_err().to_string();
            assert!(e.contains(says), "{text:?}: {e}");
        }
    }
}
