//! `clouds.yaml` as the OpenStack tools read it: found in `./`, `$XDG_CONFIG_HOME/openstack/`
//! (default `~/.config/openstack/`) or `/etc/openstack/` (or named with `--clouds FILE` or
//! `OS_CLIENT_CONFIG_FILE`), a `secure.yaml` beside it merged over it, one cloud chosen by
//! name (`--os-cloud` or `OS_CLOUD`). Only what Keystone v3 password and application
//! credential authentication need is read; other keys are left alone.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::error::ProbeError;
use super::http::Url;
use crate::base::yaml::{Location, Node, Value, YamlError};

/// Largest clouds.yaml or secure.yaml read.
pub const CLOUDS_MAX_BYTES: u64 = 1024 * 1024;

/// A value that must never be shown: its `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// A user, project or domain: by id, or by name within a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Id(String),
    Name {
        name: String,
        domain: Option<Box<Named>>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credentials {
    Password {
        user: Named,
        password: Secret,
        /// The project to scope the token to (needed for a catalog).
        project: Option<Named>,
    },
    ApplicationCredential {
        /// By id, or by name with its user.
        id: Option<String>,
        name: Option<String>,
        user: Option<Named>,
        secret: Secret,
    },
}

/// The cloud to probe.
#[derive(Debug, Clone)]
pub struct Cloud {
    pub name: String,
    /// The clouds.yaml it came from.
    pub file: PathBuf,
    pub auth_url: Url,
    pub credentials: Credentials,
    pub region: Option<String>,
    pub interface: Option<String>,
    pub cacert: Option<PathBuf>,
    /// `verify: false`.
    pub insecure: bool,
}

/// Where the search looks: the process's environment, injected for tests.
#[derive(Debug, Clone, Default)]
pub struct SearchEnv {
    pub cwd: PathBuf,
    pub xdg_config_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
    /// `OS_CLIENT_CONFIG_FILE`.
    pub client_config_file: Option<PathBuf>,
}

impl SearchEnv {
    pub fn from_process() -> SearchEnv {
        let var = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        SearchEnv {
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            home: var("HOME"),
            client_config_file: var("OS_CLIENT_CONFIG_FILE"),
        }
    }

    /// The files looked for, in order.
    pub fn candidates(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        if let Some(f) = &self.client_config_file {
            out.push(f.clone());
        }
        let config = self
            .xdg_config_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".config")));
        let mut dirs = vec![self.cwd.clone()];
        dirs.extend(config.map(|c| c.join("openstack")));
        dirs.push(PathBuf::from("/etc/openstack"));
        for d in dirs {
            out.push(d.join("clouds.yaml"));
            out.push(d.join("clouds.yml"));
        }
        out
    }
}

/// The clouds.yaml to read: `explicit`, else the first found.
pub fn find(explicit: Option<&Path>, env: &SearchEnv) -> Result<PathBuf, ProbeError> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    let candidates = env.candidates();
    candidates
        .iter()
        .find(|p| p.is_file())
        .cloned()
        .ok_or(ProbeError::NoCloudsFile {
            searched: candidates
                .into_iter()
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect(),
        })
}

fn read(path: &Path) -> Result<Node, ProbeError> {
    let text = crate::base::limits::read_text(path, CLOUDS_MAX_BYTES, "a clouds.yaml").map_err(
        |source| ProbeError::Read {
            file: path.to_path_buf(),
            source,
        },
    )?;
    Ok(crate::base::yaml::parse_tree(&text, path)?)
}

/// The scalar settings of one cloud: `auth_type`, `auth.username`, … with where each is.
type Flat = BTreeMap<String, (String, Location)>;

fn err(loc: &Location, message: impl Into<String>) -> ProbeError {
    YamlError::new(&loc.file, loc.line, loc.column, message).into()
}

fn loc(file: &Path, n: &Node) -> Location {
    Location {
        file: file.to_path_buf(),
        line: n.line,
        column: n.column,
    }
}

