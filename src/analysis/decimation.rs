//! The pitch tracker's decimation filter (three moving averages of
//! `factor` samples, see `pitch.rs`'s `Decimator`) as a convolution with
//! its `3 * factor - 2` integer taps, evaluated only at the output samples
//! with AVX2's 16-bit multiply-adds (`vpmaddwd`): three multiply-adds of
//! 16 lanes per output instead of three dependent running sums per input
//! sample. The sums are exact in 32 bits (at most `32768 * factor³`, 2^27
//! for the largest factor taken here), so the outputs are those of the
//! running sums to the bit.
//!
//! The intrinsics come through `pulp` (its AVX2 token proves the CPU has
//! them; the crate forbids `unsafe`). Without AVX2, off x86-64, or for a
//! factor whose filter is longer than [`SPAN`] taps (rates above 64 kHz),
//! [`Convolution::new`] gives `None` and the running sums are used.
#![cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]

/// Taps of the convolution: three vectors of 16.
const SPAN: usize = 48;

/// The largest decimation factor taken: its filter has `3 * 16 - 2 = 46`
/// taps, within [`SPAN`].
const MAX_FACTOR: usize = 16;

/// The filter's taps, oldest sample first, for `factor` (at most
/// [`MAX_FACTOR`]): `SPAN` weights for the samples `n - SPAN + 1 ..= n`
/// of an output at sample `n`, the impulse response (three boxes of
/// `factor` ones convolved) reversed and zero before it starts.
fn taps(factor: usize) -> [i16; SPAN] {
    let mut kernel = vec![1i32];
    for _ in 0..3 {
        let mut next = vec![0i32; kernel.len() + factor - 1];
        for (i, &k) in kernel.iter().enumerate() {
            next[i..i + factor].iter_mut().for_each(|n| *n += k);
        }
        kernel = next;
    }
    let mut taps = [0i16; SPAN];
    for (i, &k) in kernel.iter().enumerate() {
        // At most 3 * 16² / 4 = 192.
        taps[SPAN - 1 - i] = k as i16;
    }
    taps
}

#[cfg(target_arch = "x86_64")]
pub(super) use avx2::Convolution;

#[cfg(not(target_arch = "x86_64"))]
pub(super) use none::Convolution;

#[cfg(target_arch = "x86_64")]
mod avx2 {
    use super::{taps, MAX_FACTOR, SPAN};
    use pulp::x86::V3;
    use std::arch::x86_64::__m256i;

    /// The decimation filter by multiply-adds, streaming: blocks of any
    /// size give the same outputs.
    pub(in crate::analysis) struct Convolution {
        simd: V3,
        factor: u64,
        /// [`taps`] in three vectors of 16.
        taps: [[i16; 16]; 3],
        /// The `SPAN - 1` input samples before the next block (zeros
        /// before the recording: the filter starts from rest).
        history: [i16; SPAN - 1],
        /// Input samples pushed so far.
        pushed: u64,
        /// The input sample of the next output.
        next: u64,
    }

    impl Convolution {
        /// The filter for `factor`, where AVX2 is there and the filter fits;
        /// its first output is at input sample `first`.
        pub(in crate::analysis) fn new(factor: usize, first: u64) -> Option<Self> {
            if !(2..=MAX_FACTOR).contains(&factor) {
                return None;
            }
            let simd = V3::try_new()?;
            let all = taps(factor);
            let mut split = [[0i16; 16]; 3];
            for (part, chunk) in split.iter_mut().zip(all.chunks_exact(16)) {
                part.copy_from_slice(chunk);
            }
            Some(Self {
                simd,
                factor: factor as u64,
                taps: split,
                history: [0; SPAN - 1],
                pushed: 0,
                next: first,
            })
        }

        /// Filter `block`, appending each output it completes, times
        /// `scale`, to `out`.
        pub(in crate::analysis) fn push(&mut self, block: &[i16], out: &mut Vec<f32>, scale: f64) {
            let simd = self.simd;
            simd.vectorize(
                #[inline(always)]
                || self.push_inline(block, out, scale),
            );
        }

