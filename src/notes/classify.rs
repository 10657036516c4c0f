//! Classification of one commit into a [`Change`], keeping the rule that decided.

use regex::Regex;

use super::context::{Change, DepGroup, Kind, RuleMatch};
use super::rules::Rules;
use crate::git::history::RawCommit;

/// What GitHub says about a PR (with `--github`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrInfo {
    pub title: Option<String>,
    pub labels: Vec<String>,
    pub author: Option<String>,
}

pub struct Classifier {
    rules: Rules,
    dep: Regex,
}

impl Classifier {
    pub fn new(rules: Rules) -> Classifier {
        Classifier {
            rules,
            dep: Regex::new(
                r"(?i)^(?:update|upgrade|bump)\s+(?:dependency\s+|module\s+|helm release\s+|terraform\s+|docker tag\s+|github action\s+|rust crate\s+)?(?:default\s+)?(?P<name>\S+(?:\s+\S+)??)(?:\s+version)?(?:\s+from\s+\S+)?\s+to\s+(?P<ver>v?\d\S*)",
            )
            .expect("valid regex"),
        }
    }

    pub fn rules(&self) -> &Rules {
        &self.rules
    }

    /// The PR number a commit refers to, without classifying it (for GitHub enrichment).
    pub fn pr_number(c: &RawCommit) -> Option<u64> {
        if c.parents >= 2 {
            return merge_pr(&c.subject).map(|(n, _)| n);
        }
        trailing_pr(&c.subject).map(|(n, _)| n)
    }

    /// Classify a commit; `None` for merges that are not PR merges (`Merge branch 'main' …`).
    pub fn classify(
        &self,
        c: &RawCommit,
        pr_info: Option<&PrInfo>,
        slug: Option<&str>,
    ) -> Option<Change> {
        self.classify_in_pr(c, None, pr_info, slug)
    }

