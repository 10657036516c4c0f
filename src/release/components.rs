//! Component rules (`releases/rc/components.yaml`): which repository a pin maps to, the tag
//! it should have, the branch releases come from, whether the release owns it, and which
//! pins must agree (families).

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::error::ReleaseError;
use super::model::Pin;
use crate::base::version::Version;
use crate::data::DataDir;

pub const FILE: &str = "releases/rc/components.yaml";

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComponentRules {
    pub schema_version: u32,
    #[schemars(with = "std::collections::BTreeMap<String, KindRule>")]
    pub kinds: IndexMap<String, KindRule>,
    pub rules: Vec<MatchRule>,
    #[serde(default)]
    pub families: Vec<Family>,
}

/// Per-kind facts: where it lives, how tags are spelled, its release branch, ownership.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KindRule {
    pub description: String,
    pub source: SourceKind,
    /// Tag template: `{version}` (value without leading `v`), `{raw}`, `{key}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Branch the component's releases are cut from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The release owns it: `rc cut` bumps it and the readiness verdict covers it.
    #[serde(default)]
    pub owned: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SourceKind {
    /// A GitHub repository.
    Github,
    /// A container registry.
    Registry,
    /// Installed from a package repository.
    Package,
    /// Not a component (a setting).
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchRule {
    /// Glob over pin ids.
    #[serde(rename = "match")]
    pub pattern: String,
    pub kind: String,
    /// Repository template when the pin carries none (`openstack/{key}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub name: String,
    pub description: String,
    /// Globs over pin ids.
    pub members: Vec<String>,
}

/// A pin resolved against the rules.
#[derive(Debug, Clone, Serialize)]
pub struct Component<'a> {
    pub pin: &'a Pin,
    pub kind: &'a str,
    pub rule: &'a KindRule,
    /// `owner/repo`, when the component lives on GitHub.
    pub repo: Option<String>,
    /// The tag the pinned value should correspond to (`v0.20240221.0`), for frozen versions.
    pub expected_tag: Option<String>,
}

impl ComponentRules {
    pub fn load(data: &DataDir) -> Result<ComponentRules, ReleaseError> {
        let (rules, path) = data.load::<ComponentRules>(FILE)?;
        for (i, r) in rules.rules.iter().enumerate() {
            if !rules.kinds.contains_key(&r.kind) {
                let near = crate::base::suggest::nearest_names(
                    &r.kind,
                    rules.kinds.keys().map(String::as_str),
                );
                return Err(ReleaseError::invalid(
                    &path,
                    format!(
                        "rules[{i}].kind: unknown kind `{}`{}",
                        r.kind,
                        near.first()
                            .map(|n| format!(", did you mean `{n}`?"))
                            .unwrap_or_default()
                    ),
                ));
            }
        }
        Ok(rules)
    }

    /// Resolve a pin: first matching rule wins. `None` only if no rule matches.
    pub fn classify<'a>(&'a self, pin: &'a Pin) -> Option<Component<'a>> {
        let r = self
            .rules
            .iter()
            .find(|r| glob_match(&r.pattern, &pin.id))?;
        let rule = self.kinds.get(&r.kind)?;
        let repo = match rule.source {
            SourceKind::Github => pin
                .repo
                .clone()
                .or_else(|| r.repo.as_ref().map(|t| t.replace("{key}", pin.key()))),
            _ => None,
        };
        let expected_tag = match (&rule.tag, pin.value.is_frozen(), pin.value.kind()) {
            (_, _, crate::base::version::Kind::Sha) => None,
            (Some(t), true, _) => Some(expand_tag(t, &pin.value, pin.key())),
            _ => None,
        };
        Some(Component {
            pin,
            kind: &r.kind,
            rule,
            repo,
            expected_tag,
        })
    }

    /// The families a pin id belongs to.
    pub fn families_of(&self, id: &str) -> Vec<&Family> {
        self.families
            .iter()
            .filter(|f| f.members.iter().any(|m| glob_match(m, id)))
            .collect()
    }
}

/// Fill a tag template for a value.
pub fn expand_tag(template: &str, value: &Version, key: &str) -> String {
    let raw = value.as_str();
    let bare = raw
        .strip_prefix('v')
        .filter(|_| value.numeric().is_some_and(|n| n.v_prefix))
        .unwrap_or(raw);
    template
        .replace("{version}", bare)
        .replace("{raw}", raw)
        .replace("{key}", key)
}

pub use crate::base::glob::matches as glob_match;

impl crate::data::DataFile for ComponentRules {
    const SCHEMA_VERSION: u32 = 1;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_spelling() {
        assert_eq!(
            expand_tag("v{version}", &Version::parse("0.20240221.0"), "k"),
            "v0.20240221.0"
        );
        assert_eq!(
            expand_tag("v{version}", &Version::parse("v0.20240221.0"), "k"),
            "v0.20240221.0"
        );
        assert_eq!(
            expand_tag("{raw}", &Version::parse("7.0.0b"), "k"),
            "7.0.0b"
        );
    }

    #[test]
    fn embedded_rules_classify_real_pins() {
        let rules = ComponentRules::load(&DataDir::Embedded).unwrap();
        let store = super::super::Store::load(&DataDir::Embedded).unwrap();
        let m = store.manifest(&Version::parse("7.0.0b")).unwrap();
        let find = |id: &str| {
            rules
                .classify(m.pins.iter().find(|p| p.id == id).unwrap())
                .unwrap()
        };
        let c = find("base/ansible_collections/osism.commons");
        assert_eq!(
            (c.kind, c.repo.as_deref(), c.expected_tag.as_deref()),
            (
                "osism-calver",
                Some("osism/ansible-collection-commons"),
                Some("v0.20240221.0")
            )
        );
        let o = find("openstack/openstack_projects/nova");
        assert_eq!(
            (o.kind, o.repo.as_deref(), o.expected_tag.as_deref()),
            ("openstack-project", Some("openstack/nova"), None)
        );
        assert_eq!(find("ceph/docker_images/cephclient").kind, "image");
        assert_eq!(
            rules.families_of("ceph/docker_images/cephclient")[0].name,
            "ceph"
        );
    }
}
