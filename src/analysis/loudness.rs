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
//! gates) arranged for the CPU: the two biquads' numerators and poles are
//! applied in the order with the fewest operations (the high pass's
//! numerator as an integer second difference; see `filter`), the poles run
//! as separate short chains, eight stretches of the signal are filtered
//! side by side (each settled from rest beforehand, which is exact: see
//! `SETTLE_SECONDS`), and each sample is squared and summed once, into its
//! 100 ms sub-block. The
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
/// A filter state smaller than this (in 16-bit units) is set to zero after
/// each tile of steps, so digital silence never decays into subnormal
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
        b: [1.0, -2.0, 1.0], // see `filter`
        a: [2.0 * (k * k - 1.0) / a0, (1.0 - k / q + k * k) / a0],
    };
    (shelf, high_pass)
}

/// Stretches of the signal filtered side by side, one per lane of the
/// inner loop: the filter's recursion is a chain of dependent operations,
/// but the lanes' chains are independent, so they fill the CPU's vector
/// units and pipelines instead of waiting on each other.
const LANES: usize = 8;
/// Lanes filtered at a time (see [`filter`]).
const HALF: usize = 4;
/// Sub-blocks (100 ms) per lane in a full batch: 1.6 s per lane, 12.8 s
/// of audio (1.2 MB at 48 kHz) buffered per batch.
const BATCH_SUBS_PER_LANE: usize = 16;
/// Each lane starts from rest this long before its stretch. The slowest
/// part of K-weighting is the 38 Hz high pass (Q 0.5: a double pole), so
/// the difference between the true state and rest decays as
/// `t·ω·e^(-ω·t)` with ω = 2π·38 Hz: after 0.2 s that is below 1e-19 of
/// the starting state, far under the rounding of the sums, at any sample
/// rate. So every stretch is filtered exactly as one long chain would.
const SETTLE_SECONDS: f64 = 0.2;
/// Steps whose inputs are laid out lane by lane at a time (6 KB).
const TILE: usize = 384;

/// The filter state of `N` lanes (see [`filter`]): input x[n-1], x[n-2];
/// its second difference d[n-1], d[n-2]; shelf output y[n-1], y[n-2];
/// high-pass output z[n-1], z[n-2].
#[derive(Clone, Copy)]
struct State<const N: usize> {
    x: [[i32; N]; 2],
    d: [[f64; N]; 2],
    y: [[f64; N]; 2],
    z: [[f64; N]; 2],
}

impl<const N: usize> State<N> {
    fn rest() -> Self {
        Self {
            x: [[0; N]; 2],
            d: [[0.0; N]; 2],
            y: [[0.0; N]; 2],
            z: [[0.0; N]; 2],
        }
    }

    /// Lanes `first..first + K` as a state of their own.
    fn lanes<const K: usize>(&self, first: usize) -> State<K> {
        let part = |v: &[f64; N]| -> [f64; K] { std::array::from_fn(|l| v[first + l]) };
        let ints = |v: &[i32; N]| -> [i32; K] { std::array::from_fn(|l| v[first + l]) };
        State {
            x: [ints(&self.x[0]), ints(&self.x[1])],
            d: [part(&self.d[0]), part(&self.d[1])],
            y: [part(&self.y[0]), part(&self.y[1])],
            z: [part(&self.z[0]), part(&self.z[1])],
        }
    }

    /// Put back what [`State::lanes`] took out.
    fn set_lanes<const K: usize>(&mut self, first: usize, part: &State<K>) {
        for i in 0..2 {
            self.x[i][first..first + K].copy_from_slice(&part.x[i]);
            self.d[i][first..first + K].copy_from_slice(&part.d[i]);
            self.y[i][first..first + K].copy_from_slice(&part.y[i]);
            self.z[i][first..first + K].copy_from_slice(&part.z[i]);
        }
    }

    /// Digital silence must never decay into subnormal numbers.
    fn flush(&mut self) {
        for lanes in self.d.iter_mut().chain(&mut self.y).chain(&mut self.z) {
            for v in lanes {
                if v.abs() < FLUSH_BELOW {
                    *v = 0.0;
                }
            }
        }
    }
}

