//! `upgrade validate`: prediction against measurement, per API.

use crate::plan::report::human;
use crate::probe::compare::{Part, Validation, Verdict};
use crate::record::attribute::{Attribution, Expected, Fit};
use crate::render::escape::xml;
use crate::render::table::Table;

/// Seconds as the plan prints them, with a tenth under a minute (`2.5s`): the windows
/// compared here are often a few seconds long.
fn secs(s: f64) -> String {
    if s < 60.0 && (s - s.round()).abs() >= 0.05 {
        format!("{s:.1}s")
    } else {
        human(s)
    }
}

fn band(p: &Part) -> String {
    let b = &p.predicted;
    format!("{} / {} / {}", secs(b.p10), secs(b.p50), secs(b.p90))
}

fn measured(p: &Part) -> String {
    match p.measured {
        Some(m) => format!(
            "{}{}",
            secs(m),
            if p.windows > 0 {
                format!(
                    " ({} window{})",
                    p.windows,
                    if p.windows == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            }
        ),
        None => "not measured".into(),
    }
}

fn close(p: &Part) -> &'static str {
    match p.close_to_p50 {
        Some(true) => "yes",
        Some(false) => "no",
        None => "-",
    }
}

fn rows(v: &Validation) -> Table {
    let mut t = Table::new([
        "API",
        "verdict",
        "full p10 / p50 / p90",
        "full measured",
        "±20 %",
        "degraded p10 / p50 / p90",
        "degraded measured",
        "±20 %",
    ]);
    for r in &v.rows {
        t.row([
            r.api.clone(),
            format!(
                "{}{}",
                r.verdict.name().to_uppercase(),
                if r.partial && r.verdict != Verdict::Unknown {
                    " (full only)"
                } else {
                    ""
                }
            ),
            band(&r.full),
            measured(&r.full),
            close(&r.full).into(),
            band(&r.degraded),
            measured(&r.degraded),
            close(&r.degraded).into(),
        ]);
    }
    t
}

fn notes(v: &Validation) -> Vec<String> {
    let mut out = Vec::new();
    for r in &v.rows {
        // Without samples both parts say so: name it once.
        match (&r.full.why, &r.degraded.why) {
            (Some(w), _) => out.push(format!("{}: full: {w}", r.api)),
            (None, Some(w)) => out.push(format!("{}: degraded: {w}", r.api)),
            (None, None) => {}
        }
        out.extend(r.notes.iter().map(|n| format!("{}: {n}", r.api)));
    }
    if !v.not_in_plan.is_empty() {
        out.push(format!(
            "probed but not in the plan (not judged): {}",
            v.not_in_plan.join(", ")
        ));
    }
    out
}

fn summary(v: &Validation) -> String {
    let n = |x: Verdict| v.rows.iter().filter(|r| r.verdict == x).count();
    format!(
        "{} pass, {} outside the predicted band, {} unknown (p10–p90 widened by {} per measured window)",
        n(Verdict::Pass),
        n(Verdict::Fail),
        n(Verdict::Unknown),
        v.interval_seconds
            .map_or("nothing: no probe interval".into(), |i| format!(
                "one probe interval ({i} s)"
            ))
    )
}

fn expected(e: &Expected) -> String {
    match *e {
        Expected::Nothing => "none".into(),
        Expected::WholeStep => "the whole step".into(),
        Expected::Windows { windows, min, max } => format!(
            "{} – {} ({windows} window{})",
            secs(min),
            secs(max),
            if windows == 1 { "" } else { "s" }
        ),
    }
}

/// Where the measured outage happened: one row per step, API and kind.
fn by_step(a: &Attribution) -> Table {
    let mut t = Table::new(["step", "API", "kind", "predicted", "measured", "fit"]);
    for r in &a.rows {
        t.row([
            match &r.title {
                Some(title) if title != &r.step => format!("{}: {title}", r.step),
                _ => r.step.clone(),
            },
            r.api.clone(),
            r.kind.name().into(),
            expected(&r.expected),
            if r.windows == 0 {
                "-".into()
            } else {
                format!(
                    "{} ({} window{})",
                    secs(r.measured_seconds),
                    r.windows,
                    if r.windows == 1 { "" } else { "s" }
                )
            },
            if r.below_resolution {
                format!("{} (below the probe's resolution)", r.fit.name())
            } else {
                r.fit.name().into()
            },
        ]);
    }
    t
}

fn durations(a: &Attribution) -> Table {
    let mut t = Table::new([
        "step",
        "planned (nominal)",
        "measured",
        "measured / planned",
    ]);
    for d in &a.durations {
        t.row([
            d.step.clone(),
            d.planned_seconds.map_or("not in the plan".into(), secs),
            secs(d.measured_seconds),
            match d.planned_seconds {
                Some(p) if p > 0.0 => format!("{:.2}", d.measured_seconds / p),
                _ => "-".into(),
            },
        ]);
    }
    t
}

