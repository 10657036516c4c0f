//! Bounded readers of the two JSON shapes run data comes in: one array of objects (ARA's
//! `-f json` lists) and JSON lines (journald, `docker events`, the probe log). Both give
//! every entry with its line and column, and fail with the place and never the value.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::error::RecordError;
use crate::base::limits::{RECORD_MAX_ENTRIES, RECORD_MAX_LINE_BYTES};

/// An entry and where it starts (1-based line and column).
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub value: T,
    pub line: usize,
    pub column: usize,
}

/// serde_json's message without values and without its own position.
pub fn message(e: &serde_json::Error) -> String {
    crate::base::yaml::without_values(&crate::base::error_text::json_message(e))
}

/// Line and column of byte `at`, counting on from `(line, column)` at byte `from`.
fn advance(bytes: &[u8], from: usize, at: usize, mut pos: (usize, usize)) -> (usize, usize) {
    for &b in &bytes[from..at] {
        if b == b'\n' {
            pos = (pos.0 + 1, 1);
        } else if b & 0xC0 != 0x80 {
            // Columns count characters, not UTF-8 continuation bytes.
            pos.1 += 1;
        }
    }
    pos
}

fn skip_ws(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Every element of a top-level JSON array as a `T`. `expected` names what an element
/// should be (for messages).
pub fn array<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    expected: &str,
) -> Result<Vec<Located<T>>, RecordError> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut at, mut pos) = (0, (1, 1));
    let goto = |i: usize, at: &mut usize, pos: &mut (usize, usize)| {
        *pos = advance(bytes, *at, i, *pos);
        *at = i;
    };
    let mut i = skip_ws(bytes, 0);
    goto(i, &mut at, &mut pos);
    if bytes.get(i) != Some(&b'[') {
        return Err(RecordError::at(
            file,
            pos.0,
            pos.1,
            format!("expected a JSON array of {expected}"),
        ));
    }
    i = skip_ws(bytes, i + 1);
    goto(i, &mut at, &mut pos);
    if bytes.get(i) == Some(&b']') {
        i += 1;
    } else {
        loop {
            if bytes.get(i).is_none() {
                return Err(RecordError::at(
                    file,
                    pos.0,
                    pos.1,
                    "the array ends early (a truncated export?)",
                ));
            }
            if out.len() == RECORD_MAX_ENTRIES {
                return Err(RecordError::at(
                    file,
                    pos.0,
                    pos.1,
                    format!("more than {RECORD_MAX_ENTRIES} entries in one file; split the export"),
                ));
            }
            let mut stream = serde_json::Deserializer::from_str(&text[i..]).into_iter::<T>();
            let value = match stream.next() {
                Some(Ok(v)) => v,
                Some(Err(e)) => {
                    let (line, column) = if e.line() <= 1 {
                        (pos.0, pos.1 + e.column().saturating_sub(1))
                    } else {
                        (pos.0 + e.line() - 1, e.column())
                    };
                    return Err(RecordError::at(
                        file,
                        line,
                        column,
                        format!("{} (expected {expected})", message(&e)),
                    ));
                }
                None => {
                    return Err(RecordError::at(
                        file,
                        pos.0,
                        pos.1,
                        "the array ends early (a truncated export?)",
                    ));
                }
            };
            out.push(Located {
                value,
                line: pos.0,
                column: pos.1,
            });
            i = skip_ws(bytes, i + stream.byte_offset());
            goto(i, &mut at, &mut pos);
            match bytes.get(i) {
                Some(b',') => {
                    i = skip_ws(bytes, i + 1);
                    goto(i, &mut at, &mut pos);
                }
                Some(b']') => {
                    i += 1;
                    break;
                }
                _ => {
                    return Err(RecordError::at(
                        file,
                        pos.0,
                        pos.1,
                        "expected `,` or `]` after an entry (a truncated export?)",
                    ));
                }
            }
        }
    }
    let end = skip_ws(bytes, i);
    if end < bytes.len() {
        goto(end, &mut at, &mut pos);
        return Err(RecordError::at(
            file,
            pos.0,
            pos.1,
            "text after the JSON array",
        ));
    }
    Ok(out)
}

