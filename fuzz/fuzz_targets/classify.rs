//! The commit classifier with the embedded rules (`releases/notes/rules.yaml`) on any commit.
//!
//! The input is a commit message, split like git's `%s`/`%b` (`history::split_message`:
//! first paragraph = subject, the rest = body). Each input is classified
//! as a plain commit, as a merge commit (the body's first line is the PR title), and with
//! GitHub information (PR title = the body's first line, labels = the body's words); then the
//! dependency changes are grouped. A non-merge commit always gives a change.

#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use scs_release::data::DataDir;
use scs_release::notes::classify::{Classifier, PrInfo};
use scs_release::notes::context::Kind;
use scs_release::git::history::{RawCommit, split_message};
use scs_release::notes::rules::Rules;

static CLASSIFIER: LazyLock<Classifier> = LazyLock::new(|| {
    Classifier::new(Rules::load(&DataDir::Embedded).expect("the embedded rules load"))
});

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (subject, body) = split_message(text);
    let (subject, body) = (subject.as_str(), body.as_str());
    let commit = |parents: usize, sha: &str| RawCommit {
        sha: sha.to_string(),
        parents,
        author: "Fuzz".into(),
        subject: subject.to_string(),
        body: body.to_string(),
    };
    let info = PrInfo {
        title: body.lines().next().map(str::to_string),
        labels: body
            .split_whitespace()
            .take(8)
            .map(str::to_string)
            .collect(),
        author: Some("fuzz".into()),
    };
    let cl = &*CLASSIFIER;
    let mut changes = Vec::new();
    for (c, pr, slug) in [
        (
            commit(1, "0123456789abcdef0123456789abcdef01234567"),
            None,
            Some("o/r"),
        ),
        (commit(0, subject), None, None),
        (
            commit(2, "89abcdef0123456789abcdef0123456789abcdef"),
            None,
            Some("o/r"),
        ),
        (
            commit(1, "fedcba9876543210fedcba9876543210fedcba98"),
            Some(&info),
            Some("o/r"),
        ),
        (
            commit(3, "fedcba9876543210fedcba9876543210fedcba98"),
            Some(&info),
            None,
        ),
    ] {
        let _ = Classifier::pr_number(&c);
        let change = cl.classify(&c, pr, slug);
        if c.parents < 2 {
            assert!(change.is_some(), "a non-merge commit gave no change: {c:?}");
        }
        changes.extend(change);
    }
    let deps: Vec<_> = changes
        .iter()
        .filter(|c| c.kind == Kind::Deps)
        .cloned()
        .collect();
    let _ = cl.group_deps(&deps);
    let _ = cl.group_deps(&changes);
});
