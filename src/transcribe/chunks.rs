//! Where the engine listens, and whether what it wrote covers the speech
//! (issue 18: sentences vanished from transcripts).
//!
//! The recording's own voice activity (`analysis::voiced_stretches`, the
//! detector the delivery metrics use) decides three things here:
//! - the chunks decoded one call each: voiced stretches with a margin,
//!   long pauses shortened, cut at pauses, at most `MAX_CHUNK_SECONDS` of
//!   audio each. Silence that is no part of a chunk is never decoded, so the
//!   filler prompt cannot invent words on it;
//! - coverage: a voiced run of `MIN_UNCOVERED_SECONDS` or more with no word
//!   near it is speech the decoder skipped, and is decoded again;
//! - word times: a word whose end falls in a pause ends where the speech
//!   before the pause ends (DTW puts the last word before a pause at the next
//!   word's onset, docs/transcription.md).
//!
//! All pure functions on times, tested here; the engine does the decoding.

use crate::transcript::Word;

/// Longest chunk decoded in one call (seconds of audio, after pauses are
/// shortened): one Whisper window is 30 s; the margin keeps the last word
/// away from the window's edge.
pub const MAX_CHUNK_SECONDS: f64 = 29.0;
/// Audio kept before and after each voiced stretch: the detector's edges
/// can cut a weak onset or a final fricative. A pause longer than two
/// margins is so shortened to 1 s inside a chunk: it still sounds like a
/// pause, and long silence is where the decoder wanders.
const MARGIN_SECONDS: f64 = 0.5;
/// A chunk is not cut before it holds this much audio, so a pause early in
/// it does not make a chunk too short to carry context.
const MIN_CHUNK_SECONDS: f64 = MAX_CHUNK_SECONDS / 2.0;
/// Voiced time this long with no word is a failure of the decoder (issue 18).
pub const MIN_UNCOVERED_SECONDS: f64 = 1.0;
/// How far from a word's own times its sound may reach and still count as
/// covered: the DTW word ends of tiny.en are up to ~0.3 s off.
const COVER_TOLERANCE_SECONDS: f64 = 0.3;
/// A word end this little past the detector's end of a stretch is left
/// alone: the detector's thresholds can cut a decaying final sound short
/// (a LibriVox clip's last word, 0.34 s), while DTW's overruns into a
/// pause are longer.
const FIT_TOLERANCE_SECONDS: f64 = 0.25;
/// Fewer words than this per voiced second means the decoder skipped part
/// of the chunk even when every run has a word near it (slow speakers say
/// about 2 words a second of voiced time).
pub const MIN_WORDS_PER_VOICED_SECOND: f64 = 1.0;

/// One decoding call: pieces of the recording, joined in order. Between two
/// pieces the recording's pause is left out (the pieces keep a margin of
/// it, so the joined audio still pauses there).
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    /// `(start, end)` in the recording, in seconds, in order.
    pub spans: Vec<(f64, f64)>,
}

impl Chunk {
    /// Seconds of audio the chunk decodes.
    pub fn seconds(&self) -> f64 {
        self.spans.iter().map(|(s, e)| e - s).sum()
    }

    /// A time in the joined audio as a time in the recording.
    pub fn to_recording(&self, t: f64) -> f64 {
        let mut offset = 0.0;
        for (i, &(s, e)) in self.spans.iter().enumerate() {
            let len = e - s;
            if t < offset + len || i + 1 == self.spans.len() {
                return (s + (t - offset).max(0.0)).min(e);
            }
            offset += len;
        }
        0.0
    }

    /// The chunk's samples, joined, from the recording's (at `rate`).
    pub fn samples(&self, recording: &[f32], rate: u32) -> Vec<f32> {
        let at = |t: f64| ((t * f64::from(rate)).round() as usize).min(recording.len());
        let mut out = Vec::new();
        for &(s, e) in &self.spans {
            out.extend_from_slice(&recording[at(s)..at(e)]);
        }
        out
    }

    /// Where the chunk starts and ends in the recording.
    #[cfg(test)]
    fn bounds(&self) -> (f64, f64) {
        (
            self.spans.first().map_or(0.0, |s| s.0),
            self.spans.last().map_or(0.0, |s| s.1),
        )
    }
}

