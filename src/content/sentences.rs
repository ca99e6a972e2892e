//! An answer's sentences, as token ranges: what STAR and negative talk are
//! judged by. Whisper punctuates, but not reliably: a full stop may be
//! missing after a pause, or a minute of speech may come as one sentence
//! strung with commas. So a sentence ends at a full stop (question,
//! exclamation mark), at a silence of [`PAUSE_SECONDS`] between words or of
//! [`COMMA_PAUSE_SECONDS`] after a comma, and a
//! run-on longer than [`LONG_SENTENCE`] tokens is cut where a clause opener
//! ("so", "then", listed in `phrases/content.toml`) follows a comma, and a
//! piece still longer at its last comma or "and" within that length.

use std::collections::BTreeSet;
use std::ops::Range;

use super::words::Token;

/// A silence between two words this long ends a sentence, full stop or not.
/// Pauses inside a spoken sentence are mostly under 0.7 s; between
/// sentences a speaker breathes and the gap is longer (the evaluation
/// corpus, scripts/eval-feedback.sh, is split with this value).
pub(crate) const PAUSE_SECONDS: f64 = 1.0;

/// A comma followed by a silence this long ends a sentence too, when both
/// sides are at least [`MIN_PIECE`] tokens: the engine often writes a comma
/// where the speaker ended a sentence and breathed, while a comma inside a
/// sentence comes with a shorter pause (the synthetic timing of
/// src/content/eval.rs puts 0.6 s between sentences, 0.1 s between words).
pub(crate) const COMMA_PAUSE_SECONDS: f64 = 0.5;

/// A "sentence" of more tokens than this is a run-on the engine did not
/// split, cut at clause openers after a comma.
pub(crate) const LONG_SENTENCE: usize = 40;

/// No piece of a cut run-on is shorter than this many tokens.
const MIN_PIECE: usize = 6;

/// The sentences of `tokens`, in order, covering every token once.
pub(crate) fn sentences(tokens: &[Token], openers: &BTreeSet<String>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=tokens.len() {
        let gap = |i: usize| {
            if tokens[i].word == tokens[i - 1].word {
                0.0
            } else {
                tokens[i].start_seconds - tokens[i - 1].end_seconds
            }
        };
        let ends = i == tokens.len()
            || tokens[i].sentence_start
            || gap(i) >= PAUSE_SECONDS
            || (tokens[i].after_comma
                && gap(i) >= COMMA_PAUSE_SECONDS
                && i - start >= MIN_PIECE
                && tokens.len() - i >= MIN_PIECE);
        if ends {
            cut_run_on(tokens, start..i, openers, &mut out);
            start = i;
        }
    }
    out
}

/// Pushes `range`, cut at clause openers when it is a run-on.
fn cut_run_on(
    tokens: &[Token],
    range: Range<usize>,
    openers: &BTreeSet<String>,
    out: &mut Vec<Range<usize>>,
) {
    if range.len() <= LONG_SENTENCE {
        out.push(range);
        return;
    }
    let mut start = range.start;
    for i in range.clone() {
        if i - start >= MIN_PIECE
            && range.end - i >= MIN_PIECE
            && tokens[i].after_comma
            && openers.contains(&tokens[i].norm)
        {
            hard_cut(tokens, start..i, out);
            start = i;
        }
    }
    hard_cut(tokens, start..range.end, out);
}

/// Pushes `range`, cut near [`LONG_SENTENCE`] tokens when no opener split
/// it: at the last comma or "and" within that many tokens, else at that
/// many. A run-on with no punctuation and no pause would otherwise be one
/// "sentence": one STAR part for a whole story, and a cue in one clause
/// judged with a subject of another.
fn hard_cut(tokens: &[Token], range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let mut start = range.start;
    while range.end - start > LONG_SENTENCE {
        let limit = start + LONG_SENTENCE;
        let cut = (start + MIN_PIECE..=limit)
            .rev()
            .find(|&i| tokens[i].after_comma || tokens[i].norm == "and")
            .unwrap_or(limit);
        out.push(start..cut);
        start = cut;
    }
    out.push(start..range.end);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::words;
    use crate::content::words::tokens;
    use crate::transcript::Word;

    fn openers() -> BTreeSet<String> {
        ["so", "then"].into_iter().map(String::from).collect()
    }

    fn said(text: &str) -> Vec<String> {
        let t = tokens(&words(text));
        sentences(&t, &openers())
            .into_iter()
            .map(|r| {
                t[r].iter()
                    .map(|t| t.norm.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }

    #[test]
    fn an_unpunctuated_run_on_is_cut_near_the_long_sentence_length() {
        let text = "we had a leak in the roof of the warehouse and the boxes on the top shelf \
            got wet and my manager asked me to sort it and I moved every box to the other end \
            and I rang the roofer and he came the same day and fixed it and nothing else got wet";
        let t = tokens(&words(text));
        let s = sentences(&t, &openers());
        assert!(s.len() >= 2, "{s:?}");
        assert!(s.iter().all(|r| r.len() <= LONG_SENTENCE), "{s:?}");
        assert_eq!(s.iter().map(|r| r.len()).sum::<usize>(), t.len());
        // Cut before an "and".
        assert!(s[1..].iter().all(|r| t[r.start].norm == "and"), "{s:?}");
    }

    #[test]
    fn full_stops_end_sentences_but_not_abbreviations() {
        assert_eq!(
            said("I called Dr. Patel. She came? Yes! Done"),
            ["i called dr patel", "she came", "yes", "done"]
        );
    }

    #[test]
    fn a_long_silence_ends_a_sentence_without_a_full_stop() {
        let mut w = words("I rolled it back and then we waited");
        for later in &mut w[5..] {
            later.start_seconds += 1.5;
            later.end_seconds += 1.5;
        }
        let t = tokens(&w);
        let s = sentences(&t, &openers());
        assert_eq!(s, [0..5, 5..8]);
    }

    #[test]
    fn a_comma_and_a_breath_end_a_sentence_but_a_short_comma_pause_does_not() {
        let mut w = words("So I rolled it back quickly, and then we told the whole team about it");
        for later in &mut w[6..] {
            later.start_seconds += 0.3;
            later.end_seconds += 0.3;
        }
        let t = tokens(&w);
        assert_eq!(
            sentences(&t, &openers()),
            vec![0..15],
            "0.4 s after the comma"
        );
        for later in &mut w[6..] {
            later.start_seconds += 0.2;
            later.end_seconds += 0.2;
        }
        let t = tokens(&w);
        assert_eq!(
            sentences(&t, &openers()),
            [0..6, 6..15],
            "0.6 s after the comma"
        );
    }

    #[test]
    fn a_run_on_is_cut_at_openers_after_a_comma() {
        let long = "we had a lot of work on that week and the team was small, \
            so I asked two people from the next team to help us out for a while, \
            then I moved the hardest jobs to the morning when everyone was fresh \
            and it all went out on time in the end";
        let s = said(long);
        assert_eq!(s.len(), 3, "{s:?}");
        assert!(s[1].starts_with("so i asked") && s[2].starts_with("then i moved"));
        // Short sentences keep their commas.
        assert_eq!(said("It was late, so I stayed.").len(), 1);
    }

    #[test]
    fn every_token_is_in_one_sentence() {
        let t = tokens(&[Word {
            word: "Hello.".into(),
            start_seconds: 0.0,
            end_seconds: 0.2,
            probability: 1.0,
        }]);
        assert_eq!(sentences(&t, &openers()), vec![0..1]);
        assert!(sentences(&[], &openers()).is_empty());
    }
}
