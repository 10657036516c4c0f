//! The configuration-repository readers, in memory (`ConfigRepo::load` only reads
//! directories, so this drives what it calls on every file):
//! - `Inventory::parse` (OSISM INI inventory), twice into one inventory as `Inventory::load`
//!   merges files, then every query on every group the text names;
//! - `yaml::parse_tree` as `ConfigRepo::load` reads `environments/**/*.yml`, with the
//!   value readers (`scalar_text`, `ansible_bool`) on every node;
//! - ansible-vault: `is_vault` on the file, `decrypt` on a whole-file vault and on inline
//!   `!vault` values (a few per input: each one costs a PBKDF2 key derivation);
//! - `facts::parse_stat` (the `stat` lines the collect script gathers).
//!
//! The same bytes go to every reader: INI and YAML seeds both reach all of them.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scs_release::evidence::config::{ansible_bool, scalar_text};
use scs_release::evidence::facts::parse_stat;
use scs_release::evidence::inventory::Inventory;
use scs_release::evidence::vault::{self, VaultKey};
use scs_release::base::yaml::{self, Node, Value};

const MAX_DECRYPTS: usize = 3;

fn walk(node: &Node, key: &VaultKey, decrypts: &mut usize) {
    let _ = (
        scalar_text(node),
        ansible_bool(node),
        node.as_bool(),
        node.kind_name(),
    );
    match &node.value {
        Value::Scalar {
            text, tag: Some(t), ..
        } if t.contains("vault") && *decrypts < MAX_DECRYPTS => {
            *decrypts += 1;
            let _ = vault::decrypt(text, key);
        }
        Value::Seq(items) => items.iter().for_each(|n| walk(n, key, decrypts)),
        Value::Map(entries) => entries.iter().for_each(|(_, n)| walk(n, key, decrypts)),
        _ => {}
    }
}

/// Group names as the parser would read them from `[name]`, `[name:children]`, and the
/// lines of the text (child names), plus Ansible's implicit groups.
fn group_names(text: &str) -> Vec<String> {
    let mut names = vec!["all".to_string(), "ungrouped".to_string()];
    for line in text.lines().map(str::trim) {
        let name = match line.strip_prefix('[').and_then(|l| l.split_once(']')) {
            Some((inner, _)) => inner.split(':').next().unwrap_or("").trim(),
            None => line.split_whitespace().next().unwrap_or(""),
        };
        if !name.is_empty() && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
        if names.len() >= 64 {
            break;
        }
    }
    names
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let mut inv = Inventory::default();
    if inv.parse(text, Path::new("inventory/20-roles")).is_ok() {
        let _ = inv.parse(text, Path::new("inventory/50-ceph"));
        // A few queries, as the check engine makes: an inventory near its 100,000 host
        // entries queried for every group and every host ran over 1 s under ASan (the
        // harness's cost, not the reader's; docs/fuzzing.md, "Findings").
        let names = group_names(text);
        for name in names.iter().take(16) {
            let _ = inv.has_group(name);
            if let Some(hosts) = inv.hosts(name) {
                for h in hosts.iter().take(16) {
                    let _ = inv.origin(h);
                }
                let _ = inv.plain_hosts(hosts);
            }
        }
        let _ = inv.first_group(&names);
    }

    let key = VaultKey::new("fuzz");
    let mut decrypts = 0;
    if vault::is_vault(text) {
        decrypts += 1;
        let _ = vault::decrypt(text, &key);
    }
    if let Ok(tree) = yaml::parse_tree(text, Path::new("environments/configuration.yml")) {
        walk(&tree, &key, &mut decrypts);
    }

    let _ = parse_stat(text, Path::new("hosts/ctl01/stat-var-lib-ceph.txt"));
});
