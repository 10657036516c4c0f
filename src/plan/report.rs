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
    /// The SCS release the target belongs to (`R6`), for customer texts.
    #[serde(skip)]
    pub scs_release: Option<String>,
}

/// A quarter hour: announced windows end on one.
const QUARTER_HOUR: f64 = 900.0;

impl Report {
    /// The maintenance window announced to customers, in seconds from the start: `--window`,
    /// else the p90 rounded up so that the window ends on a quarter hour (of the clock with
    /// `--start`, else of the duration).
    pub fn announced_seconds(&self) -> f64 {
        if let Some(w) = self.window_seconds {
            return w;
        }
        let p90 = self.simulation.total_seconds.p90.max(1.0);
        match &self.start {
            Some(a) => {
                let start = a.ts.as_second() as f64;
                ((start + p90) / QUARTER_HOUR).ceil() * QUARTER_HOUR - start
            }
            None => (p90 / QUARTER_HOUR).ceil() * QUARTER_HOUR,
        }
    }
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
        scs_release: None,
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

/// A wall-clock start with the offset the user wrote (`2024-03-23T20:00+01:00`) and, with
/// `--tz`, the IANA time zone local times are shown in (daylight saving included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub ts: Timestamp,
    /// Offset from UTC in seconds.
    pub offset: i32,
    pub tz: Option<jiff::tz::TimeZone>,
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
        Ok(Anchor {
            ts,
            offset,
            tz: None,
        })
    }

    /// The IANA time zone `name` (`Europe/Berlin`) for local times; errors name the zone.
    pub fn zone(name: &str) -> Result<jiff::tz::TimeZone, String> {
        jiff::tz::TimeZone::get(name).map_err(|_| {
            format!("`{name}` is not an IANA time zone (e.g. Europe/Berlin, UTC, America/New_York)")
        })
    }

    fn zoned(&self, secs: f64, tz: &jiff::tz::TimeZone) -> jiff::ZonedDateTime {
        self.at(secs).to_zoned_datetime(tz.clone())
    }

    /// The instant `secs` after the start.
    pub fn at(&self, secs: f64) -> Timestamp {
        Timestamp::from_second(self.ts.as_second() + secs.round() as i64).unwrap_or(self.ts)
    }

    /// Local wall time `secs` after the start, in the time zone or else the user's offset:
    /// `2024-03-23 21:05`.
    pub fn local(&self, secs: f64, fmt: &str) -> String {
        if let Some(tz) = &self.tz {
            return self.zoned(secs, tz).strftime(fmt).to_string();
        }
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

    /// What local times are in: `Europe/Berlin`, or `UTC+01:00`.
    pub fn zone_text(&self) -> String {
        match self.tz.as_ref().and_then(|tz| tz.iana_name()) {
            Some(name) => name.to_string(),
            None => format!("UTC{}", self.offset_text()),
        }
    }

    /// RFC 3339 in the time zone or the user's offset: `2024-03-23T21:05:00+01:00`.
    pub fn rfc3339(&self, secs: f64) -> String {
        if let Some(tz) = &self.tz {
            return self
                .zoned(secs, tz)
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string();
        }
        format!(
            "{}{}",
            self.local(secs, "%Y-%m-%dT%H:%M:%S"),
            self.offset_text()
        )
    }
}
