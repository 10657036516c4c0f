//! JSON Schemas of the `releases/` files, generated from the model. The checked-in copies
//! under `releases/schema/` are compared with these in a test.

use super::components::ComponentRules;
use super::model::{Manifest, ScsRelease};

/// The schemas by name: `scs` (releases/scs/*.yaml), `osism` (releases/osism/*.yaml),
/// `components` (releases/rc/components.yaml).
pub const NAMES: &[&str] = &["scs", "osism", "components"];

/// The checked-in file of a schema.
pub fn file(which: &str) -> String {
    format!("releases/schema/{which}.schema.json")
}

/// The schema document.
pub fn json(which: &str) -> String {
    let schema = match which {
        "scs" => schemars::schema_for!(ScsRelease),
        "components" => schemars::schema_for!(ComponentRules),
        _ => schemars::schema_for!(Manifest),
    };
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
