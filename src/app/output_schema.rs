//! JSON Schemas of the `-o json` documents, generated from the types they are rendered from
//! (each document is `{schema_version, kind, …the body…}`). Checked in under
//! `docs/schema/`; a test compares them with these and validates real outputs against them.

use schemars::JsonSchema;

/// `releases list -o json`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct Releases {
    releases: Vec<crate::release::ReleaseEntry>,
}

/// The document kinds that have a schema, with their `schema_version`.
pub const KINDS: &[(&str, u32)] = &[
    ("releases", crate::render::releases::SCHEMA_VERSION),
    ("release", crate::render::releases::SCHEMA_VERSION),
    ("release-diff", crate::render::releases::SCHEMA_VERSION),
    ("upgrade-path", crate::render::check::PATH_SCHEMA_VERSION),
    ("rc-diff", crate::render::rc::SCHEMA_VERSION),
    ("upgrade-validation", 1),
    ("rc-status", crate::render::rc_status::SCHEMA_VERSION),
    ("upgrade-plan", crate::render::plan::SCHEMA_VERSION),
    ("probe-summary", 1),
    ("rc-cut", crate::render::rc::SCHEMA_VERSION),
    ("upgrade-check", crate::render::check::CHECK_SCHEMA_VERSION),
    ("upgrade-record", crate::render::record::SCHEMA_VERSION),
    ("release-import", crate::render::releases::SCHEMA_VERSION),
    ("defaults-import", crate::render::releases::SCHEMA_VERSION),
    ("releases-sync", crate::render::releases::SCHEMA_VERSION),
    (
        "notes-context",
        crate::notes::context::CONTEXT_SCHEMA_VERSION,
    ),
];

/// The checked-in file of a kind's schema.
pub fn file(kind: &str) -> String {
    format!("docs/schema/{kind}.schema.json")
}

/// The schema of the document `kind`; `None` for a kind without one.
pub fn json(kind: &str) -> Option<String> {
    let &(_, version) = KINDS.iter().find(|(k, _)| *k == kind)?;
    // The schema of what serialization writes (a field skipped when empty is optional),
    // not of what deserialization would read.
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator();
    let mut schema = match kind {
        "releases" => generator.into_root_schema_for::<Releases>(),
        "release" => generator.into_root_schema_for::<crate::render::releases::ShowView<'static>>(),
        "release-diff" => generator.into_root_schema_for::<crate::release::diff::PinDiff>(),
        "upgrade-path" => generator.into_root_schema_for::<crate::render::check::PathView>(),
        "rc-diff" => generator.into_root_schema_for::<crate::rc::diff::RcDiff>(),
        "upgrade-plan" => crate::render::plan::json_schema(generator),
        "probe-summary" => generator.into_root_schema_for::<crate::probe::prober::Report>(),
        "rc-cut" => generator.into_root_schema_for::<crate::render::rc::CutView<'static>>(),
        "upgrade-check" => generator.into_root_schema_for::<crate::render::check::Body<'static>>(),
        "upgrade-record" => generator.into_root_schema_for::<crate::render::record::Doc<'static>>(),
        "release-import" => {
            generator.into_root_schema_for::<crate::render::releases::ImportReport>()
        }
        "defaults-import" => {
            generator.into_root_schema_for::<crate::render::releases::DefaultsDoc<'static>>()
        }
        "releases-sync" => generator.into_root_schema_for::<crate::render::releases::SyncReport>(),
        "notes-context" => generator.into_root_schema_for::<crate::notes::context::NotesContext>(),
        "rc-status" => generator.into_root_schema_for::<crate::rc::status::StatusReport>(),
        "upgrade-validation" => {
            generator.into_root_schema_for::<crate::render::validate::Doc<'static>>()
        }
        _ => return None,
    };
    schema.insert(
        "title".into(),
        format!("scs-release -o json: {kind}").into(),
    );
    if let Some(props) = schema.get_mut("properties").and_then(|p| p.as_object_mut()) {
        let mut head = serde_json::Map::new();
        head.insert(
            "schema_version".into(),
            serde_json::json!({ "type": "integer", "const": version }),
        );
        head.insert(
            "kind".into(),
            serde_json::json!({ "type": "string", "const": kind }),
        );
        // A body that has these fields itself (the notes context) keeps the constants.
        for (k, v) in std::mem::take(props) {
            head.entry(k).or_insert(v);
        }
        *props = head;
    }
    if let Some(req) = schema.get_mut("required").and_then(|r| r.as_array_mut()) {
        req.retain(|k| k != "kind" && k != "schema_version");
        req.insert(0, "kind".into());
        req.insert(0, "schema_version".into());
    }
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    Some(s)
}
