//! Pitch (F0) tracking after Boersma (1993), "Accurate short-term analysis
//! of the fundamental frequency and the harmonics-to-noise ratio of a
//! sampled sound" — the method of Praat's `To Pitch (ac)`:
//!
//! 1. every 10 ms (the analyzer's frames), a window of three periods of the
//!    pitch floor is cut out, its mean removed, Hann-windowed, and its
//!    autocorrelation divided by the autocorrelation of the window itself
//!    (which undoes the window's taper, so a periodic signal scores near 1);
//! 2. the local maxima between the lags of the ceiling and the floor are the
//!    voiced candidates (located by windowed-sinc interpolation), with
//!    Praat's octave cost favouring the higher of equally strong
//!    candidates, weighted by the low band's share of the power; each frame
//!    also has an unvoiced candidate, strong when the frame is quiet
//!    relative to the loudest point of the recording (silence threshold)
//!    or when no candidate reaches the voicing threshold;
//! 3. at the end a Viterbi path through the candidates, with Praat's costs
//!    for octave jumps and voiced/unvoiced switches, picks one candidate
//!    per frame: this is what keeps the track from jumping an octave.
//!
//! Speed: the signal is low-passed and decimated to about 4 kHz (plenty for
//! a 600 Hz ceiling) before anything else, by integer running sums (three
//! additions a sample) or, with AVX2, the same filter by 16-bit
//! multiply-adds at the outputs only (`decimation.rs`); frames are correlated two at a time through one
//! complex FFT and its inverse; frames far too quiet to be voiced whatever comes later are
//! not correlated at all; and the tracker runs on a thread of its own
//! (`worker.rs`). Memory is one compact record per 10 ms frame (28 bytes,
//! about 10 MB per hour) and the decimated samples of the current block.

/// Rate the signal is averaged down to before tracking.
const TARGET_RATE: f64 = 4000.0;
/// The longest analysis window (decimated samples: 256 ms at 4 kHz).
const MAX_WINDOW: usize = 1024;
/// Voiced candidates kept per frame (Praat keeps 15; the path rarely needs
/// more than the best few).
const CANDIDATES: usize = 4;
/// Praat's defaults for `To Pitch (ac)`.
const PERIODS_PER_WINDOW: f64 = 3.0;
const SILENCE_THRESHOLD: f32 = 0.03;
const VOICING_THRESHOLD: f32 = 0.45;
const OCTAVE_COST: f32 = 0.01;
const OCTAVE_JUMP_COST: f32 = 0.35;
const VOICED_UNVOICED_COST: f32 = 0.14;
/// A frame whose peak is below this fraction of the loudest peak so far is
/// left unvoiced without correlating it: its unvoiced candidate would score
/// at least 1.31 (see `unvoiced_strength`), more than any voiced one (at
/// most about 1.03) plus two voiced/unvoiced switches (0.28), so the path
/// could never go through a voiced candidate there. The final loudest peak
/// is only higher, which makes the frame only quieter relative to it.
const SKIP_BELOW_PEAK: f32 = 0.02;

/// The F0 of every frame of a recording, for drawing the contour.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PitchTrack {
    /// Spacing of the frames (10 ms, rounded to whole samples).
    pub frame_seconds: f64,
    /// F0 in Hz of each frame, 0.0 where unvoiced or silent.
    pub hz: Vec<f32>,
}

/// Pitch floor and ceiling of the tracker, in Hz.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct PitchRange {
    pub floor_hz: f64,
    pub ceiling_hz: f64,
}

/// One voiced candidate: frequency in 1/16 Hz, correlation in 1/32767.
#[derive(Clone, Copy, Debug, Default)]
struct Candidate {
    freq: u16,
    r: i16,
}

impl Candidate {
    fn hz(self) -> f32 {
        f32::from(self.freq) / 16.0
    }

    /// Its strength is the correlation plus Praat's octave cost term
    /// (see [`OctaveTerms`]), which favours the higher of two equal
    /// candidates (a periodic signal correlates as well at twice its period).
    fn correlation(self) -> f32 {
        f32::from(self.r) / 32767.0
    }

    fn octave_term(self, floor_hz: f32) -> f32 {
        OCTAVE_COST * (self.hz() / floor_hz).log2()
    }
}

/// [`Candidate::octave_term`] of every frequency a candidate can have (a
/// few thousand steps of 1/16 Hz between floor and ceiling), computed once
/// for the tracker instead of once per candidate (a logarithm each; the
/// path's pass runs after the threads, in wall time). The same arithmetic,
/// so the same values.
struct OctaveTerms {
    first: u16,
    terms: Vec<f32>,
}

impl OctaveTerms {
    fn new(floor_hz: f32, ceiling_hz: f32) -> Self {
        let step = |hz: f32| (hz * 16.0).round().clamp(0.0, f32::from(u16::MAX)) as u16;
        let (first, last) = (step(floor_hz), step(ceiling_hz));
        let terms = (first..=last)
            .map(|freq| Candidate { freq, r: 0 }.octave_term(floor_hz))
            .collect();
        Self { first, terms }
    }

    fn of(&self, c: Candidate, floor_hz: f32) -> f32 {
        c.freq
            .checked_sub(self.first)
            .and_then(|i| self.terms.get(usize::from(i)).copied())
            .unwrap_or_else(|| c.octave_term(floor_hz))
    }
}

/// What is kept of one 10 ms frame until the path is chosen.
#[derive(Clone, Copy, Debug, Default)]
struct Frame {
    /// Highest magnitude in the window, mean removed (decimated units).
    local_peak: f32,
    /// Mean power in the window after the low-pass (16-bit units squared;
    /// 0 in a frame too quiet to be correlated).
    low_power: f32,
    count: u8,
    candidates: [Candidate; CANDIDATES],
}

