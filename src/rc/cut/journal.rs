//! The journal of an `rc cut --tag` / `rc promote --tag` run (`releases/.journal/<next>.jsonl`):
//! one JSON object per line, so a run that stops at any point (an error, Ctrl-C, SIGKILL, a
//! power cut) can be started again and finishes without duplicate or missing tags.
//!
//! # The plan is written in one piece
//!
//! The `begin` entry and every `planned` tag are written in ONE atomic file write (temp file,
//! fsync, rename, fsync of the directory) before the run has any side effect; `begin` carries
//! the number of planned tags (`tags`). After that every step is appended and fsynced
//! (`written`, `tagging`, `tagged`, `complete`). So the journal is either absent, or holds
//! the whole plan.
//!
//! A journal whose plan is *incomplete* — `begin` without a tag count (written by an older
//! scs-release, which appended the plan line by line and could be killed half-way), a count
//! that does not match the `planned` lines, or `planned` lines without a `begin` (hand-edited)
//! — is never treated as a complete plan ([`Journal::plan_state`]):
//!
//! - if it records no step after the plan (no `written`, `tagging`, `tagged`, `complete`),
//!   nothing was done yet, so the run simply plans again and replaces the journal;
//! - otherwise steps were taken on a plan that cannot be trusted to be whole, and the run
//!   stops with an error naming the file: check the tags and files it lists, remove it, and
//!   run again (the new plan keeps the tags that exist and plans the missing ones).
//!
//! A rerun re-verifies every planned tag through the tag source before it writes `complete`
//! (also when the journal is complete already), see `crate::rc::cut::execute`.
//!
//! A line cut short by a crash (the last line, without its newline) is dropped on load; any
//! other line that does not parse is an error naming the file and line.
//!
//! # Test-only crash hook
//!
//! When the environment variable `SCS_RELEASE_TEST_CRASH_AFTER_JOURNAL_WRITES=N` is set, the
//! process calls `std::process::abort()` right after its N-th journal write (the atomic plan
//! write counts as one, every append as one, the rewrite that drops a torn line as one). It
//! exists only so the tests can kill a real run at every step; never set it otherwise.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::{Deserialize, Serialize};

use crate::rc::error::RcError;

/// One journal line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Entry {
    /// The run and its arguments, and how many `planned` entries the plan has (`None` in
    /// journals of older versions, which wrote the plan line by line).
    Begin {
        command: String,
        next: String,
        from: String,
        at: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tags: Option<usize>,
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
    /// The line of each entry in the file (1-based), for error messages.
    lines: Vec<usize>,
    /// Lines in the file.
    file_lines: usize,
    /// The last line had no newline: it was dropped (torn by a crash) or, when it parsed,
    /// kept, and the file rewritten on load.
    pub repaired: bool,
}

/// Whether a journal holds a whole plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanState {
    /// No entries: nothing was planned or done.
    Empty,
    /// `begin` with a tag count that matches the `planned` entries.
    Complete,
    /// The plan cannot be trusted to be whole; `line` is the `begin` line (or 1).
    Incomplete { line: usize, why: String },
}

/// The environment variable of the test-only crash hook (see the module doc).
pub const CRASH_AFTER_WRITES_ENV: &str = "SCS_RELEASE_TEST_CRASH_AFTER_JOURNAL_WRITES";

/// Journal writes of this process, for the crash hook.
static WRITES: AtomicUsize = AtomicUsize::new(0);

/// Count a journal write; abort when the test-only hook asks for a crash right here.
fn wrote() {
    let n = WRITES.fetch_add(1, Ordering::SeqCst) + 1;
    let crash_at = std::env::var(CRASH_AFTER_WRITES_ENV)
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok());
    if crash_at == Some(n) {
        std::process::abort();
    }
}

/// fsync a directory so a rename or a new file in it survives a power cut (best effort:
/// not every platform can open a directory).
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The journal of release `next` under a data root: `<root>/releases/.journal/<next>.jsonl`.
pub fn path_for(root: &Path, next: &str) -> PathBuf {
    root.join("releases/.journal").join(format!("{next}.jsonl"))
}