/// The keys of the first object in `text`: of the array's first element when `text` is a
/// JSON array, else of the first JSON line that is not blank or a `#` comment.
pub fn first_keys(text: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    let t = text.trim_start();
    let start = if let Some(rest) = t.strip_prefix('[') {
        rest.trim_start()
    } else {
        t.lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))?
    };
    let mut stream = serde_json::Deserializer::from_str(start)
        .into_iter::<serde_json::Map<String, serde_json::Value>>();
    stream.next()?.ok()
}

/// Where the first entry of `text` stops being JSON (line, column, message without the
/// input's values), when it looks like JSON at all (starts with `{` or `[`).
pub fn first_entry_error(text: &str) -> Option<(usize, usize, String)> {
    use serde::de::IgnoredAny;
    let message = |e: &serde_json::Error| {
        crate::base::yaml::without_values(&crate::base::error_text::json_message(e))
    };
    if text.trim_start().starts_with('[') {
        let e = serde_json::from_str::<IgnoredAny>(text).err()?;
        return Some((e.line(), e.column(), message(&e)));
    }
    let (i, line) = text.lines().enumerate().find(|(_, l)| {
        let l = l.trim();
        !l.is_empty() && !l.starts_with('#')
    })?;
    if !line.trim_start().starts_with('{') {
        return None;
    }
    let e = serde_json::from_str::<IgnoredAny>(line).err()?;
    Some((i + 1, e.column(), message(&e)))
}

/// Each non-blank line of a JSON-lines text with its 1-based number, bounded in line length
/// and count.
pub fn lines<'a>(
    text: &'a str,
    file: &Path,
    expected: &str,
) -> Result<Vec<(usize, &'a str)>, RecordError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.len() > RECORD_MAX_LINE_BYTES {
            return Err(RecordError::at(
                file,
                i + 1,
                1,
                format!(
                    "the line is longer than {} (expected {expected})",
                    crate::base::limits::human_bytes(RECORD_MAX_LINE_BYTES as u64)
                ),
            ));
        }
        if line.trim().is_empty() {
            continue;
        }
        if out.len() == RECORD_MAX_ENTRIES {
            return Err(RecordError::at(
                file,
                i + 1,
                1,
                format!("more than {RECORD_MAX_ENTRIES} lines in one file; split the export"),
            ));
        }
        out.push((i + 1, line));
    }
    Ok(out)
}

/// One JSON line as a `T`; errors at its line and serde's column.
pub fn line<T: DeserializeOwned>(
    text: &str,
    line: usize,
    file: &Path,
    expected: &str,
) -> Result<T, RecordError> {
    serde_json::from_str(text).map_err(|e| {
        RecordError::at(
            file,
            line,
            e.column(),
            format!("{} (expected {expected})", message(&e)),
        )
    })
}

/// Longer than [`crate::base::limits::RECORD_MAX_NAME_CHARS`], or with control characters.
pub fn bad_name(s: &str) -> Option<String> {
    use crate::base::limits::RECORD_MAX_NAME_CHARS;
    if s.chars().count() > RECORD_MAX_NAME_CHARS {
        Some(format!("is longer than {RECORD_MAX_NAME_CHARS} characters"))
    } else if s.chars().any(char::is_control) {
        Some("holds control characters (line breaks, tabs)".into())
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct X {
        a: u32,
    }

    #[test]
    fn array_entries_have_their_positions_and_errors_too() {
        let text = "[\n  {\"a\": 1},\n  {\"a\": 2}\n]\n";
        let v: Vec<Located<X>> = array(text, Path::new("f.json"), "x").unwrap();
        assert_eq!(
            v.iter()
                .map(|l| (l.value.a, l.line, l.column))
                .collect::<Vec<_>>(),
            [(1, 2, 3), (2, 3, 3)]
        );
        let e = array::<X>(
            "[\n  {\"a\": 1},\n  {\"a\": \"s3cret\"}\n]",
            Path::new("f.json"),
            "x",
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.json:3:"), "{e}");
        assert!(!e.contains("s3cret"), "{e}");
        let e = array::<X>("[{\"a\": 1},", Path::new("f.json"), "x")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "f.json:1:11: the array ends early (a truncated export?)");
        assert!(
            array::<X>("[]", Path::new("f.json"), "x")
                .unwrap()
                .is_empty()
        );
        let e = array::<X>("[] x", Path::new("f.json"), "x")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "f.json:1:4: text after the JSON array");
    }
}