        #[inline(always)]
        fn push_inline(&mut self, block: &[i16], out: &mut Vec<f32>, scale: f64) {
            let pos = self.pushed;
            let end = pos + block.len() as u64;
            let back = SPAN as u64 - 1;
            let put = |v: i32, out: &mut Vec<f32>| out.push((f64::from(v) * scale) as f32);
            // Outputs reaching back before the block: from the history and
            // the block's first samples.
            if self.next < end && self.next < pos + back {
                let mut joined = [0i16; 2 * SPAN - 2];
                joined[..SPAN - 1].copy_from_slice(&self.history);
                let k = block.len().min(SPAN - 1);
                joined[SPAN - 1..SPAN - 1 + k].copy_from_slice(&block[..k]);
                while self.next < end && self.next < pos + back {
                    // joined[i] is input sample pos - back + i.
                    let at = (self.next - pos) as usize;
                    put(self.at(&joined[at..at + SPAN]), out);
                    self.next += self.factor;
                }
            }
            // Eight outputs at a time: their sums reduce together, and
            // convert to floats in vectors (the same operations, rounded
            // the same way, as one at a time).
            let step = self.factor as usize;
            while self.next + 7 * self.factor < end {
                let at = (self.next - back - pos) as usize;
                let eight = self.eight(|j| &block[at + j * step..at + j * step + SPAN], scale);
                out.extend_from_slice(&eight);
                self.next += 8 * self.factor;
            }
            while self.next < end {
                let at = (self.next - back - pos) as usize;
                put(self.at(&block[at..at + SPAN]), out);
                self.next += self.factor;
            }
            if block.len() >= SPAN - 1 {
                self.history
                    .copy_from_slice(&block[block.len() - (SPAN - 1)..]);
            } else {
                self.history.rotate_left(block.len());
                self.history[SPAN - 1 - block.len()..].copy_from_slice(block);
            }
            self.pushed = end;
        }

        /// The filter over `window` (`SPAN` samples, the output's last).
        #[inline(always)]
        fn at(&self, window: &[i16]) -> i32 {
            let lanes: [i32; 8] = pulp::cast(self.lanes(window));
            lanes.iter().sum()
        }

        /// The filter over `window` in eight partial sums (which add up
        /// exactly, in any order).
        #[inline(always)]
        fn lanes(&self, window: &[i16]) -> __m256i {
            let avx2 = self.simd.avx2;
            let part = |i: usize| {
                let x: [i16; 16] = window[16 * i..16 * (i + 1)].try_into().unwrap_or([0; 16]);
                avx2._mm256_madd_epi16(pulp::cast(x), pulp::cast(self.taps[i]))
            };
            avx2._mm256_add_epi32(avx2._mm256_add_epi32(part(0), part(1)), part(2))
        }

        /// The filter over eight windows (`window(j)` for j in 0..8), each
        /// times `scale`: the partial sums of all eight are reduced in one
        /// tree of horizontal adds.
        #[inline(always)]
        fn eight<'w>(&self, window: impl Fn(usize) -> &'w [i16], scale: f64) -> [f32; 8] {
            let (avx, avx2) = (self.simd.avx, self.simd.avx2);
            // Written out: a call through `array::from_fn` would not be
            // compiled with AVX2, and the intrinsics would not inline.
            let w = |j| self.lanes(window(j));
            let s: [__m256i; 8] = [w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7)];
            let h = |a, b| avx2._mm256_hadd_epi32(a, b);
            // Per 128-bit half: [s0, s1, s2, s3] and [s4, s5, s6, s7].
            let low = h(h(s[0], s[1]), h(s[2], s[3]));
            let high = h(h(s[4], s[5]), h(s[6], s[7]));
            let sums = avx2._mm256_add_epi32(
                avx2._mm256_permute2x128_si256::<0x20>(low, high),
                avx2._mm256_permute2x128_si256::<0x31>(low, high),
            );
            let scale = avx._mm256_set1_pd(scale);
            let half = |v| avx._mm256_cvtpd_ps(avx._mm256_mul_pd(avx._mm256_cvtepi32_pd(v), scale));
            let first: [f32; 4] = pulp::cast(half(avx._mm256_castsi256_si128(sums)));
            let second: [f32; 4] = pulp::cast(half(avx2._mm256_extracti128_si256::<1>(sums)));
            let [a, b, c, d] = first;
            let [e, f, g, h] = second;
            [a, b, c, d, e, f, g, h]
        }
    }
}

#[cfg(not(target_arch = "x86_64"))]
mod none {
    /// No multiply-add path off x86-64: never made.
    pub(in crate::analysis) enum Convolution {}

    impl Convolution {
        pub(in crate::analysis) fn new(_factor: usize, _first: u64) -> Option<Self> {
            None
        }

        pub(in crate::analysis) fn push(&mut self, _: &[i16], _: &mut Vec<f32>, _: f64) {
            match *self {}
        }
    }
}
