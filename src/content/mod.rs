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
mod judge;
mod negative;
mod phrases;
mod sentences;
mod star;
mod words;

pub use config::ContentThresholds;
pub use feedback::{
    content, content_judged, quote, Content, Fillers, Finding, Mark, Star, StarCue, StarSentence,
};
pub use judge::{Combination, JudgeWeights, NegativeJudge};
pub use phrases::{Phrases, PhrasesError};
pub use star::PARTS as STAR_PARTS;

/// The word lists and the flags' limits a content computation uses, and
/// the sentence model's negative-talk judge when it is installed.
#[derive(Debug, Clone)]
pub struct ContentRules {
    pub phrases: Phrases,
    pub thresholds: ContentThresholds,
    pub negative_judge: Option<NegativeJudge>,
}

/// The shipped lists and the default thresholds.
impl Default for ContentRules {
    fn default() -> Self {
        Self {
            phrases: Phrases::builtin(),
            thresholds: ContentThresholds::default(),
            negative_judge: None,
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
            negative_judge: None,
        })
    }

    /// These rules with the negative-talk judge of the sentence model
    /// installed in `models_dir` (`<models_dir>/all-MiniLM-L6-v2`), when it
    /// is there: never fetched, the rules judge alone without it.
    pub fn with_sentence_model(
        self,
        models_dir: &std::path::Path,
    ) -> Result<Self, crate::semantic::EmbedderError> {
        Ok(Self {
            negative_judge: NegativeJudge::installed(models_dir)?,
            ..self
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
        content_judged(
            words,
            speaking_seconds,
            &self.phrases,
            &self.thresholds,
            story,
            self.negative_judge.as_ref(),
        )
    }
}

#[cfg(test)]
mod tests;
