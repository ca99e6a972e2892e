//! The "Progress" section of the report: one small line chart per figure
//! (pace, average answer length, long pauses per minute, and the average
//! review score when there are reviews) across the sessions it is given,
//! with the session of the page highlighted and labelled.
//!
//! Inline SVG only: no script, nothing external. Colours come from the
//! page's CSS variables through classes, so the charts follow light and dark
//! mode. Which sessions are drawn is the caller's choice (the report command
//! passes those started up to the page's session); this module reads
//! nothing, and every piece of text it writes goes through
//! [`super::escape::html`].

use super::escape::html as e;
use crate::progress::SessionProgress;
use std::fmt::Write as _;

/// A figure drawn as a chart.
struct Series {
    /// [`SessionProgress::value`]'s key.
    key: &'static str,
    title: &'static str,
    unit: &'static str,
    decimals: usize,
}

const SERIES: [Series; 5] = [
    Series {
        key: "pace_wpm",
        title: "Pace",
        unit: "wpm",
        decimals: 0,
    },
    Series {
        key: "average_answer_seconds",
        title: "Average answer length",
        unit: "s",
        decimals: 0,
    },
    Series {
        key: "long_pauses_per_minute",
        title: "Long pauses",
        unit: "per minute",
        decimals: 1,
    },
    Series {
        key: "pitch_sd_semitones",
        title: "Pitch variation",
        unit: "semitones (SD)",
        decimals: 1,
    },
    Series {
        key: "average_score",
        title: "Average review score",
        unit: "out of 5",
        decimals: 1,
    },
];

// The drawing, in SVG units. 320 wide scales to a phone's width with 12-unit
// text still legible; the plot leaves room for the labels around it.
const W: f64 = 320.0;
const H: f64 = 150.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = W - 14.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = H - 32.0;

/// The section, or nothing when fewer than two of `sessions` have metrics
/// (one point is no progress). `sessions` must be in date order; the one
/// whose id is `this_id` is highlighted.
pub fn section(sessions: &[SessionProgress], this_id: &str) -> String {
    if sessions.iter().filter(|s| s.has_metrics()).count() < 2 {
        return String::new();
    }
    // A session without metrics has no point to draw, unless it is this one:
    // its place is still marked.
    let shown: Vec<&SessionProgress> = sessions
        .iter()
        .filter(|s| s.has_metrics() || s.id == this_id)
        .collect();
    let this = shown.iter().position(|s| s.id == this_id);
    let mut h = String::from("<section class=\"progress\" id=\"progress\">\n<h2>Progress</h2>\n");
    let _ = writeln!(
        h,
        "<p class=\"muted\">{} sessions up to this one, oldest first; this session is highlighted.</p>\n<div class=\"charts\">",
        shown.len()
    );
    for series in &SERIES {
        let values: Vec<Option<f64>> = shown.iter().map(|s| s.value(series.key)).collect();
        if values.iter().any(Option::is_some) {
            h.push_str(&chart(series, &shown, &values, this));
        }
    }
    h.push_str("</div>\n</section>\n");
    h
}

fn fmt(v: f64, s: &Series) -> String {
    format!("{v:.prec$}", prec = s.decimals)
}

