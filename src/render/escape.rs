//! Escaping of untrusted text (names, titles, labels and messages from GitHub, git, the
//! configuration repository or the command line), one function per output language. Every
//! renderer puts such text through these and nothing else.

/// Text for a Markdown document, safe wherever it lands: in a paragraph, a list item, a table
/// cell, link text, or at the start of a line. It stays readable — inline code and emphasis
/// still work — but cannot change the document's structure:
/// - line breaks (and other control characters) become spaces, so a title cannot start a
///   heading, list item or table row of its own;
/// - `\`, `[`, `]`, `|` and a `<` that could open a tag are backslash-escaped (no links,
///   images, HTML or new table cells), also `|` inside code spans (GitHub tables split on it
///   there too), and backticks that open no code span;
/// - a leading block marker (`#`, `>`, `-`, `+`, `*`, `=`, `_`, `~~~`, `1.`) is escaped.
pub fn markdown(s: &str) -> String {
    if is_plain(s) {
        return s.to_string();
    }
    let flat = one_line(s);
    let text = flat.trim_start();
    let mut out = String::with_capacity(text.len() + 8);
    let marker = escape_leading_marker(text, &mut out);
    escape_inline(&text[marker..], &mut out);
    out
}

/// [`markdown`] for a table cell or link text, which never starts a line: the same escapes
/// without the one for a leading block marker (a `-` cell stays `-`).
pub fn markdown_cell(s: &str) -> String {
    let flat = one_line(s);
    let mut out = String::with_capacity(flat.len() + 8);
    escape_inline(flat.trim(), &mut out);
    out
}

