//! A cheap voicing check for syllable candidates: is there a pitch period
//! between 75 and 400 Hz at this instant?
//!
//! The signal is low-passed and decimated to about 4 kHz by block averaging
//! and kept in a short ring. Only when the intensity contour has a local
//! maximum is the normalised autocorrelation computed there, so the cost is
//! a few thousand multiply-adds per candidate rather than per frame.

use super::pitch::dot;

const TARGET_RATE: f64 = 4000.0;
const RING: usize = 2048; // about half a second at 4 kHz
const MIN_PITCH_HZ: f64 = 75.0;
const MAX_PITCH_HZ: f64 = 400.0;
const WINDOW_SECONDS: f64 = 0.030;

pub(crate) struct VoicingProbe {
    factor: usize,
    acc: i32,
    fill: usize,
    ring: Vec<f32>,
    written: u64,
    min_lag: usize,
    max_lag: usize,
    window: usize,
    scratch: Vec<f32>,
}

impl VoicingProbe {
    pub(crate) fn new(sample_rate: u32) -> Self {
        let factor = ((sample_rate as f64 / TARGET_RATE).round() as usize).max(1);
        let rate = sample_rate as f64 / factor as f64;
        let min_lag = ((rate / MAX_PITCH_HZ).floor() as usize).max(2);
        let max_lag = ((rate / MIN_PITCH_HZ).ceil() as usize).max(min_lag + 2);
        let window = ((rate * WINDOW_SECONDS).round() as usize).max(8);
        Self {
            factor,
            acc: 0,
            fill: 0,
            ring: vec![0.0; RING],
            written: 0,
            min_lag,
            max_lag,
            window,
            scratch: vec![0.0; window + max_lag + 2],
        }
    }

    pub(crate) fn push(&mut self, mut block: &[i16]) {
        if self.fill > 0 {
            let take = (self.factor - self.fill).min(block.len());
            self.acc += block[..take].iter().map(|&x| x as i32).sum::<i32>();
            self.fill += take;
            block = &block[take..];
            if self.fill == self.factor {
                self.emit();
            }
        }
        let mut chunks = block.chunks_exact(self.factor);
        for chunk in &mut chunks {
            self.acc = chunk.iter().map(|&x| x as i32).sum();
            self.emit();
        }
        let rest = chunks.remainder();
        self.acc = rest.iter().map(|&x| x as i32).sum();
        self.fill = rest.len();
    }

    fn emit(&mut self) {
        self.ring[(self.written as usize) & (RING - 1)] = self.acc as f32;
        self.written += 1;
        self.acc = 0;
        self.fill = 0;
    }

    /// Strength of periodicity (0..1) around input sample `center`: the
    /// highest local maximum over lag of the normalised autocorrelation.
    pub(crate) fn voicing_at(&mut self, center: u64) -> f32 {
        let len = self.window + self.max_lag + 2;
        let center = center / self.factor as u64;
        let mut start = center.saturating_sub(self.window as u64 / 2);
        if start + len as u64 > self.written {
            start = self.written.saturating_sub(len as u64);
        }
        if self.written < len as u64 || start + (RING as u64) < self.written {
            return 0.0;
        }
        let seg = &mut self.scratch[..len];
        for (i, v) in seg.iter_mut().enumerate() {
            *v = self.ring[((start as usize) + i) & (RING - 1)];
        }
        let mean = seg.iter().sum::<f32>() / len as f32;
        seg.iter_mut().for_each(|v| *v -= mean);
        let seg = &self.scratch[..len];
        let w = self.window;
        let e0 = dot(&seg[..w], &seg[..w]);
        if e0 <= f32::EPSILON {
            return 0.0;
        }
        // r(tau) for tau = min_lag - 1 ..= max_lag + 1; the energy of the
        // lagged window slides along instead of being recomputed.
        let first = self.min_lag - 1;
        let mut et = dot(&seg[first..first + w], &seg[first..first + w]);
        let mut r = [0.0f32; 3];
        let mut best = 0.0f32;
        for tau in first..=self.max_lag + 1 {
            if tau > first {
                let (out, inn) = (seg[tau - 1], seg[tau + w - 1]);
                et = (et - out * out + inn * inn).max(0.0);
            }
            let value = if et <= f32::EPSILON {
                0.0
            } else {
                dot(&seg[..w], &seg[tau..tau + w]) / (e0 * et).sqrt()
            };
            r = [r[1], r[2], value];
            if tau >= first + 2 && r[1] >= r[0] && r[1] >= r[2] && r[1] > best {
                best = r[1];
            }
        }
        best
    }
}
