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
        return (
            Highlights {
                text: text.trim_matches('\n').to_string(),
                sections: Default::default(),
            },
            Vec::new(),
        );
    }
    let mut h = parse_highlights(text);
    let unknown: Vec<String> = h
        .sections
        .keys()
        .filter(|k| !SCS_SECTIONS.contains(&k.as_str()))
        .cloned()
        .collect();
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
                h.sections.insert(k.clone(), t);
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
    fn highlights_split_by_heading() {
        let h = parse_highlights("Intro\n\n## Upgrade/Migration notes\n\nDo X.\n");
        assert_eq!(h.text, "Intro");
        assert_eq!(h.sections["upgrade-migration-notes"], "Do X.");
    }
}
