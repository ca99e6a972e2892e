//! The progress of one session, and the trend of each figure over sessions.

use crate::analysis::Metrics;
use crate::clock::local_date;
use crate::session::Session;
use serde::Serialize;
use std::collections::BTreeMap;

/// The delivery figures that make up the trend, by their
/// [`SessionProgress::value`] key; the review criteria follow them.
pub const TREND_SERIES: [&str; 7] = [
    "pace_wpm",
    "pauses_per_minute",
    "average_answer_seconds",
    "first_word_seconds",
    "pitch_sd_semitones",
    "fillers_per_minute",
    "hedges_per_minute",
];

/// One session's figures. Serialised as one entry of `stats --json`'s
/// `sessions`: the field names are part of that output.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionProgress {
    pub id: String,
    pub started_at: String,
    /// Local date, YYYY-MM-DD.
    pub date: String,
    /// Answers with a recording.
    pub answers: usize,
    /// Averages over the answers with metrics; `null` when there are none.
    pub average_answer_seconds: Option<f64>,
    pub pace_wpm: Option<f64>,
    pub pauses_per_minute: Option<f64>,
    pub first_word_seconds: Option<f64>,
    /// Average review score (1-5) per criterion over every review.
    pub scores: BTreeMap<String, f64>,
    /// Long pauses per minute of answer time, like `pauses_per_minute`.
    /// Drawn by the report; left out of `stats --json`, whose document
    /// predates it and stays as it was.
    #[serde(skip)]
    pub long_pauses_per_minute: Option<f64>,
    /// Pitch variation: the mean of the answers' pitch standard deviation
    /// (semitones), over the answers voiced long enough to have one.
    pub pitch_sd_semitones: Option<f64>,
    /// Filler words per minute of speaking over the answers with content
    /// feedback (a transcript); `null` when none has.
    pub fillers_per_minute: Option<f64>,
    /// Hedges per minute of speaking, likewise.
    pub hedges_per_minute: Option<f64>,
}

impl SessionProgress {
    /// Whether any answer of the session had delivery metrics.
    pub fn has_metrics(&self) -> bool {
        self.average_answer_seconds.is_some()
    }

    /// The mean of the per-criterion averages (1-5), so that each criterion
    /// weighs the same however often it was scored; `None` when unreviewed.
    pub fn average_score(&self) -> Option<f64> {
        mean(self.scores.values().copied())
    }

    /// A figure by its key: a field name (`pace_wpm`, `pauses_per_minute`,
    /// `long_pauses_per_minute`, `average_answer_seconds`,
    /// `first_word_seconds`, `pitch_sd_semitones`, `fillers_per_minute`,
    /// `hedges_per_minute`), `average_score`, or a criterion's name.
    pub fn value(&self, key: &str) -> Option<f64> {
        match key {
            "pace_wpm" => self.pace_wpm,
            "pauses_per_minute" => self.pauses_per_minute,
            "long_pauses_per_minute" => self.long_pauses_per_minute,
            "average_answer_seconds" => self.average_answer_seconds,
            "first_word_seconds" => self.first_word_seconds,
            "pitch_sd_semitones" => self.pitch_sd_semitones,
            "fillers_per_minute" => self.fillers_per_minute,
            "hedges_per_minute" => self.hedges_per_minute,
            "average_score" => self.average_score(),
            criterion => self.scores.get(criterion).copied(),
        }
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = values.fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    (n > 0).then(|| sum / n as f64)
}

/// Average every score per criterion over `reviews`' scores.
pub(super) fn average_scores<'a>(
    scores: impl Iterator<Item = (&'a String, &'a u8)>,
) -> BTreeMap<String, f64> {
    let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for (k, v) in scores {
        let e = sums.entry(k.clone()).or_default();
        e.0 += f64::from(*v);
        e.1 += 1;
    }
    sums.into_iter()
        .map(|(k, (sum, n))| (k, sum / n as f64))
        .collect()
}