/// Streaming F0 tracker: [`PitchTracker::push`] the same blocks as the
/// analyzer, [`PitchTracker::finish`] gives one value per 10 ms frame.
pub(crate) struct PitchTracker {
    factor: usize,
    rate: f64,
    /// Input samples per output frame (the analyzer's 10 ms).
    frame_len: u64,
    decimator: Decimator,
    /// Decimated samples from `base` on: those of the windows not yet
    /// analysed (a window is a slice of it, not a copy).
    history: Vec<f32>,
    /// Decimated samples before `history[0]`.
    base: u64,
    /// Where the next frame's window ends (decimated samples needed to
    /// analyse it).
    window_end: u64,
    min_lag: usize,
    max_lag: usize,
    window: Vec<f32>,
    /// Autocorrelation of the window, normalised to 1 at lag 0.
    window_ac: Vec<f32>,
    floor_hz: f32,
    ceiling_hz: f32,
    frames: Vec<Frame>,
    /// Highest magnitude so far (decimated units).
    peak: f32,
    correlator: Correlator,
    /// The frame loaded into the correlator, waiting for a second one.
    pending: Option<usize>,
    r: Vec<f32>,
    sinc: SincTable,
    /// The current frame's voiced candidates with their strengths.
    found: Vec<(f32, Candidate)>,
    /// The CPU's vector instructions (AVX2 where it has them), detected once.
    simd: pulp::Arch,
    octave: OctaveTerms,
    /// The track, once [`PitchTracker::solve`] has run.
    track: Vec<f32>,
}

impl PitchTracker {
    pub(crate) fn new(sample_rate: u32, frame_len: usize, range: PitchRange) -> Self {
        let factor = ((sample_rate as f64 / TARGET_RATE).round() as usize).clamp(1, MAX_FACTOR);
        let rate = sample_rate as f64 / factor as f64;
        let ceiling = range.ceiling_hz.min(rate / 2.0).max(1.0);
        let floor = range.floor_hz.clamp(1.0, ceiling);
        let min_lag = ((rate / ceiling).floor() as usize).max(2);
        let size = ((PERIODS_PER_WINDOW * rate / floor).round() as usize)
            .clamp(8, MAX_WINDOW)
            .max(min_lag + 4);
        // Lags beyond a third of the window are too poorly estimated (the
        // window autocorrelation falls towards zero), as in Praat.
        let max_lag = ((rate / floor).ceil() as usize)
            .min(size / 2)
            .max(min_lag + 2);
        let window: Vec<f32> = (0..size)
            .map(|i| {
                let x = (i as f64 + 0.5) / size as f64;
                (0.5 - 0.5 * (2.0 * std::f64::consts::PI * x).cos()) as f32
            })
            .collect();
        let w0 = dot(&window, &window);
        // Lags up to the interpolation's reach past the floor's, but never
        // the whole window (at absurd rates the window is tiny).
        let lags = (max_lag + SINC_DEPTH + 1).min(size);
        let window_ac = (0..lags)
            .map(|tau| dot(&window[..size - tau], &window[tau..]) / w0)
            .collect();
        let mut tracker = Self {
            factor,
            rate,
            frame_len: frame_len.max(1) as u64,
            decimator: Decimator::new(factor),
            history: Vec::new(),
            base: 0,
            window_end: 0,
            min_lag,
            max_lag,
            window,
            window_ac,
            floor_hz: floor as f32,
            ceiling_hz: ceiling as f32,
            frames: Vec::new(),
            peak: 0.0,
            correlator: Correlator::new(size + lags, lags),
            pending: None,
            r: vec![0.0; lags],
            sinc: SincTable::new(),
            found: Vec::new(),
            simd: pulp::Arch::new(),
            octave: OctaveTerms::new(floor as f32, ceiling as f32),
            track: Vec::new(),
        };
        tracker.window_end = tracker.window_start(0) + size as u64;
        tracker
    }

    pub(crate) fn push(&mut self, block: &[i16]) {
        let simd = self.simd;
        simd.dispatch(Push {
            tracker: self,
            block,
        });
    }

    /// [`PitchTracker::push`], compiled for the CPU's vector instructions
    /// (see [`Push`]).
    #[inline(always)]
    fn push_inline(&mut self, block: &[i16]) {
        self.decimator.push(block, &mut self.history);
        // Analyse every frame whose window is now complete, in order.
        let written = self.base + self.history.len() as u64;
        while written >= self.window_end {
            self.analyse(self.window_end - self.window.len() as u64);
            self.window_end =
                self.window_start(self.frames.len() as u64) + self.window.len() as u64;
        }
        // Keep only what the next windows need (windows only move on).
        let next = self.window_end - self.window.len() as u64;
        let done = (next.saturating_sub(self.base) as usize).min(self.history.len());
        self.history.drain(..done);
        self.base += done as u64;
    }

    /// First decimated sample of the window centred on frame `k`; the
    /// first frames' windows start at sample 0 instead of before it.
    fn window_start(&self, k: u64) -> u64 {
        let center = (2 * k + 1) * self.frame_len / (2 * self.factor as u64);
        center.saturating_sub(self.window.len() as u64 / 2)
    }

