//! The content of one answer: what the words say about how it was told.
//! The types are stored in `session.json` (field names are part of its
//! format, docs/session-format.md) and printed by `analyze --json`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::ContentThresholds;
use super::judge::NegativeJudge;
use super::phrases::{find, Match, Phrases};
use super::words::{tokens, Token};
use crate::analysis::Flag;
use crate::transcript::Word;

/// A phrase found in the transcript and the transcript words it covers,
/// `word_start..word_end` (end exclusive), for surfaces to mark.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Finding {
    /// For fillers the list's canonical form ("um" for "Umm,"), so that
    /// they can be counted by word; for the rest the words as said, lower
    /// case ("my manager never", "kinda", "20%").
    pub phrase: String,
    pub word_start: usize,
    pub word_end: usize,
    /// Negative talk: the whole sentence as said, which the range covers
    /// (the flag quotes it). Empty for the other findings.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sentence: String,
}

/// Filler words and sounds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fillers {
    pub count: u32,
    /// Per minute of speaking time.
    pub per_minute: f64,
    /// Canonical filler -> how often.
    pub words: BTreeMap<String, u32>,
    pub found: Vec<Finding>,
}

/// Which parts of a STAR answer (situation, task, action, result) were
/// heard: a part is heard when a sentence tells it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Star {
    pub situation: bool,
    pub task: bool,
    pub action: bool,
    pub result: bool,
    /// The cue phrases that gave each sentence its part.
    pub cues: Vec<StarCue>,
    /// Every sentence of the answer and the part it tells, in order.
    pub sentences: Vec<StarSentence>,
}

/// One sentence of an answer and the STAR part it tells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StarSentence {
    /// `situation`, `task`, `action`, `result` or `none`.
    pub part: String,
    /// The sentence as said.
    pub text: String,
    pub word_start: usize,
    pub word_end: usize,
    /// The part comes from where the sentence stands (before the first
    /// action: the scene; after the last: what came of it), not its words.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub by_place: bool,
}

/// One STAR cue found in its part of the answer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StarCue {
    /// `situation`, `task`, `action` or `result`.
    pub part: String,
    pub phrase: String,
    pub word_start: usize,
    pub word_end: usize,
}

/// How wide a quoted sentence may be on a terminal line before it is cut.
const QUOTE_CHARS: usize = 90;

/// `text` cut to `max` characters at a word, with an ellipsis.
pub fn quote(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

impl StarSentence {
    /// The part's initial, `-` for none: `S`, `T`, `A`, `R`.
    pub fn letter(&self) -> char {
        match self.part.as_str() {
            "situation" => 'S',
            "task" => 'T',
            "action" => 'A',
            "result" => 'R',
            _ => '-',
        }
    }
}

impl Star {
    /// The part of each sentence as its initial, e.g. `by sentence S S A A R -`.
    pub fn by_sentence(&self) -> String {
        let letters: Vec<String> = self
            .sentences
            .iter()
            .map(|s| s.letter().to_string())
            .collect();
        format!("by sentence {}", letters.join(" "))
    }

    /// One line per sentence, the part then the sentence quoted, so the
    /// person sees why a part was heard or missed:
    /// `situation  “Last spring our two biggest clients…”`. A part taken
    /// from the sentence's place is marked `(by place)`.
    pub fn sentence_lines(&self) -> Vec<String> {
        self.sentences
            .iter()
            .map(|s| {
                format!(
                    "{:<9}  “{}”{}",
                    s.part,
                    quote(&s.text, QUOTE_CHARS),
                    if s.by_place { " (by place)" } else { "" }
                )
            })
            .collect()
    }

    /// The parts heard, in STAR order.
    pub fn parts(&self) -> Vec<&'static str> {
        [
            ("situation", self.situation),
            ("task", self.task),
            ("action", self.action),
            ("result", self.result),
        ]
        .into_iter()
        .filter_map(|(name, heard)| heard.then_some(name))
        .collect()
    }

    /// The parts not heard, in STAR order.
    pub fn missing(&self) -> Vec<&'static str> {
        let heard = self.parts();
        ["situation", "task", "action", "result"]
            .into_iter()
            .filter(|p| !heard.contains(p))
            .collect()
    }
}

