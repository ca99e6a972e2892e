//! The sessions root: one folder per session, each with its `session.json`.
//!
//! Saves are atomic (temporary file in the same folder, fsync, rename, fsync
//! of the folder) so the log on disk is always a complete document. Folders
//! are created 0700 and files 0600: recordings are personal data.

use super::log::{Session, FORMAT_NAME, FORMAT_VERSION};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use super::folder::{LOCK_FILE, LOG_FILE, MAX_LOG_BYTES, REPORT_FILE};
use crate::durable::{create_private_dir, private_options, sync_dir, write_private_file};

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error("no session `{spec}` in {root} (see `mockview sessions`)")]
    NotFound { spec: String, root: PathBuf },
    #[error("`{spec}` matches several sessions: {candidates} (give more of the id)")]
    Ambiguous { spec: String, candidates: String },
    #[error("`{spec}` is not a session id (ids look like 20261126-101503; or use `latest`)")]
    InvalidName { spec: String },
    /// Also what `sessions` and `stats` print on an empty store.
    #[error("no sessions yet in {} (start one with `mockview practice`)", root.display())]
    Empty { root: PathBuf },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{path}: not a valid session log: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{path}: written by a newer mockview (format version {version}; this one reads up to {FORMAT_VERSION}): upgrade mockview")]
    NewerVersion { path: PathBuf, version: u64 },
    #[error("session {id} is in use by another mockview process; try again when it has finished")]
    Locked { id: String },
    #[error("{}: inside the session folder {}, whose files only mockview's own writers change; write it elsewhere", path.display(), folder.display())]
    OutputInSession { path: PathBuf, folder: PathBuf },
}

/// The name prefix of a session folder being deleted: hidden, and never
/// a session id.
const DELETING: &str = ".deleting-";

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> SessionError + '_ {
    move |source| SessionError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A session id is what `practice` makes: letters, digits, `-` and `_`.
/// Anything else (`..`, `/`, spaces) never names a session folder.
pub fn is_valid_session_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Refuse `out`, a file mockview was asked to write with `-o` (`report`,
/// `share`, `export`), when it lies in a session folder (one holding a
/// `session.json`, of any store; symlinks followed): written there, it
/// could replace the log, the lock or a recording, which only the
/// session's own writers change. The one exception is the folder's
/// `report.html`, the report's own file. A path whose folder cannot be
/// resolved is left to the writer's own error.
pub fn check_output_path(out: &Path) -> Result<(), SessionError> {
    let real = match fs::canonicalize(out) {
        Ok(real) => real,
        Err(_) => {
            let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
                return Ok(());
            };
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            match fs::canonicalize(parent) {
                Ok(parent) => parent.join(name),
                Err(_) => return Ok(()),
            }
        }
    };
    let Some(folder) = real.parent() else {
        return Ok(());
    };
    if folder.join(LOG_FILE).is_file() && real.file_name() != Some(REPORT_FILE.as_ref()) {
        return Err(SessionError::OutputInSession {
            path: out.to_path_buf(),
            folder: folder.to_path_buf(),
        });
    }
    Ok(())
}

/// The folder of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDir {
    pub id: String,
    pub path: PathBuf,
}

impl SessionDir {
    pub fn log_path(&self) -> PathBuf {
        self.path.join(LOG_FILE)
    }

    pub fn load(&self) -> Result<Session, SessionError> {
        load_log(&self.log_path())
    }

    pub fn save(&self, session: &Session) -> Result<(), SessionError> {
        let json = serde_json::to_vec_pretty(session).expect("a session always serialises");
        write_private_file(&self.log_path(), &json).map_err(io_err(&self.log_path()))
    }

    /// Take the session's lock without waiting: one writer at a time.
    pub fn lock(&self) -> Result<SessionLock, SessionError> {
        let path = self.path.join(LOCK_FILE);
        let file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err(&path))?;
        match file.try_lock() {
            Ok(()) => Ok(SessionLock { _file: file }),
            Err(fs::TryLockError::WouldBlock) => Err(SessionError::Locked {
                id: self.id.clone(),
            }),
            Err(fs::TryLockError::Error(source)) => Err(SessionError::Io { path, source }),
        }
    }
}

impl SessionDir {
    /// True while another process (or this one) holds the session's lock: a
    /// practice run still recording it, or another writer. Creates nothing.
    pub fn is_held(&self) -> bool {
        let Ok(file) = File::open(self.path.join(LOCK_FILE)) else {
            return false;
        };
        match file.try_lock() {
            Ok(()) => false,
            Err(fs::TryLockError::WouldBlock) => true,
            Err(fs::TryLockError::Error(_)) => false,
        }
    }

