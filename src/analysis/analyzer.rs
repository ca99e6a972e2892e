//! The streaming front end: turns blocks of samples into per-frame features
//! (10 ms energies, a smoothed intensity contour, voiced-ness at its peaks)
//! and level statistics, then derives the [`Metrics`] from them at the end.
//!
//! Memory is bounded by the number of 10 ms frames (8 bytes each, about
//! 3 MB per hour) plus the syllable candidates; samples are never kept
//! beyond the voicing ring.

use super::activity::{self, Activity};
use super::config::AnalysisConfig;
use super::flags;
use super::intonation;
use super::levels::LevelMeter;
use super::metrics::{Metrics, Pause};
use super::pace::Pace;
use super::pitch::{self, PitchRange, PitchTrack, PitchTracker};
use super::syllables::{self, Candidate};
use super::voicing::VoicingProbe;
use super::worker::{Block, BlockPool, Worker};
use crate::level::{power_db, SILENCE_DB};

/// Frames (10 ms) per second.
const FRAMES_PER_SECOND: f64 = 100.0;
/// Weights of the intensity smoothing window (5 frames = 50 ms), in the
/// power domain, like Praat's intensity with a 64 ms window for a 50 Hz
/// minimum pitch in de Jong & Wempe's script.
const SMOOTHING: [f64; 5] = [1.0, 4.0, 6.0, 4.0, 1.0];
/// Candidates this far below the loudest point so far are not examined.
const CANDIDATE_RANGE_DB: f32 = 50.0;
/// Frames of delay of the centred smoothing window.
const HALF: usize = SMOOTHING.len() / 2;

/// Streaming analysis of one mono recording: [`Analyzer::push`] blocks of any
/// size as they arrive, then [`Analyzer::finish`].
pub struct Analyzer {
    sample_rate: u32,
    config: AnalysisConfig,
    frame_len: usize,
    frame_fill: usize,
    frame_sum: i64,
    frame_sumsq: f64,
    total_samples: u64,
    /// Frame energy in dBFS (variance, so DC offset does not count).
    energy_db: Vec<f32>,
    /// The last frame powers, newest last, for the centred smoothing.
    recent: [f64; SMOOTHING.len()],
    /// Smoothed intensity contour in dBFS, `HALF` frames behind `energy_db`.
    intensity_db: Vec<f32>,
    candidates: Vec<Candidate>,
    /// Loudest point of the contour so far, to skip hopeless candidates.
    loudest_db: f32,
    levels: LevelMeter,
    voicing: VoicingProbe,
    /// The pitch tracker, on its own thread like the loudness meter.
    pitch: Worker<PitchTracker>,
    /// The buffers shared with those threads.
    blocks: BlockPool,
    /// The CPU's vector instructions (AVX2 where it has them), detected once.
    simd: pulp::Arch,
}

impl Analyzer {
    pub fn new(sample_rate: u32, config: AnalysisConfig) -> Self {
        let sample_rate = sample_rate.max(1);
        let frame_len = ((sample_rate as f64 / FRAMES_PER_SECOND).round() as usize).max(1);
        Self {
            sample_rate,
            frame_len,
            frame_fill: 0,
            frame_sum: 0,
            frame_sumsq: 0.0,
            total_samples: 0,
            energy_db: Vec::new(),
            recent: [0.0; SMOOTHING.len()],
            intensity_db: Vec::new(),
            candidates: Vec::new(),
            loudest_db: SILENCE_DB as f32,
            levels: LevelMeter::new(sample_rate),
            voicing: VoicingProbe::new(sample_rate),
            pitch: {
                let range = PitchRange {
                    floor_hz: config.pitch_floor_hz,
                    ceiling_hz: config.pitch_ceiling_hz,
                };
                Worker::new("pitch", move || {
                    PitchTracker::new(sample_rate, frame_len, range)
                })
            },
            blocks: BlockPool::default(),
            simd: pulp::Arch::new(),
            config,
        }
    }

    pub fn push(&mut self, mono: &[i16]) {
        let shared = self.blocks.share(mono);
        self.push_shared(shared);
    }

