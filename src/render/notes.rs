//! Rendering release notes: Handlebars templates (strict mode, no HTML escaping) over the
//! notes context, with errors that name the template, line and column in plain words.

use std::path::{Path, PathBuf};

use handlebars::{Context, Handlebars, Helper, HelperResult, Output, RenderContext};

use super::template::TemplateError;
use super::template::{compile_error, render_error};

use crate::data::DataDir;
use crate::notes::NotesContext;

/// What a notes template sees, for errors about a missing variable.
const NOTES_CONTEXT: &str =
    "the notes context (strict mode); see docs/notes.md or `--context` for the fields";

/// Where templates come from.
#[derive(Debug, Clone, Default)]
pub struct TemplateSource {
    /// `--template FILE`: replaces the track's template.
    pub file: Option<PathBuf>,
    /// `--templates DIR`: `<track>.md.hbs` and `changelog.md.hbs` looked up here first.
    pub dir: Option<PathBuf>,
}

/// Load the template for `name` (`kaas-v1`, `changelog`): (display name, text).
pub fn load_template(
    data: &DataDir,
    src: &TemplateSource,
    name: &str,
    main: bool,
) -> Result<(String, String), TemplateError> {
    let file_name = format!("{name}.md.hbs");
    let read = |p: &Path| {
        crate::base::limits::read_text(p, crate::base::limits::TEMPLATE_MAX_BYTES, "a template")
            .map_err(|e| {
                TemplateError::whole(p.display().to_string(), format!("cannot read it: {e}"))
            })
    };
    if main && let Some(f) = &src.file {
        return Ok((f.display().to_string(), read(f)?));
    }
    if let Some(d) = &src.dir {
        let p = d.join(&file_name);
        if p.is_file() {
            return Ok((p.display().to_string(), read(&p)?));
        }
    }
    let rel = format!("templates/{file_name}");
    data.read(&rel).map(|t| (rel.clone(), t)).map_err(|e| {
        TemplateError::whole(
            e.file.display().to_string(),
            match e.kind {
                crate::data::DataErrorKind::Missing => "no such template".into(),
                kind => kind.to_string(),
            },
        )
    })
}

/// Render `text` (named `name`) over `data` (taken by value: handlebars would copy it otherwise).
/// The templates write Markdown without escaping, so the context's text is escaped first
/// ([`escape_context`]).
pub fn render(
    name: &str,
    text: &str,
    mut data: serde_json::Value,
) -> Result<String, TemplateError> {
    escape_context(&mut data);
    super::template::check(name, text)?;
    let mut hb = super::template::engine();
    hb.register_helper("join", Box::new(join_helper));
    hb.register_helper("highlight", Box::new(highlight_helper));
    hb.register_helper("plural", Box::new(plural_helper));
    hb.register_template_string(name, text)
        .map_err(|e| compile_error(name, text, &e))?;
    let t0 = std::time::Instant::now();
    let context = Context::from(data);
    // About 160 bytes of Markdown per change: sized once, so the buffer is not doubled.
    let mut out: Vec<u8> =
        Vec::with_capacity(64 * 1024 + count_changes(context.data()) as usize * 160);
    hb.render_with_context_to_write(name, &context, &mut out)
        .map_err(|e| render_error(name, text, &e, NOTES_CONTEXT))?;
    tracing::debug!(
        elapsed_ms = t0.elapsed().as_millis() as u64,
        "template rendered"
    );
    // Freeing a context of many thousand changes costs more than rendering it, and the
    // command ends right after: leave large ones to the process exit.
    if context
        .data()
        .pointer("/repos")
        .and_then(|r| r.as_array())
        .is_some_and(|r| !r.is_empty())
        && count_changes(context.data()) > 10_000
    {
        std::mem::forget(context);
    }
    Ok(tidy(out))
}

/// Render the notes context with its track's template. Takes the context by value and turns
/// it into the template's JSON change by change, so a large range is never held twice.
pub fn notes(
    data: &DataDir,
    src: &TemplateSource,
    ctx: NotesContext,
) -> Result<String, TemplateError> {
    let (name, text) = load_template(data, src, &ctx.track, true)?;
    let t0 = std::time::Instant::now();
    let value = into_value(ctx);
    tracing::debug!(
        elapsed_ms = t0.elapsed().as_millis() as u64,
        "context to JSON"
    );
    render(&name, &text, value)
}

/// The context as JSON, moving the changes out one at a time (or taking the JSON made while
/// history was read).
pub fn into_value(mut ctx: NotesContext) -> serde_json::Value {
    use crate::notes::context::Kind;
    let mut sections: Vec<crate::notes::context::JsonSections> = Vec::new();
    for r in &mut ctx.repos {
        let mut json = r
            .json
            .take()
            .unwrap_or_else(|| Kind::ALL.iter().map(|k| (*k, Vec::new())).collect());
        for (k, list) in json.iter_mut() {
            let typed = std::mem::take(r.changes.list_mut(*k));
            list.extend(
                typed
                    .into_iter()
                    .map(crate::notes::context::Change::into_value),
            );
        }
        sections.push(json);
    }
    let mut value = serde_json::to_value(&ctx).unwrap_or_default();
    drop(ctx);
    if let Some(repos) = value.get_mut("repos").and_then(|r| r.as_array_mut()) {
        for (repo, kinds) in repos.iter_mut().zip(sections) {
            if let Some(changes) = repo.get_mut("changes").and_then(|c| c.as_object_mut()) {
                for (k, list) in kinds {
                    changes.insert(k.section_key().to_string(), serde_json::Value::Array(list));
                }
            }
        }
    }
    value
}

