//! Evidence from the inventory: groups and their hosts, host variables.

use super::{Inputs, Res};
use crate::check::catalog::Evidence;
use crate::evidence::config::Lookup;

pub(super) fn group_hosts(
    e: &Evidence,
    inp: &Inputs,
    r: &mut Res,
) -> Option<(String, Vec<String>)> {
    let Some(inv) = inp.inventory else {
        r.missing("inventory/ (the OSISM INI inventory of the configuration repository)");
        return None;
    };
    match inv.first_group(&e.groups) {
        Some(g) => Some(g),
        None => {
            r.missing(format!("inventory group {}", e.groups.join(" or ")));
            None
        }
    }
}

pub(super) fn inventory_group(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let Some((g, hosts)) = group_hosts(e, inp, &mut r) else {
        return r;
    };
    let min = e.expect.count_min.unwrap_or(0);
    if hosts.len() < min {
        r.fail(format!(
            "group {g} has {} host{} ({}), at least {min} needed",
            hosts.len(),
            if hosts.len() == 1 { "" } else { "s" },
            hosts.join(", ")
        ));
    } else {
        r.note(format!(
            "group {g}: {} hosts ({})",
            hosts.len(),
            hosts.join(", ")
        ));
    }
    r
}

pub(super) fn host_vars_key(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let Some((g, hosts)) = group_hosts(e, inp, &mut r) else {
        return r;
    };
    let key = e.key.as_deref().unwrap_or("");
    let cfg = inp.config;
    let mut without = Vec::new();
    for h in &hosts {
        let mut files = vec![
            format!("inventory/host_vars/{h}.yml"),
            format!("inventory/host_vars/{h}.yaml"),
        ];
        files.extend(cfg.glob(&format!("inventory/host_vars/{h}/*.yml")));
        files.extend(cfg.glob(&format!("inventory/host_vars/{h}/*.yaml")));
        let mut found = false;
        for f in &files {
            match cfg.lookup(f, key) {
                Lookup::Present(_) => found = true,
                Lookup::LockedFile => r.missing(format!("--vault-password-file to read {f}")),
                _ => {}
            }
        }
        if !found {
            without.push(h.clone());
        }
    }
    let want = e.expect.present.unwrap_or(true);
    if want && !without.is_empty() {
        r.fail(format!(
            "hosts of {g} without `{key}` in inventory/host_vars: {}",
            without.join(", ")
        ));
    }
    r
}