    /// Measure the next frame, whose window starts at decimated sample
    /// `start`: its peak and low-band power now; its correlation once a
    /// second frame to be correlated has come (see [`Correlator`]).
    #[inline(always)]
    fn analyse(&mut self, start: u64) {
        let n = self.window.len();
        let at = (start - self.base) as usize;
        let seg = &self.history[at..at + n];
        let mean = lane_sum(seg) / n as f32;
        let slot = match self.pending {
            None => 0,
            Some(_) => 1,
        };
        // Loaded before it is known whether the frame is correlated at all:
        // the same pass gives its peak. A frame left out is overwritten by
        // the next one loaded into its slot (or cleared in `finish`).
        let (squares, local_peak) = self.correlator.load(slot, seg, mean, &self.window);
        self.peak = self.peak.max(local_peak);
        let mut frame = Frame {
            local_peak,
            ..Frame::default()
        };
        // The low band's power is only wanted for the candidates' weights.
        if local_peak <= SKIP_BELOW_PEAK * self.peak || local_peak <= 0.0 {
            self.frames.push(frame);
            return;
        }
        let k = self.frames.len();
        frame.low_power = squares / n as f32;
        self.frames.push(frame);
        match self.pending.take() {
            None => self.pending = Some(k),
            Some(first) => self.correlate(first, Some(k)),
        }
    }

    /// Correlate the frames loaded into the correlator (`second` may be
    /// missing at the end) and find their candidates.
    #[inline(always)]
    fn correlate(&mut self, first: usize, second: Option<usize>) {
        self.correlator.run();
        for (slot, k) in [(0, Some(first)), (1, second)] {
            if let Some(k) = k {
                let ac = std::mem::take(&mut self.correlator.out[slot]);
                self.find_candidates(k, &ac);
                self.correlator.out[slot] = ac;
            }
        }
    }

    /// The voiced candidates of frame `k` from `ac`, its autocorrelation
    /// times the transform's length.
    #[inline(always)]
    fn find_candidates(&mut self, k: usize, ac: &[f32]) {
        let scale = self.correlator.len() as f32;
        let r0 = ac[0];
        if r0 / scale <= f32::EPSILON {
            return;
        }
        let first = self.min_lag.saturating_sub(SINC_DEPTH);
        let lags = self.r.len();
        // Slices of equal length, so that the loop vectorises.
        for ((r, a), w) in self.r[first..]
            .iter_mut()
            .zip(&ac[first..lags])
            .zip(&self.window_ac[first..lags])
        {
            *r = a / (r0 * w);
        }
        let r = &self.r;
        let found = &mut self.found;
        found.clear();
        for tau in self.min_lag..=self.max_lag {
            let (a, b, c) = (r[tau - 1], r[tau], r[tau + 1]);
            if !(b > 0.5 * VOICING_THRESHOLD && b >= a && b >= c) {
                continue;
            }
            let (shift, mut peak) = refine(&r[first..], &self.sinc, tau - first);
            // As Praat: an interpolated maximum above 1 is an artefact of
            // the normalisation; its reciprocal is the plausible strength.
            if peak > 1.0 {
                peak = 1.0 / peak;
            }
            let hz = (self.rate / (tau as f64 + shift as f64)) as f32;
            if hz < self.floor_hz || hz > self.ceiling_hz {
                continue;
            }
            let candidate = Candidate {
                freq: (hz * 16.0).round() as u16,
                r: (peak.clamp(-1.0, 1.0) * 32767.0) as i16,
            };
            let strength = candidate.correlation() + self.octave.of(candidate, self.floor_hz);
            found.push((strength, candidate));
        }
        found.sort_by(|x, y| y.0.total_cmp(&x.0));
        let frame = &mut self.frames[k];
        for (slot, (_, c)) in frame.candidates.iter_mut().zip(found.iter()) {
            *slot = *c;
        }
        frame.count = found.len().min(CANDIDATES) as u8;
    }

    /// The F0 of each 10 ms frame in Hz, 0.0 where unvoiced, given the
    /// full-band power of every frame ([`frame_powers`]). Called once,
    /// after the last block: it weights the candidates in place.
    /// The last frames, whose window runs past the end of the recording,
    /// are unvoiced (as in Praat, which has no frame there).
    ///
    /// Praat correlates the full band; this tracker only the band below
    /// 2 kHz. Noise above it (an "s") does not correlate at any lag, so
    /// Praat's correlation is about this band's correlation times the
    /// band's share of the power: each candidate is weighted by that share
    /// (around 0.9 in a vowel, a few hundredths in a hiss), measured over
    /// the three frames around the window's centre.
    pub(crate) fn finish(&mut self, power: &[f32]) -> Vec<f32> {
        if let Some(first) = self.pending.take() {
            // A frame left out may have been loaded as the second one.
            self.correlator.clear(1);
            self.correlate(first, None);
        }
        let frames = power.len();
        self.frames.resize(frames, Frame::default());
        let full = |k: usize| {
            let near = &power[k.saturating_sub(1)..(k + 2).min(frames)];
            let mean = near.iter().sum::<f32>() / near.len() as f32;
            mean * 32768.0 * 32768.0
        };
        for k in 0..frames {
            let f = &mut self.frames[k];
            if f.count == 0 {
                continue;
            }
            let share = (f.low_power / full(k).max(f32::MIN_POSITIVE)).min(1.0);
            for c in &mut f.candidates[..f.count as usize] {
                c.r = (f32::from(c.r) * share) as i16;
            }
        }
        let n = self.frames.len();
        if n == 0 {
            return Vec::new();
        }
        let global = self.peak.max(f32::MIN_POSITIVE);
        let octave = &self.octave;
        // Candidate 0 of each frame is the unvoiced one (frequency 0).
        let strengths = |f: &Frame| -> ([f32; CANDIDATES + 1], [f32; CANDIDATES + 1], usize) {
            let mut s = [0.0; CANDIDATES + 1];
            let mut hz = [0.0; CANDIDATES + 1];
            s[0] = unvoiced_strength(f.local_peak / global);
            for i in 0..f.count as usize {
                let c = f.candidates[i];
                s[i + 1] = c.correlation() + octave.of(c, self.floor_hz);
                hz[i + 1] = c.hz();
            }
            (s, hz, f.count as usize + 1)
        };
        let mut back: Vec<[u8; CANDIDATES + 1]> = vec![[0; CANDIDATES + 1]; n];
        let (mut delta, mut prev_hz, mut prev_n) = strengths(&self.frames[0]);
        for (k, frame) in self.frames.iter().enumerate().skip(1) {
            let (s, hz, m) = strengths(frame);
            let mut next = [f32::NEG_INFINITY; CANDIDATES + 1];
            for j in 0..m {
                // Praat's path costs between successive frames (10 ms
                // apart, so no time-step correction): none between two
                // unvoiced frames, a voiced/unvoiced switch, or an octave
                // jump between two voiced ones. Candidate 0 is the unvoiced
                // one, the others are voiced: the index says which applies.
                let switch = if j == 0 { 0.0 } else { VOICED_UNVOICED_COST };
                let mut best = delta[0] - switch;
                let mut from = 0u8;
                for i in 1..prev_n {
                    // A cost is never negative, so a candidate no better
                    // than the best so far before its cost cannot beat it
                    // after: its logarithm need not be taken.
                    if delta[i] <= best {
                        continue;
                    }
                    let cost = if j == 0 {
                        VOICED_UNVOICED_COST
                    } else {
                        octave_jump_cost(prev_hz[i], hz[j])
                    };
                    let value = delta[i] - cost;
                    if value > best {
                        best = value;
                        from = i as u8;
                    }
                }
                next[j] = best + s[j];
                back[k][j] = from;
            }
            delta = next;
            prev_hz = hz;
            prev_n = m;
        }
        let mut place = (0..prev_n)
            .max_by(|&a, &b| delta[a].total_cmp(&delta[b]))
            .unwrap_or(0);
        let mut track = vec![0.0f32; n];
        for k in (0..n).rev() {
            let f = &self.frames[k];
            track[k] = if place == 0 || place > f.count as usize {
                0.0
            } else {
                f.candidates[place - 1].hz()
            };
            place = back[k][place] as usize;
        }
        drop_blips(&mut track);
        track
    }

