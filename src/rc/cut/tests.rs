//! Proposals against git2 temp clones, and interrupted `--tag` runs that resume.

use std::cell::Cell;
use std::path::Path;
use std::rc::Rc;

use git2::{Oid, Repository, Signature, Time};

use super::journal::{Entry, Journal};
use super::*;
use crate::data::DataDir;
use crate::rc::error::RcError;
use crate::rc::tags::{LocalTags, Tag, TagSource};
use crate::release::Store;
use crate::release::components::ComponentRules;

fn commit(repo: &Repository, branch: &str, msg: &str, n: i64) -> Oid {
    crate::git::repo::tests::commit(repo, branch, msg, n)
}

fn tag(repo: &Repository, name: &str, at: Oid) {
    let sig = Signature::new("Test", "test@example.org", &Time::new(1_700_000_000, 0)).unwrap();
    let obj = repo.find_object(at, None).unwrap();
    repo.tag(name, &obj, &sig, name, false).unwrap();
}

/// Clones of the repos 7.0.0b owns. Calver repos: v0.20240221.0 and a newer v0.20240307.0
/// on main, a still newer tag on a side branch (must be ignored). The collections have no
/// tags at all (their pinned tag is missing). osism/release: 7.0.0a, 7.0.0b, then commits.
fn clones(dir: &Path) {
    let calver = [
        "ansible-defaults",
        "cfg-generics",
        "kolla-operations",
        "ansible-playbooks",
    ];
    for (i, name) in calver.iter().enumerate() {
        let r = Repository::init(dir.join("osism").join(name)).unwrap();
        let n = i as i64 * 100;
        let a = commit(&r, "main", "one", n + 1);
        tag(&r, "v0.20240221.0", a);
        let b = commit(&r, "main", "two", n + 2);
        tag(&r, "v0.20240307.0", b);
        commit(&r, "main", "three", n + 3);
        let side = commit(&r, "side", "side", n + 4);
        tag(&r, "v0.20240401.0", side);
    }
    for name in [
        "ansible-collection-commons",
        "ansible-collection-services",
        "ansible-collection-validations",
    ] {
        let r = Repository::init(dir.join("osism").join(name)).unwrap();
        commit(&r, "main", "one", 1);
    }
    let r = Repository::init(dir.join("osism/release")).unwrap();
    let a = commit(&r, "main", "7.0.0a", 10);
    tag(&r, "7.0.0a", a);
    let b = commit(&r, "main", "7.0.0b", 11);
    tag(&r, "7.0.0b", b);
    commit(&r, "main", "prepare 7.0.0c", 12);
}

fn setup() -> (tempfile::TempDir, Store, ComponentRules) {
    let dir = tempfile::tempdir().unwrap();
    clones(&dir.path().join("src"));
    (
        dir,
        Store::load(&DataDir::Embedded).unwrap(),
        ComponentRules::load(&DataDir::Embedded).unwrap(),
    )
}

fn proposal(store: &Store, rules: &ComponentRules, src: &dyn TagSource) -> Proposal {
    let (current, next) = validate(store, Mode::Cut, "7.0.0b", "7.0.0c").unwrap();
    propose(rules, current, &next, Mode::Cut, false, Some(src)).unwrap()
}

#[test]
fn owned_components_move_to_the_newest_tag_on_their_release_branch() {
    let (dir, store, rules) = setup();
    let src = LocalTags::new(&dir.path().join("src"));
    let p = proposal(&store, &rules, &src);
    let value = |id: &str| {
        p.manifest
            .pins
            .iter()
            .find(|x| x.id == id)
            .unwrap()
            .value
            .to_string()
    };
    // spelling kept per pin; the side-branch tag v0.20240401.0 is ignored
    assert_eq!(value("base/defaults_version"), "v0.20240307.0");
    assert_eq!(value("openstack/playbooks_version"), "v0.20240307.0");
    assert_eq!(value("base/manager_version"), "7.0.0c");
    assert_eq!(value("base/docker_images/inventory_reconciler"), "7.0.0c");
    // no tags: kept, and the tag it needs is missing
    assert_eq!(
        value("base/ansible_collections/osism.commons"),
        "0.20240221.0"
    );
    // third party stays
    assert_eq!(value("ceph/docker_images/cephclient"), "17.2.6");
    let missing: Vec<String> = p
        .tags
        .iter()
        .filter(|t| t.state == TagState::Missing)
        .map(|t| format!("{} {}", t.repo, t.tag))
        .collect();
    assert_eq!(
        missing,
        [
            "osism/release 7.0.0c",
            "osism/ansible-collection-commons v0.20240221.0",
            "osism/ansible-collection-services v0.20240221.0",
            "osism/ansible-collection-validations v0.20240221.0"
        ]
    );
    assert!(p.unknowns().is_empty(), "{:?}", p.unknowns());
}

