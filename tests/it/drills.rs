//! Drills (issue 12): `practice --question` asks exactly the questions named,
//! `--order weakest` asks first those whose latest answers scored lowest or
//! raised the most flags, and `questions --history` shows what it is based
//! on. The sessions are built here, reviewed and analysed through the
//! binary, and the new sessions are recorded through the ALSA file plugin.

use crate::common::*;
use mockview::session::{Answer, AnswerStatus, QuestionRef, Session, SessionStatus, SessionStore};
use std::path::Path;

/// A finished session `id` under `root` with one recorded answer per
/// question id, each a WAV of `speech`.
fn session(root: &Path, id: &str, questions: &[&str], speech: &[i16]) {
    let store = SessionStore::new(root);
    let dir = store.create(id).unwrap();
    let mut s = Session::new(
        dir.id.clone(),
        "2026-11-20T10:00:00Z".parse().unwrap(),
        Default::default(),
    );
    for (i, q) in questions.iter().enumerate() {
        let file = format!("{:02}-{q}.wav", i + 1);
        write_wav(&dir.path.join(&file), speech, RATE);
        let question = QuestionRef {
            id: q.to_string(),
            text: format!("{q}?"),
            category: "x".into(),
            ..QuestionRef::default()
        };
        s.answers.push(
            Answer::new(i as u32 + 1, question, AnswerStatus::Recorded).with_take(
                file,
                speech.len() as u64,
                RATE,
            ),
        );
    }
    s.status = SessionStatus::Completed;
    dir.save(&s).unwrap();
}

fn review(dev: &FileDevice, id: &str, answer: &str, score: u8) {
    let mut c = dev.cmd();
    c.args(["review", id, "--reviewer", "Coach", "--answer", answer]);
    for k in [
        "structure",
        "relevance",
        "specificity",
        "clarity",
        "delivery",
    ] {
        c.args(["--score", &format!("{k}={score}")]);
    }
    c.assert().success();
}

/// Two earlier sessions: `greatest-weakness` scored 5 then 1 (latest 1),
/// `greatest-strength` scored 2, `tell-me-about-yourself` unreviewed but
/// analysed (a 3-second answer raises flags).
fn history(dev: &FileDevice) {
    let speech = speech("I am a careful engineer.", 170, RATE);
    session(
        &dev.root,
        "20261101-090000",
        &["greatest-strength", "greatest-weakness"],
        &speech,
    );
    session(
        &dev.root,
        "20261108-090000",
        &["greatest-weakness", "tell-me-about-yourself"],
        &speech,
    );
    review(dev, "20261101-090000", "1", 2);
    review(dev, "20261101-090000", "2", 5);
    review(dev, "20261108-090000", "1", 1);
    dev.cmd()
        .args(["analyze", "20261108-090000", "--save"])
        .assert()
        .success();
}

/// Record a session with `args`; the question ids it asked, in order.
fn asked(dev: &FileDevice, args: &[&str]) -> Vec<String> {
    let before: Vec<_> = SessionStore::new(&dev.root).list().unwrap();
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--prep", "0", "--limit", "1", "--seed", "7"])
        .args(args)
        .write_stdin("")
        .assert()
        .success();
    let store = SessionStore::new(&dev.root);
    let new = store
        .list()
        .unwrap()
        .into_iter()
        .find(|d| !before.contains(d))
        .expect("a new session");
    let log = new.load().unwrap();
    assert!(log
        .answers
        .iter()
        .all(|a| a.recording.status == AnswerStatus::Recorded));
    log.answers.into_iter().map(|a| a.question.id).collect()
}

#[test]
fn weakest_first_then_exactly_the_named_questions() {
    let dev = FileDevice::new(&silence(1.0, RATE), 20.0, RawFormat::S16Mono);
    history(&dev);
    let flags_of_yourself = {
        let log = SessionStore::new(&dev.root)
            .resolve("20261108")
            .unwrap()
            .load()
            .unwrap();
        log.answers[1]
            .recording
            .metrics
            .as_ref()
            .unwrap()
            .flags
            .len()
    };
    assert!(flags_of_yourself > 0, "the short answer raises flags");

    assert_eq!(
        asked(&dev, &["--order", "weakest", "--count", "3"]),
        [
            "greatest-weakness",
            "greatest-strength",
            "tell-me-about-yourself"
        ],
        "latest score 1, then 2, then unreviewed with flags before the never practised"
    );
    // Exactly these, in this order, whatever the count says.
    assert_eq!(
        asked(
            &dev,
            &[
                "--question",
                "walk-me-through-your-cv",
                "-q",
                "greatest-strength",
                "--count",
                "5"
            ]
        ),
        ["walk-me-through-your-cv", "greatest-strength"]
    );
    // An unknown id is refused before anything is recorded.
    let sessions = SessionStore::new(&dev.root).list().unwrap().len();
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--question", "no-such-question"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("no question `no-such-question`"));
    assert_eq!(SessionStore::new(&dev.root).list().unwrap().len(), sessions);
}

#[test]
fn questions_history_shows_practice_scores_and_flags() {
    let dev = FileDevice::new(&silence(1.0, RATE), 5.0, RawFormat::S16Mono);
    history(&dev);
    let rows: Vec<serde_json::Value> =
        json_of(dev.cmd().args(["questions", "--history", "--json"]));
    let row = |id: &str| rows.iter().find(|r| r["id"] == id).unwrap().clone();
    let weakness = row("greatest-weakness");
    assert_eq!(weakness["practised"], 2);
    assert_eq!(weakness["latest_scores"]["structure"], 1.0);
    assert!(weakness["last_practised"]
        .as_str()
        .unwrap()
        .starts_with("2026-11-"));
    assert_eq!(row("greatest-strength")["latest_scores"]["clarity"], 2.0);
    assert!(
        row("tell-me-about-yourself")["latest_flags"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(row("walk-me-through-your-cv")["practised"], 0);
    assert!(row("walk-me-through-your-cv")["last_practised"].is_null());

    let text = stdout_of(dev.cmd().args(["questions", "--history"]));
    let line = text
        .lines()
        .find(|l| l.starts_with("greatest-weakness "))
        .unwrap();
    let cols: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(cols[1], "2", "{line}");
    assert_eq!(cols[3], "1.0", "{line}");
    assert!(text.contains("3 of "), "{text}");
}
