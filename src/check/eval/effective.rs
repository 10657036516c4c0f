//! Evidence from the effective configuration: the value Ansible uses for a variable (the
//! target release's OSISM defaults < inventory < environment files), where it was set, and
//! how it compares with the defaults of both releases. Conditions without `file` use it too.

use regex::Regex;

use super::{Inputs, Res};
use crate::check::catalog::{Condition, Evidence};
use crate::evidence::effective::{DEFAULT_ENV, Effective, Found, Layer, Locked};
use crate::evidence::jinja::Resolved;
use crate::release::defaults::Defaults;

/// The view of the repository as the target (or the source) release applies it.
pub(super) fn view<'a>(inp: &Inputs<'a>, env: Option<&'a str>, target: bool) -> Effective<'a> {
    let defaults = if target {
        inp.to_defaults
    } else {
        inp.from_defaults
    };
    Effective::new(
        inp.config,
        inp.inventory,
        defaults,
        env.unwrap_or(DEFAULT_ENV),
    )
}

/// `file:line` of a value; for a default also the osism/defaults tag.
pub(super) fn place(f: &Found) -> String {
    match &f.layer {
        Layer::Defaults { tag, .. } => format!("OSISM defaults {tag} {}:{}", f.file, f.line),
        _ => format!("{}:{}", f.file, f.line),
    }
}

/// The value for messages, never a secret: `` `x` ``, or `` `{{ a }}` = `x` `` when resolved.
pub(super) fn shown(f: &Found, r: &Resolved) -> String {
    if f.secret {
        return "a value (not shown: secret)".into();
    }
    let raw = f.value.text();
    match (raw, r) {
        (Some(raw), Resolved::Text(t)) if raw == t => format!("`{t}`"),
        (Some(raw), Resolved::Text(t)) => format!("`{raw}` (= `{t}`)"),
        (Some(raw), Resolved::Templated { .. }) => format!("`{raw}`"),
        (None, _) => f.value.kind_name().to_string(),
    }
}

pub(super) fn locked(key: &str, l: &Locked) -> String {
    format!(
        "--vault-password-file to read {} (it may set `{key}`)",
        l.file
    )
}

fn from_repo(f: &Found) -> bool {
    !matches!(f.layer, Layer::Defaults { .. })
}

fn no_defaults(inp: &Inputs, target: bool) -> String {
    let v = if target { inp.to } else { inp.from };
    format!(
        "the OSISM defaults of {v} (releases/defaults/<its defaults_version>.yaml; add them with `scs-release releases import-defaults`)"
    )
}

fn tag(d: Option<&Defaults>) -> &str {
    d.map(|d| d.source.tag.as_str()).unwrap_or("?")
}

/// A condition on the effective value: Ok((holds, why not)), Err(missing evidence).
pub(super) fn condition(inp: &Inputs, c: &Condition) -> Result<(bool, String), String> {
    let v = view(inp, c.env.as_deref(), true);
    let key = c.key.as_str();
    let not = |what: String| format!("not applicable: `{key}` {what}");
    let got = v.resolve(key, None).map_err(|l| locked(key, &l))?;
    let Some((found, res)) = got else {
        if c.not_equals.is_some() {
            return Ok((true, String::new()));
        }
        if let Some(p) = c.present {
            return Ok((!p, not("is not set".into())));
        }
        if let Some(b) = c.boolean {
            return match c.default {
                Some(d) => Ok((d == b, not(format!("is not set (the role default is {d})")))),
                None if inp.to_defaults.is_none() => Err(no_defaults(inp, true)),
                None => Err(format!("a value for `{key}` (no layer sets it)")),
            };
        }
        return Ok((false, not("is not set".into())));
    };
    let at = place(&found);
    if let Some(p) = c.present {
        return Ok((p, not(format!("is set ({at})"))));
    }
    let text = match &res {
        Resolved::Text(t) => t.as_str(),
        Resolved::Templated { why } => {
            return Err(format!(
                "a value for `{key}`: {at} sets {}, which is {why}",
                shown(&found, &res)
            ));
        }
    };
    if let Some(b) = c.boolean {
        return match crate::evidence::effective::text_bool(text) {
            Some(x) => Ok((x == b, not(format!("is {x} ({at})")))),
            None => Err(format!(
                "a boolean for `{key}` ({at} sets a value that is not one)"
            )),
        };
    }
    if let Some(other) = &c.not_equals {
        return Ok((text != other, not(format!("is `{other}` ({at})"))));
    }
    let want = c.equals.as_deref().unwrap_or("");
    Ok((text == want, not(format!("is not `{want}` ({at})"))))
}

