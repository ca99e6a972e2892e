//! The engine of a build without the `transcribe` feature: every call says
//! so, naming the way to get it, and nothing pretends to transcribe.

use super::EngineError;
use crate::transcript::Transcript;
use std::path::Path;

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
