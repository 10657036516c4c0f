//! A whole prediction: hop, site, plan, nominal timeline, simulation, wall-clock anchor and
//! warnings. This is what every output format renders.

use jiff::Timestamp;
use serde::Serialize;

use super::ir::Plan;
use super::sim::{SimConfig, Simulation, Timeline, simulate, timeline};
use super::site::Site;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub site: Site,
    /// Where the site came from (file, inventory notes).
    pub site_source: Vec<String>,
    pub parallel: bool,
    pub plan: Plan,
    pub timeline: Timeline,
    pub simulation: Simulation,
    /// Wall-clock start (`--start`), if given.
    #[serde(skip)]
    pub start: Option<Anchor>,
    /// Maintenance window length (`--window`) in seconds.
    pub window_seconds: Option<f64>,
    pub history_runs: usize,
    pub warnings: Vec<String>,
}

/// The longest maintenance window a plan takes.
pub const MAX_WINDOW: std::time::Duration = std::time::Duration::from_secs(31 * 86_400);

pub struct Request {
    pub from: String,
    pub to: String,
    pub site: Site,
    pub site_source: Vec<String>,
    pub config: SimConfig,
    pub start: Option<Anchor>,
    pub window_seconds: Option<f64>,
    pub history_runs: usize,
}

pub fn predict(plan: Plan, req: Request) -> Report {
    let timeline = timeline(&plan, req.config.parallel);
    let simulation = simulate(&plan, req.config);
    let mut warnings = req.site.warnings();
    if let Some(w) = req.window_seconds
        && simulation.total_seconds.p90 > w
    {
        warnings.push(format!(
            "the p90 duration ({}) does not fit the maintenance window ({}); p50 is {}",
            human(simulation.total_seconds.p90),
            human(w),
            human(simulation.total_seconds.p50)
        ));
    }
    let estimates = plan
        .steps
        .iter()
        .filter(|s| s.calibrated.is_none() && s.duration_prov() == "E")
        .count();
    if estimates > 0 {
        warnings.push(format!(
            "{estimates} of {} step durations are estimates (E); record real runs with `scs-release upgrade record` to calibrate",
            plan.steps.len()
        ));
    }
    Report {
        from: req.from,
        to: req.to,
        site: req.site,
        site_source: req.site_source,
        parallel: req.config.parallel,
        plan,
        timeline,
        simulation,
        start: req.start,
        window_seconds: req.window_seconds,
        history_runs: req.history_runs,
        warnings,
    }
}

/// `1h 05m`, `12m 30s`, `45s`.
pub fn human(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    let (h, m, sec) = (s / 3600, s % 3600 / 60, s % 60);
    if h > 0 {
        format!("{h}h {m:02}m")
    } else if m > 0 {
        format!("{m}m {sec:02}s")
    } else {
        format!("{sec}s")
    }
}

/// A wall-clock start with the offset the user wrote (`2024-03-23T20:00+01:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub ts: Timestamp,
    /// Offset from UTC in seconds.
    pub offset: i32,
}

impl Anchor {
    /// RFC 3339 with an offset (`Z` or `±HH:MM`); seconds may be left out. Errors quote the
    /// text and name no option.
    pub fn parse(s: &str) -> Result<Anchor, String> {
        let s = s.trim();
        let ts: Timestamp = s.parse().map_err(|e| {
            format!("`{s}` is not an RFC 3339 time with offset (e.g. 2024-03-23T20:00+01:00): {e}")
        })?;
        let offset = if s.ends_with(['Z', 'z']) {
            0
        } else {
            let i = s
                .rfind(['+', '-'])
                .ok_or_else(|| format!("`{s}`: missing UTC offset"))?;
            let (sign, rest) = (if &s[i..=i] == "-" { -1 } else { 1 }, &s[i + 1..]);
            let (h, m) = rest
                .split_once(':')
                .unwrap_or((rest.get(..2).unwrap_or(rest), rest.get(2..).unwrap_or("0")));
            let (h, m): (i32, i32) = (h.parse().unwrap_or(0), m.parse().unwrap_or(0));
            // Real UTC offsets run from -12:00 to +14:00.
            if m > 59 || !(-12 * 60..=14 * 60).contains(&(sign * (h * 60 + m))) {
                return Err(format!(
                    "`{s}`: the UTC offset {}{rest} is not a real one (offsets run from -12:00 to +14:00)",
                    &s[i..=i]
                ));
            }
            sign * (h * 3600 + m * 60)
        };
        // 1970-01-01 to 3000-01-01 UTC: far from the ends of the time range.
        if !(0..32_503_680_000).contains(&ts.as_second()) {
            return Err(format!("`{s}` is outside the years 1970–2999"));
        }
        Ok(Anchor { ts, offset })
    }

    /// The instant `secs` after the start.
    pub fn at(&self, secs: f64) -> Timestamp {
        Timestamp::from_second(self.ts.as_second() + secs.round() as i64).unwrap_or(self.ts)
    }

    /// Local wall time `secs` after the start, in the user's offset: `2024-03-23 21:05`.
    pub fn local(&self, secs: f64, fmt: &str) -> String {
        let t =
            Timestamp::from_second(self.ts.as_second() + secs.round() as i64 + self.offset as i64)
                .unwrap_or(self.ts);
        t.strftime(fmt).to_string()
    }

    /// `+01:00`
    pub fn offset_text(&self) -> String {
        let o = self.offset.abs();
        format!(
            "{}{:02}:{:02}",
            if self.offset < 0 { '-' } else { '+' },
            o / 3600,
            o % 3600 / 60
        )
    }

    /// RFC 3339 in the user's offset: `2024-03-23T21:05:00+01:00`.
    pub fn rfc3339(&self, secs: f64) -> String {
        format!(
            "{}{}",
            self.local(secs, "%Y-%m-%dT%H:%M:%S"),
            self.offset_text()
        )
    }
}
