//! Durations as people write them on a command line: `90` (seconds), `90s`, `500ms`, `2m`,
//! `1h`, `4h30m`, `1.5h`. One parser for every duration option (`--max-wait`, `--timeout`,
//! `--window`); what range an option accepts is its own business.

use std::time::Duration;

const EXAMPLES: &str = "examples: 90s, 500ms, 2m, 4h30m";

/// A duration: a bare number of seconds, or numbers each followed by `ms`, `s`, `m` or `h`.
/// Errors quote the text and say what was expected; they name no option.
pub fn parse(s: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(parse_seconds(s)?)
        .map_err(|_| format!("`{s}` is too long to be a duration"))
}

/// [`parse`] as seconds, finite and not negative but unbounded (for callers whose own upper
/// bound should be the message, not the range of [`Duration`]).
pub fn parse_seconds(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let seconds = if !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        number(s, t)?
    } else {
        let mut total = 0.0;
        let mut rest = t;
        if !rest.contains(|c: char| c.is_ascii_digit()) {
            return Err(format!("`{s}` is not a duration ({EXAMPLES})"));
        }
        while !rest.is_empty() {
            let split = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            let (num, tail) = rest.split_at(split);
            let unit_len = tail
                .find(|c: char| c.is_ascii_digit() || c == '.')
                .unwrap_or(tail.len());
            let (unit, next) = tail.split_at(unit_len);
            if num.is_empty() {
                return Err(format!(
                    "`{s}`: a number must come before `{unit}` ({EXAMPLES})"
                ));
            }
            let mult = match unit.to_ascii_lowercase().as_str() {
                "ms" => 0.001,
                "s" => 1.0,
                "m" => 60.0,
                "h" => 3600.0,
                "" => {
                    return Err(format!(
                        "`{s}`: `{num}` needs a unit (ms, s, m or h) ({EXAMPLES})"
                    ));
                }
                other => {
                    return Err(format!(
                        "`{s}`: unknown unit `{other}` (use ms, s, m or h; {EXAMPLES})"
                    ));
                }
            };
            total += number(s, num)? * mult;
            rest = next;
        }
        total
    };
    if seconds.is_finite() {
        Ok(seconds)
    } else {
        Err(format!("`{s}` is too long to be a duration"))
    }
}

fn number(s: &str, num: &str) -> Result<f64, String> {
    match num.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok(n),
        _ => Err(format!("`{s}`: `{num}` is not a number ({EXAMPLES})")),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use std::time::Duration;

    #[test]
    fn spellings() {
        let secs = |n| Ok(Duration::from_secs(n));
        assert_eq!(parse("90"), secs(90));
        assert_eq!(parse("60s"), secs(60));
        assert_eq!(parse(" 2m "), secs(120));
        assert_eq!(parse("6h"), secs(21_600));
        assert_eq!(parse("4h30m"), secs(16_200));
        assert_eq!(parse("1h1m1s"), secs(3661));
        assert_eq!(parse("90M"), secs(5400));
        assert_eq!(parse("1.5h"), secs(5400));
        assert_eq!(parse("0"), secs(0));
        assert_eq!(parse("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse("1s500ms"), Ok(Duration::from_millis(1500)));
    }

    #[test]
    fn errors_quote_the_text() {
        for (text, says) in [
            ("", "`` is not a duration"),
            ("h", "`h` is not a duration"),
            ("6x", "`6x`: unknown unit `x`"),
            ("2 weeks", "`2 weeks`: unknown unit ` weeks`"),
            ("1h30", "`1h30`: `30` needs a unit"),
            ("1.2.3s", "`1.2.3s`: `1.2.3` is not a number"),
            ("inf", "`inf` is not a duration"),
            ("soon", "`soon` is not a duration (examples: 90s"),
            ("m5", "`m5`: a number must come before `m`"),
            ("99999999999999999999999h", "too long to be a duration"),
        ] {
            let e = parse(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }
}
