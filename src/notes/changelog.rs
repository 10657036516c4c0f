//! `--prepend CHANGELOG.md`: insert a new version section in Keep a Changelog form below
//! `## [Unreleased]` (or above the newest version), leaving every other byte as it was.

/// Why a section cannot be inserted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PrependError {
    #[error(
        "already has a section for [{version}] (line {line}); remove it first or choose another --release"
    )]
    Exists { version: String, line: usize },
    #[error("the new section must start with a `## [VERSION]` heading (first line is `{first}`)")]
    NoHeading { first: String },
}

/// The version named by a `## [x]` heading.
fn heading_version(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("## [")?;
    rest.split_once(']').map(|(v, _)| v)
}

/// `existing` with `section` inserted; `section` starts with `## [VERSION] - DATE`.
pub fn prepend(existing: &str, section: &str) -> Result<String, PrependError> {
    let first = section.lines().next().unwrap_or("");
    let version = heading_version(first).ok_or_else(|| PrependError::NoHeading {
        first: first.to_string(),
    })?;
    // Byte offsets of every `## ` heading line.
    let mut offset = 0;
    let mut headings: Vec<(usize, usize, &str)> = Vec::new(); // (offset, line no, text)
    for (i, line) in existing.split_inclusive('\n').enumerate() {
        if line.starts_with("## ") {
            headings.push((offset, i + 1, line.trim_end()));
        }
        offset += line.len();
    }
    if let Some((_, line, _)) = headings
        .iter()
        .find(|(_, _, t)| heading_version(t).is_some_and(|v| v.eq_ignore_ascii_case(version)))
    {
        return Err(PrependError::Exists {
            version: version.to_string(),
            line: *line,
        });
    }
    let unreleased = headings.iter().position(|(_, _, t)| {
        heading_version(t).is_some_and(|v| v.eq_ignore_ascii_case("unreleased"))
    });
    let at = match unreleased {
        Some(i) => headings.get(i + 1).map(|h| h.0),
        None => headings.first().map(|h| h.0),
    };
    let mut body = section.trim_end_matches('\n').to_string();
    body.push_str("\n\n");
    let mut out = String::with_capacity(existing.len() + body.len() + 2);
    match at {
        Some(at) => {
            out.push_str(&existing[..at]);
            out.push_str(&body);
            out.push_str(&existing[at..]);
        }
        None => {
            out.push_str(existing);
            if !existing.is_empty() && !existing.ends_with("\n\n") {
                out.push_str(if existing.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                });
            }
            out.push_str(body.trim_end_matches('\n'));
            out.push('\n');
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = "# Changelog\n\nIntro.\n\n## [Unreleased]\n\n### Added\n- wip\n\n## [6.0.0] - 2023-09-20\n\n### Fixed\n- old  \n";

    #[test]
    fn inserts_below_unreleased_and_keeps_older_sections() {
        let out = prepend(LOG, "## [7.0.0] - 2024-03-20\n\n### Added\n- new\n").unwrap();
        let at = out.find("## [7.0.0]").unwrap();
        assert!(out[..at].ends_with("- wip\n\n"));
        let old = &LOG[LOG.find("## [6.0.0]").unwrap()..];
        assert!(out.ends_with(old));
        assert_eq!(&out[..at], &LOG[..LOG.find("## [6.0.0]").unwrap()]);
    }

    #[test]
    fn without_unreleased_goes_on_top_of_versions() {
        let log = "# Changelog\n\n## [1.0.0]\n- x\n";
        let out = prepend(log, "## [1.1.0]\n- y").unwrap();
        assert_eq!(out, "# Changelog\n\n## [1.1.0]\n- y\n\n## [1.0.0]\n- x\n");
    }

    #[test]
    fn refuses_duplicates() {
        assert_eq!(
            prepend(LOG, "## [6.0.0] - x\n"),
            Err(PrependError::Exists {
                version: "6.0.0".into(),
                line: 10
            })
        );
    }
}
