//! Evaluates the catalogue against the evidence. A check passes only on evidence; without it
//! the check is "unknown" and names what is missing. Values of secrets are never put into
//! findings: messages name the file, line and key, and at most a non-secret value.

use regex::Regex;
use serde::Serialize;

use super::catalog::{Check, Condition, Evidence, EvidenceKind, Severity};
use crate::base::version::Version;
use crate::base::yaml::Node;
use crate::evidence::config::{self, ConfigRepo, Doc, Lookup};
use crate::evidence::facts::Facts;
use crate::evidence::inventory::Inventory;
use crate::release::Store;
use crate::release::path;
use crate::release::path_rules::Rules;

/// Everything a check can read.
pub struct Inputs<'a> {
    pub store: &'a Store,
    pub rules: &'a Rules,
    pub from: &'a Version,
    pub to: &'a Version,
    pub config: &'a ConfigRepo,
    pub inventory: Option<&'a Inventory>,
    pub facts: Option<&'a Facts>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    Pass,
    Fail,
    Unknown,
    /// Needs a person (information and commands only).
    Manual,
    /// A condition on the configuration is false.
    NotApplicable,
    /// Skipped with `--ignore`.
    Ignored,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Manual => "manual",
            Status::NotApplicable => "n/a",
            Status::Ignored => "ignored",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// What was found (per host, file, key), never a secret value.
    pub details: Vec<String>,
    /// The evidence that was missing (for "unknown").
    pub missing: Vec<String>,
    pub remediation: String,
    pub sources: Vec<String>,
}

impl Finding {
    /// Does this finding stop the upgrade (exit 2)?
    pub fn blocks(&self) -> bool {
        self.severity == Severity::Block && matches!(self.status, Status::Fail | Status::Unknown)
    }

    /// Is it a warning (exit 1)?
    pub fn warns(&self) -> bool {
        self.severity == Severity::Warn && matches!(self.status, Status::Fail | Status::Unknown)
    }
}

/// The result of `upgrade check`.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: Version,
    pub to: Version,
    pub from_scs: Option<String>,
    pub to_scs: Option<String>,
    pub config: String,
    pub facts: Option<String>,
    pub findings: Vec<Finding>,
    /// Catalogue checks that belong to other upgrades.
    pub other_hops: usize,
}

impl Report {
    /// 0 all passed, 1 warnings only, 2 a blocking finding or a blocking check without evidence.
    pub fn exit_code(&self) -> i32 {
        if self.findings.iter().any(Finding::blocks) {
            2
        } else if self.findings.iter().any(Finding::warns) {
            1
        } else {
            0
        }
    }

    pub fn count(&self, f: impl Fn(&Finding) -> bool) -> usize {
        self.findings.iter().filter(|x| f(x)).count()
    }
}

/// Run every check of the catalogue that applies to `from → to`.
pub fn run(
    checks: &[Check],
    inputs: &Inputs,
    ignore: &[String],
    config_label: String,
    facts_label: Option<String>,
) -> Report {
    let mut findings = Vec::new();
    let mut other = 0;
    for c in checks {
        if !c.applies_to.matches(inputs.from, inputs.to) {
            other += 1;
            continue;
        }
        let mut f = Finding {
            id: c.id.clone(),
            title: c.title.clone(),
            severity: c.severity,
            status: Status::Pass,
            details: Vec::new(),
            missing: Vec::new(),
            remediation: c.remediation.trim_end().to_string(),
            sources: c.sources.clone(),
        };
        if ignore.iter().any(|i| i.eq_ignore_ascii_case(&c.id)) {
            f.status = Status::Ignored;
            findings.push(f);
            continue;
        }
        let r = evaluate(c, inputs);
        f.status = r.state;
        f.details = r.details;
        f.missing = r.missing;
        findings.push(f);
    }
    findings.sort_by_key(|f| f.severity);
    Report {
        from: inputs.from.clone(),
        to: inputs.to.clone(),
        from_scs: inputs
            .store
            .scs_release(inputs.from)
            .map(|r| r.name.clone()),
        to_scs: inputs.store.scs_release(inputs.to).map(|r| r.name.clone()),
        config: config_label,
        facts: facts_label,
        findings,
        other_hops: other,
    }
}