impl Journal {
    /// Load a journal; a missing file is an empty journal. A torn last line is dropped (and
    /// the file rewritten without it).
    pub fn open(path: &Path) -> Result<Journal, RcError> {
        let bytes = match std::fs::read(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Journal {
                    path: path.to_path_buf(),
                    entries: Vec::new(),
                    lines: Vec::new(),
                    file_lines: 0,
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
        let mut numbers = Vec::new();
        // A last line without its newline is rewritten (dropped if it does not parse), so the
        // next append starts on a line of its own.
        let repaired = !bytes.is_empty() && !bytes.ends_with(b"\n");
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        for (i, raw) in lines.iter().enumerate() {
            let torn = i + 1 == lines.len() && !raw.ends_with(b"\n");
            let err = |message: String| RcError::Journal {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            let line = match std::str::from_utf8(raw) {
                Ok(l) => l.trim_end(),
                Err(_) if torn => continue,
                Err(e) => return Err(err(format!("not UTF-8 text: {e}"))),
            };
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Entry>(line) {
                Ok(e) => {
                    entries.push(e);
                    numbers.push(i + 1);
                }
                Err(_) if torn => {}
                Err(e) => return Err(err(describe(line, &e))),
            }
        }
        let mut j = Journal {
            path: path.to_path_buf(),
            entries,
            lines: numbers,
            file_lines: lines.len(),
            repaired,
        };
        if repaired {
            j.rewrite()?;
        }
        Ok(j)
    }

    /// Rewrite the whole file from the entries in one atomic write (used to drop a torn
    /// last line, and to write a plan).
    fn rewrite(&mut self) -> Result<(), RcError> {
        let mut text = String::new();
        for e in &self.entries {
            text.push_str(&line(e));
        }
        crate::base::fsutil::write_data_file(
            &self.path,
            text.as_bytes(),
            crate::base::fsutil::Overwrite::Replace,
        )
        .map(drop)
        .map_err(|source| RcError::Io {
            path: self.path.clone(),
            what: "write the journal",
            source,
        })?;
        // the rename, and the journal directory if this write created it
        let dir = self.path.parent().unwrap_or(Path::new("."));
        sync_dir(dir);
        if let Some(up) = dir.parent() {
            sync_dir(up);
        }
        self.lines = (1..=self.entries.len()).collect();
        self.file_lines = self.entries.len();
        wrote();
        Ok(())
    }

    /// Replace the journal with a new plan — `begin` and every `planned` entry — in one
    /// atomic write, so no crash can leave part of a plan behind. `begin.tags` must be the
    /// number of `planned` entries (set here).
    pub fn write_plan(&mut self, mut begin: Entry, planned: Vec<Entry>) -> Result<(), RcError> {
        if let Entry::Begin { tags, .. } = &mut begin {
            *tags = Some(planned.len());
        }
        self.entries = std::iter::once(begin).chain(planned).collect();
        self.repaired = false;
        self.rewrite()
    }

    /// Append one entry and fsync it before returning.
    pub fn append(&mut self, entry: Entry) -> Result<(), RcError> {
        let io = |what: &'static str, path: &Path| {
            let path = path.to_path_buf();
            move |source| RcError::Io { path, what, source }
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let new = !self.path.exists();
        // Never append through a link or into a special file.
        let name = self
            .path
            .file_name()
            .map(Path::new)
            .unwrap_or(Path::new(""));
        crate::base::fsutil::checked_path(dir, name, true)
            .map_err(io("append to the journal", &self.path))?;
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(io("open the journal", &self.path))?;
        f.write_all(line(&entry).as_bytes())
            .and_then(|_| f.sync_data())
            .map_err(io("append to the journal", &self.path))?;
        if new {
            sync_dir(dir);
        }
        self.entries.push(entry);
        self.file_lines += 1;
        self.lines.push(self.file_lines);
        wrote();
        Ok(())
    }

    /// Whether the journal holds a whole plan (see the module doc).
    pub fn plan_state(&self) -> PlanState {
        if self.entries.is_empty() {
            return PlanState::Empty;
        }
        let begins: Vec<(usize, Option<usize>)> = self
            .entries
            .iter()
            .zip(&self.lines)
            .filter_map(|(e, l)| match e {
                Entry::Begin { tags, .. } => Some((*l, *tags)),
                _ => None,
            })
            .collect();
        let planned = self.planned().len();
        let incomplete = |line: usize, why: String| PlanState::Incomplete { line, why };
        match begins.as_slice() {
            [] => incomplete(1, "no `begin` entry".into()),
            [(line, None)] => incomplete(
                *line,
                format!(
                    "`begin` has no tag count (written by an older scs-release, which could be \
                     stopped half-way through the plan), so its {planned} `planned` line(s) may \
                     be only part of the plan"
                ),
            ),
            [(line, Some(n))] if *n != planned => incomplete(
                *line,
                format!(
                    "`begin` announces {n} planned tag(s) but the journal has {planned} `planned` line(s)"
                ),
            ),
            [_] => PlanState::Complete,
            [(line, _), ..] => incomplete(*line, format!("{} `begin` entries", begins.len())),
        }
    }

    /// Whether the journal records any step after the plan (a file written, a tag started or
    /// made, the run finished).
    pub fn has_steps(&self) -> bool {
        self.entries.iter().any(|e| {
            matches!(
                e,
                Entry::Written { .. }
                    | Entry::Tagging { .. }
                    | Entry::Tagged { .. }
                    | Entry::Complete { .. }
            )
        })
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

    pub fn is_tagged(&self, repo: &str, tag: &str) -> bool {
        self.entries
            .iter()
            .any(|e| matches!(e, Entry::Tagged { repo: r, tag: t, .. } if r == repo && t == tag))
    }

    /// The line of the first `written` entry for `path`, if any.
    pub fn written_at(&self, path: &str) -> Option<usize> {
        self.entries
            .iter()
            .zip(&self.lines)
            .find_map(|(e, l)| matches!(e, Entry::Written { path: p } if p == path).then_some(*l))
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
        return format!(
            "column {}: {}",
            e.column(),
            crate::base::error_text::json_message(e)
        );
    }
    let event = serde_json::from_str::<serde_json::Value>(line)
        .ok()
        .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_string));
    match event {
        Some(ev) => format!("`{ev}` entry: {}", crate::base::error_text::json_message(e)),
        None => crate::base::error_text::json_message(e),
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
        assert!(back.is_complete() && back.written_at("x") == Some(1));
    }

    fn begin(tags: Option<usize>) -> Entry {
        Entry::Begin {
            command: "cut".into(),
            next: "7.0.0c".into(),
            from: "7.0.0b".into(),
            at: "t".into(),
            tags,
        }
    }

    fn planned(tag: &str) -> Entry {
        Entry::Planned {
            repo: "osism/release".into(),
            tag: tag.into(),
            commit: "c".into(),
            pin: "p".into(),
        }
    }

    #[test]
    fn the_plan_is_one_write_with_its_count_and_a_short_plan_is_incomplete() {
        let dir = tempfile::tempdir().unwrap();
        let p = path_for(dir.path(), "7.0.0c");
        let mut j = Journal::open(&p).unwrap();
        assert_eq!(j.plan_state(), PlanState::Empty);
        j.write_plan(begin(None), vec![planned("a"), planned("b")])
            .unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert_eq!(text.lines().count(), 3);
        assert!(
            text.lines().next().unwrap().ends_with(",\"tags\":2}"),
            "{text}"
        );
        let back = Journal::open(&p).unwrap();
        assert_eq!(back.plan_state(), PlanState::Complete);
        assert!(!back.has_steps());

        // a planned line lost (hand-edited): the count tells
        let short: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
        std::fs::write(&p, short).unwrap();
        let j = Journal::open(&p).unwrap();
        assert_eq!(
            j.plan_state(),
            PlanState::Incomplete {
                line: 1,
                why: "`begin` announces 2 planned tag(s) but the journal has 1 `planned` line(s)"
                    .into()
            }
        );

        // an older journal (no count) is read, but its plan is never taken as whole
        std::fs::write(
            &p,
            "\n{\"event\":\"begin\",\"command\":\"cut\",\"next\":\"7.0.0c\",\"from\":\"7.0.0b\",\"at\":\"t\"}\n",
        )
        .unwrap();
        let j = Journal::open(&p).unwrap();
        assert_eq!(j.entries, [begin(None)]);
        assert!(matches!(
            j.plan_state(),
            PlanState::Incomplete { line: 2, .. }
        ));

        // planned lines without a begin, or two begins
        let mut j = Journal::open(&dir.path().join("x.jsonl")).unwrap();
        j.append(planned("a")).unwrap();
        assert!(matches!(
            j.plan_state(),
            PlanState::Incomplete { line: 1, .. }
        ));
        j.append(begin(Some(1))).unwrap();
        j.append(begin(Some(1))).unwrap();
        assert_eq!(
            j.plan_state(),
            PlanState::Incomplete {
                line: 2,
                why: "2 `begin` entries".into()
            }
        );
        j.append(Entry::Written { path: "f".into() }).unwrap();
        assert!(j.has_steps());
        assert_eq!(j.written_at("f"), Some(4));
    }

    #[test]
    fn a_whole_last_line_without_its_newline_is_kept_and_the_next_append_starts_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("j.jsonl");
        std::fs::write(&p, "{\"event\":\"written\",\"path\":\"a\"}").unwrap();
        let mut j = Journal::open(&p).unwrap();
        assert!(j.repaired);
        j.append(Entry::Written { path: "b".into() }).unwrap();
        let back = Journal::open(&p).unwrap();
        assert!(!back.repaired);
        assert_eq!(back.written_at("a"), Some(1));
        assert_eq!(back.written_at("b"), Some(2));
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

        // a multi-byte character cut by a crash in the last line; invalid UTF-8 elsewhere
        let mut bytes =
            b"{\"event\":\"written\",\"path\":\"a\"}\n{\"event\":\"written\",\"path\":\"".to_vec();
        bytes.push(0xc3);
        std::fs::write(&p, &bytes).unwrap();
        assert_eq!(Journal::open(&p).unwrap().entries.len(), 1);
        std::fs::write(&p, b"\xff\n").unwrap();
        let err = Journal::open(&p).unwrap_err().to_string();
        assert!(
            err.contains("j.jsonl:1: invalid journal entry: not UTF-8 text"),
            "{err}"
        );
    }
}
