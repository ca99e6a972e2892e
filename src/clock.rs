//! How a length of time is written for people, in one place: the `m:ss`
//! clock of summaries, bars and listings, and the prose form of findings and
//! the report page. Both round to the nearest second, so one answer never
//! reads `recorded 0:01` on one line and `talk 0:02` on the next (issue 9).
//! And how a moment is written: the local time zone, to the minute (the
//! session log keeps RFC 3339 in UTC for machines; issue 13).

use std::time::Duration;

fn whole_seconds(seconds: f64) -> u64 {
    seconds.max(0.0).round() as u64
}

/// `m:ss`, rounded to the nearest second: `2:05`.
pub fn clock(d: Duration) -> String {
    clock_seconds(d.as_secs_f64())
}

/// [`clock`] of a number of seconds (the session log stores `f64` seconds).
pub fn clock_seconds(seconds: f64) -> String {
    let s = whole_seconds(seconds);
    format!("{}:{:02}", s / 60, s % 60)
}

/// `m:ss.s`, to the tenth: where a pinned comment sits in a recording
/// (`0:12.5`), the way the shared page writes it.
pub fn clock_tenths(seconds: f64) -> String {
    let tenths = (seconds.max(0.0) * 10.0).round() as u64;
    format!("{}:{:02}.{}", tenths / 600, tenths / 10 % 60, tenths % 10)
}

/// A moment in the local time zone (`TZ`, else the system's), to the
/// minute: `2026-11-29 13:35`. Every listing, prompt and page writes times
/// this way; JSON keeps the log's RFC 3339.
pub fn local_minute(t: jiff::Timestamp) -> String {
    local(t, "%Y-%m-%d %H:%M")
}

/// The local date of a moment: `2026-11-29`.
pub fn local_date(t: jiff::Timestamp) -> String {
    local(t, "%Y-%m-%d")
}

fn local(t: jiff::Timestamp, format: &str) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime(format)
        .to_string()
}

/// Prose, rounded to the nearest second: `3 min 05 s`, `48 s`.
pub fn prose(seconds: f64) -> String {
    let s = whole_seconds(seconds);
    if s >= 60 {
        format!("{} min {:02} s", s / 60, s % 60)
    } else {
        format!("{s} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_forms_round_the_same_way() {
        assert_eq!(clock(Duration::from_secs(125)), "2:05");
        assert_eq!(clock_seconds(1.6), "0:02");
        assert_eq!(clock_seconds(1.4), "0:01");
        assert_eq!(clock_seconds(-3.0), "0:00");
        assert_eq!(prose(1.6), "2 s");
        assert_eq!(prose(220.2), "3 min 40 s");
        assert_eq!(prose(65.0), "1 min 05 s");
    }

    #[test]
    fn moments_are_local_to_the_minute() {
        let t: jiff::Timestamp = "2026-11-29T12:35:13.151500124Z".parse().unwrap();
        let minute = local_minute(t);
        assert_eq!(minute.len(), "2026-11-29 13:35".len(), "{minute}");
        assert!(minute.starts_with("2026-11-29 ") || minute.starts_with("2026-11-30 "));
        assert_eq!(local_date(t), minute[..10]);
    }
}
