//! Rendering of `upgrade plan`, one file per output: terminal tree and outage table
//! ([`table()`]), JSON ([`json()`]), Markdown announcement from a handlebars template
//! ([`markdown()`]), iCalendar ([`ics()`]), status-page maintenance JSON
//! ([`statuspage()`]) and a self-contained HTML report with an SVG Gantt chart
//! ([`html()`]). This file holds what they share (times on the timeline, ranges, p50/p90
//! texts, the APIs customers notice) and the dispatch on the output format.

mod html;
mod ics;
mod json;
mod markdown;
mod statuspage;
mod table;

pub use html::html;
pub use ics::{Entry as IcsEntry, ics, sequence as ics_sequence};
pub use json::json;
pub use json::schema as json_schema;
pub use markdown::markdown;
pub use statuspage::{statuspage, unmapped as statuspage_unmapped};
pub use table::table;

use serde::Serialize;

use super::Format;
use crate::plan::ir::Step;
use crate::plan::report::{Report, human};
use crate::plan::sim::{Span, Stats};

pub const SCHEMA_VERSION: u32 = 1;
pub const ANNOUNCEMENT_TEMPLATE: &str = "templates/announcement.md.hbs";

/// Time of a point on the timeline: local wall clock with `--start`, else `T+1:05`.
fn when(r: &Report, secs: f64) -> String {
    match &r.start {
        Some(a) => a.local(secs, "%H:%M"),
        None => {
            let s = secs.max(0.0).round() as u64;
            format!("T+{}:{:02}", s / 3600, s % 3600 / 60)
        }
    }
}

/// Like [`when`] with seconds: outage windows are often shorter than a minute.
fn when_exact(r: &Report, secs: f64) -> String {
    match &r.start {
        Some(a) => a.local(secs, "%H:%M:%S"),
        None => {
            let s = secs.max(0.0).round() as u64;
            format!("T+{}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
        }
    }
}

fn range_text(step: &Step) -> String {
    if let Some(c) = &step.calibrated {
        let mut c = c.clone();
        let st = Stats::of(&mut c);
        return format!("{}–{}", human(st.min), human(st.max));
    }
    let (mut lo, mut hi) = (step.duration.prior.min, step.duration.prior.max);
    if let Some(u) = &step.per_unit {
        let k = match step.scope {
            crate::plan::model::Scope::Serial => step.units as f64,
            _ => (step.units > 0) as u8 as f64,
        };
        lo += u.prior.min * k;
        hi += u.prior.max * k;
    }
    format!("{}–{}", human(lo), human(hi))
}

fn span_text(r: &Report, s: &Span) -> String {
    let len = s.end - s.start;
    format!(
        "{}–{} ({})",
        when_exact(r, s.start),
        when_exact(r, s.end),
        human(len)
    )
}

/// The p50 and p90 of a simulated outage total as text, formatted once; `None` when the API
/// is out in fewer than one run of ten (p90 zero).
fn p50_p90(s: &Stats) -> Option<(String, String)> {
    if s.p90 <= 0.0 {
        None
    } else {
        Some((human(s.p50), human(s.p90)))
    }
}

/// `p50 / p90` of a simulated outage total, `-` when the API is (nearly) never out.
fn stat_pair(s: &Stats) -> String {
    match p50_p90(s) {
        Some((p50, p90)) => format!("{p50} / {p90}"),
        None => "-".into(),
    }
}

fn title(r: &Report) -> String {
    format!("OSISM {} → {}", r.from, r.to)
}

/// The title in customer texts: no OSISM versions, the SCS release where there is one.
fn customer_title(r: &Report) -> String {
    match &r.scs_release {
        Some(rel) => format!("cloud platform upgrade to Sovereign Cloud Stack {rel}"),
        None => "cloud platform upgrade".into(),
    }
}

/// Local wall time with the date and, in a time zone, its abbreviation (`CEST`).
fn wall(a: &crate::plan::report::Anchor, secs: f64) -> String {
    if a.tz.is_some() {
        a.local(secs, "%a %Y-%m-%d %H:%M %Z")
    } else {
        a.local(secs, "%a %Y-%m-%d %H:%M")
    }
}

/// The announced window as customers read it: `Sat 2024-03-30 23:00 CET to Sun 2024-03-31
/// 06:00 CEST (Europe/Berlin)`, or its length without `--start`.
fn window_text(r: &Report) -> String {
    let len = r.announced_seconds();
    match &r.start {
        Some(a) => format!("{} to {} ({})", wall(a, 0.0), wall(a, len), a.zone_text()),
        None => human(len),
    }
}

// ---------- customer-facing views ----------

/// An API the customers notice, with its figures as text.
#[derive(Serialize)]
struct Affected {
    id: String,
    name: String,
    impact: &'static str,
    full: String,
    degraded: String,
    between: String,
    full_p90_seconds: f64,
    degraded_p90_seconds: f64,
    /// The figures behind `full` and `degraded`, for texts that need p50 and p90 apart.
    #[serde(skip)]
    full_seconds: Stats,
    #[serde(skip)]
    degraded_seconds: Stats,
}

fn affected(r: &Report) -> (Vec<Affected>, Vec<String>) {
    let mut aff = Vec::new();
    let mut not = Vec::new();
    for (ai, a) in r.plan.apis.iter().enumerate() {
        let o = &r.simulation.apis[ai];
        if o.affected_share == 0.0 {
            not.push(a.name.clone());
            continue;
        }
        let between = match (o.first_start_p10, o.last_end_p90) {
            (Some(s), Some(e)) => format!("{}–{}", when(r, s), when(r, e)),
            _ => "-".into(),
        };
        aff.push(Affected {
            id: a.id.clone(),
            name: a.name.clone(),
            impact: if o.full_seconds.p90 > 0.0 {
                "full"
            } else {
                "degraded"
            },
            full: stat_pair(&o.full_seconds),
            degraded: stat_pair(&o.degraded_seconds),
            between,
            full_p90_seconds: o.full_seconds.p90,
            degraded_p90_seconds: o.degraded_seconds.p90,
            full_seconds: o.full_seconds,
            degraded_seconds: o.degraded_seconds,
        });
    }
    (aff, not)
}

/// Both, combined by `f`, or the one there is.
fn widen(a: Option<f64>, b: Option<f64>, f: fn(f64, f64) -> f64) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(f(a, b)),
        (a, b) => a.or(b),
    }
}