/// The `clouds:` mapping of a file.
fn clouds_of<'a>(root: &'a Node, file: &Path) -> Result<&'a [(String, Node)], ProbeError> {
    if root.is_null() {
        return Ok(&[]);
    }
    let Value::Map(_) = &root.value else {
        return Err(err(
            &loc(file, root),
            format!(
                "expected a mapping with `clouds:`, found {}",
                root.kind_name()
            ),
        ));
    };
    match root.get("clouds") {
        None => Err(err(&loc(file, root), "no `clouds:` mapping in this file")),
        Some(n) if n.is_null() => Ok(&[]),
        Some(
            n @ Node {
                value: Value::Map(entries),
                ..
            },
        ) => {
            let _ = n;
            Ok(entries)
        }
        Some(n) => Err(err(
            &loc(file, n),
            format!(
                "`clouds` must be a mapping of cloud names, found {}",
                n.kind_name()
            ),
        )),
    }
}

/// Settings read from a cloud's entry (others are ignored).
const TOP_KEYS: [&str; 8] = [
    "auth_type",
    "region_name",
    "interface",
    "endpoint_type",
    "cacert",
    "verify",
    "insecure",
    "identity_api_version",
];
const AUTH_KEYS: [&str; 17] = [
    "auth_url",
    "username",
    "user_id",
    "password",
    "project_name",
    "project_id",
    "tenant_name",
    "tenant_id",
    "user_domain_name",
    "user_domain_id",
    "project_domain_name",
    "project_domain_id",
    "domain_name",
    "domain_id",
    "application_credential_id",
    "application_credential_name",
    "application_credential_secret",
];

fn flatten(cloud: &Node, file: &Path, out: &mut Flat) -> Result<(), ProbeError> {
    let Value::Map(entries) = &cloud.value else {
        if cloud.is_null() {
            return Ok(());
        }
        return Err(err(
            &loc(file, cloud),
            format!("a cloud must be a mapping, found {}", cloud.kind_name()),
        ));
    };
    let mut put = |key: String, n: &Node| -> Result<(), ProbeError> {
        if n.is_null() {
            return Ok(());
        }
        match n.as_str() {
            Some(s) => {
                out.insert(key, (s.to_string(), loc(file, n)));
                Ok(())
            }
            None => Err(err(
                &loc(file, n),
                format!("`{key}` must be a single value, found {}", n.kind_name()),
            )),
        }
    };
    for (k, v) in entries {
        if k == "auth" {
            if v.is_null() {
                continue;
            }
            let Value::Map(auth) = &v.value else {
                return Err(err(
                    &loc(file, v),
                    format!("`auth` must be a mapping, found {}", v.kind_name()),
                ));
            };
            for (ak, av) in auth {
                if AUTH_KEYS.contains(&ak.as_str()) {
                    put(format!("auth.{ak}"), av)?;
                }
            }
        } else if TOP_KEYS.contains(&k.as_str()) {
            put(k.clone(), v)?;
        }
    }
    Ok(())
}

/// Read the cloud `name` (or the only one) from `file`, with `secure.yaml` beside it merged
/// over it.
pub fn load(file: &Path, name: Option<&str>, home: Option<&Path>) -> Result<Cloud, ProbeError> {
    let root = read(file)?;
    let clouds = clouds_of(&root, file)?;
    let known: Vec<String> = clouds.iter().map(|(k, _)| k.clone()).collect();
    let (cloud_name, node) = match name {
        Some(n) => clouds
            .iter()
            .find(|(k, _)| k == n)
            .ok_or_else(|| ProbeError::UnknownCloud {
                file: file.to_path_buf(),
                name: n.to_string(),
                near: crate::base::suggest::nearest(n, known.iter().map(String::as_str))
                    .map(|m| format!(", did you mean `{m}`?"))
                    .unwrap_or_default(),
                known: if known.is_empty() {
                    vec!["none".into()]
                } else {
                    known.clone()
                },
            })?,
        None if clouds.len() == 1 => &clouds[0],
        None => {
            return Err(ProbeError::NoCloudChosen {
                file: file.to_path_buf(),
                known: if known.is_empty() {
                    vec!["none".into()]
                } else {
                    known
                },
            });
        }
    };
    let mut flat = Flat::new();
    flatten(node, file, &mut flat)?;
    let dir = file.parent().unwrap_or(Path::new("."));
    for secure in ["secure.yaml", "secure.yml"] {
        let s = dir.join(secure);
        if s.is_file() {
            let sroot = read(&s)?;
            if let Some((_, n)) = clouds_of(&sroot, &s)?.iter().find(|(k, _)| k == cloud_name) {
                flatten(n, &s, &mut flat)?;
            }
            break;
        }
    }
    build(cloud_name, file, &loc(file, node), &flat, home)
}