#[derive(Debug, Default)]
struct Res {
    state: Status,
    details: Vec<String>,
    missing: Vec<String>,
}

impl Res {
    fn fail(&mut self, d: impl Into<String>) {
        self.state = Status::Fail;
        self.details.push(d.into());
    }
    fn missing(&mut self, m: impl Into<String>) {
        if self.state != Status::Fail {
            self.state = Status::Unknown;
        }
        let m = m.into();
        if !self.missing.contains(&m) {
            self.missing.push(m);
        }
    }
    fn note(&mut self, d: impl Into<String>) {
        self.details.push(d.into());
    }
    fn na(reason: String) -> Res {
        Res {
            state: Status::NotApplicable,
            details: vec![reason],
            missing: vec![],
        }
    }
}

fn evaluate(c: &Check, inp: &Inputs) -> Res {
    // Check-level conditions.
    for cond in &c.when {
        match condition(inp.config, cond) {
            Ok((true, _)) => {}
            Ok((false, why)) => return Res::na(why),
            Err(m) => {
                let mut r = Res::default();
                r.missing(m);
                return r;
            }
        }
    }
    let mut total = Res::default();
    let mut all_na = true;
    for e in &c.evidence {
        let r = match e.kind {
            EvidenceKind::ConfigKey => config_key(e, inp),
            EvidenceKind::ConfigFile => config_file(e, inp),
            EvidenceKind::ConfigKeysMatch => config_keys_match(e, inp),
            EvidenceKind::InventoryGroup => inventory_group(e, inp),
            EvidenceKind::HostVarsKey => host_vars_key(e, inp),
            EvidenceKind::HostStat => host_stat(e, inp),
            EvidenceKind::FactsJson => facts_json(e, inp),
            EvidenceKind::CephVersions => ceph_versions(e, inp),
            EvidenceKind::K8sNodes => k8s_nodes(e, inp),
            EvidenceKind::ReleasePin => release_pin(e, inp),
            EvidenceKind::UpgradePath => upgrade_path(inp),
            EvidenceKind::Manual => Res {
                state: Status::Manual,
                ..Res::default()
            },
        };
        if r.state != Status::NotApplicable {
            all_na = false;
        }
        match (total.state, r.state) {
            (Status::Fail, _) | (_, Status::NotApplicable) | (_, Status::Pass) => {}
            (_, Status::Fail) => total.state = Status::Fail,
            (Status::Unknown, _) => {}
            (_, s) => total.state = s,
        }
        total.details.extend(r.details);
        for m in r.missing {
            if !total.missing.contains(&m) {
                total.missing.push(m);
            }
        }
    }
    if all_na {
        total.state = Status::NotApplicable;
    }
    total
}

/// Evaluate a condition: Ok((holds, description when it does not)), Err(missing evidence).
fn condition(cfg: &ConfigRepo, c: &Condition) -> Result<(bool, String), String> {
    let lookup = cfg.lookup(&c.file, &c.key);
    let not = |what: String| format!("not applicable: `{}` in {} {what}", c.key, c.file);
    match lookup {
        // A missing file sets nothing: decisive for `present`, not for the others.
        Lookup::MissingFile if c.present.is_some() => Ok((
            c.present == Some(false),
            format!("not applicable: {} does not exist", c.file),
        )),
        Lookup::MissingFile => Err(c.file.clone()),
        Lookup::LockedFile => Err(format!("--vault-password-file to read {}", c.file)),
        Lookup::Absent => {
            if let Some(p) = c.present {
                Ok((!p, not("is not set".into())))
            } else if let Some(b) = c.boolean {
                match c.default {
                    Some(d) => Ok((d == b, not(format!("is not set (default {d})")))),
                    None => Err(format!("`{}` in {}", c.key, c.file)),
                }
            } else {
                Ok((false, not("is not set".into())))
            }
        }
        Lookup::Present(node) => {
            if let Some(p) = c.present {
                return Ok((p, not("is set".into())));
            }
            if let Some(b) = c.boolean {
                return match config::ansible_bool(node) {
                    Some(v) => Ok((v == b, not(format!("is {v}")))),
                    None if config::scalar_text(node).is_err() => Err(format!(
                        "--vault-password-file to read `{}` in {}",
                        c.key, c.file
                    )),
                    None => Err(format!(
                        "a boolean for `{}` in {} (line {})",
                        c.key, c.file, node.line
                    )),
                };
            }
            let want = c.equals.as_deref().unwrap_or("");
            match config::scalar_text(node) {
                Ok(t) => Ok((t == Some(want), not(format!("is not `{want}`")))),
                Err(config::Encrypted) => Err(format!(
                    "--vault-password-file to read `{}` in {}",
                    c.key, c.file
                )),
            }
        }
    }
}