/// Streaming integrated loudness of one mono channel of 16-bit samples.
/// Samples are buffered and filtered in batches of `LANES` stretches side
/// by side (see `SETTLE_SECONDS` for why that is exact).
pub(crate) struct LoudnessMeter {
    shelf: Biquad,
    high_pass: Biquad,
    /// Samples in 100 ms, as `ebur128` rounds it.
    sub_len: usize,
    /// Samples of `SETTLE_SECONDS`.
    settle: usize,
    /// The `settle` samples before the first one not yet filtered (zeros
    /// at the start: the filter starts from rest), then those not yet
    /// filtered.
    buf: Vec<i16>,
    /// The inputs of one tile, lane by lane.
    tile: Vec<[i16; LANES]>,
    /// The CPU's vector instructions, detected once.
    simd: pulp::Arch,
    transpose: Option<Transpose>,
    /// Sum of squares of the K-weighted signal divided by the shelf's b0
    /// (see [`filter`]) in each complete 100 ms sub-block (36 000 per hour).
    sub_blocks: Vec<f64>,
}

impl LoudnessMeter {
    pub(crate) fn new(sample_rate: u32) -> Self {
        let rate = f64::from(sample_rate.max(1));
        let (shelf, high_pass) = k_weighting(rate);
        let settle = ((rate * SETTLE_SECONDS).ceil() as usize).max(1);
        Self {
            shelf,
            high_pass,
            sub_len: ((sample_rate as usize + 5) / 10).max(1),
            settle,
            buf: vec![0; settle],
            tile: vec![[0; LANES]; TILE],
            simd: pulp::Arch::new(),
            transpose: Transpose::new(),
            sub_blocks: Vec::new(),
        }
    }

    pub(crate) fn push(&mut self, block: &[i16]) {
        self.buf.extend_from_slice(block);
        let batch = LANES * BATCH_SUBS_PER_LANE;
        while self.buf.len() - self.settle >= batch * self.sub_len {
            self.filter_batch(batch);
        }
    }

    /// Filter the next `subs` complete sub-blocks: lane `l` takes the
    /// `l`-th share of them, starting from rest `settle` samples earlier.
    fn filter_batch(&mut self, subs: usize) {
        let (sub_len, settle) = (self.sub_len, self.settle);
        let per_lane = subs.div_ceil(LANES);
        let stretch = per_lane * sub_len;
        let steps = settle + stretch;
        let mut state = State::<LANES>::rest();
        let mut sums: Vec<[f64; LANES]> = Vec::with_capacity(per_lane);
        let mut sum = [0.0; LANES];
        let mut tile = std::mem::take(&mut self.tile);
        let mut p = 0;
        while p < steps {
            // Tiles end where settling ends and where sub-blocks end.
            let mut end = (p + TILE).min(steps);
            if p < settle {
                end = end.min(settle);
            } else {
                end = end.min(p + sub_len - (p - settle) % sub_len);
            }
            let rows = &mut tile[..end - p];
            // The last lane may run past the samples: it reads silence, and
            // its sums there are not kept.
            let lanes: [&[i16]; LANES] = std::array::from_fn(|l| {
                let from = (l * stretch + p).min(self.buf.len());
                let to = (l * stretch + end).min(self.buf.len());
                &self.buf[from..to]
            });
            let mut discard = [0.0; LANES];
            // With AVX2 where the CPU has it (detected at run time): four
            // lanes per instruction instead of two.
            self.simd.dispatch(Tile {
                shelf: self.shelf,
                high_pass: self.high_pass,
                state: &mut state,
                lanes,
                transpose: self.transpose,
                rows,
                sum: if p < settle { &mut discard } else { &mut sum },
            });
            state.flush();
            p = end;
            if p > settle && (p - settle) % sub_len == 0 {
                sums.push(sum);
                sum = [0.0; LANES];
            }
        }
        self.tile = tile;
        for l in 0..LANES {
            let kept = subs.saturating_sub(l * per_lane).min(per_lane);
            self.sub_blocks.extend(sums[..kept].iter().map(|s| s[l]));
        }
        // Keep the `settle` samples before the next unfiltered one.
        self.buf.drain(..subs * sub_len);
    }