/// Content feedback of one answer, computed from its transcript's words.
/// Every number is finite.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Content {
    pub word_count: u32,
    /// The speaking time the rates are over (the delivery metrics' speaking
    /// time, or else from the first word's start to the last one's end).
    pub speaking_seconds: f64,
    pub fillers: Fillers,
    pub hedges: Vec<Finding>,
    pub negatives: Vec<Finding>,
    /// First-person singular words: I, me, my...
    pub i_count: u32,
    /// First-person plural words: we, us, our...
    pub we_count: u32,
    /// Figures, percentages, amounts.
    pub numbers: Vec<Finding>,
    /// Words said twice in a row ("the, the").
    pub repeats: Vec<Finding>,
    pub star: Star,
    /// The question asked for a story, so the STAR parts are feedback
    /// (shown, and flagged when missing). Content stored before this field
    /// was a story's.
    #[serde(default = "asked_for_a_story")]
    pub story: bool,
    /// Codes: `fillers`, `hedging`, `negative`, `we_not_i`, `no_result`,
    /// `no_star`.
    pub flags: Vec<Flag>,
}

/// The content of an answer from its words. `speaking_seconds` is the
/// delivery metrics' speaking time when there is one (it excludes pauses);
/// without it the span of the words is used. Negative talk by the rules
/// alone (see [`content_judged`]).
pub fn content(
    words: &[Word],
    speaking_seconds: Option<f64>,
    phrases: &Phrases,
    thresholds: &ContentThresholds,
    story: bool,
) -> Content {
    content_judged(words, speaking_seconds, phrases, thresholds, story, None)
}

/// [`content`], with negative talk decided by the rules and `judge` (the
/// sentence model's verdict, combined as its data says) when there is one.
pub fn content_judged(
    words: &[Word],
    speaking_seconds: Option<f64>,
    phrases: &Phrases,
    thresholds: &ContentThresholds,
    story: bool,
    judge: Option<&NegativeJudge>,
) -> Content {
    let tokens = tokens(words);
    let speaking = speaking_seconds
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or_else(|| span_seconds(words));
    let per_minute = |n: usize| {
        if speaking > 0.0 {
            n as f64 * 60.0 / speaking
        } else {
            0.0
        }
    };
    let range = |m: &Match| (tokens[m.start].word, tokens[m.end - 1].word + 1);
    let canonical = |m: Match| {
        let (word_start, word_end) = range(&m);
        Finding {
            phrase: m.phrase,
            word_start,
            word_end,
            sentence: String::new(),
        }
    };
    let as_said = |m: Match| {
        let (word_start, word_end) = range(&m);
        Finding {
            phrase: m.said,
            word_start,
            word_end,
            sentence: String::new(),
        }
    };
    let sentences = super::sentences::sentences(&tokens, &phrases.sentence_openers);
    let said = |r: &std::ops::Range<usize>| {
        let raw: Vec<&str> = tokens[r.clone()].iter().map(|t| t.raw.as_str()).collect();
        raw.join(" ")
    };
    let by_rules = super::negative::judge(&tokens, &sentences, phrases);
    let finding = |r: &std::ops::Range<usize>, phrase: String| Finding {
        phrase,
        word_start: tokens[r.start].word,
        word_end: tokens[r.end - 1].word + 1,
        sentence: said(r),
    };
    let negatives = match judge {
        None => by_rules
            .into_iter()
            .map(|n| finding(&n.sentence, n.said))
            .collect(),
        // Each sentence: the rules' cue when they found one, else the
        // whole sentence as what decided it.
        Some(judge) => sentences
            .iter()
            .filter(|r| !r.is_empty())
            .filter_map(|r| {
                let cue = by_rules.iter().find(|n| n.sentence == *r);
                let text = said(r);
                judge.verdict(cue.is_some(), &text).then(|| {
                    finding(
                        r,
                        cue.map_or_else(|| text.to_lowercase(), |n| n.said.clone()),
                    )
                })
            })
            .collect(),
    };

    let filler_matches: Vec<Finding> = find(&phrases.fillers, &tokens)
        .into_iter()
        .map(canonical)
        .collect();
    let mut filler_words = BTreeMap::new();
    for f in &filler_matches {
        *filler_words.entry(f.phrase.clone()).or_insert(0) += 1;
    }
    let count = |set: &std::collections::BTreeSet<String>| {
        tokens.iter().filter(|t| set.contains(&t.norm)).count() as u32
    };
    let mut c = Content {
        word_count: tokens.len() as u32,
        speaking_seconds: speaking,
        fillers: Fillers {
            count: filler_matches.len() as u32,
            per_minute: per_minute(filler_matches.len()),
            words: filler_words,
            found: filler_matches,
        },
        hedges: find(&phrases.hedges, &tokens)
            .into_iter()
            .map(as_said)
            .collect(),
        negatives,
        i_count: count(&phrases.i_words),
        we_count: count(&phrases.we_words),
        numbers: numbers(&tokens, phrases),
        repeats: repeats(&tokens, phrases),
        star: star(&tokens, &sentences, phrases),
        story,
        flags: Vec::new(),
    };
    c.flags = super::flags::raise(&c, thresholds, story);
    c
}

