//! Hand-written highlights (`--highlights FILE`): Markdown split by `## ` heading into the
//! sections of the SCS notes.

use super::context::*;
use super::tracks::Track;

/// The `## ` sections of the SCS template (ReleaseX.md), as highlight slugs.
pub const SCS_SECTIONS: &[&str] = &[
    "scope",
    "component-versions-and-user-visible-improvements-highlights",
    "new-features-highlights",
    "operator-focused-improvements",
    "scs-developer-focused-improvements-testbed-and-k8s-cluster-management",
    "upgrade-migration-notes",
    "removals",
    "deprecations",
    "security-fixes",
    "resolved-issues",
    "standards-conformance",
    "release-tagging",
    "list-of-known-issues",
    "thanks",
];

/// Read a highlights file for a track. For `scs`, `## ` (and `### `) headings naming a
/// section of the SCS template are merged into it (returned: headings that match none);
/// for the KaaS tracks the whole file is the "New features" text.
pub fn highlights_for(track: Track, text: &str) -> (Highlights, Vec<String>) {
    if track != Track::Scs {
        // The template writes `## New features`: a file that starts with (or holds) that
        // heading gives its text, not a second heading.
        let mut out = String::new();
        for line in text.lines() {
            if line
                .strip_prefix("## ")
                .is_some_and(|h| slug(h).starts_with("new-features"))
            {
                continue;
            }
            out.push_str(line);
            out.push('\n');
        }
        return (
            Highlights {
                text: out.trim_matches('\n').to_string(),
                sections: Default::default(),
            },
            Vec::new(),
        );
    }
    let parsed = parse_highlights(text);
    let mut h = Highlights {
        text: parsed.text,
        sections: Default::default(),
    };
    let mut unknown = Vec::new();
    for (key, body) in parsed.sections {
        // `## New features` is the template's `New Features (Highlights)`: a heading names
        // the one section whose slug it starts.
        let mut matching = SCS_SECTIONS.iter().filter(|s| s.starts_with(key.as_str()));
        let target = if SCS_SECTIONS.contains(&key.as_str()) {
            Some(key.clone())
        } else {
            match (matching.next(), matching.next()) {
                (Some(one), None) => Some(one.to_string()),
                _ => None,
            }
        };
        match target {
            Some(t) => {
                let slot: &mut String = h.sections.entry(t).or_default();
                if !slot.is_empty() && !body.is_empty() {
                    slot.push_str("\n\n");
                }
                slot.push_str(&body);
            }
            None => {
                unknown.push(key.clone());
                h.sections.insert(key, body);
            }
        }
    }
    for s in SCS_SECTIONS {
        h.sections.entry(s.to_string()).or_default();
    }
    (h, unknown)
}

/// Split a highlights file into the text before the first `## ` heading and `## ` sections.
pub fn parse_highlights(text: &str) -> Highlights {
    let mut h = Highlights::default();
    let mut current: Option<String> = None;
    let mut buf = String::new();
    let flush = |h: &mut Highlights, cur: &Option<String>, buf: &mut String| {
        let t = buf.trim_matches('\n').to_string();
        match cur {
            None => h.text = t,
            Some(k) => {
                let slot = h.sections.entry(k.clone()).or_default();
                if !slot.is_empty() && !t.is_empty() {
                    slot.push_str("\n\n");
                }
                slot.push_str(&t);
            }
        }
        buf.clear();
    };
    for line in text.lines() {
        if let Some(head) = line.strip_prefix("## ") {
            flush(&mut h, &current, &mut buf);
            let mut key = slug(head);
            if key.starts_with("list-of-known-issues") {
                key = "list-of-known-issues".into();
            }
            current = Some(key);
        } else {
            buf.push_str(line);
            buf.push('\n');
        }
    }
    flush(&mut h, &current, &mut buf);
    h
}

/// The number `text` starts with (`600` of `600](…)`).
fn number_at(text: &str) -> Option<u64> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    text[..end].parse().ok()
}

/// The PR numbers of `slug` the highlights link to (`…/OWNER/NAME/pull/N`), and, when
/// `bare` (the notes cover one repo), the bare `#N` references too.
pub fn pr_refs(h: &Highlights, slug: Option<&str>, bare: bool) -> Vec<u64> {
    let mut out = Vec::new();
    let texts = std::iter::once(h.text.as_str()).chain(h.sections.values().map(String::as_str));
    for text in texts {
        let bytes = text.as_bytes();
        for (i, _) in text.match_indices('#') {
            // `[#600](…/pull/600)` is counted through its URL; `#600` alone names a PR of the
            // only repo (or an issue, which matches no change).
            let word_start = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
            if bare
                && word_start
                && let Some(n) = number_at(&text[i + 1..])
            {
                out.push(n);
            }
        }
        if let Some(slug) = slug {
            let needle = format!("github.com/{slug}/pull/");
            for (i, _) in text.match_indices(&needle) {
                out.extend(number_at(&text[i + needle.len()..]));
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// `Upgrade/Migration notes` → `upgrade-migration-notes`.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for ch in s.trim().chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_features_heading_is_merged_never_doubled() {
        let file = "## New features\n\n### ClusterClass\n\nSee #600.\n";
        let (h, unknown) = highlights_for(Track::KaasV1, file);
        assert_eq!(h.text, "### ClusterClass\n\nSee #600.");
        assert!(unknown.is_empty());
        let (h, unknown) = highlights_for(Track::Scs, file);
        assert!(unknown.is_empty(), "{unknown:?}");
        assert_eq!(
            h.sections["new-features-highlights"],
            "### ClusterClass\n\nSee #600."
        );
        // Two headings naming one section are joined.
        let (h, _) = highlights_for(Track::Scs, "## Removals\n\nA.\n\n## removals\n\nB.\n");
        assert_eq!(h.sections["removals"], "A.\n\nB.");
    }

    #[test]
    fn highlights_split_by_heading() {
        let h = parse_highlights("Intro\n\n## Upgrade/Migration notes\n\nDo X.\n");
        assert_eq!(h.text, "Intro");
        assert_eq!(h.sections["upgrade-migration-notes"], "Do X.");
    }
}