/// The affected APIs as customers see them: APIs of one customer name (the per-cluster
/// Kubernetes APIs) are one row with the figures of the most affected one and the span of
/// all; provider-internal names (clusters) stay out. The second list: names not affected.
fn customer_affected(r: &Report) -> (Vec<Affected>, Vec<String>) {
    let (aff, _) = affected(r);
    let customer = |id: &str| {
        r.plan
            .apis
            .iter()
            .find(|a| a.id == id)
            .map_or(id.to_string(), |a| a.customer_name.clone())
    };
    let mut rows: Vec<(Affected, Option<f64>, Option<f64>)> = Vec::new();
    for a in aff {
        let ai = r.plan.apis.iter().position(|x| x.id == a.id);
        let o = ai.map(|i| &r.simulation.apis[i]);
        let (s, e) = (
            o.and_then(|o| o.first_start_p10),
            o.and_then(|o| o.last_end_p90),
        );
        let name = customer(&a.id);
        match rows.iter_mut().find(|(x, _, _)| x.name == name) {
            Some((x, xs, xe)) => {
                *xs = widen(*xs, s, f64::min);
                *xe = widen(*xe, e, f64::max);
                if (a.full_p90_seconds, a.degraded_p90_seconds)
                    > (x.full_p90_seconds, x.degraded_p90_seconds)
                {
                    *x = Affected { name, ..a };
                }
            }
            None => rows.push((Affected { name, ..a }, s, e)),
        }
    }
    let rows: Vec<Affected> = rows
        .into_iter()
        .map(|(mut a, s, e)| {
            a.between = match (s, e) {
                (Some(s), Some(e)) => format!("{}–{}", when(r, s), when(r, e)),
                _ => "-".into(),
            };
            a
        })
        .collect();
    let mut not: Vec<String> = Vec::new();
    for (ai, a) in r.plan.apis.iter().enumerate() {
        let name = &a.customer_name;
        if r.simulation.apis[ai].affected_share == 0.0
            && !not.contains(name)
            && !rows.iter().any(|x| &x.name == name)
        {
            not.push(name.clone());
        }
    }
    (rows, not)
}

/// One line per affected API for the calendar entry and the status page: total outage (p50)
/// and its p90, and the time between its first and last window.
fn summary_lines(r: &Report) -> Vec<String> {
    let (aff, _) = customer_affected(r);
    aff.iter()
        .map(|a| {
            let (what, stats) = if a.impact == "full" {
                ("unavailable", &a.full_seconds)
            } else {
                ("degraded", &a.degraded_seconds)
            };
            let (p50, p90) = p50_p90(stats).unwrap_or_else(|| ("-".into(), "-".into()));
            format!(
                "{}: {what} {p50} in total (at most {p90}), {}",
                a.name, a.between
            )
        })
        .collect()
}

/// `-o ics` and `-o statuspage` put the maintenance on a calendar: they need `--start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "upgrade plan: -o {} needs --start (e.g. --start 2024-03-23T20:00+01:00)",
    .0.name()
)]
pub struct NeedsStart(pub Format);

/// Whether `format` needs a wall-clock start ([`NeedsStart`]).
pub fn needs_start(format: Format) -> bool {
    matches!(format, Format::Ics | Format::Statuspage)
}

/// Dispatch on the format (markdown needs the template, ics the calendar entry: both are
/// the caller's). A format that needs a start, for a report without one, is a
/// [`NeedsStart`].
pub fn render(r: &Report, format: Format) -> Result<String, NeedsStart> {
    let start = || r.start.as_ref().ok_or(NeedsStart(format));
    Ok(match format {
        Format::Json => json(r),
        Format::Statuspage => statuspage(r, start()?),
        Format::Html => html(r),
        _ => table(r),
    })
}
