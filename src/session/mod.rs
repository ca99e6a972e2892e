//! The session log (`session.json`) and the store of session folders.
//!
//! `log` holds the serde types of the versioned document; `store` finds,
//! creates, locks and atomically saves session folders. Neither knows about
//! audio devices or the terminal: `commands` fills the log in.

mod log;
mod repair;
mod rubric;
mod store;

pub use log::{
    Answer, AnswerStatus, InputInfo, QuestionRef, Review, SelfCheck, Session, SessionStatus,
    Settings, FORMAT_NAME, FORMAT_VERSION,
};
pub use repair::{reconcile, TakeFacts, TakeName};
pub use rubric::{criterion, criterion_keys, Criterion, RUBRIC, SCORE_RANGE, SELF_CHECK};
pub use store::{
    is_valid_session_id, parse_log, private_new_file, sync_dir, write_private_file, SessionDir,
    SessionError, SessionLock, SessionStore,
};
