//! Sample levels, in one place: decibels of full scale, the floor that
//! stands for digital silence, and what counts as clipping. A leaf: capture
//! (its live warning), analysis (its metrics), mic-check and the meters all
//! use these, so "clipped" and "silent" mean the same everywhere (issue 9).

/// Full scale of a 16-bit sample, as sox counts it.
pub const FULL_SCALE: f64 = 32768.0;

/// dBFS of digital silence: the floor every level is clamped to.
pub const SILENCE_DB: f64 = -120.0;

/// Below this peak (0..=1 of full scale; -80 dBFS, three steps of 16 bits)
/// an input is digital silence or next to it: quieter than the noise floor
/// of any working microphone and preamp (about -70 dBFS at best). What a
/// muted or disconnected input, or ALSA's `null` device, delivers.
pub const MUTED_PEAK: f64 = 1e-4;

/// A live peak at or above this (0..=1 of full scale, -0.09 dBFS) is
/// clipping as the meter sees it: the last ~100 ms touched full scale.
/// Whole recordings count clipped samples instead ([`ClipCounter`]).
pub const CLIP_PEAK: f32 = 0.99;

/// Below this RMS (0..=1 of full scale, -50 dBFS) an input is too quiet for
/// speech: a voice at arm's length from a working microphone reads -35 to
/// -20 dBFS, so this is a microphone turned down, covered or switched off.
pub const QUIET_RMS: f32 = 0.003;

/// What a level says about the input, by the rules above.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LevelVerdict {
    pub clipping: bool,
    pub too_quiet: bool,
}

impl LevelVerdict {
    /// Of the live level (the last ~100 ms: `peak` and `rms` of full scale)
    /// and the clipped samples counted since the take began.
    pub fn of_live(peak: f32, rms: f32, clipped: u64) -> LevelVerdict {
        LevelVerdict {
            clipping: peak >= CLIP_PEAK || clipped > 0,
            too_quiet: rms < QUIET_RMS,
        }
    }
}

/// dBFS of an amplitude (0..=1 of full scale).
pub fn amplitude_db(amplitude: f64) -> f64 {
    if amplitude > 0.0 {
        (20.0 * amplitude.log10()).max(SILENCE_DB)
    } else {
        SILENCE_DB
    }
}

/// dBFS of a mean power of 16-bit samples (squared sample values).
pub fn power_db(power: f64) -> f64 {
    if power > 0.0 {
        (10.0 * (power / (FULL_SCALE * FULL_SCALE)).log10()).max(SILENCE_DB)
    } else {
        SILENCE_DB
    }
}

/// A sample within 1 LSB of positive or negative full scale.
fn at_full_scale(x: i16) -> bool {
    x >= i16::MAX - 1 || x <= i16::MIN + 1
}

/// Counts clipped samples of a stream fed in blocks of any size. A single
/// full-scale sample is a legitimate peak; two or more in a row are the flat
/// top of a clipped waveform, and all of them count.
#[derive(Debug, Default, Clone)]
pub struct ClipCounter {
    run: u64,
    clipped: u64,
}

impl ClipCounter {
    pub fn push(&mut self, block: &[i16]) {
        // Nearly every block has no sample at full scale: one pass that
        // vectorises tells, and then only the open run ends.
        if !block.iter().fold(false, |any, &x| any | at_full_scale(x)) {
            if !block.is_empty() {
                self.end_run();
            }
            return;
        }
        for &x in block {
            if at_full_scale(x) {
                self.run += 1;
            } else {
                self.end_run();
            }
        }
    }

    fn end_run(&mut self) {
        if self.run >= 2 {
            self.clipped += self.run;
        }
        self.run = 0;
    }

    /// Clipped samples so far, counting a run still open at the end.
    pub fn clipped(&self) -> u64 {
        self.clipped + if self.run >= 2 { self.run } else { 0 }
    }
}

/// Clipped samples of a whole recording (see [`ClipCounter`]).
pub fn count_clipped(samples: &[i16]) -> u64 {
    let mut counter = ClipCounter::default();
    counter.push(samples);
    counter.clipped()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_is_a_run_at_full_scale() {
        assert_eq!(count_clipped(&[0, i16::MAX, 0, i16::MIN, 0]), 0);
        assert_eq!(count_clipped(&[0, i16::MAX, i16::MAX - 1, 0]), 2);
        // A run split across blocks still counts.
        let mut c = ClipCounter::default();
        c.push(&[0, i16::MIN]);
        c.push(&[i16::MIN + 1, i16::MIN, 5]);
        assert_eq!(c.clipped(), 3);
    }

    #[test]
    fn decibels_clamp_to_silence() {
        assert_eq!(amplitude_db(1.0), 0.0);
        assert_eq!(amplitude_db(0.0), SILENCE_DB);
        assert_eq!(power_db(0.0), SILENCE_DB);
        assert!((power_db(FULL_SCALE * FULL_SCALE) - 0.0).abs() < 1e-9);
    }
}
