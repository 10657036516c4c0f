//! `releases/plan/record-map.yaml`: which plan step a playbook, play, role or container
//! belongs to, which container serves which API, and how a restart handler names its
//! service. Data, not code: a site with its own playbooks adds rules to its data directory.

use std::path::PathBuf;

use indexmap::IndexMap;
use serde::Deserialize;

use super::error::RecordError;
use crate::base::glob;
use crate::plan::model::StepsFile;

pub const RECORD_MAP: &str = "releases/plan/record-map.yaml";
pub const SCHEMA_VERSION: u32 = 1;

/// `releases/plan/record-map.yaml`: how recorded run data names the plan steps.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordMap {
    pub schema_version: u32,
    /// Regular expression (Rust `regex` syntax) over ARA task names; a match is a restart
    /// handler, its group `service` the service (`-` read as `_`: `nova-api` → `nova_api`,
    /// the kolla container name).
    pub restart_handler: String,
    /// Playbooks and plays that belong to no step and are not worth listing as unjoined.
    #[serde(default)]
    pub ignore: Ignore,
    /// Tried in order: the first rule with a matching pattern names the step.
    pub rules: Vec<Rule>,
    /// API id (as in steps.yaml `apis`) → globs of the containers that serve it: their
    /// restart gaps calibrate the `restarts` effects on that API.
    #[serde(default)]
    pub apis: IndexMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// Globs over playbook names and path stems.
    #[serde(default)]
    pub playbooks: Vec<String>,
    /// Globs over play names.
    #[serde(default)]
    pub plays: Vec<String>,
}

/// One step and the globs that name it.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A step id of steps.yaml.
    pub step: String,
    /// Globs over the ARA playbook's `name` and the file stem of its `path`
    /// (`/ansible/kolla-nova.yml` → `kolla-nova`).
    #[serde(default)]
    pub playbooks: Vec<String>,
    /// Globs over play names (`upgrade ceph osds cluster`): a matching play is this step even
    /// inside a playbook of another (or no) step.
    #[serde(default)]
    pub plays: Vec<String>,
    /// Roles (the `role : ` prefix of ARA task names) of a playbook no playbook rule names.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Globs over container (service) names: decide between steps that run at the same time
    /// on the same host.
    #[serde(default)]
    pub containers: Vec<String>,
}

impl crate::data::DataFile for RecordMap {
    const SCHEMA_VERSION: u32 = SCHEMA_VERSION;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}

/// The checked map, ready to match.
#[derive(Debug, Clone)]
pub struct Map {
    pub file: RecordMap,
    pub path: PathBuf,
    handler: regex::Regex,
}

impl Map {
    /// Load the map of a data directory and check it against the step catalog: every rule
    /// names a known step and at least one pattern, every API is one of steps.yaml.
    pub fn load(data: &crate::data::DataDir, catalog: &StepsFile) -> Result<Map, RecordError> {
        let (file, path) = data.load::<RecordMap>(RECORD_MAP)?;
        Map::new(file, path, catalog)
    }

    pub fn new(file: RecordMap, path: PathBuf, catalog: &StepsFile) -> Result<Map, RecordError> {
        let bad = |m: String| RecordError::file(&path, m);
        let handler = regex::Regex::new(&file.restart_handler)
            .map_err(|_| bad("`restart_handler` is not a valid regular expression".into()))?;
        if !handler.capture_names().any(|n| n == Some("service")) {
            return Err(bad(
                "`restart_handler` needs a group `(?P<service>…)` for the service name".into(),
            ));
        }
        let steps: Vec<&str> = catalog.steps.iter().map(|s| s.id.as_str()).collect();
        for (i, r) in file.rules.iter().enumerate() {
            if !steps.contains(&r.step.as_str()) {
                let near = crate::base::suggest::nearest(&r.step, steps.iter().copied());
                return Err(bad(format!(
                    "rules[{i}]: step `{}` is not in {}{}",
                    r.step,
                    crate::plan::load::STEPS,
                    near.map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default()
                )));
            }
            if r.playbooks.is_empty()
                && r.plays.is_empty()
                && r.roles.is_empty()
                && r.containers.is_empty()
            {
                return Err(bad(format!(
                    "rules[{i}] (`{}`): names no playbooks, plays, roles or containers",
                    r.step
                )));
            }
        }
        let apis: Vec<&str> = catalog.apis.iter().map(|a| a.id.as_str()).collect();
        for api in file.apis.keys() {
            if !apis.contains(&api.as_str()) {
                let near = crate::base::suggest::nearest(api, apis.iter().copied());
                return Err(bad(format!(
                    "apis: `{api}` is not an API of {}{}",
                    crate::plan::load::STEPS,
                    near.map(|n| format!(" (did you mean `{n}`?)"))
                        .unwrap_or_default()
                )));
            }
        }
        Ok(Map {
            file,
            path,
            handler,
        })
    }

    fn first(&self, f: impl Fn(&Rule) -> bool) -> Option<&str> {
        self.file
            .rules
            .iter()
            .find(|r| f(r))
            .map(|r| r.step.as_str())
    }

    /// The step a playbook is (by its name or path stem).
    pub fn playbook_step(&self, names: &[&str]) -> Option<&str> {
        self.first(|r| any(&r.playbooks, names))
    }

