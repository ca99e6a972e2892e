//! Tunable settings of the analysis: what counts as a pause and when a
//! finding is worth a flag. Defaults are the values documented in
//! `docs/metrics.md`.

use serde::{Deserialize, Serialize};

/// Settings of one analysis run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisConfig {
    /// A silent gap between stretches of speech counts as a pause from this
    /// length on (seconds). Shorter gaps (stop closures, breaths between
    /// words) are part of speaking.
    pub min_pause_seconds: f64,
    /// A pause at least this long (seconds) is a long pause.
    pub long_pause_seconds: f64,
    /// Lowest pitch tracked (Hz): Praat's default floor for speech, 75.
    pub pitch_floor_hz: f64,
    /// Highest pitch tracked (Hz), 600: above the highest speaking voices.
    pub pitch_ceiling_hz: f64,
    /// When the findings in [`crate::analysis::Metrics::flags`] are raised.
    pub thresholds: FlagThresholds,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        Self {
            min_pause_seconds: 0.25,
            long_pause_seconds: 1.2,
            pitch_floor_hz: 75.0,
            pitch_ceiling_hz: 600.0,
            thresholds: FlagThresholds::default(),
        }
    }
}

/// Limits beyond which a metric becomes a flag. Every limit is strict
/// ("more than", "less than").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FlagThresholds {
    /// `slow_start`: silence before the first word longer than this (s). 3.0.
    pub first_word_seconds: f64,
    /// `fast_pace`: more words per minute than this. 180.
    pub fast_wpm: f64,
    /// `slow_pace`: fewer words per minute than this. 110.
    pub slow_wpm: f64,
    /// Pace flags need at least this much answer time (s), so that a few
    /// words do not make a verdict. 10.
    pub min_pace_seconds: f64,
    /// `long_answer`: a recording longer than this (s). 150.
    pub long_answer_seconds: f64,
    /// `short_answer`: a recording with speech shorter than this (s). 30.
    pub short_answer_seconds: f64,
    /// `clipping`: a larger fraction of clipped samples than this. 0.001.
    pub clipped_fraction: f64,
    /// `too_quiet`: integrated loudness below this (LUFS). -35.
    pub quiet_lufs: f64,
    /// `too_quiet`: sample peak below this (dBFS). -20.
    pub quiet_peak_dbfs: f64,
    /// `hesitant`: more long pauses per minute of answer than this. 3.
    pub long_pauses_per_minute: f64,
    /// `noisy`: speech level less than this far above the noise floor (dB). 15.
    pub min_snr_db: f64,
    /// `monotone`: pitch standard deviation below this (semitones). 1.5.
    pub monotone_sd_semitones: f64,
    /// `monotone` needs at least this much voiced speech (s). 3.
    pub min_voiced_seconds: f64,
    /// A phrase end rises (uptalk) when its pitch climbs more than this
    /// (semitones). 2.
    pub uptalk_rise_semitones: f64,
    /// A phrase end trails off when its last 300 ms are more than this
    /// below the phrase (dB). 6.
    pub trailing_off_db: f64,
    /// `uptalk`, `trailing_off`: more than this share of the phrase ends. 0.3.
    pub phrase_end_fraction: f64,
    /// `uptalk`, `trailing_off` need at least this many phrase ends measured. 3.
    pub min_phrase_ends: u32,
}

impl Default for FlagThresholds {
    fn default() -> Self {
        Self {
            first_word_seconds: 3.0,
            fast_wpm: 180.0,
            slow_wpm: 110.0,
            min_pace_seconds: 10.0,
            long_answer_seconds: 150.0,
            short_answer_seconds: 30.0,
            clipped_fraction: crate::level::CLIPPED_FRACTION,
            quiet_lufs: crate::level::QUIET_LOUDNESS_LUFS,
            quiet_peak_dbfs: crate::level::QUIET_PEAK_DB,
            long_pauses_per_minute: 3.0,
            min_snr_db: 15.0,
            monotone_sd_semitones: 1.5,
            min_voiced_seconds: 3.0,
            uptalk_rise_semitones: 2.0,
            trailing_off_db: 6.0,
            phrase_end_fraction: 0.3,
            min_phrase_ends: 3,
        }
    }
}
