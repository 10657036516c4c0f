//! Evidence from the configuration repository: keys, files and conditions.

use regex::Regex;

use super::{Inputs, Res};
use crate::base::yaml::Node;
use crate::check::catalog::{Condition, Evidence, Expect, IniOption, MissingSection};
use crate::check::report::Status;
use crate::evidence::config::{self, ConfigRepo, Doc, Lookup};
use crate::evidence::facts::GENERATED_FILES;

/// Evaluate a condition: Ok((holds, description when it does not)), Err(missing evidence).
/// Without `file` it tests the effective value ([`super::effective::condition`]).
pub(super) fn condition(inp: &Inputs, c: &Condition) -> Result<(bool, String), String> {
    let Some(file) = c.file.as_deref() else {
        return super::effective::condition(inp, c);
    };
    let cfg = inp.config;
    let lookup = cfg.lookup(file, &c.key);
    let not = |what: String| format!("not applicable: `{}` in {file} {what}", c.key);
    match lookup {
        // A missing file sets nothing: decisive for `present`, not for the others.
        Lookup::MissingFile if c.present.is_some() => Ok((
            c.present == Some(false),
            format!("not applicable: {file} does not exist"),
        )),
        Lookup::MissingFile => Err(file.to_string()),
        Lookup::LockedFile => Err(format!("--vault-password-file to read {file}")),
        Lookup::Absent if c.not_equals.is_some() => Ok((true, String::new())),
        Lookup::Absent => {
            if let Some(p) = c.present {
                Ok((!p, not("is not set".into())))
            } else if let Some(b) = c.boolean {
                match c.default {
                    Some(d) => Ok((d == b, not(format!("is not set (default {d})")))),
                    None => Err(format!("`{}` in {file}", c.key)),
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
                        "--vault-password-file to read `{}` in {file}",
                        c.key
                    )),
                    None => Err(format!(
                        "a boolean for `{}` in {file} (line {})",
                        c.key, node.line
                    )),
                };
            }
            if let Some(other) = &c.not_equals {
                return match config::scalar_text(node) {
                    Ok(t) => Ok((t != Some(other), not(format!("is `{other}`")))),
                    Err(config::Encrypted) => Err(format!(
                        "--vault-password-file to read `{}` in {file}",
                        c.key
                    )),
                };
            }
            let want = c.equals.as_deref().unwrap_or("");
            match config::scalar_text(node) {
                Ok(t) => Ok((t == Some(want), not(format!("is not `{want}`")))),
                Err(config::Encrypted) => Err(format!(
                    "--vault-password-file to read `{}` in {file}",
                    c.key
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
                        "{}: `{k}` is set to {}",
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

/// The text of one file to test: the repository's, or (for a file the repository ignores
/// and a deploy step writes) its redacted structure from the facts.
struct FileText {
    name: String,
    text: String,
    /// The file is empty (for facts: 0 bytes).
    empty: bool,
    ends_with_newline: bool,
}

pub(super) fn config_file(e: &Evidence, inp: &Inputs) -> Res {
    let cfg = inp.config;
    let x = &e.expect;
    let mut r = Res::default();
    let mut targets: Vec<FileText> = Vec::new();
    let mut skipped = Vec::new();
    // (path, .gitignore rule) of ignored files that only the facts can show.
    let mut generated: Vec<(String, String)> = Vec::new();
    let repo_file = |f: &str, r: &mut Res| match cfg.read_text(f) {
        Ok(Some(t)) => Some(FileText {
            name: f.to_string(),
            empty: t.trim().is_empty(),
            ends_with_newline: t.is_empty() || t.ends_with('\n'),
            text: t,
        }),
        Ok(None) => None,
        Err(err) => {
            r.missing(format!("{f} ({err})"));
            None
        }
    };
    if let Some(g) = &e.glob {
        let files = cfg.glob(g);
        if files.is_empty() {
            r.note(format!("no file matches {g}: nothing to change"));
        }
        targets.extend(files.iter().filter_map(|f| repo_file(f, &mut r)));
    } else {
        'items: for item in &e.files {
            for cond in &item.when {
                match condition(inp, cond) {
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
            let path = item.path.as_str();
            let rule = cfg.ignored_by(path);
            // A file git ignores is written at deploy time; an empty copy in the repository is
            // a placeholder (osism/testbed's ceph.client.admin.keyring).
            let placeholder = rule.is_some()
                && cfg.exists(path)
                && cfg
                    .read_text(path)
                    .ok()
                    .flatten()
                    .is_none_or(|t| t.trim().is_empty());
            if cfg.exists(path) && !placeholder {
                if x.exists == Some(false) {
                    r.fail(format!("{path} exists and should not"));
                }
                targets.extend(repo_file(path, &mut r));
                continue;
            }
            let Some(rule) = rule else {
                if x.exists == Some(true) {
                    r.fail(format!("{path} is missing"));
                }
                continue;
            };
            // Ignored by git: the facts say what the deploy step wrote.
            match inp.facts.and_then(|f| f.generated()) {
                None => generated.push((path.to_string(), rule.to_string())),
                Some(g) => match g.get(path) {
                    None if x.exists == Some(true) => r.fail(format!(
                        "{path} is missing: the repository ignores it ({rule}) and the manager \
                         does not have it either (facts {GENERATED_FILES})"
                    )),
                    None => {}
                    Some(f) => {
                        if x.exists == Some(false) {
                            r.fail(format!(
                                "{path} exists on the manager (facts {GENERATED_FILES}) and should not"
                            ));
                        }
                        targets.push(FileText {
                            name: format!("{path} (on the manager, facts {GENERATED_FILES})"),
                            text: f.text.clone(),
                            empty: f.bytes == 0,
                            ends_with_newline: f.ends_with_newline || f.bytes == 0,
                        });
                    }
                },
            }
        }
        if !generated.is_empty() {
            let mut rules: Vec<&str> = generated.iter().map(|g| g.1.as_str()).collect();
            rules.dedup();
            r.missing(format!(
                "{} (ignored by {}, written at deploy time): facts {GENERATED_FILES}, collected on \
                 the manager by `scs-release upgrade collect-script`, or run the check on the \
                 manager's /opt/configuration",
                generated
                    .iter()
                    .map(|g| g.0.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                rules.join(", ")
            ));
        }
        if skipped.len() == e.files.len() {
            return Res::na(format!(
                "not applicable: the services of {} are not enabled",
                skipped.join(", ")
            ));
        }
    }
    for t in targets {
        let f = &t.name;
        if x.non_empty == Some(true) && t.empty {
            r.fail(format!("{f} is empty"));
            continue;
        }
        if x.ends_with_newline == Some(true) && !t.ends_with_newline {
            r.fail(format!("{f} does not end with a newline"));
        }
        lines(f, &t.text, x, &mut r);
        if let Some(o) = &x.ini_option {
            ini_option(f, &t.text, o, &mut r);
        }
    }
    r
}

/// `line_matches` (each regex matches some line), `not_contains` (no line holds the text) and
/// `no_line_matches` (no line matches the regex), the last two outside a release branch, on the
/// text of `f`: a file or a facts file.
pub(super) fn lines(f: &str, text: &str, x: &Expect, r: &mut Res) {
    for p in &x.line_matches {
        if let Ok(re) = Regex::new(p)
            && !text.lines().any(|l| re.is_match(l))
        {
            r.fail(format!("{f}: no line matches `{p}`"));
        }
    }
    let branches = version_branches(text);
    let regexes: Vec<(&String, Regex)> = x
        .no_line_matches
        .iter()
        .filter_map(|p| Regex::new(p).ok().map(|re| (p, re)))
        .collect();
    let needles = x
        .not_contains
        .iter()
        .map(|n| (n, None))
        .chain(regexes.iter().map(|(p, re)| (*p, Some(re))));
    for (needle, re) in needles {
        for (i, l) in text.lines().enumerate() {
            let hit = match re {
                Some(re) => re.is_match(l),
                None => l.contains(needle.as_str()),
            };
            if !hit {
                continue;
            }
            match branches[i] {
                Some(at) => r.note(format!(
                    "{f}:{}: `{needle}` only in a branch of the release condition at line {at} (the file serves both releases)",
                    i + 1
                )),
                None => r.fail(format!("{f}:{}: contains `{needle}`", i + 1)),
            }
        }
    }
}

/// For each line of a Jinja template: the line of the innermost enclosing
/// `{% if … %}` that tests the release (`openstack_version`, `ceph_version`,
/// `manager_version`), if any. Overlays written for both releases keep the old value in
/// such a branch (testbed's haproxy.cfg: `{% if openstack_version == "2023.2" %}`).
fn version_branches(text: &str) -> Vec<Option<usize>> {
    const VERSION_VARS: [&str; 3] = ["openstack_version", "ceph_version", "manager_version"];
    let tag = |l: &str, word: &str| {
        let l = l.trim_start();
        ["{%", "{%-"].iter().any(|open| {
            l.strip_prefix(open)
                .is_some_and(|r| r.trim_start().starts_with(word))
        })
    };
    // (line of the `if`, tests the release)
    let mut stack: Vec<(usize, bool)> = Vec::new();
    let mut out = Vec::new();
    for (i, l) in text.lines().enumerate() {
        if tag(l, "if ") {
            let versioned = VERSION_VARS.iter().any(|v| l.contains(v));
            stack.push((i + 1, versioned));
        } else if tag(l, "endif") {
            stack.pop();
        }
        out.push(stack.iter().rev().find(|s| s.1).map(|s| s.0));
    }
    out
}

/// In each of `o.sections` the file has, the option `o.key` is set.
fn ini_option(f: &str, text: &str, o: &IniOption, r: &mut Res) {
    // (section, line of its header, has the key)
    let mut seen: Vec<(String, usize, bool)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let l = raw.trim();
        if let Some(name) = l.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            seen.push((name.trim().to_string(), i + 1, false));
        } else if l.starts_with(['#', ';']) {
        } else if let Some((k, _)) = l.split_once(['=', ':'])
            && k.trim() == o.key
            && let Some(last) = seen.last_mut()
        {
            last.2 = true;
        }
    }
    for want in &o.sections {
        let mine: Vec<&(String, usize, bool)> = seen.iter().filter(|s| &s.0 == want).collect();
        if mine.is_empty() {
            if o.missing_section == MissingSection::Fail {
                r.fail(format!("{f}: no [{want}] section with `{}`", o.key));
            }
        } else if !mine.iter().any(|s| s.2) {
            r.fail(format!(
                "{f}:{}: [{want}] does not set `{}`",
                mine[0].1, o.key
            ));
        }
    }
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
