//! Question banks: their types, reading and validating bank files (TOML or
//! plain text), the banks shipped with mockview, and choosing the questions a
//! session asks.
//!
//! This module leaves everything else to its callers: it has no command line
//! and no terminal, and it knows nothing of sessions. What a user has practised
//! before (for [`Order::Fresh`]) is passed in as a map of question id to count.
//!
//! Choosing banks: with no `--bank`, a session draws from [`default_banks`]
//! (the behavioural bank). When `--bank` is given, the session uses exactly the
//! named banks, shipped or from files, and nothing else; the default is not
//! added. A question id must be unique across the banks of one session, because
//! practice history is keyed by id.

mod bank;
mod builtin;
mod select;

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use bank::{
    load_bank_file, parse_toml_bank, parse_txt_bank, resolve_banks, BankError, MAX_BANK_BYTES,
};
pub use builtin::{builtin_bank, builtin_banks, default_banks, BUILTIN_BANK_NAMES};
pub use select::{find, select, Order, Past, SelectError, SelectionRequest};

/// One question as the candidate sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// A stable slug (`tell-me-about-a-time-you-failed`): practice history and
    /// recordings refer to it, so it must not change when the text is edited.
    pub id: String,
    pub text: String,
    /// A lowercase slug such as `problem-solving`; see [`category_title`].
    pub category: String,
    /// A short STAR hint shown before answering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tips: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<String>,
    /// A suggested answer time; the session's `--limit` may override it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit_seconds: Option<u32>,
    /// The question asks for a story (a time you did something), answered
    /// with STAR: the STAR feedback applies. `false` for questions such as
    /// "Tell me about yourself" or "Why this company?" (bank: `story = false`).
    #[serde(default = "yes")]
    pub story: bool,
}

fn yes() -> bool {
    true
}

/// Where a bank came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BankOrigin {
    /// Compiled into the program.
    Builtin,
    File(PathBuf),
}

impl fmt::Display for BankOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BankOrigin::Builtin => f.write_str("shipped"),
            BankOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionBank {
    /// The bank's `name`, or else its file name without the extension.
    pub name: String,
    pub description: Option<String>,
    pub origin: BankOrigin,
    /// Never empty: a bank without questions is refused when it is read.
    pub questions: Vec<Question>,
}

/// The categories of all questions in `banks`, sorted, each once.
pub fn categories(banks: &[QuestionBank]) -> Vec<String> {
    banks
        .iter()
        .flat_map(|bank| bank.questions.iter().map(|q| q.category.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A category slug as a heading: `problem-solving` -> `Problem solving`.
pub fn category_title(slug: &str) -> String {
    let words = slug
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The longest slug [`slugify`] returns.
const MAX_SLUG_LEN: usize = 48;

/// A file-name-safe slug of `text`: lowercase ASCII letters and digits, every
/// other run of characters turned into one `-`, no leading or trailing `-`,
/// at most 48 characters (cut at a word boundary where there is one), and
/// never empty (`question`).
///
/// Used for the ids of plain-text banks and for the names of answer recordings.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    if slug.len() > MAX_SLUG_LEN {
        // The slug is ASCII, so byte indices are character indices.
        let cut = if slug.as_bytes()[MAX_SLUG_LEN] == b'-' {
            MAX_SLUG_LEN
        } else {
            slug[..MAX_SLUG_LEN].rfind('-').unwrap_or(MAX_SLUG_LEN)
        };
        slug.truncate(cut);
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        slug.push_str("question");
    }
    slug
}

/// Whether `s` has the shape of an id or category: lowercase ASCII letters
/// and digits in words joined by single hyphens.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugify_lowercases_and_joins_words_with_single_hyphens() {
        assert_eq!(
            slugify("Tell me about a time you failed."),
            "tell-me-about-a-time-you-failed"
        );
        assert_eq!(
            slugify("  What's your *biggest* weakness?? "),
            "what-s-your-biggest-weakness"
        );
        assert_eq!(slugify("C# & .NET: 2 years"), "c-net-2-years");
    }

    #[test]
    fn slugify_is_never_empty() {
        assert_eq!(slugify(""), "question");
        assert_eq!(slugify("?!… —"), "question");
        assert_eq!(slugify("日本語"), "question");
    }

    #[test]
    fn slugify_cuts_long_text_at_a_word_boundary() {
        let text = "Describe a situation where you had to persuade a sceptical \
                    stakeholder to change course";
        let slug = slugify(text);
        assert_eq!(slug, "describe-a-situation-where-you-had-to-persuade-a");
        assert!(slug.len() <= MAX_SLUG_LEN);

        // Cut exactly at a hyphen: the 48 characters are kept whole.
        let exact = format!("{} tail", "a".repeat(48));
        assert_eq!(slugify(&exact), "a".repeat(48));

        // One long word has no boundary: cut hard.
        assert_eq!(slugify(&"x".repeat(100)), "x".repeat(48));
    }

    #[test]
    fn category_titles_read_as_headings() {
        assert_eq!(category_title("problem-solving"), "Problem solving");
        assert_eq!(category_title("about-yourself"), "About yourself");
        assert_eq!(
            category_title("questions-for-the-interviewer"),
            "Questions for the interviewer"
        );
        assert_eq!(category_title("general"), "General");
        assert_eq!(category_title(""), "");
    }

    #[test]
    fn is_slug_accepts_only_hyphenated_lowercase_words() {
        assert!(is_slug("tell-me-about-yourself"));
        assert!(is_slug("q1"));
        for bad in ["", "-a", "a-", "a--b", "A", "a_b", "a b", "é"] {
            assert!(!is_slug(bad), "{bad:?} should not be a slug");
        }
    }

    #[test]
    fn categories_are_sorted_and_unique() {
        let q = |id: &str, category: &str| Question {
            id: id.into(),
            text: id.into(),
            category: category.into(),
            tips: None,
            follow_ups: vec![],
            limit_seconds: None,
            story: true,
        };
        let bank = |questions| QuestionBank {
            name: "b".into(),
            description: None,
            origin: BankOrigin::Builtin,
            questions,
        };
        let banks = [
            bank(vec![q("a", "teamwork"), q("b", "conflict")]),
            bank(vec![q("c", "teamwork"), q("d", "about-yourself")]),
        ];
        assert_eq!(
            categories(&banks),
            ["about-yourself", "conflict", "teamwork"]
        );
    }
}
