//! Progress across sessions: per session (date, answers, average answer
//! length, pace, pauses and long pauses per minute, time to the first word,
//! average review score per criterion), the trend of each of these, and per
//! question (times practised, when last, latest scores).
//!
//! This module computes; it prints and draws nothing. `mockview stats`
//! formats the result as text or JSON, and `mockview report` hands it to
//! [`crate::report`] for the charts. It reads the session logs through the
//! store it is given (and, for an answer whose log has no metrics, the WAV),
//! but reports nothing itself: what could not be read is returned for the
//! command to print.

mod history;
mod question;
mod session;

pub use history::{History, Skipped, Unanalysed};
pub use question::{past_answers, question_progress, store_question_progress, QuestionProgress};
pub use session::{session_progress, trend, SessionProgress, TREND_SERIES};
