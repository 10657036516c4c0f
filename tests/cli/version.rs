//! Property tests: the version order is total and consistent, display/parse round-trips,
//! the order agrees with semver where both apply, and no input panics any parser.

use std::cmp::Ordering;
use std::path::Path;

use proptest::prelude::*;
use scs_release::base::version::{Ident, Version};

/// Spellings drawn from every family the tool meets.
fn spelling() -> impl Strategy<Value = String> {
    let num = 0u64..30;
    prop_oneof![
        (num.clone(), num.clone(), num.clone()).prop_map(|(a, b, c)| format!("{a}.{b}.{c}")),
        (num.clone(), num.clone(), num.clone(), "[a-d]")
            .prop_map(|(a, b, c, l)| format!("{a}.{b}.{c}{l}")),
        (num.clone(), num.clone(), 1u64..5).prop_map(|(a, b, r)| format!("{a}.{b}.0-rc.{r}")),
        (num.clone(), num.clone(), 1u64..5).prop_map(|(a, b, r)| format!("v{a}.{b}.0-rc{r}")),
        (num.clone(), 0u64..12).prop_map(|(a, r)| format!("v0.{a}.0-alpha.{r}")),
        (20230101u64..20261231, 0u64..3).prop_map(|(d, n)| format!("v0.{d}.{n}")),
        (20230101u64..20261231, 0u64..3).prop_map(|(d, n)| format!("0.{d}.{n}")),
        (num.clone(), num.clone(), 1u64..4).prop_map(|(a, b, r)| format!("{a}.{b}.0.0rc{r}")),
        (1u64..6, num.clone(), num.clone()).prop_map(|(e, a, b)| format!("{e}:{a}.{b}.9")),
        (num.clone(), 1u64..4).prop_map(|(m, k)| format!("v1.{m}.0+k3s{k}")),
        (num.clone(), num.clone()).prop_map(|(a, b)| format!("1.{a}.{b}-alpine")),
        (num.clone(), 1u64..9).prop_map(|(m, v)| format!("openstack-scs-1-{m}-v{v}")),
        "[a-f0-9]{40}",
        prop_oneof![
            Just("stable-2023.2"),
            Just("stable/4.6"),
            Just("main"),
            Just("latest"),
            Just("quincy"),
            Just(">=9.0.0,<10.0.0"),
            Just("")
        ]
        .prop_map(String::from),
        "[ -~]{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn order_is_total_antisymmetric_and_consistent_with_eq(a in spelling(), b in spelling()) {
        let (va, vb) = (Version::parse(&a), Version::parse(&b));
        prop_assert_eq!(va.cmp(&vb), vb.cmp(&va).reverse());
        prop_assert_eq!(va.cmp(&vb) == Ordering::Equal, va == vb);
    }

    #[test]
    fn order_is_transitive(a in spelling(), b in spelling(), c in spelling()) {
        let mut v = [Version::parse(&a), Version::parse(&b), Version::parse(&c)];
        v.sort();
        prop_assert!(v[0] <= v[1] && v[1] <= v[2] && v[0] <= v[2]);
    }

    #[test]
    fn display_parse_round_trips(a in spelling()) {
        let v = Version::parse(&a);
        let back = Version::parse(&v.to_string());
        prop_assert_eq!(back.kind(), v.kind());
        prop_assert_eq!(back, v);
    }

    /// For strings both understand, the order is semver's precedence.
    #[test]
    fn agrees_with_semver(a in (0u64..5, 0u64..5, 0u64..5, proptest::option::of(("(alpha|beta|rc)", 0u64..4))),
                          b in (0u64..5, 0u64..5, 0u64..5, proptest::option::of(("(alpha|beta|rc)", 0u64..4)))) {
        let s = |(x, y, z, pre): (u64, u64, u64, Option<(String, u64)>)| match pre {
            Some((w, n)) => format!("{x}.{y}.{z}-{w}.{n}"),
            None => format!("{x}.{y}.{z}"),
        };
        let (sa, sb) = (s(a), s(b));
        let ours = Version::parse(&sa).cmp(&Version::parse(&sb));
        let theirs = semver::Version::parse(&sa).unwrap().cmp_precedence(&semver::Version::parse(&sb).unwrap());
        prop_assert_eq!(ours, theirs, "{} vs {}", sa, sb);
    }

    /// Pre-release numbers parse as numbers: the generated components come back.
    #[test]
    fn components_are_recovered(maj in 0u64..100, min in 0u64..100, pat in 0u64..100, rc in 0u64..100) {
        let v = Version::parse(&format!("v{maj}.{min}.{pat}-rc.{rc}"));
        let n = v.numeric().unwrap();
        prop_assert_eq!(&n.numbers, &vec![maj, min, pat]);
        prop_assert_eq!(&n.pre, &vec![Ident::Word("rc".into()), Ident::Num(rc)]);
        prop_assert!(n.v_prefix);
        prop_assert_eq!(v.final_release().unwrap().to_string(), format!("v{maj}.{min}.{pat}"));
    }

    #[test]
    fn yaml_and_release_parsers_never_panic(text in "[ -~\n\t]{0,200}") {
        let _ = scs_release::base::yaml::parse_tree(&text, Path::new("fuzz.yml"));
        let _ = scs_release::base::yaml::from_str::<scs_release::release::ScsRelease>(&text, Path::new("fuzz.yml"));
        let _ = scs_release::base::yaml::from_str::<scs_release::release::Manifest>(&text, Path::new("fuzz.yml"));
    }

    /// Mutations of a real release file: errors, never panics, always located.
    #[test]
    fn mutated_release_files_give_located_errors(cut in 0usize..1500, insert in "[ -~\n]{0,8}") {
        let good = include_str!("../../releases/scs/R6.yaml");
        let cut = cut.min(good.len());
        let cut = (0..=cut).rev().find(|i| good.is_char_boundary(*i)).unwrap_or(0);
        let text = format!("{}{}{}", &good[..cut], insert, &good[cut..]);
        if let Err(e) = scs_release::base::yaml::from_str::<scs_release::release::ScsRelease>(&text, Path::new("R6.yaml")) {
            prop_assert!(e.to_string().starts_with("R6.yaml:"), "{}", e);
        }
    }
}
