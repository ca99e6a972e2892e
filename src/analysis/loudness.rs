//! Integrated loudness after ITU-R BS.1770-4 / EBU R 128, measured on every
//! sample of one mono channel, in a thread of its own.
//!
//! Why not the `ebur128` crate at full rate (issue 4): its 4th-order filter
//! is written as one long dependency chain and its gating re-sums 400 ms of
//! filtered audio every 100 ms; at 48 kHz that is 1.3 s per hour of audio on
//! the development machine, nearly twice what `sox -n stats` takes to read
//! the same file, and it cannot be split across threads in a stream. This
//! meter is the same measurement (the same K-weighting coefficients at any
//! rate, 400 ms blocks every 100 ms, -70 LUFS absolute and -10 LU relative
//! gates) arranged for the CPU: the two biquads run as separate short chains
//! and each sample is squared and summed once, into its 100 ms sub-block. The
//! tests hold it to `ebur128` within 0.01 dB (`ebur128` is a dev-dependency
//! for that reason).
//!
//! [`LoudnessWorker`] feeds a [`LoudnessMeter`] on a thread of its own
//! (`worker.rs`), so loudness costs the analysis no wall time on a machine
//! with a free core.

use super::worker::{BlockSink, Worker};

/// BS.1770's offset between mean square and loudness: -0.691 dB.
const LOUDNESS_OFFSET: f64 = -0.691;
const ABSOLUTE_GATE_LUFS: f64 = -70.0;
const RELATIVE_GATE_LU: f64 = -10.0;
/// A filter state smaller than this (in 16-bit units) is set to zero at the
/// end of a sub-block, so digital silence never decays into subnormal
/// numbers (which are a hundred times slower).
const FLUSH_BELOW: f64 = 1e-15;

/// One second-order section, direct form I.
#[derive(Clone, Copy, Debug)]
struct Biquad {
    b: [f64; 3],
    /// a1, a2 (a0 = 1).
    a: [f64; 2],
}

/// The K-weighting pre-filter (high shelf, then high pass) designed for
/// `rate` by the bilinear transform, as libebur128 and `ebur128` do, so that
/// any sample rate gets the standard's response.
fn k_weighting(rate: f64) -> (Biquad, Biquad) {
    let (f0, gain_db, q) = (1681.974450955533, 3.999843853973347, 0.7071752369554196);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let vh = 10f64.powf(gain_db / 20.0);
    let vb = vh.powf(0.4996667741545416);
    let a0 = 1.0 + k / q + k * k;
    let shelf = Biquad {
        b: [
            (vh + vb * k / q + k * k) / a0,
            2.0 * (k * k - vh) / a0,
            (vh - vb * k / q + k * k) / a0,
        ],
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    };
    let (f0, q) = (38.13547087602444, 0.5003270373238773);
    let k = (std::f64::consts::PI * f0 / rate).tan();
    let a0 = 1.0 + k / q + k * k;
    let high_pass = Biquad {
        b: [1.0, -2.0, 1.0], // see `LoudnessMeter::filter`
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    };
    (shelf, high_pass)
}

/// Streaming integrated loudness of one mono channel of 16-bit samples.
pub(crate) struct LoudnessMeter {
    shelf: Biquad,
    high_pass: Biquad,
    /// Shelf input x[n-1], x[n-2]; shelf output (= high-pass input) y[n-1],
    /// y[n-2]; high-pass output z[n-1], z[n-2].
    x: [f64; 2],
    y: [f64; 2],
    z: [f64; 2],
    /// Samples in 100 ms, as `ebur128` rounds it.
    sub_len: usize,
    sub_fill: usize,
    sub_sum: f64,
    /// Sum of squares of the K-weighted signal in each complete 100 ms
    /// sub-block (36 000 per hour).
    sub_blocks: Vec<f64>,
}

