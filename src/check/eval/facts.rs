//! Evidence from the facts the collect script gathered: `stat` of host paths, JSON answers
//! of `openstack`/`ceph`/`kubectl`, Ceph daemon versions, Kubernetes nodes.

use regex::Regex;

use super::inventory::group_hosts;
use super::{Inputs, Res};
use crate::check::catalog::Evidence;
use crate::check::report::Status;
use crate::release::path;

pub(super) fn host_stat(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let Some((g, hosts)) = group_hosts(e, inp, &mut r) else {
        return r;
    };
    let file = e.facts_file.as_deref().unwrap_or("");
    let path = e.path.as_deref().unwrap_or("").trim_end_matches('/');
    let Some(facts) = inp.facts else {
        r.missing(format!(
            "--facts DIR with hosts/<host>/{file} for the hosts of {g}"
        ));
        return r;
    };
    let x = &e.expect;
    let mut ok = Vec::new();
    for h in &hosts {
        let rel = format!("hosts/{h}/{file}");
        let Some(lines) = facts.stat(&rel) else {
            r.missing(format!("facts/{rel}"));
            continue;
        };
        let Some(s) = lines.iter().find(|l| l.path.trim_end_matches('/') == path) else {
            r.fail(format!("{h}: {path} does not exist"));
            continue;
        };
        let mut good = true;
        if let Some(t) = &x.file_type
            && &s.file_type != t
        {
            r.fail(format!("{h}: {path} is a {}, expected a {t}", s.file_type));
            good = false;
        }
        if let Some(o) = &x.owner
            && &s.owner != o
        {
            r.fail(format!("{h}: {path} is owned by {}, expected {o}", s.owner));
            good = false;
        }
        if let Some(m) = &x.mode
            && u32::from_str_radix(&s.mode, 8).ok() != u32::from_str_radix(m, 8).ok()
        {
            r.fail(format!("{h}: {path} has mode {:0>4}, expected {m}", s.mode));
            good = false;
        }
        if good {
            ok.push(h.clone());
        }
    }
    if !ok.is_empty() && r.state == Status::Pass {
        r.note(format!("as expected on {} ({g})", ok.join(", ")));
    }
    r
}

pub(super) fn facts_text(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let file = e.facts_file.as_deref().unwrap_or("");
    let Some(facts) = inp.facts else {
        r.missing(format!("--facts DIR with {file}"));
        return r;
    };
    let Some(text) = facts.text(file) else {
        r.missing(format!("facts/{file}"));
        return r;
    };
    super::config::lines(&format!("facts/{file}"), text, &e.expect, &mut r);
    r
}

fn facts_file<'a>(inp: &'a Inputs, file: &str, r: &mut Res) -> Option<&'a serde_json::Value> {
    let Some(facts) = inp.facts else {
        r.missing(format!("--facts DIR with {file}"));
        return None;
    };
    let v = facts.json(file);
    if v.is_none() {
        r.missing(format!("facts/{file}"));
    }
    v
}

fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub(super) fn facts_json(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let file = e.facts_file.as_deref().unwrap_or("");
    let Some(doc) = facts_file(inp, file, &mut r) else {
        return r;
    };
    let pointer = e.pointer.as_deref().unwrap_or("");
    let Some(v) = doc.pointer(pointer) else {
        r.missing(format!("`{pointer}` in facts/{file}"));
        return r;
    };
    let x = &e.expect;
    let text = json_text(v);
    if !x.one_of.is_empty() && !x.one_of.contains(&text) {
        r.fail(format!(
            "facts/{file} {pointer} is `{text}`, expected one of {}",
            x.one_of.join(", ")
        ));
    }
    if x.not_one_of.contains(&text) {
        r.fail(format!("facts/{file} {pointer} is `{text}`"));
    }
    if let Some(fe) = &x.any_field_equals {
        let found = v.as_array().is_some_and(|a| {
            a.iter()
                .any(|i| i.get(&fe.field).map(json_text).as_deref() == Some(fe.value.as_str()))
        });
        if !found {
            r.fail(format!(
                "facts/{file} {pointer} has no entry with {} = `{}`",
                fe.field, fe.value
            ));
        }
    }
    if let Some(g) = &x.every_group_has {
        let items = v.as_array().map(Vec::as_slice).unwrap_or(&[]);
        let mut groups: Vec<String> = Vec::new();
        for i in items {
            if let Some(k) = i.get(&g.group_by).map(json_text)
                && !groups.contains(&k)
            {
                groups.push(k);
            }
        }
        let lacking: Vec<&String> = groups
            .iter()
            .filter(|k| {
                !items.iter().any(|i| {
                    i.get(&g.group_by).map(json_text).as_deref() == Some(k.as_str())
                        && i.get(&g.field).map(json_text).as_deref() == Some(g.value.as_str())
                })
            })
            .collect();
        if groups.is_empty() {
            r.missing(format!("entries with `{}` in facts/{file}", g.group_by));
        } else if !lacking.is_empty() {
            r.fail(format!(
                "facts/{file}: {} without {} `{}`: {}",
                g.group_by,
                g.field,
                g.value,
                lacking
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let Some(min) = x.count_min {
        let n = v.as_array().map(Vec::len).unwrap_or(0);
        if n < min {
            r.fail(format!(
                "facts/{file} {pointer} has {n} entries, at least {min} needed"
            ));
        }
    }
    if let Some(other) = &x.same_length_as {
        match doc.pointer(other) {
            None => r.missing(format!("`{other}` in facts/{file}")),
            Some(o) => {
                let (a, b) = (
                    v.as_array().map(Vec::len).unwrap_or(0),
                    o.as_array().map(Vec::len).unwrap_or(0),
                );
                if a != b {
                    r.fail(format!(
                        "facts/{file}: {pointer} has {a} entries, {other} has {b}"
                    ));
                }
            }
        }
    }
    if r.state == Status::Pass && x.one_of.len() + x.not_one_of.len() > 0 {
        r.note(format!("facts/{file} {pointer} is `{text}`"));
    }
    r
}

pub(super) fn ceph_versions(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let file = e.facts_file.as_deref().unwrap_or("");
    let Some(doc) = facts_file(inp, file, &mut r) else {
        return r;
    };
    static VERSION: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(r"ceph version (\d+)\.(\d+)\.(\d+)").expect("valid regex")
    });
    let overall = doc.get("overall").unwrap_or(doc);
    let mut running: Vec<(String, u64)> = Vec::new();
    if let Some(map) = overall.as_object() {
        for k in map.keys() {
            if let Some(c) = VERSION.captures(k)
                && let Ok(major) = c[1].parse::<u64>()
            {
                running.push((format!("{}.{}.{}", &c[1], &c[2], &c[3]), major));
            }
        }
    }
    if running.is_empty() {
        r.missing(format!(
            "ceph version strings in facts/{file} (expected `ceph versions -f json`)"
        ));
        return r;
    }
    let versions: Vec<&str> = running.iter().map(|(v, _)| v.as_str()).collect();
    let x = &e.expect;
    if let Some(max) = x.max_major_jump {
        let target = path::ceph_release(inp.store, inp.to);
        match target
            .as_deref()
            .and_then(|t| inp.rules.ceph_major(t).map(|m| (t, m)))
        {
            None => r.missing(format!("the Ceph release of {} in releases/", inp.to)),
            Some((name, tm)) => {
                let min = running.iter().map(|(_, m)| *m).min().unwrap_or(0);
                let maxr = running.iter().map(|(_, m)| *m).max().unwrap_or(0);
                if tm < maxr {
                    r.fail(format!(
                        "running Ceph {} is newer than the target's {name} ({tm}): a downgrade",
                        versions.join(", ")
                    ));
                } else if tm - min > max {
                    r.fail(format!(
                        "running Ceph {} (major {min}); the target's {name} is major {tm}: {} majors in one upgrade, at most {max}",
                        versions.join(", "),
                        tm - min
                    ));
                } else {
                    r.note(format!(
                        "running Ceph {}; target {name} (major {tm})",
                        versions.join(", ")
                    ));
                }
            }
        }
    }
    if x.single_version == Some(true) && running.len() > 1 {
        r.fail(format!(
            "daemons run {} different versions: {}",
            running.len(),
            versions.join(", ")
        ));
    }
    r
}

pub(super) fn k8s_nodes(e: &Evidence, inp: &Inputs) -> Res {
    let mut r = Res::default();
    let pattern = e.facts_glob.as_deref().unwrap_or("");
    let Some(facts) = inp.facts else {
        r.missing(format!(
            "--facts DIR with {pattern} (KaaS workload clusters)"
        ));
        return r;
    };
    let files = facts.glob(pattern);
    if files.is_empty() {
        r.missing(format!("facts/{pattern} (KaaS workload clusters)"));
        return r;
    }
    let lag = inp.rules.kubernetes.kubelet_max_minor_lag;
    for f in files {
        let cluster = f.split('/').rev().nth(1).unwrap_or(&f).to_string();
        let Some(doc) = facts.json(&f) else { continue };
        let mut cp: Vec<(u64, u64)> = Vec::new();
        let mut nodes: Vec<(String, (u64, u64))> = Vec::new();
        for item in doc
            .get("items")
            .and_then(|i| i.as_array())
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let name = item
                .pointer("/metadata/name")
                .map(json_text)
                .unwrap_or_default();
            let Some(v) = item
                .pointer("/status/nodeInfo/kubeletVersion")
                .and_then(|v| v.as_str())
                .and_then(path::parse_minor)
            else {
                continue;
            };
            let labels = item.pointer("/metadata/labels").and_then(|l| l.as_object());
            if labels.is_some_and(|l| {
                l.contains_key("node-role.kubernetes.io/control-plane")
                    || l.contains_key("node-role.kubernetes.io/master")
            }) {
                cp.push(v);
            }
            nodes.push((name, v));
        }
        let Some(cpv) = cp.iter().max().copied() else {
            r.missing(format!("control-plane nodes in facts/{f}"));
            continue;
        };
        if e.expect.kubelet_skew == Some(true) {
            for (n, v) in &nodes {
                if v > &cpv {
                    r.fail(format!(
                        "{cluster}: node {n} kubelet {}.{} is newer than the control plane {}.{}",
                        v.0, v.1, cpv.0, cpv.1
                    ));
                } else if v.0 == cpv.0 && cpv.1 - v.1 > lag {
                    r.fail(format!(
                        "{cluster}: node {n} kubelet {}.{} is {} minors behind the control plane {}.{} (at most {lag})",
                        v.0,
                        v.1,
                        cpv.1 - v.1,
                        cpv.0,
                        cpv.1
                    ));
                }
            }
        }
        if e.expect.target_supported == Some(true) {
            let supported = path::kaas_kubernetes(inp.store, inp.to);
            let list: Vec<(u64, u64)> = supported
                .iter()
                .filter_map(|s| path::parse_minor(s))
                .collect();
            let name = inp
                .store
                .scs_release(inp.to)
                .map(|s| s.name.clone())
                .unwrap_or_else(|| inp.to.to_string());
            match (list.iter().min(), list.iter().max()) {
                (Some(lo), Some(hi)) => {
                    if cpv < *lo {
                        let steps: Vec<String> = (cpv.1 + 1..=lo.1)
                            .map(|m| format!("{}.{m}", lo.0))
                            .collect();
                        r.fail(format!(
                            "{cluster}: control plane {}.{} is older than what {name} supports ({}): upgrade one minor at a time: {}",
                            cpv.0,
                            cpv.1,
                            supported.join(", "),
                            steps.join(" → ")
                        ));
                    } else if cpv > *hi {
                        r.fail(format!("{cluster}: control plane {}.{} is newer than what {name} supports ({})", cpv.0, cpv.1, supported.join(", ")));
                    } else {
                        r.note(format!(
                            "{cluster}: control plane {}.{} (supported by {name})",
                            cpv.0, cpv.1
                        ));
                    }
                }
                _ => r.missing(format!(
                    "the Kubernetes versions supported by {name} in releases/scs"
                )),
            }
        }
    }
    r
}
