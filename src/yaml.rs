//! YAML loading with located errors.
//!
//! Two ways in, both reporting `file:line:col` and what was expected:
//! - [`from_str`] deserializes into typed structs (serde-saphyr). Unknown keys are rejected by
//!   the structs (`deny_unknown_fields`); the error names the nearest valid key.
//! - [`parse_tree`] reads any document into a [`Node`] tree that keeps every scalar's raw text
//!   (`2023.2` stays `"2023.2"`, never a float) with its position. Used for manifests and
//!   operator configuration whose keys are open-ended.

use std::fmt;
use std::path::{Path, PathBuf};

use granit_parser::{Event, Parser, ScalarStyle};
use serde::de::DeserializeOwned;

/// A position in a file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A YAML document that could not be read, with where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct YamlError {
    pub location: Location,
    pub message: String,
}

impl YamlError {
    pub fn new(file: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        YamlError {
            location: Location {
                file: file.to_path_buf(),
                line,
                column,
            },
            message: message.into(),
        }
    }
}

/// Deserialize `text` (read from `file`) into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str, file: &Path) -> Result<T, YamlError> {
    let mut options = serde_saphyr::options! { with_snippet: false };
    options.strict_booleans = false;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        YamlError::new(file, line, column, explain(&plain_message(&e.to_string())))
    })
}

/// Read and deserialize a YAML file.
pub fn load<T: DeserializeOwned>(file: &Path) -> Result<T, YamlError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| YamlError::new(file, 0, 0, format!("cannot read file: {e}")))?;
    from_str(&text, file)
}

/// serde-saphyr prefixes "error: line L column C: "; we print the location ourselves.
fn plain_message(raw: &str) -> String {
    static AT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r" at line \d+, column \d+").expect("valid regex")
    });
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let msg = match first.find(": ") {
        Some(i) if first[..i].starts_with("line ") => &first[i + 2..],
        _ => first,
    };
    AT.replace_all(msg, "").into_owned()
}

/// Turn parser jargon into plain words and add "did you mean" to unknown keys and values.
fn explain(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return format!("duplicate key `{key}`");
    }
    if message.starts_with("multiple YAML documents detected") {
        return "expected one YAML document, found a second one (`---`)".into();
    }
    if message.contains("externally tagged enum expected scalar or mapping") {
        return "expected a single word here (one of the allowed values), found a list or broken value".into();
    }
    if message == "expected string scalar" {
        return "expected a text value, found a list or mapping".into();
    }
    if message.contains("month") || message.contains("day") || message.contains("year") {
        return format!("invalid date, expected YYYY-MM-DD ({message})");
    }
    for what in ["unknown field `", "unknown variant `"] {
        if let Some(rest) = message.strip_prefix(what) {
            let Some(end) = rest.find('`') else { break };
            let bad = &rest[..end];
            let expected: Vec<&str> = rest[end..]
                .split_once("expected one of ")
                .or_else(|| rest[end..].split_once("expected "))
                .map(|(_, list)| {
                    list.split(',')
                        .map(|s| s.trim().trim_matches('`'))
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            let kind = if what.contains("field") {
                "key"
            } else {
                "value"
            };
            let mut out = format!("unknown {kind} `{bad}`");
            if let Some(near) = nearest(bad, expected.iter().copied()) {
                out.push_str(&format!(", did you mean `{near}`?"));
            }
            if !expected.is_empty() {
                out.push_str(&format!(" (expected one of: {})", expected.join(", ")));
            }
            return out;
        }
    }
    message.to_string()
}

/// The candidate closest to `word`, if any is reasonably close.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::normalized_damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()),
                c,
            )
        })
        .filter(|(score, _)| *score >= 0.5)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// An untyped YAML node that keeps scalar text exactly as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar with its raw text. `quoted` is false for plain scalars; `tag` holds e.g. `!vault`.
    Scalar {
        text: String,
        quoted: bool,
        tag: Option<String>,
    },
    /// A plain empty scalar, `~` or `null`.
    Null,
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// Look up a key of a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(String, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    /// A YAML 1.1 boolean (Ansible): yes/no/on/off/true/false/y/n in any case.
    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Scalar {
                text,
                quoted: false,
                ..
            } => parse_yaml11_bool(text),
            _ => None,
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Scalar { .. } => "a scalar",
            Value::Null => "null",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// YAML 1.1 boolean spellings, as Ansible reads them.
pub fn parse_yaml11_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" | "on" => Some(true),
        "no" | "n" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// Parse one YAML document into a [`Node`] tree. An empty document is `Null`.
