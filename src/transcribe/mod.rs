//! Audio to words: the whisper.cpp engine, the 16 kHz mono audio it takes,
//! the words with times it gives, and the store of models it loads.
//!
//! Knows no sessions: it turns a WAV file into a [`Transcript`]; `commands`
//! decides which answers to transcribe and stores the result. The engine is
//! behind the cargo feature `transcribe` (on by default); without it,
//! [`Engine::load`] says how to get a build that has it, and everything
//! else (models, audio) still works.
//!
//! [`Transcript`]: crate::transcript::Transcript

// Only the engine plans chunks and checks coverage.
#[cfg(feature = "transcribe")]
mod chunks;
mod growing;
mod models;
mod speech;
mod words;

#[cfg(feature = "transcribe")]
mod engine;
#[cfg(feature = "transcribe")]
pub mod evaluation;
#[cfg(feature = "transcribe")]
pub use engine::{Decoding, Engine, FILLER_PROMPT, THREADS};

#[cfg(not(feature = "transcribe"))]
mod unavailable;
#[cfg(not(feature = "transcribe"))]
pub use unavailable::Engine;

pub use growing::GrowingTranscript;
pub use models::{
    minimal_model_file, parse_header, read_header, Added, InstalledModel, KnownModel, ModelError,
    ModelHeader, ModelStore, DEFAULT_BASE_URL, KNOWN_MODELS,
};
pub use speech::{read_speech, resample, SpeechError, WHISPER_RATE};
pub use words::{assemble, Piece};

/// Why a recording could not be transcribed.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Speech(#[from] SpeechError),
    #[error("cannot load the model {path}: {reason}")]
    Load { path: String, reason: String },
    #[error("transcription failed: {0}")]
    Run(String),
    #[error("this mockview was built without transcription (cargo feature `transcribe`); rebuild with default features")]
    NotBuilt,
}
