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
