//! Rendering of `rc diff`, `rc cut` and `rc promote`.

use serde::Serialize;

use super::table::Table;
use super::{Format, json_document};
use crate::rc::consistency::Finding;
use crate::rc::cut::{Executed, Outcome, Proposal, TagState};
use crate::rc::diff::RcDiff;

pub const SCHEMA_VERSION: u32 = 1;

fn heading(md: bool, level: usize, text: &str) -> String {
    if md {
        format!(
            "\n{} {}\n\n",
            "#".repeat(level),
            super::escape::markdown(text)
        )
    } else {
        format!("\n{text}\n")
    }
}

fn table(md: bool, t: &Table) -> String {
    if md { t.to_markdown() } else { t.to_text() }
}

fn short(s: &str) -> &str {
    if s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        &s[..12]
    } else {
        s
    }
}

/// A findings table, or a line saying there are none. Info findings (expected for their
/// kind, e.g. OpenStack projects on `stable-2023.2`) are folded into one row per value;
/// `-o json` lists each.
pub fn findings_table(findings: &[Finding], md: bool) -> String {
    if findings.is_empty() {
        return "no findings\n".into();
    }
    let mut t = Table::new(["severity", "check", "finding"]);
    let mut folded: Vec<(crate::rc::Check, String, Vec<String>)> = Vec::new();
    for f in findings {
        if f.severity == crate::rc::Severity::Info && f.pins.len() == 1 {
            let value = f.pins[0].value.clone();
            let key = f.pins[0].id.rsplit('/').next().unwrap_or("").to_string();
            match folded
                .iter_mut()
                .find(|(c, v, _)| *c == f.check && *v == value)
            {
                Some((_, _, keys)) => keys.push(key),
                None => folded.push((f.check, value, vec![key])),
            }
            continue;
        }
        t.row([f.severity.name(), f.check.name(), f.message.as_str()]);
    }
    for (check, value, keys) in folded {
        let what = match check {
            crate::rc::Check::BranchPin => "branch",
            crate::rc::Check::MovingRef => "moving ref",
            _ => "value",
        };
        t.row([
            "info".to_string(),
            check.name().to_string(),
            format!(
                "{} pin(s) on {what} `{value}`, expected for their kind: {}",
                keys.len(),
                keys.join(", ")
            ),
        ]);
    }
    table(md, &t)
}

fn counts(findings: &[Finding]) -> String {
    use crate::rc::Severity::*;
    let n = |s| findings.iter().filter(|f| f.severity == s).count();
    format!(
        "{} error, {} unknown, {} warning, {} info",
        n(Error),
        n(Unknown),
        n(Warning),
        n(Info)
    )
}

pub fn diff(d: &RcDiff, format: Format) -> String {
    if format == Format::Json {
        return json_document("rc-diff", SCHEMA_VERSION, d);
    }
    let md = format == Format::Markdown;
    let mut out = super::releases::diff(&d.diff, format);
    let prev = d
        .from_previous
        .as_ref()
        .map(|p| format!(", dropped compared with {p}"))
        .unwrap_or_default();
    out.push_str(&heading(
        md,
        2,
        &format!(
            "Findings on {} ({}{prev})",
            d.from,
            counts(&d.findings_from)
        ),
    ));
    out.push_str(&findings_table(&d.findings_from, md));
    out.push_str(&heading(
        md,
        2,
        &format!(
            "Findings on {} ({}, dropped compared with {})",
            d.to,
            counts(&d.findings_to),
            d.from
        ),
    ));
    out.push_str(&findings_table(&d.findings_to, md));
    if !d.resolved.is_empty() {
        out.push_str(&heading(md, 2, &format!("Resolved in {}", d.to)));
        out.push_str(&findings_table(&d.resolved, md));
    }
    if !d.introduced.is_empty() {
        out.push_str(&heading(md, 2, &format!("New in {}", d.to)));
        out.push_str(&findings_table(&d.introduced, md));
    }
    out
}

/// What `rc cut`/`rc promote` shows: the proposal, its findings and, if run, the steps.
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct CutView<'a> {
    pub proposal: &'a Proposal,
    pub findings: &'a [Finding],
    pub executed: Option<&'a Executed>,
    /// Where `--execute` writes (`releases/osism/7.0.0c.yaml`, the osism folder).
    pub writes: Vec<String>,
    pub tag: bool,
    pub notes: Vec<String>,
}

