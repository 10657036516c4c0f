//! upgrade check on the effective configuration (#10): OSISM defaults under the repository,
//! files written at deploy time, defaults that change between releases, the final 7.0.0 notes.

use crate::common::{copy_dir, repo_root};
use crate::upgrade::{Case, case, write};

const KEYRING_SKELETON: &str = "[client.x]\n\tkey = <redacted>\n\tcaps mon = <redacted>\n";

const OVERLAY_KEYRINGS: [&str; 5] = [
    "glance/ceph.client.glance.keyring",
    "cinder/cinder-volume/ceph.client.cinder.keyring",
    "cinder/cinder-backup/ceph.client.cinder.keyring",
    "cinder/cinder-backup/ceph.client.cinder-backup.keyring",
    "nova/ceph.client.cinder.keyring",
];

/// Like osism/testbed: the keyrings are ignored by git and written by `copy-ceph-keys`.
fn ignored_keyrings(c: &Case) {
    write(
        &c.config,
        ".gitignore",
        "*.swp\nenvironments/**/ceph.client.*.keyring\n",
    );
    for f in OVERLAY_KEYRINGS {
        std::fs::remove_file(c.config.join("environments/kolla/files/overlays").join(f)).unwrap();
    }
}

fn generated(entries: &[(&str, &str)]) -> String {
    let mut s = String::from("# ignored keyrings of /opt/configuration (values redacted)\n");
    for (path, newline) in entries {
        s.push_str(&format!(
            "== {path} bytes={} newline={newline}\n{KEYRING_SKELETON}",
            KEYRING_SKELETON.len()
        ));
    }
    s
}

/// The lines of one finding in the table output: its header and its indented details.
fn block(out: &str, id: &str) -> String {
    let mut lines = out.lines().skip_while(|l| !l.contains(&format!(" {id}  ")));
    let head = lines
        .next()
        .unwrap_or_else(|| panic!("{id} not in:\n{out}"));
    let mut b = vec![head];
    b.extend(lines.take_while(|l| l.starts_with("           ")));
    b.join("\n")
}

#[test]
fn gitignored_keyrings_are_unknown_without_facts_and_checked_from_them() {
    let c = case();
    ignored_keyrings(&c);
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    let b = block(&out, "KEYRING-REPO-10");
    assert!(
        b.starts_with("  UNKNOWN  KEYRING-REPO-10  Ceph keyring files"),
        "{b}"
    );
    assert!(out.contains("UNKNOWN  KEYRING-REPO-10"), "{out}");
    insta::assert_snapshot!("effective_keyrings_unknown", b);

    // With the facts from the manager: every keyring there and well-formed → pass.
    let all: Vec<(String, &str)> = OVERLAY_KEYRINGS
        .iter()
        .map(|f| (format!("environments/kolla/files/overlays/{f}"), "yes"))
        .collect();
    let as_ref = |v: &[(String, &str)]| -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.clone(), b.to_string())).collect()
    };
    let write_facts = |v: Vec<(String, String)>| {
        let refs: Vec<(&str, &str)> = v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        write(&c.facts, "generated-files.txt", &generated(&refs));
    };
    write_facts(as_ref(&all));
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("\n  KEYRING-REPO-10  Ceph keyring files"),
        "{out}"
    );

    // One without its final newline, one the manager does not have.
    let mut broken = as_ref(&all);
    broken[0].1 = "no".into();
    broken.pop();
    write_facts(broken);
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    insta::assert_snapshot!(
        "effective_keyrings_from_facts",
        block(&out, "KEYRING-REPO-10")
    );

    // An empty placeholder committed at an ignored path is not the key: the facts decide.
    write(
        &c.config,
        "environments/infrastructure/files/ceph/ceph.client.admin.keyring",
        "",
    );
    write_facts(as_ref(&all));
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        block(&out, "KEYRING-REPO-10").contains("- environments/infrastructure/files/ceph/ceph.client.admin.keyring is missing: the repository ignores it (.gitignore:2 `environments/**/ceph.client.*.keyring`) and the manager does not have it either (facts generated-files.txt)"),
        "{out}"
    );
}

#[test]
fn generated_files_facts_with_a_bad_header_are_a_located_error() {
    let c = case();
    write(
        &c.facts,
        "generated-files.txt",
        "== environments/x.keyring bytes=12 newline=perhaps\n",
    );
    let (_, err, code) = c.run(&[]);
    assert_eq!(code, 3);
    assert!(
        err.ends_with("[FACTS]/generated-files.txt:1:44: expected `== <path> bytes=<n> newline=<yes|no>`: newline is not yes or no\n"),
        "{err}"
    );
}

