//! The speech-to-text engine: whisper.cpp through whisper-rs, loaded once
//! per model and used for any number of recordings.
//!
//! How a recording is decoded (issue 18; figures in docs/transcription.md):
//! the recording's voice activity cuts it into chunks at pauses (at most
//! 29 s of audio each, silence left out), each chunk is decoded on its own
//! with the filler prompt, and a chunk whose words do not cover its voiced
//! time is decoded again without the prompt; a voiced second still without
//! a word is decoded once more on its own. Word ends that fall in a pause
//! go back to where the speech ends. `Decoding` names the alternatives that
//! were measured, so the choice can be measured again.
//!
//! Other settings and why:
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
//! - Beam search (5 beams) in English: the models offered are
//!   English-only, and beams were better than greedy decoding on every
//!   figure of the whole spoken corpus at 1.27x its time (idle machine).
//! - A decoding that still loops without the prompt is decoded again in
//!   sentence-sized pieces (`chunks::pieces`).
//! - A decoding loop (a phrase over and over) fails the coverage guard
//!   like a skip does (`chunks::loops`).

use super::chunks::{self, Chunk};
use super::models::{model_name, read_header, ModelHeader};
use super::speech::{read_speech, WHISPER_RATE};
use super::words::{assemble, text_of, Piece};
use super::EngineError;
use crate::analysis::{voiced_stretches, AnalysisConfig};
use crate::transcript::{Transcript, Word};
use std::path::Path;
use whisper_rs::{
    DtwMode, DtwModelPreset, DtwParameters, FullParams, SamplingStrategy, WhisperContext,
    WhisperContextParameters,
};

/// Threads whisper.cpp computes with.
pub const THREADS: i32 = 2;
/// Primes the decoder to write fillers and repeats as spoken (issue 10).
/// Issue 18 measured it against the first one ("Um, well, uh, I mean,
/// like, you know, so, um."): on the spoken corpus's filler sentences the
/// flite voices kept 15 of 20 fillers instead of 8, at a lower word error
/// rate (docs/transcription.md).
pub const FILLER_PROMPT: &str =
    "Um, so, um, I, uh, I mean, um, we, uh, like, um, you know, hmm, um.";
/// whisper.cpp skips input shorter than 100 ms; shorter recordings are
/// padded with silence to this many samples (1 s) so they still get an
/// (empty) transcript rather than an error.
const MIN_SAMPLES: usize = 16_000;

/// Audio decoded again around a voiced run that no word reached.
const RETRY_MARGIN_SECONDS: f64 = 0.5;

/// How a recording is decoded. `Decoding::default()` is what mockview does;
/// [`Decoding::MEASURED`] are the alternatives measured against it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoding {
    /// Chunks cut at pauses (`chunks::plan`); false: the whole recording in
    /// one call, whisper.cpp moving through it 30 s at a time.
    pub chunked: bool,
    /// The filler prompt on the first decoding of each chunk.
    pub prompt: bool,
    /// Check the words against the voiced time and decode again where they
    /// fall short.
    pub guard: bool,
    /// whisper.cpp's retries at higher temperatures (0.2 steps) when a
    /// window's confidence is low or its text repeats.
    pub temperature_fallback: bool,
    /// Beam search with this many beams; `None`: greedy.
    pub beams: Option<i32>,
    /// The prompt's text when `prompt` is set.
    pub prompt_text: &'static str,
    /// Decode a sentence-sized piece again on its own when its words are
    /// doubtful (mean word probability under `UNSURE_PROBABILITY`), and
    /// keep the surer decoding (issue 18, fourth round: measured, not
    /// mockview's).
    pub redecode_unsure: bool,
    /// Each window decoded as one segment (whisper.cpp's `single_segment`):
    /// the window then ends at the chunk's end, never on an early
    /// timestamp token, so DTW never gets a window of 7 audio tokens or
    /// fewer, where its median filter's `WHISPER_ASSERT` aborts the whole
    /// process (docs/transcription.md, "Known defect"). Measured, not
    /// mockview's: it puts the last word's end 0.34 s before its sound
    /// ends on a LibriVox clip (the bound is 0.3 s).
    pub single_segment: bool,
}

/// A piece whose words' mean probability is under this is decoded again.
const UNSURE_PROBABILITY: f32 = 0.5;

impl Default for Decoding {
    fn default() -> Self {
        Decoding::MOCKVIEW
    }
}

impl Decoding {
    /// What mockview does (docs/transcription.md says why).
    pub const MOCKVIEW: Decoding = Decoding {
        chunked: true,
        prompt: true,
        guard: true,
        temperature_fallback: false,
        // Beam search: on the whole spoken corpus (162 answers, 11 voices)
        // WER 11.4 % against greedy's 13.3 %, 8 dropped sentences against
        // 13, fillers 81 % against 78 %, at RTF 0.118 against 0.093
        // (docs/transcription.md).
        beams: Some(5),
        prompt_text: FILLER_PROMPT,
        redecode_unsure: false,
        single_segment: false,
    };

