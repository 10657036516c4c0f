//! Classification rules as data (`releases/notes/rules.yaml`).

use indexmap::IndexMap;
use regex::Regex;
use serde::Deserialize;

use super::context::Kind;
use super::error::NotesError;
use crate::data::DataDir;

pub const RULES_FILE: &str = "releases/notes/rules.yaml";

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    schema_version: u32,
    gitmoji: Vec<GitmojiRule>,
    conventional: IndexMap<String, String>,
    #[serde(default)]
    deps_scopes: Vec<String>,
    #[serde(default)]
    labels: IndexMap<String, String>,
    #[serde(default)]
    keywords: Vec<KeywordRuleFile>,
    #[serde(default)]
    body_keywords: Vec<BodyRuleFile>,
    /// GitHub labels that put a change into the SCS notes' highlights (with `--github`).
    #[serde(default)]
    highlight_labels: Vec<String>,
    /// Labels of open issues that the SCS notes list as known issues of KaaS v2 (`--github`).
    #[serde(default)]
    known_issue_labels: Vec<String>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodyRuleFile {
    #[serde(default)]
    name: Option<String>,
    kind: String,
    pattern: String,
    /// The kinds (decided by a keyword rule or none) this rule may change.
    over: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GitmojiRule {
    pub emoji: String,
    pub code: String,
    pub kind: String,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordRuleFile {
    /// What the notes say decided (`fix verb`); default: the pattern.
    #[serde(default)]
    name: Option<String>,
    kind: String,
    pattern: String,
}

#[derive(Debug, Clone)]
pub struct KeywordRule {
    pub name: String,
    pub kind: Kind,
    pub pattern: String,
    pub regex: Regex,
}

/// A rule on the commit body, asked when a keyword rule (or none) decided one of `over`.
#[derive(Debug, Clone)]
pub struct BodyRule {
    pub rule: KeywordRule,
    pub over: Vec<Kind>,
}

/// Compiled rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// (prefix text, kind, display) – emoji (with and without U+FE0F) and `:code:` forms.
    pub gitmoji: Vec<(String, Kind, String)>,
    pub conventional: IndexMap<String, Kind>,
    pub deps_scopes: Vec<String>,
    pub labels: IndexMap<String, Kind>,
    pub keywords: Vec<KeywordRule>,
    pub body_keywords: Vec<BodyRule>,
    pub highlight_labels: Vec<String>,
    pub known_issue_labels: Vec<String>,
}

impl Rules {
    pub fn load(data: &DataDir) -> Result<Rules, NotesError> {
        let path = data.display_path(RULES_FILE);
        let text = data.read(RULES_FILE)?;
        Rules::parse(&text, &path)
    }

    pub fn parse(text: &str, path: &std::path::Path) -> Result<Rules, NotesError> {
        let file: RulesFile = crate::data::parse(text, path)?;
        let bad = |message: String| NotesError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        let kind = |where_: String, k: &str| {
            Kind::parse(k).ok_or_else(|| {
                bad(format!(
                    "{where_}: unknown kind `{k}` (expected one of: {})",
                    Kind::ALL
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
        };
        let mut gitmoji = Vec::new();
        for (i, g) in file.gitmoji.iter().enumerate() {
            let k = kind(format!("gitmoji[{i}]"), &g.kind)?;
            if !(g.code.len() > 2 && g.code.starts_with(':') && g.code.ends_with(':'))
                || g.emoji.is_ascii()
            {
                return Err(bad(format!(
                    "gitmoji[{i}]: expected an emoji and a `:code:` (got `{}` and `{}`)",
                    g.emoji, g.code
                )));
            }
            let bare = g.emoji.trim_end_matches('\u{fe0f}').to_string();
            if bare != g.emoji {
                gitmoji.push((g.emoji.clone(), k, g.code.clone()));
            }
            gitmoji.push((bare, k, g.code.clone()));
            gitmoji.push((g.code.clone(), k, g.code.clone()));
        }
        // Longest prefix first, so `⚠️` wins over `⚠`.
        gitmoji.sort_by_key(|g| std::cmp::Reverse(g.0.len()));
        let mut conventional = IndexMap::new();
        for (t, k) in &file.conventional {
            conventional.insert(
                t.to_ascii_lowercase(),
                kind(format!("conventional.{t}"), k)?,
            );
        }
        let mut labels = IndexMap::new();
        for (l, k) in &file.labels {
            labels.insert(l.to_ascii_lowercase(), kind(format!("labels.{l}"), k)?);
        }
        let mut keywords = Vec::new();
        for (i, r) in file.keywords.iter().enumerate() {
            let k = kind(format!("keywords[{i}]"), &r.kind)?;
            let regex = regex::RegexBuilder::new(&r.pattern)
                .case_insensitive(true)
                .build()
                .map_err(|e| bad(format!("keywords[{i}].pattern: not a valid regex: {e}")))?;
            keywords.push(KeywordRule {
                name: r.name.clone().unwrap_or_else(|| r.pattern.clone()),
                kind: k,
                pattern: r.pattern.clone(),
                regex,
            });
        }
        let mut body_keywords = Vec::new();
        for (i, r) in file.body_keywords.iter().enumerate() {
            let k = kind(format!("body_keywords[{i}]"), &r.kind)?;
            let regex = regex::RegexBuilder::new(&r.pattern)
                .case_insensitive(true)
                .build()
                .map_err(|e| {
                    bad(format!(
                        "body_keywords[{i}].pattern: not a valid regex: {e}"
                    ))
                })?;
            let over = r
                .over
                .iter()
                .enumerate()
                .map(|(j, o)| kind(format!("body_keywords[{i}].over[{j}]"), o))
                .collect::<Result<Vec<_>, _>>()?;
            body_keywords.push(BodyRule {
                rule: KeywordRule {
                    name: r.name.clone().unwrap_or_else(|| r.pattern.clone()),
                    kind: k,
                    pattern: r.pattern.clone(),
                    regex,
                },
                over,
            });
        }
        Ok(Rules {
            gitmoji,
            conventional,
            deps_scopes: file.deps_scopes,
            labels,
            keywords,
            body_keywords,
            highlight_labels: file.highlight_labels,
            known_issue_labels: file.known_issue_labels,
        })
    }
}

impl crate::data::DataFile for RulesFile {
    const SCHEMA_VERSION: u32 = 1;
    fn schema_version(&self) -> u32 {
        self.schema_version
    }
}
