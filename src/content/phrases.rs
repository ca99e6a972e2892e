//! The word lists of the content feedback: fillers, hedges, negative talk,
//! first-person words, number words, allowed repeats and STAR cues. They are
//! data (`phrases/content.toml`, compiled in); a user's file of the same
//! shape adds to them. This module parses the lists and finds their phrases
//! in a run of tokens; what a match means is decided by the caller.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Deserialize;

use super::words::Token;

/// The shipped lists, documented in the file itself.
const SHIPPED: &str = include_str!("../../phrases/content.toml");
const SHIPPED_LABEL: &str = "phrases/content.toml";

/// A phrase file that cannot be used: one line naming the file and the line.
#[derive(Debug, thiserror::Error)]
pub enum PhrasesError {
    #[error("cannot read the phrase file {label}: {source}")]
    Read {
        label: String,
        source: std::io::Error,
    },
    #[error("{label}:{line}: {message}")]
    Invalid {
        label: String,
        line: usize,
        message: String,
    },
}

/// One entry of a list: a phrase, its other spellings and where it counts.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub phrase: String,
    #[serde(default)]
    pub spellings: Vec<String>,
    #[serde(default)]
    pub not_after: Vec<String>,
    #[serde(default)]
    pub not_before: Vec<String>,
    #[serde(default)]
    pub sentence_start: bool,
    #[serde(default)]
    pub after_comma: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Person {
    #[serde(default)]
    i: Vec<String>,
    #[serde(default)]
    we: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordList {
    #[serde(default)]
    words: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Allowed {
    #[serde(default)]
    allowed: Vec<String>,
}

/// The STAR rules (`[star]`): cue groups by part, the plain cue lists of
/// the older shape, and the grammar of an action. Documented in the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarCues {
    #[serde(default)]
    pub situation: Vec<String>,
    #[serde(default)]
    pub task: Vec<String>,
    #[serde(default)]
    pub action: Vec<String>,
    #[serde(default)]
    pub result: Vec<String>,
    /// The lowest score that makes a sentence a part by its cues.
    #[serde(default)]
    pub min_score: Option<f64>,
    /// The score of a first person action ("I rang").
    #[serde(default)]
    pub action_weight: Option<f64>,
    /// What the first sentence adds to its situation score.
    #[serde(default)]
    pub opening_weight: Option<f64>,
    #[serde(default)]
    pub grammar: StarGrammar,
    #[serde(default)]
    pub cue: Vec<StarCueGroup>,
}

/// Word classes that tell an action, a habit or a hypothetical.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarGrammar {
    #[serde(default)]
    pub subjects: BTreeSet<String>,
    #[serde(default)]
    pub skip: BTreeSet<String>,
    #[serde(default)]
    pub state_verbs: BTreeSet<String>,
    #[serde(default)]
    pub past_verbs: BTreeSet<String>,
    #[serde(default)]
    pub hypothetical: BTreeSet<String>,
    #[serde(default)]
    pub habitual: BTreeSet<String>,
    #[serde(default)]
    pub outcomes: BTreeSet<String>,
    #[serde(default)]
    pub subordinators: BTreeSet<String>,
    #[serde(default)]
    pub determiners: BTreeSet<String>,
    #[serde(default)]
    pub conditionals: BTreeSet<String>,
    #[serde(default)]
    pub acting_outcomes: BTreeSet<String>,
    #[serde(default)]
    pub act_objects: BTreeSet<String>,
    #[serde(default)]
    pub present_acts: BTreeSet<String>,
    #[serde(default)]
    pub present_acts_least: Option<usize>,
    #[serde(default)]
    pub weekdays: BTreeSet<String>,
    #[serde(default)]
    pub weekday_openers: BTreeSet<String>,
    #[serde(default)]
    pub weekday_weight: Option<f64>,
    #[serde(default)]
    pub sequence: BTreeSet<String>,

    #[serde(default)]
    pub min_words: Option<usize>,
}

