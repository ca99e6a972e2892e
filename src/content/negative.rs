//! Negative talk judged by sentence: a sentence that blames or disparages a
//! former employer, manager, team, colleagues or company, whatever the
//! words. A cue (`[negative_talk]` in `phrases/content.toml`) counts only
//! when it is said of someone of the job (a target word is its subject, the
//! nearest one before it in its clause, or right after an adjective: "a
//! lazy team"), is not turned round by a negator ("it was not a
//! disaster"), and is not said of the speaker or of "we" ("the worst part
//! was my own planning", "we were disorganised").
//! Cues of blame by themselves ("it wasn't my fault") need no target.
//! The holder may also be who was worked for ("working under her was the
//! worst year of my life"), what a result clause's "it" looks back to
//! ("so slow it was embarrassing"), or the maker of a bad feeling ("made
//! the new starters miserable"); the adjectives include a published
//! lexicon's (VADER, in the data file with its origin and licence).
//! What a cue means is in the data file; this module applies the rules.

use std::ops::Range;

use super::phrases::{find, occurrences, phrase_words, NegativeCue, NegativeTalk, Phrases};
use super::words::Token;

/// How far before a cue a negator turns it round: "wasn't really a
/// nightmare" (2 words), "was not at all lazy" (3).
const NEGATION_REACH: usize = 3;

/// How far before its holder a negator turns a cue round: "none of the
/// senior people had a clue" (4 words).
const HOLDER_NEGATION_REACH: usize = 4;

