//! The pitch contour drawn under each answer's waveform: the F0 track on a
//! semitone scale as an inline SVG as wide as the waveform (same time
//! axis), with the phrase ends that rise (uptalk) or fade (trailing off)
//! marked where they happen.

use std::fmt::Write as _;

use crate::analysis::PhraseEnd;

/// Width of the drawing in user units, the waveform's columns.
const WIDTH: f64 = super::waveform::COLUMNS as f64;
const HEIGHT: f64 = 60.0;
/// The vertical scale spans at least this much (semitones), so that a flat
/// voice looks flat instead of being stretched to fill the box.
const MIN_SPAN_ST: f64 = 12.0;

fn semitones(hz: f32) -> f64 {
    12.0 * (f64::from(hz) / 100.0).log2()
}

/// An inline SVG of `track` (Hz per frame of `frame_seconds`, 0 = unvoiced)
/// over `duration` seconds; `label` must be HTML-escaped by the caller.
/// `None` when nothing was voiced.
pub fn to_svg(
    track: &[f32],
    frame_seconds: f64,
    duration: f64,
    ends: &[PhraseEnd],
    label: &str,
) -> Option<String> {
    let voiced: Vec<f64> = track
        .iter()
        .filter(|&&f| f > 0.0)
        .map(|&f| semitones(f))
        .collect();
    if voiced.is_empty() || duration <= 0.0 {
        return None;
    }
    let lo = voiced.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = voiced.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mid = 0.5 * (lo + hi);
    let span = (hi - lo).max(MIN_SPAN_ST) + 2.0;
    let y = |st: f64| HEIGHT / 2.0 - (st - mid) / span * HEIGHT;
    let x = |seconds: f64| (seconds / duration * WIDTH).clamp(0.0, WIDTH);
    let mut d = String::new();
    let mut drawing = false;
    let mut last_x = f64::NEG_INFINITY;
    for (k, &f) in track.iter().enumerate() {
        if f <= 0.0 {
            drawing = false;
            continue;
        }
        let (px, py) = (x((k as f64 + 0.5) * frame_seconds), y(semitones(f)));
        // At most two points per column of the drawing (a 2-minute answer
        // has 12,000 frames: 400 KB of path in the shared page otherwise);
        // a run's first and last points are always kept.
        let run_ends = track.get(k + 1).is_none_or(|&next| next <= 0.0);
        if drawing && px - last_x < 0.5 && !run_ends {
            continue;
        }
        let _ = write!(d, "{}{px:.1} {py:.1}", if drawing { "L" } else { "M" });
        drawing = true;
        last_x = px;
    }
    let mut marks = String::new();
    for end in ends {
        let px = x(end.end_seconds);
        // Only a statement's end rising is uptalk (issue 18); a rise at a
        // comma is a continuation rise and not marked.
        if end.rising && end.statement {
            let _ = write!(
                marks,
                "<path class=\"rise\" d=\"M{:.1} 9L{:.1} 1L{:.1} 9Z\"><title>statement ends rising {:+.1} st</title></path>",
                px - 4.0,
                px,
                px + 4.0,
                end.rise_semitones.unwrap_or(0.0)
            );
        }
        if end.fading {
            let _ = write!(
                marks,
                "<path class=\"fade\" d=\"M{:.1} {b1:.1}L{:.1} {b2:.1}L{:.1} {b1:.1}Z\"><title>fades {:.0} dB</title></path>",
                px - 4.0,
                px,
                px + 4.0,
                end.fall_db.unwrap_or(0.0),
                b1 = HEIGHT - 9.0,
                b2 = HEIGHT - 1.0,
            );
        }
    }
    Some(format!(
        "<svg class=\"pitch\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" preserveAspectRatio=\"none\" \
role=\"img\" aria-label=\"{label}\"><path d=\"{d}\"/>{marks}</svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voiced_runs_are_separate_lines_and_ends_are_marked() {
        let mut track = vec![0.0f32; 100];
        track[10..40].iter_mut().for_each(|f| *f = 120.0);
        track[60..90].iter_mut().for_each(|f| *f = 150.0);
        let ends = [
            PhraseEnd {
                end_seconds: 0.4,
                rise_semitones: Some(3.1),
                rising: true,
                statement: true,
                ..PhraseEnd::default()
            },
            PhraseEnd {
                end_seconds: 0.9,
                fall_db: Some(8.0),
                fading: true,
                ..PhraseEnd::default()
            },
        ];
        let svg = to_svg(&track, 0.01, 1.0, &ends, "pitch").unwrap();
        assert_eq!(svg.matches('M').count(), 2 + 2, "{svg}");
        assert!(svg.contains("ends rising +3.1 st") && svg.contains("fades 8 dB"));
        assert!(to_svg(&[0.0; 10], 0.01, 0.1, &[], "x").is_none());
        // Two minutes of voice: no more than two points per column.
        let long = vec![130.0f32; 12_000];
        let svg = to_svg(&long, 0.01, 120.0, &[], "pitch").unwrap();
        assert!(
            svg.matches('L').count() <= 2 * WIDTH as usize,
            "{}",
            svg.len()
        );
    }
}
