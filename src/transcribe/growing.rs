//! Transcribing a recording while it is still being recorded, so that when
//! it ends only its last stretch is left to do (issue 10: the practice
//! summary appears within seconds of the last answer).
//!
//! The file is read up to what its header says is written (the WAV sink
//! refreshes it twice a second). Whenever more than one Whisper window
//! (30 s) is there beyond what is done, the next piece is cut at the
//! quietest 200 ms between 22 and 29.5 s into it, so no word is split, and
//! transcribed on its own; its word times are shifted to the recording's.
//! At the end the rest of the file is transcribed the same way.

use super::speech::{resample, SpeechError};
use super::words::text_of;
use super::{Engine, EngineError};
use crate::transcript::{Transcript, Word};
use crate::wav_file::WavFile;
use std::path::{Path, PathBuf};

/// A piece is cut once this much is waiting: one Whisper window.
const WINDOW_SECONDS: f64 = 30.0;
/// Where in a piece the cut may fall (seconds from its start).
const CUT_FROM_SECONDS: f64 = 22.0;
const CUT_TO_SECONDS: f64 = 29.5;
/// The stretch whose loudness decides the cut.
const CUT_PROBE_SECONDS: f64 = 0.2;

/// The transcript of a recording so far.
pub struct GrowingTranscript {
    path: PathBuf,
    /// Frames of the file (at its own rate) already transcribed.
    done_frames: u64,
    words: Vec<Word>,
}

impl GrowingTranscript {
    pub fn new(path: &Path) -> GrowingTranscript {
        GrowingTranscript {
            path: path.to_path_buf(),
            done_frames: 0,
            words: Vec::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Transcribe every whole piece the file holds now.
    pub fn advance(&mut self, engine: &Engine) -> Result<(), EngineError> {
        loop {
            let mut wav = WavFile::open(&self.path).map_err(SpeechError::from)?;
            let rate = f64::from(wav.rate());
            let window = (WINDOW_SECONDS * rate) as u64;
            if wav.frames().saturating_sub(self.done_frames) <= window {
                return Ok(());
            }
            let piece = read(&mut wav, self.done_frames, window as usize)?;
            let cut = quietest(&piece, rate);
            self.transcribe_piece(engine, &piece[..cut], wav.rate())?;
        }
    }

    /// Transcribe the rest of the file and return the whole transcript.
    pub fn finish(mut self, engine: &Engine) -> Result<Transcript, EngineError> {
        self.advance(engine)?;
        let mut wav = WavFile::open(&self.path).map_err(SpeechError::from)?;
        let rest = usize::try_from(wav.frames().saturating_sub(self.done_frames)).unwrap_or(0);
        let piece = read(&mut wav, self.done_frames, rest)?;
        if !piece.is_empty() {
            self.transcribe_piece(engine, &piece, wav.rate())?;
        }
        Ok(Transcript {
            model: engine.model_name().to_string(),
            text: text_of(&self.words),
            words: self.words,
        })
    }

    fn transcribe_piece(
        &mut self,
        engine: &Engine,
        piece: &[f32],
        rate: u32,
    ) -> Result<(), EngineError> {
        let offset = self.done_frames as f64 / f64::from(rate);
        let samples = resample(piece, rate).map_err(|detail| SpeechError::Resample {
            path: self.path.clone(),
            rate,
            detail,
        })?;
        let part = engine.transcribe(&samples)?;
        let previous_end = self.words.last().map_or(0.0, |w| w.end_seconds);
        for mut w in part.words {
            w.start_seconds = round_ms(w.start_seconds + offset).max(previous_end);
            w.end_seconds = round_ms(w.end_seconds + offset).max(w.start_seconds);
            self.words.push(w);
        }
        self.done_frames += piece.len() as u64;
        Ok(())
    }
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// `frames` mono frames from `start` (fewer at the end of the file).
fn read(wav: &mut WavFile, start: u64, frames: usize) -> Result<Vec<f32>, SpeechError> {
    wav.seek(start)?;
    let mut out = vec![0.0f32; frames];
    let mut got = 0;
    while got < frames {
        let n = wav.read_mono(&mut out[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    out.truncate(got);
    Ok(out)
}

/// Where to end a piece: the start of its quietest 200 ms between 22 and
/// 29.5 s (a pause between words), as a frame index into `piece`.
fn quietest(piece: &[f32], rate: f64) -> usize {
    let probe = ((CUT_PROBE_SECONDS * rate) as usize).max(1);
    let from = (CUT_FROM_SECONDS * rate) as usize;
    let to = ((CUT_TO_SECONDS * rate) as usize).min(piece.len().saturating_sub(probe));
    if from >= to {
        return piece.len();
    }
    let step = (probe / 4).max(1);
    let energy = |at: usize| piece[at..at + probe].iter().map(|s| s * s).sum::<f32>();
    let mut best = (from, f32::MAX);
    let mut at = from;
    while at <= to {
        let e = energy(at);
        if e < best.1 {
            best = (at, e);
        }
        at += step;
    }
    // Cut in the middle of the quiet stretch, not at its edge.
    best.0 + probe / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cut_falls_in_the_pause() {
        let rate = 1000.0;
        let mut piece: Vec<f32> = (0..30_000).map(|i| ((i % 7) as f32 - 3.0) / 3.0).collect();
        for s in &mut piece[25_000..25_400] {
            *s = 0.0;
        }
        let cut = quietest(&piece, rate);
        assert!((25_000..25_400).contains(&cut), "{cut}");
        // Too short for a cut: the whole piece.
        assert_eq!(quietest(&piece[..10_000], rate), 10_000);
    }
}