#[test]
fn nova_overrides_are_judged_against_the_osism_7_defaults() {
    let c = case();
    let kolla = "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: yes\nnova_backend_ceph: on\nenable_octavia: no\n";
    // Exactly what OSISM 7 sets itself (osism/defaults all/099-kolla.yml): no finding.
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        &format!("{kolla}ceph_nova_user: nova\n"),
    );
    write(
        &c.config,
        "environments/kolla/files/overlays/nova/ceph.client.nova.keyring",
        "[client.nova]\n\tkey = AQBexample==\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\n  KEYRING-VARS-11  "), "{out}");
    // Another user in the inventory: the environment file (extra vars) still wins.
    write(
        &c.config,
        "inventory/group_vars/all/ceph.yml",
        "---\nceph_nova_user: compute\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
    // Without the line in the environment file, the inventory's value is the one used.
    std::fs::remove_file(c.config.join("environments/kolla/configuration.yml")).unwrap();
    write(&c.config, "environments/kolla/configuration.yml", kolla);
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("- inventory/group_vars/all/ceph.yml:2: `ceph_nova_user` is set to `compute`; the OSISM 7.0.0 default is `nova` (OSISM defaults v0.20240319.0 all/099-kolla.yml:73)"),
        "{out}"
    );
}

#[test]
fn hosts_interface_warns_where_the_repository_relies_on_the_changed_default() {
    let c = case();
    write(
        &c.config,
        "environments/configuration.yml",
        "---\ndocker_version: '5:24.0.9'\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("- `hosts_interface` is not set in the repository and its OSISM default changes: 6.0.0 (v0.20230919.0): not set (the role's own default applies) → 7.0.0 (v0.20240319.0): `{{ internal_interface|default(eth0) }}` (OSISM defaults v0.20240319.0 all/099-interfaces.yml:34)"), "{out}");
    // Set in the inventory: the change does not apply.
    write(
        &c.config,
        "inventory/group_vars/all/network.yml",
        "---\nhosts_interface: eth1\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn octavia_items_of_the_final_notes_follow_the_effective_configuration() {
    let c = case();
    // Not set in the repository: OSISM's default enables Octavia (all/099-kolla.yml).
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: yes\nnova_backend_ceph: on\nkolla_copy_ca_into_containers: \"yes\"\nneutron_plugin_agent: ovn\n",
    );
    write(
        &c.config,
        "environments/kolla/files/overlays/octavia.conf",
        "[certificates]\nvalid_interfaces = internal\n[keystone_authtoken]\nvalid_interfaces = internal\n[glance]\nvalid_interfaces = internal\n[neutron]\nvalid_interfaces = internal\n[nova]\n# valid_interfaces = internal\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    insta::assert_snapshot!(
        "effective_octavia",
        out.split("\nPASSED")
            .next()
            .unwrap()
            .split("WARNINGS")
            .nth(1)
            .unwrap()
    );
    // Info findings never count: the OVN port leak is shown, the result line counts it as
    // info only. The jobboard is opt-in: OSISM's defaults switch it off.
    assert!(out.contains("MANUAL   OCTAVIA-OVN-45"), "{out}");
    assert!(out.contains("\n  OCTAVIA-BOOTSTRAP-36  not applicable: `enable_octavia_jobboard` is false (OSISM defaults v0.20240319.0 all/099-kolla.yml:70)"), "{out}");
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: yes\nnova_backend_ceph: on\nenable_octavia_jobboard: \"yes\"\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MANUAL   OCTAVIA-BOOTSTRAP-36"), "{out}");
    // Turned off in the repository: none of them applies.
    write(
        &c.config,
        "environments/kolla/configuration.yml",
        "---\nglance_backend_ceph: \"yes\"\ncinder_backend_ceph: yes\nnova_backend_ceph: on\nenable_octavia: no\nkolla_copy_ca_into_containers: \"yes\"\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
    for id in ["OCTAVIA-CA-44", "OCTAVIA-IFACE-47", "OCTAVIA-BOOTSTRAP-36"] {
        assert!(
            out.contains(&format!(
                "\n  {id}  not applicable: `enable_octavia` is false"
            )),
            "{id}: {out}"
        );
    }
}

#[test]
fn ldap_domains_and_haproxy_paths_of_the_final_notes() {
    let c = case();
    write(
        &c.config,
        "environments/kolla/files/overlays/keystone/domains/keystone.corp.conf",
        "[identity]\ndriver = ldap\n\n[ldap]\nurl = ldaps://ldap.example\n",
    );
    write(
        &c.config,
        "environments/kolla/files/overlays/haproxy/services.d/haproxy.cfg",
        "bind {{ api_interface_address }}:443 ssl crt /etc/haproxy/haproxy-internal.pem\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("- environments/kolla/files/overlays/keystone/domains/keystone.corp.conf:4: [ldap] does not set `tls_cacertfile`"), "{out}");
    assert!(out.contains("- environments/kolla/files/overlays/haproxy/services.d/haproxy.cfg:1: contains `/etc/haproxy/haproxy-internal.pem`"), "{out}");
    // Fixed, and the overlay serving both releases keeps the old path in the old branch only.
    write(
        &c.config,
        "environments/kolla/files/overlays/keystone/domains/keystone.corp.conf",
        "[ldap]\nurl = ldaps://ldap.example\ntls_cacertfile = /etc/ssl/certs/ca-certificates.crt\n",
    );
    write(
        &c.config,
        "environments/kolla/files/overlays/haproxy/services.d/haproxy.cfg",
        "{% if openstack_version == \"2023.2\" %}\n{%- set crt = '/etc/haproxy/certificates/haproxy-internal.pem' %}\n{% else %}\n{%- set crt = '/etc/haproxy/haproxy-internal.pem' %}\n{% endif %}\n",
    );
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn manager_latest_needs_the_pins_of_the_target() {
    let c = case();
    let manager = |pin: &str| {
        write(
            &c.config,
            "environments/manager/configuration.yml",
            &format!(
                "---\nmanager_version: latest\nopenstack_version: {pin}\nceph_version: quincy\nnetbox_url: https://netbox.example\n"
            ),
        )
    };
    manager("2023.1");
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("- `openstack_version` at environments/manager/configuration.yml:3 is 2023.1, older than the 7.0.0 pin 2023.2: set it to 2023.2 with the upgrade"), "{out}");
    manager("zed");
    let (out, _, _) = c.run(&[]);
    assert!(
        out.contains("is zed, not the 7.0.0 pin 2023.2: set it to 2023.2 with the upgrade"),
        "{out}"
    );
    manager("2023.2");
    let (out, _, code) = c.run(&[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_result_line_counts_each_finding_once_and_info_never_decides() {
    let c = case();
    std::fs::remove_dir_all(&c.facts).unwrap();
    std::fs::create_dir_all(&c.facts).unwrap();
    let (out, _, code) = c.run(&["-o", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let s = &v["summary"];
    let n = |k: &str| s[k].as_u64().unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(
        n("blocking")
            + n("warnings")
            + n("passed")
            + n("info")
            + n("not_applicable")
            + n("ignored"),
        findings.len() as u64,
        "{s}"
    );
    let unknown_non_info = findings
        .iter()
        .filter(|f| f["status"] == "unknown" && f["severity"] != "info")
        .count() as u64;
    assert_eq!(
        n("blocking_unknown") + n("warnings_unknown"),
        unknown_non_info
    );
    let (text, _, _) = c.run(&[]);
    let line = text.lines().find(|l| l.starts_with("Result: ")).unwrap();
    insta::assert_snapshot!("effective_result_line", line);
}

#[test]
fn catalogue_mistakes_of_the_new_kinds_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    copy_dir(&repo_root().join("releases"), &data.join("releases"));
    let c = case();
    let mut errors = Vec::new();
    for body in [
        "      - kind: effective_key\n        key_regex: '^x'\n        expect: {bool: true}\n",
        "      - kind: effective_key\n        key: k\n        expect: {same_as_target_default: true, not_matching: x}\n",
        "      - kind: config_key\n        file: f.yml\n        key: k\n        when: [{file: f.yml, env: ceph, key: k, bool: true}]\n        expect: {present: true}\n",
        "      - kind: config_file\n        glob: '*.conf'\n        expect: {ini_option: {sections: [ldap]}}\n",
    ] {
        write(
            data,
            "releases/checks/site.yaml",
            &format!(
                "schema_version: 1\nchecks:\n  - id: SITE-01\n    title: t\n    severity: warn\n    evidence:\n{body}    sources: [s]\n"
            ),
        );
        let (_, err, code) = c.run_with_data(data, &[]);
        assert_eq!(code, 3, "{err}");
        errors.push(err.replace(&data.display().to_string(), "[DATA]"));
    }
    insta::assert_snapshot!("effective_catalogue_errors", errors.join(""));
}
