//! JSON Schemas of the data files under `releases/`, generated from the types that read them.
//! The checked-in copies under `releases/schema/` are compared with these in a test.

use crate::release::components::ComponentRules;
use crate::release::model::{Manifest, ScsRelease};

/// Schema names (see `releases schema --help` for the files they describe).
pub const NAMES: &[&str] = &[
    "scs",
    "osism",
    "defaults",
    "components",
    "tracking",
    "checks",
    "upgrade-rules",
    "plan-steps",
    "plan-hops",
    "record-map",
    "site",
    "notes-rules",
];

/// The checked-in file of a schema.
pub fn file(which: &str) -> String {
    format!("releases/schema/{which}.schema.json")
}

/// The schema document; `None` for an unknown name.
pub fn json(which: &str) -> Option<String> {
    let schema = match which {
        "scs" => schemars::schema_for!(ScsRelease),
        "osism" => schemars::schema_for!(Manifest),
        "defaults" => schemars::schema_for!(crate::release::defaults::Defaults),
        "components" => schemars::schema_for!(ComponentRules),
        "tracking" => schemars::schema_for!(crate::rc::tracking::Tracking),
        "checks" => schemars::schema_for!(crate::check::catalog::CatalogFile),
        "upgrade-rules" => schemars::schema_for!(crate::release::path_rules::Rules),
        "plan-steps" => schemars::schema_for!(crate::plan::model::StepsFile),
        "plan-hops" => schemars::schema_for!(crate::plan::model::HopsFile),
        "record-map" => schemars::schema_for!(crate::record::map::RecordMap),
        "site" => schemars::schema_for!(crate::plan::site::Site),
        "notes-rules" => schemars::schema_for!(crate::notes::rules::RulesFile),
        _ => return None,
    };
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    Some(s)
}
