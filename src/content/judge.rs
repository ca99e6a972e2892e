//! Negative talk judged by meaning: a logistic regression over a
//! sentence's all-MiniLM-L6-v2 vector ([`crate::semantic`]), trained on the
//! corpus's tuned-on batches (the negative-talk sentences, and the story
//! answers' sentences as innocent) by `examples/train_negative_judge.rs`, its weights, threshold and the way
//! it combines with the rules of [`super::negative`] in
//! `phrases/negative-embedding.toml` (data with its origin, not code).
//! The rules catch the wordings they name; the judge generalises to other
//! words (issue 18 part 3). Without the model installed the rules judge
//! alone.

use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::semantic::{Embedder, EmbedderError, DIMENSIONS, MODEL_FOLDER};

/// The shipped judge: trained on the corpus's tuned-on batches.
pub const BUILTIN: &str = include_str!("../../phrases/negative-embedding.toml");

/// How the rules' verdict and the judge's make the sentence's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Combination {
    /// The rules alone (the judge is not asked).
    Rules,
    /// The judge alone.
    Judge,
    /// Negative when either says so.
    Either,
    /// Negative when both say so.
    Both,
}

impl Combination {
    pub const ALL: [Combination; 4] = [
        Combination::Rules,
        Combination::Judge,
        Combination::Either,
        Combination::Both,
    ];

    /// The verdict from the rules' and (asked only when needed) the judge's.
    pub fn verdict(self, rules: bool, judge: impl FnOnce() -> bool) -> bool {
        match self {
            Combination::Rules => rules,
            Combination::Judge => judge(),
            Combination::Either => rules || judge(),
            Combination::Both => rules && judge(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Combination::Rules => "rules only",
            Combination::Judge => "judge only",
            Combination::Either => "rules OR judge",
            Combination::Both => "rules AND judge",
        }
    }
}

/// The judge's data (`phrases/negative-embedding.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JudgeWeights {
    /// The sentence model the weights belong to.
    pub model: String,
    /// The batches of eval/negative.toml it was trained on.
    pub trained_on: Vec<u32>,
    pub combination: Combination,
    /// Negative when the probability is at least this.
    pub threshold: f64,
    pub bias: f64,
    pub weights: Vec<f64>,
}

impl JudgeWeights {
    /// The weights in `text`; `what` names the file in the error.
    pub fn parse(text: &str, what: &str) -> Result<Self, String> {
        let w: JudgeWeights = toml::from_str(text).map_err(|e| format!("{what}: {e}"))?;
        if w.weights.len() != DIMENSIONS || w.model != MODEL_FOLDER {
            return Err(format!(
                "{what}: {} weights for model {}; {DIMENSIONS} for {MODEL_FOLDER} expected",
                w.weights.len(),
                w.model
            ));
        }
        Ok(w)
    }

    pub fn builtin() -> Self {
        Self::parse(BUILTIN, "phrases/negative-embedding.toml")
            .expect("the shipped judge is checked by the tests")
    }

    /// The probability that the sentence of `vector` is negative talk.
    pub fn probability(&self, vector: &[f32]) -> f64 {
        let z = self.bias
            + self
                .weights
                .iter()
                .zip(vector)
                .map(|(w, x)| w * f64::from(*x))
                .sum::<f64>();
        1.0 / (1.0 + (-z).exp())
    }
}

/// The judge at work: the sentence model and the weights.
#[derive(Clone)]
pub struct NegativeJudge {
    pub embedder: Arc<Embedder>,
    pub weights: JudgeWeights,
}

impl std::fmt::Debug for NegativeJudge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NegativeJudge")
            .field("combination", &self.weights.combination)
            .field("threshold", &self.weights.threshold)
            .finish_non_exhaustive()
    }
}

impl NegativeJudge {
    /// The shipped judge over the model installed in `models_dir`
    /// (`<models_dir>/all-MiniLM-L6-v2`); none when that folder does not
    /// exist, an error when it is there but unreadable.
    pub fn installed(models_dir: &Path) -> Result<Option<Self>, EmbedderError> {
        let dir = models_dir.join(MODEL_FOLDER);
        if !dir.is_dir() {
            return Ok(None);
        }
        Ok(Some(Self::new(Embedder::load(&dir)?)))
    }