    /// [`PitchTracker::finish`] on the tracker's own thread, while the
    /// analyzer finishes its metrics (`Worker::then`); [`PitchTracker::track`]
    /// gives the result once the thread is joined.
    pub(crate) fn solve(&mut self, power: &[f32]) {
        self.track = self.finish(power);
    }

    /// The track [`PitchTracker::solve`] found.
    pub(crate) fn track(self) -> Vec<f32> {
        self.track
    }
}

/// The decimation's low-pass: three moving averages of `factor` samples
/// in cascade (a third-order CIC filter), evaluated only at the output
/// samples. A single moving average lets a hiss (an "s", 4-8 kHz) fold
/// down at only -13 dB, where it can correlate like a high voice; three
/// push the folded bands below -39 dB at a cost of 3 dB at 1 kHz and
/// under 1 dB at the 600 Hz ceiling.
///
/// Written as Hogenauer's integrators and combs in integers: three running
/// sums per input sample (one add each) and three differences per output,
/// where convolving with the filter's `3 * factor - 2` taps cost that many
/// multiply-adds per output. Integer sums wrap without losing anything:
/// the output (at most `32768 * factor³`, see `MAX_FACTOR`) is exact.
///
/// Each output is centred like the others, on the middle of its `factor`
/// input samples: output `m` is the filter at input sample `(m + 2) *
/// factor - 2`, the first one reaching back before the recording, over
/// silence.
struct Decimator {
    factor: usize,
    /// The three running sums, each of the one before.
    integrators: [i64; 3],
    /// Each comb's input at the previous output instant.
    combs: [i64; 3],
    /// Input samples since the last output instant.
    phase: usize,
    /// Output instants still to be passed over: the one before the first
    /// output (it only primes the combs).
    skip: usize,
    /// 1 / factor³, so that the filter's gain is 1.
    scale: f64,
    /// The same filter by 16-bit multiply-adds at the outputs only, where
    /// the CPU has AVX2 and the factor is at most 16 (rates up to 64 kHz):
    /// the same outputs to the bit at about a fifth of the running sums'
    /// time, whose three additions a sample depend on each other.
    convolution: Option<Convolution>,
}

/// The largest decimation factor (rates up to 131 MHz), so that the
/// decimator's integer output, at most `32768 * factor³`, fits 63 bits.
const MAX_FACTOR: usize = 1 << 15;

impl Decimator {
    fn new(factor: usize) -> Self {
        let factor = factor.clamp(1, MAX_FACTOR);
        // Instants fall after input samples n with (n + 2) % factor == 0;
        // the first is sample (factor - 2) % factor.
        let first = (2 * factor - 2) % factor;
        Self {
            factor,
            integrators: [0; 3],
            combs: [0; 3],
            phase: factor - 1 - first,
            skip: usize::from(factor > 1),
            scale: 1.0 / (factor as f64).powi(3),
            // The output instant after the skipped one.
            convolution: Convolution::new(factor, (2 * factor - 2) as u64),
        }
    }

    /// Filter `block`, appending the outputs it completes to `out`.
    #[inline(always)]
    fn push(&mut self, mut block: &[i16], out: &mut Vec<f32>) {
        if let Some(convolution) = &mut self.convolution {
            convolution.push(block, out, self.scale);
            return;
        }
        let [mut a, mut b, mut c] = self.integrators;
        while !block.is_empty() {
            let take = (self.factor - self.phase).min(block.len());
            let (now, rest) = block.split_at(take);
            for &x in now {
                a = a.wrapping_add(i64::from(x));
                b = b.wrapping_add(a);
                c = c.wrapping_add(b);
            }
            block = rest;
            self.phase += take;
            if self.phase < self.factor {
                break;
            }
            self.phase = 0;
            let mut v = c;
            for delayed in &mut self.combs {
                let d = v.wrapping_sub(*delayed);
                *delayed = v;
                v = d;
            }
            if self.skip > 0 {
                self.skip -= 1;
            } else {
                out.push((v as f64 * self.scale) as f32);
            }
        }
        self.integrators = [a, b, c];
    }
}