/// Escape every text of the notes context for Markdown, in place: commit titles, names,
/// labels, authors, versions come from git, GitHub and the data, and a line break or `[`
/// in a title must not start a heading or list item of its own, or a link. Titles stay
/// readable (inline code and emphasis are kept; see [`super::escape::markdown`]); `url`
/// values are escaped as link destinations. The operator's `highlights` stay as written:
/// they are Markdown on purpose.
pub fn escape_context(data: &mut serde_json::Value) {
    fn walk(v: &mut serde_json::Value, key: &str) {
        match v {
            serde_json::Value::String(s) => {
                // `refs`/`reference` are ours (`#579`, a short sha): kept as they are.
                if key == "refs" || key == "reference" {
                    return;
                }
                let e = if key == "url" {
                    super::escape::markdown_url(s)
                } else {
                    super::escape::markdown(s)
                };
                if e != *s {
                    *s = e;
                }
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(|i| walk(i, key)),
            serde_json::Value::Object(map) => map.iter_mut().for_each(|(k, v)| walk(v, k)),
            _ => {}
        }
    }
    match data {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut().filter(|(k, _)| *k != "highlights") {
                walk(v, k);
            }
        }
        other => walk(other, ""),
    }
}

/// Collapse runs of blank lines left by template blocks, trim trailing blanks, end with one
/// newline. Works in place on the rendered bytes (only ASCII whitespace is removed).
fn tidy(mut bytes: Vec<u8>) -> String {
    let len = bytes.len();
    let (mut read, mut write) = (0, 0);
    let mut blanks = 0;
    while read < len {
        let end = bytes[read..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(len, |p| read + p);
        let mut line_end = end;
        while line_end > read && matches!(bytes[line_end - 1], b' ' | b'\t' | b'\r') {
            line_end -= 1;
        }
        let blank = line_end == read;
        let keep = if blank {
            blanks += 1;
            blanks == 1 && write > 0
        } else {
            blanks = 0;
            true
        };
        if keep {
            bytes.copy_within(read..line_end, write);
            write += line_end - read;
            if write < bytes.len() {
                bytes[write] = b'\n';
            } else {
                bytes.push(b'\n');
            }
            write += 1;
        }
        read = end + 1;
    }
    bytes.truncate(write);
    while bytes.ends_with(b"\n\n") {
        bytes.pop();
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn count_changes(v: &serde_json::Value) -> u64 {
    v.pointer("/repos")
        .and_then(|r| r.as_array())
        .map(|repos| {
            repos
                .iter()
                .filter_map(|r| r.pointer("/counts/changes").and_then(|c| c.as_u64()))
                .sum()
        })
        .unwrap_or(0)
}

/// `{{join list ", "}}`: strings (or numbers) joined.
fn join_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let list = h.param(0).map(|p| p.value().clone()).unwrap_or_default();
    let sep = h.param(1).and_then(|p| p.value().as_str()).unwrap_or(", ");
    let items: Vec<String> = list
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| {
                    v.as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    out.write(&items.join(sep))?;
    Ok(())
}

/// `{{highlight "upgrade-migration-notes"}}`: that `## ` section of the highlights file, or nothing.
fn highlight_helper(
    h: &Helper,
    _: &Handlebars,
    ctx: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let key: String = h
        .params()
        .iter()
        .map(|p| {
            p.value()
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| p.value().to_string())
        })
        .collect();
    if let Some(t) = ctx
        .data()
        .pointer(&format!("/highlights/sections/{key}"))
        .and_then(|v| v.as_str())
    {
        out.write(t)?;
    }
    Ok(())
}

/// `{{plural n "change"}}` → `1 change`, `3 changes`.
fn plural_helper(
    h: &Helper,
    _: &Handlebars,
    _: &Context,
    _: &mut RenderContext,
    out: &mut dyn Output,
) -> HelperResult {
    let n = h.param(0).and_then(|p| p.value().as_u64()).unwrap_or(0);
    let word = h.param(1).and_then(|p| p.value().as_str()).unwrap_or("");
    out.write(&format!("{n} {word}{}", if n == 1 { "" } else { "s" }))?;
    Ok(())
}

/// One Keep a Changelog section (`## [VERSION] - DATE`) for `--prepend`.
pub fn changelog_section(
    data: &DataDir,
    src: &TemplateSource,
    ctx: &NotesContext,
    today: &str,
) -> Result<String, TemplateError> {
    let (name, text) = load_template(data, src, "changelog", false)?;
    let version = match ctx.repos.as_slice() {
        [one] if ctx.track != "scs" => {
            let t = one.to.as_str();
            t.strip_prefix('v')
                .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
                .unwrap_or(t)
                .to_string()
        }
        _ => ctx.release.version.clone(),
    };
    let any = |f: &dyn Fn(&crate::notes::context::RepoNotes) -> bool| ctx.repos.iter().any(f);
    let mut value = into_value(ctx.clone());
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "changelog".into(),
            serde_json::json!({
                "version": version,
                "date": ctx.release.date.clone().unwrap_or_else(|| today.to_string()),
                "prefix": ctx.repos.len() > 1,
                "has_breaking": any(&|r| r.counts.breaking > 0),
                "has_added": any(&|r| r.counts.features > 0),
                "has_changed": any(&|r| r.counts.other + r.counts.docs + r.counts.deps + r.counts.unsorted > 0),
                "has_fixed": any(&|r| r.counts.fixes > 0),
            }),
        );
    }
    render(&name, &text, value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_blank_runs_in_place() {
        assert_eq!(tidy(b"\n\n# A  \n\n\n\nb\t\n\n".to_vec()), "# A\n\nb\n");
        assert_eq!(tidy(b"x".to_vec()), "x\n");
        assert_eq!(tidy("ä  \n\n\nö".as_bytes().to_vec()), "ä\n\nö\n");
    }
}
