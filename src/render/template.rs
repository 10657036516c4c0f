//! Handlebars templates in strict mode, with errors that name the template, line and column.

use serde::Serialize;

#[derive(Debug, thiserror::Error)]
#[error("{path}:{line}:{column}: {reason}")]
pub struct TemplateError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

/// Render `text` (shown as `path` in errors) with `ctx`. Strict mode: a missing variable is an
/// error, not an empty string. No HTML escaping (Markdown output).
pub fn render_strict<T: Serialize>(
    path: &str,
    text: &str,
    ctx: &T,
) -> Result<String, TemplateError> {
    check_safe("t", text).map_err(|u| TemplateError {
        path: path.to_string(),
        line: u.line.unwrap_or(0),
        column: u.column.unwrap_or(0),
        reason: u.reason,
    })?;
    let mut hb = handlebars::Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_template_string("t", text).map_err(|e| {
        let (line, column) = e.pos().map_or((0, 0), |(l, c)| on_text(text, l, c));
        TemplateError {
            path: path.to_string(),
            line,
            column,
            reason: plain(&e.reason().to_string()),
        }
    })?;
    hb.render("t", ctx).map_err(|e| TemplateError {
        path: path.to_string(),
        line: e.line_no.unwrap_or(0),
        column: e.column_no.unwrap_or(0),
        reason: plain(&e.reason().to_string()),
    })
}

/// A parser position in `text`, moved back onto the text: handlebars reports a block left
/// open at the end as the line after the last one.
pub fn on_text(text: &str, line: usize, column: usize) -> (usize, usize) {
    let lines: Vec<&str> = text.lines().collect();
    match lines.last() {
        Some(last) if line > lines.len() => (lines.len(), last.chars().count() + 1),
        _ => (line, column),
    }
}

/// First line only: the parser's token lists are noise for people editing templates.
fn plain(reason: &str) -> String {
    let first = reason.lines().next().unwrap_or(reason).trim();
    // handlebars prints `Some("name")` for the variable; show `name`.
    let re = regex::Regex::new(r#"Some\("([^"]*)"\)"#).expect("valid regex");
    re.replace_all(first, "`$1`").to_string()
}

/// Why a template cannot be rendered safely, found before rendering: where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsafe {
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
}

/// Check a template before handlebars renders it: handlebars expands partials recursively
/// and has no depth limit, so `{{#*inline "x"}}{{> x}}{{/inline}}{{> x}}` overflows the stack
/// and aborts the process. Refused here, with the position of the offending `{{> …}}`:
/// - partials that include themselves, directly or through others (a cycle);
/// - chains of partials deeper than [`TEMPLATE_MAX_PARTIAL_DEPTH`];
/// - partial names computed at render time (`{{> (lookup …)}}`), which could form a cycle;
/// - blocks nested deeper than [`TEMPLATE_MAX_BLOCK_DEPTH`], and templates larger than
///   [`TEMPLATE_MAX_BYTES`] (the parser recurses per nesting level).
///
/// `own_name` is the name the template is registered under (`{{> own_name}}` is a cycle too).
///
/// [`TEMPLATE_MAX_PARTIAL_DEPTH`]: crate::base::limits::TEMPLATE_MAX_PARTIAL_DEPTH
/// [`TEMPLATE_MAX_BLOCK_DEPTH`]: crate::base::limits::TEMPLATE_MAX_BLOCK_DEPTH
/// [`TEMPLATE_MAX_BYTES`]: crate::base::limits::TEMPLATE_MAX_BYTES
pub fn check_safe(own_name: &str, text: &str) -> Result<(), Unsafe> {
    use crate::base::limits::{TEMPLATE_MAX_BLOCK_DEPTH, TEMPLATE_MAX_BYTES};
    let at = |line: usize, column: usize, reason: String| Unsafe {
        line: Some(line),
        column: Some(column),
        reason,
    };
    if text.len() as u64 > TEMPLATE_MAX_BYTES {
        return Err(Unsafe {
            line: None,
            column: None,
            reason: format!(
                "the template is larger than {}",
                crate::base::limits::human_bytes(TEMPLATE_MAX_BYTES)
            ),
        });
    }
    // Block depth from the text, before the parser sees it.
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("{{") {
            let after = rest[i + 2..].trim_start_matches(['{', '~']);
            if after.starts_with('#') || after.starts_with('^') && !after.starts_with("^}") {
                depth += 1;
                if depth > TEMPLATE_MAX_BLOCK_DEPTH {
                    let column = line.len() - rest.len() + i + 1;
                    return Err(at(
                        n + 1,
                        column,
                        format!("blocks nest deeper than {TEMPLATE_MAX_BLOCK_DEPTH} levels"),
                    ));
                }
            } else if after.starts_with('/') {
                depth = depth.saturating_sub(1);
            }
            rest = &rest[i + 2..];
        }
    }
    // A syntax error is reported by the caller's own parse, with its wording.
    let Ok(tree) = handlebars::template::Template::compile(text) else {
        return Ok(());
    };
    let mut scan = Scan::default();
    scan.walk(&tree, ROOT)?;
    scan.check(own_name)
}