/// Cue phrases of one part and what each is worth.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StarCueGroup {
    /// `situation`, `task`, `action`, `result` or `none`.
    pub part: String,
    pub weight: f64,
    pub phrases: Vec<String>,
}

/// The negative-talk rules (`[negative_talk]`), documented in the file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeTalk {
    #[serde(default)]
    pub targets: BTreeSet<String>,
    #[serde(default, rename = "self")]
    pub self_words: BTreeSet<String>,
    #[serde(default)]
    pub negators: BTreeSet<String>,
    #[serde(default)]
    pub predicate_followers: BTreeSet<String>,
    #[serde(default)]
    pub other_subjects: BTreeSet<String>,
    #[serde(default)]
    pub objects: BTreeSet<String>,
    #[serde(default)]
    pub people_there: BTreeSet<String>,
    #[serde(default)]
    pub asides: Vec<String>,
    #[serde(default)]
    pub determiners: BTreeSet<String>,
    #[serde(default)]
    pub joiners: BTreeSet<String>,
    #[serde(default)]
    pub possessives: BTreeSet<String>,
    #[serde(default)]
    pub prepositions: BTreeSet<String>,
    #[serde(default)]
    pub named_reach: Option<usize>,
    #[serde(default)]
    pub named_copulas: BTreeSet<String>,
    #[serde(default)]
    pub cleft_openers: BTreeSet<String>,
    #[serde(default)]
    pub cleft_joiners: BTreeSet<String>,
    #[serde(default)]
    pub shared_groups: BTreeSet<String>,
    #[serde(default)]
    pub working_for: Vec<String>,
    #[serde(default)]
    pub collectives: Vec<String>,
    #[serde(default)]
    pub result_markers: BTreeSet<String>,
    #[serde(default)]
    pub titles: BTreeSet<String>,
    #[serde(default)]
    pub innocent: Vec<String>,
    #[serde(default)]
    pub self_included: Vec<String>,
    #[serde(default)]
    pub taken_back: Vec<String>,
    #[serde(default)]
    pub cue: Vec<NegativeCue>,
    pub only_one: Option<OnlyOne>,
    pub caused: Option<Caused>,
}

/// "Made the new starters miserable" (`[negative_talk.caused]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Caused {
    pub verbs: BTreeSet<String>,
    /// How many words after the verb the feeling may be.
    pub reach: usize,
    pub feelings: BTreeSet<String>,
}

/// "I was the only one who actually did any work" (`[negative_talk.only_one]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnlyOne {
    pub opener: String,
    /// How many words after the opener an `effort` phrase may start.
    pub reach: usize,
    pub effort: Vec<String>,
}

/// A group of negative-talk cues and how they count.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegativeCue {
    pub phrases: Vec<String>,
    #[serde(default)]
    pub alone: bool,
    #[serde(default)]
    pub predicate: bool,
    #[serde(default = "negatable_by_default")]
    pub negatable: bool,
    #[serde(default)]
    pub needs_negation: bool,
    #[serde(default)]
    pub named: bool,
    #[serde(default)]
    pub object: bool,
}

fn negatable_by_default() -> bool {
    true
}

/// Where a run-on sentence may be cut (`[sentences]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SentenceWords {
    #[serde(default)]
    openers: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPhrases {
    #[serde(default)]
    filler: Vec<Entry>,
    #[serde(default)]
    hedge: Vec<Entry>,
    #[serde(default)]
    negative: Vec<Entry>,
    #[serde(default)]
    person: Person,
    #[serde(default)]
    numbers: WordList,
    #[serde(default)]
    repeats: Allowed,
    #[serde(default)]
    star: StarCues,
    #[serde(default)]
    negative_talk: NegativeTalk,
    #[serde(default)]
    sentences: SentenceWords,
}

/// Every list the content feedback uses.
#[derive(Debug, Clone)]
pub struct Phrases {
    pub fillers: Vec<Entry>,
    pub hedges: Vec<Entry>,
    pub negatives: Vec<Entry>,
    pub i_words: BTreeSet<String>,
    pub we_words: BTreeSet<String>,
    pub number_words: BTreeSet<String>,
    pub allowed_repeats: BTreeSet<String>,
    pub star: StarCues,
    pub negative_talk: NegativeTalk,
    /// Words that open a clause, where a run-on sentence may be cut.
    pub sentence_openers: BTreeSet<String>,
}

