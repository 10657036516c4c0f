//! docs/notes-coverage.md maps every item of the OSISM 8, 9 and 10 release notes to a check or
//! a reason; this keeps the table complete against the real notes and the catalogue.

use crate::common::{fixtures, repo_root};

/// One row of the coverage table.
struct Row {
    notes: String,
    release: String,
    item: String,
    check: String,
}

fn rows() -> Vec<Row> {
    let doc = std::fs::read_to_string(repo_root().join("docs/notes-coverage.md")).unwrap();
    doc.lines()
        .filter(|l| l.starts_with("| osism-"))
        .map(|l| {
            let c: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
            assert_eq!(c.len(), 4, "a row needs 4 columns: {l}");
            Row {
                notes: c[0].into(),
                release: c[1].into(),
                item: c[2].into(),
                check: c[3].into(),
            }
        })
        .collect()
}

/// (release, heading or bullet text, is a bullet) of one notes file, as the table defines items.
fn items(file: &str, text: &str) -> Vec<(String, String, bool)> {
    let mut out = Vec::new();
    let mut release: Option<String> = None;
    let mut under_notes = false;
    let mut bullet: Option<String> = None;
    let flush =
        |b: &mut Option<String>, out: &mut Vec<(String, String, bool)>, r: &Option<String>| {
            if let (Some(t), Some(r)) = (b.take(), r) {
                out.push((r.clone(), t, true));
            }
        };
    for line in text.lines() {
        if let Some(h) = line.strip_prefix("#") {
            flush(&mut bullet, &mut out, &release);
            let level = 1 + h.chars().take_while(|c| *c == '#').count();
            let title = h.trim_start_matches('#').trim().to_string();
            if level == 1 {
                continue;
            }
            if level == 2 {
                let first = title.split_whitespace().next().unwrap_or("");
                if first.starts_with(|c: char| c.is_ascii_digit()) {
                    release = Some(first.to_string());
                    under_notes = false;
                    continue;
                }
                if title == "Next" {
                    release = None;
                    continue;
                }
                // OSISM 10.0.0 has no heading of its own; OSISM 9.0.0's items are `##`.
                if file == "osism-10.md" {
                    release = Some("10.0.0".into());
                }
            }
            under_notes = title == "Upgrade notes" || title == "Known issues";
            if let Some(r) = &release {
                out.push((r.clone(), title, false));
            }
        } else if under_notes && line.starts_with("* ") {
            flush(&mut bullet, &mut out, &release);
            bullet = Some(line[2..].to_string());
        } else if let Some(b) = bullet.as_mut() {
            if line.starts_with("  ") && !line.trim().is_empty() {
                b.push(' ');
                b.push_str(line.trim());
            } else if !line.trim().is_empty() {
                flush(&mut bullet, &mut out, &release);
            }
        }
    }
    flush(&mut bullet, &mut out, &release);
    out
}

#[test]
fn notes_coverage_maps_every_item_of_osism_8_9_10() {
    let Some(fx) = fixtures() else {
        return;
    };
    let rows = rows();
    let mut catalogue = String::new();
    for f in std::fs::read_dir(repo_root().join("releases/checks")).unwrap() {
        catalogue.push_str(&std::fs::read_to_string(f.unwrap().path()).unwrap());
    }
    let check = |id: &str| -> Option<String> {
        catalogue
            .split("  - id: ")
            .find(|c| c.starts_with(&format!("{id}\n")))
            .map(str::to_string)
    };
    let mut used = vec![false; rows.len()];
    let mut counts = Vec::new();
    let mut texts = std::collections::HashMap::new();
    for file in ["osism-8.md", "osism-9.md", "osism-10.md"] {
        let text = std::fs::read_to_string(
            fx.join("release-notes/osism-docs/release-notes-HEAD")
                .join(file),
        )
        .unwrap();
        texts.insert(file.to_string(), text.clone());
        let mut covered = 0;
        let mut reasons = 0;
        for (release, item, is_bullet) in items(file, &text) {
            let found = rows.iter().position(|r| {
                r.notes == file
                    && r.release == release
                    && if is_bullet {
                        item.contains(r.item.trim_matches('`'))
                    } else {
                        r.item == item
                    }
            });
            let Some(i) = found else {
                panic!("{file} {release}: item `{item}` has no row in docs/notes-coverage.md");
            };
            used[i] = true;
            if rows[i].check.starts_with('–') {
                reasons += 1;
            } else {
                covered += 1;
            }
        }
        counts.push(format!(
            "{file}: {covered} checked, {reasons} with a reason"
        ));
    }
    for (r, u) in rows.iter().zip(&used) {
        if r.check.starts_with('–') {
            assert!(
                r.check.trim_start_matches('–').trim().len() > 10,
                "{} {} `{}`: the reason is missing",
                r.notes,
                r.release,
                r.item
            );
        } else {
            for id in r.check.split(", ") {
                let c = check(id)
                    .unwrap_or_else(|| panic!("{}: {id} is not in releases/checks/", r.item));
                assert!(
                    c.contains(&r.notes),
                    "{id} does not cite {} (the notes of `{}`)",
                    r.notes,
                    r.item
                );
            }
        }
        // A row for a bullet outside "Upgrade notes" is an extra mapping: its text must still
        // be in the notes.
        let text = &texts[&r.notes];
        assert!(
            *u || text.contains(r.item.trim_matches('`')),
            "row `{}` ({} {}) names nothing in the notes",
            r.item,
            r.notes,
            r.release
        );
    }
    eprintln!("{}", counts.join("; "));
}
