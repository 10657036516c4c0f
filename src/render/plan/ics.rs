//! `upgrade plan -o ics`: one iCalendar VEVENT (RFC 5545) for the maintenance, from the
//! start to the p90 end, with the affected APIs in its description.

use super::{summary_lines, title};
use crate::plan::report::{Anchor, Report, human};
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

fn utc(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

/// One VEVENT from `start` (the report's `--start`) to the p90 end.
pub fn ics(r: &Report, start: Anchor) -> String {
    let sim = &r.simulation;
    let mut desc = format!(
        "Upgrade {} (site {}). Expected duration {} (p50)\\, at most {} (p90).\n",
        title(r),
        r.site.name,
        human(sim.total_seconds.p50),
        human(sim.total_seconds.p90)
    );
    desc = desc.replace("\\,", ",");
    desc.push_str(&format!("Times below in UTC{}.\n", start.offset_text()));
    for l in summary_lines(r) {
        desc.push_str(&format!("{l}\n"));
    }
    let lines = [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Sovereign Cloud Stack//scs-release//EN".into(),
        "CALSCALE:GREGORIAN".into(),
        "METHOD:PUBLISH".into(),
        "BEGIN:VEVENT".into(),
        format!(
            "UID:{}",
            ics_escape(&format!(
                "upgrade-{}-{}-{}-{}@scs-release",
                r.site.name,
                r.from,
                r.to,
                utc(start.ts)
            ))
        ),
        format!("DTSTAMP:{}", utc(start.ts)),
        format!("DTSTART:{}", utc(start.ts)),
        format!("DTEND:{}", utc(start.at(sim.total_seconds.p90))),
        format!(
            "SUMMARY:{}",
            ics_escape(&format!("Cloud maintenance: {}", title(r)))
        ),
        format!("DESCRIPTION:{}", ics_escape(desc.trim_end())),
        "STATUS:CONFIRMED".into(),
        "TRANSP:OPAQUE".into(),
        "CATEGORIES:MAINTENANCE".into(),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
    ];
    lines.iter().map(|l| ics_fold(l)).collect()
}
