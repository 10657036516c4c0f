//! `upgrade probe`: what to probe (clouds.yaml and Keystone's catalog, an endpoints file,
//! `--url`), checked before the log is opened; then the prober until `--duration` or a
//! signal; then the summary.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{Context, Error, Outcome};
use crate::base::fsutil::Output;
use crate::base::progress::Progress;
use crate::probe::clouds::{self, Cloud, SearchEnv};
use crate::probe::endpoints::{self, Endpoint};
use crate::probe::http::{self, Transport};
use crate::probe::keystone::{self, TokenSource};
use crate::probe::prober::{self, Canary, Clock, Config, MAX_APIS, Run, SystemClock, Target};
use crate::probe::{ProbeError, ProbeKind};
use crate::render;

#[derive(Debug, Clone, Default)]
pub struct ProbeRequest {
    /// `--os-cloud` / `OS_CLOUD`.
    pub cloud: Option<String>,
    pub clouds_file: Option<PathBuf>,
    pub endpoints_file: Option<PathBuf>,
    /// `--url API=URL`.
    pub urls: Vec<String>,
    /// `--api`: only these.
    pub apis: Vec<String>,
    pub interface: Option<String>,
    pub region: Option<String>,
    pub interval: Duration,
    pub read_interval: Option<Duration>,
    pub timeout: Duration,
    pub duration: Option<Duration>,
    pub read: bool,
    pub rpc: bool,
    pub execute: bool,
    /// `None` or `-`: standard output.
    pub log: Option<PathBuf>,
    pub append: bool,
    pub cacert: Option<PathBuf>,
    pub insecure: bool,
    /// `-O FILE` of the summary.
    pub summary_file: Option<PathBuf>,
}

/// What the command line gives the use case: where stdout goes, how progress shows, whether
/// a signal asked to stop, where clouds.yaml is looked for.
pub struct ProbeIo<'a> {
    pub stdout: &'a mut dyn Write,
    pub progress: &'a dyn Progress,
    pub interrupt: &'a dyn Fn() -> bool,
    pub env: SearchEnv,
}

/// What `--rpc` does, for its refusal without `--execute` and the docs.
pub fn rpc_description() -> String {
    format!(
        "--rpc changes the cloud: every {} s it creates a Neutron network named {}<unix time> in the token's project and deletes it again (and at the start deletes networks with that prefix an earlier run left)",
        prober::RPC_INTERVAL.as_secs(),
        prober::RPC_PREFIX
    )
}

fn usage(m: impl Into<String>) -> Error {
    Error::Usage(m.into())
}

