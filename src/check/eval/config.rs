//! Evidence from the configuration repository: keys, files and conditions.

use regex::Regex;

use super::{Inputs, Res};
use crate::base::yaml::Node;
use crate::check::catalog::{Condition, Evidence};
use crate::check::report::Status;
use crate::evidence::config::{self, ConfigRepo, Doc, Lookup};

/// Evaluate a condition: Ok((holds, description when it does not)), Err(missing evidence).
pub(super) fn condition(cfg: &ConfigRepo, c: &Condition) -> Result<(bool, String), String> {
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

pub(super) fn config_key(e: &Evidence, inp: &Inputs) -> Res {
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

pub(super) fn config_file(e: &Evidence, inp: &Inputs) -> Res {
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

pub(super) fn config_keys_match(e: &Evidence, inp: &Inputs) -> Res {
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
