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

// The level policy (issue 19): what "clipping" and "too quiet" mean,
// once. The live meter, mic-check and the delivery flags all judge a level
// by these, so a take the meter calls fine is not flagged afterwards for a
// rule the meter did not know. (Transcription does not gate on a level: it
// decodes what the analysis's voice activity finds, see transcribe/chunks.rs.)

/// A live peak at or above this (0..=1 of full scale, -0.09 dBFS) is
/// clipping as the meter sees it: the last ~100 ms touched full scale.
pub const CLIP_PEAK: f32 = 0.99;

/// A recording clips when more than this fraction of its samples are
/// clipped ([`ClipCounter`]'s rule): a few full-scale samples in seconds of
/// speech are not heard; one in a thousand is. mic-check's verdict and the
/// `clipping` flag (was 1e-4 in mic-check, 1e-3 in the flags).
pub const CLIPPED_FRACTION: f64 = 1e-3;

/// Below this level (0..=1 of full scale, -50 dBFS) there is no speech: a
/// voice at arm's length from a working microphone reads -35 to -20 dBFS,
/// so this is a microphone turned down, covered or switched off. The live
/// meter says "too quiet" when its RMS stays below it for a few seconds.
pub const SPEECH_FLOOR: f32 = 0.003;

/// A recording whose loudest sample stays below this (dBFS) is too quiet:
/// spoken answers peak at -12 to -3 dBFS. mic-check and the `too_quiet` flag.
pub const QUIET_PEAK_DB: f64 = -20.0;

/// Too quiet on average, by the gated loudness of the speech (LUFS, EBU
/// R 128): the `too_quiet` flag of an answer.
pub const QUIET_LOUDNESS_LUFS: f64 = -35.0;

/// Too quiet on average, by the plain RMS of a whole mic-check (dBFS). Not
/// the same measure as the loudness above: it is ungated, and the check
/// asks for half a second of silence, so it reads lower for the same voice.
pub const QUIET_RMS_DB: f64 = -45.0;

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
            too_quiet: rms < SPEECH_FLOOR,
        }
    }

    /// Of a whole recording: its peak (dBFS), whether its average level is
    /// below its measure's threshold (`quiet_on_average`), and its clipped
    /// fraction.
    pub fn of_recording(
        peak_db: f64,
        quiet_on_average: bool,
        clipped_fraction: f64,
    ) -> LevelVerdict {
        LevelVerdict {
            clipping: clipped_fraction > CLIPPED_FRACTION,
            too_quiet: peak_db < QUIET_PEAK_DB || quiet_on_average,
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
pub fn at_full_scale(x: i16) -> bool {
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
