//! The speech-to-text engine: whisper.cpp through whisper-rs, loaded once
//! per model and used for any number of recordings.
//!
//! Settings and why (figures in docs/transcription.md):
//! - 2 threads: the machines this runs on have 2 cores; practice runs the
//!   engine while the next answer records, and capture keeps its own
//!   real-time thread (issue 10 measured no dropped frames).
//! - An initial prompt full of fillers: Whisper writes clean prose by
//!   default and drops "um", "uh" and repeats, which are what the coaching
//!   counts; a disfluent prompt makes it keep them.
//! - DTW word times with the model's alignment heads: the ordinary token
//!   times pile up at the end of a window when tiny.en emits no timestamp
//!   tokens (it does with a prompt); DTW times stay within a few tenths of
//!   a second of where words end.
//! - Greedy decoding in English: the models offered are English-only, and
//!   beam search costs several times more for little gain on tiny.en.

use super::models::{model_name, read_header, ModelHeader};
use super::speech::read_speech;
use super::words::{assemble, text_of, Piece};
use super::EngineError;
use crate::transcript::Transcript;
use std::path::Path;
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

/// Threads whisper.cpp computes with.
pub const THREADS: i32 = 2;
/// Primes the decoder to write fillers and repeats as spoken (issue 10).
pub const FILLER_PROMPT: &str = "Um, well, uh, I mean, like, you know, so, um.";
/// whisper.cpp skips input shorter than 100 ms; shorter recordings are
/// padded with silence to this many samples (1 s) so they still get an
/// (empty) transcript rather than an error.
const MIN_SAMPLES: usize = 16_000;

/// A loaded model, ready to transcribe.
pub struct Engine {
    context: WhisperContext,
    name: String,
}

impl Engine {
    /// Load a ggml Whisper model (its header is checked first, so a wrong
    /// file is a clear error, not a crash inside whisper.cpp).
    pub fn load(path: &Path) -> Result<Engine, EngineError> {
        let header = read_header(path)?;
        // whisper.cpp logs every step to stderr; mockview prints its own lines.
        whisper_rs::install_logging_hooks();
        let mut params = WhisperContextParameters::default();
        params.use_gpu(false);
        params.flash_attn(false); // whisper.cpp turns DTW off with flash attention
        params.dtw_parameters(DtwParameters {
            mode: dtw_mode(&header),
            ..DtwParameters::default()
        });
        let load_error = |reason: String| EngineError::Load {
            path: path.display().to_string(),
            reason,
        };
        let path_str = path
            .to_str()
            .ok_or_else(|| load_error("the path is not UTF-8".into()))?;
        let context = WhisperContext::new_with_params(path_str, params)
            .map_err(|e| load_error(e.to_string()))?;
        Ok(Engine {
            context,
            name: model_name(path),
        })
    }

    /// The model's name as transcripts record it.
    pub fn model_name(&self) -> &str {
        &self.name
    }

    /// Transcribe a WAV file (any rate, any channel count).
    pub fn transcribe_file(&self, path: &Path) -> Result<Transcript, EngineError> {
        self.transcribe(&read_speech(path)?)
    }

    /// Transcribe 16 kHz mono samples (see `read_speech`).
    pub fn transcribe(&self, samples: &[f32]) -> Result<Transcript, EngineError> {
        let duration = samples.len() as f64 / f64::from(super::WHISPER_RATE);
        // A recording whose every sample stays below the speech floor holds
        // no speech: it gets an empty transcript without running the model,
        // which on pure silence can only invent words from its prompt.
        if samples.iter().all(|s| s.abs() < crate::level::SPEECH_FLOOR) {
            return Ok(Transcript {
                model: self.name.clone(),
                text: String::new(),
                words: Vec::new(),
            });
        }
        let mut padded;
        let input = if samples.len() < MIN_SAMPLES {
            padded = samples.to_vec();
            padded.resize(MIN_SAMPLES, 0.0);
            &padded[..]
        } else {
            samples
        };
        let mut state = self
            .context
            .create_state()
            .map_err(|e| EngineError::Run(e.to_string()))?;
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(THREADS);
        params.set_language(Some("en"));
        params.set_initial_prompt(FILLER_PROMPT);
        // Later windows are primed by the text before them, so a disfluent
        // speaker stays transcribed as disfluent after the first 30 s.
        params.set_no_context(false);
        // One greedy pass per window, no retries at higher temperatures:
        // the retries cost up to 6 passes on hard audio, and on silence they
        // are what turns the filler prompt into invented words.
        params.set_temperature_inc(0.0);
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        state
            .full(params, input)
            .map_err(|e| EngineError::Run(e.to_string()))?;

        let eot = self.context.token_eot();
        let mut pieces = Vec::new();
        for segment in state.as_iter() {
            // A token may end inside a UTF-8 character; its bytes wait for
            // the next token's.
            let mut pending: Vec<u8> = Vec::new();
            for i in 0..segment.n_tokens() {
                let Some(token) = segment.get_token(i) else {
                    continue;
                };
                if token.token_id() >= eot {
                    continue; // timestamps, start/end markers
                }
                let Ok(bytes) = token.to_bytes() else {
                    continue;
                };
                pending.extend_from_slice(bytes);
                let data = token.token_data();
                let text = match String::from_utf8(std::mem::take(&mut pending)) {
                    Ok(t) => t,
                    Err(e) => {
                        pending = e.into_bytes();
                        continue;
                    }
                };
                pieces.push(Piece {
                    text,
                    end_seconds: data.t_dtw as f64 / 100.0,
                    probability: data.p,
                });
            }
        }
        let words = assemble(&pieces, duration);
        Ok(Transcript {
            model: self.name.clone(),
            text: text_of(&words),
            words,
        })
    }
}

/// The alignment heads for DTW: the preset of the model's size and
/// language; the top half of the text layers for a model no preset fits.
fn dtw_mode(header: &ModelHeader) -> DtwMode<'static> {
    let preset = match (header.size_name(), header.is_english_only()) {
        (Some("tiny"), true) => Some(DtwModelPreset::TinyEn),
        (Some("tiny"), false) => Some(DtwModelPreset::Tiny),
        (Some("base"), true) => Some(DtwModelPreset::BaseEn),
        (Some("base"), false) => Some(DtwModelPreset::Base),
        (Some("small"), true) => Some(DtwModelPreset::SmallEn),
        (Some("small"), false) => Some(DtwModelPreset::Small),
        (Some("medium"), true) => Some(DtwModelPreset::MediumEn),
        (Some("medium"), false) => Some(DtwModelPreset::Medium),
        _ => None,
    };
    match preset {
        Some(model_preset) => DtwMode::ModelPreset { model_preset },
        None => DtwMode::TopMost {
            n_top: (header.n_text_layer / 2).max(1),
        },
    }
}