pub fn probe(req: ProbeRequest, ctx: &Context, io: ProbeIo<'_>) -> Result<Outcome, Error> {
    if req.rpc && !req.execute {
        return Err(usage(format!(
            "{}; add --execute to allow it",
            rpc_description()
        )));
    }
    if req.execute && !req.rpc {
        return Err(usage(
            "--execute only allows --rpc (the other probes change nothing)",
        ));
    }
    let mut warnings: Vec<String> = Vec::new();
    let direct = req.endpoints_file.is_some() || !req.urls.is_empty();
    let needs_token = req.read || req.rpc || !direct;

    // The cloud, when a token is needed.
    let cloud: Option<Cloud> = if needs_token {
        let loaded = clouds::find(req.clouds_file.as_deref(), &io.env)
            .and_then(|file| clouds::load(&file, req.cloud.as_deref(), io.env.home.as_deref()));
        Some(loaded.map_err(|e| {
            if direct {
                Error::Context {
                    context: "--read and --rpc need a token from Keystone (clouds.yaml)".into(),
                    source: Box::new(e),
                }
            } else {
                e.into()
            }
        })?)
    } else {
        None
    };
    let insecure = req.insecure || cloud.as_ref().is_some_and(|c| c.insecure);
    let cacert = req
        .cacert
        .clone()
        .or_else(|| cloud.as_ref().and_then(|c| c.cacert.clone()));
    if insecure {
        warnings.push(
            "TLS certificates are NOT verified (--insecure or `verify: false`): anyone on the path can read the token and fake the answers"
                .into(),
        );
    }

    let mut direct_endpoints: Vec<Endpoint> = Vec::new();
    if let Some(f) = &req.endpoints_file {
        direct_endpoints.extend(endpoints::load_file(f)?);
    }
    let mut extra: Vec<Endpoint> = Vec::new();
    for u in &req.urls {
        extra.push(endpoints::parse_url_arg(u).map_err(|m| usage(format!("--url: {m}")))?);
    }

    let https = cloud.as_ref().is_some_and(|c| c.auth_url.https)
        || direct_endpoints
            .iter()
            .chain(&extra)
            .any(|e| e.version.https);
    // The catalog may add https endpoints: set TLS up whenever Keystone is asked.
    let tls = if https || cloud.is_some() {
        Some(
            http::tls_config(cacert.as_deref(), insecure)
                .map_err(|m| Error::Probe(ProbeError::Tls(m)))?,
        )
    } else {
        None
    };
    let client: Arc<dyn Transport> = Arc::new(http::Client::new(tls));

    let (tokens, catalog_endpoints) = match &cloud {
        Some(c) => {
            let token = keystone::authenticate(&*client, c)?;
            let eps = if direct {
                Vec::new()
            } else {
                let interface = req
                    .interface
                    .clone()
                    .or_else(|| c.interface.clone())
                    .unwrap_or_else(|| "public".into());
                let region = req.region.clone().or_else(|| c.region.clone());
                // `--url` APIs are not looked for in the catalog.
                let wanted: Vec<String> = req
                    .apis
                    .iter()
                    .filter(|a| !extra.iter().any(|e| e.api.eq_ignore_ascii_case(a)))
                    .cloned()
                    .collect();
                if !req.apis.is_empty() && wanted.is_empty() {
                    Vec::new()
                } else {
                    keystone::endpoints_of(&token.catalog, &interface, region.as_deref(), &wanted)?
                }
            };
            if token.project_id.is_none() && (req.read || req.rpc) {
                return Err(usage(format!(
                    "cloud `{}`: the token is not scoped to a project (set `auth.project_name` or `auth.project_id`); --read and --rpc need one",
                    c.name
                )));
            }
            (Some(Arc::new(TokenSource::new(c.clone(), token))), eps)
        }
        None => (None, Vec::new()),
    };

    let mut all: Vec<Endpoint> = if direct {
        direct_endpoints
    } else {
        catalog_endpoints
    };
    for e in extra {
        if let Some(i) = all.iter().position(|x| x.api == e.api) {
            all[i] = e; // `--url` wins over the catalog and the file
        } else {
            all.push(e);
        }
    }
    if direct && !req.apis.is_empty() {
        for w in &req.apis {
            if !all.iter().any(|e| e.api.eq_ignore_ascii_case(w)) {
                return Err(usage(format!(
                    "--api {w}: not among the endpoints given (they are: {})",
                    all.iter()
                        .map(|e| e.api.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
        }
        all.retain(|e| req.apis.iter().any(|w| w.eq_ignore_ascii_case(&e.api)));
    }
    if all.len() > MAX_APIS {
        return Err(usage(format!(
            "{} APIs to probe; one prober runs at most {MAX_APIS} (choose some with --api, or run a second prober)",
            all.len()
        )));
    }

    // API names the planner does not know cannot be compared with a plan later.
    if let Ok((steps, _)) = crate::plan::load::catalog(&ctx.data) {
        let known: Vec<&str> = steps.apis.iter().map(|a| a.id.as_str()).collect();
        for e in &all {
            if !known.contains(&e.api.as_str()) {
                let near = crate::base::suggest::nearest(&e.api, known.iter().copied())
                    .map(|n| format!(" (did you mean `{n}`?)"))
                    .unwrap_or_default();
                warnings.push(format!(
                    "API `{}` is not an API of the plan{near}; its outage cannot be compared with a prediction",
                    e.api
                ));
            }
        }
    }

    let mut targets = Vec::new();
    for e in all {
        let mut probes = vec![ProbeKind::Version];
        if req.read {
            if e.read.is_some() {
                probes.push(ProbeKind::Read);
            } else {
                warnings.push(format!("{}: no read probe for this API", e.api));
            }
        }
        targets.push(Target {
            endpoint: e,
            probes,
        });
    }

    let canary = if req.rpc {
        let neutron = targets
            .iter()
            .find(|t| t.endpoint.api == "Neutron")
            .ok_or_else(|| usage("--rpc needs the Neutron API among the endpoints"))?;
        let c = Canary {
            neutron: neutron.endpoint.version.clone(),
        };
        if let Some(ts) = &tokens {
            let now = jiff::Timestamp::now();
            if let (Some(cur), _) = ts.current(&*client, now) {
                match prober::delete_leftovers(&*client, &c, &cur.token, &cur.project_id) {
                    Ok(names) if !names.is_empty() => warnings.push(format!(
                        "deleted {} canary network{} an earlier run left: {}",
                        names.len(),
                        if names.len() == 1 { "" } else { "s" },
                        names.join(", ")
                    )),
                    Ok(_) => {}
                    Err(m) => {
                        return Err(Error::Invalid(format!(
                            "--rpc: cannot clean up earlier canary networks: {m}"
                        )));
                    }
                }
            }
        }
        Some(c)
    } else {
        None
    };

    // Everything checked: open the log.
    let to_stdout = matches!(
        req.log.as_deref().map(Output::parse),
        None | Some(Output::Stdout)
    );
    let mut file;
    let log: &mut dyn Write = if to_stdout {
        io.stdout
    } else {
        let path = req.log.clone().unwrap_or_default();
        file = crate::base::fsutil::open_user_log(&path, req.append)
            .map_err(|e| Error::file(&path, "write the probe log", e))?;
        &mut file
    };

    for w in &warnings {
        io.progress.note(&format!("warning: {w}"));
    }
    let run = Run {
        config: Config {
            interval: req.interval,
            read_interval: req.read_interval.unwrap_or(req.interval),
            timeout: req.timeout,
            duration: req.duration,
        },
        targets,
        tokens,
        canary,
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock::new());
    let make = {
        let clock = clock.clone();
        let client = client.clone();
        move |_: &str, _: ProbeKind| (clock.clone(), client.clone())
    };
    let report =
        prober::run(&run, &*clock, &make, log, io.progress, io.interrupt).map_err(|e| {
            Error::Context {
                context: format!(
                    "cannot write the probe log to {}",
                    req.log
                        .as_deref()
                        .filter(|_| !to_stdout)
                        .map_or("standard output".to_string(), |p| p.display().to_string())
                ),
                source: Box::new(e),
            }
        })?;
    let text = render::probe::render(&report, ctx.format);
    let mut stderr = String::new();
    for w in &warnings {
        stderr.push_str(&format!("warning: {w}\n"));
    }
    stderr.push_str(&render::probe::warnings(&report));
    if !to_stdout {
        stderr.push_str(&format!(
            "wrote {} samples to {}\n",
            report.samples,
            req.log.clone().unwrap_or_default().display()
        ));
    }
    // With the log on stdout, the summary goes to stderr (unless -O names a file).
    if to_stdout && req.summary_file.is_none() {
        stderr.push_str(&text);
        return Ok(Outcome {
            stderr,
            ..Outcome::default()
        });
    }
    Ok(Outcome {
        stdout: text,
        stderr,
        file: req.summary_file,
        exit: 0,
    })
}