    /// [`Classifier::classify`] for a commit GitHub associates with PR `pr` although its
    /// message names none (a rebased PR).
    pub fn classify_in_pr(
        &self,
        c: &RawCommit,
        assoc: Option<u64>,
        pr_info: Option<&PrInfo>,
        slug: Option<&str>,
    ) -> Option<Change> {
        let mut style_prefix = "";
        let mut pr = None;
        let mut body: &str = &c.body;
        let mut title: String;
        if c.parents >= 2 {
            let (n, branch) = merge_pr(&c.subject)?;
            pr = Some(n);
            style_prefix = "merge/";
            let mut lines = c.body.splitn(2, '\n');
            let first = lines.next().unwrap_or("").trim();
            body = lines.next().unwrap_or("");
            title = if first.is_empty() {
                // No PR title in the body: the branch name is all there is.
                branch
                    .split_once('/')
                    .map(|(_, b)| b)
                    .unwrap_or(branch)
                    .to_string()
            } else {
                first.to_string()
            };
        } else {
            title = c.subject.trim().to_string();
        }
        if let Some((n, rest)) = trailing_pr(&title) {
            pr.get_or_insert(n);
            title = rest.to_string();
        }
        title = strip_issue_refs(&title).to_string();
        if pr.is_none() {
            pr = assoc;
        }
        if let Some(t) = pr_info
            .and_then(|p| p.title.as_deref())
            .filter(|t| !t.trim().is_empty())
        {
            title = t.trim().to_string();
        }
        let labels: &[String] = pr_info.map(|p| p.labels.as_slice()).unwrap_or(&[]);
        let footer = has_breaking_footer(body);

        let mut change = Change {
            short_sha: c.sha.get(..7).unwrap_or(&c.sha).to_string(),
            sha: c.sha.clone(),
            subject: c.subject.clone(),
            title: String::new(),
            kind: Kind::Unsorted,
            pr,
            url: slug.map(|s| match pr {
                Some(n) => format!("https://github.com/{s}/pull/{n}"),
                None => format!("https://github.com/{s}/commit/{}", c.sha),
            }),
            type_: None,
            scope: None,
            component: None,
            author: pr_info
                .and_then(|p| p.author.clone())
                .or_else(|| Some(c.author.clone()).filter(|a| !a.is_empty())),
            labels: labels.to_vec(),
            rule: RuleMatch {
                style: String::new(),
                rule: String::new(),
            },
        };

        // Gitmoji start with `:` or a non-ASCII emoji: skip the prefix scan for everything else.
        let maybe_gitmoji = title
            .as_bytes()
            .first()
            .is_some_and(|b| *b == b':' || !b.is_ascii());
        let (style, kind, rule, text) = if let Some((prefix, kind, code)) = self
            .rules
            .gitmoji
            .iter()
            .filter(|_| maybe_gitmoji)
            .find(|(p, _, _)| title.starts_with(p.as_str()))
        {
            let rest = title[prefix.len()..].trim_start().to_string();
            ("gitmoji", *kind, format!("gitmoji {code}"), rest)
        } else if let Some((kind, rule, text)) = self.conventional(&title, &mut change) {
            ("conventional", kind, rule, text)
        } else if let Some((comp, msg)) = parse_osism(&title) {
            change.component = Some(comp.to_string());
            let msg = msg.to_string();
            let (kind, rule) = self.decide(&msg, body, labels);
            ("osism", kind, rule, msg)
        } else if let Some((ty, rest)) = parse_branch_style(&title)
            && let Some(mapped) = self
                .rules
                .conventional
                .get(&ty.to_ascii_lowercase())
                .copied()
        {
            // `Feat/calico 3.25.1`: a branch name as title; the rest decides, else the type.
            let rest = rest.to_string();
            let (kind, rule) = match self.decide(&rest, body, labels) {
                (Kind::Unsorted, _) => (mapped, format!("branch type {}", ty.to_ascii_lowercase())),
                decided => decided,
            };
            ("branch", kind, rule, rest)
        } else {
            let (kind, rule) = self.decide(&title, body, labels);
            (
                if pr.is_some() { "pr-title" } else { "plain" },
                kind,
                rule,
                title.clone(),
            )
        };
        change.title = text;
        change.kind = kind;
        change.rule = RuleMatch {
            style: format!("{style_prefix}{style}"),
            rule,
        };
        if footer && change.kind != Kind::Breaking {
            change.kind = Kind::Breaking;
            change.rule.rule = format!("breaking-footer ({})", change.rule.rule);
        }
        Some(change)
    }

    fn conventional(&self, title: &str, change: &mut Change) -> Option<(Kind, String, String)> {
        let (ty, scope, bang, desc) = parse_conventional(title)?;
        let ty = ty.to_ascii_lowercase();
        let mapped = *self.rules.conventional.get(&ty)?;
        let scope = scope
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        change.type_ = Some(ty.clone());
        change.scope = scope.clone();
        let text = desc.trim().to_string();
        let deps = scope.as_deref().is_some_and(|s| {
            self.rules
                .deps_scopes
                .iter()
                .any(|d| d.eq_ignore_ascii_case(s))
        });
        let (kind, rule) = if bang {
            (Kind::Breaking, format!("type {ty}!"))
        } else if deps {
            (
                Kind::Deps,
                format!(
                    "type {ty}, scope {} (renovate)",
                    scope.as_deref().unwrap_or_default()
                ),
            )
        } else {
            (mapped, format!("type {ty}"))
        };
        Some((kind, rule, text))
    }

    /// Kind of an untyped title: GitHub labels, then keyword rules on the title, refined by
    /// the body rules, else unsorted.
    fn decide(&self, text: &str, body: &str, labels: &[String]) -> (Kind, String) {
        for (label, kind) in &self.rules.labels {
            if labels.iter().any(|l| l.eq_ignore_ascii_case(label)) {
                return (*kind, format!("label {label}"));
            }
        }
        let (kind, rule) = self
            .rules
            .keywords
            .iter()
            .enumerate()
            .find(|(_, k)| k.regex.is_match(text))
            .map(|(i, k)| (k.kind, format!("keyword #{} {}", i + 1, k.name)))
            .unwrap_or((Kind::Unsorted, "none".into()));
        if self.rules.body_keywords.is_empty() || body.trim().is_empty() {
            return (kind, rule);
        }
        let description = description(body);
        for (i, b) in self.rules.body_keywords.iter().enumerate() {
            if b.rule.kind != kind && b.over.contains(&kind) && b.rule.regex.is_match(&description)
            {
                return (
                    b.rule.kind,
                    format!("body #{} {} (title: {rule})", i + 1, b.rule.name),
                );
            }
        }
        (kind, rule)
    }

