//! Progress reporting from library code. The library calls a [`Progress`]; the command layer
//! decides how to show it (a progress bar on a terminal, log lines otherwise).

/// Receives progress of a long-running scan. Implementations must be cheap and thread-safe.
pub trait Progress: Send + Sync {
    /// A phase starts with `total` units of work (`what` names it: "GitHub repositories").
    fn start(&self, what: &str, total: u64);
    /// `n` more units are done; `note` says what finished (e.g. "batch 1/2").
    fn advance(&self, n: u64, note: &str);
    /// Something worth a line on its own (a retry, a wait for a rate limit).
    fn note(&self, message: &str);
    /// The phase is over.
    fn finish(&self);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64, _: &str) {}
    fn note(&self, _: &str) {}
    fn finish(&self) {}
}