    /// Left open by a crash or power loss, given its log as loaded: the
    /// log still says `in_progress` and no live process holds it, for
    /// `mockview repair` to finish.
    pub fn is_left_open(&self, session: &Session) -> bool {
        session.status == super::log::SessionStatus::InProgress && !self.is_held()
    }
}

/// Held while a process writes a session; released when dropped or when the
/// process dies (it is an OS file lock, so a crash never leaves it stuck).
#[derive(Debug)]
pub struct SessionLock {
    _file: File,
}

/// Read and check a session log: right format, a version this program knows.
pub fn load_log(path: &Path) -> Result<Session, SessionError> {
    let meta = fs::metadata(path).map_err(io_err(path))?;
    if meta.len() > MAX_LOG_BYTES {
        return Err(SessionError::Parse {
            path: path.to_path_buf(),
            message: format!("too large ({} bytes)", meta.len()),
        });
    }
    let bytes = fs::read(path).map_err(io_err(path))?;
    parse_log(path, &bytes)
}

/// Parse a session log from bytes; `path` only names it in errors.
pub fn parse_log(path: &Path, bytes: &[u8]) -> Result<Session, SessionError> {
    let parse_err = |message: String| SessionError::Parse {
        path: path.to_path_buf(),
        message,
    };
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| parse_err(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
        return Err(parse_err(format!("`format` is not \"{FORMAT_NAME}\"")));
    }
    match value.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v > u64::from(FORMAT_VERSION) => {
            return Err(SessionError::NewerVersion {
                path: path.to_path_buf(),
                version: v,
            })
        }
        Some(_) => {}
        None => return Err(parse_err("`version` is missing or not a number".into())),
    }
    serde_json::from_value(value).map_err(|e| parse_err(e.to_string()))
}

/// The root folder that holds session folders.
#[derive(Debug, Clone)]
pub struct SessionStore {
    root: PathBuf,
}

impl SessionStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        SessionStore { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Make a new, empty session folder named after `base` (the local start
    /// time, `20261126-101503`), with `-2`, `-3`... when that is taken. The
    /// folder is claimed by `mkdir` itself, so two processes never share one.
    pub fn create(&self, base: &str) -> Result<SessionDir, SessionError> {
        if !self.root.is_dir() {
            let mut b = fs::DirBuilder::new();
            b.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                b.mode(0o700);
            }
            b.create(&self.root).map_err(io_err(&self.root))?;
        }
        for n in 1..10_000u32 {
            let id = if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            };
            let path = self.root.join(&id);
            match create_private_dir(&path) {
                Ok(()) => {
                    sync_dir(&self.root);
                    return Ok(SessionDir { id, path });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(SessionError::Io { path, source: e }),
            }
        }
        Err(SessionError::Io {
            path: self.root.join(base),
            source: io::Error::other("too many sessions with the same start time"),
        })
    }

