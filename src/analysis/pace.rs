//! The one pace of an answer (issue 18): words per minute of answer time,
//! defined here once and printed the same way everywhere (the practice
//! summary, `show`, `analyze`, the report, `stats`).
//!
//! With a transcript it is the words said over the answer time; without,
//! the syllable nuclei the analysis found, divided by 1.5 syllables per
//! word, over the same time, and labelled as an estimate (`est.`). The time is the
//! answer time, from the first word to the end of the last, pauses
//! included: that is how words per minute is usually meant (and what the
//! `fast_pace`/`slow_pace` limits of 110-180 wpm are for), and the silence
//! before the first word has its own flag. See docs/metrics.md.

use serde::{Deserialize, Serialize};

/// Average syllables per word in conversational English (1.4-1.5 in
/// counts of spoken corpora); the upper end, since interview answers use
/// more long words than chat.
pub(crate) const SYLLABLES_PER_WORD: f64 = 1.5;

/// What a pace was counted from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaceBasis {
    /// Estimated from the syllables heard (no transcript).
    #[default]
    Syllables,
    /// Counted from the transcript's words.
    Words,
}

/// Words per minute of answer time, and what they were counted from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pace {
    pub words_per_minute: f64,
    pub basis: PaceBasis,
}

impl Pace {
    /// `words` said in `answer_seconds`.
    pub fn of_words(words: usize, answer_seconds: f64) -> Pace {
        Pace {
            words_per_minute: per_minute(words as f64, answer_seconds),
            basis: PaceBasis::Words,
        }
    }

    /// The estimate from `syllables` heard in `answer_seconds`.
    pub fn of_syllables(syllables: u32, answer_seconds: f64) -> Pace {
        Pace {
            words_per_minute: per_minute(syllables as f64 / SYLLABLES_PER_WORD, answer_seconds),
            basis: PaceBasis::Syllables,
        }
    }

    /// How every surface prints it: `142 wpm`, or `est. 142 wpm` when it
    /// comes from the syllables.
    pub fn label(&self) -> String {
        match self.basis {
            PaceBasis::Words => format!("{:.0} wpm", self.words_per_minute),
            PaceBasis::Syllables => format!("est. {:.0} wpm", self.words_per_minute),
        }
    }
}

fn per_minute(count: f64, seconds: f64) -> f64 {
    if seconds > 0.0 {
        count * 60.0 / seconds
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_over_answer_time_and_the_estimate_is_labelled() {
        let words = Pace::of_words(150, 60.0);
        assert_eq!(words.words_per_minute, 150.0);
        assert_eq!(words.label(), "150 wpm");
        let estimate = Pace::of_syllables(225, 60.0);
        assert_eq!(estimate.words_per_minute, 150.0);
        assert_eq!(estimate.label(), "est. 150 wpm");
        assert_eq!(Pace::of_words(10, 0.0).words_per_minute, 0.0);
    }
}