/// The chunks of a recording of `duration` seconds whose speech is
/// `voiced`; none when nothing is voiced.
pub fn plan(voiced: &[(f64, f64)], duration: f64) -> Vec<Chunk> {
    // Each stretch with its margin, long ones split (a stretch longer than
    // a chunk has no pause of even 0.25 s: rare, and cut where it must be).
    let mut units: Vec<(f64, f64)> = Vec::new();
    let longest = MAX_CHUNK_SECONDS - 2.0 * MARGIN_SECONDS;
    for &(s, e) in voiced {
        let pieces = ((e - s) / longest).ceil().max(1.0) as usize;
        let step = (e - s) / pieces as f64;
        for k in 0..pieces {
            let a = s + step * k as f64;
            let b = if k + 1 == pieces { e } else { a + step };
            units.push((
                (a - MARGIN_SECONDS).max(0.0),
                (b + MARGIN_SECONDS).min(duration),
            ));
        }
    }
    let mut chunks = Vec::new();
    let mut current: Vec<(f64, f64)> = Vec::new();
    for unit in units {
        current.push(unit);
        while joined(&current).seconds() > MAX_CHUNK_SECONDS && current.len() > 1 {
            // Cut at the longest pause once the chunk is long enough, else
            // at the last one.
            let mut best = current.len() - 1;
            let mut best_gap = f64::MIN;
            for k in 1..current.len() {
                let before = joined(&current[..k]);
                if before.seconds() > MAX_CHUNK_SECONDS {
                    break;
                }
                let gap = current[k].0 - current[k - 1].1;
                if before.seconds() >= MIN_CHUNK_SECONDS && gap > best_gap {
                    best = k;
                    best_gap = gap;
                }
            }
            chunks.push(joined(&current[..best]));
            current.drain(..best);
        }
    }
    if !current.is_empty() {
        chunks.push(joined(&current));
    }
    chunks
}

/// Units in order as one chunk: overlapping or touching units merge.
fn joined(units: &[(f64, f64)]) -> Chunk {
    let mut spans: Vec<(f64, f64)> = Vec::new();
    for &(s, e) in units {
        match spans.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => spans.push((s, e)),
        }
    }
    Chunk { spans }
}

/// The voiced stretches, clipped to a chunk's spans.
pub fn voiced_in(voiced: &[(f64, f64)], chunk: &Chunk) -> Vec<(f64, f64)> {
    let mut out = Vec::new();
    for &(vs, ve) in voiced {
        for &(s, e) in &chunk.spans {
            let (a, b) = (vs.max(s), ve.min(e));
            if b > a {
                out.push((a, b));
            }
        }
    }
    out
}

/// A sentence-sized piece is cut at a pause once it holds this much
/// voiced time; never longer than `MAX_PIECE_SECONDS`.
const MIN_PIECE_SECONDS: f64 = 3.0;
const MAX_PIECE_SECONDS: f64 = 10.0;
/// A pause this long ends a piece (sentence ends pause longer than commas).
const PIECE_PAUSE_SECONDS: f64 = 0.3;

/// The voiced stretches of a chunk grouped into sentence-sized pieces,
/// `(start, end)` in the recording: the unit a doubtful decoding is
/// decoded again in (`Decoding::redecode_unsure`).
pub fn pieces(voiced: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let mut out: Vec<(f64, f64)> = Vec::new();
    for &(s, e) in voiced {
        match out.last_mut() {
            Some(last)
                if (s - last.1 < PIECE_PAUSE_SECONDS || last.1 - last.0 < MIN_PIECE_SECONDS)
                    && e - last.0 <= MAX_PIECE_SECONDS =>
            {
                last.1 = e
            }
            _ => out.push((s, e)),
        }
    }
    out
}

/// Voiced runs of at least `MIN_UNCOVERED_SECONDS` that no word reaches.
pub fn uncovered(voiced: &[(f64, f64)], words: &[Word]) -> Vec<(f64, f64)> {
    let covers: Vec<(f64, f64)> = words
        .iter()
        .map(|w| {
            (
                w.start_seconds - COVER_TOLERANCE_SECONDS,
                w.end_seconds + COVER_TOLERANCE_SECONDS,
            )
        })
        .collect();
    let mut out = Vec::new();
    for &(s, e) in voiced {
        // Subtract every cover from [s, e); covers are in time order.
        let mut from = s;
        for &(cs, ce) in &covers {
            if ce <= from || cs >= e {
                continue;
            }
            if cs > from {
                out.push((from, cs));
            }
            from = from.max(ce);
        }
        if from < e {
            out.push((from, e));
        }
    }
    out.retain(|(a, b)| b - a >= MIN_UNCOVERED_SECONDS);
    out
}

/// Whether a chunk's words look complete for its voiced time: no long
/// uncovered run, not too few words, and no decoding loop.
pub fn covers(voiced: &[(f64, f64)], words: &[Word]) -> bool {
    let voiced_seconds: f64 = voiced.iter().map(|(s, e)| e - s).sum();
    uncovered(voiced, words).is_empty()
        && words.len() as f64 >= voiced_seconds * MIN_WORDS_PER_VOICED_SECOND
        && !loops(words)
}

