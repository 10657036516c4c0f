//! Assembling one repo's notes: its commits, classified, into sections and counts.

use std::collections::HashMap;

use super::classify::{Classifier, PrInfo};
use super::context::*;
use super::tracks::Job;
use crate::git::history::RawCommit;

/// Classify the commits of one job into its notes.
pub fn assemble(
    job: &Job,
    raw: &[RawCommit],
    prs: &HashMap<u64, PrInfo>,
    classifier: &Classifier,
    enriched: bool,
) -> RepoNotes {
    let mut a = Assembler::new(job, classifier, enriched, false);
    for c in raw {
        a.push(c, prs);
    }
    a.finish()
}

/// Builds one repo's notes commit by commit (history is streamed, see `Repo::for_each_commit`).
pub struct Assembler<'a> {
    job: &'a Job,
    classifier: &'a Classifier,
    enriched: bool,
    sections: Sections,
    /// Set when changes are turned into template JSON right away (see `RepoNotes::json`).
    json: Option<JsonSections>,
    counts: [usize; 7],
    authors: std::collections::BTreeSet<String>,
    commits: usize,
    changes: usize,
    skipped: usize,
}

impl<'a> Assembler<'a> {
    /// `json`: keep the changes as template JSON instead of typed values (rendering path).
    pub fn new(job: &'a Job, classifier: &'a Classifier, enriched: bool, json: bool) -> Self {
        Assembler {
            job,
            classifier,
            enriched,
            sections: Sections::default(),
            json: json.then(|| Kind::ALL.iter().map(|k| (*k, Vec::new())).collect()),
            counts: [0; 7],
            authors: Default::default(),
            commits: 0,
            changes: 0,
            skipped: 0,
        }
    }

    pub fn push(&mut self, c: &RawCommit, prs: &HashMap<u64, PrInfo>) {
        self.commits += 1;
        let info = if prs.is_empty() {
            None
        } else {
            Classifier::pr_number(c).and_then(|n| prs.get(&n))
        };
        match self.classifier.classify(c, info, self.job.slug.as_deref()) {
            Some(change) => {
                self.changes += 1;
                let k = change.kind;
                self.counts[k as usize] += 1;
                if let Some(a) = &change.author
                    && !a.is_empty()
                    && !a.ends_with("[bot]")
                    && !self.authors.contains(a)
                {
                    self.authors.insert(a.clone());
                }
                match &mut self.json {
                    Some(json) if k != Kind::Deps => {
                        json[k as usize].1.push(change.into_value());
                    }
                    _ => self.sections.list_mut(k).push(change),
                }
            }
            None => self.skipped += 1,
        }
    }

    pub fn finish(self) -> RepoNotes {
        let job = self.job;
        let mut sections = self.sections;
        let deps = self.classifier.group_deps(&sections.deps);
        let mut json = self.json;
        // History is read newest first; notes list changes in the order they landed.
        for k in Kind::ALL {
            sections.list_mut(k).reverse();
        }
        if let Some(json) = &mut json {
            for (_, list) in json.iter_mut() {
                list.reverse();
            }
            // Dependency updates were kept typed for grouping; now they join the JSON too.
            json[Kind::Deps as usize].1 = std::mem::take(&mut sections.deps)
                .into_iter()
                .map(Change::into_value)
                .collect();
        }
        let n = |k: Kind| self.counts[k as usize];
        let counts = Counts {
            commits: self.commits,
            changes: self.changes,
            skipped: self.skipped,
            breaking: n(Kind::Breaking),
            features: n(Kind::Feature),
            fixes: n(Kind::Fix),
            docs: n(Kind::Docs),
            other: n(Kind::Other),
            deps: n(Kind::Deps),
            unsorted: n(Kind::Unsorted),
        };
        let mut contributors: Vec<String> = self.authors.into_iter().collect();
        contributors.sort_by_key(|a| a.to_lowercase());
        RepoNotes {
            track: job.track.name().into(),
            url: job.slug.as_ref().map(|s| format!("https://github.com/{s}")),
            repo: job.slug.clone(),
            name: job.name.clone(),
            heading: if job.to.name.starts_with(&job.name) {
                job.to.name.clone()
            } else {
                format!("{} {}", job.name, job.to.name)
            },
            from: job.from.as_ref().map(|f| f.name.clone()),
            to: job.to.name.clone(),
            from_sha: job.from.as_ref().map(|f| f.sha.clone()),
            to_sha: job.to.sha.clone(),
            path: job.path.clone(),
            enriched: self.enriched,
            counts,
            changes: sections,
            deps,
            contributors,
            json,
        }
    }
}
