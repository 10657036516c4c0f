//! Release dates from the OSISM release notes: the table at the top of each
//! `docs/release-notes/osism-<major>.md` of osism/osism.github.io (`| [9.5.0](#950-20251130) |
//! 30. November 2025 |`), read out of git at HEAD (`releases sync --notes`).
//!
//! The table's date is the announced release day; the folder in osism/release is often added
//! days or weeks before (8.1.0: folder 2024-12-06, released 16 January 2025).

use std::collections::BTreeMap;
use std::path::Path;

use jiff::civil::Date;

use super::error::ReleaseError;
use crate::base::version::Version;
use crate::git::objects::{EntryKind, Objects};

/// Where the pages are in osism/osism.github.io.
pub const NOTES_DIR: &str = "docs/release-notes";

/// Release dates by version text (`9.5.0`).
#[derive(Debug, Default)]
pub struct NotesDates {
    pub dates: BTreeMap<String, Date>,
    /// Rows whose date cannot be read, by version: `<page>:<line>:<column>: why`.
    pub unreadable: BTreeMap<String, String>,
}

/// Read every `osism-<major>.md` of the clone or bare mirror at `path`.
pub fn read(path: &Path) -> Result<NotesDates, ReleaseError> {
    let objects = Objects::open(path)?;
    let head = objects.head()?;
    let at = head[..head.len().min(8)].to_string();
    let Some(entries) = objects.folder(&head, NOTES_DIR)? else {
        return Err(ReleaseError::InGit {
            path: path.display().to_string(),
            why: format!(
                "no folder {NOTES_DIR}/ at HEAD ({at}): not a clone of osism/osism.github.io"
            ),
        });
    };
    let mut out = NotesDates::default();
    for e in entries {
        let is_page = e.kind == EntryKind::File
            && e.name
                .strip_prefix("osism-")
                .and_then(|n| n.strip_suffix(".md"))
                .is_some_and(|n| n.parse::<u64>().is_ok());
        if !is_page {
            continue;
        }
        let file = format!("{NOTES_DIR}/{}", e.name);
        let Some(text) = objects.text(&head, &file, &at)? else {
            continue;
        };
        for row in parse(&text) {
            let v = row.version.to_string();
            match row.date {
                Ok(d) => {
                    out.dates.insert(v, d);
                }
                Err(why) => {
                    out.unreadable
                        .insert(v, format!("{file}:{}:{}: {why}", row.line, row.column));
                }
            }
        }
    }
    Ok(out)
}

/// One row of a page's release table.
#[derive(Debug, PartialEq)]
pub struct Row {
    pub version: Version,
    /// The date, or why the cell does not read as one.
    pub date: Result<Date, String>,
    /// Where the date cell starts (1-based).
    pub line: usize,
    pub column: usize,
}

/// The rows of a page's release table: lines `| <version> | <date> |` or `| [<version>](#…) |
/// <date> |` (osism-7 to 9 link the version, osism-10 does not). Other lines, the header
/// among them, are not rows. A date that does not read as `30. November 2025` is kept as the
/// row's error, so one typo upstream (`14.August`, no year) costs that one date only.
pub fn parse(text: &str) -> Vec<Row> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line.trim_start().strip_prefix('|') else {
            continue;
        };
        let mut cells = rest.split('|');
        let (Some(first), Some(second)) = (cells.next(), cells.next()) else {
            continue;
        };
        let name = first.trim();
        let name = match name.strip_prefix('[') {
            Some(linked) => linked.split_once(']').map_or(linked, |(v, _)| v),
            None => name,
        };
        let version = Version::parse(name);
        if version.numeric().is_none() {
            continue;
        }
        let offset = line.len() - rest.len() + first.len() + 1;
        let lead = second.len() - second.trim_start().len();
        let cell = second.trim();
        out.push(Row {
            version,
            date: date(cell)
                .ok_or_else(|| format!("`{cell}` is not a date such as `30. November 2025`")),
            line: n + 1,
            column: offset + lead + 1,
        });
    }
    out
}

/// `30. November 2025` → 2025-11-30.
fn date(s: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let mut it = s.split_whitespace();
    let day: i8 = it.next()?.trim_end_matches('.').parse().ok()?;
    let month = it.next()?.to_ascii_lowercase();
    let month = MONTHS.iter().position(|m| *m == month)? as i8 + 1;
    let year: i16 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Date::new(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_table_styles_and_keeps_a_bad_date_as_its_rows_error() {
        let page = "# OSISM 9\n\n| Release | Release Date |\n|:--|:--|\n\
                    | [9.5.0](#950-20251130) | 30. November 2025  |\n\
                    | 10.2.0  | 14.August      |\n\
                    | 10.1.0  | 16. June 2026  |\n\
                    | next | 1. May 2025 |\n";
        let rows: Vec<String> = parse(page)
            .iter()
            .map(|r| match &r.date {
                Ok(d) => format!("{} {d}", r.version),
                Err(e) => format!("{} {}:{}: {e}", r.version, r.line, r.column),
            })
            .collect();
        assert_eq!(
            rows,
            [
                "9.5.0 2025-11-30",
                "10.2.0 6:13: `14.August` is not a date such as `30. November 2025`",
                "10.1.0 2026-06-16"
            ]
        );
    }
}
