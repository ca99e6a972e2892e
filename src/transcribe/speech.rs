//! A recording as Whisper hears it: 16 kHz mono `f32` samples.
//!
//! Recordings keep the device's rate (capture never resamples); Whisper's
//! mel front end is fixed at 16 kHz, so the whole file is read, mixed to
//! mono and resampled here (rubato's FFT resampler, the one playback uses).
//! A two-minute answer at 48 kHz is 23 MB of `f32` before resampling:
//! reading it whole is simpler than streaming and well within budget. The
//! file is read by the one decoder (`audio::decode`: mockview's WAV through
//! the one WAV reader, FLAC, MP3, Ogg, M4A), so every format is accepted and
//! scaled as everywhere else.

use crate::audio::decode::{AudioFile, DecodeError};
use crate::wav_file::WavError;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};
use std::path::{Path, PathBuf};

/// The only rate Whisper takes.
pub const WHISPER_RATE: u32 = 16_000;

#[derive(Debug, thiserror::Error)]
pub enum SpeechError {
    #[error(transparent)]
    Wav(#[from] WavError),
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("{}: cannot resample {rate} Hz to 16 kHz: {detail}", path.display())]
    Resample {
        path: PathBuf,
        rate: u32,
        detail: String,
    },
}

/// Read an audio file (any format the one decoder takes) as 16 kHz mono.
pub fn read_speech(path: &Path) -> Result<Vec<f32>, SpeechError> {
    let mut wav = AudioFile::open(path)?;
    let mut mono = Vec::new();
    let mut block = vec![0.0f32; 64 * 1024];
    loop {
        let n = wav.read_mono(&mut block)?;
        if n == 0 {
            break;
        }
        mono.extend_from_slice(&block[..n]);
    }
    resample(&mono, wav.rate()).map_err(|detail| SpeechError::Resample {
        path: path.to_path_buf(),
        rate: wav.rate(),
        detail,
    })
}

/// Mono samples at `rate` to 16 kHz, same duration (the resampler's delay
/// trimmed), so word times in the transcript are times in the recording.
pub fn resample(mono: &[f32], rate: u32) -> Result<Vec<f32>, String> {
    if rate == WHISPER_RATE || mono.is_empty() {
        return Ok(mono.to_vec());
    }
    let mut resampler = Fft::<f32>::new(
        rate as usize,
        WHISPER_RATE as usize,
        4096,
        1,
        FixedSync::Input,
    )
    .map_err(|e| e.to_string())?;
    let input = InterleavedSlice::new(mono, 1, mono.len()).map_err(|e| e.to_string())?;
    let out = resampler
        .process_all(&input, mono.len(), None)
        .map_err(|e| e.to_string())?;
    Ok(out.take_data())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resampling_keeps_duration_and_timing() {
        // 2 s at 48 kHz, a click at 1.5 s: 32000 samples, the click at 24000.
        let mut x = vec![0.0f32; 96_000];
        for s in &mut x[72_000..72_048] {
            *s = 1.0;
        }
        let y = resample(&x, 48_000).unwrap();
        assert!((y.len() as i64 - 32_000).abs() <= 1, "{}", y.len());
        let peak = y
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap()
            .0;
        assert!((peak as i64 - 24_008).abs() < 16, "peak at {peak}");
    }

    #[test]
    fn reads_stereo_int_wav_as_mono() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for _ in 0..100 {
            w.write_sample(16_384i16).unwrap();
            w.write_sample(0i16).unwrap();
        }
        w.finalize().unwrap();
        let s = read_speech(&path).unwrap();
        assert_eq!(s.len(), 100);
        assert!((s[0] - 0.25).abs() < 1e-6);
        let e = read_speech(&tmp.path().join("none.wav"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("none.wav"), "{e}");
    }
}