fn asked_for_a_story() -> bool {
    true
}

/// From the first word's start to the last one's end.
fn span_seconds(words: &[Word]) -> f64 {
    match (words.first(), words.last()) {
        (Some(a), Some(b)) if b.end_seconds > a.start_seconds => b.end_seconds - a.start_seconds,
        _ => 0.0,
    }
}

pub(crate) fn is_number(t: &Token, phrases: &Phrases) -> bool {
    t.norm.chars().any(|c| c.is_ascii_digit())
        || phrases.number_words.contains(&t.norm)
        // "twenty-five", "fifty-six": number words joined by a hyphen.
        || (t.norm.contains('-')
            && t.norm
                .split('-')
                .all(|part| phrases.number_words.contains(part)))
}

/// Runs of number tokens: "20%", "twenty five percent", "$5 million".
fn numbers(tokens: &[Token], phrases: &Phrases) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        if !is_number(&tokens[i], phrases) {
            i += 1;
            continue;
        }
        let start = i;
        while i < tokens.len() && is_number(&tokens[i], phrases) {
            i += 1;
        }
        let said: Vec<&str> = tokens[start..i]
            .iter()
            .map(|t| t.raw.trim_end_matches([',', '.', '?', '!', ';', ':']))
            .collect();
        out.push(Finding {
            phrase: said.join(" "),
            word_start: tokens[start].word,
            word_end: tokens[i - 1].word + 1,
            sentence: String::new(),
        });
    }
    out
}

/// Stutters: a word or a pair of words said again at once ("the, the",
/// "I was, I was", "I-I"). Fillers ("um um") and words English doubles on
/// purpose ("that that") are not repeats.
fn repeats(tokens: &[Token], phrases: &Phrases) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if let Some((a, b)) = t.norm.split_once('-') {
            if a == b && !a.is_empty() {
                out.push(Finding {
                    phrase: a.to_string(),
                    word_start: t.word,
                    word_end: t.word + 1,
                    sentence: String::new(),
                });
                i += 1;
                continue;
            }
        }
        let same = |n: usize| {
            i + 2 * n <= tokens.len()
                && (0..n).all(|k| tokens[i + k].norm == tokens[i + n + k].norm)
        };
        let n = if same(2) {
            2
        } else if same(1)
            && !phrases.allowed_repeats.contains(&t.norm)
            && !phrases.is_filler_word(&t.norm)
        {
            1
        } else {
            i += 1;
            continue;
        };
        let phrase: Vec<&str> = tokens[i..i + n].iter().map(|t| t.norm.as_str()).collect();
        out.push(Finding {
            phrase: phrase.join(" "),
            word_start: tokens[i].word,
            word_end: tokens[i + 2 * n - 1].word + 1,
            sentence: String::new(),
        });
        i += 2 * n;
    }
    out
}

