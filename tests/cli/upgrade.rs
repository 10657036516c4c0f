//! upgrade check / path / collect-script

use std::path::{Path, PathBuf};

use crate::common::{copy_dir, in_process, repo_root};

const SECRET: &str = "Zq9-very-secret-prometheus-Pw";
const INLINE_SECRET: &str = "inline-vaulted-grafana-Pw-77";
const VAULT_PASSWORD: &str = "correct horse battery staple";

pub(crate) fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const KOLLA_SECRETS: &str = "\
octavia_persistence_database_password: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
prometheus_bcrypt_salt: abcdefghijklmnopqrstuv
prometheus_grafana_password: cccccccccccccccccccccccccccccccc
prometheus_password: Zq9-very-secret-prometheus-Pw
proxysql_admin_password: dddddddddddddddddddddddddddddddd
proxysql_stats_password: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee
mariadb_monitor_password: ffffffffffffffffffffffffffffffff
";

const KEYRING: &str = "[client.glance]\n\tkey = AQBexampleexampleexampleexample==\n";

/// A configuration repository that satisfies every R5 → R6 check.
pub(crate) fn good_config(root: &Path) {
    write(
        root,
        "environments/manager/configuration.yml",
        "---\nmanager_version: 6.0.0\nnetbox_url: https://netbox.example\n",
    );
    write(
        root,
        "environments/configuration.yml",
        "---\ndocker_version: '5:24.0.9'\nhosts_interface: \"{{ internal_interface }}\"\n",
    );
    write(
        root,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: yes\nnova_backend_ceph: on\nenable_proxysql: yes\nenable_octavia: no\n",
    );
    write(root, "environments/kolla/secrets.yml", KOLLA_SECRETS);
    write(
        root,
        "environments/ceph/configuration.yml",
        "---\nopenstack_config: off\n",
    );
    write(
        root,
        "environments/infrastructure/configuration.yml",
        "---\nnetbox_url: https://netbox.example\n",
    );
    write(
        root,
        "environments/ansible.cfg",
        "[defaults]\nstdout_callback = osism.commons.still_alive\n",
    );
    write(
        root,
        "environments/infrastructure/files/ceph/ceph.client.admin.keyring",
        KEYRING,
    );
    for f in [
        "glance/ceph.client.glance.keyring",
        "cinder/cinder-volume/ceph.client.cinder.keyring",
        "cinder/cinder-backup/ceph.client.cinder.keyring",
        "cinder/cinder-backup/ceph.client.cinder-backup.keyring",
        "nova/ceph.client.cinder.keyring",
    ] {
        write(
            root,
            &format!("environments/kolla/files/overlays/{f}"),
            KEYRING,
        );
    }
    write(
        root,
        "environments/kolla/files/overlays/haproxy/haproxy.cfg",
        "ssl crt /etc/haproxy/certificates/haproxy.pem\n",
    );
    write(
        root,
        "inventory/20-roles",
        "# OSISM roles\n[manager]\nmgr01\n\n[ceph-control]\nctl[01:03] ansible_host=10.0.0.1\n\n[compute]\ncom01\n\n[control]\nctl01\n",
    );
    write(root, "inventory/50-ceph", "[mons:children]\nceph-control\n");
    write(
        root,
        "inventory/host_vars/com01.yml",
        "---\nnova_backend: default\n",
    );
}

const STAT_OK: &str = "\
/var/lib/ceph/bootstrap-mds directory 64045:64045 755
/var/lib/ceph/bootstrap-osd directory 64045:64045 755
/var/lib/ceph/bootstrap-rbd directory 64045:64045 755
/var/lib/ceph/bootstrap-rbd-mirror directory 64045:64045 755
/var/lib/ceph/mon directory 64045:64045 755
";

/// Facts of a healthy R5 cloud.
pub(crate) fn good_facts(root: &Path) {
    write(
        root,
        "ceph-health.json",
        r#"{"status":"HEALTH_OK","checks":{},"mutes":[]}"#,
    );
    write(
        root,
        "ceph-quorum-status.json",
        r#"{"election_epoch":12,"quorum":[0,1,2],"quorum_names":["ctl01","ctl02","ctl03"],"quorum_leader_name":"ctl01","monmap":{"mons":[{"rank":0,"name":"ctl01"},{"rank":1,"name":"ctl02"},{"rank":2,"name":"ctl03"}]}}"#,
    );
    write(
        root,
        "ceph-versions.json",
        r#"{"mon":{"ceph version 17.2.6 (d7ff0d10654d2280e08f1ab989c7cdf3064446a5) quincy (stable)":3},"overall":{"ceph version 17.2.6 (d7ff0d10654d2280e08f1ab989c7cdf3064446a5) quincy (stable)":12}}"#,
    );
    write(
        root,
        "ceph-auth-ls.json",
        r#"{"auth_dump":[{"entity":"client.admin","key":""},{"entity":"client.bootstrap-rbd","key":""}]}"#,
    );
    write(
        root,
        "openstack-role-list.json",
        r#"[{"ID":"1a","Name":"admin"},{"ID":"2b","Name":"service"}]"#,
    );
    write(
        root,
        "openstack-role-assignment-list.json",
        r#"[{"Role":"admin","User":"nova@Default","Project":"service@Default"},
           {"Role":"service","User":"nova@Default","Project":"service@Default"},
           {"Role":"service","User":"glance@Default","Project":"service@Default"}]"#,
    );
    for h in ["ctl01", "ctl02", "ctl03"] {
        write(root, &format!("hosts/{h}/stat-var-lib-ceph.txt"), STAT_OK);
    }
    write(
        root,
        "k8s/workload1/nodes.json",
        r#"{"items":[
          {"metadata":{"name":"cp-1","labels":{"node-role.kubernetes.io/control-plane":""}},"status":{"nodeInfo":{"kubeletVersion":"v1.27.9"}}},
          {"metadata":{"name":"md-1","labels":{}},"status":{"nodeInfo":{"kubeletVersion":"v1.26.4"}}}]}"#,
    );
}