pub fn parse_tree(text: &str, file: &Path) -> Result<Node, YamlError> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: std::collections::HashMap<usize, Node> = std::collections::HashMap::new();
    // Stack of open collections: (node under construction, pending key for maps).
    enum Open {
        Seq(Node, Option<usize>),
        /// The map, the pending key, its anchor, and keys that came from `<<:` merges.
        Map(Node, Option<String>, Option<usize>, Vec<String>),
    }
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let err = |line: usize, col: usize, msg: String| YamlError::new(file, line, col, msg);
    while let Some(next) = parser.next_event() {
        let (event, span) =
            next.map_err(|e| err(e.marker().line(), e.marker().col() + 1, e.info()))?;
        let (line, column) = (span.start.line(), span.start.col() + 1);
        let node = match event {
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(err(
                        line,
                        column,
                        "expected one YAML document, found a second one".into(),
                    ));
                }
                continue;
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => continue,
            Event::SequenceStart(_, anchor, _) => {
                stack.push(Open::Seq(
                    Node {
                        value: Value::Seq(vec![]),
                        line,
                        column,
                    },
                    nonzero(anchor),
                ));
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Open::Map(
                    Node {
                        value: Value::Map(vec![]),
                        line,
                        column,
                    },
                    None,
                    nonzero(anchor),
                    vec![],
                ));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(n, anchor)) => remember(&mut anchors, anchor, n),
                _ => return Err(err(line, column, "unbalanced sequence".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(n, _, anchor, _)) => remember(&mut anchors, anchor, n),
                _ => return Err(err(line, column, "unbalanced mapping".into())),
            },
            Event::Scalar(text, style, anchor, tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let tag = tag.map(|t| t.to_string());
                let value = if !quoted
                    && tag.is_none()
                    && matches!(text.as_ref(), "" | "~" | "null" | "Null" | "NULL")
                {
                    Value::Null
                } else {
                    Value::Scalar {
                        text: text.into_owned(),
                        quoted,
                        tag,
                    }
                };
                remember(
                    &mut anchors,
                    nonzero(anchor),
                    Node {
                        value,
                        line,
                        column,
                    },
                )
            }
            Event::Alias(id) => anchors
                .get(&id)
                .cloned()
                .map(|mut n| {
                    n.line = line;
                    n.column = column;
                    n
                })
                .ok_or_else(|| err(line, column, "alias to an unknown anchor".into()))?,
            _ => continue,
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, key, _, merged)) => match key.take() {
                None => match &node.value {
                    Value::Scalar { text, .. } => *key = Some(text.clone()),
                    Value::Null => *key = Some(String::new()),
                    _ => {
                        return Err(err(
                            node.line,
                            node.column,
                            "expected a scalar mapping key".into(),
                        ));
                    }
                },
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        if k == "<<" {
                            merged.extend(merge(entries, node));
                        } else if let Some(pos) = merged.iter().position(|m| *m == k) {
                            // An explicit key overrides one that came from a merge.
                            merged.remove(pos);
                            if let Some(slot) = entries.iter_mut().find(|(e, _)| *e == k) {
                                slot.1 = node;
                            }
                        } else if let Some(dup) = entries.iter().find(|(e, _)| *e == k) {
                            return Err(err(
                                node.line,
                                node.column,
                                format!(
                                    "duplicate key `{k}` (first defined on line {})",
                                    dup.1.line
                                ),
                            ));
                        } else {
                            entries.push((k, node));
                        }
                    }
                }
            },
        }
    }
    Ok(root.unwrap_or(Node {
        value: Value::Null,
        line: 1,
        column: 1,
    }))
}

fn nonzero(anchor: usize) -> Option<usize> {
    (anchor != 0).then_some(anchor)
}

fn remember(
    anchors: &mut std::collections::HashMap<usize, Node>,
    anchor: Option<usize>,
    node: Node,
) -> Node {
    if let Some(id) = anchor {
        anchors.insert(id, node.clone());
    }
    node
}

/// `<<: *anchor` merge: keys already present win. Returns the keys it added.
fn merge(entries: &mut Vec<(String, Node)>, source: Node) -> Vec<String> {
    let sources = match source.value {
        Value::Seq(items) => items,
        _ => vec![source],
    };
    let mut added = Vec::new();
    for s in sources {
        if let Value::Map(src) = s.value {
            for (k, v) in src {
                if !entries.iter().any(|(e, _)| *e == k) {
                    added.push(k.clone());
                    entries.push((k, v));
                }
            }
        }
    }
    added
}

/// Read a file and parse it as a tree.
pub fn load_tree(file: &Path) -> Result<Node, YamlError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| YamlError::new(file, 0, 0, format!("cannot read file: {e}")))?;
    parse_tree(&text, file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_keeps_raw_scalars_and_positions() {
        let t = parse_tree(
            "a: 2023.1\nb: '1.10'\nc:\n  d: ~\n  e: yes\n",
            Path::new("x.yml"),
        )
        .unwrap();
        assert_eq!(t.get("a").unwrap().as_str(), Some("2023.1"));
        assert_eq!(t.get("b").unwrap().as_str(), Some("1.10"));
        let c = t.get("c").unwrap();
        assert!(c.get("d").unwrap().is_null());
        assert_eq!(c.get("e").unwrap().as_bool(), Some(true));
        assert_eq!(
            (c.get("e").unwrap().line, c.get("e").unwrap().column),
            (5, 6)
        );
    }

    #[test]
    fn tree_merges_anchors_and_rejects_duplicates() {
        let t = parse_tree(
            "base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  y: 3\n",
            Path::new("m.yml"),
        )
        .unwrap();
        let o = t.get("other").unwrap();
        assert_eq!(o.get("x").unwrap().as_str(), Some("1"));
        assert_eq!(o.get("y").unwrap().as_str(), Some("3"));
        let e = parse_tree("a: 1\na: 2\n", Path::new("d.yml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "d.yml:2:4: duplicate key `a` (first defined on line 1)"
        );
    }

    #[test]
    fn unknown_field_names_the_nearest() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            osism_version: String,
        }
        let e = from_str::<S>("osism_verison: 1\n", Path::new("r.yaml")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "r.yaml:1:1: unknown key `osism_verison`, did you mean `osism_version`? (expected one of: osism_version)"
        );
    }
}
