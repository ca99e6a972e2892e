//! A cheap voicing check for syllable candidates: is there a pitch period
//! between 75 and 400 Hz at this instant?
//!
//! The signal is low-passed and decimated to about 4 kHz by block averaging
//! (sums of `factor` samples, aligned on the recording's first sample). The
//! raw samples of the last half second are kept in a ring, and only when the
//! intensity contour has a local maximum are the block sums formed and the
//! normalised autocorrelation computed there: a few thousand additions and
//! multiply-adds per candidate (a few per second) rather than a pass over
//! every sample.

use super::pitch::dot;

const TARGET_RATE: f64 = 4000.0;
const RING: usize = 2048; // decimated samples: about half a second at 4 kHz
/// Most raw samples kept (at absurd sample rates the ring's half second
/// would be more; there the probe sees only this much).
const MAX_RAW: usize = 1 << 18;
const MIN_PITCH_HZ: f64 = 75.0;
const MAX_PITCH_HZ: f64 = 400.0;
const WINDOW_SECONDS: f64 = 0.030;

pub(crate) struct VoicingProbe {
    factor: usize,
    /// The last raw samples (a power of two of them, more than `RING`
    /// blocks' worth up to `MAX_RAW`), indexed by sample number.
    raw: Vec<i16>,
    /// Raw samples pushed so far.
    pushed: u64,
    min_lag: usize,
    max_lag: usize,
    window: usize,
    scratch: Vec<f32>,
    /// The CPU's vector instructions (AVX2 where it has them), detected once.
    simd: pulp::Arch,
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
            raw: vec![
                0;
                (RING + 1)
                    .saturating_mul(factor)
                    .next_power_of_two()
                    .min(MAX_RAW)
            ],
            pushed: 0,
            min_lag,
            max_lag,
            window,
            scratch: vec![0.0; window + max_lag + 2],
            simd: pulp::Arch::new(),
        }
    }

    pub(crate) fn push(&mut self, mut block: &[i16]) {
        let size = self.raw.len();
        // Only the last `size` samples can ever be read back.
        if block.len() > size {
            self.pushed += (block.len() - size) as u64;
            block = &block[block.len() - size..];
        }
        let at = self.pushed as usize & (size - 1);
        let head = (size - at).min(block.len());
        self.raw[at..at + head].copy_from_slice(&block[..head]);
        self.raw[..block.len() - head].copy_from_slice(&block[head..]);
        self.pushed += block.len() as u64;
    }

    /// Strength of periodicity (0..1) around input sample `center`: the
    /// highest local maximum over lag of the normalised autocorrelation.
    pub(crate) fn voicing_at(&mut self, center: u64) -> f32 {
        let simd = self.simd;
        simd.dispatch(At {
            probe: self,
            center,
        })
    }

    /// [`VoicingProbe::voicing_at`], compiled for the CPU's vector
    /// instructions (see [`At`]).
    #[inline(always)]
    fn voicing_at_inline(&mut self, center: u64) -> f32 {
        let len = self.window + self.max_lag + 2;
        let factor = self.factor as u64;
        // Whole blocks (decimated samples) so far.
        let written = self.pushed / factor;
        let center = center / factor;
        let mut start = center.saturating_sub(self.window as u64 / 2);
        if start + len as u64 > written {
            start = written.saturating_sub(len as u64);
        }
        let kept = self.raw.len() as u64;
        if written < len as u64
            || start + (RING as u64) < written
            || start * factor + kept < self.pushed
        {
            return 0.0;
        }
        let mask = self.raw.len() - 1;
        let seg = &mut self.scratch[..len];
        for (i, v) in seg.iter_mut().enumerate() {
            let first = (((start as usize) + i) * self.factor) & mask;
            // A block is contiguous in the ring unless it wraps around.
            let sum: i64 = match self.raw.get(first..first + self.factor) {
                // In 32 bits while that cannot overflow (factors up to
                // 32768, a rate of 131 MHz): vectorises better than 64.
                Some(block) if block.len() <= 1 << 15 => {
                    i64::from(block.iter().map(|&x| i32::from(x)).sum::<i32>())
                }
                Some(block) => block.iter().map(|&x| i64::from(x)).sum(),
                None => (first..first + self.factor)
                    .map(|n| i64::from(self.raw[n & mask]))
                    .sum(),
            };
            *v = sum as f32;
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

/// [`VoicingProbe::voicing_at`] as an operation for `pulp` to compile for
/// each instruction set: the block sums and [`dot`]'s eight lanes take the
/// wider vectors where the CPU has them. The arithmetic is the same on
/// every CPU (no FMA; the lanes add up in the same order), so the voicing
/// does not depend on the machine.
struct At<'a> {
    probe: &'a mut VoicingProbe,
    center: u64,
}

impl pulp::WithSimd for At<'_> {
    type Output = f32;

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> f32 {
        self.probe.voicing_at_inline(self.center)
    }
}
