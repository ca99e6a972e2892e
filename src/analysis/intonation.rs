//! How the voice moves: pitch statistics of the whole answer from the F0
//! track, and what happens at the end of each phrase (a rise in pitch, a
//! fall in loudness). Phrases are the stretches of speech between the
//! pauses voice activity found.
//!
//! Pitch statistics are in semitones (re 100 Hz), the scale on which equal
//! steps sound equal, so the same figure means the same liveliness for a
//! low and a high voice.

use super::activity::Activity;
use super::config::FlagThresholds;
use super::metrics::{Metrics, PhraseEnd};

/// Fewer voiced frames than this (0.5 s) give no pitch statistics.
const MIN_VOICED_FRAMES: usize = 50;
/// The pitch at a phrase's end: the median of its last voiced frames (100 ms)…
const END_FRAMES: usize = 10;
/// …compared with the lowest point in the 500 ms before them.
const BEFORE_END_FRAMES: usize = 50;
/// The loudness of a phrase's end: its last 300 ms…
const TAIL_FRAMES: usize = 30;
/// …in phrases at least this long (600 ms), so that the end is a part of
/// the phrase, not most of it.
const MIN_PHRASE_FRAMES: usize = 60;

pub(crate) fn semitones(hz: f64) -> f64 {
    12.0 * (hz / 100.0).log2()
}

fn hz(semitones: f64) -> f64 {
    100.0 * 2f64.powf(semitones / 12.0)
}

/// Nearest-rank quantile of sorted values.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let k = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[k]
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        0.5 * (values[n / 2 - 1] + values[n / 2])
    }
}

/// Fill in the pitch metrics of `m` from the F0 track (Hz per frame, 0 =
/// unvoiced), the frame energies (dB) and the speech stretches.
pub(crate) fn measure(
    m: &mut Metrics,
    f0: &[f32],
    energy_db: &[f32],
    activity: &Activity,
    frame_seconds: f64,
    t: &FlagThresholds,
) {
    // Voicing outside speech (a hum, a voice in the next room below the
    // speech threshold) is not the candidate's voice.
    let mut voiced: Vec<f64> = Vec::new();
    for &(s, e) in &activity.segments {
        let e = e.min(f0.len());
        voiced.extend(
            f0[s.min(e)..e]
                .iter()
                .filter(|&&f| f > 0.0)
                .map(|&f| semitones(f as f64)),
        );
    }
    m.voiced_seconds = voiced.len() as f64 * frame_seconds;
    if voiced.len() >= MIN_VOICED_FRAMES {
        let n = voiced.len() as f64;
        let mean = voiced.iter().sum::<f64>() / n;
        let var = voiced.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
        m.pitch_sd_semitones = Some(var.sqrt());
        voiced.sort_by(f64::total_cmp);
        m.pitch_median_hz = Some(hz(median(&mut voiced)));
        m.pitch_range_semitones = Some(quantile(&voiced, 0.9) - quantile(&voiced, 0.1));
    }

    let (mut rises, mut rising, mut tails, mut fading) = (0usize, 0usize, 0usize, 0usize);
    for &(s, e) in &activity.segments {
        let e = e.min(f0.len()).min(energy_db.len());
        if e <= s {
            continue;
        }
        let rise = end_rise(&f0[s..e]);
        let fall = (e - s >= MIN_PHRASE_FRAMES).then(|| end_fall(&energy_db[s..e]));
        let end = PhraseEnd {
            end_seconds: e as f64 * frame_seconds,
            rise_semitones: rise,
            fall_db: fall,
            rising: rise.is_some_and(|r| r > t.uptalk_rise_semitones),
            fading: fall.is_some_and(|f| f > t.trailing_off_db),
        };
        rises += usize::from(rise.is_some());
        rising += usize::from(end.rising);
        tails += usize::from(fall.is_some());
        fading += usize::from(end.fading);
        m.phrase_ends.push(end);
    }
    m.uptalk_fraction = (rises > 0).then(|| rising as f64 / rises as f64);
    m.trailing_off_fraction = (tails > 0).then(|| fading as f64 / tails as f64);
}

/// Rise of the pitch at the end of one phrase, in semitones: the median of
/// the last 100 ms of voicing over the lowest point (of a 5-frame median,
/// so that a jittery frame or two is no low point)
/// in the 500 ms before. Unvoiced sounds after the last voiced one (a
/// final "s", a breath) carry no pitch: the intonation ends where the
/// voicing does. `None` when the phrase has too little voicing.
fn end_rise(f0: &[f32]) -> Option<f64> {
    let voiced: Vec<f64> = f0
        .iter()
        .filter(|&&f| f > 0.0)
        .map(|&f| semitones(f as f64))
        .collect();
    if voiced.len() < END_FRAMES + BEFORE_END_FRAMES / 2 {
        // Too short a phrase to have a shape.
        return None;
    }
    let split = voiced.len() - END_FRAMES;
    let end = median(&mut voiced[split..].to_vec());
    let before = &voiced[split.saturating_sub(BEFORE_END_FRAMES)..split];
    let low = before
        .windows(5)
        .map(|w| median(&mut w.to_vec()))
        .fold(f64::INFINITY, f64::min);
    Some(end - low)
}

/// How far the last 300 ms of a phrase are below the phrase as a whole, in
/// dB: both as the mean power of their 10 ms frames.
fn end_fall(energy_db: &[f32]) -> f64 {
    let level = |frames: &[f32]| {
        let p = frames
            .iter()
            .map(|&d| 10f64.powf(d as f64 / 10.0))
            .sum::<f64>()
            / frames.len() as f64;
        10.0 * p.max(1e-30).log10()
    };
    let tail = &energy_db[energy_db.len() - TAIL_FRAMES.min(energy_db.len())..];
    // To 0.01 dB: the frame energies' last bits depend on how the samples
    // were split into blocks, and the same audio must give the same figure.
    ((level(energy_db) - level(tail)) * 100.0).round() / 100.0
}
