//! Showing library progress: an indicatif bar on stderr when it is a terminal, plain log
//! lines otherwise (CI logs, pipes, tests).

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};

use crate::base::progress::Progress;

thread_local! {
    /// `-q`: no progress at all (set per command, like the table width).
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// `-q` of the running command.
pub fn set_quiet(quiet: bool) {
    QUIET.with(|q| q.set(quiet));
}

struct Silent;

impl Progress for Silent {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64, _: &str) {}
    fn note(&self, _: &str) {}
    fn finish(&self) {}
}

/// Pick the right reporter for this process's stderr.
pub fn for_stderr() -> Box<dyn Progress> {
    if QUIET.with(std::cell::Cell::get) {
        return Box::new(Silent);
    }
    if std::io::stderr().is_terminal() {
        Box::new(Bar {
            bar: Mutex::new(None),
        })
    } else {
        Box::new(Lines {
            state: Mutex::new((String::new(), 0, 0)),
        })
    }
}

struct Bar {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        let b = ProgressBar::new(total);
        b.set_style(
            ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_prefix(what.to_string());
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(b);
    }
    fn advance(&self, n: u64, note: &str) {
        if let Some(b) = &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            b.inc(n);
            b.set_message(note.to_string());
        }
    }
    fn note(&self, message: &str) {
        match &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(b) => b.println(message),
            None => eprintln!("{message}"),
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}

struct Lines {
    /// (phase, done, total)
    state: Mutex<(String, u64, u64)>,
}

impl Progress for Lines {
    fn start(&self, what: &str, total: u64) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = (what.to_string(), 0, total);
        eprintln!("{what}: {total} to scan");
    }
    fn advance(&self, n: u64, note: &str) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.1 += n;
        // One line per batch-sized step, not per item: keep CI logs short.
        if s.2 <= 10 || s.1 == s.2 || note.starts_with("GraphQL") {
            eprintln!("{}: {}/{} ({note})", s.0, s.1, s.2);
        }
    }
    fn note(&self, message: &str) {
        eprintln!("{message}");
    }
    fn finish(&self) {}
}

/// The prober's reporter: on a terminal a status line (APIs up and down now) under the
/// notes; otherwise only the notes (an API going down and coming back, warnings), one line
/// each.
pub fn probe_for_stderr() -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        Box::new(Status {
            bar: Mutex::new(None),
        })
    } else {
        Box::new(NotesOnly)
    }
}

struct Status {
    bar: Mutex<Option<ProgressBar>>,
}

impl Progress for Status {
    fn start(&self, what: &str, _: u64) {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {prefix} {elapsed_precise} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        b.set_prefix(what.to_string());
        b.enable_steady_tick(std::time::Duration::from_millis(250));
        *self.bar.lock().unwrap_or_else(|e| e.into_inner()) = Some(b);
    }
    fn advance(&self, _: u64, note: &str) {
        if let Some(b) = &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            b.set_message(note.to_string());
        }
    }
    fn note(&self, message: &str) {
        match &*self.bar.lock().unwrap_or_else(|e| e.into_inner()) {
            Some(b) => b.println(message),
            None => eprintln!("{message}"),
        }
    }
    fn finish(&self) {
        if let Some(b) = self.bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
            b.finish_and_clear();
        }
    }
}

struct NotesOnly;

impl Progress for NotesOnly {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64, _: &str) {}
    fn note(&self, message: &str) {
        eprintln!("{message}");
    }
    fn finish(&self) {}
}
