//! The one WAV reader: analysis, playback, the report's waveforms and
//! mic-check all read recordings through [`WavFile`], so every format is
//! accepted (or refused) the same way and samples above 16 bits are scaled
//! the same way (issue 9): an integer sample of `b` bits is divided by
//! `2^(b-1)`, a float sample is taken as it is; mono is the mean of the
//! channels. A file cut short (a crash while recording) reads up to the cut.
//!
//! A leaf: it knows WAV files, not sessions or devices. Writing is
//! `audio::WavSink`'s job.

use hound::{SampleFormat, WavReader};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Why a WAV file could not be read. Messages are one line and name the file.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    #[error("recording not found: {}", path.display())]
    NotFound { path: PathBuf },
    #[error("{} is not a readable WAV file: {source}", path.display())]
    Wav { path: PathBuf, source: hound::Error },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: unsupported WAV format: {detail}", path.display())]
    Unsupported { path: PathBuf, detail: String },
}

enum Body {
    /// 16-bit integer PCM, the format mockview records: read as bytes,
    /// without hound's per-sample calls (the analysis benchmark's hot path).
    Pcm16 {
        file: BufReader<File>,
        data_start: u64,
        data_bytes: u64,
        pos_bytes: u64,
        bytes: Vec<u8>,
    },
    /// Any other integer width (scaled by `scale`) or 32-bit float.
    Other {
        reader: WavReader<BufReader<File>>,
        float: bool,
        scale: f32,
        raw: Vec<f32>,
    },
}

/// An open WAV file, read as mono frames.
pub struct WavFile {
    path: PathBuf,
    rate: u32,
    channels: usize,
    frames: u64,
    body: Body,
}

