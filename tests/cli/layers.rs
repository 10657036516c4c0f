//! The layering rule of the README's design section, checked on the source: every path to
//! another module (`use crate::…`, `crate::…` inline, `super::…` that climbs out) points
//! down the flow
//!
//!   base, data < git, forge < release < evidence, probe < check, plan, rc, notes < record
//!   < render < app < cli
//!
//! (modules of one rank are siblings: no arrows between them), and no import cycle between
//! files, at any depth (`plan/compile.rs` → `plan/sim.rs` → `plan/compile.rs`, or two files
//! of `render/plan/`). A `mod.rs` declaring, re-exporting and calling its own children by
//! their bare names (`mod ics; pub use ics::ics;`) is how a module is built, not an import;
//! a child using its parent's items through `super::` is one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Rank of each top-level module; equal ranks are siblings.
const RANKS: &[(&str, u8)] = &[
    ("base", 0),
    ("data", 1),
    ("git", 2),
    ("forge", 2),
    ("release", 3),
    ("evidence", 4),
    ("probe", 4),
    ("check", 5),
    ("plan", 5),
    ("rc", 5),
    ("notes", 5),
    ("record", 6),
    ("render", 7),
    ("app", 8),
    ("cli", 9),
];

fn rank(m: &str) -> Option<u8> {
    RANKS.iter().find(|(n, _)| *n == m).map(|(_, r)| *r)
}