#[test]
fn tag_values_follow_the_template_and_the_old_spelling() {
    let old = Version::parse("0.20240221.0");
    assert_eq!(
        tag_to_value("v{version}", "k", "v0.20240307.0", &old)
            .unwrap()
            .as_str(),
        "0.20240307.0"
    );
    let old_v = Version::parse("v0.20240221.0");
    assert_eq!(
        tag_to_value("v{version}", "k", "v0.20240307.0", &old_v)
            .unwrap()
            .as_str(),
        "v0.20240307.0"
    );
    assert!(tag_to_value("v{version}", "k", "0.20240307.0", &old).is_none());
    assert_eq!(
        tag_to_value("{raw}", "k", "7.0.0c", &old).unwrap().as_str(),
        "7.0.0c"
    );
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Fail {
    /// Stop after the journal says "tagging", before the tag is created.
    BeforeCreate,
    /// Stop after the tag is created, before the journal says "tagged".
    AfterCreate,
}

/// A tag source that counts creations and stops the run at the (k+1)-th.
struct Flaky {
    inner: LocalTags,
    created: Rc<Cell<usize>>,
    stop_at: Option<(usize, Fail)>,
}

impl TagSource for Flaky {
    fn describe(&self) -> String {
        self.inner.describe()
    }
    fn has_repo(&self, repo: &str) -> bool {
        self.inner.has_repo(repo)
    }
    fn newest_on_branch(
        &self,
        repo: &str,
        branch: &str,
        rank: &dyn Fn(&str) -> Option<Version>,
    ) -> Result<Option<Option<(Tag, Version)>>, RcError> {
        self.inner.newest_on_branch(repo, branch, rank)
    }
    fn tag(&self, repo: &str, name: &str) -> Result<Option<String>, RcError> {
        self.inner.tag(repo, name)
    }
    fn branch_head(&self, repo: &str, branch: &str) -> Result<Option<String>, RcError> {
        self.inner.branch_head(repo, branch)
    }
    fn create_tag(
        &mut self,
        repo: &str,
        name: &str,
        commit: &str,
        msg: &str,
    ) -> Result<(), RcError> {
        let interrupted = || RcError::Usage("interrupted".into());
        if self.stop_at == Some((self.created.get(), Fail::BeforeCreate)) {
            return Err(interrupted());
        }
        self.inner.create_tag(repo, name, commit, msg)?;
        self.created.set(self.created.get() + 1);
        if self.stop_at == Some((self.created.get() - 1, Fail::AfterCreate)) {
            return Err(interrupted());
        }
        Ok(())
    }
    fn location(&self, repo: &str) -> String {
        self.inner.location(repo)
    }
}

#[test]
fn an_interrupted_tag_run_resumes_without_duplicate_or_missing_tags() {
    let n = 4;
    for k in 0..n {
        for fail in [Fail::BeforeCreate, Fail::AfterCreate] {
            let (dir, store, rules) = setup();
            let src_dir = dir.path().join("src");
            let created = Rc::new(Cell::new(0));
            let targets = Targets {
                root: dir.path().join("data"),
                osism: Some(dir.path().join("osism-release")),
                tag: true,
            };
            let mut first = Flaky {
                inner: LocalTags::new(&src_dir),
                created: created.clone(),
                stop_at: Some((k, fail)),
            };
            let p1 = proposal(&store, &rules, &first);
            let planned: Vec<(String, String, String)> = p1
                .tags
                .iter()
                .filter(|t| t.state == TagState::Missing)
                .map(|t| (t.repo.clone(), t.tag.clone(), t.commit.clone().unwrap()))
                .collect();
            assert_eq!(planned.len(), n);
            let err = execute(&p1, &targets, Some(&mut first)).unwrap_err();
            assert_eq!(err.to_string(), "interrupted", "k={k} {fail:?}");

            // The world moves on between the runs: the release branch gets a commit.
            let release = Repository::open(src_dir.join("osism/release")).unwrap();
            commit(&release, "main", "later", 99);

            let mut second = Flaky {
                inner: LocalTags::new(&src_dir),
                created: created.clone(),
                stop_at: None,
            };
            let p2 = proposal(&store, &rules, &second);
            let done = execute(&p2, &targets, Some(&mut second)).unwrap();
            assert!(done.resumed);
            assert_eq!(
                created.get(),
                n,
                "k={k} {fail:?}: each tag created exactly once"
            );

            // Every tag exists, on the commit planned by the first run.
            for (repo, name, commit) in &planned {
                let got = second.inner.tag(repo, name).unwrap();
                assert_eq!(got.as_deref(), Some(commit.as_str()), "{repo} {name}");
            }
            // The journal is complete: one tagged line per tag, complete last.
            let j = Journal::open(&journal::path_for(&targets.root, "7.0.0c")).unwrap();
            for (repo, name, _) in &planned {
                let tagged = j
                    .entries
                    .iter()
                    .filter(|e| matches!(e, Entry::Tagged { repo: r, tag: t, .. } if r == repo && t == name))
                    .count();
                assert_eq!(tagged, 1, "k={k} {fail:?}: {repo} {name}");
            }
            assert!(matches!(j.entries.last(), Some(Entry::Complete { .. })));
            assert_eq!(j.planned().len(), n, "the plan is written once");
            assert!(targets.root.join("releases/osism/7.0.0c.yaml").is_file());
            assert!(dir.path().join("osism-release/7.0.0c/base.yml").is_file());

            // A third run verifies everything and has nothing to do.
            let again = execute(&p2, &targets, Some(&mut second)).unwrap();
            assert_eq!(
                again.steps.last().unwrap().result,
                "already complete: nothing to do (every tag verified)"
            );
            assert_eq!(created.get(), n);
        }
    }
}

#[test]
fn execute_refuses_to_overwrite_a_different_release_file() {
    let (dir, store, rules) = setup();
    let src = LocalTags::new(&dir.path().join("src"));
    let p = proposal(&store, &rules, &src);
    let root = dir.path().join("data");
    let file = root.join("releases/osism/7.0.0c.yaml");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "hand-written\n").unwrap();
    let targets = Targets {
        root,
        osism: None,
        tag: false,
    };
    let err = execute(&p, &targets, None).unwrap_err().to_string();
    assert!(
        err.contains("refusing to overwrite an existing release file"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "hand-written\n");
}

#[test]
fn bump_third_party_moves_sha_pins_to_the_newest_release_tag() {
    let (dir, store, rules) = setup();
    let src_dir = dir.path().join("src");
    let r = Repository::init(src_dir.join("geerlingguy/ansible-role-certbot")).unwrap();
    tag(&r, "5.0.0", commit(&r, "master", "a", 1));
    let newest = commit(&r, "master", "b", 2);
    tag(&r, "5.1.0", newest);
    tag(&r, "6.0.0-rc1", commit(&r, "master", "c", 3));
    commit(&r, "master", "d", 4);
    let src = LocalTags::new(&src_dir);
    let (current, next) = validate(&store, Mode::Cut, "7.0.0b", "7.0.0c").unwrap();
    let p = propose(&rules, current, &next, Mode::Cut, true, Some(&src)).unwrap();
    let d = p
        .decisions
        .iter()
        .find(|d| d.id == "base/ansible_roles/geerlingguy.certbot")
        .unwrap();
    assert_eq!(d.new.as_str(), newest.to_string());
    assert_eq!(
        d.outcome,
        Outcome::Bumped {
            tag: "5.1.0".into()
        }
    );
    assert_eq!(d.branch.as_deref(), Some("master"));
    // without a clone: unknown, kept
    let hardening = p
        .decisions
        .iter()
        .find(|d| d.id == "base/ansible_roles/hardening")
        .unwrap();
    assert!(
        matches!(&hardening.outcome, Outcome::Unknown { why } if why.contains("no clone of openstack/ansible-hardening"))
    );
    assert_eq!(hardening.new, hardening.old);
    // registry images are never looked up
    let img = p
        .decisions
        .iter()
        .find(|d| d.id == "ceph/docker_images/cephclient")
        .unwrap();
    assert!(matches!(&img.outcome, Outcome::Unknown { why } if why.contains("registry")));
    // without --bump-third-party the role stays
    let p = propose(&rules, current, &next, Mode::Cut, false, Some(&src)).unwrap();
    assert!(
        !p.decisions
            .iter()
            .any(|d| d.id == "base/ansible_roles/geerlingguy.certbot")
    );
}

#[test]
fn a_journal_of_another_run_is_refused() {
    let (dir, store, rules) = setup();
    let src = LocalTags::new(&dir.path().join("src"));
    let p = proposal(&store, &rules, &src);
    let root = dir.path().join("data");
    let mut j = Journal::open(&journal::path_for(&root, "7.0.0c")).unwrap();
    j.append(Entry::Begin {
        command: "cut".into(),
        next: "7.0.0c".into(),
        from: "7.0.0a".into(),
        at: "t".into(),
        tags: None,
    })
    .unwrap();
    let targets = Targets {
        root,
        osism: None,
        tag: true,
    };
    let mut src = src;
    let err = execute(&p, &targets, Some(&mut src))
        .unwrap_err()
        .to_string();
    assert!(
        err.ends_with("belongs to `rc cut 7.0.0c --from 7.0.0a`, not to this run (`rc cut 7.0.0c --from 7.0.0b`); remove it or use the same arguments"),
        "{err}"
    );
    assert!(!targets.root.join("releases/osism/7.0.0c.yaml").exists());
}
