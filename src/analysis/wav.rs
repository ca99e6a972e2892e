//! Analysing an audio file: read through the one decoder ([`AudioFile`]:
//! mockview's WAV recordings and any common format, any channel count
//! averaged to mono) and fed to the [`Analyzer`] block by block, so an
//! hour-long file never has all its samples in memory.

use std::path::Path;

use crate::audio::decode::AudioFile;

use super::analyzer::Analyzer;
use super::config::AnalysisConfig;
use super::metrics::Metrics;
use super::pitch::PitchTrack;

/// Why a file could not be analysed: the decoder's error. Messages are one
/// line and name the file.
pub use crate::audio::decode::DecodeError as AnalysisError;

/// Mono frames handed to the analyzer at a time (1.4 s at 48 kHz: few
/// hand-overs to its threads, see `worker.rs`).
const BLOCK_FRAMES: usize = 64 * 1024;

/// Analyse an audio file (WAV, FLAC, MP3, Ogg, M4A...), streaming it in
/// blocks of 64 k frames. A file cut short (a crash while recording) is
/// analysed up to the cut.
pub fn analyze_wav(path: &Path, config: &AnalysisConfig) -> Result<Metrics, AnalysisError> {
    Ok(read(path, config)?.finish())
}

/// [`analyze_wav`], plus the pitch track, for drawing the contour.
pub fn pitch_track_wav(
    path: &Path,
    config: &AnalysisConfig,
) -> Result<(Metrics, PitchTrack), AnalysisError> {
    Ok(read(path, config)?.finish_with_pitch())
}

/// Feed every sample of the audio file at `path` to a new [`Analyzer`].
fn read(path: &Path, config: &AnalysisConfig) -> Result<Analyzer, AnalysisError> {
    let mut wav = AudioFile::open(path)?;
    let mut analyzer = Analyzer::new(wav.rate(), config.clone());
    // Read straight into the buffers the analysis threads share.
    while analyzer.push_from(BLOCK_FRAMES, |block| wav.read_mono_i16(block))? > 0 {}
    Ok(analyzer)
}
