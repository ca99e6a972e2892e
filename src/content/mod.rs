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
pub mod eval;
mod feedback;
mod flags;
mod negative;
mod phrases;
mod sentences;
mod star;
mod words;

pub use config::ContentThresholds;
pub use feedback::{content, quote, Content, Fillers, Finding, Mark, Star, StarCue, StarSentence};
pub use phrases::{Phrases, PhrasesError};
pub use star::PARTS as STAR_PARTS;

/// The word lists and the flags' limits a content computation uses.
#[derive(Debug, Clone)]
pub struct ContentRules {
    pub phrases: Phrases,
    pub thresholds: ContentThresholds,
}

/// The shipped lists and the default thresholds.
impl Default for ContentRules {
    fn default() -> Self {
        Self {
            phrases: Phrases::builtin(),
            thresholds: ContentThresholds::default(),
        }
    }
}

impl ContentRules {
    /// The shipped lists plus the user's `file` (the `phrases` setting),
    /// with the default thresholds.
    pub fn load(file: Option<&std::path::Path>) -> Result<Self, PhrasesError> {
        Ok(Self {
            phrases: Phrases::load(file)?,
            thresholds: ContentThresholds::default(),
        })
    }

    /// The content of `words` under these rules (see [`content`]);
    /// `story`: the question asked for one, so the STAR flags apply.
    pub fn apply(
        &self,
        words: &[crate::transcript::Word],
        speaking_seconds: Option<f64>,
        story: bool,
    ) -> Content {
        content(
            words,
            speaking_seconds,
            &self.phrases,
            &self.thresholds,
            story,
        )
    }
}

#[cfg(test)]
mod tests;
