//! The names and limits of a session folder, in one place: the store, repair,
//! export, import and report all name its files through these.

/// The session log's name in a session folder and in an archive.
pub const LOG_FILE: &str = "session.json";
/// The page `mockview report` writes in a session folder.
pub const REPORT_FILE: &str = "report.html";
/// The lock a running practice holds on its folder.
pub const LOCK_FILE: &str = ".lock";
/// A log larger than this is not a log mockview wrote; refuse before parsing
/// (from disk or from an archive).
pub const MAX_LOG_BYTES: u64 = 16 * 1024 * 1024;

/// A file name that can only ever name a file directly in a session folder:
/// no separators, no `.`/`..`, not hidden, no control characters.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c == ':' || c.is_control())
}

/// A take's file name as the log lists it: a plain `.wav` file name (not
/// necessarily one of [`super::TakeName`]'s: an imported log may name its
/// takes otherwise).
pub fn is_take_name(name: &str) -> bool {
    is_plain_file_name(name) && name.ends_with(".wav") && name.len() > 4
}
