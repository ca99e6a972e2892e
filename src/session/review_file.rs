//! The review file a reviewer saves from the shared page
//! (`review-SESSION-NAME.json`, issue 20): its format, the bounds on what it
//! may hold, its validation against the session it reviews, and the merge
//! of its reviews into the log. The page (`report`) takes its form's limits
//! from here, so the browser and `import` agree on them. Reading the file
//! from disk, locking and saving are `commands/import.rs`'s.
//!
//! Validation is complete before anything is merged: a file with one bad
//! value is refused whole, with one line naming the file and the value.
//! Text is stored as typed; every place that shows it again escapes it
//! (HTML in the page, control characters on the terminal).

use super::log::{Comment, Review, Session};
use super::rubric::{criterion, criterion_keys, SCORE_RANGE};
use super::store::{SessionError, SessionStore};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The value of the file's `format` field.
pub const REVIEW_FORMAT: &str = "mockview-review";
/// The version this program writes (in the page) and the newest it reads.
pub const REVIEW_VERSION: u32 = 1;
/// A review file larger than this is not one the page saved: five
/// answers' full notes and comments are well under 200 KB.
pub const MAX_REVIEW_FILE_BYTES: u64 = 1 << 20;
/// Characters of the reviewer's name.
pub const MAX_REVIEWER_CHARS: usize = 100;
/// Characters of one answer's notes.
pub const MAX_NOTES_CHARS: usize = 10_000;
/// Characters of one pinned comment.
pub const MAX_COMMENT_CHARS: usize = 1_000;
/// Pinned comments on one answer.
pub const MAX_COMMENTS: usize = 200;

/// The file as the page writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewFile {
    pub format: String,
    pub version: u32,
    /// The id of the session reviewed.
    pub session: String,
    /// When that session started: tells it from another with the same id.
    pub session_started_at: Timestamp,
    pub reviewer: String,
    /// When the reviewer saved: the reviews' time.
    pub saved_at: Timestamp,
    #[serde(default)]
    pub answers: Vec<AnswerReview>,
}

/// One answer's review in the file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerReview {
    pub number: u32,
    pub question_id: String,
    /// Read wide, so that a score of 9 or -1 is named, not a parse error.
    #[serde(default)]
    pub scores: BTreeMap<String, i64>,
    #[serde(default)]
    pub notes: String,
    #[serde(default)]
    pub comments: Vec<Comment>,
}

/// Why a review file was refused. Its `Display` is the one line to print.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReviewFileError {
    #[error("{0}")]
    Invalid(String),
    /// The review is of another session than the one given.
    #[error("a review of session {review} (started {started}), not of session {local}: {why}")]
    OtherSession {
        review: String,
        started: Timestamp,
        local: String,
        why: String,
    },
}

fn bad(message: impl Into<String>) -> ReviewFileError {
    ReviewFileError::Invalid(message.into())
}

/// Parse the bytes of a review file (at most [`MAX_REVIEW_FILE_BYTES`]; the
/// caller reads no more than that) and check what can be checked without
/// the session: format, version, sizes, scores, times.
pub fn parse(bytes: &[u8]) -> Result<ReviewFile, ReviewFileError> {
    if bytes.len() as u64 > MAX_REVIEW_FILE_BYTES {
        return Err(bad(format!(
            "more than the {} KB a review file may hold",
            MAX_REVIEW_FILE_BYTES / 1024
        )));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| bad(format!("not a review file (not JSON: {e})")))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(REVIEW_FORMAT) {
        return Err(bad(format!(
            "not a review file (its \"format\" is not \"{REVIEW_FORMAT}\")"
        )));
    }
    let version = value.get("version").and_then(|v| v.as_u64()).unwrap_or(0);
    if version > u64::from(REVIEW_VERSION) {
        return Err(bad(format!(
            "review file version {version} is newer than this mockview reads ({REVIEW_VERSION}); update mockview"
        )));
    }
    let file: ReviewFile =
        serde_json::from_value(value).map_err(|e| bad(format!("not a valid review file: {e}")))?;
    check_text("the reviewer's name", &file.reviewer, MAX_REVIEWER_CHARS)?;
    if file.reviewer.trim().is_empty() {
        return Err(bad("the reviewer's name is empty"));
    }
    for a in &file.answers {
        let at = format!("answer {}", a.number);
        for (key, score) in &a.scores {
            if criterion(key).is_none() {
                let known: Vec<_> = criterion_keys().collect();
                return Err(bad(format!(
                    "{at}: unknown criterion `{key}` (the rubric has {})",
                    known.join(", ")
                )));
            }
            let ok = u8::try_from(*score).is_ok_and(|s| SCORE_RANGE.contains(&s));
            if !ok {
                return Err(bad(format!(
                    "{at}: score {score} for `{key}`; scores are {} to {}",
                    SCORE_RANGE.start(),
                    SCORE_RANGE.end()
                )));
            }
        }
        check_text(&format!("{at}: the notes"), &a.notes, MAX_NOTES_CHARS)?;
        if a.comments.len() > MAX_COMMENTS {
            return Err(bad(format!(
                "{at}: {} comments, more than {MAX_COMMENTS}",
                a.comments.len()
            )));
        }
        for c in &a.comments {
            check_text(&format!("{at}: a comment"), &c.text, MAX_COMMENT_CHARS)?;
            if !c.seconds.is_finite() || c.seconds < 0.0 {
                return Err(bad(format!(
                    "{at}: a comment at {} s, before the recording starts",
                    c.seconds
                )));
            }
        }
    }
    Ok(file)
}

