//! Reading a WAV file into the [`Analyzer`] block by block: any channel
//! count (averaged to mono), 8/16/24/32-bit integer and 32-bit float.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use hound::{SampleFormat, WavReader};

use super::analyzer::Analyzer;
use super::config::AnalysisConfig;
use super::metrics::Metrics;
use super::pitch::PitchTrack;

/// Why a file could not be analysed. Messages are one line and name the file.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a readable WAV file: {source}", path.display())]
    Wav { path: PathBuf, source: hound::Error },
    #[error("{}: unsupported WAV format: {detail}", path.display())]
    Unsupported { path: PathBuf, detail: String },
}

/// Mono frames handed to the analyzer at a time.
const BLOCK_FRAMES: usize = 16 * 1024;

/// Analyse a WAV file, streaming it in blocks of 16 k frames.
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

/// Feed every sample of the WAV at `path` to a new [`Analyzer`].
fn read(path: &Path, config: &AnalysisConfig) -> Result<Analyzer, AnalysisError> {
    let wav_error = |source| AnalysisError::Wav {
        path: path.to_path_buf(),
        source,
    };
    let reader = WavReader::open(path).map_err(wav_error)?;
    let spec = reader.spec();
    let channels = spec.channels as usize;
    let unsupported = |detail: String| AnalysisError::Unsupported {
        path: path.to_path_buf(),
        detail,
    };
    if channels == 0 || spec.sample_rate == 0 {
        return Err(unsupported(format!(
            "{} channels at {} Hz",
            spec.channels, spec.sample_rate
        )));
    }
    let mut analyzer = Analyzer::new(spec.sample_rate, config.clone());
    match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Int, 16) => {
            let samples = reader.len() as usize;
            read_pcm16(reader.into_inner(), samples, channels, &mut analyzer).map_err(|source| {
                AnalysisError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            })?
        }
        (SampleFormat::Int, bits @ 1..=32) => {
            let shift = bits as i32 - 16;
            let mut reader = reader;
            let mut block = MonoBlock::new(channels);
            for s in reader.samples::<i32>() {
                let v = s.map_err(wav_error)?;
                let v = if shift >= 0 { v >> shift } else { v << -shift };
                block.add(v as f32, &mut analyzer);
            }
            block.flush(&mut analyzer);
        }
        (SampleFormat::Float, 32) => {
            let mut reader = reader;
            let mut block = MonoBlock::new(channels);
            for s in reader.samples::<f32>() {
                block.add(s.map_err(wav_error)? * 32768.0, &mut analyzer);
            }
            block.flush(&mut analyzer);
        }
        (format, bits) => {
            return Err(unsupported(format!("{bits}-bit {format:?} samples")));
        }
    }
    Ok(analyzer)
}

/// The common case, read without hound's per-sample calls: the data chunk
/// starts where hound's header parsing stopped, and 16-bit samples are two
/// bytes little-endian (hound's `seek` assumes the same).
fn read_pcm16(
    mut file: BufReader<File>,
    samples: usize,
    channels: usize,
    analyzer: &mut Analyzer,
) -> std::io::Result<()> {
    let mut bytes = vec![0u8; BLOCK_FRAMES * channels * 2];
    let mut mono = vec![0i16; BLOCK_FRAMES];
    let mut left = samples * 2;
    while left > 0 {
        let want = left.min(bytes.len());
        let got = read_full(&mut file, &mut bytes[..want])?;
        // A file cut short (a crash while recording) is analysed up to the cut.
        let frames = got / (2 * channels);
        if frames == 0 {
            break;
        }
        let data = &bytes[..frames * 2 * channels];
        if channels == 1 {
            for (m, b) in mono.iter_mut().zip(data.chunks_exact(2)) {
                *m = i16::from_le_bytes([b[0], b[1]]);
            }
        } else {
            for (m, frame) in mono.iter_mut().zip(data.chunks_exact(2 * channels)) {
                let sum: i32 = frame
                    .chunks_exact(2)
                    .map(|b| i16::from_le_bytes([b[0], b[1]]) as i32)
                    .sum();
                *m = (sum / channels as i32) as i16;
            }
        }
        analyzer.push(&mono[..frames]);
        left -= got;
        if got < want {
            break;
        }
    }
    Ok(())
}

fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Averages interleaved samples (already scaled to 16-bit range) to mono
/// and hands them over in blocks.
struct MonoBlock {
    channels: usize,
    acc: f32,
    fill: usize,
    out: Vec<i16>,
}

impl MonoBlock {
    fn new(channels: usize) -> Self {
        Self {
            channels,
            acc: 0.0,
            fill: 0,
            out: Vec::with_capacity(BLOCK_FRAMES),
        }
    }

    fn add(&mut self, v: f32, analyzer: &mut Analyzer) {
        self.acc += v;
        self.fill += 1;
        if self.fill == self.channels {
            let m = (self.acc / self.channels as f32).round();
            self.out
                .push(m.clamp(i16::MIN as f32, i16::MAX as f32) as i16);
            self.acc = 0.0;
            self.fill = 0;
            if self.out.len() == BLOCK_FRAMES {
                self.flush(analyzer);
            }
        }
    }

    fn flush(&mut self, analyzer: &mut Analyzer) {
        analyzer.push(&self.out);
        self.out.clear();
    }
}
