//! Voice activity from 10 ms frame energies: where the speech is, and so the
//! pauses, the leading and the trailing silence.
//!
//! Thresholds adapt to the recording: the noise floor is a low percentile of
//! the frame energies and the speech level a high one. A stretch of speech
//! needs a frame above the upper threshold and extends while frames stay
//! above the lower one (hysteresis), so a word's weak edges stay in the word
//! without letting noise start one. Gaps shorter than the minimum pause are
//! bridged (stop closures, breaths between words) and isolated blips shorter
//! than `MIN_SPEECH_SECONDS` are dropped (clicks, a bump of the desk).

use super::config::AnalysisConfig;
use crate::level::{power_db, FULL_SCALE};

/// Percentile of the frame energies taken as the noise floor.
const NOISE_PERCENTILE: f64 = 0.10;
/// Percentile taken as the speech level (the loud frames of vowels).
const SPEECH_PERCENTILE: f64 = 0.99;
/// Less dynamic range than this between speech level and noise: no speech.
const MIN_DYNAMIC_DB: f32 = 12.0;
/// Upper threshold: this far above the noise, or this far below the speech level.
const HIGH_ABOVE_NOISE_DB: f32 = 6.0;
const HIGH_BELOW_SPEECH_DB: f32 = 25.0;
/// Lower threshold, where a stretch of speech ends.
const LOW_ABOVE_NOISE_DB: f32 = 2.5;
const LOW_BELOW_SPEECH_DB: f32 = 35.0;
/// Speech stretches shorter than this, with silence around, are not speech.
const MIN_SPEECH_SECONDS: f64 = 0.08;

pub(crate) struct Activity {
    /// Speech stretches as frame ranges `[start, end)`, separated by pauses.
    pub segments: Vec<(usize, usize)>,
    pub noise_floor_db: f64,
    pub speech_level_db: f64,
    /// Energy below which a frame is not speech.
    pub low_threshold_db: f32,
}

pub(crate) fn percentile(values: &[f32], q: f64) -> f32 {
    if values.is_empty() {
        return crate::level::SILENCE_DB as f32;
    }
    let mut v = values.to_vec();
    let k = ((v.len() - 1) as f64 * q).round() as usize;
    *v.select_nth_unstable_by(k, f32::total_cmp).1
}

pub(crate) fn detect(energy_db: &[f32], frame_seconds: f64, config: &AnalysisConfig) -> Activity {
    let noise = percentile(energy_db, NOISE_PERCENTILE);
    let level = percentile(energy_db, SPEECH_PERCENTILE);
    let high = (noise + HIGH_ABOVE_NOISE_DB).max(level - HIGH_BELOW_SPEECH_DB);
    let low = (noise + LOW_ABOVE_NOISE_DB).max(level - LOW_BELOW_SPEECH_DB);
    let mut activity = Activity {
        segments: Vec::new(),
        noise_floor_db: noise as f64,
        speech_level_db: level as f64,
        low_threshold_db: low,
    };
    if level - noise < MIN_DYNAMIC_DB {
        return activity;
    }
    // Runs above the lower threshold that reach the upper one.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < energy_db.len() {
        if energy_db[i] < low {
            i += 1;
            continue;
        }
        let start = i;
        let mut loud = false;
        while i < energy_db.len() && energy_db[i] >= low {
            loud |= energy_db[i] >= high;
            i += 1;
        }
        if loud {
            runs.push((start, i));
        }
    }
    let min_gap = (config.min_pause_seconds / frame_seconds).round().max(1.0) as usize;
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for run in runs {
        match merged.last_mut() {
            Some(last) if run.0 - last.1 < min_gap => last.1 = run.1,
            _ => merged.push(run),
        }
    }
    let min_len = (MIN_SPEECH_SECONDS / frame_seconds).ceil() as usize;
    merged.retain(|&(s, e)| e - s >= min_len);
    activity.segments = merged;
    activity
}

/// Length of the frames [`voiced_stretches`] measures (10 ms, as the analyzer).
const FRAME_SECONDS: f64 = 0.01;

/// Where the speech is in mono samples (full scale 1.0), as stretches
/// `(start, end)` in seconds: the same detector and settings the delivery
/// metrics use, for callers that hold samples rather than a recording to
/// analyse (transcription checks its words against it, issue 18).
pub fn voiced_stretches(mono: &[f32], rate: u32, config: &AnalysisConfig) -> Vec<(f64, f64)> {
    let frame_len = ((f64::from(rate) * FRAME_SECONDS).round() as usize).max(1);
    let frame_seconds = frame_len as f64 / f64::from(rate.max(1));
    let energy_db: Vec<f32> = mono
        .chunks_exact(frame_len)
        .map(|frame| {
            let n = frame.len() as f64;
            let mean = frame.iter().map(|&s| f64::from(s)).sum::<f64>() / n;
            let power = frame
                .iter()
                .map(|&s| (f64::from(s) - mean).powi(2))
                .sum::<f64>()
                / n;
            // The analyzer's energies are of 16-bit sample values.
            power_db(power * FULL_SCALE * FULL_SCALE) as f32
        })
        .collect();
    detect(&energy_db, frame_seconds, config)
        .segments
        .iter()
        .map(|&(s, e)| (s as f64 * frame_seconds, e as f64 * frame_seconds))
        .collect()
}
