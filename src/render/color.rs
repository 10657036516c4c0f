//! Colour for the verdicts of a table (`--color`): block and fail red, warn, unknown and
//! manual yellow, pass and ready green. Applied to the finished text, only to the whole
//! upper-case verdict words the table renderers write (`FAIL`, `BLOCKING (2)`, `Verdict:
//! READY`, `✗ missing`), so a table without colour is byte for byte what it was.

use std::sync::LazyLock;

use regex::Regex;

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const GREEN: &str = "\x1b[32m";
const BOLD_RED: &str = "\x1b[1;31m";
const BOLD_GREEN: &str = "\x1b[1;32m";
const BOLD_YELLOW: &str = "\x1b[1;33m";
const RESET: &str = "\x1b[0m";

static WORDS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(BLOCKING|BLOCKED|FAIL|FAILED|WARNINGS|WARN|UNKNOWN|MANUAL|PASSED|PASS|READY)\b|✗",
    )
    .expect("a valid pattern")
});

fn style(word: &str) -> &'static str {
    match word {
        "BLOCKING" | "BLOCKED" => BOLD_RED,
        "FAIL" | "FAILED" | "✗" => RED,
        "WARNINGS" => BOLD_YELLOW,
        "WARN" | "UNKNOWN" | "MANUAL" => YELLOW,
        "READY" => BOLD_GREEN,
        _ => GREEN,
    }
}

/// `text` with its verdict words coloured.
pub fn verdicts(text: &str) -> String {
    WORDS
        .replace_all(text, |c: &regex::Captures| {
            let w = &c[0];
            format!("{}{w}{RESET}", style(w))
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_words_are_coloured_and_other_text_is_not() {
        let t = "BLOCKING (1)\n  FAIL     CEPH-KEYDIR-01  x\nPASSED (3)\nVerdict: READY\nFAILURES failing ✗ missing\n";
        assert_eq!(
            verdicts(t),
            "\x1b[1;31mBLOCKING\x1b[0m (1)\n  \x1b[31mFAIL\x1b[0m     CEPH-KEYDIR-01  x\n\
             \x1b[32mPASSED\x1b[0m (3)\nVerdict: \x1b[1;32mREADY\x1b[0m\nFAILURES failing \x1b[31m✗\x1b[0m missing\n"
        );
        assert_eq!(verdicts("no verdicts here"), "no verdicts here");
    }
}
