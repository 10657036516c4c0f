//! Handlebars templates in strict mode, with errors that name the template, line and column.

use handlebars::{RenderErrorReason, TemplateErrorReason};
use serde::Serialize;

/// A template that cannot be read, parsed or rendered: the template, the position, the
/// reason in plain words and the offending line with a caret under the column.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub struct TemplateError {
    /// The template's name: a file path, or `templates/kaas-v1.md.hbs` for the built-in ones.
    pub template: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub reason: String,
    /// The offending source line, when known.
    pub source_line: Option<String>,
}

impl TemplateError {
    /// An error without a position (a template that cannot be read).
    pub fn whole(template: impl Into<String>, reason: impl Into<String>) -> TemplateError {
        TemplateError {
            template: template.into(),
            line: None,
            column: None,
            reason: reason.into(),
            source_line: None,
        }
    }

    fn message(&self) -> String {
        let mut m = format!("template {}", self.template);
        if let (Some(l), Some(c)) = (self.line, self.column) {
            m.push_str(&format!(":{l}:{c}"));
        }
        m.push_str(&format!(": {}", self.reason));
        if let (Some(src), Some(c)) = (&self.source_line, self.column) {
            m.push_str(&format!(
                "\n  | {src}\n  | {}^",
                " ".repeat(c.saturating_sub(1))
            ));
        }
        m
    }
}

/// A strict engine: a missing variable is an error, not an empty string; no HTML escaping
/// (the outputs are Markdown; callers escape untrusted text in the data).
pub fn engine() -> handlebars::Handlebars<'static> {
    let mut hb = handlebars::Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb
}

/// Refuse what [`check_safe`] refuses, as a [`TemplateError`] of `name`.
pub fn check(name: &str, text: &str) -> Result<(), TemplateError> {
    check_safe(name, text).map_err(|u| TemplateError {
        template: name.to_string(),
        line: u.line,
        column: u.column,
        reason: u.reason,
        source_line: source_line(text, u.line),
    })
}

/// Render `text` (shown as `name` in errors) with `ctx` in a strict engine; `context` says
/// what the template sees, for errors (`the announcement context; see docs/upgrade-plan.md`).
pub fn render_strict<T: Serialize>(
    name: &str,
    text: &str,
    ctx: &T,
    context: &str,
) -> Result<String, TemplateError> {
    check(name, text)?;
    let mut hb = engine();
    hb.register_template_string(name, text)
        .map_err(|e| compile_error(name, text, &e))?;
    hb.render(name, ctx)
        .map_err(|e| render_error(name, text, &e, context))
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

fn source_line(text: &str, line: Option<usize>) -> Option<String> {
    line.and_then(|l| text.lines().nth(l.saturating_sub(1)))
        .map(str::to_string)
}

/// The innermost `{{#name …}}` block still open at the end of `text`, with its line.
fn open_block(text: &str) -> Option<(String, usize)> {
    let mut open: Vec<(String, usize)> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find("{{") {
            rest = &rest[i + 2..];
            let tag = rest.trim_start_matches('~');
            let word = |t: &str| -> String {
                t.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
                    .collect()
            };
            if let Some(t) = tag.strip_prefix('#') {
                let t = t.trim_start_matches(['*', '>']);
                open.push((word(t), n + 1));
            } else if let Some(t) = tag.strip_prefix('/') {
                let w = word(t);
                if let Some(i) = open.iter().rposition(|(o, _)| *o == w) {
                    open.truncate(i);
                }
            }
        }
    }
    open.pop()
}