/// A value for messages: shown only when it is not secret.
fn shown(cfg: &ConfigRepo, file: &str, key: &str, node: &Node) -> String {
    if cfg.is_secret(file, key, Some(node)) {
        return "a value (not shown: secret)".into();
    }
    match config::scalar_text(node) {
        Ok(Some(t)) => format!("`{t}`"),
        Ok(None) if node.is_null() => "empty".into(),
        Ok(None) => node.kind_name().into(),
        Err(config::Encrypted) => "an encrypted value".into(),
    }
}

fn files_of(cfg: &ConfigRepo, pattern: &str, r: &mut Res) -> Vec<String> {
    if ConfigRepo::is_pattern(pattern) {
        let m: Vec<String> = cfg
            .glob(pattern)
            .into_iter()
            .filter(|f| cfg.doc(f).is_some())
            .collect();
        if m.is_empty() {
            r.missing(format!("YAML files matching {pattern}"));
        }
        m
    } else {
        if cfg.doc(pattern).is_none() {
            r.missing(pattern.to_string());
            return Vec::new();
        }
        vec![pattern.to_string()]
    }
}

fn config_key(e: &Evidence, inp: &Inputs) -> Res {
    let cfg = inp.config;
    let x = &e.expect;
    let mut r = Res::default();
    let files = files_of(cfg, e.file.as_deref().unwrap_or(""), &mut r);
    let mut open = Vec::new();
    for f in files {
        match cfg.doc(&f) {
            Some(Doc::Locked) => r.missing(format!(
                "--vault-password-file to read {f} (it is vault-encrypted)"
            )),
            Some(Doc::Parsed { tree, .. })
                if !matches!(tree.value, crate::base::yaml::Value::Map(_)) && !tree.is_null() =>
            {
                r.fail(format!(
                    "{f}: the file is {}, not a mapping of variables (Ansible cannot load it)",
                    tree.kind_name()
                ))
            }
            Some(Doc::Parsed { .. }) => open.push(f),
            None => {}
        }
    }
    if open.is_empty() {
        return r;
    }
    // (key, [(file, node)]) for every key of interest.
    let mut keys: Vec<(String, Vec<(String, &Node)>)> = Vec::new();
    let regex = e.key_regex.as_deref().and_then(|k| Regex::new(k).ok());
    if let Some(re) = &regex {
        for f in &open {
            for (k, n) in cfg.keys(f) {
                if re.is_match(k) {
                    match keys.iter_mut().find(|(kk, _)| kk == k) {
                        Some((_, v)) => v.push((f.clone(), n)),
                        None => keys.push((k.to_string(), vec![(f.clone(), n)])),
                    }
                }
            }
        }
    } else {
        for k in e.key.iter().chain(e.keys.iter()) {
            let found: Vec<(String, &Node)> = open
                .iter()
                .filter_map(|f| match cfg.lookup(f, k) {
                    Lookup::Present(n) => Some((f.clone(), n)),
                    _ => None,
                })
                .collect();
            keys.push((k.clone(), found));
        }
    }
    let where_ = |f: &str, n: &Node| format!("{f}:{}", n.line);
    let files_text = open.join(", ");
    for (k, found) in &keys {
        if let Some(want) = x.present {
            if want {
                match found.first() {
                    None => r.fail(format!("`{k}` is missing in {files_text}")),
                    Some((f, n))
                        if n.is_null()
                            || config::scalar_text(n)
                                .ok()
                                .flatten()
                                .is_some_and(|t| t.trim().is_empty()) =>
                    {
                        r.fail(format!("{}: `{k}` is empty", where_(f, n)))
                    }
                    Some(_) => {}
                }
            } else {
                for (f, n) in found {
                    r.fail(format!(
                        "{}: `{k}` is set to {} (remove it)",
                        where_(f, n),
                        shown(cfg, f, k, n)
                    ));
                }
            }
        }
        if let Some(b) = x.boolean {
            match found.first() {
                None if x.absent_ok == Some(true) => {}
                None => r.fail(format!("`{k}` is not set in {files_text} (expected {b})")),
                Some((f, n)) => match config::ansible_bool(n) {
                    Some(v) if v == b => {}
                    Some(v) => r.fail(format!("{}: `{k}` is {v}, expected {b}", where_(f, n))),
                    None if config::scalar_text(n).is_err() => {
                        r.missing(format!("--vault-password-file to read `{k}` in {f}"))
                    }
                    None => r.fail(format!(
                        "{}: `{k}` is {}, not a boolean (expected {b})",
                        where_(f, n),
                        shown(cfg, f, k, n)
                    )),
                },
            }
        }
        if let Some(want) = &x.equals {
            match found.first() {
                None if x.absent_ok == Some(true) => {}
                None => r.fail(format!(
                    "`{k}` is not set in {files_text} (expected `{want}`)"
                )),
                Some((f, n)) => match config::scalar_text(n) {
                    Ok(t) if t == Some(want.as_str()) => {}
                    Ok(_) => r.fail(format!(
                        "{}: `{k}` is {}, expected `{want}`",
                        where_(f, n),
                        shown(cfg, f, k, n)
                    )),
                    Err(config::Encrypted) => {
                        r.missing(format!("--vault-password-file to read `{k}` in {f}"))
                    }
                },
            }
        }
        if let Some(re) = x.not_matching.as_deref().and_then(|p| Regex::new(p).ok()) {
            for (f, n) in found {
                match config::scalar_text(n) {
                    Ok(Some(t)) if re.is_match(t) => r.fail(format!(
                        "{}: `{k}` is {}, which matches `{}`",
                        where_(f, n),
                        shown(cfg, f, k, n),
                        re.as_str()
                    )),
                    Err(config::Encrypted) => {
                        r.missing(format!("--vault-password-file to read `{k}` in {f}"))
                    }
                    _ => {}
                }
            }
        }
        if let Some(len) = x.length {
            let Some((f, n)) = found.first() else {
                if x.absent_ok != Some(true) {
                    r.fail(format!(
                        "`{k}` is not set in {files_text} (expected {len} characters)"
                    ));
                }
                continue;
            };
            match config::scalar_text(n) {
                Ok(Some(t)) if t.chars().count() != len => r.fail(format!(
                    "{}: `{k}` has {} characters, expected {len}",
                    where_(f, n),
                    t.chars().count()
                )),
                Ok(None) => r.fail(format!(
                    "{}: `{k}` is empty, expected {len} characters",
                    where_(f, n)
                )),
                Err(config::Encrypted) => {
                    r.missing(format!("--vault-password-file to read `{k}` in {f}"))
                }
                _ => {}
            }
        }
    }
    r
}