    /// Every session folder (a folder with a valid id holding a session.json),
    /// newest first. Ids are start times, so they sort by time.
    pub fn list(&self) -> Result<Vec<SessionDir>, SessionError> {
        let entries = match fs::read_dir(&self.root) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => {
                return Err(SessionError::Io {
                    path: self.root.clone(),
                    source: e,
                })
            }
        };
        let mut dirs: Vec<SessionDir> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                let id = e.file_name().into_string().ok()?;
                let path = e.path();
                (is_valid_session_id(&id) && path.join(LOG_FILE).is_file())
                    .then_some(SessionDir { id, path })
            })
            .collect();
        dirs.sort_by(|a, b| session_order(&b.id, &a.id));
        Ok(dirs)
    }

    /// Sessions still `in_progress` that no live process holds: left open
    /// by a crash or power loss, for `mockview repair` to finish.
    pub fn left_open(&self) -> Vec<SessionDir> {
        self.list()
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.load().is_ok_and(|s| d.is_left_open(&s)))
            .collect()
    }

    /// Resolve a SESSION argument: an id, a unique prefix of one, or `latest`.
    pub fn resolve(&self, spec: &str) -> Result<SessionDir, SessionError> {
        if spec == "latest" {
            return self.list()?.into_iter().next().ok_or(SessionError::Empty {
                root: self.root.clone(),
            });
        }
        if !is_valid_session_id(spec) {
            return Err(SessionError::InvalidName {
                spec: spec.to_string(),
            });
        }
        let all = self.list()?;
        if let Some(exact) = all.iter().find(|d| d.id == spec) {
            return Ok(exact.clone());
        }
        let mut matches: Vec<SessionDir> =
            all.into_iter().filter(|d| d.id.starts_with(spec)).collect();
        match matches.len() {
            0 => Err(SessionError::NotFound {
                spec: spec.to_string(),
                root: self.root.clone(),
            }),
            1 => Ok(matches.remove(0)),
            _ => Err(SessionError::Ambiguous {
                spec: spec.to_string(),
                candidates: matches
                    .iter()
                    .map(|d| d.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Remove a session folder with everything in it. The caller holds the
    /// session's lock, so no other mockview is writing it. The folder is
    /// first renamed to a hidden name no session id can have, so a crash
    /// midway never leaves a half-deleted session that still lists.
    pub fn delete(&self, dir: &SessionDir, _lock: SessionLock) -> Result<(), SessionError> {
        let meta = fs::symlink_metadata(&dir.path).map_err(io_err(&dir.path))?;
        if !meta.is_dir() || dir.path.parent() != Some(self.root.as_path()) {
            return Err(SessionError::InvalidName {
                spec: dir.id.clone(),
            });
        }
        // What an earlier delete left when it was cut short (it would also
        // be in the way of this rename if the same id was deleted before).
        self.finish_deletes();
        let doomed = self.root.join(format!("{DELETING}{}", dir.id));
        fs::rename(&dir.path, &doomed).map_err(io_err(&dir.path))?;
        sync_dir(&self.root);
        fs::remove_dir_all(&doomed).map_err(io_err(&doomed))?;
        sync_dir(&self.root);
        Ok(())
    }

    /// Remove the hidden folders of deletes that a crash or Ctrl-C cut
    /// short: they were already gone from every listing. Best effort.
    fn finish_deletes(&self) {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        for e in entries.filter_map(Result::ok) {
            let name = e.file_name();
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            if is_dir && name.to_string_lossy().starts_with(DELETING) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }

    /// The path a session with this id has (or would have) in this root.
    pub fn dir_for(&self, id: &str) -> Option<SessionDir> {
        is_valid_session_id(id).then(|| SessionDir {
            id: id.to_string(),
            path: self.root.join(id),
        })
    }
}

/// Order ids by start time, then by collision suffix numerically (`-10` after `-9`).
fn session_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn key(id: &str) -> (&str, u32) {
        // "20261126-101503" or "20261126-101503-2"
        match id.get(..15) {
            Some(base) if id.len() > 16 && id.as_bytes()[15] == b'-' => {
                (base, id[16..].parse().unwrap_or(0))
            }
            _ => (id, 1),
        }
    }
    key(a).cmp(&key(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{SessionStatus, Settings};

    fn settings() -> Settings {
        Settings {
            limit_seconds: 5,
            seed: 1,
            ..Settings::default()
        }
    }

    #[test]
    fn create_claims_a_fresh_folder_on_collision() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path().join("rec"));
        let a = store.create("20261126-101503").unwrap();
        let b = store.create("20261126-101503").unwrap();
        assert_eq!(a.id, "20261126-101503");
        assert_eq!(b.id, "20261126-101503-2");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&a.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    #[test]
    fn a_delete_cut_short_is_finished_by_the_next() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        let a = store.create("20261126-101503").unwrap();
        let b = store.create("20261127-101503").unwrap();
        // A crash after the rename left `a` hidden and half deleted.
        let left = tmp.path().join(".deleting-20261126-101503");
        fs::rename(&a.path, &left).unwrap();
        fs::write(left.join("01-q.wav"), b"x").unwrap();
        // The same id made again and deleted: the rename is not in the way.
        let again = store.create("20261126-101503").unwrap();
        assert_eq!(again.id, "20261126-101503");
        store.delete(&again, again.lock().unwrap()).unwrap();
        assert!(!left.exists(), "the leftover is gone");
        store.delete(&b, b.lock().unwrap()).unwrap();
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 0);
    }

    #[test]
    fn save_and_load_round_trip_with_private_mode() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        let dir = store.create("20261126-101503").unwrap();
        let s = Session::new(dir.id.clone(), jiff::Timestamp::now(), settings());
        dir.save(&s).unwrap();
        assert_eq!(dir.load().unwrap(), s);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.log_path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // no temporary file left behind
        let names: Vec<_> = fs::read_dir(&dir.path)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(LOG_FILE)]);
    }

    #[test]
    fn resolve_latest_prefix_and_bad_names() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        for base in ["20261125-090000", "20261126-101503", "20261126-101503"] {
            let d = store.create(base).unwrap();
            d.save(&Session::new(
                d.id.clone(),
                jiff::Timestamp::now(),
                settings(),
            ))
            .unwrap();
        }
        assert_eq!(store.resolve("latest").unwrap().id, "20261126-101503-2");
        assert_eq!(store.resolve("20261125").unwrap().id, "20261125-090000");
        assert!(matches!(
            store.resolve("20261126"),
            Err(SessionError::Ambiguous { .. })
        ));
        for bad in ["../x", "a/b", "..", ""] {
            assert!(matches!(
                store.resolve(bad),
                Err(SessionError::InvalidName { .. })
            ));
        }
        assert!(matches!(
            store.resolve("1999"),
            Err(SessionError::NotFound { .. })
        ));
    }

    #[test]
    fn newer_version_and_wrong_types_are_refused() {
        let p = Path::new("x/session.json");
        let newer = br#"{"format":"mockview-session","version":2}"#;
        assert!(matches!(
            parse_log(p, newer),
            Err(SessionError::NewerVersion { version: 2, .. })
        ));
        let wrong = br#"{"format":"mockview-session","version":1,"id":5}"#;
        let e = parse_log(p, wrong).unwrap_err().to_string();
        assert!(
            e.starts_with("x/session.json: not a valid session log"),
            "{e}"
        );
        assert!(parse_log(p, b"{\"format\":").is_err());
        assert!(parse_log(p, b"[]").is_err());
        let _ = SessionStatus::Completed;
    }

    #[test]
    fn left_open_is_in_progress_and_held_by_nobody() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        let dir = store.create("20261126-101503").unwrap();
        let mut s = Session::new(dir.id.clone(), jiff::Timestamp::now(), Settings::default());
        assert!(dir.is_left_open(&s), "in progress, no process");
        let held = dir.lock().unwrap();
        assert!(!dir.is_left_open(&s), "a live run holds it");
        drop(held);
        s.status = SessionStatus::Interrupted;
        assert!(!dir.is_left_open(&s), "closed");
    }

    #[test]
    fn is_held_follows_the_lock_and_creates_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        let dir = store.create("20261126-101503").unwrap();
        assert!(!dir.is_held());
        assert!(!dir.path.join(LOCK_FILE).exists());
        let held = dir.lock().unwrap();
        assert!(dir.is_held());
        drop(held);
        assert!(!dir.is_held());
    }

    #[test]
    fn lock_is_exclusive() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        let dir = store.create("20261126-101503").unwrap();
        let held = dir.lock().unwrap();
        assert!(matches!(dir.lock(), Err(SessionError::Locked { .. })));
        drop(held);
        dir.lock().unwrap();
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;

        fn valid_log() -> Vec<u8> {
            let mut s = Session::new(
                "20261126-101503".into(),
                jiff::Timestamp::UNIX_EPOCH,
                settings(),
            );
            let mut a = crate::session::Answer::new(
                1,
                crate::session::QuestionRef {
                    id: "q".into(),
                    text: "Why?".into(),
                    category: "failure".into(),
                    ..crate::session::QuestionRef::default()
                },
                crate::session::AnswerStatus::Recorded,
            )
            .with_take("01-q.wav", 72_000, 48_000);
            a.recording.metrics = Some(crate::analysis::Metrics {
                words_per_minute: 150.0,
                ..Default::default()
            });
            s.answers.push(a);
            serde_json::to_vec_pretty(&s).unwrap()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(512))]

            #[test]
            fn parse_log_never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
                let _ = parse_log(Path::new("x"), &bytes);
            }

            /// Truncated, byte-flipped and spliced valid logs: an error or a
            /// session that survives a save/load round trip, never a panic.
            #[test]
            fn mutated_logs_error_or_round_trip(
                cut in 0usize..2000,
                flips in proptest::collection::vec((0usize..2000, any::<u8>()), 0..4),
                splice in proptest::option::of((0usize..2000, "[\\[\\]{}\",:0-9a-z-]{0,12}")),
            ) {
                let mut bytes = valid_log();
                for (at, b) in flips {
                    let n = bytes.len();
                    bytes[at % n] = b;
                }
                if let Some((at, text)) = splice {
                    let at = at % bytes.len();
                    bytes.splice(at..at, text.bytes());
                }
                bytes.truncate(cut.max(1).min(bytes.len()).max(if cut % 3 == 0 { bytes.len() } else { 0 }));
                if let Ok(s) = parse_log(Path::new("x"), &bytes) {
                    let again = serde_json::to_vec(&s).unwrap();
                    let back = parse_log(Path::new("x"), &again).unwrap();
                    prop_assert_eq!(back.answers.len(), s.answers.len());
                    prop_assert_eq!(back.id, s.id);
                }
            }
        }
    }
}