fn attribution_summary(a: &Attribution) -> String {
    let n = |f: Fit| a.rows.iter().filter(|r| r.fit == f).count();
    format!(
        "{} as predicted, {} longer, {} shorter, {} not predicted, {} predicted but not seen; {} window(s) no step holds",
        n(Fit::AsPredicted),
        n(Fit::Longer),
        n(Fit::Shorter),
        n(Fit::NotPredicted),
        n(Fit::NotSeen),
        a.unattributed.len()
    )
}

fn unattributed(a: &Attribution) -> Vec<String> {
    a.unattributed
        .iter()
        .map(|u| {
            format!(
                "{} {} window{}: {}",
                u.name,
                u.what,
                u.start
                    .map(|s| format!(" at {}", s.strftime("%Y-%m-%dT%H:%M:%SZ")))
                    .unwrap_or_default(),
                u.reason
            )
        })
        .collect()
}

pub fn table(v: &Validation, a: Option<&Attribution>) -> String {
    let mut out = format!("Prediction against measurement: {}\n\n", summary(v));
    out.push_str(&rows(v).to_text());
    if let Some(a) = a {
        out.push_str(&format!(
            "\nBy step: {}\n\n{}",
            attribution_summary(a),
            by_step(a).to_text()
        ));
        for u in unattributed(a) {
            out.push_str(&format!("- not attributed: {u}\n"));
        }
        out.push_str(&format!("\nStep durations:\n\n{}", durations(a).to_text()));
    }
    let notes = notes(v);
    if !notes.is_empty() {
        out.push_str("\nNotes:\n");
        for n in notes {
            out.push_str(&format!("- {n}\n"));
        }
    }
    out
}

pub fn markdown(v: &Validation, a: Option<&Attribution>) -> String {
    let t = rows(v);
    let mut out = format!("## Prediction against measurement\n\n{}\n\n", summary(v));
    out.push_str(&t.to_markdown());
    if let Some(a) = a {
        out.push_str(&format!(
            "\n### By step\n\n{}\n\n{}",
            attribution_summary(a),
            by_step(a).to_markdown()
        ));
        let u = unattributed(a);
        if !u.is_empty() {
            out.push('\n');
        }
        for u in u {
            out.push_str(&format!(
                "- not attributed: {}\n",
                crate::render::escape::markdown(&u)
            ));
        }
        out.push_str(&format!(
            "\n### Step durations\n\n{}",
            durations(a).to_markdown()
        ));
    }
    let notes = notes(v);
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&format!("- {}\n", crate::render::escape::markdown(&n)));
        }
    }
    out
}

/// The `upgrade-validation` document's body.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct Doc<'a> {
    #[serde(flatten)]
    pub validation: &'a Validation,
    /// With `--log`: each measured window beside the plan's prediction for its step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_step: Option<&'a Attribution>,
}

pub fn json(v: &Validation, a: Option<&Attribution>) -> String {
    // Its schema (app::output_schema) names the same version.
    crate::render::json_document(
        "upgrade-validation",
        1,
        &Doc {
            validation: v,
            by_step: a,
        },
    )
}

/// One test case per API and part; unknown parts are skipped, not failures.
pub fn junit(v: &Validation) -> String {
    let cases: Vec<(String, &Part)> = v
        .rows
        .iter()
        .flat_map(|r| {
            [
                (format!("{}: full", r.api), &r.full),
                (format!("{}: degraded", r.api), &r.degraded),
            ]
        })
        .collect();
    let failures = cases
        .iter()
        .filter(|(_, p)| p.verdict == Verdict::Fail)
        .count();
    let skipped = cases
        .iter()
        .filter(|(_, p)| p.verdict == Verdict::Unknown)
        .count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"scs-release\" tests=\"{n}\" failures=\"{failures}\" skipped=\"{skipped}\">\n  <testsuite name=\"upgrade validate\" tests=\"{n}\" failures=\"{failures}\" skipped=\"{skipped}\">\n",
        n = cases.len()
    ));
    for (name, p) in cases {
        out.push_str(&format!(
            "    <testcase classname=\"upgrade.validate\" name=\"{}\">\n",
            xml(&name)
        ));
        let text = format!(
            "predicted p10/p50/p90 {}; measured {}",
            band(p),
            measured(p)
        );
        match p.verdict {
            Verdict::Fail => out.push_str(&format!(
                "      <failure type=\"outside-band\" message=\"{}\"/>\n",
                xml(&text)
            )),
            Verdict::Unknown => out.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                xml(p.why.as_deref().unwrap_or("not measured"))
            )),
            Verdict::Pass => {
                out.push_str(&format!("      <system-out>{}</system-out>\n", xml(&text)))
            }
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