/// The parts a `[[star.cue]]` may name.
pub const STAR_CUE_PARTS: [&str; 5] = ["situation", "task", "action", "result", "none"];

impl Phrases {
    /// The lists shipped with the program. Checked by the tests, so this
    /// cannot fail in a release.
    pub fn builtin() -> Self {
        Self::parse(SHIPPED_LABEL, SHIPPED)
            .unwrap_or_else(|e| panic!("the shipped phrase file is invalid: {e}"))
    }

    /// The shipped lists plus the user's file `file` (the `phrases`
    /// setting: `--phrases`, `MOCKVIEW_PHRASES` or the config file).
    pub fn load(file: Option<&Path>) -> Result<Self, PhrasesError> {
        let mut phrases = Self::builtin();
        if let Some(path) = file {
            let label = path.display().to_string();
            let text = std::fs::read_to_string(path).map_err(|source| PhrasesError::Read {
                label: label.clone(),
                source,
            })?;
            phrases.extend(Self::parse(&label, &text)?);
        }
        Ok(phrases)
    }

    /// Parses a phrase file; `label` names it in errors.
    pub fn parse(label: &str, text: &str) -> Result<Self, PhrasesError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let invalid = |offset: usize, message: String| PhrasesError::Invalid {
            label: label.to_string(),
            line: text[..offset.min(text.len())].matches('\n').count() + 1,
            message,
        };
        let raw: RawPhrases = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            invalid(offset, e.message().to_string())
        })?;
        for (kind, list) in [
            ("filler", &raw.filler),
            ("hedge", &raw.hedge),
            ("negative", &raw.negative),
        ] {
            for entry in list {
                if entry.phrase.split_whitespace().next().is_none() {
                    let offset = text.find(&format!("[[{kind}]]")).unwrap_or(0);
                    return Err(invalid(offset, format!("a [[{kind}]] has an empty phrase")));
                }
            }
        }
        for group in &raw.star.cue {
            if !STAR_CUE_PARTS.contains(&group.part.as_str()) {
                let offset = text.find(&format!("\"{}\"", group.part)).unwrap_or(0);
                return Err(invalid(
                    offset,
                    format!(
                        "a [[star.cue]] names the part \"{}\", expected one of {}",
                        group.part,
                        STAR_CUE_PARTS.join(", ")
                    ),
                ));
            }
        }
        let set = |v: Vec<String>| v.iter().map(|w| w.trim().to_lowercase()).collect();
        Ok(Self {
            fillers: raw.filler,
            hedges: raw.hedge,
            negatives: raw.negative,
            i_words: set(raw.person.i),
            we_words: set(raw.person.we),
            number_words: set(raw.numbers.words),
            allowed_repeats: set(raw.repeats.allowed),
            star: raw.star,
            negative_talk: raw.negative_talk,
            sentence_openers: set(raw.sentences.openers),
        })
    }

    /// Adds another file's entries to these lists.
    pub fn extend(&mut self, other: Phrases) {
        self.fillers.extend(other.fillers);
        self.hedges.extend(other.hedges);
        self.negatives.extend(other.negatives);
        self.i_words.extend(other.i_words);
        self.we_words.extend(other.we_words);
        self.number_words.extend(other.number_words);
        self.allowed_repeats.extend(other.allowed_repeats);
        self.star.situation.extend(other.star.situation);
        self.star.task.extend(other.star.task);
        self.star.action.extend(other.star.action);
        self.star.result.extend(other.star.result);
        self.star.min_score = other.star.min_score.or(self.star.min_score);
        self.star.action_weight = other.star.action_weight.or(self.star.action_weight);
        self.star.opening_weight = other.star.opening_weight.or(self.star.opening_weight);
        self.star.cue.extend(other.star.cue);
        let (g, o) = (&mut self.star.grammar, other.star.grammar);
        g.subjects.extend(o.subjects);
        g.skip.extend(o.skip);
        g.state_verbs.extend(o.state_verbs);
        g.past_verbs.extend(o.past_verbs);
        g.hypothetical.extend(o.hypothetical);
        g.habitual.extend(o.habitual);
        g.outcomes.extend(o.outcomes);
        g.subordinators.extend(o.subordinators);
        g.determiners.extend(o.determiners);
        g.conditionals.extend(o.conditionals);
        g.acting_outcomes.extend(o.acting_outcomes);
        g.act_objects.extend(o.act_objects);
        g.present_acts.extend(o.present_acts);
        g.present_acts_least = o.present_acts_least.or(g.present_acts_least);
        g.weekdays.extend(o.weekdays);
        g.weekday_openers.extend(o.weekday_openers);
        g.weekday_weight = o.weekday_weight.or(g.weekday_weight);
        g.sequence.extend(o.sequence);
        g.min_words = o.min_words.or(g.min_words);
        let (n, o) = (&mut self.negative_talk, other.negative_talk);
        n.targets.extend(o.targets);
        n.self_words.extend(o.self_words);
        n.negators.extend(o.negators);
        n.predicate_followers.extend(o.predicate_followers);
        n.other_subjects.extend(o.other_subjects);
        n.objects.extend(o.objects);
        n.people_there.extend(o.people_there);
        n.asides.extend(o.asides);
        n.determiners.extend(o.determiners);
        n.joiners.extend(o.joiners);
        n.possessives.extend(o.possessives);
        n.prepositions.extend(o.prepositions);
        n.cleft_openers.extend(o.cleft_openers);
        n.named_reach = o.named_reach.or(n.named_reach);
        n.named_copulas.extend(o.named_copulas);
        n.cleft_joiners.extend(o.cleft_joiners);
        n.shared_groups.extend(o.shared_groups);
        n.working_for.extend(o.working_for);
        n.collectives.extend(o.collectives);
        n.result_markers.extend(o.result_markers);
        n.titles.extend(o.titles);
        n.innocent.extend(o.innocent);
        n.self_included.extend(o.self_included);
        n.taken_back.extend(o.taken_back);
        if o.only_one.is_some() {
            n.only_one = o.only_one;
        }
        if o.caused.is_some() {
            n.caused = o.caused;
        }
        n.cue.extend(o.cue);
        self.sentence_openers.extend(other.sentence_openers);
    }

    /// Whether a single word is one of the fillers' forms ("umm" is).
    pub(crate) fn is_filler_word(&self, norm: &str) -> bool {
        self.fillers.iter().any(|e| {
            std::iter::once(&e.phrase)
                .chain(&e.spellings)
                .any(|p| p.eq_ignore_ascii_case(norm))
        })
    }
}