/// The STAR parts of the answer, sentence by sentence (see `star.rs`).
fn star(tokens: &[Token], sentences: &[std::ops::Range<usize>], phrases: &Phrases) -> Star {
    let mut star = Star::default();
    let judged = super::star::judge(tokens, sentences, phrases);
    for (r, j) in sentences.iter().zip(judged) {
        let part = super::star::PARTS[j.part];
        match part {
            "situation" => star.situation = true,
            "task" => star.task = true,
            "action" => star.action = true,
            "result" => star.result = true,
            _ => {}
        }
        if part != "none" {
            star.cues.extend(j.cues.iter().map(|(said, c)| StarCue {
                part: part.to_string(),
                phrase: said.clone(),
                word_start: tokens[c.start].word,
                word_end: tokens[c.end - 1].word + 1,
            }));
        }
        let raw: Vec<&str> = tokens[r.clone()].iter().map(|t| t.raw.as_str()).collect();
        star.sentences.push(StarSentence {
            part: part.to_string(),
            text: raw.join(" "),
            word_start: tokens[r.start].word,
            word_end: tokens[r.end - 1].word + 1,
            by_place: j.by_place,
        });
    }
    star
}

/// What a surface marks on a word of the transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Filler,
    Hedge,
    Negative,
}

impl Mark {
    /// The CSS class and plain-text name of the mark.
    pub fn name(self) -> &'static str {
        match self {
            Mark::Filler => "filler",
            Mark::Hedge => "hedge",
            Mark::Negative => "negative",
        }
    }
}

impl Content {
    /// The mark of each of `words` transcript words (by index), where a
    /// finding covers it. A negative finding covers its whole sentence; the
    /// fillers and hedges inside it keep their own mark, a hedge over a
    /// filler.
    pub fn marks(&self, words: usize) -> Vec<Option<Mark>> {
        let mut marks = vec![None; words];
        for (mark, found) in [
            (Mark::Negative, &self.negatives),
            (Mark::Filler, &self.fillers.found),
            (Mark::Hedge, &self.hedges),
        ] {
            for f in found {
                for m in marks.iter_mut().take(f.word_end).skip(f.word_start) {
                    *m = Some(mark);
                }
            }
        }
        marks
    }

    /// The STAR part of each sentence, one line each (see
    /// [`Star::sentence_lines`]), when the question asked for a story;
    /// none otherwise.
    pub fn star_lines(&self) -> Vec<String> {
        if self.story {
            self.star.sentence_lines()
        } else {
            Vec::new()
        }
    }

    /// One compact line for summaries, e.g.
    /// `182 words · fillers 6 (4.1/min) · hedges 2 · I 9 / we 3 · 2 figures · STAR: situation, task, action, result (by sentence S T A A R)`
    /// (without the STAR part when the question did not ask for a story).
    /// No pace: the answer has one, the delivery metrics' (issue 18).
    pub fn brief(&self) -> String {
        let star = self.star.parts();
        let by_sentence = self.star.by_sentence();
        let star = match (self.story, star.is_empty()) {
            (false, _) => String::new(),
            (true, true) => format!(" · STAR: - ({by_sentence})"),
            (true, false) => format!(" · STAR: {} ({by_sentence})", star.join(", ")),
        };
        format!(
            "{} words · fillers {} ({:.1}/min) · hedges {} · negative {} · I {} / we {} · {} figure{}{star}",
            self.word_count,
            self.fillers.count,
            self.fillers.per_minute,
            self.hedges.len(),
            self.negatives.len(),
            self.i_count,
            self.we_count,
            self.numbers.len(),
            if self.numbers.len() == 1 { "" } else { "s" },
        )
    }
}
