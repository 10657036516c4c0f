//! `rc status` output: the readiness matrix as a table, Markdown or JSON.

use super::Format;
use super::escape::{markdown as md, markdown_cell as md_cell, markdown_url as md_url};
use super::table::Table;
use crate::rc::status::{Cell, CellState, Column, StatusReport, Verdict};

/// Version of the JSON document `rc-status`.
pub const SCHEMA_VERSION: u32 = 1;

fn age(secs: u64) -> String {
    match secs {
        0..=59 => "<1m".into(),
        60..=3599 => format!("{}m", secs / 60),
        3600..=172_799 => format!("{}h", secs / 3600),
        _ => format!("{}d", secs / 86_400),
    }
}

/// A cell as text: good and info as found, `✗` bad, `?` unknown, `-` not applicable,
/// `(stale 3h)` for answers from the offline cache.
pub fn cell_text(c: &Cell) -> String {
    let base = match c.state {
        CellState::Good | CellState::Info => c.value.clone(),
        CellState::Bad => format!("✗ {}", c.value),
        CellState::Unknown => format!("? {}", c.reason.as_deref().unwrap_or("unknown")),
        CellState::NotApplicable => "-".into(),
    };
    match c.stale_secs {
        Some(s) => format!("{base} (stale {})", age(s)),
        None => base,
    }
}

fn title(r: &StatusReport) -> String {
    let mut t = format!("rc status {}", r.release);
    if let Some(scs) = &r.scs {
        t.push_str(&format!(" ({scs} {})", r.label));
    }
    if r.offline {
        t.push_str(", offline");
    }
    t
}

fn matrix(r: &StatusReport) -> Table {
    let mut header = vec!["component".to_string(), "repo".into(), "pinned".into()];
    header.extend(Column::ALL.iter().map(|c| c.name().to_string()));
    let mut t = Table::new(header);
    for row in &r.rows {
        let pinned = if row.expected_tag.is_none() && row.pinned.len() >= 40 {
            format!("{}…", &row.pinned[..12])
        } else {
            row.pinned.clone()
        };
        let mut cells = vec![row.id.clone(), row.repo.clone(), pinned];
        cells.extend(Column::ALL.iter().map(|c| cell_text(row.cell(*c))));
        t.row(cells);
    }
    t
}

fn info_table(r: &StatusReport) -> Table {
    let mut t = Table::new(["component", "pinned", "why not covered"]);
    for i in &r.info {
        t.row([i.id.clone(), i.pinned.clone(), i.note.clone()]);
    }
    t
}

/// The verdict and its reasons; `esc` escapes the reasons (they quote GitHub data).
fn verdict_lines(r: &StatusReport, bullet: &str, esc: fn(&str) -> String) -> String {
    let mut out = String::new();
    let (head, reasons, unknown): (&str, &[String], &[String]) = match &r.verdict {
        Verdict::Ready => ("READY", &[], &[]),
        Verdict::Blocked { reasons, unknown } => ("BLOCKED", reasons, unknown),
        Verdict::Unknown { reasons } => ("UNKNOWN (not enough evidence; not green)", &[], reasons),
    };
    out.push_str(&format!(
        "Verdict: {head} ({} covered, {} info)\n",
        r.rows.len(),
        r.info.len()
    ));
    if !r.consistency.checked {
        out.push_str(&format!(
            "{bullet}note: consistency checks (families, branch pins, dropped components) did not run\n"
        ));
    }
    for x in &r.consistency.notes {
        out.push_str(&format!("{bullet}note: {}\n", esc(x)));
    }
    for x in reasons {
        out.push_str(&format!("{bullet}blocked: {}\n", esc(x)));
    }
    for x in unknown {
        out.push_str(&format!("{bullet}unknown: {}\n", esc(x)));
    }
    out
}

/// The report; `all`: the info rows too (always in JSON).
pub fn render(r: &StatusReport, f: Format, all: bool) -> String {
    match f {
        Format::Json => super::json_document("rc-status", SCHEMA_VERSION, r),
        Format::Markdown => {
            let mut out = format!("# {}\n\n## Covered components\n\n", md(&title(r)));
            if r.rows.is_empty() {
                out.push_str("(none)\n");
            } else {
                out.push_str(&matrix(r).to_markdown());
            }
            let blockers: Vec<String> = r
                .rows
                .iter()
                .flat_map(|row| {
                    row.blocker_items.iter().map(move |b| {
                        format!(
                            "- {}: [#{} {}]({}) ({})",
                            md(&row.repo),
                            b.number,
                            md_cell(&b.title),
                            md_url(&b.url),
                            md_cell(&b.why)
                        )
                    })
                })
                .collect();
            if !blockers.is_empty() {
                out.push_str("\n## Blockers\n\n");
                out.push_str(&blockers.join("\n"));
                out.push('\n');
            }
            out.push_str("\n## Verdict\n\n");
            out.push_str(&verdict_lines(r, "- ", md));
            if !r.info.is_empty() && !all {
                out.push_str(&format!(
                    "\n{} info rows, not covered by the verdict: `--all` lists them.\n",
                    r.info.len()
                ));
            } else if !r.info.is_empty() {
                out.push_str("\n## Info (not covered by the verdict)\n\n");
                out.push_str(&info_table(r).to_markdown());
            }
            out
        }
        _ => {
            let mut out = format!("{}\n\n", title(r));
            // The verdict first: a terminal shows it without scrolling back.
            out.push_str(&verdict_lines(r, "  - ", |s| s.to_string()));
            out.push('\n');
            if r.rows.is_empty() {
                out.push_str("No covered components.\n");
            } else {
                out.push_str(&matrix(r).to_text());
            }
            for row in &r.rows {
                for b in &row.blocker_items {
                    out.push_str(&format!(
                        "  blocker {}#{}: {} ({}) {}\n",
                        row.repo, b.number, b.title, b.why, b.url
                    ));
                }
            }
            if !r.info.is_empty() && !all {
                out.push_str(&format!(
                    "\n{} info rows, not covered by the verdict: --all lists them.\n",
                    r.info.len()
                ));
            } else if !r.info.is_empty() {
                out.push_str(&format!(
                    "\nInfo, not covered by the verdict ({}):\n",
                    r.info.len()
                ));
                out.push_str(&info_table(r).to_text());
            }
            out
        }
    }
}

/// Lines for stderr: each distinct problem once, then what GitHub cost.
pub fn notes(r: &StatusReport) -> String {
    let mut out = String::new();
    for p in &r.problems {
        out.push_str(&format!("warning: {p}\n"));
    }
    let s = &r.github;
    if !r.offline && s.requests > 0 {
        out.push_str(&format!(
            "GitHub: {} request{} ({} GraphQL, {} REST, {} not modified, {} retr{}, waited {}s)\n",
            s.requests,
            if s.requests == 1 { "" } else { "s" },
            s.graphql_queries,
            s.rest_requests,
            s.not_modified,
            s.retries,
            if s.retries == 1 { "y" } else { "ies" },
            s.waited_secs
        ));
        if let Some(left) = s.rate_remaining {
            out.push_str(&format!("GitHub rate limit: {left} left until the reset\n"));
        }
    }
    out
}