/// A phrase found in the tokens: the entry's canonical phrase, the words
/// as said, and the token range `[start, end)`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Match {
    pub phrase: String,
    /// The matched tokens' normalised words ("my manager never" for the
    /// entry "my boss never").
    pub said: String,
    pub start: usize,
    pub end: usize,
}

fn split(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(super::words::normalise)
        .filter(|w| !w.is_empty())
        .collect()
}

fn listed(list: &[String], token: Option<&Token>) -> bool {
    token.is_some_and(|t| list.iter().any(|w| w.eq_ignore_ascii_case(&t.norm)))
}

/// Every non-overlapping match of the entries, scanning left to right and
/// preferring the longest phrase at each position.
pub(crate) fn find(entries: &[Entry], tokens: &[Token]) -> Vec<Match> {
    // (entry, words), longest first so "i feel like" wins over "like".
    let mut forms: Vec<(&Entry, Vec<String>)> = entries
        .iter()
        .flat_map(|e| {
            std::iter::once(&e.phrase)
                .chain(&e.spellings)
                .map(move |p| (e, split(p)))
        })
        .filter(|(_, w)| !w.is_empty())
        .collect();
    forms.sort_by_key(|(_, w)| std::cmp::Reverse(w.len()));
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let hit = forms.iter().find(|(entry, words)| {
            let end = i + words.len();
            end <= tokens.len()
                && tokens[i..end].iter().zip(words).all(|(t, w)| t.norm == *w)
                && (!entry.sentence_start || tokens[i].sentence_start)
                && (!entry.after_comma || tokens[i].sentence_start || tokens[i].after_comma)
                // A pause (comma) before the phrase cuts its tie to the word
                // before: "it was, like, late" is a filler, "it was like" not.
                && !(i > 0 && !tokens[i].after_comma && listed(&entry.not_after, tokens.get(i - 1)))
                && !(tokens.get(end).is_some_and(|t| !t.after_comma)
                    && listed(&entry.not_before, tokens.get(end)))
        });
        match hit {
            Some((entry, words)) => {
                let said: Vec<&str> = tokens[i..i + words.len()]
                    .iter()
                    .map(|t| t.norm.as_str())
                    .collect();
                found.push(Match {
                    phrase: entry.phrase.trim().to_lowercase(),
                    said: said.join(" "),
                    start: i,
                    end: i + words.len(),
                });
                i += words.len();
            }
            None => i += 1,
        }
    }
    found
}

