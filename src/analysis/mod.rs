//! Speech delivery metrics computed from PCM samples: talk time, pauses, pace,
//! loudness and level problems, plus plain-language flags.
//!
//! This module works on samples only. It knows nothing of devices, sessions or
//! terminals: the capture code records the WAV, `commands` calls
//! [`analyze_wav`] (or feeds an [`Analyzer`]) and stores the [`Metrics`] in
//! the session log. No transcript is used; pace is estimated from syllable
//! nuclei in the intensity contour. The methods and their limits are
//! described in `docs/metrics.md`.

mod activity;
mod analyzer;
mod config;
mod flags;
mod intonation;
mod levels;
mod loudness;
mod metrics;
pub mod mic_check;
mod pitch;
mod syllables;
mod voicing;
mod wav;
mod worker;

pub use activity::voiced_stretches;
pub use analyzer::{analyze_samples, Analyzer};
pub use config::{AnalysisConfig, FlagThresholds};
pub use metrics::{Flag, Metrics, Pause, PhraseEnd};
pub use pitch::PitchTrack;
pub use wav::{analyze_wav, pitch_track_wav, AnalysisError};
