//! Evidence from the release data: pins of the two releases, the upgrade path rules.

use super::{Inputs, Res};
use crate::base::version::Version;
use crate::check::catalog::Evidence;
use crate::evidence::config::{self, Lookup};
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
    let (a, mut b) = (get(inp.from, &mut r), get(inp.to, &mut r));
    let mut by = String::new();
    // The operator's configuration may set the target itself (e.g. `docker_version`).
    if let (Some(file), Some(key)) = (&e.file, &e.key) {
        match inp.config.lookup(file, key) {
            Lookup::Present(n) => match config::scalar_text(n) {
                Ok(Some(t)) => {
                    b = Some(Version::parse(t));
                    by = format!(" (`{key}` in {file}:{})", n.line);
                }
                Ok(None) => {}
                Err(config::Encrypted) => {
                    r.missing(format!("--vault-password-file to read `{key}` in {file}"))
                }
            },
            Lookup::LockedFile => r.missing(format!("--vault-password-file to read {file}")),
            Lookup::MissingFile | Lookup::Absent => {}
        }
    }
    let (Some(a), Some(b)) = (a, b) else { return r };
    if e.expect.same_major == Some(true) {
        if a.major() != b.major() {
            r.fail(format!("{id}: {a} → {b}{by} is a major upgrade"));
        } else {
            r.note(format!("{id}: {a} → {b}{by}"));
        }
    }
    r
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