/// A parse error of `text` (named `name`) in plain words, at its position in the text.
pub fn compile_error(name: &str, text: &str, e: &handlebars::TemplateError) -> TemplateError {
    let reason = match e.reason() {
        TemplateErrorReason::MismatchingClosedHelper(open, close) => {
            format!(
                "block `{{{{#{open}}}}}` is closed by `{{{{/{close}}}}}`; close it with `{{{{/{open}}}}}`"
            )
        }
        TemplateErrorReason::MismatchingClosedDecorator(open, close) => {
            format!("decorator `{open}` is closed by `{close}`")
        }
        TemplateErrorReason::InvalidSyntax(_)
            if e.pos().is_some_and(|(l, _)| l > text.lines().count()) =>
        {
            match open_block(text) {
                Some((name, line)) => format!(
                    "the `{{{{#{name}}}}}` block opened on line {line} is not closed: end it with `{{{{/{name}}}}}`"
                ),
                None => "the template ends inside a block or expression".to_string(),
            }
        }
        TemplateErrorReason::InvalidSyntax(_) => {
            let line = source_line(text, e.pos().map(|p| p.0)).unwrap_or_default();
            if line.matches("{{").count() > line.matches("}}").count() {
                "invalid syntax: a `{{` is not closed by `}}`".to_string()
            } else if line.contains("{{/") {
                "invalid syntax: a closing `{{/…}}` without a matching `{{#…}}` block, or a block left open".to_string()
            } else {
                "invalid syntax: expected an expression like `{{name}}`, `{{#each list}}…{{/each}}` or `{{#if x}}…{{/if}}`"
                    .to_string()
            }
        }
        TemplateErrorReason::InvalidParam(p) => format!("invalid parameter `{p}`"),
        TemplateErrorReason::NestedSubexpression => {
            "nested subexpressions are not supported".into()
        }
        other => other.to_string(),
    };
    let (line, column) = e
        .pos()
        .map(|(l, c)| on_text(text, l, c))
        .map(|(l, c)| (Some(l), Some(c)))
        .unwrap_or((None, None));
    TemplateError {
        template: name.to_string(),
        line,
        column,
        reason,
        source_line: source_line(text, line),
    }
}

/// A render error in plain words; `context` names what the template sees and where its
/// fields are described, for a missing variable (`the notes context (strict mode); see …`).
pub fn render_error(
    name: &str,
    text: &str,
    e: &handlebars::RenderError,
    context: &str,
) -> TemplateError {
    if let RenderErrorReason::TemplateError(te) = e.reason() {
        return compile_error(name, text, te);
    }
    let reason = match e.reason() {
        RenderErrorReason::MissingVariable(path) => {
            format!("`{}` is not in {context}", path.as_deref().unwrap_or("?"))
        }
        RenderErrorReason::HelperNotFound(h) => format!("no helper named `{h}`"),
        RenderErrorReason::PartialNotFound(p) => format!("no partial named `{p}`"),
        RenderErrorReason::ParamNotFoundForIndex(h, i) => {
            format!("helper `{h}` needs a parameter at position {}", i + 1)
        }
        other => other.to_string(),
    };
    TemplateError {
        template: e.template_name.clone().unwrap_or_else(|| name.to_string()),
        line: e.line_no,
        column: e.column_no,
        reason,
        source_line: source_line(text, e.line_no),
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
    fn render_strict_names_a_missing_variable_and_shows_the_line() {
        let e = render_strict(
            "announcement.md.hbs",
            "# {{title}}\n\nfrom {{fromm}}\n",
            &serde_json::json!({"title": "x", "from": "6.0.0"}),
            "the announcement context (strict mode)",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "template announcement.md.hbs:3:6: `fromm` is not in the announcement context (strict mode)\n  | from {{fromm}}\n  |      ^"
        );
    }

    #[test]
    fn render_strict_refuses_a_recursive_partial() {
        let e = render_strict(
            "templates/announcement.md.hbs",
            "{{#*inline \"x\"}}{{> x}}{{/inline}}{{> x}}",
            &serde_json::json!({}),
            "the test context",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "template templates/announcement.md.hbs:1:17: partial `x` includes itself; recursive partials are not supported (they never end)\n  | {{#*inline \"x\"}}{{> x}}{{/inline}}{{> x}}\n  |                 ^"
        );
    }
}