    /// Integrated loudness in LUFS; `None` with no 400 ms block above the
    /// absolute gate (silence, or less than 400 ms of audio).
    pub(crate) fn integrated(mut self) -> Option<f64> {
        // The complete sub-blocks still buffered; a last partial one is
        // not measured, as in `ebur128`.
        let subs = (self.buf.len() - self.settle) / self.sub_len;
        if subs > 0 {
            self.filter_batch(subs);
        }
        // 16-bit full scale is 1.0 in BS.1770's units; the sums are of
        // the signal divided by the shelf's b0 (see `filter`).
        let b0 = self.shelf.b[0];
        let scale = b0 * b0 / (32768.0 * 32768.0 * 4.0 * self.sub_len as f64);
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

/// The hot loop, for `N` lanes side by side. K-weighting is two biquads,
/// the high pass's numerator 1, -2, 1; since the sections are linear and
/// time-invariant, their numerators and denominators may be applied in
/// any order, and this is the order with the fewest floating-point
/// operations (14 a sample, against 18 for the two biquads as written):
///
/// 1. the high pass's numerator, a second difference of the 16-bit
///    input, in integers (exact);
/// 2. the shelf's numerator divided by its b0, so its first tap is 1 and
///    costs no multiply (the output is the K-weighted signal divided by
///    b0, so the sums are too: [`LoudnessMeter::integrated`] multiplies
///    them by b0² once);
/// 3. the shelf's poles, then the high pass's, each written as (terms
///    known in advance) minus (the one term on the previous output), so
///    the loop-carried chain of each is one multiply and one subtract
///    and the two overlap; the sum of squares is a third short chain.
///
/// The sums differ from those of the two biquads in the order of rounding
/// only (about 1e-13 relative; the integrated loudness in its 13th digit).
///
/// The lanes are filtered `N` at a time from `first` on (four with AVX2:
/// one vector of f64): the states, sums and coefficients of eight lanes at
/// once needed more than the 16 vector registers, and the spills (the sums
/// among them, through memory) set the pace.
#[inline(always)]
fn filter<const N: usize, const M: usize>(
    shelf: Biquad,
    high_pass: Biquad,
    state: &mut State<N>,
    rows: &[[i16; M]],
    first: usize,
    sum: &mut [f64; N],
) {
    let [b0, b1, b2] = shelf.b;
    let (f1, f2) = (b1 / b0, b2 / b0);
    let (sa, ha) = (shelf.a, high_pass.a);
    let State {
        x: [mut x1, mut x2],
        d: [mut d1, mut d2],
        y: [mut y1, mut y2],
        z: [mut z1, mut z2],
    } = *state;
    let mut total = *sum;
    for row in rows {
        let mut x = [0i32; N];
        let mut d = [0.0; N];
        let mut y = [0.0; N];
        let mut z = [0.0; N];
        for l in 0..N {
            x[l] = i32::from(row[first + l]);
            // At most 4 × 32768 in magnitude: exact in 32 bits.
            d[l] = f64::from(x[l] - 2 * x1[l] + x2[l]);
            let u = (d[l] + f1 * d1[l]) + f2 * d2[l];
            y[l] = (u - sa[1] * y2[l]) - sa[0] * y1[l];
            z[l] = (y[l] - ha[1] * z2[l]) - ha[0] * z1[l];
            total[l] += z[l] * z[l];
        }
        (x2, x1) = (x1, x);
        (d2, d1) = (d1, d);
        (y2, y1) = (y1, y);
        (z2, z1) = (z1, z);
    }
    *sum = total;
    *state = State {
        x: [x1, x2],
        d: [d1, d2],
        y: [y1, y2],
        z: [z1, z2],
    };
}

/// Lay the lanes' samples out step by step (`rows[t][l]` is sample `t`
/// of lane `l`; a lane shorter than `rows` is padded with silence). With
/// SSE2 through `transpose`, eight steps at a time as an 8 × 8 transpose
/// in registers; one sample at a time, lane after lane, it was a 2-byte
/// store per sample, a fifth of the meter's time.
#[inline(always)]
fn gather(rows: &mut [[i16; LANES]], lanes: [&[i16]; LANES], transpose: Option<Transpose>) {
    let n = rows.len();
    let whole = match transpose {
        Some(transpose) if lanes.iter().all(|lane| lane.len() >= n) => {
            let whole = n / 8 * 8;
            for (t, out) in rows[..whole].chunks_exact_mut(8).enumerate() {
                let mut block = [[0i16; 8]; LANES];
                for (b, lane) in block.iter_mut().zip(&lanes) {
                    b.copy_from_slice(&lane[t * 8..t * 8 + 8]);
                }
                out.copy_from_slice(&transpose.run(&block));
            }
            whole
        }
        _ => 0,
    };
    for (l, lane) in lanes.iter().enumerate() {
        let (have, past) = rows.split_at_mut(lane.len().clamp(whole, n));
        for (row, &s) in have[whole..].iter_mut().zip(&lane[whole..]) {
            row[l] = s;
        }
        past.iter_mut().for_each(|row| row[l] = 0);
    }
}

#[cfg(target_arch = "x86_64")]
use transpose::Transpose;

#[cfg(not(target_arch = "x86_64"))]
use no_transpose::Transpose;

#[cfg(target_arch = "x86_64")]
mod transpose {
    use pulp::x86::V3;

    /// An 8 × 8 transpose of 16-bit values by SSE2 unpacks (three rounds
    /// of eight), through `pulp`'s safe intrinsics, where the CPU has
    /// AVX2 (the meter's filter runs there too).
    #[derive(Clone, Copy)]
    pub(super) struct Transpose(V3);

    impl Transpose {
        pub(super) fn new() -> Option<Self> {
            V3::try_new().map(Self)
        }

        /// `out[t][l]` is `rows[l][t]`.
        #[inline(always)]
        pub(super) fn run(self, rows: &[[i16; 8]; 8]) -> [[i16; 8]; 8] {
            let sse2 = self.0.sse2;
            let r = |i: usize| pulp::cast(rows[i]);
            let (lo16, hi16) = (
                |a, b| sse2._mm_unpacklo_epi16(a, b),
                |a, b| sse2._mm_unpackhi_epi16(a, b),
            );
            let (lo32, hi32) = (
                |a, b| sse2._mm_unpacklo_epi32(a, b),
                |a, b| sse2._mm_unpackhi_epi32(a, b),
            );
            let (lo64, hi64) = (
                |a, b| sse2._mm_unpacklo_epi64(a, b),
                |a, b| sse2._mm_unpackhi_epi64(a, b),
            );
            // Pairs of rows interleaved: a0 = r0[0] r1[0] r0[1] r1[1] ...
            let (a0, a1) = (lo16(r(0), r(1)), hi16(r(0), r(1)));
            let (a2, a3) = (lo16(r(2), r(3)), hi16(r(2), r(3)));
            let (a4, a5) = (lo16(r(4), r(5)), hi16(r(4), r(5)));
            let (a6, a7) = (lo16(r(6), r(7)), hi16(r(6), r(7)));
            // Quads: b0 = r0..r3 [0], r0..r3 [1]; b1 columns 2, 3; ...
            let (b0, b1) = (lo32(a0, a2), hi32(a0, a2));
            let (b2, b3) = (lo32(a1, a3), hi32(a1, a3));
            let (b4, b5) = (lo32(a4, a6), hi32(a4, a6));
            let (b6, b7) = (lo32(a5, a7), hi32(a5, a7));
            // Whole columns.
            let c = [
                lo64(b0, b4),
                hi64(b0, b4),
                lo64(b1, b5),
                hi64(b1, b5),
                lo64(b2, b6),
                hi64(b2, b6),
                lo64(b3, b7),
                hi64(b3, b7),
            ];
            let [c0, c1, c2, c3, c4, c5, c6, c7] = c;
            [
                pulp::cast(c0),
                pulp::cast(c1),
                pulp::cast(c2),
                pulp::cast(c3),
                pulp::cast(c4),
                pulp::cast(c5),
                pulp::cast(c6),
                pulp::cast(c7),
            ]
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod no_transpose {
    /// No vector transpose off x86-64: never made.
    #[derive(Clone, Copy)]
    pub(super) enum Transpose {}

    impl Transpose {
        pub(super) fn new() -> Option<Self> {
            None
        }

        pub(super) fn run(self, _: &[[i16; 8]; 8]) -> [[i16; 8]; 8] {
            match self {}
        }
    }
}

/// One tile's filtering, as an operation for `pulp` to compile for each
/// instruction set (a closure would not be inlined into it).
struct Tile<'a> {
    shelf: Biquad,
    high_pass: Biquad,
    state: &'a mut State<LANES>,
    /// The tile's samples of each lane, laid out into `rows` first.
    lanes: [&'a [i16]; LANES],
    transpose: Option<Transpose>,
    rows: &'a mut [[i16; LANES]],
    sum: &'a mut [f64; LANES],
}

impl pulp::WithSimd for Tile<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        gather(self.rows, self.lanes, self.transpose);
        // Four lanes at a time (see `filter`).
        for first in (0..LANES).step_by(HALF) {
            let mut state = self.state.lanes::<HALF>(first);
            let mut sum = [0.0; HALF];
            sum.copy_from_slice(&self.sum[first..first + HALF]);
            filter(
                self.shelf,
                self.high_pass,
                &mut state,
                self.rows,
                first,
                &mut sum,
            );
            self.state.set_lanes(first, &state);
            self.sum[first..first + HALF].copy_from_slice(&sum);
        }
    }
}

impl BlockSink for LoudnessMeter {
    fn push(&mut self, block: &[i16]) {
        LoudnessMeter::push(self, block);
    }
}

/// The loudness meter on its own thread (see `worker.rs`).
pub(crate) type LoudnessWorker = Worker<LoudnessMeter>;

#[cfg(test)]
mod tests {
    use super::*;

    /// Speech-like test signal: a buzz with a slow swell, some noise,
    /// a stretch of digital silence.
    fn signal(len: usize, rate: u32) -> Vec<i16> {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        (0..len)
            .map(|i| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let t = i as f64 / f64::from(rate);
                if (t % 5.0) > 4.0 {
                    return 0;
                }
                let noise = (seed >> 40) as f64 / (1u64 << 24) as f64 - 0.5;
                let buzz = (2.0 * std::f64::consts::PI * 140.0 * t).sin()
                    + 0.5 * (2.0 * std::f64::consts::PI * 2900.0 * t).sin();
                (8000.0 * (1.3 + (t * 3.0).sin()) * buzz + 300.0 * noise) as i16
            })
            .collect()
    }

    /// The sub-block sums of one chain over the whole signal, from rest.
    fn one_chain(meter: &LoudnessMeter, samples: &[i16]) -> Vec<f64> {
        let mut state = State::<1>::rest();
        samples
            .chunks_exact(meter.sub_len)
            .map(|c| {
                let rows: Vec<[i16; 1]> = c.iter().map(|&s| [s]).collect();
                let mut sum = [0.0];
                filter(meter.shelf, meter.high_pass, &mut state, &rows, 0, &mut sum);
                state.flush();
                sum[0]
            })
            .collect()
    }

    #[test]
    fn lanes_side_by_side_measure_what_one_chain_measures() {
        for rate in [8000, 44_100, 48_000] {
            // Shorter than a batch, one batch and a partial one, several.
            for seconds in [0.35, 3.0, 20.05, 40.0] {
                let samples = signal((seconds * f64::from(rate)) as usize, rate);
                let mut meter = LoudnessMeter::new(rate);
                for block in samples.chunks(7919) {
                    meter.push(block);
                }
                let truth = one_chain(&meter, &samples);
                let subs = meter.sub_len;
                let subs_left = (meter.buf.len() - meter.settle) / subs;
                meter.filter_batch(subs_left);
                assert_eq!(
                    meter.sub_blocks.len(),
                    truth.len(),
                    "{rate} Hz, {seconds} s"
                );
                for (k, (a, b)) in meter.sub_blocks.iter().zip(&truth).enumerate() {
                    assert!(
                        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
                        "{rate} Hz, {seconds} s, sub-block {k}: {a} vs {b}"
                    );
                }
            }
        }
    }
}
