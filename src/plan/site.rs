//! The site being upgraded: sizes and switches, from a `site.yaml` or from the inventory of
//! an OSISM configuration repository (`inventory/*` INI files, read by `crate::evidence::inventory`).

use std::collections::BTreeSet;
use std::path::Path;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::error::PlanError;
use super::model::Unit;
use crate::base::limits::{SITE_MAX_HOSTS, SITE_MAX_KAAS_CLUSTERS};
use crate::evidence::inventory::Inventory;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Site {
    #[serde(default = "one")]
    pub schema_version: u32,
    #[serde(default = "default_name")]
    pub name: String,
    pub controllers: u32,
    pub computes: u32,
    #[serde(default)]
    pub network_nodes: u32,
    /// Hosts Docker is upgraded on, without the manager.
    #[serde(default)]
    pub hosts: Option<u32>,
    #[serde(default)]
    pub ceph: CephSize,
    /// kolla `serial`: "0" restarts every host at once (full outage per restart).
    #[serde(default = "zero")]
    pub kolla_serial: String,
    #[serde(default)]
    pub ovn: bool,
    #[serde(default)]
    pub k3s: bool,
    #[serde(default)]
    pub proxysql_migration: bool,
    #[serde(default = "yes")]
    pub fix_gh973: bool,
    #[serde(default)]
    pub nova_safety_upgrade: bool,
    #[serde(default)]
    pub glance_rolling_upgrade: bool,
    /// RabbitMQ already runs quorum queues (`om_enable_rabbitmq_quorum_queues`, or the
    /// `om_rpc_vhost` migration done): the OSISM 10 move to RabbitMQ 4 is a plain upgrade.
    #[serde(default)]
    pub quorum_queues: bool,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub kaas_clusters: Vec<KaasCluster>,
    /// Statuspage component ids per API id (`Nova: "8kbf7d35c070"`) for `-o statuspage`.
    #[serde(default)]
    pub statuspage_components: IndexMap<String, String>,
    /// Who sends the announcement, and where customers reach them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
}

/// The provider named in customer texts (announcement, calendar entry, status page).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// `Example Cloud GmbH`
    pub name: String,
    /// Where customers ask: an e-mail address or a URL (`support@example.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CephSize {
    #[serde(default)]
    pub mons: u32,
    #[serde(default)]
    pub mgrs: u32,
    #[serde(default)]
    pub osd_hosts: u32,
    #[serde(default)]
    pub rgw_hosts: u32,
    #[serde(default)]
    pub mds_hosts: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KaasCluster {
    pub name: String,
    pub control_plane: u32,
    pub workers: u32,
    #[serde(default = "one")]
    pub max_surge: u32,
    #[serde(default)]
    pub max_unavailable: u32,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}
fn zero() -> String {
    "0".into()
}
fn default_name() -> String {
    "site".into()
}

/// Conditions a site can switch (besides hop flags and derived ones).
pub const SITE_FLAGS: &[&str] = &[
    "ovn",
    "k3s",
    "proxysql_migration",
    "fix_gh973",
    "nova_safety_upgrade",
    "glance_rolling_upgrade",
    "quorum_queues",
];
/// Conditions derived from sizes.
pub const DERIVED_FLAGS: &[&str] = &["rgw", "rgw_ha", "mds", "kolla_serial", "kaas_cp_ha"];

impl Site {
    pub fn from_yaml(text: &str, path: &Path) -> Result<Site, PlanError> {
        let site: Site = crate::data::parse(text, path)?;
        site.check_sizes(path)?;
        for c in &site.kaas_clusters {
            if c.max_surge.saturating_add(c.max_unavailable) == 0 {
                return Err(PlanError::invalid(
                    path,
                    format!(
                        "kaas_clusters `{}`: max_surge and max_unavailable are both 0, the rollout cannot progress",
                        c.name
                    ),
                ));
            }
        }
        Ok(site)
    }

