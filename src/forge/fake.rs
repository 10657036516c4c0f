//! An in-memory [`Forge`] for unit tests: answers from a map, counts calls.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{Answer, BlockerQuery, Forge, ForgeError, RepoQuery, RepoResult, RepoState, Stats};
use crate::base::progress::Progress;

/// Answers by repository name; repositories not in the map answer `NotFound`.
#[derive(Default)]
pub struct FakeForge {
    pub states: HashMap<String, Result<RepoState, ForgeError>>,
    pub fetched_at: Option<jiff::Timestamp>,
    calls: Mutex<u64>,
}

impl FakeForge {
    pub fn new() -> FakeForge {
        FakeForge::default()
    }

    pub fn with(mut self, repo: &str, state: Result<RepoState, ForgeError>) -> FakeForge {
        self.states.insert(repo.to_string(), state);
        self
    }
}

impl Forge for FakeForge {
    fn repo_states(
        &self,
        queries: &[RepoQuery],
        _blockers: &BlockerQuery,
        progress: &dyn Progress,
    ) -> Vec<RepoResult> {
        *self.calls.lock().unwrap_or_else(|e| e.into_inner()) += 1;
        progress.start("GitHub repositories", queries.len() as u64);
        let at = self.fetched_at.unwrap_or_else(jiff::Timestamp::now);
        let out = queries
            .iter()
            .map(|q| match self.states.get(&q.repo) {
                Some(Ok(s)) => Ok(Answer {
                    state: s.clone(),
                    fetched_at: at,
                    cached: false,
                }),
                Some(Err(e)) => Err(e.clone()),
                None => Err(ForgeError::NotFound {
                    repo: q.repo.clone(),
                }),
            })
            .collect();
        progress.advance(queries.len() as u64, "fake");
        progress.finish();
        out
    }

    fn stats(&self) -> Stats {
        Stats {
            requests: *self.calls.lock().unwrap_or_else(|e| e.into_inner()),
            ..Stats::default()
        }
    }
}
