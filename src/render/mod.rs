//! Rendering: every user-visible text is built here. The library computes, this module turns
//! results into tables, Markdown and JSON; `main.rs` prints what comes back.

pub mod check;
pub mod color;
pub mod escape;
pub mod notes;
pub mod plan;
pub mod probe;
pub mod rc;
pub mod rc_status;
pub mod record;
pub mod releases;
pub mod table;
pub mod template;
pub mod validate;

use serde::Serialize;

/// Output formats. Each command accepts the subset that makes sense for it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    #[default]
    Table,
    Json,
    Markdown,
    Junit,
    Ics,
    Html,
    Statuspage,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Ics => "ics",
            Format::Html => "html",
            Format::Statuspage => "statuspage",
        }
    }
}

/// A document that carries its own `schema_version` and `kind`, as pretty JSON.
pub fn json_value<T: Serialize>(doc: &T) -> String {
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

/// JSON with a `schema_version` and a `kind` naming the document type.
pub fn json_document<T: Serialize>(kind: &str, schema_version: u32, body: &T) -> String {
    let mut value = serde_json::json!({ "schema_version": schema_version, "kind": kind });
    if let (Some(obj), Ok(serde_json::Value::Object(body))) =
        (value.as_object_mut(), serde_json::to_value(body))
    {
        obj.extend(body);
    }
    let mut s = serde_json::to_string_pretty(&value).unwrap_or_default();
    s.push('\n');
    s
}
