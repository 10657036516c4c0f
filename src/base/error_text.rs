//! An error as one line of text: its message and every `source()` below it, joined by `: `
//! (what `error: …` lines and report cells show).

use std::error::Error;

pub fn chain(e: &dyn Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let part = s.to_string();
        // A message that already ends with its source's text (`…: Permission denied`) is
        // not repeated.
        if !text.ends_with(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// serde_json's message without its trailing " at line L column C": the caller names the
/// place itself (file:line:column).
pub fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, thiserror::Error)]
    #[error("cannot read releases/x.yaml")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn joins_sources() {
        let e = Outer(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "Permission denied",
        ));
        assert_eq!(
            super::chain(&e),
            "cannot read releases/x.yaml: Permission denied"
        );
    }
}
