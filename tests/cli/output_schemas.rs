//! JSON Schemas of `-o json` documents (docs/schema/): the checked-in files are what the code
//! generates, and real outputs validate against them (a validator of the JSON Schema subset
//! schemars writes: type, const, enum, properties, required, additionalProperties, items,
//! $ref into $defs, anyOf/oneOf/allOf, minimum).

use serde_json::Value;

use crate::common::{repo_root, run};

/// Errors of `v` against `schema` (`root` holds the `$defs`), with JSON-pointer-ish paths.
fn validate(v: &Value, schema: &Value, root: &Value, at: &str, errors: &mut Vec<String>) {
    check(v, schema, root, at, true, errors);
}

/// The property names `schema` describes, with those of its `$ref`, `allOf`, `anyOf` and
/// `oneOf` branches (a flattened enum's fields live in the branches).
fn known_properties<'a>(schema: &'a Value, root: &'a Value, out: &mut Vec<&'a str>) {
    if let Some(p) = schema.get("properties").and_then(Value::as_object) {
        out.extend(p.keys().map(String::as_str));
    }
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        known_properties(&root["$defs"][r.trim_start_matches("#/$defs/")], root, out);
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        for b in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            known_properties(b, root, out);
        }
    }
}

/// `strict`: fields the schema does not name are errors (off inside branches, whose
/// siblings may name them).
fn check(
    v: &Value,
    schema: &Value,
    root: &Value,
    at: &str,
    strict: bool,
    errors: &mut Vec<String>,
) {
    let Some(s) = schema.as_object() else {
        if schema == &Value::Bool(false) {
            errors.push(format!("{at}: not allowed"));
        }
        return;
    };
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        check(v, &root["$defs"][name], root, at, strict, errors);
    }
    if let Some(t) = s.get("type") {
        let types: Vec<&str> = match t {
            Value::String(t) => vec![t.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "null" => v.is_null(),
            "boolean" => v.is_boolean(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            _ => false,
        });
        if !ok {
            errors.push(format!("{at}: {v} is not {types:?}"));
            return;
        }
    }
    if let Some(c) = s.get("const")
        && c != v
    {
        errors.push(format!("{at}: {v} is not {c}"));
    }
    if let Some(e) = s.get("enum").and_then(Value::as_array)
        && !e.contains(v)
    {
        errors.push(format!("{at}: {v} not in {e:?}"));
    }
    if let (Some(m), Some(n)) = (s.get("minimum").and_then(Value::as_f64), v.as_f64())
        && n < m
    {
        errors.push(format!("{at}: {n} < {m}"));
    }
    for (key, all) in [("anyOf", false), ("oneOf", false), ("allOf", true)] {
        if let Some(alts) = s.get(key).and_then(Value::as_array) {
            let results: Vec<Vec<String>> = alts
                .iter()
                .map(|a| {
                    let mut e = Vec::new();
                    check(v, a, root, at, false, &mut e);
                    e
                })
                .collect();
            let passing = results.iter().filter(|e| e.is_empty()).count();
            let ok = if all {
                passing == alts.len()
            } else {
                passing >= 1
            };
            if !ok {
                errors.push(format!("{at}: {key} failed: {:?}", results.concat()));
            }
        }
    }
    if let Some(obj) = v.as_object() {
        let props = s.get("properties").and_then(Value::as_object);
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap();
            if !obj.contains_key(r) {
                errors.push(format!("{at}: `{r}` missing"));
            }
        }
        let mut known = Vec::new();
        known_properties(schema, root, &mut known);
        for (k, val) in obj {
            let path = format!("{at}/{k}");
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(val, ps, root, &path, errors),
                None => match s.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{path}: not in the schema")),
                    Some(extra @ Value::Object(_)) => validate(val, extra, root, &path, errors),
                    // Stricter than JSON Schema on purpose: every field the output has must
                    // be named somewhere in its object's schema (or a branch of it).
                    // (A `$ref` was checked against its target already.)
                    _ if strict
                        && !s.contains_key("$ref")
                        && !known.is_empty()
                        && !known.contains(&k.as_str()) =>
                    {
                        errors.push(format!("{path}: not in the schema"))
                    }
                    _ => {}
                },
            }
        }
    }
    if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(x, items, root, &format!("{at}/{i}"), errors);
        }
    }
}

/// Panics with every error of `doc` against the checked-in schema of `kind`.
pub(crate) fn assert_valid(kind: &str, doc: &Value) {
    let s = schema(kind);
    let mut errors = Vec::new();
    validate(doc, &s, &s, "", &mut errors);
    assert!(errors.is_empty(), "{kind}:\n{}", errors.join("\n"));
}