/// One figure: caption and SVG. `values[i]` belongs to `sessions[i]`.
fn chart(
    s: &Series,
    sessions: &[&SessionProgress],
    values: &[Option<f64>],
    this: Option<usize>,
) -> String {
    let present = values.iter().flatten().copied();
    let (mut lo, mut hi) = present.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if hi - lo < 1e-9 {
        // A flat series is drawn across the middle.
        lo -= 1.0;
        hi += 1.0;
    }
    let n = sessions.len();
    let x = |i: usize| {
        if n < 2 {
            (LEFT + RIGHT) / 2.0
        } else {
            LEFT + (RIGHT - LEFT) * i as f64 / (n - 1) as f64
        }
    };
    let y = |v: f64| BOTTOM - (v - lo) / (hi - lo) * (BOTTOM - TOP);

    let this_value = this.and_then(|i| values[i]);
    let caption = match this_value {
        Some(v) => format!("{} ({}): this session {}", s.title, s.unit, fmt(v, s)),
        None => format!("{} ({}): none for this session", s.title, s.unit),
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<figure class=\"chart\" data-series=\"{key}\"><figcaption>{cap}</figcaption>\n\
<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{cap}\">\n\
<path class=\"axis\" d=\"M{LEFT} {TOP}V{BOTTOM}H{RIGHT}\"/>\n\
<text class=\"tick\" x=\"{tx}\" y=\"{ty_hi}\" text-anchor=\"end\">{hi}</text>\n\
<text class=\"tick\" x=\"{tx}\" y=\"{BOTTOM}\" text-anchor=\"end\">{lo}</text>\n",
        key = e(s.key),
        cap = e(&caption),
        tx = LEFT - 4.0,
        ty_hi = TOP + 4.0,
        hi = e(&fmt(hi, s)),
        lo = e(&fmt(lo, s)),
    );
    // The first and last dates under the axis.
    let date_y = BOTTOM + 16.0;
    let _ = writeln!(
        svg,
        "<text class=\"tick\" x=\"{LEFT}\" y=\"{date_y}\" text-anchor=\"start\">{}</text>",
        e(&sessions[0].date)
    );
    if n > 1 {
        let _ = writeln!(
            svg,
            "<text class=\"tick\" x=\"{RIGHT}\" y=\"{date_y}\" text-anchor=\"end\">{}</text>",
            e(&sessions[n - 1].date)
        );
    }
    if let Some(i) = this {
        let _ = writeln!(
            svg,
            "<path class=\"now\" d=\"M{:.1} {TOP}V{BOTTOM}\"/>",
            x(i)
        );
    }
    let line: Vec<String> = values
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.map(|v| format!("{:.1},{:.1}", x(i), y(v))))
        .collect();
    if line.len() > 1 {
        let _ = writeln!(
            svg,
            "<polyline class=\"line\" points=\"{}\"/>",
            line.join(" ")
        );
    }
    for (i, v) in values.iter().enumerate() {
        let Some(v) = *v else { continue };
        let (class, r) = if this == Some(i) {
            ("point this", 5)
        } else {
            ("point", 3)
        };
        let tip = format!(
            "{} · {}: {} {}",
            sessions[i].date,
            sessions[i].id,
            fmt(v, s),
            s.unit
        );
        let _ = writeln!(
            svg,
            "<circle class=\"{class}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"{r}\"><title>{}</title></circle>",
            x(i),
            y(v),
            e(&tip)
        );
    }
    if let (Some(i), Some(v)) = (this, this_value) {
        // The value next to the highlighted point, kept inside the drawing.
        let (px, py) = (x(i), y(v));
        let anchor = if px < LEFT + 30.0 {
            "start"
        } else if px > RIGHT - 30.0 {
            "end"
        } else {
            "middle"
        };
        let ly = if py - 9.0 < 12.0 { py + 18.0 } else { py - 9.0 };
        let _ = writeln!(
            svg,
            "<text class=\"label\" x=\"{px:.1}\" y=\"{ly:.1}\" text-anchor=\"{anchor}\">{}</text>",
            e(&fmt(v, s))
        );
    }
    svg.push_str("</svg></figure>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(id: &str, date: &str, wpm: Option<f64>) -> SessionProgress {
        SessionProgress {
            id: id.into(),
            date: date.into(),
            average_answer_seconds: wpm.map(|_| 60.0),
            pace_wpm: wpm,
            long_pauses_per_minute: wpm.map(|_| 0.5),
            ..SessionProgress::default()
        }
    }

    /// The (cx, cy, class) of each circle of the chart of `key`.
    fn points(html: &str, key: &str) -> Vec<(f64, f64, String)> {
        let start = html
            .find(&format!("data-series=\"{key}\""))
            .unwrap_or_else(|| panic!("no {key} chart in {html}"));
        let fig = &html[start..start + html[start..].find("</figure>").unwrap()];
        let attr = |tag: &str, name: &str| -> String {
            let i = tag.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            tag[i..i + tag[i..].find('"').unwrap()].to_string()
        };
        fig.split("<circle ")
            .skip(1)
            .map(|t| {
                (
                    attr(t, "cx").parse().unwrap(),
                    attr(t, "cy").parse().unwrap(),
                    attr(t, "class"),
                )
            })
            .collect()
    }

    #[test]
    fn points_in_date_order_with_this_session_highlighted() {
        let s = [
            session("20261101-090000", "2026-11-01", Some(120.0)),
            session("20261108-090000", "2026-11-08", Some(150.0)),
            session("20261115-090000", "2026-11-15", Some(135.0)),
        ];
        let html = section(&s, "20261108-090000");
        assert!(html.contains("<h2>Progress</h2>"));
        let p = points(&html, "pace_wpm");
        assert_eq!(p.len(), 3);
        assert!(p[0].0 < p[1].0 && p[1].0 < p[2].0, "left to right: {p:?}");
        // Higher pace is higher up (smaller y).
        assert!(p[1].1 < p[2].1 && p[2].1 < p[0].1, "{p:?}");
        let classes: Vec<&str> = p.iter().map(|p| p.2.as_str()).collect();
        assert_eq!(classes, ["point", "point this", "point"]);
        // Labelled, with the axis' min and max and the dates.
        assert!(html.contains(">150</text>"));
        assert!(html.contains(">120</text>"));
        assert!(html.contains(">2026-11-01</text>") && html.contains(">2026-11-15</text>"));
        assert!(html.contains("Pace (wpm): this session 150"));
        assert_eq!(
            html.matches("class=\"now\"").count(),
            3,
            "a marker per chart"
        );
        assert!(
            !html.contains("data-series=\"average_score\""),
            "no reviews"
        );
        assert!(html.contains("data-series=\"long_pauses_per_minute\""));
        assert!(!html.contains("<script") && !html.contains("http"));
    }

    #[test]
    fn one_session_with_metrics_is_no_progress() {
        let s = [
            session("a", "2026-11-01", Some(120.0)),
            session("b", "2026-11-08", None),
        ];
        assert_eq!(section(&s, "a"), "");
        assert_eq!(section(&s[..1], "a"), "");
        assert_eq!(section(&[], "a"), "");
    }

    #[test]
    fn scores_chart_only_with_reviews_and_gaps_are_skipped() {
        let mut s = [
            session("a", "2026-11-01", Some(120.0)),
            session("b", "2026-11-08", Some(130.0)),
            session("c", "2026-11-15", None),
        ];
        s[0].scores.insert("structure".into(), 3.0);
        s[1].scores.insert("structure".into(), 4.0);
        s[1].scores.insert("clarity".into(), 5.0);
        // This session has no metrics: still marked, nothing highlighted.
        let html = section(&s, "c");
        let p = points(&html, "average_score");
        assert_eq!(p.len(), 2);
        assert!(html.contains("Average review score (out of 5): none for this session"));
        assert!(html.contains(">4.5</text>"), "max label: {html}");
        assert!(!html.contains("point this"));
        assert_eq!(html.matches("class=\"now\"").count(), 4);
    }

    #[test]
    fn flat_series_and_every_text_escaped() {
        let s = [
            session("<script>x</script>", "<b>&'\"", Some(120.0)),
            session("b", "2026-11-08", Some(120.0)),
        ];
        let html = section(&s, "b");
        assert!(!html.contains("<script") && !html.contains("<b>"), "{html}");
        assert!(html.contains("&lt;b&gt;&amp;&#39;&quot;"));
        assert!(html.contains("&lt;script&gt;x&lt;/script&gt;"));
        let p = points(&html, "pace_wpm");
        assert_eq!(p[0].1, p[1].1, "flat: same height");
        assert!(p[0].1 > TOP && p[0].1 < BOTTOM);
        assert!(html.contains(">119</text>") && html.contains(">121</text>"));
    }
}
