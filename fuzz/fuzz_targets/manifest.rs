//! The release-data readers on any text:
//! - `yaml::parse_tree`, the raw tree used for osism/release manifests (`base.yml`,
//!   `openstack-*.yml`, `ceph-*.yml`, `etc/*.yml`);
//! - `yaml::from_str::<Manifest>` (the tool's `releases/osism/*.yaml`) and
//!   `yaml::from_str::<ScsRelease>` (`releases/scs/*.yaml`).
//!
//! Errors are fine; a panic, a timeout or running out of memory is a finding. A manifest that
//! reads must also survive the writer (`releases import` writes what `Store::load` reads);
//! that check runs on inputs up to 4 KiB (see below).

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use scs_release::release::{Manifest, ScsRelease, osism};
use scs_release::base::yaml;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = Path::new("fuzz.yaml");

    if let Ok(tree) = yaml::parse_tree(text, file) {
        // Walk it the way the importer does (top-level keys, one level of sections).
        for (_, node) in tree.entries() {
            let _ = (node.as_str(), node.as_bool(), node.kind_name());
            for (_, sub) in node.entries() {
                let _ = (sub.as_str(), sub.is_null());
            }
        }
    }

    match yaml::from_str::<Manifest>(text, file) {
        // The write/read-back check on inputs up to 4 KiB only: a full-size manifest (12 KB)
        // read twice and written once takes 0.6-1.5 s under ASan on a loaded 2-core machine,
        // over the 1 s timeout (docs/fuzzing.md, "Findings").
        Ok(m) if text.len() <= 4096 => {
            let written = osism::to_yaml(&m);
            let back = yaml::from_str::<Manifest>(&written, file).unwrap_or_else(|e| {
                panic!("a manifest that reads does not read back after writing: {e}\n{written}")
            });
            assert_eq!(back.pins, m.pins, "pins changed by a write/read cycle");
            assert_eq!(back.version, m.version);
        }
        Ok(_) => {}
        // A file is one or the other.
        Err(_) => {
            let _ = yaml::from_str::<ScsRelease>(text, file);
        }
    }
});