/// Autocorrelation of a window through the FFT (as Praat computes it):
/// transform, squared magnitudes, transform back. For a 40 ms window at
/// 4 kHz and the lags up to the floor's period that is about a fifth of
/// the multiply-adds of correlating lag by lag.
///
/// Two frames are correlated at once, through one complex transform each
/// way: the first frame as the real part, the second as the imaginary
/// part. Their spectra separate by symmetry (A(k) = (Z(k) + Z*(N-k)) / 2,
/// B(k) = (Z(k) - Z*(N-k)) / 2i), and as their power spectra are real and
/// even, the transform back of |A|² + i|B|² is the first frame's
/// autocorrelation in the real part and the second's in the imaginary
/// part. At 256 points that is half the work of a real transform per
/// frame, whose packing and unpacking steps cost more than the transform.
/// The plans and buffers are made once; a frame allocates nothing.
struct Correlator {
    forward: std::sync::Arc<dyn rustfft::Fft<f32>>,
    inverse: std::sync::Arc<dyn rustfft::Fft<f32>>,
    /// The two frames loaded, windowed, each zero-padded to the
    /// transform's length (the padding is never written). They are
    /// interleaved into `signal` when correlated: written straight into
    /// the complex buffer, every load was a read-modify-write of every
    /// other float, and loading the first frame cleared the whole buffer.
    frames: [Vec<f32>; 2],
    signal: Vec<Complex<f32>>,
    power: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// The two frames' autocorrelations up to the lags wanted, times the
    /// transform's length.
    out: [Vec<f32>; 2],
}

use rustfft::num_complex::Complex;

use super::decimation::Convolution;

impl Correlator {
    /// A correlator for windows whose length plus the `lags` wanted is at
    /// most `span` (the transform is zero-padded past it, so that no lag
    /// wraps around).
    fn new(span: usize, lags: usize) -> Self {
        let len = span.next_power_of_two();
        let mut planner = rustfft::FftPlanner::<f32>::new();
        let forward = planner.plan_fft_forward(len);
        let inverse = planner.plan_fft_inverse(len);
        let scratch_len = forward
            .get_inplace_scratch_len()
            .max(inverse.get_inplace_scratch_len());
        Self {
            frames: [vec![0.0; len], vec![0.0; len]],
            signal: vec![Complex::default(); len],
            power: vec![Complex::default(); len],
            scratch: vec![Complex::default(); scratch_len],
            out: [vec![0.0; lags.min(len)], vec![0.0; lags.min(len)]],
            forward,
            inverse,
        }
    }

    /// The transform's length.
    fn len(&self) -> usize {
        self.signal.len()
    }

    /// Clear frame `slot` (0 or 1).
    fn clear(&mut self, slot: usize) {
        self.frames[slot].fill(0.0);
    }

    /// Load `seg` less its `mean`, times `window`, as frame `slot` (0 or
    /// 1), and return the sum of squares of
    /// `seg` less its mean and their largest magnitude: one pass for what
    /// were four (extremes, taking the mean off, [`dot`] and the load).
    ///
    /// The squares add up in [`dot`]'s lanes and order, so the sum is the
    /// one [`dot`] gives. The largest magnitude is the highest value less
    /// the mean or the mean less the lowest, whichever is larger, to the
    /// bit: a rounded difference never falls as the value rises. It is
    /// taken on the bits of the magnitudes, which order non-negative
    /// numbers as integers do (`f32::max` spends most of its time on NaN,
    /// which cannot occur here).
    #[inline(always)]
    fn load(&mut self, slot: usize, seg: &[f32], mean: f32, window: &[f32]) -> (f32, f32) {
        let frame = &mut self.frames[slot];
        let n = seg.len().min(window.len()).min(frame.len());
        let whole = n / 8 * 8;
        let mut acc = [0.0f32; 8];
        let mut top = [0u32; 8];
        for ((c, x), w) in frame[..whole]
            .chunks_exact_mut(8)
            .zip(seg[..whole].chunks_exact(8))
            .zip(window[..whole].chunks_exact(8))
        {
            for i in 0..8 {
                let v = x[i] - mean;
                acc[i] += v * v;
                top[i] = top[i].max(v.abs().to_bits());
                c[i] = v * w[i];
            }
        }
        let mut tail = [0.0f32; 8];
        let mut top = top.iter().copied().fold(0, u32::max);
        for (((c, &x), &w), t) in frame[whole..n]
            .iter_mut()
            .zip(&seg[whole..n])
            .zip(&window[whole..n])
            .zip(&mut tail)
        {
            let v = x - mean;
            *t = v * v;
            top = top.max(v.abs().to_bits());
            *c = v * w;
        }
        let tail: f32 = tail[..n - whole].iter().sum();
        (acc.iter().sum::<f32>() + tail, f32::from_bits(top))
    }

