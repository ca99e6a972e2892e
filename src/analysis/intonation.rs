//! How the voice moves: pitch statistics of the whole answer from the F0
//! track, and what happens at the end of each phrase (a rise in pitch, a
//! fall in loudness). Phrases are the stretches of speech between the
//! pauses voice activity found.
//!
//! Pitch statistics are in semitones (re 100 Hz), the scale on which equal
//! steps sound equal, so the same figure means the same liveliness for a
//! low and a high voice.
//!
//! Uptalk is a statement that ends rising like a question. A rise at a
//! comma or inside a sentence is a continuation rise ("When I joined,↗ the
//! team was…"), which is how English keeps the listener waiting for more:
//! not uptalk. So only statement ends count (issue 18). Without the words,
//! a phrase end counts when a pause of at least [`STATEMENT_PAUSE_SECONDS`]
//! follows it (or the answer ends): speakers pause longer between sentences
//! than at commas. With a transcript, [`mark_statement_ends`] replaces that
//! guess with the sentence ends the words give, passed in as plain times
//! (this module knows no transcript types).

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
/// Without a transcript, a phrase end is a statement's end when at least
/// this much silence follows it (s): speakers pause longer between
/// sentences than at a comma, and 0.7 s is the line issue 18 draws. The
/// pause is measured between stretches of speech, to the 10 ms frame (a
/// 0.7 s silence between two sentences of espeak-ng measures 0.69-0.70 s,
/// so the tests join sentences with 0.9 s).
pub const STATEMENT_PAUSE_SECONDS: f64 = 0.7;
/// With a transcript, a phrase end is a statement's end when a sentence
/// ends within this much of it (s): the words' end times are within 0.3 s
/// of their sound, the phrase's end within a frame or two of its last
/// sound, and a pause keeps two sentences' ends further apart than this.
pub const STATEMENT_MATCH_SECONDS: f64 = 0.5;

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

    let (mut tails, mut fading) = (0usize, 0usize);
    for (i, &(s, e)) in activity.segments.iter().enumerate() {
        let pause_after = activity
            .segments
            .get(i + 1)
            .map(|next| next.0.saturating_sub(e) as f64 * frame_seconds);
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
            // The answer's last phrase ends it: a statement's end.
            statement: pause_after.is_none_or(|p| p >= STATEMENT_PAUSE_SECONDS - 1e-9),
        };
        tails += usize::from(fall.is_some());
        fading += usize::from(end.fading);
        m.phrase_ends.push(end);
    }
    m.uptalk_fraction = uptalk_fraction(&m.phrase_ends);
    m.trailing_off_fraction = (tails > 0).then(|| fading as f64 / tails as f64);
}

/// Share of the statement ends measured that rise; `None` when none was
/// measured.
fn uptalk_fraction(ends: &[PhraseEnd]) -> Option<f64> {
    let measured = ends
        .iter()
        .filter(|e| e.statement && e.rise_semitones.is_some());
    let n = measured.clone().count();
    (n > 0).then(|| measured.filter(|e| e.rising).count() as f64 / n as f64)
}

/// With a transcript: a phrase end is a statement's end when one of
/// `statement_ends` (seconds: where a sentence that is not a question
/// ends) lies within [`STATEMENT_MATCH_SECONDS`] of it; every other
/// phrase end (a comma, a breath inside a sentence, a question) is not.
/// Updates `uptalk_fraction` to match.
pub(crate) fn mark_statement_ends(m: &mut Metrics, statement_ends: &[f64]) {
    for end in &mut m.phrase_ends {
        end.statement = statement_ends
            .iter()
            .any(|&t| (t - end.end_seconds).abs() <= STATEMENT_MATCH_SECONDS);
    }
    m.uptalk_fraction = uptalk_fraction(&m.phrase_ends);
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