fn build(
    name: &str,
    file: &Path,
    at: &Location,
    flat: &Flat,
    home: Option<&Path>,
) -> Result<Cloud, ProbeError> {
    let get = |k: &str| {
        flat.get(k)
            .map(|(v, _)| v.as_str())
            .filter(|v| !v.is_empty())
    };
    let locate = |k: &str| flat.get(k).map(|(_, l)| l.clone()).unwrap_or(at.clone());
    let missing = |what: &str| err(at, format!("cloud `{name}`: {what}"));
    if let Some(v) = get("identity_api_version")
        && !v.starts_with('3')
    {
        return Err(err(
            &locate("identity_api_version"),
            format!("cloud `{name}`: identity_api_version {v} is not supported (Keystone v3 only)"),
        ));
    }
    let auth_url = get("auth.auth_url").ok_or_else(|| missing("no `auth.auth_url`"))?;
    let auth_url = Url::parse(auth_url)
        .map_err(|m| err(&locate("auth.auth_url"), format!("`auth.auth_url`: {m}")))?;
    let domain = |id: &str, name_key: &str| -> Option<Box<Named>> {
        get(id)
            .or_else(|| get("auth.domain_id"))
            .map(|i| Box::new(Named::Id(i.to_string())))
            .or_else(|| {
                get(name_key).or_else(|| get("auth.domain_name")).map(|n| {
                    Box::new(Named::Name {
                        name: n.to_string(),
                        domain: None,
                    })
                })
            })
    };
    let user = || -> Option<Named> {
        get("auth.user_id")
            .map(|i| Named::Id(i.to_string()))
            .or_else(|| {
                get("auth.username").map(|n| Named::Name {
                    name: n.to_string(),
                    domain: domain("auth.user_domain_id", "auth.user_domain_name"),
                })
            })
    };
    let auth_type =
        get("auth_type").unwrap_or(if get("auth.application_credential_secret").is_some() {
            "v3applicationcredential"
        } else {
            "password"
        });
    let credentials = match auth_type {
        "password" | "v3password" => {
            let user = user().ok_or_else(|| missing("no `auth.username` or `auth.user_id`"))?;
            let password = get("auth.password").ok_or_else(|| {
                missing("no `auth.password` (in clouds.yaml or a secure.yaml beside it)")
            })?;
            let project = get("auth.project_id")
                .or_else(|| get("auth.tenant_id"))
                .map(|i| Named::Id(i.to_string()))
                .or_else(|| {
                    get("auth.project_name")
                        .or_else(|| get("auth.tenant_name"))
                        .map(|n| Named::Name {
                            name: n.to_string(),
                            domain: domain("auth.project_domain_id", "auth.project_domain_name"),
                        })
                });
            Credentials::Password {
                user,
                password: Secret::new(password),
                project,
            }
        }
        "v3applicationcredential" | "applicationcredential" => {
            let secret = get("auth.application_credential_secret")
                .ok_or_else(|| missing("no `auth.application_credential_secret`"))?;
            let id = get("auth.application_credential_id").map(str::to_string);
            let cred_name = get("auth.application_credential_name").map(str::to_string);
            let user = user();
            if id.is_none() && (cred_name.is_none() || user.is_none()) {
                return Err(missing(
                    "an application credential needs `auth.application_credential_id`, or its name with `auth.username`/`auth.user_id`",
                ));
            }
            Credentials::ApplicationCredential {
                id,
                name: cred_name,
                user,
                secret: Secret::new(secret),
            }
        }
        other => {
            return Err(err(
                &locate("auth_type"),
                format!(
                    "cloud `{name}`: auth_type `{other}` is not supported (password, v3password, v3applicationcredential)"
                ),
            ));
        }
    };
    let insecure = match (get("verify"), get("insecure")) {
        (Some(v), _) => !crate::base::yaml::parse_yaml11_bool(v).ok_or_else(|| {
            err(
                &locate("verify"),
                format!(
                    "cloud `{name}`: `verify` must be true or false (a CA bundle goes in `cacert`)"
                ),
            )
        })?,
        (None, Some(v)) => crate::base::yaml::parse_yaml11_bool(v).ok_or_else(|| {
            err(
                &locate("insecure"),
                format!("cloud `{name}`: `insecure` must be true or false"),
            )
        })?,
        (None, None) => false,
    };
    let cacert = get("cacert").map(|c| match (c.strip_prefix("~/"), home) {
        (Some(rest), Some(h)) => h.join(rest),
        _ => PathBuf::from(c),
    });
    let interface = get("interface")
        .or_else(|| get("endpoint_type"))
        .map(|i| i.trim_end_matches("URL").to_ascii_lowercase());
    Ok(Cloud {
        name: name.to_string(),
        file: file.to_path_buf(),
        auth_url,
        credentials,
        region: get("region_name").map(str::to_string),
        interface,
        cacert,
        insecure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const CLOUDS: &str = "clouds:
  prod:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: probe
      project_name: ops
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
    verify: false
  lab:
    auth_type: v3applicationcredential
    auth:
      auth_url: http://10.0.0.1:5000
      application_credential_id: 0123
      application_credential_secret: 'hunter2'
";

    #[test]
    fn a_cloud_with_its_secure_yaml() {
        let d = tempfile::tempdir().unwrap();
        let f = write(d.path(), "clouds.yaml", CLOUDS);
        write(
            d.path(),
            "secure.yaml",
            "clouds:\n  prod:\n    auth:\n      password: 12345\n",
        );
        let c = load(&f, Some("prod"), None).unwrap();
        assert_eq!(c.auth_url.safe(), "https://keystone.example:5000/v3");
        assert!(c.insecure);
        assert_eq!(c.interface.as_deref(), Some("internal"));
        let Credentials::Password {
            password, project, ..
        } = &c.credentials
        else {
            panic!("{:?}", c.credentials)
        };
        assert_eq!(password.expose(), "12345");
        assert!(matches!(project, Some(Named::Name { name, .. }) if name == "ops"));
        assert!(!format!("{c:?}").contains("12345"));
        let lab = load(&f, Some("lab"), None).unwrap();
        assert!(matches!(
            lab.credentials,
            Credentials::ApplicationCredential { id: Some(ref i), .. } if i == "0123"
        ));
    }

    #[test]
    fn errors_name_the_file_the_place_and_the_known_clouds() {
        let d = tempfile::tempdir().unwrap();
        let f = write(d.path(), "clouds.yaml", CLOUDS);
        let e = load(&f, Some("prdo"), None).unwrap_err().to_string();
        assert!(
            e.ends_with(
                "clouds.yaml: no cloud named `prdo`, did you mean `prod`? (known: prod, lab)"
            ),
            "{e}"
        );
        let e = load(&f, None, None).unwrap_err().to_string();
        assert!(e.contains("--os-cloud NAME"), "{e}");
        // No password anywhere.
        let e = load(&f, Some("prod"), None).unwrap_err().to_string();
        assert!(
            e.contains("clouds.yaml:3:5: cloud `prod`: no `auth.password`"),
            "{e}"
        );
        let bad = write(d.path(), "bad.yaml", "clouds:\n  x:\n    auth: [1]\n");
        let e = load(&bad, Some("x"), None).unwrap_err().to_string();
        assert!(e.contains("bad.yaml:3:11: `auth` must be a mapping"), "{e}");
        let bad = write(
            d.path(),
            "bad2.yaml",
            "clouds:\n  x:\n    auth:\n      auth_url: ftp://h?pw=hunter2\n      password: hunter2\n      username: u\n",
        );
        let e = load(&bad, Some("x"), None).unwrap_err().to_string();
        assert!(
            e.contains("bad2.yaml:4:17: `auth.auth_url`: not an http"),
            "{e}"
        );
        assert!(!e.contains("hunter2"), "{e}");
        let bad = write(d.path(), "bad3.yaml", "clouds: {x: {auth: {a: [}}\n");
        let e = load(&bad, Some("x"), None).unwrap_err().to_string();
        assert!(e.contains("bad3.yaml:1:"), "{e}");
    }

    #[test]
    fn the_search_order_is_the_openstack_one() {
        let env = SearchEnv {
            cwd: "/w".into(),
            xdg_config_home: None,
            home: Some("/home/op".into()),
            client_config_file: None,
        };
        let c: Vec<String> = env
            .candidates()
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            c,
            [
                "/w/clouds.yaml",
                "/home/op/.config/openstack/clouds.yaml",
                "/etc/openstack/clouds.yaml"
            ]
        );
    }
}