    /// Correlate the frames loaded, into `out`. Inlined into the tracker's
    /// push, so that the spectra's loop is compiled for AVX2 too.
    #[inline(always)]
    fn run(&mut self) {
        let n = self.signal.len();
        for ((c, &a), &b) in self
            .signal
            .iter_mut()
            .zip(&self.frames[0])
            .zip(&self.frames[1])
        {
            *c = Complex::new(a, b);
        }
        self.forward
            .process_with_scratch(&mut self.signal, &mut self.scratch);
        // Bin k and its mirror n - k; the loops walk the mirrors backwards
        // in step with the bins (not by index), so that they vectorise.
        // The mirror's power is the bin's (to the bit: the same sums and
        // squares, with signs swapped), so it is copied, not computed again.
        let spectra = |z: Complex<f32>, x: Complex<f32>| {
            let mirror = x.conj();
            let (a, b) = (z + mirror, z - mirror);
            Complex::new(0.25 * a.norm_sqr(), 0.25 * b.norm_sqr())
        };
        let half = n / 2;
        self.power[0] = spectra(self.signal[0], self.signal[0]);
        self.power[half] = spectra(self.signal[half], self.signal[half]);
        let (low, high) = self.signal.split_at(half);
        for (p, (&z, &x)) in self.power[1..half]
            .iter_mut()
            .zip(low[1..].iter().zip(high[1..].iter().rev()))
        {
            *p = spectra(z, x);
        }
        let (low, high) = self.power.split_at_mut(half + 1);
        for (mirror, &p) in high.iter_mut().zip(low[1..half].iter().rev()) {
            *mirror = p;
        }
        self.inverse
            .process_with_scratch(&mut self.power, &mut self.scratch);
        let [first, second] = &mut self.out;
        for ((a, b), c) in first.iter_mut().zip(second.iter_mut()).zip(&self.power) {
            *a = c.re;
            *b = c.im;
        }
    }
}

/// Sum of `x` in eight lanes so that it vectorises (the lanes, then the
/// rest one by one).
#[inline(always)]
fn lane_sum(x: &[f32]) -> f32 {
    let mut sum = [0.0f32; 8];
    let chunks = x.chunks_exact(8);
    let tail = chunks.remainder();
    for c in chunks {
        for i in 0..8 {
            sum[i] += c[i];
        }
    }
    tail.iter().fold(sum.iter().sum::<f32>(), |s, &v| s + v)
}

/// Half-width (lags) of the sinc interpolation of the correlation.
const SINC_DEPTH: usize = 6;

/// Steps per lag of the interpolation grid (0.1 lag).
const GRID: i32 = 10;
/// Grid points searched on each side of an integer lag (±0.5 lag), plus
/// one more for the parabola's neighbours.
const REACH: i32 = GRID / 2 + 1;

/// Windowed-sinc weights for every grid offset in `-REACH..=REACH` tenths
/// of a lag: `SINC_DEPTH * 2` taps each, for the lags `base - SINC_DEPTH +
/// 1 ..= base + SINC_DEPTH` around the offset's floor `base`. Computed
/// once, so that interpolating costs multiply-adds, not sines.
struct SincTable {
    /// The taps of each offset, from `-REACH` on.
    steps: Vec<[f32; 2 * SINC_DEPTH]>,
    /// The same weights for the search grid's offsets (`-GRID / 2 ..=
    /// GRID / 2`), tap by tap: `lanes[i][s]` is tap `i` of offset `s -
    /// GRID / 2`, lanes past the grid zero. See [`refine`].
    lanes: [[f32; GRID_LANES]; 2 * SINC_DEPTH],
}

/// Lanes of the search grid's vectors: its `GRID + 1` points, padded to
/// two vectors of eight.
const GRID_LANES: usize = 16;