    /// Every count within [`SITE_MAX_HOSTS`] and at most [`SITE_MAX_KAAS_CLUSTERS`] KaaS
    /// clusters: the planner allocates per host and per cluster, so a typo like
    /// `computes: 1000000000` must fail here, naming the field, not abort later. `source` is
    /// the site file, or the inventory the sizes were counted from.
    pub fn check_sizes(&self, source: &Path) -> Result<(), PlanError> {
        let too_many = |field: &str, n: u64, limit: u64, what: &str| {
            PlanError::invalid(
                source,
                format!(
                    "`{field}` is {n}, more than the limit of {limit} {what} (the largest clouds have a few thousand hosts per role)"
                ),
            )
        };
        let c = &self.ceph;
        let mut counts = vec![
            ("controllers", self.controllers),
            ("computes", self.computes),
            ("network_nodes", self.network_nodes),
            ("hosts", self.hosts.unwrap_or(0)),
            ("ceph.mons", c.mons),
            ("ceph.mgrs", c.mgrs),
            ("ceph.osd_hosts", c.osd_hosts),
            ("ceph.rgw_hosts", c.rgw_hosts),
            ("ceph.mds_hosts", c.mds_hosts),
        ];
        if self.kaas_clusters.len() > SITE_MAX_KAAS_CLUSTERS {
            return Err(too_many(
                "kaas_clusters",
                self.kaas_clusters.len() as u64,
                SITE_MAX_KAAS_CLUSTERS as u64,
                "clusters",
            ));
        }
        let names: Vec<[String; 4]> = self
            .kaas_clusters
            .iter()
            .map(|k| {
                ["control_plane", "workers", "max_surge", "max_unavailable"]
                    .map(|f| format!("kaas_clusters[{}].{f}", k.name))
            })
            .collect();
        for (k, n) in self.kaas_clusters.iter().zip(&names) {
            counts.extend([
                (n[0].as_str(), k.control_plane),
                (n[1].as_str(), k.workers),
                (n[2].as_str(), k.max_surge),
                (n[3].as_str(), k.max_unavailable),
            ]);
        }
        for (field, n) in counts {
            if n > SITE_MAX_HOSTS {
                return Err(too_many(field, n.into(), SITE_MAX_HOSTS.into(), "per role"));
            }
        }
        if self.controllers == 0 {
            return Err(PlanError::invalid(
                source,
                "`controllers` is 0: the cloud to upgrade has at least one controller (the control plane runs there)",
            ));
        }
        Ok(())
    }