    /// Like [`Analyzer::push`], but `read` fills (up to `max` samples of)
    /// a buffer shared with the analysis threads directly, and returns how
    /// many samples it read: reading a file this way copies each sample
    /// once fewer.
    pub(crate) fn push_from<E>(
        &mut self,
        max: usize,
        read: impl FnOnce(&mut [i16]) -> Result<usize, E>,
    ) -> Result<usize, E> {
        let (shared, n) = self.blocks.fill(max, read)?;
        if n > 0 {
            self.push_shared(shared);
        }
        Ok(n)
    }

    fn push_shared(&mut self, shared: Block) {
        self.total_samples += shared.len() as u64;
        self.levels.push(&shared);
        self.pitch.push(&shared);
        let frame_len = self.frame_len;
        let mut rest: &[i16] = &shared;
        while !rest.is_empty() {
            if self.frame_fill == 0 && rest.len() >= FRAME_GROUP * frame_len {
                // Whole frames, several at a time: their sums are
                // independent chains, which the CPU overlaps.
                let (group, tail) = rest.split_at(FRAME_GROUP * frame_len);
                let sums = self.simd.dispatch(GroupSums { group, frame_len });
                for (chunk, &(sum, sumsq, low, high)) in group.chunks_exact(frame_len).zip(&sums) {
                    self.levels.measure(chunk, low, high);
                    self.voicing.push(chunk);
                    self.frame_sum = sum;
                    self.frame_sumsq = sumsq;
                    self.frame_fill = frame_len;
                    self.end_frame();
                }
                rest = tail;
                continue;
            }
            let take = (frame_len - self.frame_fill).min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            let (sum, sumsq, low, high) = self.simd.dispatch(Sums(chunk));
            self.levels.measure(chunk, low, high);
            self.frame_sum += sum;
            self.frame_sumsq += sumsq;
            self.frame_fill += take;
            self.voicing.push(chunk);
            if self.frame_fill == frame_len {
                self.end_frame();
            }
            rest = tail;
        }
    }

    fn end_frame(&mut self) {
        let n = self.frame_len as f64;
        let mean = self.frame_sum as f64 / n;
        let power = (self.frame_sumsq / n - mean * mean).max(0.0);
        self.frame_sum = 0;
        self.frame_sumsq = 0.0;
        self.frame_fill = 0;
        self.energy_db.push(power_db(power) as f32);
        self.recent.rotate_left(1);
        self.recent[SMOOTHING.len() - 1] = power;
        let k = self.energy_db.len() - 1;
        if k >= HALF {
            let j = k - HALF;
            // Frames before the start are missing, not silent.
            let first = HALF.saturating_sub(j);
            self.push_intensity(first, SMOOTHING.len());
            self.check_peak();
        }
    }

    fn push_intensity(&mut self, first: usize, end: usize) {
        let (mut acc, mut weight) = (0.0, 0.0);
        for (w, p) in SMOOTHING[first..end].iter().zip(&self.recent[first..end]) {
            acc += w * p;
            weight += w;
        }
        let db = power_db(acc / weight) as f32;
        self.loudest_db = self.loudest_db.max(db);
        self.intensity_db.push(db);
    }

    /// A local maximum of the contour one frame back is a syllable
    /// candidate; its voicing is measured now, while its samples are still
    /// in the ring.
    fn check_peak(&mut self) {
        let s = &self.intensity_db;
        let n = s.len();
        if n < 3 {
            return;
        }
        let m = n - 2;
        // A nucleus must be within PEAK_BELOW_MAX_DB of the speech level in
        // the end; far below everything heard so far, it cannot be, and
        // the voicing check is the costly part.
        let hopeless = s[m] < self.loudest_db - CANDIDATE_RANGE_DB;
        if s[m] > s[m - 1] && s[m] >= s[m + 1] && !hopeless {
            let center = (m as u64 * 2 + 1) * self.frame_len as u64 / 2;
            let voicing = self.voicing.voicing_at(center);
            self.candidates.push(Candidate {
                frame: m as u32,
                voicing,
            });
        }
    }

    pub fn finish(self) -> Metrics {
        self.finish_with_pitch().0
    }

