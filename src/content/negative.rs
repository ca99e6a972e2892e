//! Negative talk judged by sentence: a sentence that blames or disparages a
//! former employer, manager, team, colleagues or company, whatever the
//! words. A cue (`[negative_talk]` in `phrases/content.toml`) counts only
//! when it is said of someone of the job (a target word in the sentence),
//! is not turned round by a negator ("it was not a disaster"),
//! and is not said of the speaker ("the worst part was my own planning").
//! Cues of blame by themselves ("it wasn't my fault") need no target.
//! What a cue means is in the data file; this module applies the rules.

use std::ops::Range;

use super::phrases::{find, occurrences, phrase_words, NegativeCue, NegativeTalk, Phrases};
use super::words::Token;

/// How far before a cue a negator turns it round: "wasn't really a
/// nightmare" (2 words), "was not at all lazy" (3).
const NEGATION_REACH: usize = 3;

/// How far before a cue a self word makes the speaker its subject: "the
/// first version I built was terrible".
const SELF_REACH: usize = 4;

/// A negative sentence: its token range and the cue that decided it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Negative {
    pub sentence: Range<usize>,
    /// The cue's words as said, lower case.
    pub said: String,
    pub cue: Range<usize>,
}

/// The negative sentences among `sentences`, each with its first cue.
pub(crate) fn judge(
    tokens: &[Token],
    sentences: &[Range<usize>],
    phrases: &Phrases,
) -> Vec<Negative> {
    let rules = &phrases.negative_talk;
    let cues: Vec<(&NegativeCue, Vec<Vec<String>>)> = rules
        .cue
        .iter()
        .map(|c| (c, c.phrases.iter().map(|p| phrase_words(p)).collect()))
        .collect();
    let mut out = Vec::new();
    for r in sentences {
        let s = &tokens[r.clone()];
        let found = first_cue(s, rules, &cues).or_else(|| {
            // The user's own [[negative]] phrases: blame by themselves.
            find(&phrases.negatives, s)
                .into_iter()
                .next()
                .map(|m| (m.start..m.end, m.said))
        });
        if let Some((cue, said)) = found {
            out.push(Negative {
                sentence: r.clone(),
                said,
                cue: r.start + cue.start..r.start + cue.end,
            });
        }
    }
    out
}

/// The first cue of the sentence `s` that counts, with its words as said.
fn first_cue(
    s: &[Token],
    rules: &NegativeTalk,
    cues: &[(&NegativeCue, Vec<Vec<String>>)],
) -> Option<(Range<usize>, String)> {
    let mut hits: Vec<Range<usize>> = Vec::new();
    for (cue, phrases) in cues {
        for words in phrases {
            for at in occurrences(words, s) {
                let range = at..at + words.len();
                if counts(s, range.clone(), cue, rules) {
                    hits.push(range);
                }
            }
        }
    }
    let first = hits
        .into_iter()
        .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))?;
    let said: Vec<&str> = s[first.clone()].iter().map(|t| t.norm.as_str()).collect();
    Some((first, said.join(" ")))
}

fn counts(s: &[Token], cue: Range<usize>, kind: &NegativeCue, rules: &NegativeTalk) -> bool {
    let is = |set: &std::collections::BTreeSet<String>, i: usize| set.contains(&s[i].norm);
    let negated =
        (cue.start.saturating_sub(NEGATION_REACH)..cue.start).any(|i| is(&rules.negators, i));
    if kind.needs_negation != negated && (kind.needs_negation || kind.negatable) {
        return false;
    }
    if kind.alone {
        return true;
    }
    if kind.predicate {
        // Said of someone, not of the thing named after it: "a lazy team",
        // "they were lazy and rude", "clueless about", not "a difficult
        // restructure".
        if let Some(next) = s.get(cue.end) {
            let of_someone = next.after_comma
                || is(&rules.predicate_followers, cue.end)
                || is(&rules.targets, cue.end);
            if !of_someone {
                return false;
            }
        }
    }
    // The speaker as the subject: a self word shortly before the cue with no
    // target between ("the version I built was terrible"; "my manager was
    // terrible" has the target after "my"), or after it past a copula ("the
    // worst part was my own planning").
    let before = cue.start.saturating_sub(SELF_REACH)..cue.start;
    let last_self = before.clone().rev().find(|&i| is(&rules.self_words, i));
    // "The team I inherited were lazy": a self word right after a target
    // opens a clause about the target, which stays the subject.
    let about_a_target = |me: usize| me > 0 && is(&rules.targets, me - 1);
    if let Some(me) = last_self.filter(|&me| !about_a_target(me)) {
        // A comma between them closes the speaker's clause: "how do I put
        // it, pretty dodgy".
        let between = me + 1..=cue.start;
        if !(me + 1..cue.start).any(|i| is(&rules.targets, i))
            && !between.into_iter().any(|i| s[i].after_comma)
        {
            return false;
        }
    }
    let copula = ["was", "is", "were", "are"];
    if let Some(c) =
        (cue.end..s.len().min(cue.end + 3)).find(|&i| copula.contains(&s[i].norm.as_str()))
    {
        if (c + 1..s.len().min(c + 3)).any(|i| is(&rules.self_words, i)) {
            return false;
        }
    }
    (0..s.len()).any(|i| !cue.contains(&i) && is(&rules.targets, i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::sentences::sentences;
    use crate::content::tests::words;
    use crate::content::words::tokens;

    fn negative(text: &str) -> bool {
        let p = Phrases::builtin();
        let t = tokens(&words(text));
        let s = sentences(&t, &p.sentence_openers);
        !judge(&t, &s, &p).is_empty()
    }

    #[test]
    fn blame_in_other_words_is_negative() {
        for text in [
            "My previous company was a nightmare.",
            "The leadership had no idea what they were doing.",
            "They were hopeless.",
            "It wasn't my fault.",
            "I was the only one on that team who actually did any work.",
            "That company treats its staff like numbers.",
            "Head office kept making stupid decisions.",
            "The team I inherited were lazy, they did the bare minimum.",
        ] {
            assert!(negative(text), "{text}");
        }
    }

    #[test]
    fn negation_self_criticism_and_things_are_not() {
        for text in [
            "It was not easy.",
            "I was disappointed.",
            "We did not always agree.",
            "Our customers never complained.",
            "The worst part was my own planning.",
            "I hated leaving that team.",
            "Winning it felt like a joke.",
            "The company went through a difficult restructure.",
            "The first version I built was terrible.",
            "My manager was not a nightmare at all.",
        ] {
            assert!(!negative(text), "{text}");
        }
    }

    #[test]
    fn the_cue_and_its_sentence_are_given() {
        let p = Phrases::builtin();
        let t = tokens(&words(
            "I stayed two years. My manager was clueless about it.",
        ));
        let s = sentences(&t, &p.sentence_openers);
        let found = judge(&t, &s, &p);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].sentence, 4..10);
        assert_eq!(found[0].said, "clueless");
    }
}
