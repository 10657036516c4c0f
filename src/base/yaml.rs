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
    options.budget = Some(budget());
    options.alias_limits.max_total_replayed_events = crate::base::limits::YAML_MAX_EXPANDED_EVENTS;
    options.alias_limits.max_replay_stack_depth = crate::base::limits::YAML_MAX_DEPTH;
    serde_saphyr::from_str_with_options::<T>(text, options).map_err(|e| {
        let (line, column) = e
            .location()
            .map(|l| (l.line() as usize, l.column() as usize))
            .unwrap_or((1, 1));
        YamlError::new(
            file,
            line,
            column,
            explain(&without_values(&plain_message(&e.to_string()))),
        )
    })
}

/// The typed loader's budget: the numbers of [`crate::limits`], which [`parse_tree`] applies too.
fn budget() -> serde_saphyr::Budget {
    use crate::base::limits::*;
    let mut b = serde_saphyr::Budget::default();
    b.max_depth = YAML_MAX_DEPTH;
    b.max_events = YAML_MAX_EVENTS;
    b.max_nodes = YAML_MAX_NODES;
    b.max_aliases = YAML_MAX_ALIASES;
    b.max_anchors = YAML_MAX_ANCHORS;
    b.max_total_scalar_bytes = YAML_MAX_SCALAR_BYTES;
    b
}

/// Read and deserialize a YAML file.
pub fn load<T: DeserializeOwned>(file: &Path) -> Result<T, YamlError> {
    from_str(&read(file)?, file)
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

/// Drop the input values serde quotes in its messages (`invalid type: string "hunter2",
/// expected u32` → `invalid type: a string, expected u32`): a value that did not parse may be
/// a secret in the wrong place. Keys and enum variants stay; they are names, not values.
pub fn without_values(message: &str) -> String {
    static VALUE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"\b(?:string "(?:[^"\\]|\\.)*"|character `[^`]*`|integer `[^`]*`|floating point `[^`]*`|boolean `[^`]*`)"#,
        )
        .expect("valid regex")
    });
    VALUE
        .replace_all(message, |c: &regex::Captures| {
            let m = &c[0];
            if m.starts_with("string") {
                "a string"
            } else if m.starts_with("character") {
                "a character"
            } else if m.starts_with("integer") {
                "an integer"
            } else if m.starts_with("floating") {
                "a number"
            } else {
                "a boolean"
            }
        })
        .into_owned()
}

/// The message of a breached YAML budget, the same for both readers.
fn over_budget(what: &str, limit: usize) -> String {
    let hint = if what.contains("alias") {
        " (an alias bomb?)"
    } else {
        ""
    };
    format!("{what} exceeds the limit of {limit}{hint}")
}

/// serde-saphyr's budget messages (`budget breached: Nodes { nodes: 250001 }`, `alias replay
/// limit exceeded: …`) in the words [`parse_tree`] uses.
fn explain_budget(message: &str) -> Option<String> {
    use crate::base::limits::*;
    let (what, limit) = if let Some(rest) = message.strip_prefix("budget breached: ") {
        match rest.split([' ', '{']).next().unwrap_or("") {
            "Nodes" => ("the number of YAML nodes", YAML_MAX_NODES),
            "Events" => ("the number of YAML events", YAML_MAX_EVENTS),
            "Aliases" => ("the number of aliases", YAML_MAX_ALIASES),
            "Anchors" => ("the number of anchors", YAML_MAX_ANCHORS),
            "Depth" => ("the nesting depth", YAML_MAX_DEPTH),
            "ScalarBytes" => (
                "the size of the scalar text in bytes",
                YAML_MAX_SCALAR_BYTES,
            ),
            "AliasAnchorRatio" => {
                return Some(
                    "far more aliases than anchors (more than 10 per anchor): refusing what looks like an alias bomb"
                        .into(),
                );
            }
            "RecordedAnchorEvents" | "RecordedAnchorBytes" => (
                "expanding aliases: the size of the anchored values",
                YAML_MAX_EXPANDED_EVENTS,
            ),
            other => return Some(format!("the document exceeds a YAML budget ({other})")),
        }
    } else if message.starts_with("alias replay limit exceeded") {
        (
            "expanding aliases: the number of YAML events copied",
            YAML_MAX_EXPANDED_EVENTS,
        )
    } else if message.starts_with("alias replay stack depth exceeded") {
        ("expanding aliases: the nesting of aliases", YAML_MAX_DEPTH)
    } else {
        return None;
    };
    Some(over_budget(what, limit))
}

