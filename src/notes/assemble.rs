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
    assoc: &HashMap<String, u64>,
    classifier: &Classifier,
    enriched: bool,
    highlighted: Vec<u64>,
) -> RepoNotes {
    let mut a = Assembler::new(job, classifier, enriched, false).highlighted(highlighted);
    for c in raw {
        a.push_in_pr(c, assoc.get(&c.sha).copied(), prs);
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
    /// One entry per listed change, in the order pushed (newest first), for the passes of
    /// [`Assembler::finish`]: (kind, index in its list, short reference, subject, title, rule).
    seen: Vec<Seen>,
    /// PR numbers the highlights tell about (listed there, not in the sections).
    highlighted: Vec<u64>,
    labelled: Vec<LabelledChange>,
}

struct Seen {
    kind: Kind,
    index: usize,
    pr: Option<u64>,
    reference: String,
    subject: String,
    title: String,
    rule: String,
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
            seen: Vec::new(),
            highlighted: Vec::new(),
            labelled: Vec::new(),
        }
    }

    /// PRs the highlights tell about: left out of the sections (they are in "New features").
    pub fn highlighted(mut self, prs: Vec<u64>) -> Self {
        self.highlighted = prs;
        self
    }

    pub fn push(&mut self, c: &RawCommit, prs: &HashMap<u64, PrInfo>) {
        self.push_in_pr(c, None, prs)
    }

    /// [`Assembler::push`] of a commit GitHub associates with PR `assoc`.
    pub fn push_in_pr(&mut self, c: &RawCommit, assoc: Option<u64>, prs: &HashMap<u64, PrInfo>) {
        self.commits += 1;
        let info = if prs.is_empty() {
            None
        } else {
            Classifier::pr_number(c).or(assoc).and_then(|n| prs.get(&n))
        };
        match self
            .classifier
            .classify_in_pr(c, assoc, info, self.job.slug.as_deref())
        {
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
                let hl = &self.classifier.rules().highlight_labels;
                if change
                    .labels
                    .iter()
                    .any(|l| hl.iter().any(|h| h.eq_ignore_ascii_case(l)))
                {
                    self.labelled.push(LabelledChange {
                        repo: self.job.name.clone(),
                        title: change.title.clone(),
                        pr: change.pr,
                        url: change.url.clone(),
                        kind: k.name().to_string(),
                    });
                }
                let reference = match change.pr {
                    Some(n) => format!("#{n}"),
                    None => change.short_sha.clone(),
                };
                let mut seen = Seen {
                    kind: k,
                    index: 0,
                    pr: change.pr,
                    reference,
                    subject: change.subject.clone(),
                    title: change.title.clone(),
                    rule: change.rule.rule.clone(),
                };
                match &mut self.json {
                    Some(json) if k != Kind::Deps => {
                        seen.index = json[k as usize].1.len();
                        json[k as usize].1.push(change.into_value());
                    }
                    _ => {
                        seen.index = self.sections.list(k).len();
                        self.sections.list_mut(k).push(change)
                    }
                }
                self.seen.push(seen);
            }
            None => self.skipped += 1,
        }
    }

    pub fn finish(self) -> RepoNotes {
        let job = self.job;
        let mut sections = self.sections;
        let mut json = self.json;
        let (drop, left_out) = leave_out(&self.seen, &self.highlighted);
        // Remove from the back so the indexes stay valid.
        let mut gone: Vec<(Kind, usize)> = drop
            .iter()
            .map(|&i| (self.seen[i].kind, self.seen[i].index))
            .collect();
        gone.sort_by_key(|g| std::cmp::Reverse(g.1));
        for (k, i) in gone {
            match &mut json {
                Some(j) if k != Kind::Deps => {
                    j[k as usize].1.remove(i);
                }
                _ => {
                    sections.list_mut(k).remove(i);
                }
            }
        }
        let mut counts_by_kind = self.counts;
        for &i in &drop {
            counts_by_kind[self.seen[i].kind as usize] -= 1;
        }
        let reasons = reasons(&self.seen, &drop);
        let deps = self.classifier.group_deps(&sections.deps);
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
        let n = |k: Kind| counts_by_kind[k as usize];
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
            // Shown inside an HTML comment: it must not end it.
            range_note: job.range_note.replace("-->", "->"),
            enriched: self.enriched,
            counts,
            changes: sections,
            deps,
            contributors,
            left_out,
            reasons,
            labelled: self.labelled.into_iter().rev().collect(),
            json,
        }
    }
}

/// The changes the lists leave out, by index into `seen`, and why: a revert and the change it
/// reverts when both are in the range (they cancel), a `fixup!`/`squash!` commit of a change
/// in the range (folded into it), a PR the highlights tell about.
fn leave_out(seen: &[Seen], highlighted: &[u64]) -> (Vec<usize>, Vec<LeftOut>) {
    let mut drop: Vec<(usize, String)> = Vec::new();
    let norm = |t: &str| t.trim().to_lowercase();
    let find = |target: &str, not: usize| {
        let target = norm(target);
        seen.iter().enumerate().position(|(j, s)| {
            j != not
                && (norm(&s.title) == target
                    || norm(&s.subject) == target
                    || s.pr.is_some_and(|n| target.ends_with(&format!("(#{n})"))))
        })
    };
    for (i, s) in seen.iter().enumerate() {
        let subject = s.subject.trim();
        if let Some(target) = subject.strip_prefix("Revert \"").and_then(|r| {
            r.strip_suffix('"')
                .or_else(|| r.rsplit_once("\" (").map(|(a, _)| a))
        }) {
            if let Some(j) = find(target, i)
                && !drop.iter().any(|(d, _)| *d == i || *d == j)
            {
                drop.push((j, format!("reverted by {} in the same range", s.reference)));
                drop.push((
                    i,
                    format!("reverts {} of the same range", seen[j].reference),
                ));
            }
            continue;
        }
        if let Some(target) = subject
            .strip_prefix("fixup! ")
            .or_else(|| subject.strip_prefix("squash! "))
            && let Some(j) = find(target, i)
        {
            drop.push((i, format!("a fixup of {}", seen[j].reference)));
            continue;
        }
        if s.pr.is_some_and(|n| highlighted.contains(&n)) {
            drop.push((i, "told about in the highlights".into()));
        }
    }
    // Oldest first, like the lists.
    drop.sort_by_key(|d| std::cmp::Reverse(d.0));
    let left_out = drop
        .iter()
        .map(|(i, reason)| LeftOut {
            reference: seen[*i].reference.clone(),
            title: seen[*i].title.clone(),
            reason: reason.clone(),
        })
        .collect();
    (drop.into_iter().map(|(i, _)| i).collect(), left_out)
}

/// The listed changes grouped by section and rule, oldest first.
fn reasons(seen: &[Seen], drop: &[usize]) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    for k in Kind::ALL {
        for (i, s) in seen.iter().enumerate().rev() {
            if s.kind != k || drop.contains(&i) {
                continue;
            }
            let section = k.section_key();
            match out
                .iter_mut()
                .find(|r| r.section == section && r.rule == s.rule)
            {
                Some(r) => r.refs.push(s.reference.clone()),
                None => out.push(Reason {
                    section: section.to_string(),
                    rule: s.rule.clone(),
                    refs: vec![s.reference.clone()],
                }),
            }
        }
    }
    out
}
