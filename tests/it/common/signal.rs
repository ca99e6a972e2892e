//! Signal maths for tests: generated speech, WAV files, where speech is,
//! envelopes and alignment.

use super::*;
use std::path::Path;
use std::process::Command as Process;

/// Speech from espeak-ng at `wpm`, as 16-bit mono samples at `rate`.
pub fn speech(text: &str, wpm: u32, rate: u32) -> Vec<i16> {
    require("espeak-ng");
    require("sox");
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("s.wav");
    let raw = dir.path().join("s.raw");
    let st = Process::new("espeak-ng")
        .args(["-s", &wpm.to_string(), "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .unwrap();
    assert!(st.success(), "espeak-ng failed");
    let st = Process::new("sox")
        .arg(&wav)
        .args([
            "-r",
            &rate.to_string(),
            "-c",
            "1",
            "-b",
            "16",
            "-e",
            "signed",
            "-t",
            "raw",
        ])
        .arg(&raw)
        .status()
        .unwrap();
    assert!(st.success(), "sox failed");
    bytes_to_i16(&std::fs::read(&raw).unwrap())
}

pub fn bytes_to_i16(b: &[u8]) -> Vec<i16> {
    b.chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

pub fn silence(seconds: f64, rate: u32) -> Vec<i16> {
    vec![0; (seconds * f64::from(rate)) as usize]
}

/// All samples of a 16-bit mono WAV, and its rate.
pub fn read_wav(path: &Path) -> (Vec<i16>, u32) {
    let mut r = hound::WavReader::open(path)
        .unwrap_or_else(|e| panic!("{}: not a readable WAV: {e}", path.display()));
    let spec = r.spec();
    assert_eq!(spec.channels, 1, "mono");
    assert_eq!(spec.bits_per_sample, 16, "16-bit");
    let s: Vec<i16> = r.samples::<i16>().map(|s| s.unwrap()).collect();
    (s, spec.sample_rate)
}

pub fn write_wav(path: &Path, samples: &[i16], rate: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

/// Where speech is: the first and last 10 ms frame whose RMS is above
/// `threshold` (of full scale), in seconds.
pub fn speech_span(samples: &[i16], rate: u32, threshold: f64) -> Option<(f64, f64)> {
    let frame = (rate / 100) as usize;
    let loud: Vec<usize> = samples
        .chunks(frame)
        .enumerate()
        .filter(|(_, c)| {
            let ms = c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / c.len() as f64;
            ms.sqrt() / 32768.0 > threshold
        })
        .map(|(i, _)| i)
        .collect();
    Some((
        *loud.first()? as f64 / 100.0,
        (*loud.last()? + 1) as f64 / 100.0,
    ))
}

/// 10 ms RMS envelope, in dB (floored at -80).
pub fn envelope_db(samples: &[i16], rate: u32) -> Vec<f64> {
    let frame = (rate / 100) as usize;
    samples
        .chunks_exact(frame)
        .map(|c| {
            let ms = c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame as f64;
            (10.0 * (ms / (32768.0f64 * 32768.0)).log10()).max(-80.0)
        })
        .collect()
}

/// Where `needle` sits in `hay`, by correlating their 10 ms dB envelopes:
/// (offset in seconds, normalised correlation of the envelopes there).
pub fn align(hay: &[i16], needle: &[i16], rate: u32) -> (f64, f64) {
    let h = envelope_db(hay, rate);
    let n = envelope_db(needle, rate);
    let centre = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
        v.iter().map(|x| x - m).collect::<Vec<f64>>()
    };
    let n = centre(&n);
    let mut best = (0usize, f64::MIN);
    for lag in 0..h.len().saturating_sub(n.len() / 2) {
        let m = n.len().min(h.len() - lag);
        let hw = centre(&h[lag..lag + m]);
        let dot: f64 = (0..m).map(|i| n[i] * hw[i]).sum();
        let nn = n[..m].iter().map(|x| x * x).sum::<f64>().sqrt();
        let hh = hw.iter().map(|x| x * x).sum::<f64>().sqrt();
        let c = if nn > 0.0 && hh > 0.0 {
            dot / (nn * hh)
        } else {
            0.0
        };
        if c > best.1 {
            best = (lag, c);
        }
    }
    (best.0 as f64 / 100.0, best.1)
}