    /// [`Analyzer::finish`], plus the pitch track it measured.
    pub fn finish_with_pitch(mut self) -> (Metrics, PitchTrack) {
        // Close the contour for the last frames, whose windows are cut short.
        let frames = self.energy_db.len();
        let taps = SMOOTHING.len();
        for j in self.intensity_db.len()..frames {
            let (mut acc, mut weight) = (0.0, 0.0);
            for (i, w) in SMOOTHING.iter().enumerate() {
                // `recent[p]` holds frame `frames - taps + p`.
                let f = j + i;
                if f < HALF || f - HALF >= frames || f - HALF + taps < frames {
                    continue;
                }
                acc += w * self.recent[f - HALF + taps - frames];
                weight += w;
            }
            let v = if weight > 0.0 { acc / weight } else { 0.0 };
            self.intensity_db.push(power_db(v) as f32);
        }
        // The pitch path needs the frame powers: handed to the pitch
        // thread, which finds it after its last block while this thread
        // goes on.
        let power = pitch::frame_powers(&self.energy_db);
        self.pitch.then(move |tracker| tracker.solve(&power));
        // What needs only this thread's measurements: the loudness and
        // pitch threads may still be busy, and this thread would only wait
        // for them.
        let duration = self.total_samples as f64 / self.sample_rate as f64;
        let frame_seconds = self.frame_len as f64 / self.sample_rate as f64;
        let activity = activity::detect(&self.energy_db, frame_seconds, &self.config);
        let syllables = if activity.segments.is_empty() {
            0
        } else {
            syllables::count(&self.candidates, &self.intensity_db, &activity)
        };
        let mut metrics = build(duration, frame_seconds, &activity, syllables, &self.config);
        let (loudness, peak_dbfs, clipped) = self.levels.finish();
        metrics.loudness_lufs = loudness;
        metrics.peak_dbfs = peak_dbfs;
        metrics.clipped_fraction = if self.total_samples == 0 {
            0.0
        } else {
            clipped as f64 / self.total_samples as f64
        };
        metrics.noise_floor_dbfs = if frames == 0 {
            SILENCE_DB
        } else {
            activity.noise_floor_db
        };
        // A tracker whose thread died leaves the answer unvoiced, not wrong.
        let f0 = match self.pitch.finish() {
            Some(tracker) => tracker.track(),
            None => vec![0.0; frames],
        };
        intonation::measure(
            &mut metrics,
            &f0,
            &self.energy_db,
            &activity,
            frame_seconds,
            &self.config.thresholds,
        );
        metrics.flags = flags::raise(&metrics, &activity, &self.config.thresholds);
        let track = PitchTrack {
            frame_seconds,
            hz: f0,
        };
        (metrics, track)
    }
}

/// Whole frames summed side by side (see [`GroupSums`]).
const FRAME_GROUP: usize = 4;

/// [`sums`] as an operation for `pulp` to compile for each instruction set;
/// the lanes add up in the same order on every one, so the sums are equal.
struct Sums<'a>(&'a [i16]);

impl pulp::WithSimd for Sums<'_> {
    type Output = (i64, f64, i16, i16);

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
        let mut lanes = Lanes::default();
        let mut it = self.0.chunks_exact(8);
        for c in &mut it {
            lanes.add(c);
        }
        lanes.total(it.remainder())
    }
}

/// [`FRAME_GROUP`] whole frames of `frame_len` samples: each frame's
/// [`Lanes`] add up exactly as [`Sums`] adds up that frame alone (the same
/// lanes in the same order), but the frames' chains are interleaved, so
/// the CPU does not wait on one addition before the next.
struct GroupSums<'a> {
    group: &'a [i16],
    frame_len: usize,
}

impl<'a> pulp::WithSimd for GroupSums<'a> {
    type Output = [(i64, f64, i16, i16); FRAME_GROUP];

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) -> Self::Output {
        let mut lanes = [Lanes::default(); FRAME_GROUP];
        let mut frames = self.group.chunks_exact(self.frame_len);
        let [a, b, c, d] = std::array::from_fn(|_| frames.next().unwrap_or(&[]));
        let eights = |f: &'a [i16]| f.chunks_exact(8);
        for (((a, b), c), d) in eights(a).zip(eights(b)).zip(eights(c)).zip(eights(d)) {
            lanes[0].add(a);
            lanes[1].add(b);
            lanes[2].add(c);
            lanes[3].add(d);
        }
        let whole = self.frame_len / 8 * 8;
        let tails = [a, b, c, d].map(|f| f.get(whole..).unwrap_or(&[]));
        std::array::from_fn(|k| lanes[k].total(tails[k]))
    }
}