fn rs_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rs_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/plan/sim.rs` → [plan, sim]; `src/plan/mod.rs` → [plan]; `src/lib.rs` → [].
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and string literals (so doc text and messages that
/// mention `crate::x` do not count), keeping line breaks.
fn code_only(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'/' && b.get(i + 1) == Some(&b'/') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
            i += 2;
            while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                if b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if b[i] == b'r'
            && (b.get(i + 1) == Some(&b'#') || b.get(i + 1) == Some(&b'"'))
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
        {
            // raw string r#"…"#
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&b'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&b'"') {
                out.push(b[i] as char);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= b.len() {
                    break;
                }
                if b[j] == b'"'
                    && b[j + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|c| **c == b'#')
                        .count()
                        == hashes
                {
                    j += 1 + hashes;
                    break;
                }
                if b[j] == b'\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(b[i] as char);
            i += 1;
        }
    }
    out
}

/// Every module path a file names: `crate::a::b…`, `crate::{a::x, b}`, `super::…`, with
/// the line it is on. Each result is the absolute path as written (module path, possibly
/// followed by an item name).
fn references(module: &[String], code: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = rest.find(['c', 's']) {
            let before_ok = i == 0
                || !rest[..i]
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
            let tail = &rest[i..];
            if before_ok && tail.starts_with("crate::") {
                let after = &tail["crate::".len()..];
                if let Some(group) = after.strip_prefix('{') {
                    // crate::{a::x, b} – the first segment of each item
                    let mut depth = 0;
                    let mut item = String::new();
                    for c in group.chars() {
                        match c {
                            '{' => depth += 1,
                            '}' if depth == 0 => break,
                            '}' => depth -= 1,
                            ',' if depth == 0 => {
                                let id = ident(item.trim());
                                if !id.is_empty() {
                                    out.push((n + 1, vec![id]));
                                }
                                item.clear();
                                continue;
                            }
                            _ => {}
                        }
                        item.push(c);
                    }
                    let id = ident(item.trim());
                    if !id.is_empty() {
                        out.push((n + 1, vec![id]));
                    }
                } else {
                    let segs: Vec<String> = after
                        .split("::")
                        .map(ident)
                        .take_while(|s| !s.is_empty())
                        .collect();
                    if !segs[0].is_empty() {
                        out.push((n + 1, segs));
                    }
                }
                rest = &tail["crate::".len()..];
            } else if before_ok && tail.starts_with("super::") {
                let mut path = module.to_vec();
                let mut t = tail;
                while let Some(r) = t.strip_prefix("super::") {
                    path.pop();
                    t = r;
                }
                path.extend(
                    t.split("::")
                        .map(ident)
                        .take_while(|s| !s.is_empty() && s != "self"),
                );
                out.push((n + 1, path));
                rest = t;
            } else {
                rest = &tail[1..];
            }
        }
    }
    out
}

#[test]
fn every_module_import_points_down_the_flow() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rs_files(&src, &mut files);
    files.sort();
    let mut back_arrows = Vec::new();
    // file-level graph within each top-level module
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    let existing: BTreeSet<Vec<String>> = files.iter().map(|f| module_path(&src, f)).collect();
    for f in &files {
        let module = module_path(&src, f);
        let Some(top) = module.first() else { continue };
        let Some(mine) = rank(top) else {
            back_arrows.push(format!(
                "{}: module `{top}` has no place in the layer table",
                f.display()
            ));
            continue;
        };
        let code = code_only(&std::fs::read_to_string(f).unwrap());
        for (line, target) in references(&module, &code) {
            let Some(to) = target.first() else { continue };
            if to == top {
                // within the module: the file the path lands in (its longest prefix that is
                // a file's module path), for the cycle check
                let file = (1..=target.len())
                    .rev()
                    .map(|k| target[..k].to_vec())
                    .find(|p| existing.contains(p));
                if let Some(to) = file
                    && to != module
                {
                    edges.entry(module.clone()).or_default().insert(to);
                }
                continue;
            }
            match rank(to) {
                Some(r) if r < mine => {}
                Some(_) => back_arrows.push(format!(
                    "{}:{line}: `{top}` uses `{to}` (up or sideways in the flow)",
                    f.strip_prefix(&src).unwrap().display()
                )),
                None => {} // an item of the crate root (`crate::Cli`): lib.rs re-exports
            }
        }
    }
    let cycles = cycles(&edges);
    assert!(
        back_arrows.is_empty() && cycles.is_empty(),
        "back-arrows:\n{}\nfile cycles:\n{}",
        back_arrows.join("\n"),
        cycles.join("\n")
    );
}

/// Every cycle of the graph, once each (as found from its smallest node), as `a → b → a`.
fn cycles(edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<String> {
    let mut found = BTreeSet::new();
    for start in edges.keys() {
        // depth-first from `start`, only through nodes larger than it
        let mut stack: Vec<(Vec<String>, Vec<Vec<String>>)> = vec![(start.clone(), vec![])];
        let mut seen = BTreeSet::new();
        while let Some((node, path)) = stack.pop() {
            let mut path = path;
            path.push(node.clone());
            for next in edges.get(&node).into_iter().flatten() {
                if next == start {
                    let names: Vec<String> = path.iter().map(|p| p.join("/")).collect();
                    found.insert(format!("{} → {}", names.join(" → "), start.join("/")));
                } else if next > start && seen.insert(next.clone()) {
                    stack.push((next.clone(), path.clone()));
                }
            }
        }
    }
    found.into_iter().collect()
}

#[test]
fn cycles_are_found_at_any_length() {
    let v = |s: &str| s.split('/').map(String::from).collect::<Vec<_>>();
    let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
    for (a, b) in [
        ("plan/a", "plan/b"),
        ("plan/b", "plan/c"),
        ("plan/c", "plan/a"),
        ("plan/c", "plan/d"),
    ] {
        edges.entry(v(a)).or_default().insert(v(b));
    }
    assert_eq!(cycles(&edges), ["plan/a → plan/b → plan/c → plan/a"]);
}

#[test]
fn the_scanner_sees_inline_grouped_and_super_paths() {
    let code = code_only(
        "use crate::{base::version, rc::x};\n\
         let s = schemars::schema_for!(crate::rc::tracking::Tracking);\n\
         // crate::notes in a comment\n\
         let m = \"crate::plan in a string\";\n\
         use super::super::check::engine;\n",
    );
    let refs = references(&["release".into(), "schema".into()], &code);
    let tops: Vec<(usize, String)> = refs.iter().map(|(l, p)| (*l, p[0].clone())).collect();
    assert_eq!(
        tops,
        [
            (1, "base".to_string()),
            (1, "rc".to_string()),
            (2, "rc".to_string()),
            (5, "check".to_string())
        ]
    );
}