fn config_file(e: &Evidence, inp: &Inputs) -> Res {
    let cfg = inp.config;
    let x = &e.expect;
    let mut r = Res::default();
    let mut targets: Vec<String> = Vec::new();
    let mut skipped = Vec::new();
    if let Some(g) = &e.glob {
        targets = cfg.glob(g);
        if targets.is_empty() {
            r.note(format!("no file matches {g}: nothing to change"));
        }
    } else {
        'items: for item in &e.files {
            for cond in &item.when {
                match condition(cfg, cond) {
                    Ok((true, _)) => {}
                    Ok((false, _)) => {
                        skipped.push(item.path.clone());
                        continue 'items;
                    }
                    Err(m) => {
                        r.missing(m);
                        continue 'items;
                    }
                }
            }
            if !cfg.exists(&item.path) {
                if x.exists == Some(true) {
                    r.fail(format!("{} is missing", item.path));
                }
                continue;
            }
            if x.exists == Some(false) {
                r.fail(format!("{} exists and should not", item.path));
            }
            targets.push(item.path.clone());
        }
        if skipped.len() == e.files.len() {
            return Res::na(format!(
                "not applicable: the services of {} are not enabled",
                skipped.join(", ")
            ));
        }
    }
    let line_res: Vec<Regex> = x
        .line_matches
        .iter()
        .filter_map(|p| Regex::new(p).ok())
        .collect();
    for f in targets {
        let text = match cfg.read_text(&f) {
            Ok(Some(t)) => t,
            Ok(None) => continue,
            Err(err) => {
                r.missing(format!("{f} ({err})"));
                continue;
            }
        };
        if x.non_empty == Some(true) && text.trim().is_empty() {
            r.fail(format!("{f} is empty"));
            continue;
        }
        if x.ends_with_newline == Some(true) && !text.is_empty() && !text.ends_with('\n') {
            r.fail(format!("{f} does not end with a newline"));
        }
        for re in &line_res {
            if !text.lines().any(|l| re.is_match(l)) {
                r.fail(format!("{f}: no line matches `{}`", re.as_str()));
            }
        }
        for needle in &x.not_contains {
            for (i, l) in text.lines().enumerate() {
                if l.contains(needle.as_str()) {
                    r.fail(format!("{f}:{}: contains `{needle}`", i + 1));
                }
            }
        }
    }
    r
}

