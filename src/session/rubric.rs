//! The review rubric: the criteria a reviewer scores 1-5, as keyed in
//! `session.json` (`reviews[].scores`), and the self-check questions of a
//! candidate reviewing themselves (`reviews[].self_check`).

/// One criterion of the rubric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Criterion {
    /// The key in `scores`.
    pub key: &'static str,
    pub title: &'static str,
    /// One line for the reviewer.
    pub description: &'static str,
}

/// The criteria's keys, in the order they are asked: what report, stats and
/// progress list, so a criterion added to [`RUBRIC`] shows up everywhere.
pub fn criterion_keys() -> impl Iterator<Item = &'static str> {
    RUBRIC.iter().map(|c| c.key)
}

/// The criteria, in the order they are asked.
pub const RUBRIC: &[Criterion] = &[
    Criterion {
        key: "structure",
        title: "Structure (STAR)",
        description: "situation, task, action and result, in that order, easy to follow",
    },
    Criterion {
        key: "relevance",
        title: "Relevance",
        description: "answers the question that was asked, with a fitting example",
    },
    Criterion {
        key: "specificity",
        title: "Specificity and ownership",
        description: "concrete details and numbers; says what \"I\" did, not only \"we\"",
    },
    Criterion {
        key: "clarity",
        title: "Clarity",
        description: "plain words, no rambling, the point comes across at once",
    },
    Criterion {
        key: "delivery",
        title: "Delivery and energy",
        description: "steady pace, audible, confident and engaged, few fillers",
    },
];

/// The lowest and highest score.
pub const SCORE_RANGE: std::ops::RangeInclusive<u8> = 1..=5;

/// The self-check questions: (key in `self_check`, question).
pub const SELF_CHECK: &[(&str, &str)] = &[
    (
        "positive_engaged",
        "Did I sound positive and engaged, not negative or uninterested?",
    ),
    (
        "detailed_with_result",
        "Did I give a detailed answer with a result?",
    ),
];

pub fn criterion(key: &str) -> Option<&'static Criterion> {
    RUBRIC.iter().find(|c| c.key == key)
}
