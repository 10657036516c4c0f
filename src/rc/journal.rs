//! The journal of an `rc cut --tag` / `rc promote --tag` run (`releases/.journal/<next>.jsonl`):
//! one JSON object per line, appended and fsynced before and after every step, so a run that
//! stops at any point can be started again and finishes without duplicate or missing tags.
//!
//! A line cut short by a crash (the last line, without its newline) is dropped on load; any
//! other line that does not parse is an error naming the file and line.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::RcError;

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Entry {
    /// The run and its arguments.
    Begin {
        command: String,
        next: String,
        from: String,
        at: String,
    },
    /// A tag the run will create, with the commit chosen at planning time.
    Planned {
        repo: String,
        tag: String,
        commit: String,
        pin: String,
    },
    /// A release file or folder written.
    Written { path: String },
    /// About to create a tag.
    Tagging {
        repo: String,
        tag: String,
        commit: String,
    },
    /// The tag exists on the planned commit (`existed`: it was already there).
    Tagged {
        repo: String,
        tag: String,
        commit: String,
        existed: bool,
    },
    /// Every step is done.
    Complete { at: String },
}

/// A journal file and the entries read from it.
#[derive(Debug)]
pub struct Journal {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
    /// A torn last line was dropped on load.
    pub repaired: bool,
}

/// The journal of release `next` under a data root: `<root>/releases/.journal/<next>.jsonl`.
pub fn path_for(root: &Path, next: &str) -> PathBuf {
    root.join("releases/.journal").join(format!("{next}.jsonl"))
}

impl Journal {
    /// Load a journal; a missing file is an empty journal.
    pub fn open(path: &Path) -> Result<Journal, RcError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Journal {
                    path: path.to_path_buf(),
                    entries: Vec::new(),
                    repaired: false,
                });
            }
            Err(source) => {
                return Err(RcError::Io {
                    path: path.to_path_buf(),
                    what: "read the journal",
                    source,
                });
            }
        };
        let mut entries = Vec::new();
        let mut repaired = false;
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for (i, line) in lines.iter().enumerate() {
            let torn = i + 1 == lines.len() && !line.ends_with('\n');
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line.trim_end()) {
                Ok(e) => entries.push(e),
                Err(_) if torn => repaired = true,
                Err(e) => {
                    return Err(RcError::Journal {
                        path: path.to_path_buf(),
                        line: i + 1,
                        message: describe(line.trim_end(), &e),
                    });
                }
            }
        }
        let mut j = Journal {
            path: path.to_path_buf(),
            entries,
            repaired,
        };
        if repaired {
            j.rewrite()?;
        }
        Ok(j)
    }

    /// Rewrite the whole file from the entries (used to drop a torn last line).
    fn rewrite(&mut self) -> Result<(), RcError> {
        let mut text = String::new();
        for e in &self.entries {
            text.push_str(&line(e));
        }
        crate::fsutil::write_data_file(
            &self.path,
            text.as_bytes(),
            crate::fsutil::Overwrite::Replace,
        )
        .map(drop)
        .map_err(|source| RcError::Io {
            path: self.path.clone(),
            what: "rewrite the journal",
            source,
        })
    }

    /// Append one entry and fsync it before returning.
    pub fn append(&mut self, entry: Entry) -> Result<(), RcError> {
        let io = |what: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| RcError::Io { path, what, source }
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let new = !self.path.exists();
        std::fs::create_dir_all(dir).map_err(io("create the journal directory", dir))?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io("open the journal", &self.path))?;
        f.write_all(line(&entry).as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(io("append to the journal", &self.path))?;
        if new && let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        self.entries.push(entry);
        Ok(())
    }

    pub fn begin(&self) -> Option<(&str, &str, &str)> {
        self.entries.iter().find_map(|e| match e {
            Entry::Begin {
                command,
                next,
                from,
                ..
            } => Some((command.as_str(), next.as_str(), from.as_str())),
            _ => None,
        })
    }

    /// Planned tags in order: (repo, tag, commit, pin).
    pub fn planned(&self) -> Vec<(&str, &str, &str, &str)> {
        self.entries
            .iter()
            .filter_map(|e| match e {
                Entry::Planned {
                    repo,
                    tag,
                    commit,
                    pin,
                } => Some((repo.as_str(), tag.as_str(), commit.as_str(), pin.as_str())),
                _ => None,
            })
            .collect()
    }

    pub fn has_plan(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, Entry::Planned { .. }))
            || self
                .entries
                .iter()
                .any(|e| matches!(e, Entry::Written { .. }))
    }

    pub fn is_tagged(&self, repo: &str, tag: &str) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, Entry::Tagged { repo: r, tag: t, .. } if r == repo && t == tag))
    }

    pub fn was_written(&self, path: &str) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, Entry::Written { path: p } if p == path))
    }

    pub fn is_complete(&self) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, Entry::Complete { .. }))
    }
}

fn line(e: &Entry) -> String {
    let mut s = serde_json::to_string(e).unwrap_or_default();
    s.push('\n');
    s
}

/// Where and what: `column 7: expected value`, or for a well-formed line with a wrong
/// shape, `` `tagged` entry: missing field `tag` ``.
fn describe(line: &str, e: &serde_json::Error) -> String {
    if e.column() > 0 && e.is_syntax() || e.is_eof() {
        return format!("column {}: {}", e.column(), strip_position(e));
    }
    let event = serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_string));
    match event {
        Some(ev) => format!("`{ev}` entry: {}", strip_position(e)),
        None => strip_position(e),
    }
}

/// serde_json's message without its trailing "at line X column Y".
fn strip_position(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

pub fn now() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appends_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_for(dir.path(), "7.0.0c");
        let mut j = Journal::open(&p).unwrap();
        j.append(Entry::Written { path: "x".into() }).unwrap();
        j.append(Entry::Complete { at: "t".into() }).unwrap();
        let back = Journal::open(&p).unwrap();
        assert_eq!(back.entries, j.entries);
        assert!(back.is_complete() && back.was_written("x"));
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_a_bad_middle_line_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        std::fs::write(
            &p,
            "{\"event\":\"written\",\"path\":\"a\"}\n{\"event\":\"writ",
        )
        .unwrap();
        let j = Journal::open(&p).unwrap();
        assert!(j.repaired);
        assert_eq!(j.entries.len(), 1);
        assert_eq!(
            std::fs::read_to_string(&p).unwrap(),
            "{\"event\":\"written\",\"path\":\"a\"}\n"
        );

        std::fs::write(&p, "{\"event\":\"written\",\"path\":\"a\"}\nnot json\n{\"event\":\"complete\",\"at\":\"t\"}\n").unwrap();
        let err = Journal::open(&p).unwrap_err().to_string();
        assert!(
            err.contains("j.jsonl:2: invalid journal entry: column 2: expected ident"),
            "{err}"
        );
    }
}