    /// The settings compared in docs/transcription.md, by name.
    pub const MEASURED: [(&'static str, Decoding); 9] = [
        (
            "whole",
            Decoding {
                chunked: false,
                prompt: true,
                guard: false,
                temperature_fallback: false,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "whole-fallback",
            Decoding {
                chunked: false,
                prompt: true,
                guard: false,
                temperature_fallback: true,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks",
            Decoding {
                chunked: true,
                prompt: true,
                guard: false,
                temperature_fallback: false,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-no-prompt",
            Decoding {
                chunked: true,
                prompt: false,
                guard: false,
                temperature_fallback: false,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-guard",
            Decoding {
                chunked: true,
                prompt: true,
                guard: true,
                temperature_fallback: false,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-guard-fallback",
            Decoding {
                chunked: true,
                prompt: true,
                guard: true,
                temperature_fallback: true,
                beams: None,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-guard-beam5",
            Decoding {
                beams: Some(5),
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-guard-beam5-single-segment",
            Decoding {
                single_segment: true,
                ..Decoding::MOCKVIEW
            },
        ),
        (
            "chunks-guard-beam5-unsure",
            Decoding {
                redecode_unsure: true,
                ..Decoding::MOCKVIEW
            },
        ),
    ];

    /// One of [`Decoding::MEASURED`] by name.
    pub fn named(name: &str) -> Option<Decoding> {
        Self::MEASURED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, d)| *d)
    }
}

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
        self.transcribe_with(samples, &Decoding::default())
    }

    /// Transcribe 16 kHz mono samples with the given settings.
    pub fn transcribe_with(
        &self,
        samples: &[f32],
        decoding: &Decoding,
    ) -> Result<Transcript, EngineError> {
        let duration = samples.len() as f64 / f64::from(WHISPER_RATE);
        // Nothing voiced (silence, room noise): nothing to hear, and nothing
        // for the prompt to invent words on.
        let voiced = voiced_stretches(samples, WHISPER_RATE, &AnalysisConfig::default());
        let plan = if decoding.chunked {
            chunks::plan(&voiced, duration)
        } else if voiced.is_empty() {
            Vec::new()
        } else {
            vec![Chunk {
                spans: vec![(0.0, duration)],
            }]
        };
        let mut words = Vec::new();
        for chunk in &plan {
            let voiced_here = chunks::voiced_in(&voiced, chunk);
            let mut heard = self.decode(samples, chunk, decoding.prompt, decoding)?;
            if decoding.guard && !chunks::covers(&voiced_here, &heard) {
                let again = self.decode(samples, chunk, false, decoding)?;
                if better(&voiced_here, &again, &heard) {
                    heard = again;
                }
                // Still a loop without the prompt (espeak-ng en-us+f4 on a
                // Harvard list, base: one sentence 25 times over): the
                // chunk's sentence-sized pieces, each decoded on its own.
                if chunks::loops(&heard) {
                    let pieces = self.decode_in_pieces(samples, &voiced_here, decoding)?;
                    if better(&voiced_here, &pieces, &heard) {
                        heard = pieces;
                    }
                }
                for run in chunks::uncovered(&voiced_here, &heard) {
                    self.fill(samples, run, decoding, &mut heard)?;
                }
            }
            if decoding.redecode_unsure {
                for piece in chunks::pieces(&voiced_here) {
                    self.redecode_if_unsure(samples, piece, decoding, &mut heard)?;
                }
            }
            words.extend(heard);
        }
        chunks::fit_to_speech(&mut words, &voiced);
        Ok(Transcript {
            model: self.name.clone(),
            text: text_of(&words),
            words,
        })
    }

    /// Decode a voiced run that no word reached, on its own and without the
    /// prompt, and put the words heard inside it among `words`.
    fn fill(
        &self,
        samples: &[f32],
        run: (f64, f64),
        decoding: &Decoding,
        words: &mut Vec<Word>,
    ) -> Result<(), EngineError> {
        let duration = samples.len() as f64 / f64::from(WHISPER_RATE);
        let around = Chunk {
            spans: vec![(
                (run.0 - RETRY_MARGIN_SECONDS).max(0.0),
                (run.1 + RETRY_MARGIN_SECONDS).min(duration),
            )],
        };
        // Words of the margins are already in the transcript.
        let found: Vec<Word> = self
            .decode(samples, &around, false, decoding)?
            .into_iter()
            .filter(|w| w.end_seconds > run.0 && w.start_seconds < run.1)
            .collect();
        if found.is_empty() {
            return Ok(());
        }
        let at = words.partition_point(|w| w.end_seconds <= run.0);
        words.splice(at..at, found);
        Ok(())
    }

    /// A chunk decoded piece by piece (`chunks::pieces`, 0.5 s of margin,
    /// no prompt), each piece's own words kept.
    fn decode_in_pieces(
        &self,
        samples: &[f32],
        voiced: &[(f64, f64)],
        decoding: &Decoding,
    ) -> Result<Vec<Word>, EngineError> {
        let duration = samples.len() as f64 / f64::from(WHISPER_RATE);
        let mut words = Vec::new();
        let pieces = chunks::pieces(voiced);
        for (k, &piece) in pieces.iter().enumerate() {
            // A word belongs to the piece whose half of each pause it is in,
            // so the margins do not give a word twice.
            let from = if k == 0 {
                0.0
            } else {
                (pieces[k - 1].1 + piece.0) / 2.0
            };
            let to = pieces
                .get(k + 1)
                .map_or(duration, |next| (piece.1 + next.0) / 2.0);
            let around = Chunk {
                spans: vec![(
                    (piece.0 - RETRY_MARGIN_SECONDS).max(0.0),
                    (piece.1 + RETRY_MARGIN_SECONDS).min(duration),
                )],
            };
            words.extend(
                self.decode(samples, &around, false, decoding)?
                    .into_iter()
                    .filter(|w| {
                        let mid = (w.start_seconds + w.end_seconds) / 2.0;
                        mid >= from && mid < to
                    }),
            );
        }
        Ok(words)
    }

    /// Decode a sentence-sized piece again on its own (with the prompt,
    /// 0.5 s of margin) when the words heard in it are doubtful, and put
    /// the new words in place of the old when they are surer.
    fn redecode_if_unsure(
        &self,
        samples: &[f32],
        piece: (f64, f64),
        decoding: &Decoding,
        words: &mut Vec<Word>,
    ) -> Result<(), EngineError> {
        let inside = |w: &Word| {
            let mid = (w.start_seconds + w.end_seconds) / 2.0;
            mid >= piece.0 && mid < piece.1
        };
        let mean =
            |ws: &[&Word]| ws.iter().map(|w| w.probability).sum::<f32>() / ws.len().max(1) as f32;
        let old: Vec<&Word> = words.iter().filter(|w| inside(w)).collect();
        let before = mean(&old);
        if !old.is_empty() && before >= UNSURE_PROBABILITY {
            return Ok(());
        }
        let duration = samples.len() as f64 / f64::from(WHISPER_RATE);
        let around = Chunk {
            spans: vec![(
                (piece.0 - RETRY_MARGIN_SECONDS).max(0.0),
                (piece.1 + RETRY_MARGIN_SECONDS).min(duration),
            )],
        };
        let found: Vec<Word> = self
            .decode(samples, &around, decoding.prompt, decoding)?
            .into_iter()
            .filter(|w| inside(w))
            .collect();
        let after = mean(&found.iter().collect::<Vec<_>>());
        if found.is_empty() || (!old.is_empty() && after <= before) {
            return Ok(());
        }
        words.retain(|w| !inside(w));
        let at = words.partition_point(|w| w.end_seconds <= piece.0);
        words.splice(at..at, found);
        Ok(())
    }

    /// One decoding call on a chunk: its words, in the recording's time.
    fn decode(
        &self,
        samples: &[f32],
        chunk: &Chunk,
        prompt: bool,
        decoding: &Decoding,
    ) -> Result<Vec<Word>, EngineError> {
        let mut input = chunk.samples(samples, WHISPER_RATE);
        let seconds = input.len() as f64 / f64::from(WHISPER_RATE);
        if input.len() < MIN_SAMPLES {
            input.resize(MIN_SAMPLES, 0.0);
        }
        // A fresh state per call: nothing of one chunk primes the next.
        let mut state = self
            .context
            .create_state()
            .map_err(|e| EngineError::Run(e.to_string()))?;
        let strategy = match decoding.beams {
            Some(beam_size) => SamplingStrategy::BeamSearch {
                beam_size,
                patience: -1.0,
            },
            None => SamplingStrategy::Greedy { best_of: 1 },
        };
        let mut params = FullParams::new(strategy);
        params.set_n_threads(THREADS);
        params.set_language(Some("en"));
        if prompt {
            params.set_initial_prompt(decoding.prompt_text);
        }
        // Inside one call (a chunk, or a whole recording over 30 s), later
        // windows are primed by the text before them, so a disfluent
        // speaker stays transcribed as disfluent.
        params.set_no_context(false);
        // whisper.cpp's default retries a window at higher temperatures when
        // its confidence is low: up to 6 passes on hard audio.
        params.set_temperature_inc(if decoding.temperature_fallback {
            0.2
        } else {
            0.0
        });
        params.set_print_special(false);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_timestamps(false);
        params.set_single_segment(decoding.single_segment);
        state
            .full(params, &input)
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
        let mut words = assemble(&pieces, seconds);
        for w in &mut words {
            w.start_seconds = chunk.to_recording(w.start_seconds);
            w.end_seconds = chunk.to_recording(w.end_seconds);
        }
        Ok(words)
    }
}

/// Whether decoding `a` covers the voiced time better than `b`: no loop,
/// then less of it without a word, then more words.
fn better(voiced: &[(f64, f64)], a: &[Word], b: &[Word]) -> bool {
    let rank = |w: &[Word]| {
        (
            chunks::loops(w),
            (chunks::uncovered_seconds(voiced, w) * 10.0).round() as i64,
            std::cmp::Reverse(w.len()),
        )
    };
    rank(a) < rank(b)
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
