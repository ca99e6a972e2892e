//! The result of an analysis, as stored in `session.json` and printed by
//! `mockview analyze --json`. Field names are part of the session format.
//! Every type reads with `#[serde(default)]`: a log from an older version
//! (fewer fields) or a newer one (more fields, ignored) still loads.

use serde::{Deserialize, Serialize};

/// A silent gap between two stretches of speech.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pause {
    pub start_seconds: f64,
    pub end_seconds: f64,
}

impl Pause {
    pub fn seconds(&self) -> f64 {
        self.end_seconds - self.start_seconds
    }
}

/// A plain-language finding with the number behind it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Flag {
    /// Stable identifier: `slow_start`, `fast_pace`, `slow_pace`,
    /// `long_answer`, `short_answer`, `clipping`, `too_quiet`, `hesitant`,
    /// `noisy`, `no_speech`.
    pub code: String,
    /// One line for the candidate, e.g. "long silence before you started: 4.2 s".
    pub message: String,
    /// The measured value the flag is about, in the unit of its metric.
    pub value: f64,
}

/// Delivery metrics of one recorded answer. Every number is finite, so the
/// document always round-trips through JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metrics {
    /// Length of the recording.
    pub duration_seconds: f64,
    /// Time from the first word to the end of the last one, minus pauses.
    pub speaking_seconds: f64,
    /// Silence before the first word (0 when no speech was found).
    pub first_word_seconds: f64,
    /// Silence after the last word (0 when no speech was found).
    pub trailing_silence_seconds: f64,
    /// Every gap of at least `min_pause_seconds` between speech.
    pub pauses: Vec<Pause>,
    /// The pauses of at least `long_pause_seconds`.
    pub long_pauses: Vec<Pause>,
    pub longest_pause_seconds: f64,
    /// Estimated number of syllables (voiced intensity peaks).
    pub syllables: u32,
    /// Syllables per second from the first word to the end of the last.
    pub speech_rate: f64,
    /// Syllables per second of speaking time (pauses excluded).
    pub articulation_rate: f64,
    /// Estimated words per minute: syllables / 1.5 per minute of answer time.
    pub words_per_minute: f64,
    /// Integrated loudness (EBU R 128, one mono channel); `None` when the
    /// recording is silent or shorter than one 400 ms gating block.
    pub loudness_lufs: Option<f64>,
    /// Highest sample magnitude, dBFS (-120 for digital silence).
    pub peak_dbfs: f64,
    /// Fraction of samples in runs of at least two at full scale.
    pub clipped_fraction: f64,
    /// 10th percentile of the 10 ms frame RMS, dBFS (-120 floor).
    pub noise_floor_dbfs: f64,
    pub flags: Vec<Flag>,
}

impl Metrics {
    /// One compact line for summaries: talk time, pace, longest pause, time
    /// to the first word and the flags' codes, e.g.
    /// `talk 1:05 · 142 wpm · longest pause 1.8 s · first word 0.4 s · flags: slow_start`.
    pub fn brief(&self) -> String {
        let mut line = format!(
            "talk {} · {:.0} wpm · longest pause {:.1} s · first word {:.1} s",
            crate::clock::clock_seconds(self.speaking_seconds),
            self.words_per_minute,
            self.longest_pause_seconds,
            self.first_word_seconds
        );
        if !self.flags.is_empty() {
            let codes: Vec<&str> = self.flags.iter().map(|f| f.code.as_str()).collect();
            line.push_str(&format!(" · flags: {}", codes.join(", ")));
        }
        line
    }
}