/// Forms of "be" that link a subject to what is said of it.
const COPULA: [&str; 4] = ["was", "is", "were", "are"];

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
        let found = first_cue(s, rules, &cues)
            .or_else(|| caused(s, rules))
            .or_else(|| only_one(s, rules))
            .or_else(|| {
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

/// "Made the new starters miserable": a verb of making, then a feeling
/// within the reach, counted as a cue of conduct from the verb to the
/// feeling (held by a target, not turned round, not said of the speaker).
fn caused(s: &[Token], rules: &NegativeTalk) -> Option<(Range<usize>, String)> {
    let c = rules.caused.as_ref()?;
    let conduct = NegativeCue {
        negatable: true,
        ..NegativeCue::default()
    };
    (0..s.len())
        .filter(|&v| c.verbs.contains(&s[v].norm))
        .find_map(|v| {
            let f =
                (v + 1..s.len().min(v + 1 + c.reach)).find(|&f| c.feelings.contains(&s[f].norm))?;
            // "Made sure nobody felt stupid": turned round inside.
            if (v + 1..f).any(|k| rules.negators.contains(&s[k].norm)) {
                return None;
            }
            counts(s, v..f + 1, &conduct, rules).then(|| {
                let said: Vec<&str> = s[v..=f].iter().map(|t| t.norm.as_str()).collect();
                (v..f + 1, said.join(" "))
            })
        })
}

/// "The only one (on that team) who actually did any work": the opener,
/// then an effort phrase within the reach, unless the speaker counts
/// themselves in or a negator turns it round.
fn only_one(s: &[Token], rules: &NegativeTalk) -> Option<(Range<usize>, String)> {
    let o = rules.only_one.as_ref()?;
    let opener = phrase_words(&o.opener);
    let included = rules
        .self_included
        .iter()
        .chain(&rules.taken_back)
        .any(|p| !occurrences(&phrase_words(p), s).is_empty());
    if included {
        return None;
    }
    for at in occurrences(&opener, s) {
        let from = at + opener.len();
        for effort in &o.effort {
            let words = phrase_words(effort);
            if let Some(e) = occurrences(&words, s)
                .into_iter()
                .find(|&e| e >= from && e <= from + o.reach)
            {
                let end = e + words.len();
                let said: Vec<&str> = s[at..end].iter().map(|t| t.norm.as_str()).collect();
                return Some((at..end, said.join(" ")));
            }
        }
    }
    None
}

fn counts(s: &[Token], cue: Range<usize>, kind: &NegativeCue, rules: &NegativeTalk) -> bool {
    let is = |set: &std::collections::BTreeSet<String>, i: usize| set.contains(&s[i].norm);
    let negated =
        (cue.start.saturating_sub(NEGATION_REACH)..cue.start).any(|i| is(&rules.negators, i));
    // "None of the senior people had a clue": the negator opens the
    // holder, further back than the reach.
    let negated = negated
        || (kind.needs_negation
            && holder(s, cue.start, rules, kind.predicate)
                .1
                .is_some_and(|t| {
                    (t.saturating_sub(HOLDER_NEGATION_REACH)..t).any(|i| is(&rules.negators, i))
                }));
    if kind.needs_negation != negated && (kind.needs_negation || kind.negatable) {
        return false;
    }
    // "had a nightmare of a week": the cue is something suffered, not said
    // of anyone; "nobody knew what they were doing, including me": the
    // speaker is one of them; "..., and I understand why": taken back.
    if rules.innocent.iter().any(|p| {
        let words = phrase_words(p);
        occurrences(&words, s)
            .into_iter()
            .any(|at| at < cue.end && cue.start < at + words.len())
    }) || rules
        .self_included
        .iter()
        .chain(&rules.taken_back)
        .any(|p| !occurrences(&phrase_words(p), s).is_empty())
    {
        return false;
    }
    if kind.alone {
        return true;
    }
    if kind.object {
        // "hated my boss": the object, right after the cue or one word on.
        return (cue.end..s.len().min(cue.end + 2)).any(|i| is(&rules.targets, i));
    }
    if kind.named {
        // "Run by a bunch of cowboys": the collective is passed over.
        let from = rules
            .collectives
            .iter()
            .map(|c| phrase_words(c))
            .filter_map(|w| {
                occurrences(&w, s)
                    .into_iter()
                    .find(|&at| at + w.len() == cue.start)
            })
            .min()
            .unwrap_or(cue.start);
        if !(from.saturating_sub(rules.named_reach.unwrap_or(0))..from)
            .any(|i| is(&rules.named_copulas, i))
        {
            return false;
        }
    }
    // "Working under her was the worst year of my life": she holds it,
    // whatever is named after the cue.
    let worked_for = working_for(s, cue.start, rules);
    let mut named_after = false;
    if kind.predicate && worked_for.is_none() {
        // Said of someone, not of the thing named after it: "a lazy team",
        // "they were lazy and rude", "clueless about", not "a difficult
        // restructure", "the worst mistake".
        if let Some(next) = s.get(cue.end) {
            named_after = is_target(s, cue.end, rules) && !next.after_comma;
            let of_someone =
                next.after_comma || is(&rules.predicate_followers, cue.end) || named_after;
            if !of_someone {
                return false;
            }
        }
    }
    // The speaker as the subject past a copula: "the worst part was my own
    // planning".
    if let Some(c) =
        (cue.end..s.len().min(cue.end + 3)).find(|&i| COPULA.contains(&s[i].norm.as_str()))
    {
        if (c + 1..s.len().min(c + 3)).any(|i| is(&rules.self_words, i)) {
            return false;
        }
    }
    if named_after {
        return true;
    }
    let (who, at) = match worked_for {
        Some(t) => (Holder::Target, Some(t)),
        None => holder(s, cue.start, rules, kind.predicate),
    };
    if who != Holder::Target {
        return false;
    }
    // "She never made anyone feel stupid": a negator between the holder and
    // the cue, in the same clause, turns it round however far back.
    let negated_between = at.is_some_and(|t| {
        (t + 1..cue.start)
            .any(|k| is(&rules.negators, k) && !(k + 1..cue.start).any(|j| is(&rules.joiners, j)))
    });
    !(kind.negatable && !kind.needs_negation && negated_between)
}

/// Whether word `i` of `s` names someone of the job: a target, or any word
/// after a title ("the head chef").
fn is_target(s: &[Token], i: usize, rules: &NegativeTalk) -> bool {
    s.get(i).is_some_and(|t| rules.targets.contains(&t.norm))
        || (i > 0 && i < s.len() && rules.titles.contains(&s[i - 1].norm))
}

/// "Working for / under / with" someone, opening the sentence or a clause
/// (after a comma or a joiner), then "was"/"is" before the cue at
/// `cue_start`: the index of who was worked for (an object pronoun or a
/// target within two words), the holder of the cue.
fn working_for(s: &[Token], cue_start: usize, rules: &NegativeTalk) -> Option<usize> {
    let is = |set: &std::collections::BTreeSet<String>, i: usize| {
        s.get(i).is_some_and(|t| set.contains(&t.norm))
    };
    rules.working_for.iter().find_map(|p| {
        let words = phrase_words(p);
        occurrences(&words, s).into_iter().find_map(|at| {
            let opens = at == 0 || s[at].after_comma || is(&rules.joiners, at - 1);
            let after = at + words.len();
            let who = (after..(after + 2).min(cue_start))
                .find(|&i| is(&rules.objects, i) || is_target(s, i, rules))?;
            // "Working with our team": a group the speaker belongs to.
            if who > 0 && is(&rules.self_words, who - 1) && is(&rules.shared_groups, who) {
                return None;
            }
            let copula = (who + 1..cue_start).any(|i| COPULA.contains(&s[i].norm.as_str()));
            (opens && copula).then_some(who)
        })
    })
}

/// Who holds a cue: the nearest subject word before it in its clause.
#[derive(Debug, PartialEq)]
enum Holder {
    /// Someone of the job: "my manager was useless".
    Target,
    /// The speaker, or "we": "the version I built was terrible", "we were
    /// disorganised", "our team was a mess".
    Speaker,
    /// Something else, or no subject word: "they said it was a disaster",
    /// "a customer was really difficult".
    Other,
}

/// The holder of the cue at `cue_start` of sentence `s`: read back from the
/// cue to the start of its clause (a comma, or a joiner such as "so" or
/// "but" before a new subject), the first target, self or other subject
/// word decides. Object pronouns are not targets, so "I calmed him down"
/// and "I explained it to them" accuse nobody, and a victim after a
/// conduct cue ("screamed at my colleague") is never its holder.
/// With a target holder, its index.
/// `cleft`: whether a cleft may name the holder (adjectives only: "it was
/// the team that turned a disaster round" holds no noun cue).
fn holder(
    s: &[Token],
    cue_start: usize,
    rules: &NegativeTalk,
    cleft: bool,
) -> (Holder, Option<usize>) {
    let is = |set: &std::collections::BTreeSet<String>, i: usize| {
        s.get(i).is_some_and(|t| set.contains(&t.norm))
    };
    let subject_word = |i: usize| {
        is(&rules.targets, i)
            || is(&rules.self_words, i)
            || is(&rules.other_subjects, i)
            || is(&rules.determiners, i)
            || is(&rules.joiners, i)
    };
    // A comma cuts the clause only before a new subject or a joiner: "was,
    // um, pretty lazy" is one clause, "it was a mess, so I rebuilt it" two.
    let clause_start = |i: usize| {
        i == 0
            || (s[i].after_comma && subject_word(i))
            || (is(&rules.joiners, i) && subject_word(i + 1) && !is(&rules.joiners, i + 1))
    };
    // "He told me the plan was ridiculous": with a copula just before the
    // cue, a noun phrase right before the copula ("the plan") is its
    // subject, and no target further back holds the cue.
    if let Some(c) = (cue_start.saturating_sub(3)..cue_start)
        .rev()
        .find(|&c| COPULA.contains(&s[c].norm.as_str()))
    {
        let noun_phrase = c >= 2
            && !is(&rules.targets, c - 1)
            && !is(&rules.self_words, c - 1)
            && !is(&rules.other_subjects, c - 1)
            && (is(&rules.determiners, c - 2) || is(&rules.possessives, c - 2))
            // "the nurses on that ward were lazy": a phrase after a
            // preposition qualifies the subject before it.
            && !(c >= 3 && is(&rules.prepositions, c - 3));
        if noun_phrase {
            return (Holder::Other, None);
        }
    }
    // A cleft names the holder: "it was the management that made it
    // unbearable".
    let cleft = (0..cue_start).filter(|_| cleft).find(|&k| {
        is(&rules.cleft_openers, k)
            && (k + 1..cue_start.min(k + 4)).any(|t| {
                is(&rules.targets, t) && is(&rules.cleft_joiners, t + 1) && t + 1 < cue_start
            })
    });
    if let Some(k) = cleft {
        let t = (k + 1..cue_start).find(|&t| is(&rules.targets, t));
        return (Holder::Target, t);
    }
    // Asides ("was, how do I put it, pretty dodgy") are passed over.
    let mut aside = vec![false; s.len()];
    for a in &rules.asides {
        let words = phrase_words(a);
        for at in occurrences(&words, s) {
            aside[at..at + words.len()]
                .iter_mut()
                .for_each(|x| *x = true);
        }
    }
    for i in (0..cue_start).rev() {
        let word = s[i].norm.as_str();
        if aside[i] {
            continue;
        }
        if is(&rules.objects, i) {
            // Never a holder ("they promised me a promotion and lied").
        } else if word == "there" && !(i > 0 && is(&rules.targets, i - 1)) {
            if i > 0 && is(&rules.people_there, i - 1) {
                return (Holder::Target, Some(i));
            }
            if s.get(i + 1)
                .is_some_and(|t| COPULA.contains(&t.norm.as_str()))
            {
                return (Holder::Other, None);
            }
        } else if is_target(s, i, rules) {
            // "our team": a group the speaker belongs to.
            let ours = i > 0 && is(&rules.self_words, i - 1) && is(&rules.shared_groups, i);
            return if ours {
                (Holder::Speaker, None)
            } else {
                (Holder::Target, Some(i))
            };
        } else if is(&rules.self_words, i) {
            // "The team I inherited were lazy": a self word right after a
            // target opens a clause about the target, which stays the
            // subject.
            if !(i > 0 && is(&rules.targets, i - 1)) {
                return (Holder::Speaker, None);
            }
        } else if is(&rules.other_subjects, i) {
            // "The IT team was so slow it was embarrassing": the "it" of a
            // result clause is what the clause before was said of.
            if (i.saturating_sub(3)..i).any(|j| is(&rules.result_markers, j)) {
                continue;
            }
            return (Holder::Other, None);
        }
        if clause_start(i) {
            break;
        }
    }
    (Holder::Other, None)
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
            // The holder past an object and an aside, "nobody there".
            "They promised me a promotion and then just lied about it.",
            "My previous employer was, how do I put it, pretty dodgy.",
            "Nobody there knew what they were doing.",
            "My manager was the worst.",
            "I hated my boss.",
            "The nurses on that ward were lazy.",
            "My team leader was rude to everyone.",
            "The customers were fine, it was the management that made it unbearable.",
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
            // The holder is not a target: an object pronoun, a victim, "it",
            // "we", a clause of its own.
            "A customer was rude, so I calmed him down.",
            "The customer screamed at my colleague.",
            "They said it was a disaster, but we fixed it.",
            "We were disorganised at first.",
            "Our team was a mess after the merger.",
            "The deadline was ridiculous, but my manager got it moved.",
            "The worst mistake I made was not asking for help.",
            "My colleague had a nightmare of a week.",
            "Nobody knew what they were doing at first, including me.",
            "I was the only one in the team who had a licence.",
            "I couldn't stand working nights.",
            // A noun phrase holds the copula's cue; taken back; ourselves.
            "He told me the plan was ridiculous, and we talked it through.",
            "They didn't listen to me at first, and I understand why.",
            "The engineers were clueless about it, and so were we.",
            "The director was difficult to reach, so I emailed her assistant.",
            "Our manager never backed down from a challenge.",
            "It was the team that turned a disaster round.",
        ] {
            assert!(!negative(text), "{text}");
        }
    }

    /// Probes written by the rules' author before the rules of the fourth
    /// round (working for someone, collectives, result clauses, titles,
    /// the lexicon's adjectives, idioms, a negator between holder and
    /// cue), in words the corpus does not use: tuning aids written
    /// knowing the rules, not evidence (docs/metrics.md).
    #[test]
    fn probes_of_the_general_mechanisms() {
        for text in [
            "Working with him was a nightmare from start to finish.",
            "Working for them was the worst job I ever had.",
            "The whole place was run by a pack of idiots.",
            "Management there was so bad it was a joke.",
            "My team leader was deceitful and manipulative.",
            "The directors were greedy and heartless.",
            "The owners were thoroughly unethical.",
            "My supervisor kept yelling at the juniors.",
            "The other managers threw me under the bus when the audit came.",
            "The head porter was a bully to everyone.",
            "My previous employer was careless with everyone's safety.",
            "They hung me out to dry in front of the client.",
            "My last company was a sinking ship.",
            "Honestly the senior partner was a tyrant.",
            "My line manager made my life a misery for a year.",
            "The old owners made everyone feel worthless.",
            "Head office made the whole team miserable with their targets.",
            "She made the juniors feel stupid in every meeting.",
        ] {
            assert!(negative(text), "missed: {text}");
        }
        for text in [
            "Working with her was a joy, she taught me everything.",
            "Working for them was hard at first, but I learned a lot.",
            "The storm was so bad it was a nightmare to get home.",
            "My manager was never rude to anyone.",
            "My boss never once made me feel stupid.",
            "I was careless with the order, and my manager helped me fix it.",
            "The patients were frightened and angry, so I explained every step.",
            "My colleague was devastated when we lost the bid.",
            "The client was hostile at first, but we won them over.",
            "My team was exhausted after the launch.",
            "The directors were worried about the budget.",
            "The head chef was shouting orders all night, as you do in a kitchen.",
            "The company had a terrible year, but the team pulled together.",
            "My manager was worried I was careless, so I double-checked everything.",
            "The old system was so slow it was embarrassing, so I rebuilt it.",
            "Working under pressure was the worst part, but I got used to it.",
            "The night shifts made me miserable, so I asked for days.",
            "My manager made sure nobody felt stupid for asking.",
            "The move made us all anxious at first, but it worked out.",
            "My boss made me feel welcome from the first day.",
            "It made me feel stupid, so I learned the system properly.",
            "Working with our team was chaotic at first, so we set up a rota.",
            "I made a terrible mistake with the rota that week.",
        ] {
            assert!(!negative(text), "accused: {text}");
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
