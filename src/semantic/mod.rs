//! Sentences -> meaning: all-MiniLM-L6-v2, a sentence-embedding model
//! (Apache-2.0), run locally on one sentence at a time into a 384-number
//! unit vector, so that sentences saying the same thing in other words land
//! near each other. The content feedback's negative-talk judge
//! (`content::NegativeJudge`) reads these vectors.
//!
//! Never any network: the model is a folder installed beforehand
//! (docs/transcription.md, "The sentence model"), with `model.safetensors`
//! and `vocab.txt` as the model's own distribution has them. Without it
//! the content feedback uses its rules alone.

mod bert;
mod wordpiece;

use std::path::{Path, PathBuf};

pub use wordpiece::{WordPiece, MAX_TOKENS};

/// The folder's name in the models folder (`mockview model list` shows it).
pub const MODEL_FOLDER: &str = "all-MiniLM-L6-v2";
/// The files of the folder the embedder reads.
pub const WEIGHTS_FILE: &str = "model.safetensors";
pub const VOCAB_FILE: &str = "vocab.txt";
/// The length of a sentence's vector.
pub const DIMENSIONS: usize = 384;

#[derive(Debug, thiserror::Error)]
pub enum EmbedderError {
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not all-MiniLM-L6-v2's weights: {why}", path.display())]
    Weights { path: PathBuf, why: String },
    #[error("{} is not a BERT vocabulary: it has no {token} token", path.display())]
    Vocab { path: PathBuf, token: &'static str },
    #[error("{} has {tokens} tokens, the weights {rows} rows", path.display())]
    Mismatch {
        path: PathBuf,
        tokens: usize,
        rows: usize,
    },
}

/// The model, loaded: a tokeniser and the encoder's weights (about 90 MB).
#[derive(Debug, Clone)]
pub struct Embedder {
    tokenizer: WordPiece,
    model: bert::Bert,
}

impl Embedder {
    /// The model in folder `dir` (`model.safetensors`, `vocab.txt`).
    pub fn load(dir: &Path) -> Result<Self, EmbedderError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read(&path).map_err(|source| EmbedderError::Read { path, source })
        };
        let vocab_path = dir.join(VOCAB_FILE);
        let vocab_bytes = read(VOCAB_FILE)?;
        let vocab = String::from_utf8_lossy(&vocab_bytes);
        let tokenizer = WordPiece::new(&vocab).map_err(|token| EmbedderError::Vocab {
            path: vocab_path.clone(),
            token,
        })?;
        let weights = read(WEIGHTS_FILE)?;
        let model =
            bert::Bert::from_safetensors(&weights).map_err(|why| EmbedderError::Weights {
                path: dir.join(WEIGHTS_FILE),
                why,
            })?;
        let tokens = vocab.lines().count();
        if tokens != model.vocabulary() {
            return Err(EmbedderError::Mismatch {
                path: vocab_path,
                tokens,
                rows: model.vocabulary(),
            });
        }
        Ok(Self { tokenizer, model })
    }

    /// The token ids of `text`, as the model reads them.
    pub fn tokens(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// The unit vector of `text` ([`DIMENSIONS`] numbers).
    pub fn embed(&self, text: &str) -> Vec<f32> {
        self.model.embed(&self.tokens(text))
    }
}

/// The cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests;

/// The test model's folder (scripts/test-embedder.sh,
/// `MOCKVIEW_TEST_EMBEDDER`). In CI a missing model fails the test;
/// elsewhere, with neither the variable nor CI set, the test says loudly
/// that it skips.
#[cfg(test)]
pub(crate) fn test_embedder_dir() -> Option<PathBuf> {
    match std::env::var_os("MOCKVIEW_TEST_EMBEDDER") {
        Some(p) => {
            let p = PathBuf::from(p);
            assert!(
                p.join(WEIGHTS_FILE).is_file(),
                "MOCKVIEW_TEST_EMBEDDER={} has no {WEIGHTS_FILE}",
                p.display()
            );
            Some(p)
        }
        None if std::env::var_os("CI").is_some() => {
            panic!("MOCKVIEW_TEST_EMBEDDER is not set: scripts/test.sh sets it (scripts/test-embedder.sh)")
        }
        None => {
            eprintln!("\n*** SKIPPED: MOCKVIEW_TEST_EMBEDDER is not set; run `export MOCKVIEW_TEST_EMBEDDER=$(scripts/test-embedder.sh)` ***\n");
            None
        }
    }
}

/// The test model, loaded once for all the tests.
#[cfg(test)]
pub(crate) fn test_embedder() -> Option<std::sync::Arc<Embedder>> {
    static LOADED: std::sync::OnceLock<Option<std::sync::Arc<Embedder>>> =
        std::sync::OnceLock::new();
    LOADED
        .get_or_init(|| {
            test_embedder_dir().map(|d| std::sync::Arc::new(Embedder::load(&d).unwrap()))
        })
        .clone()
}
