//! The part of Jinja that can be resolved without running Ansible: a string whose templates are
//! bare variable names, `"ceph.client.{{ ceph_cinder_user }}.keyring"`, looked up again and
//! again until only text is left. Anything else (filters, operators, attribute access,
//! `{% … %}` blocks, unknown names, cycles) is "templated": unknown, never a guess.

/// How deep names may refer to names (`a: "{{ b }}"`, `b: "{{ c }}"`, …).
pub const MAX_DEPTH: usize = 16;

/// A value after resolving its templates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Plain text: what Ansible would use.
    Text(String),
    /// Could not be resolved here; `why` says what stopped it.
    Templated { why: String },
}

/// Resolve `text`. `lookup(name)` gives the raw text of a variable (itself possibly
/// templated), or `None` when no layer sets it.
pub fn resolve(text: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Resolved {
    resolve_with(text, &|n| Ok(lookup(n)))
}

/// [`resolve`] with a lookup that can also say why a name cannot be known (`Err(why)`, e.g.
/// a vault that could not be opened): that stops resolving with `why` as the reason.
pub fn resolve_with(
    text: &str,
    lookup: &dyn Fn(&str) -> Result<Option<String>, String>,
) -> Resolved {
    let mut chain = Vec::new();
    match expand(text, lookup, &mut chain) {
        Ok(t) => Resolved::Text(t),
        Err(why) => Resolved::Templated { why },
    }
}

fn expand(
    text: &str,
    lookup: &dyn Fn(&str) -> Result<Option<String>, String>,
    chain: &mut Vec<String>,
) -> Result<String, String> {
    if text.contains("{%") || text.contains("{#") {
        return Err("a Jinja block or comment".into());
    }
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after
            .find("}}")
            .ok_or_else(|| "a `{{` without `}}`".to_string())?;
        let expr = after[..close].trim();
        if !is_name(expr) {
            return Err(format!(
                "the expression `{{{{ {expr} }}}}` (only bare variable names are resolved)"
            ));
        }
        if chain.iter().any(|n| n == expr) {
            chain.push(expr.to_string());
            return Err(format!("a cycle: {}", chain.join(" → ")));
        }
        if chain.len() >= MAX_DEPTH {
            return Err(format!("more than {MAX_DEPTH} levels of variables"));
        }
        let raw = lookup(expr)?.ok_or_else(|| format!("`{expr}`, which nothing sets"))?;
        chain.push(expr.to_string());
        let value = expand(&raw, lookup, chain)?;
        chain.pop();
        out.push_str(&value);
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

/// A Jinja variable name: a letter or `_`, then letters, digits or `_`.
fn is_name(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn with(vars: &HashMap<String, String>, text: &str) -> Resolved {
        resolve(text, &|n| vars.get(n).cloned())
    }

    #[test]
    fn names_resolve_recursively() {
        // OSISM 7's defaults: the nova keyring is the cinder one.
        let v = vars(&[
            ("ceph_cinder_user", "cinder"),
            (
                "ceph_cinder_keyring",
                "ceph.client.{{ ceph_cinder_user }}.keyring",
            ),
            ("ceph_nova_keyring", "{{ ceph_cinder_keyring }}"),
        ]);
        assert_eq!(
            with(&v, "{{ ceph_nova_keyring }}"),
            Resolved::Text("ceph.client.cinder.keyring".into())
        );
        assert_eq!(with(&v, "plain"), Resolved::Text("plain".into()));
        assert_eq!(
            with(&v, "{{ceph_cinder_user}}-{{ ceph_cinder_user }}"),
            Resolved::Text("cinder-cinder".into())
        );
    }

    #[test]
    fn anything_else_stays_templated_with_the_reason() {
        let v = vars(&[("a", "{{ b }}"), ("b", "{{ a }}"), ("x", "1")]);
        for (text, why) in [
            (
                "{{ x | default('y') }}",
                "only bare variable names are resolved",
            ),
            ("{{ x + 1 }}", "only bare variable names"),
            ("{{ x.y }}", "only bare variable names"),
            ("{% if x %}y{% endif %}", "a Jinja block"),
            ("{{ missing }}", "`missing`, which nothing sets"),
            ("{{ a }}", "a cycle: a → b → a"),
            ("{{ x", "without `}}`"),
        ] {
            match with(&v, text) {
                Resolved::Templated { why: w } => assert!(w.contains(why), "{text}: {w}"),
                r => panic!("{text}: {r:?}"),
            }
        }
    }

    #[test]
    fn depth_is_bounded() {
        let v: HashMap<String, String> = (0..40)
            .map(|i| (format!("v{i}"), format!("{{{{ v{} }}}}", i + 1)))
            .chain([("v40".to_string(), "end".to_string())])
            .collect();
        assert_eq!(with(&v, "{{ v30 }}"), Resolved::Text("end".into()));
        assert!(
            matches!(with(&v, "{{ v0 }}"), Resolved::Templated { why } if why.contains("more than 16"))
        );
    }
}
