//! Words -> feedback: what an answer's transcript says about how it was
//! told. Fillers, hedges, negative talk about others, "I" against "we",
//! figures, stutters and the STAR shape, each found with the range of words
//! it covers, and plain-language flags like the delivery ones.
//!
//! Pure functions over [`crate::transcript::Word`]s: no audio, no engine, no
//! sessions. `transcribe` produces the words, `commands` calls [`content`]
//! and stores the result beside the transcript. The word lists are data
//! (`phrases/content.toml`, see [`Phrases`]); the metrics, flags and their
//! thresholds are described in `docs/metrics.md`.

mod config;
mod feedback;
mod flags;
mod phrases;
mod words;

pub use config::ContentThresholds;
pub use feedback::{content, Content, Fillers, Finding, Mark, Star, StarCue};
pub use phrases::{Phrases, PhrasesError, PHRASES_ENV};

#[cfg(test)]
mod tests;
