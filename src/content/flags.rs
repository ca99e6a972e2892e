//! Plain-language findings about what was said, each with the number behind
//! it, in the same shape as the delivery flags (`analysis::Flag`). Wording
//! is for the candidate: what was heard and what to do about it.

use std::collections::BTreeMap;

use super::config::ContentThresholds;
use super::feedback::{Content, Finding};
use crate::analysis::Flag;

/// How much of a negative sentence the flag quotes.
const NEGATIVE_QUOTE_CHARS: usize = 120;

fn flag(code: &str, message: String, value: f64) -> Flag {
    Flag {
        code: code.to_string(),
        message,
        value,
    }
}

/// `um ×5, like ×2` from phrase counts, most frequent first.
fn tally<'a>(phrases: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
    for p in phrases {
        *counts.entry(p).or_default() += 1;
    }
    let mut counts: Vec<(&str, u32)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    counts
        .iter()
        .map(|(p, n)| {
            if *n > 1 {
                format!("\"{p}\" ×{n}")
            } else {
                format!("\"{p}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn phrases(found: &[Finding]) -> impl Iterator<Item = &str> {
    found.iter().map(|f| f.phrase.as_str())
}

/// `story`: the question asks for a story (a time you did something), so
/// the STAR flags (`no_result`, `no_star`) apply; "Tell me about yourself"
/// or "Why this company?" is answered well without one.
pub(crate) fn raise(c: &Content, t: &ContentThresholds, story: bool) -> Vec<Flag> {
    let mut flags = Vec::new();
    let enough = c.word_count >= t.min_words;
    if enough && c.fillers.per_minute > t.fillers_per_minute {
        flags.push(flag(
            "fillers",
            format!(
                "{} filler words, {:.1} a minute ({}): pause silently instead",
                c.fillers.count,
                c.fillers.per_minute,
                tally(phrases(&c.fillers.found))
            ),
            c.fillers.per_minute,
        ));
    }
    let hedges_per_minute = if c.speaking_seconds > 0.0 {
        c.hedges.len() as f64 * 60.0 / c.speaking_seconds
    } else {
        0.0
    };
    if enough && hedges_per_minute > t.hedges_per_minute {
        flags.push(flag(
            "hedging",
            format!(
                "{} hedges ({}): say what you did and know, without softening it",
                c.hedges.len(),
                tally(phrases(&c.hedges))
            ),
            hedges_per_minute,
        ));
    }
    if c.negatives.len() as u32 > t.negatives {
        let quoted: Vec<String> = c
            .negatives
            .iter()
            .map(|f| {
                format!(
                    "“{}”",
                    super::feedback::quote(&f.sentence, NEGATIVE_QUOTE_CHARS)
                )
            })
            .collect();
        flags.push(flag(
            "negative",
            format!(
                "negative about others: {}: say what you learned, not who was wrong",
                quoted.join(" ")
            ),
            c.negatives.len() as f64,
        ));
    }
    if c.we_count >= t.min_we && c.we_count as f64 > t.we_per_i * c.i_count as f64 {
        flags.push(flag(
            "we_not_i",
            format!(
                "\"we\" {} times, \"I\" {} times: say what you did yourself",
                c.we_count, c.i_count
            ),
            c.we_count as f64,
        ));
    }
    // Figures, outcomes and "since then" are result cues of the sentence
    // that says them (src/content/star.rs): no separate figure rule.
    // A sentence after the last action that carries no outcome content is
    // `none` by its place (src/content/star.rs): it may be an ending the
    // rules cannot read. Telling someone their story had no ending when it
    // had one is worse than saying nothing, so such an ending keeps both
    // STAR flags silent, as a result would; a closing the cues recognise
    // ("so yeah, that's my example") is no such doubt.
    let ending_unsure = !c.star.result
        && c.star.action
        && c.star
            .sentences
            .iter()
            .any(|s| s.by_place && s.part == "none");
    if story && enough && !c.star.result && !ending_unsure {
        flags.push(flag(
            "no_result",
            "no result at the end: close with what came of it, with a number if you can"
                .to_string(),
            0.0,
        ));
    }
    let parts = c.star.parts().len() as u32 + u32::from(ending_unsure);
    // What I did and what came of it make a story even when it opens on
    // the action ("I pushed a config change on a Friday...", issue 18):
    // the scene and the task are then often in the action's sentence.
    // Not issue 18's example alone: without this rule `no_star` is raised
    // wrongly on 3 more answers of the tuned-on corpus (precision 94.4 ->
    // 85.7 %, docs/metrics.md).
    let acted_to_an_end = c.star.action && (c.star.result || ending_unsure);
    if story && enough && parts < t.min_star_parts && !acted_to_an_end {
        flags.push(flag(
            "no_star",
            format!(
                "not a STAR answer, missing the {}: set the scene, your task, what you did, the result",
                c.star.missing().join(", ")
            ),
            parts as f64,
        ));
    }
    flags
}
