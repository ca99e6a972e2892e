//! Per question: how often it was practised, when last, and the scores of
//! its latest reviewed answer.

use super::session::average_scores;
use crate::clock::local_date;
use crate::questions::Past;
use crate::session::{Session, SessionStore};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One question's tally. Serialised as one entry of `stats --json`'s
/// `questions`: the field names are part of that output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionProgress {
    pub id: String,
    pub text: String,
    pub category: String,
    pub practised: usize,
    /// Local date, YYYY-MM-DD.
    pub last_practised: String,
    /// Average scores of the latest reviewed answer to this question.
    pub latest_scores: BTreeMap<String, f64>,
    /// The delivery flags the latest analysed answer raised.
    pub latest_flags: usize,
}

impl QuestionProgress {
    /// What question selection needs to know (`--order fresh`, `weakest`).
    pub fn past(&self) -> Past {
        let scores = &self.latest_scores;
        Past {
            practised: u32::try_from(self.practised).unwrap_or(u32::MAX),
            latest_score: (!scores.is_empty())
                .then(|| scores.values().sum::<f64>() / scores.len() as f64),
            latest_flags: u32::try_from(self.latest_flags).unwrap_or(u32::MAX),
        }
    }
}

/// The progress of every question answered in the store's sessions, from
/// the logs alone (no audio is read; unreadable logs are passed over).
pub fn store_question_progress(store: &SessionStore) -> Vec<QuestionProgress> {
    let logs: Vec<Session> = store
        .list()
        .unwrap_or_default()
        .into_iter()
        .rev()
        .filter_map(|d| d.load().ok())
        .collect();
    question_progress(logs.iter())
}

/// What earlier sessions say about each question, by id, for selection.
pub fn past_answers(store: &SessionStore) -> HashMap<String, Past> {
    store_question_progress(store)
        .iter()
        .map(|q| (q.id.clone(), q.past()))
        .collect()
}

/// Every question answered (recorded) in `logs`, which come oldest first;
/// most practised first, then most recently, then by id.
pub fn question_progress<'a>(logs: impl Iterator<Item = &'a Session>) -> Vec<QuestionProgress> {
    let mut by_id: BTreeMap<String, QuestionProgress> = BTreeMap::new();
    // Logs come oldest first, so the last answer seen is the latest.
    for log in logs {
        for a in log.answers.iter().filter(|a| a.is_recorded()) {
            let q = by_id
                .entry(a.question.id.clone())
                .or_insert_with(|| QuestionProgress {
                    id: a.question.id.clone(),
                    text: a.question.text.clone(),
                    category: a.question.category.clone(),
                    practised: 0,
                    last_practised: String::new(),
                    latest_scores: BTreeMap::new(),
                    latest_flags: 0,
                });
            q.practised += 1;
            q.last_practised = local_date(log.started_at);
            if let Some(m) = &a.recording.metrics {
                q.latest_flags = m.flags.len();
            }
            if !a.reviews.is_empty() {
                q.latest_scores = average_scores(a.reviews.iter().flat_map(|r| &r.scores));
            }
        }
    }
    let mut v: Vec<QuestionProgress> = by_id.into_values().collect();
    v.sort_by(|a, b| {
        b.practised
            .cmp(&a.practised)
            .then_with(|| b.last_practised.cmp(&a.last_practised))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::session::tests::{answer, log};

    #[test]
    fn most_practised_first_with_the_latest_reviewed_scores() {
        let logs = [
            log(
                "a",
                "2026-11-01T09:00:00Z",
                vec![
                    answer("conflict", true, &[&[("structure", 2)]]),
                    answer("failure", true, &[]),
                    answer("skipped", false, &[]),
                ],
            ),
            log(
                "b",
                "2026-11-08T09:00:00Z",
                vec![answer(
                    "conflict",
                    true,
                    &[&[("structure", 4)], &[("structure", 5)]],
                )],
            ),
            log(
                "c",
                "2026-11-15T09:00:00Z",
                vec![answer("conflict", true, &[])],
            ),
        ];
        let q = question_progress(logs.iter());
        let ids: Vec<&str> = q.iter().map(|q| q.id.as_str()).collect();
        assert_eq!(ids, ["conflict", "failure"], "skipped answers do not count");
        assert_eq!(q[0].practised, 3);
        assert_eq!(q[0].last_practised, local_date(logs[2].started_at));
        // The latest answer was not reviewed: the one before it counts.
        assert_eq!(q[0].latest_scores["structure"], 4.5);
        assert_eq!(q[1].practised, 1);
        assert!(q[1].latest_scores.is_empty());
    }
}
