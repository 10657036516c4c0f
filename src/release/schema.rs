//! JSON Schemas of the `releases/` files, generated from the model (checked in under
//! `releases/schema/` and compared in a test).

use super::model::{Manifest, ScsRelease};

/// The schema document for `scs` (SCS release files) or `osism` (manifests).
pub fn json(which: &str) -> String {
    let schema = match which {
        "scs" => schemars::schema_for!(ScsRelease),
        _ => schemars::schema_for!(Manifest),
    };
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
