//! `mockview stats` over logs written with the library's own types: three
//! sessions with stored metrics and reviews, one answer whose metrics must be
//! computed from its WAV, and one damaged log.

use crate::common::*;
use mockview::analysis::{Metrics, Pause};
use mockview::session::{
    Answer, AnswerStatus, QuestionRef, Review, Session, SessionStatus, SessionStore, Settings,
};
use predicates::prelude::*;
use std::collections::BTreeMap;

fn settings() -> Settings {
    Settings {
        count: 2,
        limit_seconds: 120,
        seed: 1,
        ..Settings::default()
    }
}

fn answer(number: u32, qid: &str, metrics: Option<Metrics>) -> Answer {
    let mut answer = Answer::new(
        number,
        QuestionRef {
            id: qid.into(),
            text: format!("Question {qid}?"),
            category: "teamwork".into(),
            ..QuestionRef::default()
        },
        AnswerStatus::Recorded,
    )
    .with_take(format!("{number:02}-{qid}.wav"), 0, RATE);
    answer.recording.duration_seconds = metrics.as_ref().map_or(0.0, |m| m.duration_seconds);
    answer.recording.metrics = metrics;
    answer
}

/// 60 s answers: first word at `first`, `pauses` pauses, pace `wpm`.
fn metrics(wpm: f64, pauses: usize, first: f64) -> Metrics {
    Metrics {
        duration_seconds: 60.0 + first,
        first_word_seconds: first,
        words_per_minute: wpm,
        syllables: 100,
        pauses: (0..pauses)
            .map(|i| Pause {
                start_seconds: i as f64 * 2.0 + first,
                end_seconds: i as f64 * 2.0 + first + 0.5,
            })
            .collect(),
        ..Metrics::default()
    }
}

fn review(scores: &[(&str, u8)]) -> Review {
    Review {
        reviewer: "coach".into(),
        at: "2026-11-20T10:00:00Z".parse().unwrap(),
        scores: scores
            .iter()
            .map(|(k, v)| (k.to_string(), *v))
            .collect::<BTreeMap<_, _>>(),
        notes: String::new(),
        self_check: None,
        comments: Vec::new(),
    }
}

fn write(
    store: &SessionStore,
    id: &str,
    started: &str,
    answers: Vec<Answer>,
) -> std::path::PathBuf {
    let dir = store.create(id).unwrap();
    let mut s = Session::new(dir.id.clone(), started.parse().unwrap(), settings());
    s.status = SessionStatus::Completed;
    s.answers = answers;
    dir.save(&s).unwrap();
    dir.path
}

fn root() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let store = SessionStore::new(tmp.path());
    write(
        &store,
        "20261101-090000",
        "2026-11-01T09:00:00Z",
        vec![
            answer(1, "conflict", Some(metrics(120.0, 6, 2.0))),
            answer(2, "failure", Some(metrics(130.0, 4, 4.0))),
        ],
    );
    let mut a = answer(1, "conflict", Some(metrics(150.0, 3, 1.0)));
    a.reviews = vec![
        review(&[("structure", 3), ("clarity", 4)]),
        review(&[("structure", 4), ("clarity", 5)]),
    ];
    write(&store, "20261108-090000", "2026-11-08T09:00:00Z", vec![a]);
    // The third session's answer has no stored metrics: analysed from its WAV.
    let path = write(
        &store,
        "20261115-090000",
        "2026-11-15T09:00:00Z",
        vec![answer(1, "conflict", None)],
    );
    let mut samples = speech(
        "I listened to both sides and we agreed on a plan.",
        160,
        RATE,
    );
    samples.extend(silence(0.5, RATE));
    write_wav(&path.join("01-conflict.wav"), &samples, RATE);
    // A damaged log is skipped with a warning.
    let bad = tmp.path().join("20261120-090000");
    std::fs::create_dir(&bad).unwrap();
    std::fs::write(log_path(&bad), "{ not json").unwrap();
    tmp
}

#[test]
fn json_counts_averages_and_per_question_tallies() {
    let tmp = root();
    let out = mockview_in(tmp.path())
        .args(["stats", "--json"])
        .assert()
        .success()
        .stderr(predicate::str::contains("20261120-090000"))
        .get_output()
        .stdout
        .clone();
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let sessions = doc["sessions"].as_array().unwrap();
    assert_eq!(sessions.len(), 3, "{doc}");
    assert_eq!(doc["skipped"].as_array().unwrap().len(), 1);
    let first = &sessions[0];
    assert_eq!(first["id"], "20261101-090000");
    assert_eq!(first["answers"], 2);
    assert_eq!(first["pace_wpm"], 125.0);
    assert_eq!(first["first_word_seconds"], 3.0);
    assert_eq!(first["average_answer_seconds"], 63.0);
    // 10 pauses in 2 minutes of answer time.
    assert_eq!(first["pauses_per_minute"], 5.0);
    assert!(first["scores"].as_object().unwrap().is_empty());
    let second = &sessions[1];
    assert_eq!(second["scores"]["structure"], 3.5);
    assert_eq!(second["scores"]["clarity"], 4.5);
    // The third was analysed from the WAV on the fly.
    let third = &sessions[2];
    assert_eq!(third["answers"], 1);
    assert!(third["pace_wpm"].as_f64().unwrap() > 100.0, "{third}");
    assert_eq!(
        doc["trend"]["pace_wpm"].as_array().unwrap().len(),
        3,
        "{}",
        doc["trend"]
    );
    assert_eq!(doc["trend"]["structure"], serde_json::json!([3.5]));
    let questions = doc["questions"].as_array().unwrap();
    assert_eq!(questions.len(), 2);
    assert_eq!(questions[0]["id"], "conflict");
    assert_eq!(questions[0]["practised"], 3);
    assert_eq!(questions[0]["last_practised"], third["date"]);
    // The latest *reviewed* answer's scores.
    assert_eq!(questions[0]["latest_scores"]["structure"], 3.5);
    assert_eq!(questions[1]["id"], "failure");
    assert_eq!(questions[1]["practised"], 1);
}

#[test]
fn piped_text_is_plain() {
    let tmp = root();
    let text = stdout_of(mockview_in(tmp.path()).env_remove("NO_COLOR").arg("stats"));
    assert!(!text.contains('\x1b'), "{text}");
    assert!(!text.chars().any(|c| ('▁'..='█').contains(&c)), "{text}");
    for needle in [
        "20261101-090000",
        "Trend",
        "pace (wpm)",
        "Question conflict?",
        "structure",
    ] {
        assert!(text.contains(needle), "{needle} in {text}");
    }
}

#[test]
fn empty_root_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    mockview_in(tmp.path())
        .args(["stats"])
        .assert()
        .success()
        .stdout(predicate::str::contains("no sessions yet"));
}