fn schema(kind: &str) -> Value {
    let text =
        std::fs::read_to_string(repo_root().join(scs_release::app::output_schema::file(kind)))
            .unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn checked_in_output_schemas_match_the_code() {
    for (kind, _) in scs_release::app::output_schema::KINDS {
        let file = scs_release::app::output_schema::file(kind);
        let on_disk = std::fs::read_to_string(repo_root().join(&file)).unwrap();
        assert_eq!(
            on_disk,
            scs_release::app::output_schema::json(kind).unwrap(),
            "{file} is stale: run `scs-release releases schema {kind} > {file}`"
        );
        let (out, _, code) = run(&["releases", "schema", kind]);
        assert_eq!((code, out), (0, on_disk));
    }
}

#[test]
fn real_outputs_validate_against_their_schemas() {
    let cases: &[(&str, &[&str])] = &[
        ("releases", &["releases", "list", "-o", "json"]),
        ("release", &["releases", "show", "7.0.0b", "-o", "json"]),
        ("release", &["releases", "show", "R6", "-o", "json"]),
        ("release", &["releases", "show", "10.2.0", "-o", "json"]),
        ("release", &["releases", "show", "5.0.0a", "-o", "json"]),
        (
            "release-diff",
            &["releases", "diff", "6.0.0", "7.0.0", "-o", "json"],
        ),
        (
            "release-diff",
            &["releases", "diff", "7.0.0a", "7.0.0b", "-o", "json"],
        ),
        (
            "upgrade-path",
            &[
                "upgrade", "path", "--from", "6.0.0", "--to", "8.0.0", "-o", "json",
            ],
        ),
        (
            "upgrade-path",
            &[
                "upgrade", "path", "--from", "R5", "--to", "R7", "-o", "json",
            ],
        ),
        ("rc-diff", &["rc", "diff", "7.0.0a", "7.0.0b", "-o", "json"]),
        (
            "rc-cut",
            &["rc", "cut", "7.0.0c", "--from", "7.0.0b", "-o", "json"],
        ),
        (
            "rc-cut",
            &[
                "rc",
                "cut",
                "7.0.0c",
                "--from",
                "7.0.0b",
                "--bump-third-party",
                "-o",
                "json",
            ],
        ),
        (
            "rc-cut",
            &["rc", "promote", "7.0.0d", "7.0.0", "-o", "json"],
        ),
        (
            "upgrade-plan",
            &[
                "upgrade",
                "plan",
                "--from",
                "6.0.0",
                "--to",
                "7.0.0",
                "--samples",
                "200",
                "-o",
                "json",
            ],
        ),
        (
            "upgrade-plan",
            &[
                "upgrade",
                "plan",
                "--from",
                "6.0.0",
                "--to",
                "10.0.0",
                "--samples",
                "200",
                "--start",
                "2024-03-23T20:00+01:00",
                "--window",
                "6h",
                "--parallel",
                "-o",
                "json",
            ],
        ),
        ("rc-diff", &["rc", "diff", "6.0.0", "7.0.0", "-o", "json"]),
        ("rc-diff", &["rc", "diff", "9.0.0", "10.0.0", "-o", "json"]),
    ];
    // upgrade validate of a plan and a probe log (tests/cli/validate.rs).
    let dir = tempfile::tempdir().unwrap();
    let plan = crate::validate::plan_json(dir.path());
    let probe = dir.path().join("probe.jsonl");
    std::fs::write(
        &probe,
        crate::validate::probe_log(&[("Keystone", 100.0, 125.0), ("Nova", 200.0, 400.0)]),
    )
    .unwrap();
    let (out, err, code) = crate::validate::validate(&plan, &probe, "json");
    assert_eq!(code, 1, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let s = schema("upgrade-validation");
    let mut errors = Vec::new();
    validate(&doc, &s, &s, "", &mut errors);
    assert!(
        errors.is_empty(),
        "upgrade validate:\n{}",
        errors.join("\n")
    );
    for (kind, args) in cases {
        let (out, err, code) = run(args);
        // rc cut/promote dry runs without clones exit 2 (unknown tags) with a full document.
        assert!(code <= 2 && !out.is_empty(), "{args:?}: {err}");
        let doc: Value = serde_json::from_str(&out).unwrap();
        let s = schema(kind);
        let mut errors = Vec::new();
        validate(&doc, &s, &s, "", &mut errors);
        assert!(errors.is_empty(), "{args:?}:\n{}", errors.join("\n"));
    }
}

#[test]
fn the_validator_finds_what_does_not_fit() {
    let s = schema("releases");
    let (out, _, _) = run(&["releases", "list", "-o", "json"]);
    let mut doc: Value = serde_json::from_str(&out).unwrap();
    doc["kind"] = "release".into();
    doc["releases"][0]["pins"] = "yes".into();
    doc["releases"][1].as_object_mut().unwrap().remove("label");
    doc["releases"][2]["extra"] = 1.into();
    let mut errors = Vec::new();
    validate(&doc, &s, &s, "", &mut errors);
    assert_eq!(
        errors,
        [
            "/kind: \"release\" is not \"releases\"",
            "/releases/0/pins: \"yes\" is not [\"boolean\"]",
            "/releases/1: `label` missing",
            "/releases/2/extra: not in the schema",
        ]
    );
    // A flattened enum (rc cut's decisions): a bad tag and an unnamed field are found too.
    let s = schema("rc-cut");
    let (out, _, _) = run(&["rc", "cut", "7.0.0c", "--from", "7.0.0b", "-o", "json"]);
    let mut doc: Value = serde_json::from_str(&out).unwrap();
    doc["proposal"]["decisions"][0]["outcome"] = "exploded".into();
    doc["proposal"]["decisions"][1]["extra"] = 1.into();
    let mut errors = Vec::new();
    validate(&doc, &s, &s, "", &mut errors);
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].starts_with("/proposal/decisions/0: oneOf failed"),
        "{errors:?}"
    );
    assert_eq!(errors[1], "/proposal/decisions/1/extra: not in the schema");
}