    /// The shipped judge over `embedder`.
    pub fn new(embedder: impl Into<Arc<Embedder>>) -> Self {
        Self {
            embedder: embedder.into(),
            weights: JudgeWeights::builtin(),
        }
    }

    /// Whether the judge calls the sentence `text` negative talk.
    pub fn negative(&self, text: &str) -> bool {
        self.weights.probability(&self.embedder.embed(text)) >= self.weights.threshold
    }

    /// The verdict on a sentence the rules called `rules`.
    pub fn verdict(&self, rules: bool, text: &str) -> bool {
        self.weights
            .combination
            .verdict(rules, || self.negative(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_weights_parse_and_say_where_they_come_from() {
        let w = JudgeWeights::builtin();
        assert_eq!(w.trained_on, [1, 2, 3, 4]);
        assert!((0.5..1.0).contains(&w.threshold));
        assert!(w.weights.iter().all(|x| x.is_finite()) && w.bias.is_finite());
        assert!(BUILTIN.starts_with('#'), "the file opens with its origin");
        let short = BUILTIN.replace("weights = [", "weights = [0.5, ");
        assert!(JudgeWeights::parse(&short, "x.toml")
            .unwrap_err()
            .contains("x.toml: 385 weights"));
    }

    fn said(text: &str) -> Vec<crate::transcript::Word> {
        text.split_whitespace()
            .enumerate()
            .map(|(i, w)| crate::transcript::Word {
                word: w.to_string(),
                start_seconds: i as f64,
                end_seconds: i as f64 + 0.5,
                probability: 0.9,
            })
            .collect()
    }

    #[test]
    fn an_installed_model_catches_what_the_rules_miss_and_quotes_it() {
        let Some(dir) = crate::semantic::test_embedder_dir() else {
            return;
        };
        let models = tempfile::tempdir().unwrap();
        let rules = crate::content::ContentRules::default();
        // No folder: the rules alone, no error.
        let alone = rules.clone().with_sentence_model(models.path()).unwrap();
        assert!(alone.negative_judge.is_none());
        let installed = models.path().join(MODEL_FOLDER);
        std::fs::create_dir(&installed).unwrap();
        for f in [crate::semantic::WEIGHTS_FILE, crate::semantic::VOCAB_FILE] {
            std::fs::copy(dir.join(f), installed.join(f)).unwrap();
        }
        let judged = rules.with_sentence_model(models.path()).unwrap();
        assert!(judged.negative_judge.is_some());
        // Blame in words the rules do not name.
        let answer = "I planned the rollout with the support team. \
                      My old manager would take the credit for anything that went well.";
        let alone = alone.apply(&said(answer), None, true);
        assert!(alone.negatives.is_empty(), "{:?}", alone.negatives);
        let c = judged.apply(&said(answer), None, true);
        assert_eq!(c.negatives.len(), 1, "{:?}", c.negatives);
        let quoted = "My old manager would take the credit for anything that went well.";
        assert_eq!(c.negatives[0].sentence, quoted);
        assert_eq!(
            (c.negatives[0].word_start, c.negatives[0].word_end),
            (8, 20)
        );
        assert!(c
            .flags
            .iter()
            .any(|f| f.code == "negative" && f.message.contains("take the credit")));
        // A folder that is there but broken is an error naming the file.
        std::fs::write(installed.join(crate::semantic::WEIGHTS_FILE), b"cut short").unwrap();
        let err = crate::content::ContentRules::default()
            .with_sentence_model(models.path())
            .unwrap_err()
            .to_string();
        assert!(err.contains("model.safetensors"), "{err}");
    }

    #[test]
    fn combinations_ask_the_judge_only_when_it_matters() {
        let asked = std::cell::Cell::new(0);
        let judge = || {
            asked.set(asked.get() + 1);
            true
        };
        assert!(Combination::Either.verdict(true, judge));
        assert!(!Combination::Both.verdict(false, judge));
        assert!(!Combination::Rules.verdict(false, judge));
        assert_eq!(asked.get(), 0);
        assert!(Combination::Judge.verdict(false, judge));
        assert!(Combination::Both.verdict(true, judge));
        assert_eq!(asked.get(), 2);
    }
}