pub(crate) struct Case {
    _tmp: tempfile::TempDir,
    pub(crate) config: PathBuf,
    pub(crate) facts: PathBuf,
}

pub(crate) fn case() -> Case {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("config");
    let facts = tmp.path().join("facts");
    good_config(&config);
    good_facts(&facts);
    Case {
        _tmp: tmp,
        config,
        facts,
    }
}

impl Case {
    pub(crate) fn run(&self, extra: &[&str]) -> (String, String, i32) {
        self.run_to("7.0.0", extra)
    }

    fn run_to(&self, to: &str, extra: &[&str]) -> (String, String, i32) {
        let mut c = in_process();
        c.args([
            "upgrade", "check", "--from", "6.0.0", "--to", to, "--config",
        ])
        .arg(&self.config);
        c.arg("--facts").arg(&self.facts);
        c.args(extra);
        self.output(c)
    }

    /// `upgrade check --from 6.0.0 --to 7.0.0` with the data folder `data` (no facts).
    pub(crate) fn run_with_data(&self, data: &Path, extra: &[&str]) -> (String, String, i32) {
        let mut x = in_process();
        x.arg("--data").arg(data).args([
            "upgrade", "check", "--from", "6.0.0", "--to", "7.0.0", "--config",
        ]);
        x.arg(&self.config).args(extra);
        self.output(x)
    }

    pub(crate) fn output(&self, mut c: crate::common::InProcess) -> (String, String, i32) {
        let out = c.output().unwrap();
        let clean = |b: &[u8]| {
            String::from_utf8_lossy(b)
                .replace(&self.config.display().to_string(), "[CONFIG]")
                .replace(&self.facts.display().to_string(), "[FACTS]")
        };
        (
            clean(&out.stdout),
            clean(&out.stderr),
            out.status.code().unwrap_or(-1),
        )
    }
}