/// The figures of `log`, whose recorded answers have `metrics` (those that
/// could be had: stored or analysed).
pub fn session_progress(log: &Session, metrics: &[Metrics]) -> SessionProgress {
    // Pauses per minute of answer time (first word to end of last word),
    // over the whole session, so short answers do not weigh as much.
    let (pauses, long_pauses, minutes) =
        metrics.iter().fold((0usize, 0usize, 0.0), |(p, l, t), m| {
            let answer = m.duration_seconds - m.first_word_seconds - m.trailing_silence_seconds;
            (
                p + m.pauses.len(),
                l + m.long_pauses.len(),
                t + answer.max(0.0) / 60.0,
            )
        });
    let spoken: Vec<&Metrics> = metrics.iter().filter(|m| m.syllables > 0).collect();
    // Fillers and hedges over the whole session's speaking time, like pauses.
    let (fillers, hedges, speaking_minutes) = log
        .answers
        .iter()
        .filter(|a| a.is_recorded())
        .filter_map(|a| a.recording.content.as_ref())
        .fold((0u32, 0usize, 0.0), |(f, h, t), c| {
            (
                f + c.fillers.count,
                h + c.hedges.len(),
                t + c.speaking_seconds.max(0.0) / 60.0,
            )
        });
    let content_rate = |n: f64| (speaking_minutes > 0.0).then(|| n / speaking_minutes);
    SessionProgress {
        id: log.id.clone(),
        started_at: log.started_at.to_string(),
        date: local_date(log.started_at),
        answers: log.answers.iter().filter(|a| a.is_recorded()).count(),
        average_answer_seconds: mean(metrics.iter().map(|m| m.duration_seconds)),
        pace_wpm: mean(spoken.iter().map(|m| m.words_per_minute)),
        pauses_per_minute: (minutes > 0.0).then(|| pauses as f64 / minutes),
        first_word_seconds: mean(spoken.iter().map(|m| m.first_word_seconds)),
        scores: average_scores(
            log.answers
                .iter()
                .flat_map(|a| &a.reviews)
                .flat_map(|r| &r.scores),
        ),
        long_pauses_per_minute: (minutes > 0.0).then(|| long_pauses as f64 / minutes),
        pitch_sd_semitones: mean(metrics.iter().filter_map(|m| m.pitch_sd_semitones)),
        fillers_per_minute: content_rate(f64::from(fillers)),
        hedges_per_minute: content_rate(hedges as f64),
    }
}