    /// What looks incomplete in a site, for the plan's warnings: no computes, or Ceph
    /// daemons without mons.
    pub fn warnings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.computes == 0 {
            out.push(format!(
                "site `{}` has no compute hosts (`computes: 0`): no compute node is upgraded in this plan",
                self.name
            ));
        }
        let c = &self.ceph;
        if c.mons == 0 && (c.osd_hosts > 0 || c.mgrs > 0 || c.rgw_hosts > 0 || c.mds_hosts > 0) {
            out.push(format!(
                "site `{}` has Ceph daemons but no mons (`ceph.mons: 0`): the Ceph mon step plans no restarts",
                self.name
            ));
        }
        out
    }

    /// Docker hosts: `hosts`, or controllers + network + computes + OSD hosts.
    pub fn host_count(&self) -> u32 {
        self.hosts.unwrap_or(
            self.controllers
                .saturating_add(self.network_nodes)
                .saturating_add(self.computes)
                .saturating_add(self.ceph.osd_hosts),
        )
    }

    /// Whether kolla restarts all hosts at once (the default "0").
    pub fn kolla_all_at_once(&self) -> bool {
        matches!(self.kolla_serial.trim(), "" | "0" | "0%" | "100%")
    }

    pub fn flag(&self, name: &str, cluster: Option<&KaasCluster>) -> Option<bool> {
        Some(match name {
            "ovn" => self.ovn,
            "k3s" => self.k3s,
            "proxysql_migration" => self.proxysql_migration,
            "fix_gh973" => self.fix_gh973,
            "nova_safety_upgrade" => self.nova_safety_upgrade,
            "glance_rolling_upgrade" => self.glance_rolling_upgrade,
            "quorum_queues" => self.quorum_queues,
            "rgw" => self.ceph.rgw_hosts > 0,
            "rgw_ha" => self.ceph.rgw_hosts >= 2,
            "mds" => self.ceph.mds_hosts > 0,
            "kolla_serial" => !self.kolla_all_at_once(),
            "kaas_cp_ha" => cluster.is_some_and(|c| c.control_plane >= 3),
            _ => return None,
        })
    }

    pub fn units(&self, unit: Unit, cluster: Option<&KaasCluster>) -> u32 {
        match unit {
            Unit::Hosts => self.host_count(),
            Unit::Controllers => self.controllers,
            Unit::Computes => self.computes,
            Unit::NetworkNodes => self.network_nodes,
            Unit::Mons => self.ceph.mons,
            Unit::Mgrs => self.ceph.mgrs,
            Unit::OsdHosts => self.ceph.osd_hosts,
            Unit::RgwHosts => self.ceph.rgw_hosts,
            Unit::MdsHosts => self.ceph.mds_hosts,
            Unit::KaasCp => cluster.map_or(0, |c| c.control_plane),
            Unit::KaasWorkerBatches => cluster.map_or(0, |c| {
                c.workers
                    .div_ceil(c.max_surge.saturating_add(c.max_unavailable).max(1))
            }),
        }
    }

    /// Replace the sizes with those of an OSISM configuration repository's inventory.
    /// Returns notes on what was read.
    pub fn apply_inventory(&mut self, inv: &Inventory) -> Vec<String> {
        let count = |names: &[&str]| -> Option<u32> {
            let hosts: BTreeSet<String> = names
                .iter()
                .filter_map(|g| inv.hosts(g))
                .flatten()
                .collect();
            (!hosts.is_empty()).then_some(hosts.len() as u32)
        };
        let mut notes = Vec::new();
        let mut set = |label: &str, groups: &[&str], slot: &mut u32| {
            if let Some(n) = count(groups) {
                *slot = n;
                notes.push(format!(
                    "{label} = {n} (inventory group {})",
                    groups.join("|")
                ));
            }
        };
        set("controllers", &["control"], &mut self.controllers);
        set("computes", &["compute"], &mut self.computes);
        set("network_nodes", &["network"], &mut self.network_nodes);
        set(
            "ceph.mons",
            &["ceph-mon", "mons", "ceph-control"],
            &mut self.ceph.mons,
        );
        set(
            "ceph.mgrs",
            &["ceph-mgr", "mgrs", "ceph-control"],
            &mut self.ceph.mgrs,
        );
        set(
            "ceph.osd_hosts",
            &["ceph-osd", "osds", "ceph-resource"],
            &mut self.ceph.osd_hosts,
        );
        set(
            "ceph.rgw_hosts",
            &["ceph-rgw", "rgws"],
            &mut self.ceph.rgw_hosts,
        );
        set(
            "ceph.mds_hosts",
            &["ceph-mds", "mdss"],
            &mut self.ceph.mds_hosts,
        );
        let managers: BTreeSet<String> = inv.hosts("manager").into_iter().flatten().collect();
        let all: BTreeSet<String> = [
            "control",
            "compute",
            "network",
            "ceph-control",
            "ceph-resource",
            "ceph-rgw",
            "rgws",
        ]
        .iter()
        .filter_map(|g| inv.hosts(g))
        .flatten()
        .filter(|h| !managers.contains(h))
        .collect();
        if !all.is_empty() {
            self.hosts = Some(all.len() as u32);
            notes.push(format!("hosts = {} (distinct hosts of the control, compute, network and ceph groups, without the manager)", all.len()));
        }
        notes
    }
}

impl crate::data::DataFile for Site {
    const SCHEMA_VERSION: u32 = 1;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
