//! `Version::parse` on any text, and the properties src/version.rs documents (and
//! tests/cli/version.rs checks with proptest):
//! - parsing never fails or panics;
//! - Display round-trips: `parse(v.to_string()) == v`, with the same kind;
//! - the order is total and consistent with `Eq` (antisymmetric, transitive, `Equal` iff `==`);
//! - `same_as` is reflexive and symmetric;
//! - `final_release` of a pre-release is a final numeric version that sorts after it;
//! - serde (`null` for the null value, else the text as written) round-trips.
//!
//! The whole input is one value; its lines (up to three) are also compared with each other.

#![no_main]

use std::cmp::Ordering;

use libfuzzer_sys::fuzz_target;
use scs_release::base::version::Version;

fn one(text: &str) -> Version {
    let v = Version::parse(text);
    let shown = v.to_string();
    let back = Version::parse(&shown);
    assert_eq!(back, v, "display round-trip of {text:?} via {shown:?}");
    assert_eq!(back.kind(), v.kind(), "kind after round-trip of {text:?}");
    assert_eq!(v.cmp(&v), Ordering::Equal);
    assert!(v.same_as(&v), "same_as is not reflexive for {text:?}");

    // Cheap accessors must not panic.
    let _ = (
        v.kind_name(),
        v.is_frozen(),
        v.normalized(),
        v.major(),
        v.minor(),
    );

    if let Some(f) = v.final_release() {
        assert!(
            v.is_prerelease(),
            "final_release of a non-pre-release {text:?}"
        );
        assert!(f.numeric().is_some(), "final_release of {text:?} is {f:?}");
        assert!(
            !f.is_prerelease(),
            "final_release of {text:?} is a pre-release: {f:?}"
        );
        assert!(v < f, "{text:?} does not sort before its final release {f}");
        assert_eq!(f.major(), v.major());
    }

    let json = serde_json::to_string(&v).expect("a version serializes");
    let de: Version = serde_json::from_str(&json).expect("a serialized version reads back");
    assert_eq!(de, v, "serde round-trip of {text:?} via {json}");
    v
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    one(text);

    let vs: Vec<Version> = text.split('\n').take(3).map(one).collect();
    for a in &vs {
        for b in &vs {
            let ab = a.cmp(b);
            assert_eq!(ab, b.cmp(a).reverse(), "antisymmetry: {a:?} vs {b:?}");
            assert_eq!(ab == Ordering::Equal, a == b, "cmp/eq: {a:?} vs {b:?}");
            assert_eq!(
                a.same_as(b),
                b.same_as(a),
                "same_as symmetry: {a:?} vs {b:?}"
            );
            let _ = a.satisfies(b);
            for c in &vs {
                if a <= b && b <= c {
                    assert!(a <= c, "transitivity: {a:?} <= {b:?} <= {c:?}");
                }
            }
        }
    }
});
