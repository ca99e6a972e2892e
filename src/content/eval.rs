//! The content feedback measured like a classifier: the evaluation corpus
//! (`eval/stories.toml`, `eval/negative.toml`, written as people talk and
//! labelled by a coach's judgment) run through [`content`], and the
//! precision and recall of STAR parts by sentence, `no_star`, `no_result`
//! and negative talk. Printed by `examples/eval_feedback.rs`
//! (scripts/eval-feedback.sh) and held by the tests below.
//!
//! The corpus is text. Its answers become transcript words two ways: as
//! written (the engine's punctuation intact), and as Whisper often gives
//! them (no full stop between sentences, only the pause), so that the
//! sentence splitting is measured too; a third way, one run-on strung with
//! commas, is reported as the worst case.
//!
//! Held-out sets (eval/README.md): batch 1's every fourth answer (and pair
//! of negative-talk sentences), held out while the first rules were tuned;
//! each later batch held out at its first run, tuning data once the next
//! one is written. The held-out set is always the highest batch number
//! present ([`held_out_batch`]): committed before the rules are run on it,
//! never read while tuning, its mistakes never printed. Figures are
//! reported for each [`Subset`]. The review set (`eval/review-*.toml`),
//! written against the rules to find their mistakes, is scored apart: a
//! regression set, not evidence.

use serde::Deserialize;

use super::{content, star::PARTS, ContentRules};
use crate::transcript::Word;

/// The shipped corpus, compiled in so the tests need no file.
pub const STORIES: &str = include_str!("../../eval/stories.toml");
pub const NEGATIVE: &str = include_str!("../../eval/negative.toml");
/// The review set: adversarial, written knowing the rules.
pub const REVIEW_STORIES: &str = include_str!("../../eval/review-stories.toml");
pub const REVIEW_NEGATIVE: &str = include_str!("../../eval/review-negative.toml");

/// Seconds of a word, the gap after it, and the silence between sentences
/// as spoken: a breath (under the sentence pause) when the full stop is
/// written, a clear pause when only the pause marks the end.
const WORD_SECONDS: f64 = 0.3;
const WORD_GAP: f64 = 0.1;
const SENTENCE_GAP_WRITTEN: f64 = 0.6;
const SENTENCE_GAP_SPOKEN: f64 = 1.2;

/// Every `HELD_OUT`th item (the 4th, 8th, ...) of batch 1 was held out.
const HELD_OUT: usize = 4;

fn first_batch() -> u32 {
    1
}

/// The batches read while tuning: tuning data, whatever else is present.
/// Raised when the held-out batch's mistakes are first read (the batch
/// after it is then written and becomes the held-out set).
pub const READ_THROUGH_BATCH: u32 = 4;

/// The held-out batch: the highest batch number present in either file,
/// when it is above [`READ_THROUGH_BATCH`]; none while every batch present
/// has been read. Each new batch is written, committed and appended before
/// the rules are run on it (eval/README.md), so no constant names it: the
/// next one is held out the moment it lands.
pub fn held_out_batch(answers: &[Answer], sentences: &[Labelled]) -> Option<u32> {
    answers
        .iter()
        .map(|a| a.batch)
        .chain(sentences.iter().map(|s| s.batch))
        .max()
        .filter(|&b| b > READ_THROUGH_BATCH)
}

/// The highest batch number present.
fn highest_batch(answers: &[Answer], sentences: &[Labelled]) -> u32 {
    answers
        .iter()
        .map(|a| a.batch)
        .chain(sentences.iter().map(|s| s.batch))
        .max()
        .unwrap_or(1)
}

/// A named part of the corpus, for the figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subset {
    /// Everything.
    All,
    /// What the rules are tuned on: every batch but the held-out one, if
    /// any (batch 1's old held-out quarter and the earlier held-out
    /// batches included, since their mistakes have been read).
    TunedOn { held_out: Option<u32> },
    /// Batch 1's every fourth answer / pair: held out while the first rules
    /// were tuned.
    OldHeldOut,
    /// One batch of the tuned-on part (2 and later: held out at its first
    /// run, read since).
    Batch(u32),
    /// The held-out batch: never read while tuning, its mistakes never
    /// printed.
    HeldOut(u32),
}

