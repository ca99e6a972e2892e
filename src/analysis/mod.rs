//! Speech delivery metrics computed from PCM samples: talk time, pauses, pace,
//! loudness and level problems, plus plain-language flags.
//!
//! This module works on samples only. It knows nothing of devices, sessions or
//! terminals: the capture code records the WAV, `commands` calls
//! [`analyze_wav`] (or feeds an [`Analyzer`]) and stores the [`Metrics`] in
//! the session log. The samples alone give the pace as an estimate from
//! syllable nuclei in the intensity contour and judge uptalk at the phrase
//! ends before long pauses; when a transcript exists, `commands` hands its
//! word count and sentence-end times over as plain figures
//! ([`Metrics::apply_transcript`]). The methods and their limits are
//! described in `docs/metrics.md`.

mod activity;
mod analyzer;
mod config;
mod decimation;
mod flags;
mod intonation;
mod levels;
mod loudness;
mod metrics;
pub mod mic_check;
mod pace;
mod pitch;
mod syllables;
mod voicing;
mod wav;
mod worker;

pub use activity::voiced_stretches;
pub use analyzer::{analyze_samples, Analyzer};
pub use config::{AnalysisConfig, FlagThresholds};
pub use intonation::{STATEMENT_MATCH_SECONDS, STATEMENT_PAUSE_SECONDS};
pub use metrics::{Flag, Metrics, Pause, PhraseEnd};
pub use pace::{Pace, PaceBasis};
pub use pitch::PitchTrack;
pub use wav::{analyze_wav, pitch_track_wav, AnalysisError};