impl LoudnessMeter {
    pub(crate) fn new(sample_rate: u32) -> Self {
        let (shelf, high_pass) = k_weighting(f64::from(sample_rate.max(1)));
        Self {
            shelf,
            high_pass,
            x: [0.0; 2],
            y: [0.0; 2],
            z: [0.0; 2],
            sub_len: ((sample_rate as usize + 5) / 10).max(1),
            sub_fill: 0,
            sub_sum: 0.0,
            sub_blocks: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, mut block: &[i16]) {
        while !block.is_empty() {
            let take = (self.sub_len - self.sub_fill).min(block.len());
            let (chunk, rest) = block.split_at(take);
            self.filter(chunk);
            self.sub_fill += take;
            if self.sub_fill == self.sub_len {
                self.sub_blocks.push(self.sub_sum);
                self.sub_sum = 0.0;
                self.sub_fill = 0;
                for v in self.x.iter_mut().chain(&mut self.y).chain(&mut self.z) {
                    if v.abs() < FLUSH_BELOW {
                        *v = 0.0;
                    }
                }
            }
            block = rest;
        }
    }

    /// The hot loop. Each output is written as (terms known in advance) minus
    /// (the one term on the previous output), so the loop-carried chain of
    /// each section is one multiply and one subtract and the two sections
    /// overlap; the sum of squares is a third short chain.
    fn filter(&mut self, chunk: &[i16]) {
        let (sb, sa) = (self.shelf.b, self.shelf.a);
        // The high pass's numerator is 1, -2, 1: written out, it costs no multiply.
        let ha = self.high_pass.a;
        let [mut x1, mut x2] = self.x;
        let [mut y1, mut y2] = self.y;
        let [mut z1, mut z2] = self.z;
        let mut sum = self.sub_sum;
        for &s in chunk {
            let x = f64::from(s);
            let y = (sb[0] * x + sb[1] * x1 + sb[2] * x2 - sa[1] * y2) - sa[0] * y1;
            let z = ((y - 2.0 * y1) + y2 - ha[1] * z2) - ha[0] * z1;
            sum += z * z;
            (x2, x1) = (x1, x);
            (y2, y1) = (y1, y);
            (z2, z1) = (z1, z);
        }
        self.x = [x1, x2];
        self.y = [y1, y2];
        self.z = [z1, z2];
        self.sub_sum = sum;
    }

    /// Integrated loudness in LUFS; `None` with no 400 ms block above the
    /// absolute gate (silence, or less than 400 ms of audio).
    pub(crate) fn integrated(&self) -> Option<f64> {
        // 16-bit full scale is 1.0 in BS.1770's units.
        let scale = 1.0 / (32768.0 * 32768.0 * 4.0 * self.sub_len as f64);
        let blocks: Vec<f64> = self
            .sub_blocks
            .windows(4)
            .map(|w| (w[0] + w[1] + w[2] + w[3]) * scale)
            .collect();
        let loudness = |energy: f64| LOUDNESS_OFFSET + 10.0 * energy.log10();
        let absolute = 10f64.powf((ABSOLUTE_GATE_LUFS - LOUDNESS_OFFSET) / 10.0);
        let gated = |threshold: f64| {
            let (n, total) = blocks
                .iter()
                .filter(|&&e| e > threshold)
                .fold((0usize, 0.0), |(n, t), &e| (n + 1, t + e));
            (n > 0).then(|| total / n as f64)
        };
        let relative = gated(absolute)? * 10f64.powf(RELATIVE_GATE_LU / 10.0);
        let lufs = loudness(gated(relative.max(absolute))?);
        lufs.is_finite().then_some(lufs)
    }
}

impl BlockSink for LoudnessMeter {
    fn push(&mut self, block: &[i16]) {
        LoudnessMeter::push(self, block);
    }
}

/// The loudness meter on its own thread (see `worker.rs`).
pub(crate) type LoudnessWorker = Worker<LoudnessMeter>;