/// Code for Markdown: an inline code span with a fence longer than any backtick run inside,
/// so the text cannot close it (`` `a`b` `` → ``` ``a`b`` ```).
pub fn markdown_code(s: &str) -> String {
    let flat = one_line(s).replace('|', "\\|");
    let longest = longest_run(&flat, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// A fenced code block (```` ``` ```` or longer) holding `s` verbatim, so no line of `s` can
/// close it early.
pub fn markdown_fenced(s: &str) -> String {
    let fence = "`".repeat(longest_run(s, '`').max(2) + 1);
    format!("{fence}\n{s}\n{fence}\n")
}

/// A link destination: characters that would end it (space, `(`, `)`, `<`, `>`) and control
/// characters percent-encoded.
pub fn markdown_url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            ' ' | '(' | ')' | '<' | '>' | '\\' | '"' => out.push_str(&format!("%{:02X}", c as u32)),
            c if c.is_control() => {
                let mut b = [0u8; 4];
                for byte in c.encode_utf8(&mut b).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// Text for HTML content and double- or single-quoted attribute values.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Text for XML (JUnit) content and attribute values; characters XML 1.0 cannot hold are
/// dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// An iCalendar TEXT value (RFC 5545 §3.3.11): `\`, `;`, `,` escaped, line breaks as `\n`,
/// other control characters dropped, so a value cannot start a property line of its own.
pub fn ics(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Nothing to escape: no special character anywhere, and a letter or digit first (most
/// titles, names and versions).
fn is_plain(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_alphabetic())
        && !s.chars().any(|c| {
            matches!(
                c,
                '\\' | '[' | ']' | '<' | '|' | '`' | '\u{2028}' | '\u{2029}'
            ) || c.is_control()
        })
}

/// Control characters (line breaks, tabs, …) and Unicode line separators as single spaces.
fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last_space = false;
    for c in s.chars() {
        let breaks = c.is_control() || c == '\u{2028}' || c == '\u{2029}';
        if breaks {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = c == ' ';
        }
    }
    out
}

fn longest_run(s: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if c == ch {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Write the escaped block marker that starts `text`, if any; returns its length in `text`.
fn escape_leading_marker(text: &str, out: &mut String) -> usize {
    let bytes = text.as_bytes();
    let Some(&first) = bytes.first() else {
        return 0;
    };
    let next = bytes.get(1).copied();
    let ends_marker = |b: Option<u8>| b.is_none_or(|b| b == b' ' || b == b'\t');
    let marker = match first {
        b'#' | b'>' => true,
        // A list item (`- x`), or a line of only `-`/`=`/`*`/`_` (setext underline or
        // thematic break); `**bold**` and `-1` are left alone.
        b'-' | b'+' | b'*' | b'=' | b'_' => {
            ends_marker(next)
                || text
                    .trim_end()
                    .bytes()
                    .all(|b| b == first || b == b' ' || b == b'\t')
        }
        b'~' => text.starts_with("~~~"),
        _ => false,
    };
    if marker {
        out.push('\\');
        out.push(first as char);
        return 1;
    }
    // An ordered list item: up to nine digits, then `.` or `)`, then a space or the end.
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=9).contains(&digits)
        && matches!(bytes.get(digits), Some(b'.' | b')'))
        && ends_marker(bytes.get(digits + 1).copied())
    {
        out.push_str(&text[..digits]);
        out.push('\\');
        out.push(bytes[digits] as char);
        return digits + 1;
    }
    0
}

/// Escape outside code spans; inside a matched code span only `|`.
fn escape_inline(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            let run = chars[i..].iter().take_while(|&&c| c == '`').count();
            match closing_run(&chars, i + run, run) {
                Some(close) => {
                    for &c in &chars[i..close + run] {
                        if c == '|' {
                            out.push('\\');
                        }
                        out.push(c);
                    }
                    i = close + run;
                }
                None => {
                    for _ in 0..run {
                        out.push_str("\\`");
                    }
                    i += run;
                }
            }
            continue;
        }
        // `<` only where it could open HTML or an autolink (`<b`, `</`, `<!--`, `<?`);
        // `>=9,<10` stays as it is.
        let opens_html = c == '<'
            && chars
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        if matches!(c, '\\' | '[' | ']' | '|') || opens_html {
            out.push('\\');
        }
        out.push(c);
        i += 1;
    }
}

/// The start of the next run of exactly `len` backticks at or after `from`.
fn closing_run(chars: &[char], from: usize, len: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let run = chars[j..].iter().take_while(|&&c| c == '`').count();
            if run == len {
                return Some(j);
            }
            j += run;
        } else {
            j += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_keeps_titles_readable_and_structure_intact() {
        let cases = [
            (
                "fix: handle `a|b` and *emphasis*",
                "fix: handle `a\\|b` and *emphasis*",
            ),
            ("Bump x\n# Injected heading", "Bump x # Injected heading"),
            ("# heading", "\\# heading"),
            ("- item", "\\- item"),
            ("1. first", "1\\. first"),
            ("1.2.3", "1.2.3"),
            ("---", "\\---"),
            ("-", "\\-"),
            ("-1", "-1"),
            ("**bold** start", "**bold** start"),
            ("== =", "\\== ="),
            ("> quote", "\\> quote"),
            ("a -> b", "a -> b"),
            ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
            ("![img](http://t/p.png)", "!\\[img\\](http://t/p.png)"),
            ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
            ("<!-- hide the rest", "\\<!-- hide the rest"),
            ("a | b", "a \\| b"),
            (">=9.0.0,<10.0.0", "\\>=9.0.0,<10.0.0"),
            ("unclosed `code", "unclosed \\`code"),
            ("back\\slash", "back\\\\slash"),
            ("   indented code", "indented code"),
            ("~~~ fence", "\\~~~ fence"),
            ("line\r\n\r\nbreaks\u{2028}too", "line breaks too"),
            ("ünïcödé → ok", "ünïcödé → ok"),
        ];
        for (raw, want) in cases {
            assert_eq!(markdown(raw), want, "{raw:?}");
        }
        assert_eq!(markdown_cell("-"), "-");
        assert_eq!(markdown_cell("a|b\nc"), "a\\|b c");
    }

    #[test]
    fn code_spans_and_fences_cannot_be_closed_from_inside() {
        assert_eq!(markdown_code("a"), "`a`");
        assert_eq!(markdown_code("a`b"), "``a`b``");
        assert_eq!(markdown_code("`x"), "`` `x ``");
        assert_eq!(
            markdown_fenced("echo\n```\nrm"),
            "````\necho\n```\nrm\n````\n"
        );
        assert_eq!(markdown_url("https://x/a b(c)"), "https://x/a%20b%28c%29");
    }

    #[test]
    fn html_xml_and_ics() {
        assert_eq!(
            html("<a href=\"x\" onclick='y'>&</a>"),
            "&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
        assert_eq!(xml("a\u{1}b<\"'"), "ab&lt;&quot;&apos;");
        assert_eq!(
            ics("site\r\nATTENDEE:x;y,z\\"),
            "site\\nATTENDEE:x\\;y\\,z\\\\"
        );
    }
}