/// Where `phrase` (words, `*` for any one word) occurs in `tokens`: the
/// start of every occurrence, overlapping ones included.
pub(crate) fn occurrences(phrase: &[String], tokens: &[Token]) -> Vec<usize> {
    if phrase.is_empty() || phrase.len() > tokens.len() {
        return Vec::new();
    }
    (0..=tokens.len() - phrase.len())
        .filter(|&i| {
            phrase
                .iter()
                .zip(&tokens[i..])
                .all(|(w, t)| w == "*" || *w == t.norm)
        })
        .collect()
}

/// A phrase of a list split into its matching words.
pub(crate) fn phrase_words(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|w| {
            if w == "*" {
                w.to_string()
            } else {
                super::words::normalise(w)
            }
        })
        .filter(|w| !w.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_file_parses_and_has_every_list() {
        let p = Phrases::builtin();
        assert!(p.fillers.len() >= 10 && p.hedges.len() >= 10);
        assert!(p.negative_talk.cue.len() >= 3 && p.negative_talk.targets.contains("manager"));
        assert!(p.sentence_openers.contains("so"));
        assert!(p.i_words.contains("i") && p.we_words.contains("we"));
        assert!(p.number_words.contains("percent"));
        for part in ["situation", "task", "action", "result", "none"] {
            assert!(
                p.star
                    .cue
                    .iter()
                    .any(|g| g.part == part && g.phrases.len() >= 5),
                "{part}"
            );
        }
        assert!(p.star.grammar.subjects.contains("i"));
    }

    #[test]
    fn a_user_file_adds_to_the_shipped_lists() {
        let mut p = Phrases::builtin();
        let before = p.fillers.len();
        p.extend(Phrases::parse("mine.toml", "[[filler]]\nphrase = \"you see\"\n").unwrap());
        assert_eq!(p.fillers.len(), before + 1);
        assert!(p.hedges.len() >= 10, "the shipped hedges stay");
    }

    #[test]
    fn a_cue_of_an_unknown_part_names_file_and_line() {
        let e = Phrases::parse(
            "mine.toml",
            "[[star.cue]]\npart = \"ending\"\nweight = 1\nphrases = [\"x\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("mine.toml:2: a [[star.cue]] names the part \"ending\""),
            "{e}"
        );
    }

    #[test]
    fn a_bad_file_names_file_and_line() {
        let e = Phrases::parse("mine.toml", "[[filler]]\nphrase = \"x\"\nspelings = []\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("mine.toml:3: "), "{e}");
        let e = Phrases::parse("mine.toml", "\n[[hedge]]\nphrase = \"  \"\n")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "mine.toml:2: a [[hedge]] has an empty phrase");
    }
}