/// The node of the template itself in the partial graph.
const ROOT: &str = "\u{0}root";

#[derive(Default)]
struct Scan {
    /// Partial (or [`ROOT`]) → the partials it includes, with their positions.
    edges: std::collections::BTreeMap<String, Vec<(String, usize, usize)>>,
}

impl Scan {
    fn walk(&mut self, t: &handlebars::template::Template, owner: &str) -> Result<(), Unsafe> {
        use handlebars::template::{Parameter, TemplateElement as E};
        for (i, e) in t.elements.iter().enumerate() {
            let (line, column) = t.mapping.get(i).map_or((0, 0), |m| (m.0, m.1));
            match e {
                E::PartialExpression(d) | E::PartialBlock(d) => {
                    let Some(name) = d.name.as_name() else {
                        return Err(Unsafe {
                            line: Some(line),
                            column: Some(column),
                            reason: "a partial name computed at render time (`{{> (…)}}`) is not supported; name the partial".into(),
                        });
                    };
                    self.edges.entry(owner.to_string()).or_default().push((
                        name.to_string(),
                        line,
                        column,
                    ));
                    if let Some(body) = &d.template {
                        self.walk(body, owner)?;
                    }
                }
                E::DecoratorBlock(d) if d.name.as_name() == Some("inline") => {
                    let name = match d.params.first() {
                        Some(Parameter::Literal(serde_json::Value::String(s))) => s.clone(),
                        Some(p) => p.as_name().unwrap_or_default().to_string(),
                        None => String::new(),
                    };
                    self.edges.entry(name.clone()).or_default();
                    if let Some(body) = &d.template {
                        self.walk(body, &name)?;
                    }
                }
                E::DecoratorBlock(d) | E::DecoratorExpression(d) => {
                    if let Some(body) = &d.template {
                        self.walk(body, owner)?;
                    }
                }
                E::HelperBlock(h) => {
                    for body in [&h.template, &h.inverse].into_iter().flatten() {
                        self.walk(body, owner)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Depth-first from the template: a partial met again on the current path is a cycle.
    fn check(&self, own_name: &str) -> Result<(), Unsafe> {
        let mut path: Vec<String> = Vec::new();
        let mut done = std::collections::BTreeMap::new();
        self.visit(ROOT, own_name, &mut path, &mut done)?;
        Ok(())
    }

    /// Returns the longest chain of partials below `node`.
    fn visit(
        &self,
        node: &str,
        own_name: &str,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeMap<String, usize>,
    ) -> Result<usize, Unsafe> {
        use crate::base::limits::TEMPLATE_MAX_PARTIAL_DEPTH;
        if let Some(d) = done.get(node) {
            return Ok(*d);
        }
        path.push(node.to_string());
        let mut deepest = 0;
        for (to, line, column) in self.edges.get(node).into_iter().flatten() {
            let target = if to == own_name { ROOT } else { to.as_str() };
            // Partials that are not inline ones are not registered: rendering reports them.
            if target != ROOT && !self.edges.contains_key(target) {
                continue;
            }
            let shown = |n: &str| {
                if n == ROOT {
                    "the template itself".to_string()
                } else {
                    format!("`{n}`")
                }
            };
            if let Some(start) = path.iter().position(|p| p == target) {
                let mut cycle: Vec<String> = path[start..].iter().map(|n| shown(n)).collect();
                cycle.push(shown(target));
                let reason = if cycle.len() == 2 {
                    format!(
                        "partial {} includes itself; recursive partials are not supported (they never end)",
                        shown(target)
                    )
                } else {
                    format!(
                        "partials include each other in a cycle ({}); recursive partials are not supported (they never end)",
                        cycle.join(" → ")
                    )
                };
                return Err(Unsafe {
                    line: Some(*line),
                    column: Some(*column),
                    reason,
                });
            }
            if path.len() > TEMPLATE_MAX_PARTIAL_DEPTH {
                return Err(Unsafe {
                    line: Some(*line),
                    column: Some(*column),
                    reason: format!(
                        "partials nest deeper than {TEMPLATE_MAX_PARTIAL_DEPTH} levels"
                    ),
                });
            }
            deepest = deepest.max(1 + self.visit(target, own_name, path, done)?);
        }
        path.pop();
        done.insert(node.to_string(), deepest);
        Ok(deepest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(text: &str) -> String {
        match check_safe("t", text) {
            Ok(()) => "ok".into(),
            Err(u) => format!(
                "{}:{}: {}",
                u.line.unwrap_or(0),
                u.column.unwrap_or(0),
                u.reason
            ),
        }
    }

    #[test]
    fn recursive_partials_are_found_before_rendering() {
        let chain: String = (0..40)
            .map(|i| {
                format!(
                    "{{{{#*inline \"p{i}\"}}}}{{{{> p{}}}}}{{{{/inline}}}}\n",
                    i + 1
                )
            })
            .chain(["{{#*inline \"p40\"}}end{{/inline}}\n{{> p0}}\n".to_string()])
            .collect();
        let cases = [
            ("self", "{{#*inline \"x\"}}{{> x}}{{/inline}}{{> x}}"),
            (
                "mutual",
                "{{#*inline \"a\"}}{{> b}}{{/inline}}\n{{#*inline \"b\"}}{{#each xs}}{{> a}}{{/each}}{{/inline}}\n{{> a}}",
            ),
            (
                "the template itself",
                "{{#*inline \"a\"}}{{> t}}{{/inline}}{{> a}}",
            ),
            (
                "partial block",
                "{{#*inline \"a\"}}{{#> a}}x{{/a}}{{/inline}}{{> a}}",
            ),
            ("dynamic name", "{{> (lookup this \"n\")}}"),
            ("deep blocks", &"{{#if a}}".repeat(70)),
            ("long chain", &chain),
            (
                "fine",
                "{{#*inline \"a\"}}{{> b}}{{/inline}}{{#*inline \"b\"}}b{{/inline}}{{> a}}{{> a}}",
            ),
            ("not inline", "{{> elsewhere}}"),
        ];
        let report: String = cases
            .iter()
            .map(|(name, text)| format!("{name}: {}\n", problem(text)))
            .collect();
        insta::assert_snapshot!("unsafe_templates", report);
    }

    #[test]
    fn render_strict_refuses_a_recursive_partial() {
        let e = render_strict(
            "templates/announcement.md.hbs",
            "{{#*inline \"x\"}}{{> x}}{{/inline}}{{> x}}",
            &serde_json::json!({}),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "templates/announcement.md.hbs:1:17: partial `x` includes itself; recursive partials are not supported (they never end)"
        );
    }
}