    pub fn play_step(&self, play: &str) -> Option<&str> {
        self.first(|r| any(&r.plays, &[play]))
    }

    pub fn role_step(&self, role: &str) -> Option<&str> {
        self.first(|r| r.roles.iter().any(|x| x == role))
    }

    pub fn container_step(&self, service: &str) -> Option<&str> {
        self.first(|r| any(&r.containers, &[service]))
    }

    pub fn ignores_playbook(&self, names: &[&str]) -> bool {
        any(&self.file.ignore.playbooks, names)
    }

    pub fn ignores_play(&self, play: &str) -> bool {
        any(&self.file.ignore.plays, &[play])
    }

    /// The API a container serves.
    pub fn api_of(&self, service: &str) -> Option<&str> {
        self.file
            .apis
            .iter()
            .find(|(_, globs)| any(globs, &[service]))
            .map(|(api, _)| api.as_str())
    }

    /// The service a restart handler restarts (`nova : Restart nova-api container` →
    /// `nova_api`), or `None` when the task is no restart handler.
    pub fn handler_service(&self, task: &str) -> Option<String> {
        let c = self.handler.captures(task)?;
        Some(c.name("service")?.as_str().replace('-', "_").to_lowercase())
    }
}

fn any(globs: &[String], names: &[&str]) -> bool {
    globs
        .iter()
        .any(|g| names.iter().any(|n| glob::matches(g, n)))
}

/// The file stem of a playbook path: `/ansible/kolla-nova.yml` → `kolla-nova`.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".yml")
        .or_else(|| name.strip_suffix(".yaml"))
        .unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> StepsFile {
        crate::plan::load::catalog(&crate::data::DataDir::Embedded)
            .unwrap()
            .0
    }

    fn map_from(edit: impl Fn(&str) -> String) -> Result<Map, RecordError> {
        let data = crate::data::DataDir::Embedded;
        let text = edit(&data.read(RECORD_MAP).unwrap());
        let path = PathBuf::from(RECORD_MAP);
        let file: RecordMap = crate::data::parse(&text, &path)?;
        Map::new(file, path, &catalog())
    }

    #[test]
    fn the_shipped_map_names_steps_services_and_apis() {
        let m = map_from(str::to_string).unwrap();
        assert_eq!(m.playbook_step(&["kolla-nova"]), Some("nova"));
        assert_eq!(m.playbook_step(&["generic-docker"]), Some("docker"));
        assert_eq!(m.play_step("upgrade ceph osds cluster"), Some("ceph_osds"));
        assert_eq!(
            m.play_step("upgrade standbys ceph mdss cluster"),
            Some("ceph_mds")
        );
        assert_eq!(m.role_step("nova-cell"), Some("nova"));
        assert_eq!(m.container_step("neutron_l3_agent"), Some("neutron"));
        assert_eq!(m.api_of("nova_api"), Some("Nova"));
        assert_eq!(m.api_of("nova_scheduler"), None);
        assert!(m.ignores_play("gather facts and check the init system"));
        for (task, service) in [
            ("nova : Restart nova-api container", Some("nova_api")),
            ("Restart keystone container", Some("keystone")),
            ("mariadb : Restart MariaDB container", Some("mariadb")),
            ("loadbalancer : Restart haproxy containers", Some("haproxy")),
            ("nova : Copying over nova.conf", None),
        ] {
            assert_eq!(m.handler_service(task).as_deref(), service, "{task}");
        }
        assert_eq!(stem("/ansible/kolla-nova.yml"), "kolla-nova");
        assert_eq!(stem("rolling_update.yaml"), "rolling_update");
    }

    #[test]
    fn bad_maps_are_refused_with_the_rule_that_is_wrong() {
        type Edit = fn(&str) -> String;
        let cases: [(&str, Edit); 5] = [
            ("unknown step", |t| {
                t.replace("{step: keystone,", "{step: keystome,")
            }),
            ("rule without patterns", |t| {
                t.replace(
                    "{step: octavia_bootstrap, containers: [\"bootstrap_octavia*\"]}",
                    "{step: octavia_bootstrap}",
                )
            }),
            ("bad regex", |t| {
                t.replace("restart_handler: '^", "restart_handler: '(^")
            }),
            ("regex without service", |t| t.replace("(?P<service>", "(")),
            ("unknown API", |t| {
                t.replace("  Nova: [nova_api]", "  Novaa: [nova_api]")
            }),
        ];
        let mut report = String::new();
        for (name, edit) in cases {
            let e = map_from(|t: &str| edit(t)).unwrap_err();
            report.push_str(&format!("{name}:\n  {e}\n"));
        }
        insta::assert_snapshot!(report, @r"
        unknown step:
          releases/plan/record-map.yaml: rules[20]: step `keystome` is not in releases/plan/steps.yaml (did you mean `keystone`?)
        rule without patterns:
          releases/plan/record-map.yaml: rules[28] (`octavia_bootstrap`): names no playbooks, plays, roles or containers
        bad regex:
          releases/plan/record-map.yaml: `restart_handler` is not a valid regular expression
        regex without service:
          releases/plan/record-map.yaml: `restart_handler` needs a group `(?P<service>…)` for the service name
        unknown API:
          releases/plan/record-map.yaml: apis: `Novaa` is not an API of releases/plan/steps.yaml (did you mean `Nova`?)
        ");
    }
}