impl Subset {
    /// The subsets reported for the corpus `answers` and `sentences`: the
    /// whole, the tuned-on part, batch 1's old quarter, each tuned-on
    /// batch, the held-out batch ([`held_out_batch`]).
    pub fn all(answers: &[Answer], sentences: &[Labelled]) -> Vec<Subset> {
        let held_out = held_out_batch(answers, sentences);
        let mut out = vec![
            Subset::All,
            Subset::TunedOn { held_out },
            Subset::OldHeldOut,
        ];
        out.extend(
            (1..=highest_batch(answers, sentences))
                .filter(|&b| Some(b) != held_out)
                .map(Subset::Batch),
        );
        out.extend(held_out.map(Subset::HeldOut));
        out
    }

    pub fn name(self) -> String {
        match self {
            Subset::All => "all".into(),
            Subset::TunedOn { held_out: Some(h) } => {
                format!("tuned on (every batch but {h})")
            }
            Subset::TunedOn { held_out: None } => "tuned on (every batch: none is held out)".into(),
            Subset::OldHeldOut => "old held out (batch 1, every 4th)".into(),
            Subset::Batch(1) => "batch 1 (the first corpus)".into(),
            Subset::Batch(b) => format!("batch {b} (held out, then tuned on)"),
            Subset::HeldOut(b) => format!("held out (batch {b})"),
        }
    }

    /// Whether its mistakes may be listed (`--mistakes`): the tuned-on
    /// part's only, so the held-out batch stays unread.
    pub fn lists_mistakes(self) -> bool {
        matches!(self, Subset::TunedOn { .. })
    }

    /// Whether an item of `batch` belongs to the subset; `old_held_out`:
    /// its place in the file was in batch 1's held-out part.
    fn keeps(self, old_held_out: bool, batch: u32) -> bool {
        match self {
            Subset::All => true,
            Subset::TunedOn { held_out } => Some(batch) != held_out,
            Subset::OldHeldOut => batch == 1 && old_held_out,
            Subset::Batch(b) | Subset::HeldOut(b) => batch == b,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stories {
    answer: Vec<Answer>,
}

/// One answer of the corpus.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    pub id: String,
    pub question: String,
    pub story: bool,
    /// 1: the first corpus; 2 and later: written later (eval/README.md).
    #[serde(default = "first_batch")]
    pub batch: u32,
    #[serde(default)]
    pub no_star: bool,
    #[serde(default)]
    pub no_result: bool,
    /// (part, sentence) in the order said.
    pub sentences: Vec<(String, String)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Sentences {
    sentence: Vec<Labelled>,
}

/// One sentence of the negative-talk set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labelled {
    pub text: String,
    /// 1: the first set; 2 and later: written later (eval/README.md).
    #[serde(default = "first_batch")]
    pub batch: u32,
    pub negative: bool,
}

/// The answers of a stories file.
pub fn parse_stories(text: &str) -> Result<Vec<Answer>, toml::de::Error> {
    Ok(toml::from_str::<Stories>(text)?.answer)
}

/// The sentences of a negative-talk file.
pub fn parse_negative(text: &str) -> Result<Vec<Labelled>, toml::de::Error> {
    Ok(toml::from_str::<Sentences>(text)?.sentence)
}

/// How the corpus's text becomes transcript words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transcription {
    /// Punctuation as written.
    Written,
    /// No full stop, question or exclamation mark between sentences: only
    /// a pause of 1.2 s (`SENTENCE_GAP_SPOKEN`) marks the end.
    PausesOnly,
    /// The worst case: a comma where each full stop was and no pause
    /// longer than a breath, so the answer is one run-on the splitter must
    /// cut at clause openers. Reported, not held to the bounds.
    RunOn,
}

/// Hits and misses of one yes/no verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    pub true_positive: u32,
    pub false_positive: u32,
    pub false_negative: u32,
}

impl Counts {
    pub fn add(&mut self, predicted: bool, labelled: bool) {
        match (predicted, labelled) {
            (true, true) => self.true_positive += 1,
            (true, false) => self.false_positive += 1,
            (false, true) => self.false_negative += 1,
            (false, false) => {}
        }
    }

    /// 1 when nothing was predicted (no false alarm was raised).
    pub fn precision(&self) -> f64 {
        let p = self.true_positive + self.false_positive;
        if p == 0 {
            1.0
        } else {
            self.true_positive as f64 / p as f64
        }
    }

