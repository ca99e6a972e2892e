//! The levels of a microphone test recording (peak, RMS, noise floor,
//! clipping) and the one-line verdict `mockview mic-check` gives on them.
//! Decibels and clipping follow `crate::level`.

/// Window of the noise-floor estimate.
const FLOOR_WINDOW_SECONDS: f64 = 0.05;

/// The levels of a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct Levels {
    pub peak_dbfs: f64,
    pub rms_dbfs: f64,
    /// 10th percentile of the 50 ms RMS, dBFS.
    pub noise_floor_dbfs: f64,
    /// Clipped samples (`crate::level`'s rule).
    pub clipped: u64,
    pub clipped_fraction: f64,
    pub samples: u64,
}

use crate::level::{amplitude_db as dbfs, LevelVerdict, FULL_SCALE, QUIET_RMS_DB};

/// Levels of 16-bit samples (full scale = 32768, as sox counts it).
pub fn levels(samples: &[i16], rate: u32) -> Levels {
    let n = samples.len().max(1) as f64;
    let peak = samples
        .iter()
        .map(|&s| i32::from(s).unsigned_abs())
        .max()
        .unwrap_or(0);
    let sum_sq: f64 = samples.iter().map(|&s| f64::from(s).powi(2)).sum();
    let clipped = crate::level::count_clipped(samples);
    let window = ((f64::from(rate) * FLOOR_WINDOW_SECONDS) as usize).max(1);
    let mut windows: Vec<f64> = samples
        .chunks_exact(window)
        .map(|c| (c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / window as f64).sqrt())
        .collect();
    windows.sort_by(f64::total_cmp);
    let floor = windows.get(windows.len() / 10).copied().unwrap_or(0.0);
    Levels {
        peak_dbfs: dbfs(f64::from(peak) / FULL_SCALE),
        rms_dbfs: dbfs((sum_sq / n).sqrt() / FULL_SCALE),
        noise_floor_dbfs: dbfs(floor / FULL_SCALE),
        clipped,
        clipped_fraction: clipped as f64 / n,
        samples: samples.len() as u64,
    }
}

/// The one-line verdict, worst problem first.
pub fn verdict(l: &Levels) -> &'static str {
    // Clipping and "too quiet" are `crate::level`'s policy.
    let v = LevelVerdict::of_recording(l.peak_dbfs, l.rms_dbfs < QUIET_RMS_DB, l.clipped_fraction);
    if v.clipping {
        "clipping: move back or lower the gain"
    } else if v.too_quiet {
        "too quiet: move closer or raise the input gain"
    } else if l.noise_floor_dbfs > -45.0 {
        "noisy room: find a quieter place or move closer to the microphone"
    } else {
        "good"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mic_check_levels_of_a_square_wave() {
        // Half scale square wave: peak and RMS -6.02 dBFS.
        let s: Vec<i16> = (0..48_000)
            .map(|i| if i % 100 < 50 { 16384 } else { -16384 })
            .collect();
        let l = levels(&s, 48_000);
        assert!((l.peak_dbfs + 6.02).abs() < 0.01, "{l:?}");
        assert!((l.rms_dbfs + 6.02).abs() < 0.01, "{l:?}");
        assert_eq!(l.clipped, 0);
        // Loud all along: no quiet moment, so the "floor" is the signal.
        assert!(verdict(&l).starts_with("noisy"));
        // Half a second of silence first: a clean room.
        let mut with_silence = vec![0i16; 24_000];
        with_silence.extend_from_slice(&s);
        assert_eq!(verdict(&levels(&with_silence, 48_000)), "good");
    }

    #[test]
    fn mic_check_verdicts() {
        let quiet: Vec<i16> = (0..48_000)
            .map(|i| if i % 2 == 0 { 30 } else { -30 })
            .collect();
        assert!(verdict(&levels(&quiet, 48_000)).starts_with("too quiet"));
        // Flat tops: two full-scale samples in a row (one alone is a peak).
        let clipped: Vec<i16> = (0..48_000)
            .map(|i| if i % 8 < 2 { i16::MAX } else { 0 })
            .collect();
        assert!(verdict(&levels(&clipped, 48_000)).starts_with("clipping"));
        // Speech-loud half, then a room at about -27 dBFS.
        let noisy: Vec<i16> = (0..48_000)
            .map(|i| {
                let a = if i < 24_000 { 16_000 } else { 1500 };
                if i % 2 == 0 {
                    a
                } else {
                    -a
                }
            })
            .collect();
        assert!(verdict(&levels(&noisy, 48_000)).starts_with("noisy"));
        let silent = levels(&[0; 4800], 48_000);
        assert_eq!(silent.peak_dbfs, -120.0);
    }
}
