//! Level measurements over every sample: sample peak, clipping and
//! integrated loudness (EBU R 128, see `loudness.rs`; measured at the full
//! sample rate on a second thread).

use super::loudness::LoudnessWorker;

/// A sample within 1 LSB of positive or negative full scale.
fn is_clipped(x: i16) -> bool {
    x >= i16::MAX - 1 || x <= i16::MIN + 1
}

pub(crate) struct LevelMeter {
    peak: u16,
    clip_run: u64,
    clipped: u64,
    loudness: LoudnessWorker,
}

impl LevelMeter {
    pub(crate) fn new(sample_rate: u32) -> Self {
        Self {
            peak: 0,
            clip_run: 0,
            clipped: 0,
            loudness: LoudnessWorker::new(sample_rate),
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
        self.loudness.push(block);
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

    /// (loudness LUFS, peak dBFS, clipped samples)
    pub(crate) fn finish(mut self) -> (Option<f64>, f64, u64) {
        self.end_clip_run();
        let loudness = self.loudness.finish();
        let peak = if self.peak == 0 {
            super::analyzer::SILENCE_DB
        } else {
            20.0 * (self.peak as f64 / 32768.0).log10()
        };
        (loudness, peak, self.clipped)
    }
}
