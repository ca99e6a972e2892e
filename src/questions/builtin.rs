//! The banks compiled into the program from `questions/`. Their content is
//! checked by the tests below, so parsing them here cannot fail in a release.

use super::{parse_toml_bank, BankOrigin, QuestionBank};

/// The names of the shipped banks, in the order [`builtin_banks`] returns them.
pub const BUILTIN_BANK_NAMES: [&str; 2] = ["behavioural", "after-rejection"];

/// (name, label in errors, TOML text)
const SHIPPED: [(&str, &str, &str); 2] = [
    (
        "behavioural",
        "questions/behavioural.toml",
        include_str!("../../questions/behavioural.toml"),
    ),
    (
        "after-rejection",
        "questions/after-rejection.toml",
        include_str!("../../questions/after-rejection.toml"),
    ),
];

fn parse_shipped(label: &str, text: &str) -> QuestionBank {
    parse_toml_bank(label, BankOrigin::Builtin, text)
        .unwrap_or_else(|error| panic!("a shipped bank is invalid: {error}"))
}

/// Every shipped bank.
pub fn builtin_banks() -> Vec<QuestionBank> {
    SHIPPED
        .iter()
        .map(|(_, label, text)| parse_shipped(label, text))
        .collect()
}

/// The banks a session uses when none is named: the behavioural questions.
pub fn default_banks() -> Vec<QuestionBank> {
    builtin_bank("behavioural").into_iter().collect()
}

/// A shipped bank by name, ignoring case; the US spelling `behavioral` is
/// accepted too.
pub fn builtin_bank(name: &str) -> Option<QuestionBank> {
    let name = if name.eq_ignore_ascii_case("behavioral") {
        "behavioural"
    } else {
        name
    };
    SHIPPED
        .iter()
        .find(|(shipped, _, _)| shipped.eq_ignore_ascii_case(name))
        .map(|(_, label, text)| parse_shipped(label, text))
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::questions::categories;

    const CATEGORIES: [&str; 11] = [
        "about-yourself",
        "adaptability",
        "communication",
        "conflict",
        "failure",
        "leadership",
        "motivation",
        "pressure",
        "problem-solving",
        "questions-for-the-interviewer",
        "teamwork",
    ];

    #[test]
    fn every_shipped_bank_parses_under_its_name() {
        let banks = builtin_banks();
        let names: Vec<_> = banks.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, BUILTIN_BANK_NAMES);
        for bank in &banks {
            assert_eq!(bank.origin, BankOrigin::Builtin);
            assert!(
                bank.description.is_some(),
                "{} has no description",
                bank.name
            );
        }
    }

    #[test]
    fn behavioural_bank_covers_every_category() {
        let bank = builtin_bank("behavioural").unwrap();
        assert!(bank.questions.len() >= 66, "{}", bank.questions.len());
        assert_eq!(categories(std::slice::from_ref(&bank)), CATEGORIES);
        let mut per_category: HashMap<&str, usize> = HashMap::new();
        for question in &bank.questions {
            *per_category.entry(&question.category).or_default() += 1;
        }
        for category in CATEGORIES {
            assert!(
                per_category[category] >= 6,
                "{category}: {}",
                per_category[category]
            );
        }
    }

    #[test]
    fn every_shipped_question_has_tips_and_ends_its_sentences() {
        for bank in builtin_banks() {
            for q in &bank.questions {
                let tips = q
                    .tips
                    .as_deref()
                    .unwrap_or_else(|| panic!("{} has no tips", q.id));
                assert!(tips.len() >= 40, "{}: tips too thin", q.id);
                assert!(tips.ends_with('.'), "{}: tips", q.id);
                assert!(
                    q.text.ends_with(['?', '.', '"']),
                    "{}: text ends oddly",
                    q.id
                );
                for f in &q.follow_ups {
                    assert!(f.ends_with('?') || f.ends_with('.'), "{}: {f}", q.id);
                }
            }
        }
    }

    #[test]
    fn many_shipped_questions_have_follow_ups_and_some_a_limit() {
        let bank = builtin_bank("behavioural").unwrap();
        let with_follow_ups = bank
            .questions
            .iter()
            .filter(|q| !q.follow_ups.is_empty())
            .count();
        assert!(
            with_follow_ups * 2 >= bank.questions.len(),
            "{with_follow_ups}"
        );
        let limited: Vec<_> = bank
            .questions
            .iter()
            .filter(|q| q.limit_seconds.is_some())
            .map(|q| q.id.as_str())
            .collect();
        assert!(limited.len() >= 3, "{limited:?}");
        assert!(limited.contains(&"tell-me-about-yourself"), "{limited:?}");
    }

    #[test]
    fn after_rejection_bank_is_a_feedback_role_play() {
        let bank = builtin_bank("after-rejection").unwrap();
        assert!(bank.questions.len() >= 8);
        assert!(bank.questions.iter().all(|q| q.category == "feedback-call"));
    }

    #[test]
    fn ids_are_unique_across_shipped_banks() {
        let mut ids = HashSet::new();
        for bank in builtin_banks() {
            for q in &bank.questions {
                assert!(ids.insert(q.id.clone()), "{} appears twice", q.id);
            }
        }
    }

    #[test]
    fn default_is_behavioural_and_names_ignore_case() {
        let default = default_banks();
        assert_eq!(default.len(), 1);
        assert_eq!(default[0].name, "behavioural");
        assert_eq!(builtin_bank("Behavioral").unwrap().name, "behavioural");
        assert_eq!(
            builtin_bank("AFTER-REJECTION").unwrap().name,
            "after-rejection"
        );
        assert!(builtin_bank("general").is_none());
    }
}