#[test]
fn compliant_cloud_passes_and_docker_warns_only_where_it_jumps_a_major() {
    let c = case();
    let (out, err, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("Result: 0 blocking, 0 warnings, "), "{out}");
    insta::assert_snapshot!("check_compliant", out);
    // The same report for a change request, in Markdown.
    let (md, _, code) = c.run(&["-o", "markdown"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("check_compliant_markdown", md);
    // Docker kept on 20.10 by the configuration: the upgrade to 7.0.0 moves it to 24.
    let pin = |v: &str| {
        write(
            &c.config,
            "environments/configuration.yml",
            &format!("---\n{v}hosts_interface: eth1\n"),
        )
    };
    pin("docker_version: '5:20.10.24'\n");
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("WARNINGS (1)\n  FAIL     DOCKER-32"), "{out}");
    assert!(
        out.contains("base/osism_projects/docker: 5:20.10.24 (`docker_version` at environments/configuration.yml:2) → 5:24.0.9 (the 7.0.0 pin) is a major upgrade"),
        "{out}"
    );
    let (out, _, code) = c.run(&["--ignore", "DOCKER-32"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("IGNORED with --ignore (1): DOCKER-32"),
        "{out}"
    );
    // No pin: the source release's Docker (20.10) is what runs.
    pin("");
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("5:20.10.24 (the 6.0.0 pin; `docker_version` is not set) → 5:24.0.9 (the 7.0.0 pin) is a major upgrade"), "{out}");
    // Already newer than the target's pin: nothing jumps.
    pin("docker_version: '5:26.1.4'\n");
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn missing_bootstrap_rbd_on_a_mon_host_blocks_like_7_0_0b() {
    let c = case();
    let without: String = STAT_OK
        .lines()
        .filter(|l| !l.contains("bootstrap-rbd "))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&c.facts, "hosts/ctl02/stat-var-lib-ceph.txt", &without);
    write(
        &c.facts,
        "hosts/ctl03/stat-var-lib-ceph.txt",
        &STAT_OK.replace(
            "bootstrap-rbd directory 64045:64045 755",
            "bootstrap-rbd directory 0:0 700",
        ),
    );
    let (out, _, code) = c.run_to("7.0.0b", &[]);
    assert_eq!(code, 2, "{out}");
    let block = out
        .split("WARNINGS")
        .next()
        .unwrap()
        .split("\nINFORMATION")
        .next()
        .unwrap();
    assert!(
        block.contains("BLOCKING (1)\n  FAIL     CEPH-KEYDIR-01"),
        "{out}"
    );
    assert!(
        block.contains("- ctl02: /var/lib/ceph/bootstrap-rbd does not exist"),
        "{out}"
    );
    assert!(
        block
            .contains("- ctl03: /var/lib/ceph/bootstrap-rbd is owned by 0:0, expected 64045:64045"),
        "{out}"
    );
    assert!(
        block.contains("- ctl03: /var/lib/ceph/bootstrap-rbd has mode 0700, expected 0755"),
        "{out}"
    );
    assert!(
        block.contains("install -d -o 64045 -g 64045 -m 0755 /var/lib/ceph/bootstrap-rbd\n"),
        "{out}"
    );
    insta::assert_snapshot!("check_7_0_0b_bootstrap_rbd", block);
    // The same as JSON: a failed block finding with the exact remediation.
    let (json, _, code) = c.run_to("7.0.0b", &["-o", "json"]);
    assert_eq!(code, 2);
    insta::assert_snapshot!("check_7_0_0b_json", json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["kind"], "upgrade-check");
    assert_eq!(v["exit_code"], 2);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CEPH-KEYDIR-01")
        .unwrap();
    assert_eq!(f["severity"], "block");
    assert_eq!(f["status"], "fail");
    assert!(
        f["remediation"]
            .as_str()
            .unwrap()
            .contains("install -d -o 64045 -g 64045 -m 0755 /var/lib/ceph/bootstrap-rbd")
    );
    assert!(!f["sources"].as_array().unwrap().is_empty());
}

#[test]
fn without_facts_checks_are_unknown_never_passed() {
    let c = case();
    let mut x = in_process();
    x.args([
        "upgrade", "check", "--from", "6.0.0", "--to", "7.0.0", "--config",
    ])
    .arg(&c.config);
    let (out, _, code) = c.output(x);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains(
        "  UNKNOWN  CEPH-KEYDIR-01  /var/lib/ceph/bootstrap-rbd exists on every mon host (64045:64045, 0755)\n           unknown (missing: --facts DIR with hosts/<host>/stat-var-lib-ceph.txt for the hosts of mons)"
    ), "{out}");
    assert!(out.contains("UNKNOWN  CEPH-HEALTH-04"), "{out}");
    let passed = out.split("PASSED").nth(1).unwrap_or("");
    for id in [
        "CEPH-KEYDIR-01",
        "CEPH-HEALTH-04",
        "CEPH-QUORUM-04",
        "KS-ROLE-13",
        "K8S-SKEW-28",
    ] {
        assert!(!passed.contains(id), "{id} passed without evidence:\n{out}");
    }
    // One host's facts missing: unknown for that host only.
    std::fs::remove_file(c.facts.join("hosts/ctl03/stat-var-lib-ceph.txt")).unwrap();
    let (out, _, code) = c.run(&["-o", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "CEPH-KEYDIR-01")
        .unwrap();
    assert_eq!(f["status"], "unknown");
    assert_eq!(
        f["missing"],
        serde_json::json!(["facts/hosts/ctl03/stat-var-lib-ceph.txt"])
    );
}

#[test]
fn config_repo_findings_for_r5_to_r6() {
    let c = case();
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: no\nnova_backend_ceph: off\nceph_nova_user: nova\nceph_nova_keyring: ceph.client.nova.keyring\nceph_glance_keyring: ceph.client.glance.keyring\n",
    );
    write(
        &c.config,
        "environments/kolla/secrets.yml",
        &KOLLA_SECRETS
            .replace("mariadb_monitor_password", "mariadb_monitoring_password")
            .replace(
                "proxysql_stats_password: eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n",
                "",
            ),
    );
    write(
        &c.config,
        "environments/ceph/configuration.yml",
        "---\nopenstack_config: yes\n",
    );
    write(
        &c.config,
        "environments/manager/configuration.yml",
        "---\nmanager_version: 6.0.0\nopenstack_version: 2023.1\n",
    );
    write(
        &c.config,
        "environments/kolla/files/overlays/glance/ceph.client.glance.keyring",
        KEYRING.trim_end(),
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    for expected in [
        // The OSISM 7 default itself is no override; the old nova keyring name is.
        "environments/kolla/configuration.yml:5: `ceph_nova_user` is set to `nova`, the same as the OSISM 7.0.0 default (OSISM defaults v0.20240319.0 all/099-kolla.yml:73): the line can go",
        "environments/kolla/configuration.yml:6: `ceph_nova_keyring` is set to `ceph.client.nova.keyring`; the OSISM 7.0.0 default is `{{ ceph_cinder_keyring }}` (= `ceph.client.cinder.keyring`) (OSISM defaults v0.20240319.0 all/001-kolla-defaults.yml:1248)",
        "`proxysql_stats_password` is missing in environments/kolla/secrets.yml",
        "`mariadb_monitor_password` is missing in environments/kolla/secrets.yml",
        "environments/kolla/secrets.yml:6: `mariadb_monitoring_password` is set to a value (not shown: secret)\n",
        "environments/ceph/configuration.yml:2: `openstack_config` is true, expected false",
        "environments/manager/configuration.yml:3: `openstack_version` is set to `2023.1`\n",
        "environments/kolla/files/overlays/glance/ceph.client.glance.keyring does not end with a newline",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    // cinder and nova are off (YAML 1.1 `no`/`off`): their keyrings are not required; the
    // glance keyring name equals the OSISM 7 pattern and is not flagged.
    assert!(
        !out.contains("cinder-volume/ceph.client.cinder.keyring"),
        "{out}"
    );
    assert!(!out.contains("ceph_glance_keyring"), "{out}");
    insta::assert_snapshot!("check_config_findings", out.split("PASSED").next().unwrap());
}

fn vaulted_case() -> (Case, PathBuf) {
    let c = case();
    // Whole-file vault for kolla/secrets.yml, and an inline !vault value in the ceph environment.
    let enc = ansible_vault::encrypt_vault(KOLLA_SECRETS.as_bytes(), VAULT_PASSWORD).unwrap();
    write(&c.config, "environments/kolla/secrets.yml", &enc);
    let inline = ansible_vault::encrypt_vault(INLINE_SECRET.as_bytes(), VAULT_PASSWORD).unwrap();
    let indented: String = inline.lines().map(|l| format!("  {l}\n")).collect();
    write(
        &c.config,
        "environments/ceph/secrets.yml",
        &format!("---\nceph_rgw_keystone_password: !vault |\n{indented}"),
    );
    let pw = c.facts.parent().unwrap().join("vault-pass");
    std::fs::write(&pw, format!("{VAULT_PASSWORD}\n")).unwrap();
    (c, pw)
}

#[test]
fn vault_encrypted_secrets_are_read_with_the_password_and_never_shown() {
    let (c, pw) = vaulted_case();
    let pw = pw.display().to_string();
    // With the password: the vaulted secrets file is checked like a plain one.
    let (out, _, code) = c.run(&["--vault-password-file", &pw, "--ignore", "DOCKER-32"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("  SECRETS-14  New secrets of OSISM 7"),
        "{out}"
    );
    // Without it: the checks reading it are unknown, and that blocks.
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("UNKNOWN  SECRETS-14"), "{out}");
    assert!(out.contains("unknown (missing: --vault-password-file to read environments/kolla/secrets.yml (it is vault-encrypted))"), "{out}");
    // A failing check on a secret value never shows it, in any format.
    let bad = KOLLA_SECRETS.replace("abcdefghijklmnopqrstuv", SECRET);
    write(
        &c.config,
        "environments/kolla/secrets.yml",
        &ansible_vault::encrypt_vault(bad.as_bytes(), VAULT_PASSWORD).unwrap(),
    );
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        &format!("---\nglance_backend_ceph: {INLINE_SECRET}\n"),
    );
    for fmt in ["table", "json", "junit"] {
        let (out, err, code) = c.run(&["--vault-password-file", &pw, "-o", fmt]);
        assert_eq!(code, 2, "{fmt}: {out}{err}");
        assert!(out.contains("prometheus_bcrypt_salt"), "{fmt}: {out}");
        assert!(
            out.contains(&format!("has {} characters, expected 22", SECRET.len())),
            "{fmt}: {out}"
        );
        for secret in [
            SECRET,
            INLINE_SECRET,
            VAULT_PASSWORD,
            "aaaaaaaaaaaaaaaa",
            "AQBexample",
        ] {
            assert!(
                !out.contains(secret) && !err.contains(secret),
                "{fmt} shows a secret:\n{out}{err}"
            );
        }
    }
}

#[test]
fn wrong_vault_password_is_a_located_error() {
    let (c, pw) = vaulted_case();
    std::fs::write(&pw, "not the password\n").unwrap();
    std::fs::remove_file(c.config.join("environments/ceph/secrets.yml")).unwrap();
    let (out, err, code) = c.run(&["--vault-password-file", &pw.display().to_string()]);
    assert_eq!(code, 3, "{out}{err}");
    assert!(out.is_empty());
    insta::assert_snapshot!("error_wrong_vault_password", err);
    // An inline !vault value with the wrong password names its key and position.
    let enc = ansible_vault::encrypt_vault(INLINE_SECRET.as_bytes(), VAULT_PASSWORD).unwrap();
    let indented: String = enc.lines().map(|l| format!("  {l}\n")).collect();
    write(
        &c.config,
        "environments/ceph/secrets.yml",
        &format!("---\nceph_rgw_keystone_password: !vault |\n{indented}"),
    );
    write(&c.config, "environments/kolla/secrets.yml", KOLLA_SECRETS);
    std::fs::write(&pw, "other\n").unwrap();
    let (_, err, code) = c.run(&["--vault-password-file", &pw.display().to_string()]);
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: [CONFIG]/environments/ceph/secrets.yml:3:3: cannot decrypt the inline !vault value of `ceph_rgw_keystone_password`: wrong vault password (the HMAC does not match)\n"
    );
    assert!(
        !err.contains(INLINE_SECRET) && !err.contains("other"),
        "{err}"
    );
}