/// A phrase said this many times in a row is a decoding loop, not speech
/// (greedy decoding can repeat "and I looked at the phone" to the end of a
/// window: measured on espeak-ng en-us+f1, docs/transcription.md). People
/// repeat a word or two ("I, I, I"), not a phrase four times over.
const LOOP_REPEATS: usize = 4;
/// A loop spans at least this many words, so a stammered word ("I, I, I,
/// I") is not one.
const LOOP_MIN_WORDS: usize = 8;

/// Whether the words hold a decoding loop: a phrase of one to twelve words
/// repeated back to back `LOOP_REPEATS` times, over `LOOP_MIN_WORDS` words
/// or more (compared without case or punctuation).
pub fn loops(words: &[Word]) -> bool {
    let bare: Vec<String> = words
        .iter()
        .map(|w| {
            w.word
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect::<String>()
                .to_lowercase()
        })
        .collect();
    for n in 1..=12 {
        if n * LOOP_REPEATS < LOOP_MIN_WORDS {
            continue;
        }
        let mut run = 0;
        for i in n..bare.len() {
            run = if bare[i] == bare[i - n] { run + 1 } else { 0 };
            if run + n >= n * LOOP_REPEATS {
                return true;
            }
        }
    }
    false
}

/// Total seconds of voiced time no word reaches (to compare two decodings).
pub fn uncovered_seconds(voiced: &[(f64, f64)], words: &[Word]) -> f64 {
    uncovered(voiced, words).iter().map(|(s, e)| e - s).sum()
}