impl WavFile {
    pub fn open(path: &Path) -> Result<WavFile, WavError> {
        let reader = WavReader::open(path).map_err(|e| match e {
            hound::Error::IoError(e) if e.kind() == std::io::ErrorKind::NotFound => {
                WavError::NotFound {
                    path: path.to_path_buf(),
                }
            }
            source => WavError::Wav {
                path: path.to_path_buf(),
                source,
            },
        })?;
        let spec = reader.spec();
        let float = spec.sample_format == SampleFormat::Float;
        if spec.channels == 0
            || spec.sample_rate == 0
            || (float && spec.bits_per_sample != 32)
            || (!float && !(1..=32).contains(&spec.bits_per_sample))
        {
            return Err(WavError::Unsupported {
                path: path.to_path_buf(),
                detail: format!(
                    "{} channels at {} Hz, {}-bit {:?} samples",
                    spec.channels, spec.sample_rate, spec.bits_per_sample, spec.sample_format
                ),
            });
        }
        let channels = usize::from(spec.channels);
        let frames = u64::from(reader.duration());
        let body = if !float && spec.bits_per_sample == 16 {
            let data_bytes = u64::from(reader.len()) * 2;
            let mut file = reader.into_inner();
            let data_start = file.stream_position().map_err(|source| WavError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            Body::Pcm16 {
                file,
                data_start,
                data_bytes,
                pos_bytes: 0,
                bytes: Vec::new(),
            }
        } else {
            Body::Other {
                reader,
                float,
                scale: if float {
                    1.0
                } else {
                    1.0 / (1u64 << (spec.bits_per_sample - 1)) as f32
                },
                raw: Vec::new(),
            }
        };
        Ok(WavFile {
            path: path.to_path_buf(),
            rate: spec.sample_rate,
            channels,
            frames,
            body,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Channels in the file (reads are always mono).
    pub fn channels(&self) -> usize {
        self.channels
    }

    /// Length in frames, as the header says.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Read up to `out.len()` mono frames scaled to -1..1; returns how many
    /// (0 at the end).
    pub fn read_mono(&mut self, out: &mut [f32]) -> Result<usize, WavError> {
        let channels = self.channels;
        match &mut self.body {
            Body::Pcm16 { .. } => {
                let mut mono = vec![0i16; out.len()];
                let n = self.read_mono_i16(&mut mono)?;
                for (o, &m) in out.iter_mut().zip(&mono[..n]) {
                    *o = f32::from(m) / crate::level::FULL_SCALE as f32;
                }
                Ok(n)
            }
            Body::Other {
                reader,
                float,
                scale,
                raw,
            } => {
                raw.clear();
                let want = out.len() * channels;
                let err = |source| WavError::Wav {
                    path: self.path.clone(),
                    source,
                };
                if *float {
                    for s in reader.samples::<f32>().take(want) {
                        match s {
                            Ok(v) => raw.push(v),
                            Err(hound::Error::IoError(_)) => break,
                            Err(e) => return Err(err(e)),
                        }
                    }
                } else {
                    for s in reader.samples::<i32>().take(want) {
                        match s {
                            Ok(v) => raw.push(v as f32 * *scale),
                            Err(hound::Error::IoError(_)) => break,
                            Err(e) => return Err(err(e)),
                        }
                    }
                }
                let frames = raw.len() / channels;
                if channels == 1 {
                    out[..frames].copy_from_slice(&raw[..frames]);
                } else {
                    let k = 1.0 / channels as f32;
                    for (o, f) in out.iter_mut().zip(raw.chunks_exact(channels)) {
                        *o = f.iter().sum::<f32>() * k;
                    }
                }
                Ok(frames)
            }
        }
    }

    /// Read up to `out.len()` mono frames as 16-bit samples (full scale
    /// 32768); returns how many (0 at the end).
    pub fn read_mono_i16(&mut self, out: &mut [i16]) -> Result<usize, WavError> {
        let channels = self.channels;
        let Body::Pcm16 {
            file,
            data_bytes,
            pos_bytes,
            bytes,
            ..
        } = &mut self.body
        else {
            let mut mono = vec![0f32; out.len()];
            let n = self.read_mono(&mut mono)?;
            for (o, &m) in out.iter_mut().zip(&mono[..n]) {
                *o = (m * crate::level::FULL_SCALE as f32)
                    .round()
                    .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
            }
            return Ok(n);
        };
        let left = data_bytes.saturating_sub(*pos_bytes);
        let want = (out.len() * channels * 2).min(left as usize);
        if channels == 1 {
            // Mono (what mockview records): the bytes go straight into
            // `out`, seen as bytes, instead of through `bytes` and a copy.
            let out = &mut out[..want / 2];
            let got = read_full(file, pulp::bytemuck::cast_slice_mut(out)).map_err(|source| {
                WavError::Io {
                    path: self.path.clone(),
                    source,
                }
            })?;
            let frames = got / 2;
            // The file's samples are little-endian (a no-op on such CPUs).
            out[..frames].iter_mut().for_each(|s| *s = i16::from_le(*s));
            *pos_bytes += (frames * 2) as u64;
            if got < want {
                *pos_bytes = *data_bytes;
            }
            return Ok(frames);
        }
        bytes.resize(want, 0);
        let got = read_full(file, bytes).map_err(|source| WavError::Io {
            path: self.path.clone(),
            source,
        })?;
        // A file cut short (a crash while recording) is read up to the cut.
        let frames = got / (2 * channels);
        *pos_bytes += (frames * 2 * channels) as u64;
        let data = &bytes[..frames * 2 * channels];
        for (m, frame) in out.iter_mut().zip(data.chunks_exact(2 * channels)) {
            let sum: i32 = frame
                .chunks_exact(2)
                .map(|b| i32::from(i16::from_le_bytes([b[0], b[1]])))
                .sum();
            *m = (sum / channels as i32) as i16;
        }
        if got < want {
            // Nothing more can be read: end here on the next call too.
            *pos_bytes = *data_bytes;
        }
        Ok(frames)
    }

    /// Go to frame `frame` (clamped to the end).
    pub fn seek(&mut self, frame: u64) -> Result<(), WavError> {
        let frame = frame.min(self.frames);
        match &mut self.body {
            Body::Pcm16 {
                file,
                data_start,
                pos_bytes,
                ..
            } => {
                let at = frame * self.channels as u64 * 2;
                file.seek(SeekFrom::Start(*data_start + at))
                    .map_err(|source| WavError::Io {
                        path: self.path.clone(),
                        source,
                    })?;
                *pos_bytes = at;
                Ok(())
            }
            Body::Other { reader, .. } => {
                reader.seek(frame as u32).map_err(|source| WavError::Io {
                    path: self.path.clone(),
                    source,
                })
            }
        }
    }

    /// The whole file as mono 16-bit samples, with its rate.
    pub fn read_all_i16(path: &Path) -> Result<(Vec<i16>, u32), WavError> {
        let mut wav = WavFile::open(path)?;
        let all = read_to_end(wav.frames() as usize, |block| wav.read_mono_i16(block))?;
        Ok((all, wav.rate()))
    }
}

/// Every sample a block reader gives (`read` fills the start of a block and
/// says how much, 0 at the end), in memory: `WavFile` and the decoded
/// formats read a whole file this way.
pub fn read_to_end<E>(
    capacity: usize,
    mut read: impl FnMut(&mut [i16]) -> Result<usize, E>,
) -> Result<Vec<i16>, E> {
    let mut all = Vec::with_capacity(capacity);
    let mut block = vec![0i16; 16 * 1024];
    loop {
        let n = read(&mut block)?;
        if n == 0 {
            return Ok(all);
        }
        all.extend_from_slice(&block[..n]);
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn write(path: &Path, bits: u16, float: bool, channels: u16, frames: &[f32]) {
        let spec = hound::WavSpec {
            channels,
            sample_rate: 8000,
            bits_per_sample: bits,
            sample_format: if float {
                SampleFormat::Float
            } else {
                SampleFormat::Int
            },
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &v in frames {
            for _ in 0..channels {
                if float {
                    w.write_sample(v).unwrap();
                } else {
                    let full = (1i64 << (bits - 1)) as f32;
                    w.write_sample((v * full) as i32).unwrap();
                }
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn every_width_scales_to_the_same_level() {
        let tmp = tempfile::tempdir().unwrap();
        let frames = [0.0, 0.5, -0.25, 0.125];
        for (bits, float, channels) in [
            (16, false, 1),
            (16, false, 2),
            (24, false, 1),
            (32, false, 2),
            (8, false, 1),
            (32, true, 1),
        ] {
            let path = tmp.path().join(format!("{bits}-{float}-{channels}.wav"));
            write(&path, bits, float, channels, &frames);
            let mut wav = WavFile::open(&path).unwrap();
            assert_eq!(wav.frames(), 4);
            let mut out = [9.0f32; 8];
            assert_eq!(wav.read_mono(&mut out).unwrap(), 4, "{bits}");
            for (got, want) in out.iter().zip(frames) {
                assert!(
                    (got - want).abs() < 1e-2,
                    "{bits}-bit {float}: {got} vs {want}"
                );
            }
            let (all, rate) = WavFile::read_all_i16(&path).unwrap();
            assert_eq!(rate, 8000);
            assert_eq!(all[1], 16384, "{bits}-bit {float} x{channels}");
            wav.seek(2).unwrap();
            assert_eq!(wav.read_mono(&mut out).unwrap(), 2);
            assert!((out[0] + 0.25).abs() < 1e-2);
        }
    }

    #[test]
    fn a_missing_file_is_named() {
        let e = WavFile::open(Path::new("/nonexistent/01-x.wav"))
            .err()
            .unwrap();
        assert!(matches!(e, WavError::NotFound { .. }), "{e}");
        assert!(e.to_string().contains("01-x.wav"));
    }
}