impl SincTable {
    fn new() -> Self {
        let steps: Vec<[f32; 2 * SINC_DEPTH]> = (-REACH..=REACH)
            .map(|step| {
                let offset = step as f64 / GRID as f64;
                let base = offset.floor();
                let mut w = [0.0f32; 2 * SINC_DEPTH];
                for (i, slot) in w.iter_mut().enumerate() {
                    let m = base - SINC_DEPTH as f64 + 1.0 + i as f64;
                    let x = offset - m;
                    let sinc = if x.abs() < 1e-9 {
                        1.0
                    } else {
                        (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
                    };
                    let taper = 0.5 + 0.5 * (std::f64::consts::PI * x / SINC_DEPTH as f64).cos();
                    *slot = (sinc * taper) as f32;
                }
                w
            })
            .collect();
        let mut lanes = [[0.0f32; GRID_LANES]; 2 * SINC_DEPTH];
        for (s, step) in (-GRID / 2..=GRID / 2).enumerate() {
            for (i, tap) in lanes.iter_mut().enumerate() {
                tap[s] = steps[(step + REACH) as usize][i];
            }
        }
        Self { steps, lanes }
    }

    /// The correlation at `at + step / GRID` lags, by windowed-sinc
    /// interpolation of `r` (which holds lags `0..`, relative to its start).
    #[inline(always)]
    fn at(&self, r: &[f32], at: usize, step: i32) -> f32 {
        let weights = &self.steps[(step + REACH) as usize];
        let base = at as isize + step.div_euclid(GRID) as isize;
        let first = base - SINC_DEPTH as isize + 1;
        // Inside the correlation (nearly always): no tap to leave out.
        if let Some(taps) = usize::try_from(first)
            .ok()
            .and_then(|f| r.get(f..f + weights.len()))
        {
            return weights.iter().zip(taps).map(|(w, v)| v * w).sum();
        }
        weights
            .iter()
            .enumerate()
            .filter_map(|(i, w)| {
                let m = usize::try_from(first + i as isize).ok()?;
                r.get(m).map(|v| v * w)
            })
            .sum()
    }

    /// [`SincTable::at`] for every offset of the search grid around `at`
    /// (lane `s` is offset `s - GRID / 2`), or `None` where a tap falls
    /// outside `r`. The grid's points side by side, one per vector lane,
    /// instead of one after the other: each point's products are added in
    /// the same order as in [`SincTable::at`] (from -0.0, as `sum` starts),
    /// so the values are the same to the bit, at a fraction of the time of
    /// eleven horizontal sums (the tracker's hottest loop before).
    #[inline(always)]
    fn grid(&self, r: &[f32], at: usize) -> Option<[f32; GRID_LANES]> {
        // The negative offsets' taps start one lag earlier than the others'
        // (their floor is `at - 1`): `v[i]` and `v[i + 1]` are tap `i` of each.
        let v = r.get(at.checked_sub(SINC_DEPTH)?..at + SINC_DEPTH + 1)?;
        let mut acc = [-0.0f32; GRID_LANES];
        for (i, w) in self.lanes.iter().enumerate() {
            let (early, late) = (v[i], v[i + 1]);
            for s in 0..GRID_LANES {
                let x = if s < (GRID / 2) as usize { early } else { late };
                acc[s] += x * w[s];
            }
        }
        Some(acc)
    }
}

/// The maximum near integer lag `at`: (offset from `at`, height). At 4 kHz
/// a high voice's period is a dozen samples, so a parabola through three
/// points misjudges the height of a sharp peak by enough to prefer the
/// octave below; Praat interpolates with a sinc too. The sinc is searched
/// on a grid of 0.1 lag, then a parabola through the best point and its
/// neighbours refines it.
#[inline(always)]
fn refine(r: &[f32], table: &SincTable, at: usize) -> (f32, f32) {
    let mut grid = [0.0f32; GRID as usize + 1];
    match table.grid(r, at) {
        Some(lanes) => grid.copy_from_slice(&lanes[..=GRID as usize]),
        None => {
            for (step, slot) in (-GRID / 2..=GRID / 2).zip(&mut grid) {
                *slot = table.at(r, at, step);
            }
        }
    }
    // The highest point, starting from the lag itself (offset 0): the
    // first offset whose value beats every one before it and is never
    // beaten after. Taken as the maximum first (in two short chains, not
    // one through all eleven points, where each comparison waited on the
    // last), then the first point equal to it: the same point as comparing
    // one by one, NaN included (it never compares greater).
    let higher = |m: f32, &v: &f32| if v > m { v } else { m };
    let (early, late) = grid.split_at(grid.len() / 2);
    let top = early.iter().fold(r[at], higher);
    let top = higher(top, &late.iter().fold(f32::NEG_INFINITY, higher));
    let step = match grid.iter().position(|&v| v == top) {
        Some(i) if top > r[at] => i as i32 - GRID / 2,
        _ => 0,
    };
    let b = top;
    let d = step as f32 / GRID as f32;
    // The neighbours were mostly on the grid already.
    let near = |s: i32| match usize::try_from(s + GRID / 2) {
        Ok(i) if i < grid.len() => grid[i],
        _ => table.at(r, at, s),
    };
    let (a, c) = (near(step - 1), near(step + 1));
    let denom = a - 2.0 * b + c;
    if denom < 0.0 {
        let s = (0.5 * (a - c) / denom).clamp(-0.5, 0.5);
        (d + s / GRID as f32, b - 0.25 * (a - c) * s)
    } else {
        (d, b)
    }
}

/// The full-band power of each frame (relative to 16-bit full scale) from
/// the analyzer's frame energies (`energy_db`, dBFS), for
/// [`PitchTracker::finish`]. The analyzer computes it while the tracker's
/// thread is still busy, not after it.
pub(crate) fn frame_powers(energy_db: &[f32]) -> Vec<f32> {
    energy_db.iter().map(|&d| 10f32.powf(d / 10.0)).collect()
}

/// Voiced runs shorter than this (50 ms) are not a voice.
const MIN_VOICED_FRAMES: usize = 5;

/// Unvoice runs of voicing shorter than a syllable's vowel could be. At
/// 4 kHz a burst of noise (an "s" folded down by the decimation) can
/// correlate like a high voice for a frame or two, where Praat, working
/// on the full band, sees noise; a real vowel lasts far longer.
fn drop_blips(track: &mut [f32]) {
    let mut k = 0;
    while k < track.len() {
        if track[k] == 0.0 {
            k += 1;
            continue;
        }
        let start = k;
        while k < track.len() && track[k] > 0.0 {
            k += 1;
        }
        if k - start < MIN_VOICED_FRAMES {
            track[start..k].iter_mut().for_each(|f| *f = 0.0);
        }
    }
}

/// [`PitchTracker::push`] as an operation for `pulp` to compile for each
/// instruction set (with AVX2 where the CPU has it, detected at run time):
/// everything it calls is inlined into it, so the window's sums and the
/// candidates' interpolation use the wider vectors. The arithmetic is the
/// same on every CPU (no FMA), so the track does not depend on the machine.
struct Push<'a> {
    tracker: &'a mut PitchTracker,
    block: &'a [i16],
}

impl pulp::WithSimd for Push<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        self.tracker.push_inline(self.block);
    }
}

impl super::worker::BlockSink for PitchTracker {
    fn push(&mut self, block: &[i16]) {
        PitchTracker::push(self, block);
    }
}

/// Praat's unvoiced strength: the voicing threshold, raised for frames
/// quiet relative to the loudest point (`relative` = local / global peak).
fn unvoiced_strength(relative: f32) -> f32 {
    let silence = SILENCE_THRESHOLD / (1.0 + VOICING_THRESHOLD);
    VOICING_THRESHOLD + (2.0 - relative / silence).max(0.0)
}

/// Praat's cost of a jump between two voiced frames (see the path in
/// [`PitchTracker::finish`]).
fn octave_jump_cost(from_hz: f32, to_hz: f32) -> f32 {
    OCTAVE_JUMP_COST * (from_hz / to_hz).log2().abs()
}

