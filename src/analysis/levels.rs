//! Level measurements over every sample: sample peak, clipping and
//! integrated loudness (EBU R 128, see `loudness.rs`; measured at the full
//! sample rate on a second thread).

use super::loudness::{LoudnessMeter, LoudnessWorker};
use super::worker::Block;
use crate::level::{amplitude_db, at_full_scale, ClipCounter, FULL_SCALE};

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

    /// Hand a block to the loudness meter's thread.
    pub(crate) fn push(&mut self, shared: &Block) {
        if !shared.is_empty() {
            self.loudness.push(shared);
        }
    }

    /// Take the peak and clipping of `chunk`, the next samples of the
    /// stream, given its lowest and highest sample (the analyzer finds them
    /// in its pass over the samples, so this one need not make another).
    pub(crate) fn measure(&mut self, chunk: &[i16], low: i16, high: i16) {
        let Some(&first) = chunk.first() else {
            return;
        };
        self.peak = self.peak.max(low.unsigned_abs()).max(high.unsigned_abs());
        if at_full_scale(low) || at_full_scale(high) {
            self.clipping.push(chunk);
        } else {
            // No sample at full scale: to the counter, any one of them
            // (which ends an open run) is the same as all of them.
            self.clipping.push(&[first]);
        }
    }

    /// (loudness LUFS, peak dBFS, clipped samples)
    pub(crate) fn finish(self) -> (Option<f64>, f64, u64) {
        let loudness = self.loudness.finish().and_then(|m| m.integrated());
        let peak = amplitude_db(f64::from(self.peak) / FULL_SCALE);
        (loudness, peak, self.clipping.clipped())
    }
}