fn config_keys_match(e: &Evidence, inp: &Inputs) -> Res {
    let cfg = inp.config;
    let mut r = Res::default();
    let (src, other) = (
        e.file.as_deref().unwrap_or(""),
        e.other.as_deref().unwrap_or(""),
    );
    for f in [src, other] {
        match cfg.doc(f) {
            None => r.missing(f.to_string()),
            Some(Doc::Locked) => r.missing(format!(
                "--vault-password-file to read {f} (it is vault-encrypted)"
            )),
            _ => {}
        }
    }
    if r.state == Status::Unknown {
        return r;
    }
    let keys: Vec<String> = match e.key_regex.as_deref().and_then(|k| Regex::new(k).ok()) {
        Some(re) => cfg
            .keys(src)
            .into_iter()
            .map(|(k, _)| k.to_string())
            .filter(|k| re.is_match(k))
            .collect(),
        None => e.key.iter().chain(e.keys.iter()).cloned().collect(),
    };
    if keys.is_empty() {
        r.note(format!("no matching keys in {src}"));
    }
    for k in keys {
        let a = match cfg.lookup(src, &k) {
            Lookup::Present(n) => n,
            _ => {
                r.fail(format!("`{k}` is missing in {src}"));
                continue;
            }
        };
        let b = match cfg.lookup(other, &k) {
            Lookup::Present(n) => n,
            _ => {
                r.fail(format!("`{k}` is set in {src} but missing in {other}"));
                continue;
            }
        };
        if e.expect.equal_in_other == Some(true) {
            match (config::scalar_text(a), config::scalar_text(b)) {
                (Ok(x), Ok(y)) if x != y => r.fail(format!(
                    "`{k}` differs between {src}:{} and {other}:{} (values not shown)",
                    a.line, b.line
                )),
                (Err(config::Encrypted), _) | (_, Err(config::Encrypted)) => {
                    r.missing(format!("--vault-password-file to compare `{k}`"))
                }
                _ => {}
            }
        }
    }
    r
}

fn group_hosts(e: &Evidence, inp: &Inputs, r: &mut Res) -> Option<(String, Vec<String>)> {
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

fn inventory_group(e: &Evidence, inp: &Inputs) -> Res {
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

fn host_vars_key(e: &Evidence, inp: &Inputs) -> Res {
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

fn host_stat(e: &Evidence, inp: &Inputs) -> Res {
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

fn facts_json(e: &Evidence, inp: &Inputs) -> Res {
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

fn ceph_versions(e: &Evidence, inp: &Inputs) -> Res {
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

fn k8s_nodes(e: &Evidence, inp: &Inputs) -> Res {
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

fn release_pin(e: &Evidence, inp: &Inputs) -> Res {
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

fn upgrade_path(inp: &Inputs) -> Res {
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