pub fn cut(v: &CutView, format: Format) -> String {
    if format == Format::Json {
        return json_document("rc-cut", SCHEMA_VERSION, v);
    }
    let md = format == Format::Markdown;
    let p = v.proposal;
    let mode = if v.executed.is_some() {
        "executed"
    } else {
        "dry run"
    };
    let source = p
        .tag_source
        .as_deref()
        .map(|s| format!("tags from {s}"))
        .unwrap_or_else(|| "no tag source".into());
    let title = format!(
        "rc {} {} from {} ({mode}; {source})",
        p.mode.name(),
        p.next,
        p.from
    );
    let mut out = if md {
        format!("# {}\n", super::escape::markdown(&title))
    } else {
        format!("{title}\n")
    };

    out.push_str(&heading(md, 2, "Components"));
    if p.decisions.is_empty() {
        out.push_str("no owned components\n");
    } else {
        let mut t = Table::new(["pin", "kind", "repo", "old", "new", "outcome"]);
        for d in &p.decisions {
            let outcome = match &d.outcome {
                Outcome::Bumped { tag } => format!("bumped to tag {tag}"),
                Outcome::Current { tag: Some(tag) } => format!("current (newest tag {tag})"),
                Outcome::Current { tag: None } => "current (no newer tag)".into(),
                Outcome::ReleaseVersion => "release version".into(),
                Outcome::Kept => "kept".into(),
                Outcome::Unknown { why } => format!("unknown: {why}"),
            };
            t.row([
                d.id.clone(),
                d.kind.clone(),
                d.repo.clone().unwrap_or_else(|| "-".into()),
                short(d.old.as_str()).to_string(),
                short(d.new.as_str()).to_string(),
                outcome,
            ]);
        }
        out.push_str(&table(md, &t));
    }

    out.push_str(&heading(md, 2, "Tags the release needs"));
    if p.tags.is_empty() {
        out.push_str("none\n");
    } else {
        let mut t = Table::new(["repo", "tag", "state", "commit", "pins"]);
        for n in &p.tags {
            let state = match n.state {
                TagState::Exists => "exists".to_string(),
                TagState::Missing if v.tag => format!(
                    "missing: --tag creates it on {} head",
                    n.branch.as_deref().unwrap_or("branch")
                ),
                TagState::Missing => "missing (create with --tag)".into(),
                TagState::Unknown => "unknown (no clone)".into(),
            };
            t.row([
                n.repo.clone(),
                n.tag.clone(),
                state,
                n.commit.as_deref().map(short).unwrap_or("-").to_string(),
                n.pins.join(", "),
            ]);
        }
        out.push_str(&table(md, &t));
    }

    out.push_str(&heading(
        md,
        2,
        &format!(
            "Findings on the proposed {} ({})",
            p.next,
            counts(v.findings)
        ),
    ));
    out.push_str(&findings_table(v.findings, md));

    out.push_str(&heading(md, 2, "Changes"));
    out.push_str(&super::releases::diff(&p.diff, format));

    match v.executed {
        Some(e) => {
            out.push_str(&heading(md, 2, "Steps"));
            let mut t = Table::new(["action", "target", "result"]);
            for s in &e.steps {
                t.row([s.action.as_str(), s.target.as_str(), s.result.as_str()]);
            }
            out.push_str(&table(md, &t));
            if let Some(j) = &e.journal {
                out.push_str(&format!(
                    "\njournal: {j}{}\n",
                    if e.resumed { " (resumed)" } else { "" }
                ));
            }
        }
        None => {
            let missing = p
                .tags
                .iter()
                .filter(|t| t.state == TagState::Missing)
                .count();
            let mut what = v.writes.join(" and ");
            if v.tag && missing > 0 {
                what.push_str(&format!(" and create {missing} tag(s)"));
            }
            out.push_str(&format!(
                "\nDry run: nothing written. Run again with --execute to write {what}.\n"
            ));
        }
    }
    for n in &v.notes {
        let n = if md {
            super::escape::markdown(n)
        } else {
            n.clone()
        };
        out.push_str(&format!("note: {n}\n"));
    }
    out
}