    /// Group dependency updates by dependency, newest version first seen (history is newest first).
    pub fn group_deps(&self, deps: &[Change]) -> Vec<DepGroup> {
        let mut groups: Vec<DepGroup> = Vec::new();
        for c in deps {
            let (name, version) = match self.dep.captures(&c.title) {
                Some(caps) => (caps["name"].to_string(), Some(caps["ver"].to_string())),
                None => (c.title.clone(), None),
            };
            match groups
                .iter_mut()
                .find(|g| g.name.eq_ignore_ascii_case(&name))
            {
                Some(g) => {
                    g.prs.extend(c.pr);
                    g.shas.push(c.sha.clone());
                    if g.version.is_none() {
                        g.version = version;
                    }
                }
                None => groups.push(DepGroup {
                    name,
                    version,
                    prs: c.pr.into_iter().collect(),
                    shas: vec![c.sha.clone()],
                }),
            }
        }
        groups
    }
}

/// `type(scope)!: desc` → (type, scope, bang, desc); the same grammar as the regex
/// `^[A-Za-z]+(\([^)]*\))?!?:\s*\S.*$`, by hand (this runs for every commit).
fn parse_conventional(title: &str) -> Option<(&str, Option<&str>, bool, &str)> {
    let b = title.as_bytes();
    let mut i = b.iter().take_while(|c| c.is_ascii_alphabetic()).count();
    if i == 0 {
        return None;
    }
    let ty = &title[..i];
    let mut scope = None;
    if b.get(i) == Some(&b'(') {
        let close = title[i + 1..].find(')')? + i + 1;
        if title[i + 1..close].contains('(') {
            return None;
        }
        scope = Some(&title[i + 1..close]);
        i = close + 1;
    }
    let bang = b.get(i) == Some(&b'!');
    if bang {
        i += 1;
    }
    if b.get(i) != Some(&b':') {
        return None;
    }
    let desc = title[i + 1..].trim_start();
    if desc.is_empty() {
        return None;
    }
    Some((ty, scope, bang, desc))
}

/// `Feat/calico 3.25.1` → (`Feat`, `calico 3.25.1`): a branch name used as PR title.
fn parse_branch_style(title: &str) -> Option<(&str, &str)> {
    let (ty, rest) = title.split_once('/')?;
    let rest = rest.trim();
    (!ty.is_empty() && ty.bytes().all(|b| b.is_ascii_alphabetic()) && !rest.is_empty())
        .then_some((ty, rest))
}

/// OSISM `component: message` with a lower-case component (`kolla-ansible: …`).
fn parse_osism(title: &str) -> Option<(&str, &str)> {
    let (comp, rest) = title.split_once(": ")?;
    let ok = comp
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && comp
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"_.-/".contains(&c))
        && !comp.contains("//");
    let msg = rest.trim_start();
    (ok && !msg.is_empty()).then_some((comp, msg))
}

/// `Merge pull request #123 from owner/branch` → (123, `owner/branch`).
fn merge_pr(subject: &str) -> Option<(u64, &str)> {
    let rest = subject.strip_prefix("Merge pull request #")?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let n = rest[..digits].parse().ok()?;
    let branch = rest[digits..]
        .trim_start()
        .strip_prefix("from ")
        .unwrap_or("")
        .trim();
    Some((n, branch))
}

