//! `upgrade plan -o ics`: one iCalendar VEVENT (RFC 5545) for the announced maintenance
//! window, with the affected services in its description. The UID is stable per site and
//! upgrade (not derived from the start), so a rescheduled window replaces the old entry in
//! the customers' calendars; SEQUENCE counts the reschedules ([`sequence`]).

use jiff::Timestamp;

use super::{customer_title, summary_lines, window_text};
use crate::plan::report::{Anchor, Report};
use crate::render::escape::ics as ics_escape;

/// Fold content lines at 75 octets (RFC 5545 §3.1), CRLF line ends.
fn ics_fold(line: &str) -> String {
    let mut out = String::new();
    let mut len = 0;
    for ch in line.chars() {
        let w = ch.len_utf8();
        if len + w > 75 {
            out.push_str("\r\n ");
            len = 1;
        }
        out.push(ch);
        len += w;
    }
    out.push_str("\r\n");
    out
}

fn utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// The event's UID: site and upgrade, never the time.
fn uid(r: &Report) -> String {
    let slug: String = r
        .site
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("upgrade-{slug}-{}-{}@scs-release", r.from, r.to)
}

/// What the calendar entry needs besides the report.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    /// DTSTAMP: when this entry was made.
    pub stamp: Timestamp,
    /// SEQUENCE: 0, one more per reschedule.
    pub sequence: u32,
}

/// The SEQUENCE for `r` given the calendar file written before (`-O` of an earlier run):
/// the old one when it is the same event at the same time, one more when the same event
/// moved, 0 when it is another event or not an iCalendar file.
pub fn sequence(previous: &str, r: &Report, start: &Anchor) -> u32 {
    // Unfold (RFC 5545 §3.1) and read the first VEVENT's properties.
    let unfolded = previous.replace("\r\n ", "").replace("\n ", "");
    let prop = |name: &str| {
        unfolded
            .lines()
            .map(|l| l.trim_end_matches('\r'))
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(':').map(str::to_string))
    };
    if prop("UID").as_deref() != Some(ics_escape(&uid(r)).as_str()) {
        return 0;
    }
    let old: u32 = prop("SEQUENCE").and_then(|s| s.parse().ok()).unwrap_or(0);
    let same = prop("DTSTART").as_deref() == Some(utc(start.ts).as_str())
        && prop("DTEND").as_deref() == Some(utc(start.at(r.announced_seconds())).as_str());
    if same { old } else { old.saturating_add(1) }
}

/// One VEVENT over the announced window from `start` (the report's `--start`).
pub fn ics(r: &Report, start: &Anchor, entry: Entry) -> String {
    let provider = r.site.provider.as_ref();
    let mut desc = format!("Maintenance window: {}.\n", window_text(r));
    desc.push_str(&format!(
        "{} the cloud platform. Running virtual machines, volumes and networks stay in place. Briefly unavailable or slower during the window:\n",
        provider.map_or("We upgrade".to_string(), |p| format!("{} upgrades", p.name))
    ));
    for l in summary_lines(r) {
        desc.push_str(&format!("- {l}\n"));
    }
    if let Some(c) = provider.and_then(|p| p.contact.as_deref()) {
        desc.push_str(&format!("Questions: {c}\n"));
    }
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Sovereign Cloud Stack//scs-release//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", ics_escape(&uid(r))),
        format!("SEQUENCE:{}", entry.sequence),
        format!("DTSTAMP:{}", utc(entry.stamp)),
        format!("DTSTART:{}", utc(start.ts)),
        format!("DTEND:{}", utc(start.at(r.announced_seconds()))),
        format!(
            "SUMMARY:{}",
            ics_escape(&format!("Planned maintenance: {}", customer_title(r)))
        ),
        format!("DESCRIPTION:{}", ics_escape(desc.trim_end())),
    ];
    if let Some(p) = provider {
        match p.contact.as_deref() {
            Some(c) if c.contains('@') && !c.contains("://") => {
                // A parameter value may not hold DQUOTE; quoted, it may hold `:;,`.
                let cn: String = p
                    .name
                    .chars()
                    .filter(|c| *c != '"' && !c.is_control())
                    .collect();
                lines.push(format!(
                    "ORGANIZER;CN=\"{cn}\":mailto:{}",
                    c.chars()
                        .filter(|c| c.is_ascii_alphanumeric() || "._%+-@".contains(*c))
                        .collect::<String>()
                ));
            }
            Some(c) if c.starts_with("https://") || c.starts_with("http://") => {
                lines.push(format!("URL:{}", ics_escape(c)));
            }
            _ => {}
        }
    }
    lines.extend([
        "STATUS:CONFIRMED".into(),
        "TRANSP:OPAQUE".into(),
        "CATEGORIES:MAINTENANCE".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ]);
    lines.iter().map(|l| ics_fold(l)).collect()
}
