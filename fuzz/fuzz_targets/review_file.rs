//! Any bytes as a review file from a shared page (`mockview import
//! review-….json`): an error, or a file whose reviews of a fixed session
//! are checked without a panic, and whose merge is idempotent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mockview::session::review_file::{merge, parse};
use mockview::session::{Answer, AnswerStatus, QuestionRef, Session, Settings};

fuzz_target!(|data: &[u8]| {
    let Ok(file) = parse(data) else { return };
    let mut s = Session::new(file.session.clone(), file.session_started_at, Settings::default());
    let q = QuestionRef {
        id: "q".into(),
        ..QuestionRef::default()
    };
    s.answers
        .push(Answer::new(1, q, AnswerStatus::Recorded).with_take("01-q.wav", 80_000, 8000));
    if let Ok(reviews) = file.reviews(&s) {
        merge(&mut s, reviews.clone());
        assert_eq!(merge(&mut s, reviews), 0, "a second merge adds nothing");
    }
});