/// `Title (#123)` → (123, `Title`).
fn trailing_pr(title: &str) -> Option<(u64, &str)> {
    let t = title.trim_end();
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind("(#")?;
    let n = inner[open + 2..].parse().ok()?;
    Some((n, inner[..open].trim_end()))
}

/// `Install kubectx on management node #457` → `Install kubectx on management node`
/// (issue references the teams leave out of their notes).
fn strip_issue_refs(title: &str) -> &str {
    let mut t = title.trim_end();
    while let Some(hash) = t.rfind(" #") {
        let digits = &t[hash + 2..];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            break;
        }
        let rest = t[..hash].trim_end().trim_end_matches(',');
        if rest.is_empty() {
            break;
        }
        t = rest.trim_end();
    }
    t
}

/// The body without trailers (`Signed-off-by:`, `Co-authored-by:` …), for the body rules.
fn description(body: &str) -> String {
    body.lines()
        .filter(|l| {
            let l = l.trim_start().to_ascii_lowercase();
            !(l.starts_with("signed-off-by:")
                || l.starts_with("co-authored-by:")
                || l.starts_with("reviewed-by:")
                || l.starts_with("change-id:"))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn has_breaking_footer(body: &str) -> bool {
    body.lines()
        .any(|l| l.starts_with("BREAKING CHANGE:") || l.starts_with("BREAKING-CHANGE:"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::DataDir;

    fn classifier() -> Classifier {
        Classifier::new(Rules::load(&DataDir::Embedded).expect("embedded rules load"))
    }

    fn commit(subject: &str, body: &str, parents: usize) -> RawCommit {
        RawCommit {
            sha: "0123456789abcdef0123456789abcdef01234567".into(),
            parents,
            author: "Dev".into(),
            subject: subject.into(),
            body: body.into(),
        }
    }

    fn one(subject: &str, body: &str, parents: usize) -> Change {
        classifier()
            .classify(&commit(subject, body, parents), None, Some("o/r"))
            .expect("a change")
    }

    #[test]
    fn conventional_type_scope_bang_and_footer() {
        let c = one("feat(api): add endpoint", "", 1);
        assert_eq!(
            (
                c.kind,
                c.type_.as_deref(),
                c.scope.as_deref(),
                c.title.as_str()
            ),
            (Kind::Feature, Some("feat"), Some("api"), "add endpoint")
        );
        assert_eq!(c.rule.style, "conventional");
        assert_eq!(c.rule.rule, "type feat");
        let c = one("refactor!: drop legacy flag", "", 1);
        assert_eq!(c.kind, Kind::Breaking);
        assert_eq!(c.rule.rule, "type refactor!");
        let c = one(
            "fix: rename key",
            "Details.\n\nBREAKING CHANGE: key renamed",
            1,
        );
        assert_eq!(c.kind, Kind::Breaking);
        assert!(
            c.rule.rule.starts_with("breaking-footer"),
            "{}",
            c.rule.rule
        );
        let c = one("docs: explain", "", 1);
        assert_eq!(c.kind, Kind::Docs);
    }

    #[test]
    fn renovate_chore_deps_is_grouped() {
        let cl = classifier();
        let a = cl
            .classify(
                &commit(
                    "chore(deps): update dependency derailed/k9s to v0.31.9 (#692)",
                    "",
                    1,
                ),
                None,
                None,
            )
            .unwrap();
        let b = cl
            .classify(
                &commit(
                    "chore(deps): update dependency derailed/k9s to v0.31.8 (#690)",
                    "",
                    1,
                ),
                None,
                None,
            )
            .unwrap();
        let c = cl
            .classify(
                &commit(
                    "Update dependency kubernetes-sigs/cluster-api to v1.6.2 (#699)",
                    "",
                    1,
                ),
                None,
                None,
            )
            .unwrap();
        assert_eq!(
            (a.kind, b.kind, c.kind),
            (Kind::Deps, Kind::Deps, Kind::Deps)
        );
        assert!(a.rule.rule.contains("renovate"));
        assert!(c.rule.rule.starts_with("keyword"));
        let groups = cl.group_deps(&[a, b, c]);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            (
                groups[0].name.as_str(),
                groups[0].version.as_deref(),
                groups[0].prs.as_slice()
            ),
            ("derailed/k9s", Some("v0.31.9"), &[692, 690][..])
        );
        assert_eq!(groups[1].name, "kubernetes-sigs/cluster-api");
    }

    #[test]
    fn gitmoji_emoji_and_code_forms() {
        for (s, k) in [
            ("✨ Add thing", Kind::Feature),
            (":sparkles: Add thing", Kind::Feature),
            ("🐛 Fix thing", Kind::Fix),
            (":bug: Fix thing", Kind::Fix),
            ("📖 Docs", Kind::Docs),
            (":book: fix(docs): path", Kind::Docs),
            ("🌱 Chore", Kind::Other),
            (":seedling: Chore", Kind::Other),
            ("⚠️ Break", Kind::Breaking),
            ("⚠ Break", Kind::Breaking),
            (":warning: Break", Kind::Breaking),
        ] {
            let c = one(s, "", 1);
            assert_eq!(c.kind, k, "{s}");
            assert_eq!(c.rule.style, "gitmoji", "{s}");
            assert!(
                !c.title.starts_with(':') && !c.title.starts_with('✨'),
                "{s} → {}",
                c.title
            );
        }
    }

    #[test]
    fn hand_parsers_follow_the_grammar() {
        assert_eq!(
            parse_conventional("feat(api)!: x"),
            Some(("feat", Some("api"), true, "x"))
        );
        assert_eq!(parse_conventional("fix:x"), Some(("fix", None, false, "x")));
        assert_eq!(parse_conventional("fix(a(b)): x"), None);
        assert_eq!(parse_conventional("fix: "), None);
        assert_eq!(parse_conventional("Fix thing"), None);
        assert_eq!(
            parse_osism("ceph-ansible: bump"),
            Some(("ceph-ansible", "bump"))
        );
        assert_eq!(parse_osism("https://x: y"), None);
        assert_eq!(parse_osism("Changed: x"), None);
    }

    #[test]
    fn osism_component_message() {
        let c = one("kolla-ansible: fix nova cell mapping", "", 1);
        assert_eq!(
            (c.kind, c.component.as_deref(), c.title.as_str()),
            (Kind::Fix, Some("kolla-ansible"), "fix nova cell mapping")
        );
        assert_eq!(c.rule.style, "osism");
        // A capitalised word is prose, not a component (`Changed: replace apt`).
        assert_eq!(
            one("Changed: replace usages of apt (#536)", "", 1).component,
            None
        );
    }

    #[test]
    fn plain_pr_titles_by_keyword_else_unsorted() {
        let c = one("Fix command not found in Makefile (#416)", "", 1);
        assert_eq!(
            (c.kind, c.pr, c.title.as_str()),
            (Kind::Fix, Some(416), "Fix command not found in Makefile")
        );
        assert_eq!(c.rule.style, "pr-title");
        assert_eq!(c.url.as_deref(), Some("https://github.com/o/r/pull/416"));
        let c = one(
            "Make openstack instance create timeout configurable (#413)",
            "",
            1,
        );
        assert_eq!(c.kind, Kind::Other);
        let c = one("Proxy settings for worker nodes #12 (#645)", "", 1);
        assert_eq!(
            (c.kind, c.title.as_str()),
            (Kind::Other, "Proxy settings for worker nodes")
        );
        let c = one("OVN LB (#687)", "", 1);
        assert_eq!((c.kind, c.rule.rule.as_str()), (Kind::Unsorted, "none"));
        assert_eq!(one("Tolerate new names", "", 1).rule.style, "plain");
    }

    /// The misclassifications of the KaaS v1 R6 range (v6.0.0..v7.0.0), each as found there.
    #[test]
    fn r6_misclassifications_are_sorted_as_the_team_did() {
        // A bug fix whose title names no fix: the description says so.
        let c = one(
            "Update terraform cache directory for providers (#608)",
            "The bug was, that terraform init was called all the time\n\nSigned-off-by: A <a@b>",
            1,
        );
        assert_eq!(c.kind, Kind::Fix, "{}", c.rule.rule);
        assert!(c.rule.rule.starts_with("body #1"), "{}", c.rule.rule);
        // `Fixes: #631` on a change verb is a fix; on a feature verb it is not.
        let c = one("Delete \"*sets\" before k8s pods", "Fixes: #631\n", 1);
        assert_eq!(c.kind, Kind::Fix);
        let c = one(
            "Add option to specify external net via ID",
            "Fixes #572\n",
            1,
        );
        assert_eq!(c.kind, Kind::Feature);
        // Verbs in every form; trailing issue references dropped from the title.
        let c = one("Install kubectx on management node #457 (#617)", "", 1);
        assert_eq!(
            (c.kind, c.title.as_str(), c.pr),
            (Kind::Other, "Install kubectx on management node", Some(617))
        );
        assert_eq!(
            one(
                "Preserves (possible) additional docker-daemon settings (#624)",
                "",
                1
            )
            .kind,
            Kind::Other
        );
        // Version bumps are dependency updates, grouped by name whatever the verb.
        let cl = classifier();
        let ups: Vec<Change> = [
            "Upgrade cilium to v1.15.0 (#686)",
            "Update cilium to v1.15.1 (#702)",
            "Upgrade ingress nginx to v1.9.6 (#704)",
            "Update default cert-manager version to v1.14.2 (#700)",
        ]
        .iter()
        .map(|t| cl.classify(&commit(t, "", 1), None, None).unwrap())
        .collect();
        assert!(ups.iter().all(|c| c.kind == Kind::Deps));
        let groups = cl.group_deps(&ups);
        let names: Vec<(&str, Option<&str>)> = groups
            .iter()
            .map(|g| (g.name.as_str(), g.version.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("cilium", Some("v1.15.0")),
                ("ingress nginx", Some("v1.9.6")),
                ("cert-manager", Some("v1.14.2"))
            ]
        );
        assert_eq!(one("Upgrade R5 to R6 (#711)", "", 1).kind, Kind::Other);
        // Typos in docs are documentation, not bug fixes.
        assert_eq!(
            one("Fix small typos in docs (#658)", "", 1).kind,
            Kind::Docs
        );
        // A branch name as title: the rest decides, else its type.
        let c = one("Feat/calico 3.25.1 (#429)", "", 1);
        assert_eq!((c.kind, c.title.as_str()), (Kind::Deps, "calico 3.25.1"));
        assert_eq!(one("Fix/fullclean namespace (#498)", "", 1).kind, Kind::Fix);
    }

    #[test]
    fn labels_sort_plain_titles_when_enriched() {
        let info = PrInfo {
            title: None,
            labels: vec!["bug".into()],
            author: Some("alice".into()),
        };
        let c = classifier()
            .classify(&commit("OVN LB support (#687)", "", 1), Some(&info), None)
            .unwrap();
        assert_eq!(
            (c.kind, c.rule.rule.as_str(), c.author.as_deref()),
            (Kind::Fix, "label bug", Some("alice"))
        );
    }

    #[test]
    fn merge_commits_take_the_pr_title_from_the_body() {
        let c = one(
            "Merge pull request #238 from SovereignCloudStack/oci-client",
            ":sparkles: Add oci as assets client",
            2,
        );
        assert_eq!(
            (c.kind, c.pr, c.title.as_str()),
            (Kind::Feature, Some(238), "Add oci as assets client")
        );
        assert_eq!(c.rule.style, "merge/gitmoji");
        let c = one(
            "Merge pull request #255 from SovereignCloudStack/tg/update-to-capi-1.8",
            "",
            2,
        );
        assert_eq!(
            (c.kind, c.title.as_str()),
            (Kind::Unsorted, "tg/update-to-capi-1.8")
        );
        assert!(
            classifier()
                .classify(
                    &commit("Merge branch 'main' into feat/x", "", 2),
                    None,
                    None
                )
                .is_none()
        );
    }
}
