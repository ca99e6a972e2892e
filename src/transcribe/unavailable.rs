//! The engine of a build without the `transcribe` feature: every call says
//! so, naming the way to get it, and nothing pretends to transcribe.

use super::models::ModelError;
use super::speech::SpeechError;
use crate::transcript::Transcript;
use std::path::Path;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error(transparent)]
    Speech(#[from] SpeechError),
    #[error("this mockview was built without transcription (cargo feature `transcribe`); rebuild with default features")]
    NotBuilt,
}

/// Never constructed: `load` always fails in this build.
pub enum Engine {}

impl Engine {
    pub fn load(_path: &Path) -> Result<Engine, EngineError> {
        Err(EngineError::NotBuilt)
    }

    pub fn model_name(&self) -> &str {
        match *self {}
    }

    pub fn transcribe_file(&self, _path: &Path) -> Result<Transcript, EngineError> {
        match *self {}
    }

    pub fn transcribe(&self, _samples: &[f32]) -> Result<Transcript, EngineError> {
        match *self {}
    }
}
