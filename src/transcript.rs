//! What was said in an answer: words with their times, as a transcript.
//!
//! A leaf shared by three layers that must not know each other: `transcribe`
//! produces it from audio, `content` turns its words into feedback, and
//! `session` stores it with each answer in `session.json` (the field names
//! below are part of that file's format, docs/session-format.md).

use serde::{Deserialize, Serialize};

/// The words of one recording, in order, and the model that heard them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    /// The model's name as `model list` shows it (e.g. `tiny.en`), or the
    /// file name of a model given by path.
    pub model: String,
    /// The words joined as text, without markers such as `[BLANK_AUDIO]`.
    pub text: String,
    #[serde(default)]
    pub words: Vec<Word>,
}

/// One word and where it lies in the recording, in seconds from its start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Word {
    /// As transcribed, punctuation attached (`"Um,"`); readers normalise.
    pub word: String,
    pub start_seconds: f64,
    pub end_seconds: f64,
    /// The engine's confidence in the word, 0 to 1.
    pub probability: f32,
}

impl Transcript {
    /// Where each statement ends, in seconds: the end of every word that
    /// closes a sentence with `.` or `!` (closing quotes and brackets
    /// aside), and of the last word unless it asks a question. A question's
    /// end is left out: rising there is right. For the delivery metrics'
    /// uptalk (`analysis::Metrics::apply_transcript`), which takes plain
    /// times.
    pub fn statement_ends(&self) -> Vec<f64> {
        let closing = |w: &Word| -> Option<char> {
            w.word
                .trim_end_matches(['"', '\'', ')', ']', '”', '’'])
                .chars()
                .last()
        };
        let mut ends: Vec<f64> = self
            .words
            .iter()
            .filter(|w| matches!(closing(w), Some('.' | '!')))
            .map(|w| w.end_seconds)
            .collect();
        if let Some(last) = self.words.last() {
            if closing(last) != Some('?') && ends.last() != Some(&last.end_seconds) {
                ends.push(last.end_seconds);
            }
        }
        ends
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcript(words: &[(&str, f64)]) -> Transcript {
        Transcript {
            model: "test".into(),
            text: String::new(),
            words: words
                .iter()
                .map(|&(word, end)| Word {
                    word: word.into(),
                    start_seconds: end - 0.3,
                    end_seconds: end,
                    probability: 1.0,
                })
                .collect(),
        }
    }

    #[test]
    fn statements_end_at_full_stops_not_at_commas_or_questions() {
        let t = transcript(&[
            ("When", 0.5),
            ("I", 0.7),
            ("joined,", 1.0),
            ("it", 1.5),
            ("was", 1.7),
            ("slow.", 2.0),
            ("Why?", 3.0),
            ("Nobody", 3.5),
            ("knew!\"", 4.0),
            ("and", 5.0),
            ("then", 5.5),
        ]);
        assert_eq!(t.statement_ends(), [2.0, 4.0, 5.5]);
        let question = transcript(&[("Right,", 1.0), ("right?", 2.0)]);
        assert!(question.statement_ends().is_empty());
    }
}