/// Running sums of a frame in eight lanes, written so that they
/// vectorise: sum, sum of squares, lowest and highest sample.
#[derive(Clone, Copy)]
struct Lanes {
    s: [i32; 8],
    q: [f32; 8],
    low: [i16; 8],
    high: [i16; 8],
}

impl Default for Lanes {
    fn default() -> Self {
        Self {
            s: [0; 8],
            q: [0.0; 8],
            low: [i16::MAX; 8],
            high: [i16::MIN; 8],
        }
    }
}

impl Lanes {
    #[inline(always)]
    /// Add eight samples, one per lane.
    fn add(&mut self, c: &[i16]) {
        for (i, &v) in c.iter().enumerate().take(8) {
            self.s[i] += v as i32;
            let x = v as f32;
            self.q[i] += x * x;
            self.low[i] = self.low[i].min(v);
            self.high[i] = self.high[i].max(v);
        }
    }

    /// (sum, sum of squares, lowest, highest), with the samples `rest`
    /// after those added in lanes.
    #[inline(always)]
    fn total(&self, rest: &[i16]) -> (i64, f64, i16, i16) {
        let mut sum: i64 = self.s.iter().map(|&v| v as i64).sum();
        let mut sumsq: f64 = self.q.iter().map(|&v| v as f64).sum();
        let mut low = self.low.iter().copied().fold(i16::MAX, i16::min);
        let mut high = self.high.iter().copied().fold(i16::MIN, i16::max);
        for &x in rest {
            sum += x as i64;
            sumsq += (x as f64) * (x as f64);
            low = low.min(x);
            high = high.max(x);
        }
        (sum, sumsq, low, high)
    }
}

fn build(
    duration: f64,
    frame_seconds: f64,
    activity: &Activity,
    syllables: u32,
    config: &AnalysisConfig,
) -> Metrics {
    let mut m = Metrics {
        duration_seconds: duration,
        ..Metrics::default()
    };
    let (Some(first), Some(last)) = (activity.segments.first(), activity.segments.last()) else {
        return m;
    };
    let start = first.0 as f64 * frame_seconds;
    let end = (last.1 as f64 * frame_seconds).min(duration);
    m.first_word_seconds = start;
    m.trailing_silence_seconds = (duration - end).max(0.0);
    m.pauses = activity
        .segments
        .windows(2)
        .map(|w| Pause {
            start_seconds: w[0].1 as f64 * frame_seconds,
            end_seconds: w[1].0 as f64 * frame_seconds,
        })
        .collect();
    m.long_pauses = m
        .pauses
        .iter()
        .filter(|p| p.seconds() >= config.long_pause_seconds)
        .cloned()
        .collect();
    m.longest_pause_seconds = m.pauses.iter().map(Pause::seconds).fold(0.0, f64::max);
    let answer = end - start;
    m.speaking_seconds = answer - m.pauses.iter().map(Pause::seconds).sum::<f64>();
    m.syllables = syllables;
    if answer > 0.0 {
        m.speech_rate = syllables as f64 / answer;
    }
    // Until a transcript says otherwise (`Metrics::apply_transcript`).
    m.words_per_minute = Pace::of_syllables(syllables, m.answer_seconds()).words_per_minute;
    if m.speaking_seconds > 0.0 {
        m.articulation_rate = syllables as f64 / m.speaking_seconds;
    }
    m
}

/// Analyse a whole recording held in memory (tests, short clips).
pub fn analyze_samples(mono: &[i16], sample_rate: u32, config: &AnalysisConfig) -> Metrics {
    let mut analyzer = Analyzer::new(sample_rate, config.clone());
    for block in mono.chunks(8192) {
        analyzer.push(block);
    }
    analyzer.finish()
}