    /// 1 when nothing was to be found.
    pub fn recall(&self) -> f64 {
        let l = self.true_positive + self.false_negative;
        if l == 0 {
            1.0
        } else {
            self.true_positive as f64 / l as f64
        }
    }

    /// `precision 93.1 % (27/29) · recall 87.1 % (27/31)`.
    pub fn line(&self) -> String {
        format!(
            "precision {:5.1} % ({}/{}) · recall {:5.1} % ({}/{})",
            100.0 * self.precision(),
            self.true_positive,
            self.true_positive + self.false_positive,
            100.0 * self.recall(),
            self.true_positive,
            self.true_positive + self.false_negative,
        )
    }
}

/// The STAR figures of a set of answers.
#[derive(Debug, Clone, Default)]
pub struct StarFigures {
    /// Per part of [`PARTS`], over the sentences of story answers.
    pub parts: [Counts; 5],
    pub no_star: Counts,
    pub no_result: Counts,
    /// Sentences scored, answers scored.
    pub sentences: u32,
    pub answers: u32,
    /// Answers whose `no_star` or `no_result` verdict differs from the
    /// label: (answer id, flag, raised).
    pub flag_mistakes: Vec<(String, &'static str, bool)>,
    /// Labelled sentences given another part: (answer id, labelled part,
    /// predicted part, sentence).
    pub mistakes: Vec<(String, String, String, String)>,
}

/// Words of `answer`'s sentences, one after another, and the word range of
/// each sentence.
pub fn words_of(answer: &Answer, how: Transcription) -> (Vec<Word>, Vec<std::ops::Range<usize>>) {
    let mut words = Vec::new();
    let mut ranges = Vec::new();
    let mut at = 0.0;
    for (_, text) in &answer.sentences {
        let start = words.len();
        let said: Vec<&str> = text.split_whitespace().collect();
        for (i, w) in said.iter().enumerate() {
            let last = i + 1 == said.len();
            let word = match how {
                Transcription::PausesOnly if last => {
                    w.trim_end_matches(['.', '?', '!']).to_string()
                }
                Transcription::RunOn if last => {
                    format!("{},", w.trim_end_matches(['.', '?', '!', ',']))
                }
                _ => w.to_string(),
            };
            words.push(Word {
                word,
                start_seconds: at,
                end_seconds: at + WORD_SECONDS,
                probability: 0.9,
            });
            at += WORD_SECONDS + WORD_GAP;
        }
        at += match how {
            Transcription::Written | Transcription::RunOn => SENTENCE_GAP_WRITTEN,
            Transcription::PausesOnly => SENTENCE_GAP_SPOKEN,
        };
        ranges.push(start..words.len());
    }
    (words, ranges)
}

/// Scores the answers of `subset`.
pub fn star_figures(
    answers: &[Answer],
    rules: &ContentRules,
    how: Transcription,
    subset: Subset,
) -> StarFigures {
    let mut f = StarFigures::default();
    for (_, answer) in answers
        .iter()
        .enumerate()
        .filter(|(i, a)| subset.keeps(held_out(*i), a.batch))
    {
        let (words, ranges) = words_of(answer, how);
        let c = content(
            &words,
            None,
            &rules.phrases,
            &rules.thresholds,
            answer.story,
        );
        let flagged = |code: &str| c.flags.iter().any(|f| f.code == code);
        f.answers += 1;
        for (code, labelled) in [("no_star", answer.no_star), ("no_result", answer.no_result)] {
            if flagged(code) != (answer.story && labelled) {
                f.flag_mistakes
                    .push((answer.id.clone(), code, flagged(code)));
            }
        }
        f.no_star
            .add(flagged("no_star"), answer.story && answer.no_star);
        f.no_result
            .add(flagged("no_result"), answer.story && answer.no_result);
        if !answer.story {
            continue;
        }
        // Each word's predicted part, then each labelled sentence's
        // majority part: the splitting may differ from the labels.
        let mut word_part = vec![PARTS.len() - 1; words.len()];
        for s in &c.star.sentences {
            let part = PARTS
                .iter()
                .position(|p| *p == s.part)
                .unwrap_or(PARTS.len() - 1);
            for w in word_part.iter_mut().take(s.word_end).skip(s.word_start) {
                *w = part;
            }
        }
        for ((label, text), range) in answer.sentences.iter().zip(ranges) {
            let mut votes = [0usize; 5];
            for &p in &word_part[range] {
                votes[p] += 1;
            }
            let predicted = (0..PARTS.len())
                .max_by_key(|&p| (votes[p], usize::MAX - p))
                .unwrap_or(4);
            let labelled = PARTS
                .iter()
                .position(|p| p == label)
                .unwrap_or(PARTS.len() - 1);
            f.sentences += 1;
            for (p, counts) in f.parts.iter_mut().enumerate() {
                counts.add(predicted == p, labelled == p);
            }
            if predicted != labelled {
                f.mistakes.push((
                    answer.id.clone(),
                    label.clone(),
                    PARTS[predicted].to_string(),
                    text.clone(),
                ));
            }
        }
    }
    f
}

/// The negative-talk figures of the sentences of `subset`, and the
/// sentences judged wrongly: (labelled negative, text).
pub fn negative_figures(
    sentences: &[Labelled],
    rules: &ContentRules,
    subset: Subset,
) -> (Counts, Vec<(bool, String)>) {
    let mut counts = Counts::default();
    let mut wrong = Vec::new();
    for (_, s) in sentences
        .iter()
        .enumerate()
        .filter(|(i, s)| subset.keeps(held_out_pair(*i), s.batch))
    {
        let predicted = judged_negative(&s.text, rules);
        counts.add(predicted, s.negative);
        if predicted != s.negative {
            wrong.push((s.negative, s.text.clone()));
        }
    }
    (counts, wrong)
}

/// How many sentences of the story answers of `subset` `rules` call
/// negative talk, each judged alone, and how many there are. The stories
/// carry no negative-talk label and are told as ordinary answers: nearly
/// every sentence flagged is a false accusation.
pub fn story_sentences_flagged(
    answers: &[Answer],
    rules: &ContentRules,
    subset: Subset,
) -> (u32, u32) {
    let mut flagged = 0;
    let mut total = 0;
    for (_, a) in answers
        .iter()
        .enumerate()
        .filter(|(i, a)| a.story && subset.keeps(held_out(*i), a.batch))
    {
        for (_, text) in &a.sentences {
            total += 1;
            flagged += u32::from(judged_negative(text, rules));
        }
    }
    (flagged, total)
}

/// Whether `rules` (with their sentence-model judge, when they have one)
/// find negative talk in `text`, said one word after another.
pub fn judged_negative(text: &str, rules: &ContentRules) -> bool {
    let words: Vec<Word> = text
        .split_whitespace()
        .enumerate()
        .map(|(i, w)| Word {
            word: w.to_string(),
            start_seconds: i as f64 * (WORD_SECONDS + WORD_GAP),
            end_seconds: i as f64 * (WORD_SECONDS + WORD_GAP) + WORD_SECONDS,
            probability: 0.9,
        })
        .collect();
    !rules.apply(&words, None, true).negatives.is_empty()
}

/// Whether answer `index` of eval/stories.toml was in batch 1's held-out
/// part: every fourth.
fn held_out(index: usize) -> bool {
    index % HELD_OUT == HELD_OUT - 1
}

/// Whether sentence `index` of eval/negative.toml was in batch 1's held-out
/// part: every fourth pair, since the file alternates a negative and an
/// innocent sentence (every fourth sentence alone would hold out innocent
/// ones only).
fn held_out_pair(index: usize) -> bool {
    held_out(index / 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 18's bounds: each part's precision and recall at least 85 %,
    /// the flags' precision at least 90 %, negative recall at least 85 %
    /// and precision at least 95 %. All are held on the tuned-on part
    /// (every batch but the highest); on the whole corpus the precision
    /// bounds of the verdicts a person is told (`no_star`, `no_result`,
    /// negative), since a wrong criticism is worse than none. The held-out
    /// batch alone is reported (scripts/eval-feedback.sh, docs/metrics.md),
    /// not held: a test on it would make it tuning data.
    const PART_FLOOR: [(f64, f64); 4] = [(0.85, 0.85); 4];
    const FLAG_PRECISION_FLOOR: [(&str, f64); 2] = [("no_star", 0.90), ("no_result", 0.90)];
    const NEGATIVE_RECALL_BOUND: f64 = 0.85;
    const NEGATIVE_PRECISION_BOUND: f64 = 0.95;

    fn rules() -> ContentRules {
        ContentRules::default()
    }

    fn corpus() -> (Vec<Answer>, Vec<Labelled>, Option<u32>) {
        let answers = parse_stories(STORIES).unwrap();
        let sentences = parse_negative(NEGATIVE).unwrap();
        let held_out = held_out_batch(&answers, &sentences);
        (answers, sentences, held_out)
    }

    #[test]
    fn the_corpus_is_as_large_as_promised() {
        let (answers, sentences, _) = corpus();
        let highest = highest_batch(&answers, &sentences);
        let stories: Vec<&Answer> = answers.iter().filter(|a| a.story).collect();
        assert!(stories.len() >= 40, "{} story answers", stories.len());
        for a in &stories {
            let words: usize = a
                .sentences
                .iter()
                .map(|(_, s)| s.split_whitespace().count())
                .sum();
            assert!((40..=250).contains(&words), "{}: {words} words", a.id);
            for (part, _) in &a.sentences {
                assert!(PARTS.contains(&part.as_str()), "{}: part {part}", a.id);
            }
        }
        assert!(answers.iter().any(|a| !a.story));
        assert!(sentences.iter().filter(|s| s.negative).count() >= 30);
        assert!(sentences.iter().filter(|s| !s.negative).count() >= 30);
        // Batches are numbered from 1 without a gap, so the highest is the
        // newest.
        assert!(highest >= READ_THROUGH_BATCH);
        for batch in 1..=highest {
            assert!(
                answers.iter().any(|a| a.batch == batch)
                    || sentences.iter().any(|s| s.batch == batch),
                "batch {batch} is missing below batch {highest}"
            );
        }
        // The later batches are as large as they were written to be:
        // (batch, stories, with no result, no STAR story, negative and
        // innocent sentences each).
        for (batch, least, no_result, no_star, negatives, innocents) in [
            (2, 30, 6, 5, 15, 15),
            (3, 25, 5, 5, 12, 12),
            (4, 25, 5, 4, 20, 25),
        ] {
            let new: Vec<&&Answer> = stories.iter().filter(|a| a.batch == batch).collect();
            assert!(new.len() >= least, "batch {batch}: {} stories", new.len());
            assert!(new.iter().filter(|a| a.no_result).count() >= no_result);
            assert!(new.iter().filter(|a| a.no_star).count() >= no_star);
            let said = sentences.iter().filter(|s| s.batch == batch);
            let negative = said.clone().filter(|s| s.negative).count();
            assert!(
                negative >= negatives && said.count() - negative >= innocents,
                "batch {batch}"
            );
        }
    }

    #[test]
    fn the_highest_batch_is_held_out_whatever_it_is() {
        // A batch appended after the shipped ones becomes the held-out set,
        // and every shipped batch the tuned-on part; only the tuned-on
        // part's mistakes may be listed.
        let (answers, sentences, _) = corpus();
        let next = highest_batch(&answers, &sentences).max(READ_THROUGH_BATCH) + 1;
        let appended = format!(
            "{STORIES}\n[[answer]]\nid = \"appended\"\nquestion = \"q\"\nstory = true\nbatch = {next}\nsentences = [[\"action\", \"I rang the supplier and we sorted it out.\"]]\n"
        );
        let more = parse_stories(&appended).unwrap();
        assert_eq!(held_out_batch(&more, &sentences), Some(next));
        let subsets = Subset::all(&more, &sentences);
        let tuned_on = Subset::TunedOn {
            held_out: Some(next),
        };
        assert!(subsets.contains(&Subset::HeldOut(next)) && subsets.contains(&tuned_on));
        assert!(subsets.contains(&Subset::Batch(next - 1)));
        assert!(!subsets.contains(&Subset::Batch(next)));
        let tuned = star_figures(&more, &rules(), Transcription::Written, tuned_on);
        assert_eq!(tuned.answers as usize, answers.len());
        let held = star_figures(
            &more,
            &rules(),
            Transcription::Written,
            Subset::HeldOut(next),
        );
        assert_eq!(held.answers, 1);
        for subset in subsets {
            assert_eq!(
                subset.lists_mistakes(),
                subset == tuned_on,
                "{}",
                subset.name()
            );
            assert!(!subset.lists_mistakes() || !subset.keeps(false, next));
        }
        // Read batches are never held out: with none above them, every
        // batch is tuned on.
        let read: Vec<Answer> = answers
            .iter()
            .filter(|a| a.batch <= READ_THROUGH_BATCH)
            .cloned()
            .collect();
        let read_sentences: Vec<Labelled> = sentences
            .iter()
            .filter(|s| s.batch <= READ_THROUGH_BATCH)
            .cloned()
            .collect();
        assert_eq!(held_out_batch(&read, &read_sentences), None);
    }

    fn assert_star_bounds(answers: &[Answer], subset: Subset, parts: bool) {
        for how in [Transcription::Written, Transcription::PausesOnly] {
            let f = star_figures(answers, &rules(), how, subset);
            for (p, counts) in f.parts.iter().enumerate().take(4).filter(|_| parts) {
                let (precision, recall) = PART_FLOOR[p];
                assert!(
                    counts.precision() >= precision && counts.recall() >= recall,
                    "{} {how:?} {}: {}",
                    subset.name(),
                    PARTS[p],
                    counts.line()
                );
            }
            for (name, floor) in FLAG_PRECISION_FLOOR {
                let counts = if name == "no_star" {
                    f.no_star
                } else {
                    f.no_result
                };
                assert!(
                    counts.precision() >= floor && counts.true_positive > 0,
                    "{} {how:?} {name}: {}",
                    subset.name(),
                    counts.line()
                );
            }
        }
    }

    #[test]
    fn star_parts_and_flags_hold_the_issue_bounds() {
        let (answers, _, held_out) = corpus();
        assert_star_bounds(&answers, Subset::TunedOn { held_out }, true);
        assert_star_bounds(&answers, Subset::All, false);
    }

    #[test]
    fn negative_talk_holds_its_bounds() {
        // Both bounds on the tuned-on part; precision, the bound that
        // protects the user from a wrong criticism, on the whole corpus.
        let (_, sentences, held_out) = corpus();
        let (tuned, wrong) = negative_figures(&sentences, &rules(), Subset::TunedOn { held_out });
        assert!(
            tuned.recall() >= NEGATIVE_RECALL_BOUND
                && tuned.precision() >= NEGATIVE_PRECISION_BOUND,
            "{}: {wrong:#?}",
            tuned.line()
        );
        let (all, wrong) = negative_figures(&sentences, &rules(), Subset::All);
        assert!(
            all.precision() >= NEGATIVE_PRECISION_BOUND,
            "{}: {wrong:#?}",
            all.line()
        );
    }

    #[test]
    fn negative_talk_with_the_sentence_model_holds_its_bounds() {
        // The judge (rules and sentence model, as phrases/negative-
        // embedding.toml combines them) on the tuned-on part, the batches
        // it was trained on; the held-out batch is reported, not held.
        let Some(embedder) = crate::semantic::test_embedder() else {
            return;
        };
        let judged = ContentRules {
            negative_judge: Some(super::super::NegativeJudge::new(embedder)),
            ..rules()
        };
        let (_, sentences, held_out) = corpus();
        let (tuned, wrong) = negative_figures(&sentences, &judged, Subset::TunedOn { held_out });
        assert!(
            tuned.recall() >= NEGATIVE_RECALL_BOUND
                && tuned.precision() >= NEGATIVE_PRECISION_BOUND,
            "{}: {wrong:#?}",
            tuned.line()
        );
        // The review set's innocent sentences, written to trip the rules
        // (never trained on): the judge may accuse no larger share of them
        // than the precision bound leaves for false accusations.
        let review = parse_negative(REVIEW_NEGATIVE).unwrap();
        let (c, wrong) = negative_figures(&review, &judged, Subset::All);
        assert!(
            f64::from(c.false_positive) <= (1.0 - NEGATIVE_PRECISION_BOUND) * review.len() as f64,
            "{wrong:#?}"
        );
    }

    #[test]
    fn the_review_set_accuses_nobody() {
        // Innocent sentences written to trip the rules: a customer's or a
        // patient's difficulty solved, "the worst mistake I made", a victim
        // after "screamed at", "we" criticising ourselves.
        let sentences = parse_negative(REVIEW_NEGATIVE).unwrap();
        assert!(sentences.len() >= 20 && sentences.iter().all(|s| !s.negative));
        let (c, wrong) = negative_figures(&sentences, &rules(), Subset::All);
        assert_eq!(c.false_positive, 0, "{wrong:#?}");
    }
}
