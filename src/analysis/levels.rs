//! Level measurements over every sample: sample peak, clipping and
//! integrated loudness (EBU R 128, see `loudness.rs`; measured at the full
//! sample rate on a second thread).

use super::loudness::{LoudnessMeter, LoudnessWorker};
use super::worker::Block;
use crate::level::{amplitude_db, ClipCounter, FULL_SCALE};

pub(crate) struct LevelMeter {
    peak: u16,
    clipping: ClipCounter,
    loudness: LoudnessWorker,
}

impl LevelMeter {
    pub(crate) fn new(sample_rate: u32) -> Self {
        Self {
            peak: 0,
            clipping: ClipCounter::default(),
            loudness: LoudnessWorker::new("loudness", move || LoudnessMeter::new(sample_rate)),
        }
    }

    pub(crate) fn push(&mut self, shared: &Block) {
        let block: &[i16] = shared;
        let (min, max) = block
            .iter()
            .fold((i16::MAX, i16::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        if block.is_empty() {
            return;
        }
        self.peak = self.peak.max(min.unsigned_abs()).max(max.unsigned_abs());
        self.clipping.push(block);
        self.loudness.push(shared);
    }

    /// (loudness LUFS, peak dBFS, clipped samples)
    pub(crate) fn finish(self) -> (Option<f64>, f64, u64) {
        let loudness = self.loudness.finish().and_then(|m| m.integrated());
        let peak = amplitude_db(f64::from(self.peak) / FULL_SCALE);
        (loudness, peak, self.clipping.clipped())
    }
}