/// Word times checked against the speech: a word that ends in a pause
/// (more than `FIT_TOLERANCE_SECONDS` past the speech) ends where the
/// speech before it ends; one that starts in a pause starts
/// where the speech after it starts. Order is kept (each word starts at or
/// after the one before ends).
pub fn fit_to_speech(words: &mut [Word], voiced: &[(f64, f64)]) {
    if voiced.is_empty() {
        return;
    }
    let mut previous_end = 0.0f64;
    for w in words.iter_mut() {
        let end = w.end_seconds;
        // The last stretch starting before the end (a word "ending" at the
        // next stretch's onset ends in the pause).
        let k = voiced.partition_point(|&(s, _)| s < end);
        if k > 0 && end > voiced[k - 1].1 + FIT_TOLERANCE_SECONDS {
            w.end_seconds = voiced[k - 1].1;
        }
        let start = w.start_seconds;
        let j = voiced.partition_point(|&(_, e)| e <= start);
        if j < voiced.len() && start < voiced[j].0 && voiced[j].0 <= w.end_seconds {
            w.start_seconds = voiced[j].0;
        }
        w.end_seconds = round_ms(w.end_seconds.max(previous_end));
        w.start_seconds = round_ms(w.start_seconds.max(previous_end).min(w.end_seconds));
        previous_end = w.end_seconds;
    }
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(start: f64, end: f64) -> Word {
        Word {
            word: "w".into(),
            start_seconds: start,
            end_seconds: end,
            probability: 0.9,
        }
    }

    #[test]
    fn silence_has_no_chunk_and_pauses_are_shortened() {
        assert!(plan(&[], 60.0).is_empty());
        // Speech at 2-5 s and 12-15 s of a 20 s recording: one chunk, the
        // 7 s pause kept as 1 s.
        let c = plan(&[(2.0, 5.0), (12.0, 15.0)], 20.0);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].spans, vec![(1.5, 5.5), (11.5, 15.5)]);
        assert!((c[0].seconds() - 8.0).abs() < 1e-9);
        assert!((c[0].to_recording(0.0) - 1.5).abs() < 1e-9);
        assert!((c[0].to_recording(4.5) - 12.0).abs() < 1e-9);
        assert!((c[0].to_recording(99.0) - 15.5).abs() < 1e-9);
        // A short pause is kept whole.
        let c = plan(&[(1.0, 3.0), (3.6, 5.0)], 6.0);
        assert_eq!(c[0].spans, vec![(0.5, 5.5)]);
    }

    #[test]
    fn chunks_are_cut_at_the_longest_pause_and_stay_short() {
        // 3 s sentences with 0.4 s pauses, one 1.5 s pause at 18.5 s.
        let mut voiced = Vec::new();
        let mut t = 0.5;
        for i in 0..20 {
            voiced.push((t, t + 3.0));
            t += 3.0 + if i == 5 { 1.5 } else { 0.4 };
        }
        let chunks = plan(&voiced, t + 1.0);
        assert!(chunks.len() >= 3, "{chunks:?}");
        for c in &chunks {
            assert!(c.seconds() <= MAX_CHUNK_SECONDS + 1e-9, "{c:?}");
        }
        // The first cut falls in the long pause.
        let first_end = chunks[0].bounds().1;
        assert!(
            (voiced[5].1..voiced[6].0 + 0.01).contains(&first_end),
            "{first_end}"
        );
        // Every voiced second is in exactly one chunk.
        for &(s, e) in &voiced {
            let mid = (s + e) / 2.0;
            let n = chunks
                .iter()
                .filter(|c| c.spans.iter().any(|&(a, b)| a <= mid && mid < b))
                .count();
            assert_eq!(n, 1, "{mid}");
        }
        // A stretch with no pause at all is split.
        let long = plan(&[(0.0, 70.0)], 70.0);
        assert_eq!(long.len(), 3);
    }

    #[test]
    fn samples_of_a_chunk_are_its_spans_joined() {
        let rec: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let c = Chunk {
            spans: vec![(0.1, 0.2), (0.5, 0.6)],
        };
        let s = c.samples(&rec, 100);
        assert_eq!(
            s,
            [
                10., 11., 12., 13., 14., 15., 16., 17., 18., 19., 50., 51., 52., 53., 54., 55.,
                56., 57., 58., 59.
            ]
        );
    }

    #[test]
    fn a_voiced_second_without_a_word_is_uncovered() {
        let voiced = [(1.0, 4.0), (5.0, 5.5)];
        let words = [word(1.0, 1.4), word(1.4, 1.9)];
        // 2.2 to 4.0 has no word; the short stretch does not count.
        let u = uncovered(&voiced, &words);
        assert_eq!(u.len(), 1);
        assert!((u[0].0 - 2.2).abs() < 1e-9 && u[0].1 == 4.0, "{u:?}");
        assert!(!covers(&voiced, &words));
        let all = [
            word(1.0, 1.5),
            word(1.5, 2.2),
            word(2.2, 3.0),
            word(3.0, 3.9),
        ];
        assert!(uncovered(&voiced, &all).is_empty());
        assert!(covers(&voiced, &all));
        // Every run has a word near it, but 1 word for 3.5 s is too few.
        let sparse = [word(1.0, 4.0)];
        assert!(uncovered(&voiced, &sparse).is_empty());
        assert!(!covers(&voiced, &sparse));
    }

    #[test]
    fn pieces_are_sentence_sized_and_cut_at_pauses() {
        // 1 s words with 0.1 s gaps, a 0.5 s pause after 4 s of speech.
        let voiced = [
            (0.0, 1.0),
            (1.1, 2.0),
            (2.1, 3.0),
            (3.1, 4.0),
            (4.5, 5.5),
            (5.6, 6.5),
        ];
        assert_eq!(pieces(&voiced), vec![(0.0, 4.0), (4.5, 6.5)]);
        // Short stretches join the piece before them even across a pause.
        assert_eq!(pieces(&[(0.0, 1.0), (2.0, 3.0)]), vec![(0.0, 3.0)]);
        // No piece runs past 10 s.
        let long: Vec<(f64, f64)> = (0..30).map(|i| (i as f64, i as f64 + 0.95)).collect();
        assert!(pieces(&long).iter().all(|(s, e)| e - s <= 10.0));
        assert!(pieces(&[]).is_empty());
    }

    #[test]
    fn a_phrase_said_over_and_over_is_a_loop() {
        let said = |text: &str| -> Vec<Word> {
            text.split_whitespace()
                .map(|t| Word {
                    word: t.into(),
                    ..word(0.0, 0.1)
                })
                .collect()
        };
        assert!(loops(&said(
            "Turned out the phone and then I looked at the phone and I looked at the phone and I looked at the phone and I looked at the phone and I looked at the phone"
        )));
        assert!(loops(&said("no no no no no no no no")));
        assert!(!loops(&said("I, I, I think it was, it was fine")));
        assert!(!loops(&said(
            "we tried, we tried again, and we tried once more"
        )));
        assert!(!loops(&said(
            "the phone rang and I looked at the phone and I looked away"
        )));
    }

    #[test]
    fn word_ends_in_a_pause_go_back_to_the_speech() {
        let voiced = [(0.5, 2.0), (3.5, 5.0)];
        // The last word before the pause "ends" at the next onset.
        let mut w = vec![
            word(0.5, 1.2),
            word(1.2, 3.5),
            word(3.5, 4.2),
            word(4.2, 5.3),
        ];
        fit_to_speech(&mut w, &voiced);
        assert_eq!(w[1].end_seconds, 2.0);
        assert_eq!(w[2].start_seconds, 3.5);
        assert_eq!(w[3].end_seconds, 5.0);
        // A word starting in the pause starts with the speech.
        let mut w = vec![word(0.5, 2.0), word(2.5, 4.0)];
        fit_to_speech(&mut w, &voiced);
        assert_eq!(w[1].start_seconds, 3.5);
        for pair in w.windows(2) {
            assert!(pair[0].end_seconds <= pair[1].start_seconds);
        }
    }
}
