//! Session archives: `export` packs a session folder into one zip file,
//! `import` checks such a file completely before it unpacks it into the
//! sessions root, or merges its reviews into the local copy of the session.
//!
//! An archive holds one top folder named after the session id, with
//! `session.json`, the takes it lists (`*.wav`, stored) and optionally
//! `report.html` (docs/session-format.md, "Export archive"). Everything in
//! an archive is untrusted: names, modes, sizes and the log itself.

mod export;
mod import;

pub use export::{export, Exported};
pub use import::{import, merge_reviews, validate, Imported, Limits, ValidArchive};

use crate::session::SessionError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// The archive (or the session to export) is not what it must be.
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
    #[error("{path} exists (use --force to replace it)")]
    Exists { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Session(#[from] SessionError),
}

pub use crate::session::{is_plain_file_name, is_take_name, LOG_FILE, REPORT_FILE};

fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> ArchiveError + '_ {
    move |source| ArchiveError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names() {
        for ok in ["01-a.wav", "01-a.take1.wav", "session.json", "é.wav"] {
            assert!(is_plain_file_name(ok), "{ok}");
        }
        for bad in [
            "", ".", "..", "../a.wav", "a/b.wav", "a\\b.wav", "c:a.wav", ".lock", "a\0.wav",
        ] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
        assert!(is_take_name("01-a.wav"));
        assert!(!is_take_name(".wav") && !is_take_name("session.json"));
    }
}
