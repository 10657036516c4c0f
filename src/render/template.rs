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
    let mut hb = handlebars::Handlebars::new();
    hb.set_strict_mode(true);
    hb.register_escape_fn(handlebars::no_escape);
    hb.register_template_string("t", text)
        .map_err(|e| TemplateError {
            path: path.to_string(),
            line: e.pos().map_or(0, |p| p.0),
            column: e.pos().map_or(0, |p| p.1),
            reason: plain(&e.reason().to_string()),
        })?;
    hb.render("t", ctx).map_err(|e| TemplateError {
        path: path.to_string(),
        line: e.line_no.unwrap_or(0),
        column: e.column_no.unwrap_or(0),
        reason: plain(&e.reason().to_string()),
    })
}

/// First line only: the parser's token lists are noise for people editing templates.
fn plain(reason: &str) -> String {
    let first = reason.lines().next().unwrap_or(reason).trim();
    // handlebars prints `Some("name")` for the variable; show `name`.
    let re = regex::Regex::new(r#"Some\("([^"]*)"\)"#).expect("valid regex");
    re.replace_all(first, "`$1`").to_string()
}
