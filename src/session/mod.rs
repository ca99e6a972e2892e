//! The session log (`session.json`) and the store of session folders.
//!
//! `log` holds the serde types of the versioned document; `store` finds,
//! creates, locks and atomically saves session folders. Neither knows about
//! audio devices or the terminal: `commands` fills the log in.

mod folder;
mod log;
mod repair;
pub mod review_file;
mod rubric;
mod store;
mod take;
mod take_name;

/// Kept here too for callers that knew them as session's (they moved to the
/// leaf `crate::durable`, issue 9).
pub use crate::durable::{private_new_file, sync_dir, write_private_file};
pub use folder::{
    is_plain_file_name, is_take_name, LOCK_FILE, LOG_FILE, MAX_LOG_BYTES, REPORT_FILE,
};
pub use log::{
    Answer, AnswerStatus, Comment, FollowUp, ImportedFrom, InputInfo, QuestionRef, Recording,
    RecordingKey, Review, SelfCheck, Session, SessionStatus, Settings, FORMAT_NAME, FORMAT_VERSION,
};
pub use repair::{reconcile, TakeFacts};
pub use rubric::{criterion, criterion_keys, Criterion, RUBRIC, SCORE_RANGE, SELF_CHECK};
pub use store::{
    check_output_path, is_valid_session_id, parse_log, SessionDir, SessionError, SessionLock,
    SessionStore,
};
pub use take_name::{Part, TakeName};