/// Each series of [`TREND_SERIES`] and the rubric's criteria that has a value,
/// oldest first (the order of `sessions`), one value per session that has it.
pub fn trend(sessions: &[SessionProgress]) -> BTreeMap<&'static str, Vec<f64>> {
    TREND_SERIES
        .iter()
        .copied()
        .chain(crate::session::criterion_keys())
        .map(|k| {
            (
                k,
                sessions
                    .iter()
                    .filter_map(|s| s.value(k))
                    .collect::<Vec<f64>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::analysis::Pause;
    use crate::session::{Answer, AnswerStatus, QuestionRef, Review, Settings};

    pub fn log(id: &str, at: &str, answers: Vec<Answer>) -> Session {
        let settings = Settings {
            seed: 1,
            ..Settings::default()
        };
        let mut s = Session::new(id.into(), at.parse().unwrap(), settings);
        s.answers = answers;
        s
    }

    pub fn answer(qid: &str, file: bool, scores: &[&[(&str, u8)]]) -> Answer {
        let mut a = Answer {
            reviews: scores
                .iter()
                .map(|s| Review {
                    reviewer: "r".into(),
                    at: jiff::Timestamp::UNIX_EPOCH,
                    scores: s.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
                    notes: String::new(),
                    self_check: None,
                    comments: Vec::new(),
                })
                .collect(),
            ..Answer::new(
                1,
                QuestionRef {
                    id: qid.into(),
                    text: format!("{qid}?"),
                    category: "c".into(),
                    ..QuestionRef::default()
                },
                if file {
                    AnswerStatus::Recorded
                } else {
                    AnswerStatus::Skipped
                },
            )
        };
        a.recording.file = file.then(|| format!("{qid}.wav"));
        a.recording.sample_rate = 8000;
        a
    }

    fn pauses(n: usize) -> Vec<Pause> {
        vec![Pause::default(); n]
    }

    /// `minutes` of answer time after `first` seconds of silence.
    pub fn metrics(minutes: f64, first: f64, wpm: f64, p: usize, long: usize) -> Metrics {
        Metrics {
            duration_seconds: minutes * 60.0 + first,
            first_word_seconds: first,
            words_per_minute: wpm,
            syllables: if wpm > 0.0 { 100 } else { 0 },
            pauses: pauses(p),
            long_pauses: pauses(long),
            ..Metrics::default()
        }
    }

    #[test]
    fn averages_over_answers_and_pauses_over_answer_time() {
        let l = log(
            "a",
            "2026-11-01T09:00:00Z",
            vec![answer("x", true, &[]), answer("y", false, &[])],
        );
        let s = session_progress(
            &l,
            &[
                metrics(1.0, 2.0, 120.0, 6, 1),
                metrics(3.0, 4.0, 140.0, 2, 3),
            ],
        );
        assert_eq!(s.answers, 1, "the skipped answer has no recording");
        assert_eq!(s.average_answer_seconds, Some(123.0));
        assert_eq!(s.pace_wpm, Some(130.0));
        assert_eq!(s.first_word_seconds, Some(3.0));
        // 8 pauses and 4 long ones in 4 minutes: a long answer weighs more.
        assert_eq!(s.pauses_per_minute, Some(2.0));
        assert_eq!(s.long_pauses_per_minute, Some(1.0));
        assert!(s.scores.is_empty() && s.average_score().is_none());
        assert!(s.has_metrics());
        assert_eq!(s.value("long_pauses_per_minute"), Some(1.0));
    }

    #[test]
    fn silent_answers_count_for_length_but_not_pace() {
        let l = log("a", "2026-11-01T09:00:00Z", vec![answer("x", true, &[])]);
        let s = session_progress(
            &l,
            &[metrics(1.0, 0.0, 150.0, 0, 0), metrics(1.0, 0.0, 0.0, 0, 0)],
        );
        assert_eq!(s.pace_wpm, Some(150.0));
        assert_eq!(s.first_word_seconds, Some(0.0));
        assert_eq!(s.average_answer_seconds, Some(60.0));
    }

    #[test]
    fn no_metrics_no_figures() {
        let l = log("a", "2026-11-01T09:00:00Z", vec![answer("x", true, &[])]);
        let s = session_progress(&l, &[]);
        assert!(!s.has_metrics());
        assert_eq!(s.pace_wpm, None);
        assert_eq!(s.pauses_per_minute, None);
        assert_eq!(s.long_pauses_per_minute, None);
        assert_eq!(s.date.len(), 10);
    }

    #[test]
    fn scores_average_per_criterion_then_over_criteria() {
        let l = log(
            "a",
            "2026-11-01T09:00:00Z",
            vec![
                answer("x", true, &[&[("structure", 3), ("clarity", 4)]]),
                answer(
                    "y",
                    true,
                    &[&[("structure", 4)], &[("structure", 5), ("clarity", 5)]],
                ),
            ],
        );
        let s = session_progress(&l, &[]);
        assert_eq!(s.scores["structure"], 4.0);
        assert_eq!(s.scores["clarity"], 4.5);
        assert_eq!(s.average_score(), Some(4.25));
        assert_eq!(s.value("clarity"), Some(4.5));
    }

    #[test]
    fn trend_keeps_session_order_and_skips_missing_values() {
        let l = log("a", "2026-11-01T09:00:00Z", vec![]);
        let mut a = session_progress(&l, &[metrics(1.0, 1.0, 120.0, 2, 0)]);
        let b = session_progress(&l, &[]);
        let mut c = session_progress(&l, &[metrics(1.0, 1.0, 150.0, 2, 0)]);
        a.scores.insert("structure".into(), 3.0);
        c.scores.insert("structure".into(), 4.0);
        c.scores.insert("not-a-criterion".into(), 1.0);
        let t = trend(&[a, b, c]);
        assert_eq!(t["pace_wpm"], [120.0, 150.0]);
        assert_eq!(t["structure"], [3.0, 4.0]);
        assert!(!t.contains_key("clarity"), "no empty series");
        assert!(!t.contains_key("not-a-criterion"));
        assert!(
            !t.contains_key("long_pauses_per_minute"),
            "the stats document is unchanged"
        );
    }
}