/// Turn parser jargon into plain words and add "did you mean" to unknown keys and values.
fn explain(message: &str) -> String {
    let message = message.replace(" (defined)", "").replace(" (used)", "");
    let message = message.as_str();
    if let Some(m) = explain_budget(message) {
        return m;
    }
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
            if let Some(near) = super::suggest::nearest(bad, expected.iter().copied()) {
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
///
/// The same budgets as the typed loader ([`from_str`]) apply, see [`crate::limits`]: nesting
/// depth, events, nodes (aliases expanded), anchors, aliases, and — what stops an alias
/// bomb — the events and scalar bytes that expanding aliases would copy. A breach fails at
/// the offending position, before the copy is made.
pub fn parse_tree(text: &str, file: &Path) -> Result<Node, YamlError> {
    use crate::base::limits::{
        YAML_MAX_ALIASES, YAML_MAX_ANCHORS, YAML_MAX_DEPTH, YAML_MAX_EVENTS,
        YAML_MAX_EXPANDED_EVENTS, YAML_MAX_NODES, YAML_MAX_SCALAR_BYTES,
    };
    use std::collections::{HashMap, HashSet};

    /// A map under construction: entries, key → position, keys that came from `<<:` merges.
    struct OpenMap {
        node: Node,
        size: Size,
        key: Option<String>,
        anchor: Option<usize>,
        index: HashMap<String, usize>,
        merged: HashSet<String>,
    }
    enum Open {
        Seq(Node, Size, Option<usize>),
        Map(Box<OpenMap>),
    }
    let mut parser = Parser::new_from_str(text);
    let mut anchors: HashMap<usize, (Node, Size)> = HashMap::new();
    let mut stack: Vec<Open> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    let (mut events, mut nodes, mut aliases, mut expanded, mut scalar_bytes) = (0, 0, 0, 0, 0);
    let err = |line: usize, col: usize, msg: String| YamlError::new(file, line, col, msg);
    let over = |line: usize, col: usize, what: &str, limit: usize| {
        err(line, col, over_budget(what, limit))
    };
    while let Some(next) = parser.next_event() {
        let (event, span) =
            next.map_err(|e| err(e.marker().line(), e.marker().col() + 1, e.info()))?;
        let (line, column) = (span.start.line(), span.start.col() + 1);
        events += 1;
        if events > YAML_MAX_EVENTS {
            return Err(over(
                line,
                column,
                "the number of YAML events",
                YAML_MAX_EVENTS,
            ));
        }
        if matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        ) {
            nodes += 1;
            if nodes > YAML_MAX_NODES {
                return Err(over(
                    line,
                    column,
                    "the number of YAML nodes",
                    YAML_MAX_NODES,
                ));
            }
        }
        if matches!(event, Event::SequenceStart(..) | Event::MappingStart(..))
            && stack.len() >= YAML_MAX_DEPTH
        {
            return Err(over(line, column, "the nesting depth", YAML_MAX_DEPTH));
        }
        let (node, size) = match event {
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
                    Size::COLLECTION,
                    nonzero(anchor),
                ));
                continue;
            }
            Event::MappingStart(_, anchor, _) => {
                stack.push(Open::Map(Box::new(OpenMap {
                    node: Node {
                        value: Value::Map(vec![]),
                        line,
                        column,
                    },
                    size: Size::COLLECTION,
                    key: None,
                    anchor: nonzero(anchor),
                    index: HashMap::new(),
                    merged: HashSet::new(),
                })));
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Open::Seq(n, size, anchor)) => (remember(&mut anchors, anchor, n, size), size),
                _ => return Err(err(line, column, "unbalanced sequence".into())),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Open::Map(m)) => (remember(&mut anchors, m.anchor, m.node, m.size), m.size),
                _ => return Err(err(line, column, "unbalanced mapping".into())),
            },
            Event::Scalar(text, style, anchor, tag) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                let tag = tag.map(|t| t.to_string());
                let size = Size {
                    events: 1,
                    nodes: 1,
                    bytes: text.len() + tag.as_ref().map_or(0, String::len),
                };
                scalar_bytes += size.bytes;
                if scalar_bytes > YAML_MAX_SCALAR_BYTES {
                    return Err(over(
                        line,
                        column,
                        "the size of the scalar text in bytes",
                        YAML_MAX_SCALAR_BYTES,
                    ));
                }
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
                let node = Node {
                    value,
                    line,
                    column,
                };
                (remember(&mut anchors, nonzero(anchor), node, size), size)
            }
            Event::Alias(id) => {
                aliases += 1;
                if aliases > YAML_MAX_ALIASES {
                    return Err(over(
                        line,
                        column,
                        "the number of aliases",
                        YAML_MAX_ALIASES,
                    ));
                }
                let Some((n, size)) = anchors.get(&id) else {
                    return Err(err(line, column, "alias to an unknown anchor".into()));
                };
                // Count what the copy costs before making it. Copied nodes count against the
                // node budget as well, as serde-saphyr counts replayed nodes.
                nodes += size.nodes;
                if nodes > YAML_MAX_NODES {
                    return Err(over(
                        line,
                        column,
                        "expanding aliases: the number of YAML nodes",
                        YAML_MAX_NODES,
                    ));
                }
                expanded += size.events;
                if expanded > YAML_MAX_EXPANDED_EVENTS {
                    return Err(over(
                        line,
                        column,
                        "expanding aliases: the number of YAML events copied",
                        YAML_MAX_EXPANDED_EVENTS,
                    ));
                }
                scalar_bytes += size.bytes;
                if scalar_bytes > YAML_MAX_SCALAR_BYTES {
                    return Err(over(
                        line,
                        column,
                        "expanding aliases: the size of the scalar text in bytes",
                        YAML_MAX_SCALAR_BYTES,
                    ));
                }
                let mut n = n.clone();
                n.line = line;
                n.column = column;
                (n, *size)
            }
            _ => continue,
        };
        if anchors.len() > YAML_MAX_ANCHORS {
            return Err(over(
                line,
                column,
                "the number of anchors",
                YAML_MAX_ANCHORS,
            ));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(seq, seq_size, _)) => {
                seq_size.add(size);
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(m)) => match m.key.take() {
                None => match &node.value {
                    Value::Scalar { text, .. } => m.key = Some(text.clone()),
                    Value::Null => m.key = Some(String::new()),
                    _ => {
                        return Err(err(
                            node.line,
                            node.column,
                            "expected a scalar mapping key".into(),
                        ));
                    }
                },
                Some(k) => {
                    m.size.add(size);
                    let OpenMap {
                        node: map,
                        index,
                        merged,
                        ..
                    } = &mut **m;
                    if let Value::Map(entries) = &mut map.value {
                        if k == "<<" {
                            merge(entries, index, merged, node);
                        } else if merged.remove(&k) {
                            // An explicit key overrides one that came from a merge.
                            if let Some(&pos) = index.get(&k) {
                                entries[pos].1 = node;
                            }
                        } else if let Some(&pos) = index.get(&k) {
                            return Err(err(
                                node.line,
                                node.column,
                                format!(
                                    "duplicate key `{k}` (first defined on line {})",
                                    entries[pos].1.line
                                ),
                            ));
                        } else {
                            index.insert(k.clone(), entries.len());
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

/// What a subtree costs: its parser events (a scalar 1, a collection 2 plus its content, as
/// serde-saphyr counts replayed events), nodes and scalar bytes, so an alias to it costs the
/// same.
#[derive(Debug, Clone, Copy)]
struct Size {
    events: usize,
    nodes: usize,
    bytes: usize,
}

impl Size {
    /// An empty collection: its start and end events.
    const COLLECTION: Size = Size {
        events: 2,
        nodes: 1,
        bytes: 0,
    };

    fn add(&mut self, other: Size) {
        self.events = self.events.saturating_add(other.events);
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

fn nonzero(anchor: usize) -> Option<usize> {
    (anchor != 0).then_some(anchor)
}

fn remember(
    anchors: &mut std::collections::HashMap<usize, (Node, Size)>,
    anchor: Option<usize>,
    node: Node,
    size: Size,
) -> Node {
    if let Some(id) = anchor {
        anchors.insert(id, (node.clone(), size));
    }
    node
}

/// `<<: *anchor` merge: keys already present win. Records the keys it added in `merged`.
fn merge(
    entries: &mut Vec<(String, Node)>,
    index: &mut std::collections::HashMap<String, usize>,
    merged: &mut std::collections::HashSet<String>,
    source: Node,
) {
    let sources = match source.value {
        Value::Seq(items) => items,
        _ => vec![source],
    };
    for s in sources {
        if let Value::Map(src) = s.value {
            for (k, v) in src {
                if !index.contains_key(&k) {
                    merged.insert(k.clone());
                    index.insert(k.clone(), entries.len());
                    entries.push((k, v));
                }
            }
        }
    }
}

/// Read a file (at most [`crate::base::limits::YAML_MAX_FILE_BYTES`]) and parse it as a tree.
pub fn load_tree(file: &Path) -> Result<Node, YamlError> {
    parse_tree(&read(file)?, file)
}

/// Read a YAML file of at most [`crate::base::limits::YAML_MAX_FILE_BYTES`].
pub fn read(file: &Path) -> Result<String, YamlError> {
    crate::base::limits::read_text(
        file,
        crate::base::limits::YAML_MAX_FILE_BYTES,
        "a YAML file",
    )
    .map_err(|e| match e {
        crate::base::limits::ReadError::Io(e) => {
            YamlError::new(file, 0, 0, format!("cannot read file: {e}"))
        }
        other => YamlError::new(file, 1, 1, other.to_string()),
    })
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

    /// A "billion laughs" of 10 levels × 10 references: 10^10 scalars expanded.
    fn bomb() -> String {
        let mut out = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            out.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        out
    }

    #[test]
    fn alias_bombs_hit_the_same_budget_in_both_readers() {
        let tree = parse_tree(&bomb(), Path::new("bomb.yml")).unwrap_err();
        let typed = from_str::<serde_json::Value>(&bomb(), Path::new("bomb.yml")).unwrap_err();
        insta::assert_snapshot!("alias_bomb", format!("tree:  {tree}\ntyped: {typed}"));
    }

    #[test]
    fn deep_nesting_and_many_aliases_are_bounded() {
        let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
        let e = parse_tree(&deep, Path::new("deep.yml")).unwrap_err();
        let big_scalar = format!(
            "a: &a {}\nb: [{}]\n",
            "x".repeat(1 << 20),
            vec!["*a"; 65].join(", ")
        );
        let bytes = parse_tree(&big_scalar, Path::new("big.yml")).unwrap_err();
        insta::assert_snapshot!("nesting_and_bytes", format!("{e}\n{bytes}"));
        // 64 levels are fine, as in serde-saphyr.
        let ok = format!("{}{}", "[".repeat(64), "]".repeat(64));
        assert!(parse_tree(&ok, Path::new("ok.yml")).is_ok());
    }

    #[test]
    fn many_keys_are_read_in_linear_time() {
        // 100 000 keys: the duplicate check was quadratic.
        let text: String = (0..100_000).map(|i| format!("k{i}: {i}\n")).collect();
        let t = parse_tree(&text, Path::new("keys.yml")).unwrap();
        assert_eq!(t.entries().len(), 100_000);
    }

    #[test]
    fn serde_messages_lose_their_values() {
        assert_eq!(
            without_values(r#"invalid type: string "hunter2 \"x\"", expected u32"#),
            "invalid type: a string, expected u32"
        );
        assert_eq!(
            without_values("invalid value: integer `1234`, expected a boolean"),
            "invalid value: an integer, expected a boolean"
        );
        assert_eq!(
            without_values("unknown field `osd_host`, expected one of `osd_hosts`"),
            "unknown field `osd_host`, expected one of `osd_hosts`"
        );
    }
}