fn check_text(what: &str, text: &str, max: usize) -> Result<(), ReviewFileError> {
    let n = text.chars().count();
    if n > max {
        return Err(bad(format!("{what}: {n} characters, more than {max}")));
    }
    Ok(())
}

impl ReviewFile {
    /// Check the file against `session` (the local log with its id) and
    /// turn it into one review per answer that holds something: every
    /// answer must be one of the session's, with the same question,
    /// recorded, and every comment within its recording.
    pub fn reviews(&self, session: &Session) -> Result<Vec<(u32, Review)>, ReviewFileError> {
        let other = |why: String| ReviewFileError::OtherSession {
            review: self.session.clone(),
            started: self.session_started_at,
            local: session.id.clone(),
            why,
        };
        if self.session != session.id {
            return Err(other("the ids differ".into()));
        }
        if self.session_started_at != session.started_at {
            return Err(other(format!(
                "the session here started {}",
                session.started_at
            )));
        }
        let mut out: Vec<(u32, Review)> = Vec::new();
        for a in &self.answers {
            let Some(local) = session.answers.iter().find(|x| x.number == a.number) else {
                return Err(other(format!(
                    "it has no answer {} (it has {})",
                    a.number,
                    session.answers.len()
                )));
            };
            if local.question.id != a.question_id {
                return Err(other(format!(
                    "answer {} here is question `{}`, not `{}`",
                    a.number, local.question.id, a.question_id
                )));
            }
            if out.iter().any(|(n, _)| *n == a.number) {
                return Err(bad(format!("answer {} is reviewed twice", a.number)));
            }
            for c in &a.comments {
                let rec = match c.follow_up {
                    None => Some(&local.recording),
                    Some(k) => local
                        .follow_ups
                        .iter()
                        .find(|f| f.number == k)
                        .map(|f| &f.recording),
                };
                let what = match c.follow_up {
                    None => format!("answer {}", a.number),
                    Some(k) => format!("follow-up {k} of answer {}", a.number),
                };
                let Some(rec) = rec.filter(|r| r.is_recorded()) else {
                    return Err(bad(format!("a comment on {what}, which has no recording")));
                };
                // The page's times come from the browser's decoder: allow
                // for its rounding at the very end.
                if c.seconds > rec.duration_seconds + 0.05 {
                    return Err(bad(format!(
                        "{what}: a comment at {} s, past the end of its {:.1} s",
                        c.seconds, rec.duration_seconds
                    )));
                }
            }
            let mut comments = a.comments.clone();
            comments.sort_by(|x, y| {
                (x.follow_up, x.seconds)
                    .partial_cmp(&(y.follow_up, y.seconds))
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
            let review = Review {
                reviewer: self.reviewer.trim().to_string(),
                at: self.saved_at,
                scores: a
                    .scores
                    .iter()
                    .filter_map(|(k, v)| Some((k.clone(), u8::try_from(*v).ok()?)))
                    .collect(),
                notes: a.notes.trim().to_string(),
                self_check: None,
                comments,
            };
            if !review.scores.is_empty() || !review.notes.is_empty() || !review.comments.is_empty()
            {
                out.push((a.number, review));
            }
        }
        Ok(out)
    }
}

/// Why a review file was not imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{}: {source}", path.display())]
    File {
        path: PathBuf,
        source: ReviewFileError,
    },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: a review of session {id}, which is not in {} (`mockview sessions` lists them)", path.display(), root.display())]
    UnknownSession {
        path: PathBuf,
        id: String,
        root: PathBuf,
    },
    #[error(transparent)]
    Session(#[from] SessionError),
}

/// What importing a review file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedReview {
    pub session: String,
    pub reviewer: String,
    /// Reviews added (0: the file was imported before).
    pub added: usize,
}

/// Import the review file at `path` into its session in `store`: read (no
/// more than the bound), check in full, then merge under the session's lock
/// and save once. On any error nothing is written.
pub fn import(store: &SessionStore, path: &Path) -> Result<ImportedReview, ImportError> {
    let read = |source| ImportError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file_err = |source| ImportError::File {
        path: path.to_path_buf(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read)?
        .take(MAX_REVIEW_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read)?;
    let file = parse(&bytes).map_err(file_err)?;
    let Some(dir) = store
        .dir_for(&file.session)
        .filter(|d| d.path.join(super::LOG_FILE).is_file())
    else {
        return Err(ImportError::UnknownSession {
            path: path.to_path_buf(),
            id: file.session,
            root: store.root().to_path_buf(),
        });
    };
    let _lock = dir.lock()?;
    let mut session = dir.load()?;
    let reviews = file.reviews(&session).map_err(file_err)?;
    let added = merge(&mut session, reviews);
    if added > 0 {
        dir.save(&session)?;
    }
    Ok(ImportedReview {
        session: session.id,
        reviewer: file.reviewer,
        added,
    })
}

/// Add each review to its answer unless the answer already holds the same
/// review (importing a file twice adds nothing). Returns how many were added.
pub fn merge(session: &mut Session, reviews: Vec<(u32, Review)>) -> usize {
    let mut added = 0;
    for (number, review) in reviews {
        if let Some(a) = session.answers.iter_mut().find(|a| a.number == number) {
            if !a.reviews.contains(&review) {
                a.reviews.push(review);
                added += 1;
            }
        }
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Answer, AnswerStatus, QuestionRef, Settings};

    fn session() -> Session {
        let mut s = Session::new(
            "20261126-101503".into(),
            Timestamp::UNIX_EPOCH,
            Settings::default(),
        );
        let q = QuestionRef {
            id: "failure".into(),
            ..QuestionRef::default()
        };
        s.answers
            .push(Answer::new(1, q, AnswerStatus::Recorded).with_take(
                "01-failure.wav",
                160_000,
                8000,
            ));
        s
    }

    fn file(answers: serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({
            "format": REVIEW_FORMAT, "version": 1, "session": "20261126-101503",
            "session_started_at": "1970-01-01T00:00:00Z", "reviewer": "Kim",
            "saved_at": "2026-12-01T10:00:00Z", "answers": answers
        }))
        .unwrap()
    }

    fn one(scores: serde_json::Value, notes: &str, comments: serde_json::Value) -> Vec<u8> {
        file(serde_json::json!([{"number": 1, "question_id": "failure",
            "scores": scores, "notes": notes, "comments": comments}]))
    }

    #[test]
    fn a_good_file_merges_once() {
        let mut s = session();
        let f = parse(&one(
            serde_json::json!({"structure": 4, "clarity": 2}),
            "Good start.",
            serde_json::json!([{"seconds": 12.5, "text": "here you lost me"}]),
        ))
        .unwrap();
        let reviews = f.reviews(&s).unwrap();
        assert_eq!(merge(&mut s, reviews.clone()), 1);
        assert_eq!(merge(&mut s, reviews), 0, "idempotent");
        let r = &s.answers[0].reviews[0];
        assert_eq!(r.reviewer, "Kim");
        assert_eq!(r.scores["structure"], 4);
        assert_eq!(r.comments[0].seconds, 12.5);
    }

    #[test]
    fn bad_values_are_named() {
        let s = session();
        let err = |bytes: Vec<u8>| match parse(&bytes) {
            Err(e) => e.to_string(),
            Ok(f) => f.reviews(&s).unwrap_err().to_string(),
        };
        let none = serde_json::json!([]);
        let e = err(one(serde_json::json!({"structure": 9}), "", none.clone()));
        assert!(e.contains("score 9 for `structure`"), "{e}");
        let e = err(one(serde_json::json!({"charm": 3}), "", none.clone()));
        assert!(e.contains("unknown criterion `charm`"), "{e}");
        let e = err(one(
            serde_json::json!({}),
            "",
            serde_json::json!([{"seconds": -3, "text": "x"}]),
        ));
        assert!(e.contains("at -3 s"), "{e}");
        let e = err(one(
            serde_json::json!({}),
            "",
            serde_json::json!([{"seconds": 20.5, "text": "x"}]),
        ));
        assert!(e.contains("past the end of its 20.0 s"), "{e}");
        let e = err(one(
            serde_json::json!({}),
            &"x".repeat(MAX_NOTES_CHARS + 1),
            none.clone(),
        ));
        assert!(e.contains("more than 10000"), "{e}");
        let mut other = one(serde_json::json!({}), "", none);
        other = String::from_utf8(other)
            .unwrap()
            .replace("20261126-101503", "20261127-090000")
            .into_bytes();
        let e = err(other);
        assert!(e.starts_with("a review of session 20261127-090000"), "{e}");
        assert!(err(b"[1,2]".to_vec()).contains("not a review file"));
    }
}
