//! Level measurements over every sample: sample peak, clipping and
//! integrated loudness (EBU R 128 through the `ebur128` crate).
//!
//! Loudness is measured as ONE mono channel (weight 1.0, not "dual mono"), so
//! a 997 Hz sine at -20 dBFS reads -23 LUFS as in the standard's test signal.
//! The K-weighting filter of `ebur128` costs about 7 ns per sample, more than
//! everything else here together, so the loudness meter sees every `step`-th
//! sample, with `step` chosen to bring the rate down to about 16 kHz.
//! Subsampling keeps the mean square of the signal (energy above the new
//! Nyquist frequency folds down instead of being removed); for speech the
//! result is within 0.15 dB of the full-rate value, full-band white noise reads
//! up to 0.4 dB low (see `docs/metrics.md` and
//! the `loudness_subsampling_error` test).

use ebur128::{EbuR128, Mode};

/// A sample within 1 LSB of positive or negative full scale.
fn is_clipped(x: i16) -> bool {
    x >= i16::MAX - 1 || x <= i16::MIN + 1
}

/// The rate the loudness meter is fed at, at most.
const LOUDNESS_RATE: u32 = 16_000;

pub(crate) struct LevelMeter {
    peak: u16,
    clip_run: u64,
    clipped: u64,
    loudness: Option<EbuR128>,
    step: usize,
    /// Index into the next block of the next sample the loudness meter takes.
    phase: usize,
    scratch: Vec<i16>,
}

impl LevelMeter {
    pub(crate) fn new(sample_rate: u32) -> Self {
        let step = ((sample_rate as f64 / LOUDNESS_RATE as f64).round() as usize).max(1);
        let meter_rate = sample_rate / step as u32;
        let loudness = EbuR128::new(1, meter_rate, Mode::I).ok();
        Self {
            peak: 0,
            clip_run: 0,
            clipped: 0,
            loudness,
            step,
            phase: 0,
            scratch: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, block: &[i16]) {
        let (min, max) = block
            .iter()
            .fold((i16::MAX, i16::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if block.is_empty() {
            return;
        }
        self.peak = self.peak.max(min.unsigned_abs()).max(max.unsigned_abs());
        if is_clipped(min) || is_clipped(max) {
            self.count_clipping(block);
        } else {
            self.end_clip_run();
        }
        self.feed_loudness(block);
    }

    fn count_clipping(&mut self, block: &[i16]) {
        for &x in block {
            if is_clipped(x) {
                self.clip_run += 1;
            } else {
                self.end_clip_run();
            }
        }
    }

    /// A single full-scale sample is a legitimate peak; two in a row is the
    /// flat top of a clipped waveform.
    fn end_clip_run(&mut self) {
        if self.clip_run >= 2 {
            self.clipped += self.clip_run;
        }
        self.clip_run = 0;
    }

    fn feed_loudness(&mut self, block: &[i16]) {
        let Some(meter) = self.loudness.as_mut() else {
            return;
        };
        if self.step == 1 {
            // Errors only come from a wrong channel count, which cannot happen.
            let _ = meter.add_frames_i16(block);
            return;
        }
        if self.phase >= block.len() {
            self.phase -= block.len();
            return;
        }
        self.scratch.clear();
        self.scratch
            .extend(block[self.phase..].iter().step_by(self.step).copied());
        let taken = self.scratch.len();
        self.phase = self.phase + taken * self.step - block.len();
        let _ = meter.add_frames_i16(&self.scratch);
    }

    /// (loudness LUFS, peak dBFS, clipped samples)
    pub(crate) fn finish(mut self) -> (Option<f64>, f64, u64) {
        self.end_clip_run();
        let loudness = self
            .loudness
            .as_ref()
            .and_then(|m| m.loudness_global().ok())
            .filter(|l| l.is_finite());
        let peak = if self.peak == 0 {
            super::analyzer::SILENCE_DB
        } else {
            20.0 * (self.peak as f64 / 32768.0).log10()
        };
        (loudness, peak, self.clipped)
    }
}