pub(super) fn effective_key(e: &Evidence, inp: &Inputs) -> Res {
    let x = &e.expect;
    let mut r = Res::default();
    let to = view(inp, e.env.as_deref(), true);
    let keys: Vec<String> = match e.key_regex.as_deref().and_then(|k| Regex::new(k).ok()) {
        Some(re) => to
            .repo_keys(None)
            .into_iter()
            .filter(|k| re.is_match(k))
            .map(str::to_string)
            .collect(),
        None => e.key.iter().chain(e.keys.iter()).cloned().collect(),
    };
    for k in &keys {
        let got = match to.resolve(k, None) {
            Ok(g) => g,
            Err(l) => {
                r.missing(locked(k, &l));
                continue;
            }
        };
        if let Some(want) = x.present {
            match (&got, want) {
                (None, true) => r.fail(format!("`{k}` is not set in any layer")),
                (Some((f, res)), false) if from_repo(f) => {
                    r.fail(format!("{}: `{k}` is set to {}", place(f), shown(f, res)))
                }
                _ => {}
            }
        }
        let judged =
            x.only_where_set != Some(true) || got.as_ref().is_some_and(|(f, _)| from_repo(f));
        if judged && (x.boolean.is_some() || x.equals.is_some()) {
            value_is(k, &got, x.boolean, x.equals.as_deref(), x.absent_ok, &mut r);
        }
        if let Some(re) = x.matches.as_deref().and_then(|p| Regex::new(p).ok())
            && judged
        {
            value_matches(k, &got, &re, x.absent_ok, &mut r);
        }
        if x.set_in_repository == Some(true) {
            match &got {
                Some((f, _)) if from_repo(f) => {}
                Some((f, res)) => r.fail(format!(
                    "`{k}` is not set in the repository; the OSISM {} default is {} ({})",
                    inp.to,
                    shown(f, res),
                    place(f)
                )),
                None => r.fail(format!(
                    "`{k}` is not set in the repository nor in the OSISM {} defaults (the role's own default applies)",
                    inp.to
                )),
            }
        }
        if x.same_as_target_default == Some(true) {
            same_as_default(k, &got, &to, inp, &mut r);
        }
        if x.set_if_default_changes == Some(true) {
            default_changes(k, &got, e, inp, &mut r);
        }
        if x.read_by_target == Some(true) {
            read_by_target(k, &got, e, inp, &mut r);
        }
    }
    r
}

type Got<'a> = Option<(Found<'a>, Resolved)>;

fn value_is(
    k: &str,
    got: &Got,
    boolean: Option<bool>,
    equals: Option<&str>,
    absent_ok: Option<bool>,
    r: &mut Res,
) {
    let expected = match (boolean, equals) {
        (Some(b), _) => b.to_string(),
        (None, Some(w)) => format!("`{w}`"),
        (None, None) => return,
    };
    let Some((f, res)) = got else {
        if absent_ok != Some(true) {
            r.fail(format!(
                "`{k}` is not set in any layer (expected {expected})"
            ));
        }
        return;
    };
    let text = match res {
        Resolved::Text(t) => t,
        Resolved::Templated { why } => {
            r.missing(format!(
                "a value for `{k}`: {} sets {}, which is {why}",
                place(f),
                shown(f, res)
            ));
            return;
        }
    };
    let ok = match boolean {
        Some(b) => match crate::evidence::effective::text_bool(text) {
            Some(v) => v == b,
            None => {
                r.fail(format!(
                    "{}: `{k}` is {}, not a boolean (expected {expected})",
                    place(f),
                    shown(f, res)
                ));
                return;
            }
        },
        None => Some(text.as_str()) == equals,
    };
    if !ok {
        r.fail(format!(
            "{}: `{k}` is {}, expected {expected}",
            place(f),
            shown(f, res)
        ));
    }
}

fn value_matches(k: &str, got: &Got, re: &Regex, absent_ok: Option<bool>, r: &mut Res) {
    match got {
        None if absent_ok == Some(true) => {}
        None => r.fail(format!(
            "`{k}` is not set in any layer (expected a value matching `{}`)",
            re.as_str()
        )),
        Some((f, Resolved::Templated { why })) => r.missing(format!(
            "a value for `{k}`: {} sets {}, which is {why}",
            place(f),
            shown(f, &Resolved::Templated { why: why.clone() })
        )),
        Some((f, res @ Resolved::Text(t))) if !re.is_match(t) => r.fail(format!(
            "{}: `{k}` is {}, which does not match `{}`",
            place(f),
            shown(f, res),
            re.as_str()
        )),
        Some(_) => {}
    }
}