#[test]
fn bad_input_gives_located_errors_and_exit_3() {
    let c = case();
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nenable_proxysql: yes\nnova_backend: [rbd,\n",
    );
    let (_, err, code) = c.run(&[]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("error_broken_yaml", err);

    let c = case();
    write(&c.facts, "ceph-health.json", "{\"status\": HEALTH_OK}\n");
    let (_, err, code) = c.run(&[]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("error_garbage_facts_json", err);

    let c = case();
    write(
        &c.facts,
        "hosts/ctl01/stat-var-lib-ceph.txt",
        "stat: cannot stat '/var/lib/ceph/*': No such file\n",
    );
    let (_, err, code) = c.run(&[]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("error_garbage_stat", err);

    let c = case();
    write(&c.config, "inventory/20-roles", "[ceph-control\nctl01\n");
    let (_, err, code) = c.run(&[]);
    assert_eq!(code, 3);
    insta::assert_snapshot!("error_broken_inventory", err);

    let c = case();
    let (_, err, code) = c.run(&["--ignore", "CEPH-KEYDIR-1"]);
    assert_eq!(code, 3);
    assert!(
        err.starts_with(
            "error: --ignore CEPH-KEYDIR-1: no check has this ID; did you mean CEPH-KEYDIR-01"
        ),
        "{err}"
    );

    // clap's own usage errors are tool failures too.
    let (_, err, code) = c.run(&["--no-such-flag"]);
    assert_eq!(code, 3, "{err}");
    let (_, err, code) = c.run(&["-o", "ics"]);
    assert_eq!(code, 3);
    insta::assert_snapshot!(err.trim(), @r"
    error: invalid value 'ics' for '--output <FORMAT>'
      [possible values: table, json, junit, markdown]

    For more information, try '--help'.
    ");
}

#[test]
fn from_defaults_to_the_manager_version_and_skipped_majors_block() {
    let c = case();
    let mut x = in_process();
    x.args(["upgrade", "check", "--to", "8.0.0", "--config"])
        .arg(&c.config)
        .arg("--facts")
        .arg(&c.facts);
    let (out, _, code) = c.output(x);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.starts_with("Upgrade check: 6.0.0 (R5) → 8.0.0 (R7)\n"),
        "{out}"
    );
    assert!(out.contains("  FAIL     OSISM-PATH-27"), "{out}");
    assert!(out.contains("- osism: 6.0.0 → 8.0.0: skips OSISM major 7 (OSISM documents and tests one major at a time)"), "{out}");
    assert!(
        out.contains("- upgrade in hops instead: 6.0.0 → 7.1.3 → 8.0.0"),
        "{out}"
    );
}

#[test]
fn kubernetes_skew_of_workload_clusters() {
    let c = case();
    write(
        &c.facts,
        "k8s/workload1/nodes.json",
        r#"{"items":[
          {"metadata":{"name":"cp-1","labels":{"node-role.kubernetes.io/control-plane":""}},"status":{"nodeInfo":{"kubeletVersion":"v1.25.3"}}},
          {"metadata":{"name":"md-new","labels":{}},"status":{"nodeInfo":{"kubeletVersion":"v1.26.0"}}},
          {"metadata":{"name":"md-old","labels":{}},"status":{"nodeInfo":{"kubeletVersion":"v1.21.0"}}}]}"#,
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("- workload1: node md-new kubelet 1.26 is newer than the control plane 1.25"),
        "{out}"
    );
    assert!(out.contains("- workload1: node md-old kubelet 1.21 is 4 minors behind the control plane 1.25 (at most 3)"), "{out}");
    assert!(out.contains(
        "- workload1: control plane 1.25 is older than what R6 supports (1.27, 1.28): upgrade one minor at a time: 1.26 → 1.27"
    ), "{out}");
}

#[test]
fn junit_output_for_ci() {
    let c = case();
    write(&c.facts, "ceph-health.json", r#"{"status":"HEALTH_ERR"}"#);
    let (out, _, code) = c.run(&["-o", "junit"]);
    assert_eq!(code, 2);
    assert!(out.contains("<failure type=\"block-fail\" message=\"facts/ceph-health.json /status is `HEALTH_ERR`\">"), "{out}");
    // The run's time and start are real; the snapshot leaves their values out.
    let time = regex::Regex::new(r#" time="[0-9]+\.[0-9]{3}""#).unwrap();
    let stamp =
        regex::Regex::new(r#" timestamp="[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}""#)
            .unwrap();
    assert_eq!(time.find_iter(&out).count(), 2, "{out}");
    assert_eq!(stamp.find_iter(&out).count(), 1, "{out}");
    let out = time.replace_all(&out, " time=\"[T]\"").into_owned();
    let out = stamp.replace_all(&out, " timestamp=\"[TS]\"").into_owned();
    insta::assert_snapshot!("check_junit", out);
}

/// A real JUnit consumer (PyPI junitparser) reads the report written with `-O`: blocking
/// findings fail, warnings pass with their text in system-out, so that a job that accepts
/// exit 1 stays green on a warnings-only run.
#[test]
fn junit_is_read_by_junitparser() {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import junitparser"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").map_or(true, |v| v != "true"),
            "python3 module junitparser is missing: .ci/run installs it with pip"
        );
        eprintln!("skipped: python3 module junitparser not found (pip install junitparser)");
        return;
    }
    let c = case();
    let dir = tempfile::tempdir().unwrap();
    let read = |file: &std::path::Path| {
        let out = std::process::Command::new("python3")
            .args([
                "-c",
                "import sys\nfrom junitparser import JUnitXml, Failure, Error, Skipped\n\
                 xml = JUnitXml.fromfile(sys.argv[1])\n\
                 for suite in xml:\n\
                 \x20   print(suite.tests, suite.failures, suite.errors, suite.skipped, suite.time > 0, suite.timestamp is not None)\n\
                 \x20   for case in suite:\n\
                 \x20       kinds = sorted(type(r).__name__ for r in case.result)\n\
                 \x20       if case.system_out and case.system_out.startswith('warning'):\n\
                 \x20           print('warn', case.name.split(':')[0], kinds)\n\
                 \x20       elif kinds and kinds != ['Skipped']:\n\
                 \x20           print('red', case.name.split(':')[0], kinds)",
            ])
            .arg(file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // Warnings only (exit 1: the pinned Docker 20.10 is older than OSISM 7's): no red case.
    write(
        &c.config,
        "environments/configuration.yml",
        "---\ndocker_version: '5:20.10.24'\nhosts_interface: eth1\n",
    );
    let warn = dir.path().join("warn.xml");
    let (_, err, code) = c.run(&["-o", "junit", "-O", warn.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let text = read(&warn);
    assert!(!text.contains("red "), "{text}");
    assert!(text.contains("warn "), "{text}");
    assert!(
        text.lines().next().unwrap().ends_with("True True"),
        "{text}"
    );
    // A blocking failure is red.
    write(&c.facts, "ceph-health.json", r#"{"status":"HEALTH_ERR"}"#);
    let block = dir.path().join("block.xml");
    let (_, _, code) = c.run(&["-o", "junit", "-O", block.to_str().unwrap()]);
    assert_eq!(code, 2);
    let text = read(&block);
    assert!(text.contains("red CEPH-HEALTH-04 ['Failure']"), "{text}");
}

#[test]
fn a_new_check_of_an_existing_kind_is_data_only() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    copy_dir(&repo_root().join("releases"), &data.join("releases"));
    write(
        data,
        "releases/checks/site.yaml",
        "schema_version: 1\nchecks:\n  - id: SITE-DNS-01\n    title: designate is enabled\n    severity: warn\n    evidence:\n      - kind: config_key\n        file: environments/kolla/configuration.yml\n        key: enable_designate\n        expect: {bool: true}\n    remediation: set enable_designate\n    sources: [site policy]\n",
    );
    let c = case();
    let facts = c.facts.display().to_string();
    let (out, _, code) = c.run_with_data(data, &["--ignore", "DOCKER-32", "--facts", &facts]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL     SITE-DNS-01  designate is enabled\n           - `enable_designate` is not set in environments/kolla/configuration.yml (expected true)"), "{out}");
    // A catalogue mistake names the file and check.
    write(
        data,
        "releases/checks/site.yaml",
        "schema_version: 1\nchecks:\n  - id: SITE-DNS-01\n    title: t\n    severity: warn\n    evidence:\n      - kind: config_key\n        file: f.yml\n        key: k\n        pointer: /x\n        expect: {bool: true}\n    sources: [s]\n",
    );
    let (_, err, code) = c.run_with_data(data, &[]);
    assert_eq!(code, 3);
    assert!(err.ends_with("releases/checks/site.yaml: check SITE-DNS-01: evidence[0] (config_key): `pointer` is not used by this kind (it reads: file, key, keys, key_regex)\n"), "{err}");
}

#[test]
fn upgrade_path_chains_hops_and_explains_refusals() {
    let (out, err, code) =
        crate::common::run(&["upgrade", "path", "--from", "6.0.0", "--to", "8.0.0"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("path_6_to_8", out);
    let (out, _, code) = crate::common::run(&[
        "upgrade", "path", "--from", "R5", "--to", "R7", "-o", "json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["kind"], "upgrade-path");
    let ends: Vec<String> = v["hops"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}→{}",
                h["from"].as_str().unwrap(),
                h["to"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ends, ["6.0.0→7.1.3", "7.1.3→8.0.0"]);
    assert_eq!(v["direct_refused"][0]["component"], "osism");
    // Today's migration, 6.0.2 to 10.2.0: the newest release of each major, a reason per hop.
    let (out, err, code) =
        crate::common::run(&["upgrade", "path", "--from", "6.0.2", "--to", "10.2.0"]);
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!("path_6_0_2_to_10_2_0", out);
    // One allowed hop: no refusal.
    let (out, _, _) = crate::common::run(&["upgrade", "path", "--from", "6.0.0", "--to", "7.0.0"]);
    assert!(
        out.starts_with("Upgrade path 6.0.0 → 7.0.0: 1 hop\n\nHop 1"),
        "{out}"
    );
    let (_, err, code) =
        crate::common::run(&["upgrade", "path", "--from", "7.0.0", "--to", "6.0.0"]);
    assert_eq!(code, 3);
    assert_eq!(
        err,
        "error: cannot upgrade from 7.0.0 to 6.0.0: 6.0.0 is not newer than 7.0.0 (downgrades are not supported)\n"
    );
}

#[test]
fn collect_script_is_read_only_and_uses_the_inventory() {
    let c = case();
    let mut x = in_process();
    x.args(["upgrade", "collect-script", "--config"])
        .arg(&c.config);
    let (out, _, code) = c.output(x);
    assert_eq!(code, 0);
    assert!(
        out.contains("INVENTORY_MON_HOSTS=('ctl01' 'ctl02' 'ctl03')"),
        "{out}"
    );
    for file in [
        "ceph-health.json",
        "ceph-quorum-status.json",
        "ceph-versions.json",
        "ceph-auth-ls.json",
        "openstack-role-list.json",
        "stat-var-lib-ceph.txt",
        "nodes.json",
    ] {
        assert!(out.contains(file), "{file}");
    }
    // Nothing that changes the cloud.
    for bad in [
        "osism apply",
        "install -d",
        "ceph osd set",
        "ceph config set",
        "kubectl apply",
        "role create",
        "rm -rf",
    ] {
        assert!(!out.contains(bad), "{bad}");
    }
    let script = c.facts.parent().unwrap().join("collect.sh");
    std::fs::write(&script, &out).unwrap();
    let syntax = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .unwrap();
    assert!(syntax.success());
    let (plain, _, _) = crate::common::run(&["upgrade", "collect-script"]);
    insta::assert_snapshot!("collect_script", plain);
}

/// Host names that would run code, break the quoting or act as an `ssh` option.
/// None holds white space, so each stays one word in `MON_HOSTS`.
const HOSTILE_HOSTS: &[&str] = &[
    "$(touch${IFS}PWNED)",
    "`touch${IFS}PWNED`",
    "mon'02",
    "a;touch${IFS}PWNED",
    "-oProxyCommand=touch${IFS}PWNED",
    "..",
    "*",
    "$HOME",
];

#[test]
fn collect_script_refuses_inventory_host_names_that_are_not_plain() {
    for (i, bad) in HOSTILE_HOSTS.iter().enumerate() {
        let c = case();
        write(
            &c.config,
            "inventory/20-roles",
            &format!("[ceph-control]\nctl01\n  {bad} ansible_host=10.0.0.2\n"),
        );
        let mut x = in_process();
        x.args(["upgrade", "collect-script", "--config"])
            .arg(&c.config);
        let (out, err, code) = c.output(x);
        assert_eq!(code, 3, "{bad}: {out}");
        assert!(out.is_empty(), "{bad}: no script on stdout");
        assert!(
            err.starts_with("error: [CONFIG]/inventory/20-roles:3:3: host name "),
            "{bad}: {err}"
        );
        if i == 0 {
            insta::assert_snapshot!(err, @r#"error: [CONFIG]/inventory/20-roles:3:3: host name "$(touch${IFS}PWNED)" is not a plain host name or address (letters, digits, `.`, `_`, `:`, `-`, starting with a letter or digit)"#);
        }
    }
}

/// Stub `ceph`, `openstack`, `ssh`, `kubectl` and `sh` that log their arguments, so the script
/// runs end to end without a cloud.
fn stub_bin(dir: &Path) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["ceph", "openstack", "ssh", "kubectl"] {
        let p = bin.join(tool);
        std::fs::write(
            &p,
            format!(
                "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$STUB_LOG/{tool}.$$\"\necho '{{}}'\n"
            ),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

fn ssh_destinations(log: &Path) -> Vec<String> {
    let mut hosts: Vec<String> = std::fs::read_dir(log)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("ssh."))
        .map(|e| {
            let args = std::fs::read_to_string(e.path()).unwrap();
            let args: Vec<&str> = args.lines().collect();
            let end = args
                .iter()
                .position(|a| *a == "--")
                .expect("-- before the host");
            args[end + 1].to_string()
        })
        .collect();
    hosts.sort();
    hosts
}

#[test]
fn collect_script_treats_hostile_host_names_as_data_when_run() {
    let dir = tempfile::tempdir().unwrap();
    let (script, _, code) = crate::common::run(&["upgrade", "collect-script"]);
    assert_eq!(code, 0);
    let path = dir.path().join("collect.sh");
    std::fs::write(&path, &script).unwrap();
    let bin = stub_bin(dir.path());
    let log = dir.path().join("log");
    std::fs::create_dir_all(&log).unwrap();
    let mut mon_hosts = vec!["ctl01".to_string(), "ctl02".to_string()];
    mon_hosts.extend(HOSTILE_HOSTS.iter().map(|h| h.to_string()));
    let out = std::process::Command::new("bash")
        .arg(&path)
        .current_dir(dir.path())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("STUB_LOG", &log)
        .env("FACTS", dir.path().join("facts"))
        .env("MON_HOSTS", mon_hosts.join(" "))
        .env("KAAS_KUBECONFIGS", "/k/ok.yaml /k/$(touch${IFS}PWNED).yaml")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // `osism` has no stub and there is no /opt/configuration: those two fail, the rest works.
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("2 of 11 commands FAILED (above); the other facts are in "),
        "{stderr}"
    );
    let pwned: Vec<_> = walk(dir.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("PWNED"))
        .collect();
    assert!(pwned.is_empty(), "the script ran a host name: {pwned:?}");
    assert_eq!(ssh_destinations(&log), ["ctl01", "ctl02"]);
    for bad in HOSTILE_HOSTS {
        assert!(stderr.contains("SKIPPED host "), "{bad}: {stderr}");
    }
    assert_eq!(
        stderr.matches("SKIPPED host ").count(),
        HOSTILE_HOSTS.len(),
        "{stderr}"
    );
    assert!(stderr.contains("SKIPPED kubeconfig "), "{stderr}");
    assert!(
        dir.path()
            .join("facts/hosts/ctl01/stat-var-lib-ceph.txt")
            .is_file()
    );
    assert!(dir.path().join("facts/k8s/ok/nodes.json").is_file());
}

#[test]
fn collect_script_fails_when_its_commands_fail_and_shows_their_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let (script, _, _) = crate::common::run(&["upgrade", "collect-script"]);
    let path = dir.path().join("collect.sh");
    std::fs::write(&path, &script).unwrap();
    // Every tool fails the way a missing login does.
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    for tool in ["ceph", "openstack", "ssh", "kubectl", "osism"] {
        let p = bin.join(tool);
        std::fs::write(
            &p,
            format!("#!/bin/sh\necho \"{tool}: permission denied (try as dragon)\" >&2\nexit 1\n"),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::process::Command::new("bash")
        .arg(&path)
        .current_dir(dir.path())
        .env("PATH", format!("{}:/usr/bin:/bin", bin.display()))
        .env("HOME", &home)
        .env("FACTS", "~/facts")
        .env("MON_HOSTS", "ctl01")
        .env("KAAS_KUBECONFIGS", "~/wl1.yaml")
        .env("CONFIG_DIR", dir.path().join("no-such-config"))
        .output()
        .unwrap();
    let stderr =
        String::from_utf8_lossy(&out.stderr).replace(&home.display().to_string(), "[HOME]");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    // `~` of FACTS and of each kubeconfig is the home directory.
    assert!(home.join("facts").is_dir());
    assert!(
        stderr.contains("kubectl --kubeconfig [HOME]/wl1.yaml get nodes"),
        "{stderr}"
    );
    assert!(!dir.path().join("~").exists());
    let stderr = stderr.replace(&dir.path().display().to_string(), "[DIR]");
    insta::assert_snapshot!("collect_script_all_failed", stderr);
}

#[test]
fn collect_script_quotes_every_name_it_embeds() {
    let hosts: Vec<String> = ["ctl01", "mon'02", "$(touch PWNED)", "a b"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let script = scs_release::render::check::collect_script(Some(&hosts));
    let line = script
        .lines()
        .find(|l| l.starts_with("INVENTORY_MON_HOSTS="))
        .unwrap();
    assert_eq!(
        line,
        r#"INVENTORY_MON_HOSTS=('ctl01' 'mon'\''02' '$(touch PWNED)' 'a b')"#
    );
    // bash reads the array back as exactly these four words, and runs nothing.
    let dir = tempfile::tempdir().unwrap();
    let probe = format!("set -f\n{line}\nprintf '%s\\n' \"${{INVENTORY_MON_HOSTS[@]}}\"\n");
    let out = std::process::Command::new("bash")
        .args(["-c", &probe])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ctl01\nmon'02\n$(touch PWNED)\na b\n"
    );
    assert!(!dir.path().join("PWNED").exists());
    let syntax = std::process::Command::new("bash")
        .args(["-n", "-c", &script])
        .status()
        .unwrap();
    assert!(syntax.success());
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn service_role_assignments_and_rgw_secret_comparison() {
    let (c, pw) = vaulted_case();
    let pw = pw.display().to_string();
    write(
        &c.facts,
        "openstack-role-assignment-list.json",
        r#"[{"Role":"service","User":"nova@Default"},{"Role":"admin","User":"cinder@Default"}]"#,
    );
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: no\nenable_ceph_rgw: \"yes\"\n",
    );
    let differing = format!("{KOLLA_SECRETS}ceph_rgw_keystone_password: another-rgw-password\n");
    write(
        &c.config,
        "environments/kolla/secrets.yml",
        &ansible_vault::encrypt_vault(differing.as_bytes(), VAULT_PASSWORD).unwrap(),
    );
    let (out, _, code) = c.run(&["--vault-password-file", &pw]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("- facts/openstack-role-assignment-list.json: User without Role `service`: cinder@Default"), "{out}");
    assert!(out.contains("- `ceph_rgw_keystone_password` differs between environments/kolla/secrets.yml:8 and environments/ceph/secrets.yml:3 (values not shown)"), "{out}");
    assert!(
        !out.contains("another-rgw-password") && !out.contains(INLINE_SECRET),
        "{out}"
    );
    // Equal values (one whole-file vault, one inline !vault): passes.
    let same = format!("{KOLLA_SECRETS}ceph_rgw_keystone_password: {INLINE_SECRET}\n");
    write(
        &c.config,
        "environments/kolla/secrets.yml",
        &ansible_vault::encrypt_vault(same.as_bytes(), VAULT_PASSWORD).unwrap(),
    );
    let (out, _, _) = c.run(&["--vault-password-file", &pw]);
    assert!(
        out.split("PASSED")
            .nth(1)
            .unwrap()
            .contains("  RGW-KS-12  "),
        "{out}"
    );
    // Without the password the comparison is unknown, and that blocks.
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2);
    assert!(out.contains("UNKNOWN  RGW-KS-12"), "{out}");
}

/// Every checkable item of "Upgrade notes" and "Known issues" of the final 7.0.0 notes
/// (osism/osism.github.io docs/release-notes/osism-7.md, section 7.0.0) has a check in the
/// catalogue that cites those notes.
#[test]
fn catalogue_covers_the_final_7_0_0_upgrade_notes_and_known_issues() {
    let Some(fixtures) = crate::common::fixtures() else {
        return;
    };
    let notes = std::fs::read_to_string(
        fixtures.join("release-notes/osism-docs/release-notes-HEAD/osism-7.md"),
    )
    .unwrap();
    let start = notes.find("## 7.0.0 (").unwrap();
    let section = &notes[start..];
    let end = section.find("### Other & References").unwrap();
    let section = &section[..end];
    let catalogue =
        std::fs::read_to_string(repo_root().join("releases/checks/osism-6-to-7.yaml")).unwrap();
    // (text in the notes, check ID that covers it)
    let items = [
        ("quorum queues", "RMQ-QUORUM-19"),
        ("`hosts_interface` parameter", "HOSTS-IFACE-43"),
        ("Keycloak deployment via Docker Compose", "KEYCLOAK-39"),
        ("Keystone role `service`", "KS-ROLE-13"),
        ("enable_proxysql", "PROXYSQL-22"),
        ("octavia_persistence_database_password", "SECRETS-14"),
        ("pwgen 22 1", "SECRETS-SALT-14"),
        ("mariadb_monitoring_password", "SECRETS-RENAME-14"),
        ("ceph_nova_user: nova", "KEYRING-VARS-11"),
        ("Parameters for the Netbox service", "NETBOX-MGR-33"),
        ("osism.commons.still_alive", "STILL-ALIVE-34"),
        ("nova_backend: default", "NOVA-BACKEND-35"),
        ("enable_octavia_jobboard", "OCTAVIA-BOOTSTRAP-36"),
        ("/etc/haproxy/certificates", "HAPROXY-PEM-37"),
        ("/var/run/td-agent", "FLUENTD-PATHS-38"),
        ("tls_cacertfile", "KS-LDAP-CA-46"),
        ("openstack_config", "CEPH-CFG-09"),
        ("/var/lib/ceph/bootstrap-rbd/", "CEPH-KEYDIR-01"),
        ("osism/issues#890", "OCTAVIA-CA-44"),
        ("osism/issues#921", "OCTAVIA-OVN-45"),
        ("osism update manager", "UPDATE-MANAGER-41"),
        ("valid_interfaces", "OCTAVIA-IFACE-47"),
        ("python-gilt < 2", "GILT-40"),
    ];
    for (text, id) in items {
        assert!(section.contains(text), "`{text}` is not in the 7.0.0 notes");
        let check = catalogue
            .split("  - id: ")
            .find(|c| c.starts_with(&format!("{id}\n")))
            .unwrap_or_else(|| panic!("{id} missing"));
        assert!(
            check.contains("osism-7.md"),
            "{id} does not cite the final 7.0.0 notes"
        );
    }
}

/// 9.5.0 → 10.2.0: the facts of `osism migrate rabbitmq3to4 check` (the notes' own output)
/// decide RMQ4-CHECK-52, and CINDER-OOT-88 names a vendor driver but not upstream's RBD driver.
#[test]
fn nine_to_ten_reads_the_rabbitmq_check_and_spots_out_of_tree_cinder_drivers() {
    let c = case();
    let run = |c: &Case| {
        let mut x = in_process();
        x.args([
            "upgrade", "check", "--from", "9.5.0", "--to", "10.2.0", "-o", "json", "--config",
        ])
        .arg(&c.config)
        .arg("--facts")
        .arg(&c.facts);
        let (out, err, _) = c.output(x);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|_| panic!("{err}"));
        v
    };
    let finding = |v: &serde_json::Value, id: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id}"))
    };
    let overlay = "environments/kolla/files/overlays/cinder/cinder-volume.conf";
    write(
        &c.config,
        overlay,
        "[rbd-volumes]\nvolume_driver = cinder.volume.drivers.rbd.RBDDriver\n",
    );
    write(
        &c.facts,
        "rabbitmq3to4-check.txt",
        "2025-12-03 21:04:33 | INFO     | Found 210 classic queue(s)\n\
         2025-12-03 21:04:33 | INFO     | Found 0 quorum queue(s)\n\
         2025-12-03 21:04:33 | INFO     | Migration is REQUIRED: Only classic queues found, no quorum queues\n",
    );
    let v = run(&c);
    let rmq = finding(&v, "RMQ4-CHECK-52");
    assert_eq!(rmq["status"], "fail", "{rmq}");
    assert!(
        rmq["details"]
            .to_string()
            .contains("rabbitmq3to4-check.txt:3: contains `Migration is REQUIRED`"),
        "{rmq}"
    );
    assert_eq!(finding(&v, "CINDER-OOT-88")["status"], "pass");

    write(
        &c.config,
        overlay,
        "[rbd-volumes]\nvolume_driver = cinder.volume.drivers.rbd.RBDDriver\n[vendor]\nvolume_driver = acme_cinder.driver.AcmeISCSIDriver\n",
    );
    write(
        &c.facts,
        "rabbitmq3to4-check.txt",
        "2025-12-04 08:38:58 | INFO     | Found 216 quorum queue(s)\n\
         2025-12-04 08:38:58 | INFO     | Migration is NOT required: Only quorum queues found\n",
    );
    let v = run(&c);
    assert_eq!(finding(&v, "RMQ4-CHECK-52")["status"], "pass");
    let oot = finding(&v, "CINDER-OOT-88");
    assert_eq!(oot["status"], "fail", "{oot}");
    assert!(
        oot["details"].to_string().contains("cinder-volume.conf:4"),
        "{oot}"
    );
}

/// `upgrade check -o json` (passing, warning and blocking runs) matches its checked-in schema.
#[test]
fn check_json_matches_its_schema() {
    let c = case();
    let (out, _, code) = c.run(&["-o", "json"]);
    assert_eq!(code, 0);
    crate::output_schemas::assert_valid("upgrade-check", &serde_json::from_str(&out).unwrap());
    write(
        &c.config,
        "environments/configuration.yml",
        "---\ndocker_version: '5:20.10.24'\nhosts_interface: eth1\n",
    );
    write(&c.facts, "ceph-health.json", r#"{"status":"HEALTH_ERR"}"#);
    let (out, _, code) = c.run(&["-o", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v["summary"]["warnings"].as_u64().unwrap() > 0, "{out}");
    crate::output_schemas::assert_valid("upgrade-check", &v);
}