/// Dot product with eight partial sums, so that it vectorises.
#[inline(always)]
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut acc = [0.0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    const RANGE: PitchRange = PitchRange {
        floor_hz: 75.0,
        ceiling_hz: 600.0,
    };

    fn track(samples: &[i16], rate: u32) -> Vec<f32> {
        let frame = ((rate as f64 / 100.0).round() as usize).max(1);
        let mut t = PitchTracker::new(rate, frame, RANGE);
        for b in samples.chunks(1000) {
            t.push(b);
        }
        let energy_db: Vec<f32> = samples
            .chunks_exact(frame)
            .map(|c| {
                let p = c.iter().map(|&x| (x as f32).powi(2)).sum::<f32>() / c.len() as f32;
                10.0 * (p.max(1e-3) / (32768.0 * 32768.0)).log10()
            })
            .collect();
        t.finish(&frame_powers(&energy_db))
    }

    /// A buzz with harmonics falling 6 dB per octave, F0 given per sample.
    fn voice(f0: impl Fn(f64) -> f64, seconds: f64, rate: u32) -> Vec<i16> {
        let mut phase = 0.0f64;
        (0..(seconds * rate as f64) as usize)
            .map(|i| {
                let t = i as f64 / rate as f64;
                phase += 2.0 * std::f64::consts::PI * f0(t) / rate as f64;
                let v: f64 = (1..12).map(|h| (phase * h as f64).sin() / h as f64).sum();
                (6000.0 * v) as i16
            })
            .collect()
    }

    #[test]
    fn a_steady_voice_is_tracked_at_its_pitch() {
        for (hz, rate) in [(100.0, 16_000), (220.0, 48_000), (350.0, 44_100)] {
            let t = track(&voice(|_| hz, 1.0, rate), rate);
            assert_eq!(t.len(), 100);
            let inner = &t[5..95];
            for &f in inner {
                assert!(
                    (f as f64 - hz).abs() < hz * 0.01,
                    "{hz} Hz read {f} at {rate}"
                );
            }
        }
    }

    #[test]
    fn any_sample_rate_is_tracked_without_panic() {
        for rate in [1, 100, 1000, 8000, 11_025, 96_000, 192_000] {
            let t = track(&voice(|_| 150.0, 0.5, rate), rate);
            let frame = ((rate as f64 / 100.0).round() as usize).max(1);
            assert_eq!(t.len(), (rate as usize / 2) / frame);
        }
        let narrow = PitchRange {
            floor_hz: 400.0,
            ceiling_hz: 500.0,
        };
        let mut t = PitchTracker::new(1000, 10, narrow);
        t.push(&voice(|_| 450.0, 0.5, 1000));
        t.finish(&frame_powers(&[-20.0; 50]));
    }

    #[test]
    fn the_decimator_is_the_three_moving_averages_centred() {
        let input: Vec<i16> = (0..5000u32)
            .map(|i| ((i.wrapping_mul(2_654_435_761) >> 16) as i16) / 2 + 3000)
            .collect();
        for factor in [1, 2, 3, 11, 12] {
            // Three moving averages of `factor` samples, by convolution.
            let mut kernel = vec![1.0f64];
            for _ in 0..3 {
                let mut next = vec![0.0; kernel.len() + factor - 1];
                for (i, k) in kernel.iter().enumerate() {
                    next[i..i + factor].iter_mut().for_each(|n| *n += k);
                }
                kernel = next;
            }
            let sum: f64 = kernel.iter().sum();
            let at = |n: isize| {
                let n = usize::try_from(n).ok()?;
                input.get(n).map(|&x| f64::from(x))
            };
            // Blocks of any size give the same outputs.
            let outs = [1, 2, 5, 37, 4096].map(|size| {
                let mut decimator = Decimator::new(factor);
                let mut out = Vec::new();
                for block in input.chunks(size) {
                    decimator.push(block, &mut out);
                }
                out
            });
            let out = &outs[3];
            for other in &outs {
                assert_eq!(other, out, "factor {factor}");
            }
            assert_eq!(out.len(), (input.len() + 1) / factor - 1, "factor {factor}");
            for (m, &v) in out.iter().enumerate() {
                // Output m is the filter at input sample (m + 2) * factor - 2.
                let end = ((m + 2) * factor - 2) as isize;
                let truth: f64 = kernel
                    .iter()
                    .enumerate()
                    .map(|(k, h)| h * at(end - k as isize).unwrap_or(0.0))
                    .sum::<f64>()
                    / sum;
                assert!(
                    (f64::from(v) - truth).abs() <= 1e-6 * truth.abs().max(1.0),
                    "factor {factor}, output {m}: {v} vs {truth}"
                );
            }
        }
    }

    #[test]
    fn the_multiply_adds_give_the_running_sums_outputs_to_the_bit() {
        // Full scale included: the sums must be exact at the extremes.
        let mut input: Vec<i16> = (0..20_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 16) as i16)
            .collect();
        input[3000..3500].fill(i16::MIN);
        input[6000..6500].fill(i16::MAX);
        for factor in 1..=20 {
            let mut sums = Decimator::new(factor);
            sums.convolution = None;
            let mut want = Vec::new();
            sums.push(&input, &mut want);
            for size in [1, 2, 5, 37, 47, 48, 4096] {
                let mut decimator = Decimator::new(factor);
                let mut out = Vec::new();
                for block in input.chunks(size) {
                    decimator.push(block, &mut out);
                }
                assert_eq!(out, want, "factor {factor}, blocks of {size}");
            }
        }
    }

    #[test]
    fn silence_is_unvoiced() {
        assert!(track(&vec![0i16; 16_000], 16_000).iter().all(|&f| f == 0.0));
        assert!(track(&[], 16_000).is_empty());
    }

    #[test]
    fn a_glide_from_100_to_200_hz_has_no_octave_jumps() {
        let rate = 48_000;
        let t = track(&voice(|t| 100.0 * 2f64.powf(t / 2.0), 2.0, rate), rate);
        for (k, &f) in t.iter().enumerate().take(195).skip(5) {
            let truth = 100.0 * 2f64.powf((k as f64 + 0.5) / 100.0 / 2.0);
            let st = 12.0 * (f as f64 / truth).log2();
            assert!(st.abs() < 1.0, "frame {k}: {f} Hz, truth {truth:.1} Hz");
        }
    }
}