/// The repository leaves `k` alone or sets what the target's defaults give.
fn same_as_default(k: &str, got: &Got, to: &Effective, inp: &Inputs, r: &mut Res) {
    let Some((f, res)) = got.as_ref().filter(|(f, _)| from_repo(f)) else {
        return;
    };
    if inp.to_defaults.is_none() {
        r.missing(no_defaults(inp, true));
        return;
    }
    let default = match to.default_of(k, None) {
        Ok(d) => d,
        Err(l) => {
            r.missing(locked(k, &l));
            return;
        }
    };
    let Some((df, dres)) = default else {
        r.fail(format!(
            "{}: `{k}` is set to {}; the OSISM {} defaults ({}) do not set it",
            place(f),
            shown(f, res),
            inp.to,
            tag(inp.to_defaults)
        ));
        return;
    };
    match (res, &dres) {
        (Resolved::Text(a), Resolved::Text(b)) if a == b => r.note(format!(
            "{}: `{k}` is set to {}, the same as the OSISM {} default ({}): the line can go",
            place(f),
            shown(f, res),
            inp.to,
            place(&df)
        )),
        (Resolved::Text(_), Resolved::Text(_)) => r.fail(format!(
            "{}: `{k}` is set to {}; the OSISM {} default is {} ({})",
            place(f),
            shown(f, res),
            inp.to,
            shown(&df, &dres),
            place(&df)
        )),
        (Resolved::Templated { why }, _) => r.missing(format!(
            "a value for `{k}`: {} sets {}, which is {why}",
            place(f),
            shown(f, res)
        )),
        (_, Resolved::Templated { why }) => r.missing(format!(
            "the OSISM {} default of `{k}` ({} {}), which is {why}",
            inp.to,
            place(&df),
            shown(&df, &dres)
        )),
    }
}

/// What the defaults of one release give `k`, for messages and comparison.
fn default_text(v: &Effective, k: &str) -> Result<Option<(String, String)>, String> {
    match v.default_of(k, None) {
        Err(l) => Err(locked(k, &l)),
        Ok(None) => Ok(None),
        Ok(Some((f, res))) => {
            let key = match &res {
                Resolved::Text(t) => t.clone(),
                Resolved::Templated { .. } => f.value.text().unwrap_or("").to_string(),
            };
            Ok(Some((key, format!("{} ({})", shown(&f, &res), place(&f)))))
        }
    }
}

/// The repository relies on a default that changes between the releases.
fn default_changes(k: &str, got: &Got, e: &Evidence, inp: &Inputs, r: &mut Res) {
    if let Some((f, res)) = got.as_ref().filter(|(f, _)| from_repo(f)) {
        r.note(format!(
            "{}: `{k}` is set to {}, so the change of its default does not apply",
            place(f),
            shown(f, res)
        ));
        return;
    }
    for (d, target) in [(inp.from_defaults, false), (inp.to_defaults, true)] {
        if d.is_none() {
            r.missing(no_defaults(inp, target));
        }
    }
    if inp.from_defaults.is_none() || inp.to_defaults.is_none() {
        return;
    }
    let env = e.env.as_deref();
    let (a, b) = match (
        default_text(&view(inp, env, false), k),
        default_text(&view(inp, env, true), k),
    ) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(m), _) | (_, Err(m)) => {
            r.missing(m);
            return;
        }
    };
    if a.as_ref().map(|x| &x.0) == b.as_ref().map(|x| &x.0) {
        return;
    }
    let say = |d: Option<(String, String)>| {
        d.map(|d| d.1)
            .unwrap_or_else(|| "not set (the role's own default applies)".into())
    };
    r.fail(format!(
        "`{k}` is not set in the repository and its OSISM default changes: {} ({}): {} → {} ({}): {}",
        inp.from,
        tag(inp.from_defaults),
        say(a),
        inp.to,
        tag(inp.to_defaults),
        say(b)
    ));
}

/// The repository sets a key the source's defaults define and the target's no longer do.
fn read_by_target(k: &str, got: &Got, e: &Evidence, inp: &Inputs, r: &mut Res) {
    let Some((f, _)) = got.as_ref().filter(|(f, _)| from_repo(f)) else {
        return;
    };
    let (Some(_), Some(_)) = (inp.from_defaults, inp.to_defaults) else {
        r.missing(no_defaults(inp, inp.to_defaults.is_none()));
        return;
    };
    let env = e.env.as_deref();
    let before = view(inp, env, false).default_of(k, None);
    let after = view(inp, env, true).default_of(k, None);
    if let (Ok(Some((old, _))), Ok(None)) = (before, after) {
        r.fail(format!(
            "{}: `{k}` is set, but the OSISM {} defaults ({}) no longer define it (it was in {}): it is probably no longer read",
            place(f),
            inp.to,
            tag(inp.to_defaults),
            place(&old)
        ));
    }
}
