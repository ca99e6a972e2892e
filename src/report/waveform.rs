//! The waveform drawn for each answer: the minimum and maximum sample of
//! each of ~600 columns, read from the WAV in one streaming pass (memory is
//! the columns, never the samples), then drawn as an inline SVG.

use crate::wav_file::{WavError, WavFile};
use std::fmt::Write as _;
use std::path::Path;

/// Columns of the drawing: enough for a phone or a printed page.
pub const COLUMNS: usize = 600;

/// Per-column (min, max), each in -1.0..=1.0.
#[derive(Debug, Clone, PartialEq)]
pub struct Waveform {
    pub columns: Vec<(f32, f32)>,
}

/// Read `path` and reduce it to at most `columns` columns. A file cut short
/// by a crash is drawn as far as it can be read.
pub fn read(path: &Path, columns: usize) -> Result<Waveform, WavError> {
    let mut wav = WavFile::open(path)?;
    let total = wav.frames();
    let n = (columns as u64).min(total).max(1) as usize;
    let mut cols = vec![(f32::MAX, f32::MIN); n];
    let mut push = |i: u64, v: f32| {
        let c = ((i * n as u64) / total.max(1)).min(n as u64 - 1) as usize;
        let col = &mut cols[c];
        col.0 = col.0.min(v);
        col.1 = col.1.max(v);
    };
    let mut block = vec![0f32; 16 * 1024];
    let mut at = 0u64;
    // A file cut short by a crash is drawn as far as it can be read.
    while let Ok(got @ 1..) = wav.read_mono(&mut block) {
        for &v in &block[..got] {
            push(at, v);
            at += 1;
        }
    }
    let columns = cols
        .into_iter()
        .map(|(lo, hi)| {
            if lo > hi {
                (0.0, 0.0)
            } else {
                (lo.clamp(-1.0, 1.0), hi.clamp(-1.0, 1.0))
            }
        })
        .collect();
    Ok(Waveform { columns })
}

impl Waveform {
    /// An inline SVG, as wide as its container; `label` must be HTML-escaped
    /// by the caller.
    pub fn to_svg(&self, label: &str) -> String {
        let w = self.columns.len().max(1);
        let mut d = String::with_capacity(w * 16);
        for (x, (lo, hi)) in self.columns.iter().enumerate() {
            // y: 0 at the top (full scale), 50 the centre line, 100 the bottom.
            let top = 50.0 - hi * 50.0;
            // At least a hairline so that silence still shows as a line.
            let bottom = (50.0 - lo * 50.0).max(top + 0.5);
            let _ = write!(d, "M{x}.5 {top:.1}V{bottom:.1}");
        }
        format!(
            "<svg class=\"wave\" viewBox=\"0 0 {w} 100\" preserveAspectRatio=\"none\" \
role=\"img\" aria-label=\"{label}\"><path d=\"{d}\"/></svg>"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wav(path: &Path, samples: &[i16]) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn columns_hold_min_and_max() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        // 1200 samples: first half silent, second half full-scale square.
        let mut s = vec![0i16; 600];
        s.extend((0..600).map(|i| if i % 2 == 0 { 16384 } else { -16384 }));
        wav(&p, &s);
        let w = read(&p, 600).unwrap();
        assert_eq!(w.columns.len(), 600);
        assert_eq!(w.columns[0], (0.0, 0.0));
        assert_eq!(w.columns[599], (-0.5, 0.5));
        let svg = w.to_svg("x");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }

    #[test]
    fn short_and_empty_files_do_not_divide_by_zero() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        wav(&p, &[100, -100, 3]);
        assert_eq!(read(&p, 600).unwrap().columns.len(), 3);
        wav(&p, &[]);
        assert_eq!(read(&p, 600).unwrap().columns, vec![(0.0, 0.0)]);
        assert!(read(&dir.path().join("missing.wav"), 600).is_err());
    }
}
