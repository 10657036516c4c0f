//! Evidence from the release data: pins of the two releases, the upgrade path rules.

use super::{Inputs, Res};
use crate::base::version::Version;
use crate::check::catalog::Evidence;
use crate::evidence::config::{self, Lookup};
use crate::evidence::jinja::Resolved;
use crate::release::path;

pub(super) fn release_pin(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let id = e.pin.as_deref().unwrap_or("");
    let get = |v: &Version, r: &mut Res| match inp.store.manifest(v) {
        Err(_) => {
            r.missing(format!("pins of {v} in releases/osism/"));
            None
        }
        Ok(m) => match m.pins.iter().find(|p| p.id == id) {
            Some(p) => Some(p.value.clone()),
            None => {
                r.missing(format!("pin {id} of {v}"));
                None
            }
        },
    };
    // The version running now: what the configuration pins (e.g. `docker_version`, which
    // OSISM installs), else the source release's pin.
    let (mut now, target) = (get(inp.from, &mut r), get(inp.to, &mut r));
    let mut by = format!("the {} pin", inp.from);
    let mut set = false;
    if let Some(key) = &e.key {
        match configured(e, key, inp) {
            Ok(Some((v, at))) => {
                now = Some(Version::parse(&v));
                by = format!("`{key}` at {at}");
                set = true;
            }
            Ok(None) => by = format!("the {} pin; `{key}` is not set", inp.from),
            Err(m) => {
                r.missing(m);
                return r;
            }
        }
    }
    let (Some(now), Some(target)) = (now, target) else {
        return r;
    };
    let to = inp.to;
    if e.expect.same_major == Some(true) {
        // Only a move to a newer major restarts everything; a newer configured major stays.
        match (now.major(), target.major()) {
            (Some(a), Some(b)) if a < b => r.fail(format!(
                "{id}: {now} ({by}) → {target} (the {to} pin) is a major upgrade"
            )),
            (Some(a), Some(b)) if a > b => r.note(format!(
                "{id}: {now} ({by}) is newer than the {to} pin {target}: no major upgrade"
            )),
            _ => r.note(format!("{id}: {now} ({by}) → {target} (the {to} pin)")),
        }
    }
    if e.expect.at_least_target == Some(true) {
        if !set {
            r.note(format!("{by}: nothing pinned"));
        } else if now.numeric().is_some() && target.numeric().is_some() && now < target {
            r.fail(format!(
                "{by} is {now}, older than the {to} pin {target}: set it to {target} with the upgrade"
            ));
        } else if (now.numeric().is_none() || target.numeric().is_none()) && now != target {
            // A codename (`zed`) has no order against a series (`2023.2`).
            r.fail(format!(
                "{by} is {now}, not the {to} pin {target}: set it to {target} with the upgrade"
            ));
        } else {
            r.note(format!("{by} is {now} (the {to} pin: {target})"));
        }
    }
    r
}

/// The configured value of `key` and where it is set: in `file` alone when given, else the
/// effective value. Err: the evidence that is missing.
fn configured(e: &Evidence, key: &str, inp: &Inputs) -> Result<Option<(String, String)>, String> {
    if let Some(file) = &e.file {
        return match inp.config.lookup(file, key) {
            Lookup::Present(n) => match config::scalar_text(n) {
                Ok(Some(t)) => Ok(Some((t.to_string(), format!("{file}:{}", n.line)))),
                Ok(None) => Ok(None),
                Err(config::Encrypted) => {
                    Err(format!("--vault-password-file to read `{key}` in {file}"))
                }
            },
            Lookup::LockedFile => Err(format!("--vault-password-file to read {file}")),
            Lookup::MissingFile | Lookup::Absent => Ok(None),
        };
    }
    let v = super::effective::view(inp, e.env.as_deref(), false);
    match v.resolve(key, None) {
        Err(l) => Err(super::effective::locked(key, &l)),
        Ok(None) => Ok(None),
        Ok(Some((f, Resolved::Text(t)))) => Ok(Some((t, super::effective::place(&f)))),
        Ok(Some((f, Resolved::Templated { why }))) => Err(format!(
            "a value for `{key}`: {} sets it to {why}",
            super::effective::place(&f)
        )),
    }
}

pub(super) fn upgrade_path(inp: &Inputs) -> Res {
    let mut r = Res::default();
    match path::hop(inp.store, inp.rules, inp.from, inp.to) {
        Ok(h) => r.note(format!(
            "allowed in one hop: {}",
            h.steps
                .iter()
                .take(3)
                .map(|s| format!("{} {} → {} ({})", s.component, s.from, s.to, s.rule))
                .collect::<Vec<_>>()
                .join("; ")
        )),
        Err(v) => {
            for x in v {
                r.fail(format!(
                    "{}: {} → {}: {}",
                    x.component, x.from, x.to, x.reason
                ));
            }
            if let Ok(hops) = path::solve_with(inp.store, inp.rules, inp.from, inp.to) {
                let mut chain = vec![inp.from.to_string()];
                chain.extend(hops.iter().map(|h| h.to.to_string()));
                r.note(format!(
                    "upgrade in hops instead: {} (check each hop before it)",
                    chain.join(" → ")
                ));
            }
        }
    }
    r
}
