//! Check an archive completely, then unpack it or merge its reviews.
//!
//! Validation reads every entry once (decompressing it, counting the bytes
//! that actually come out, so that a small file declaring small sizes cannot
//! expand without bound) and parses the log, before anything is written.
//! Unpacking goes to a temporary folder inside the root, renamed into place
//! when complete; a session that is already there only gains the archive's
//! reviews, under the session lock.

use super::{io_err, is_plain_file_name, is_take_name, ArchiveError, LOG_FILE, REPORT_FILE};
use crate::durable::{private_new_file, sync_dir};
use crate::session::{is_valid_session_id, parse_log, Session, SessionDir, SessionStore};
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use zip::CompressionMethod;

/// A log larger than this is not one mockview wrote.
use crate::session::MAX_LOG_BYTES;
/// Overrides [`Limits::max_bytes`] (tests use a small bound).
pub const MAX_BYTES_ENV: &str = "MOCKVIEW_IMPORT_MAX_BYTES";

/// Bounds on what an archive may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    /// Total of the bytes decompressed from all entries.
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            // 1000 answers (practice's maximum) with several takes each.
            max_entries: 20_000,
            max_bytes: 4 << 30,
        }
    }
}

impl Limits {
    /// The defaults, with `MOCKVIEW_IMPORT_MAX_BYTES` if it is set.
    pub fn from_env() -> Result<Limits, String> {
        let mut l = Limits::default();
        if let Some(v) = std::env::var_os(MAX_BYTES_ENV) {
            l.max_bytes = v
                .to_str()
                .and_then(|s| s.trim().parse().ok())
                .ok_or_else(|| format!("{MAX_BYTES_ENV}={v:?}: not a number of bytes"))?;
        }
        Ok(l)
    }
}

/// An archive that passed every check.
#[derive(Debug, Clone)]
pub struct ValidArchive {
    pub session: Session,
    /// The log exactly as archived (unknown fields and all).
    pub log_bytes: Vec<u8>,
    /// (entry index, file name in the session folder) of every other file.
    pub files: Vec<(usize, String)>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Imported {
    /// A new session folder.
    Added {
        id: String,
        path: PathBuf,
        files: usize,
    },
    /// The session was there: `reviews` new reviews were added; `unmatched`
    /// reviews were on answers the local session does not have.
    Merged {
        id: String,
        reviews: usize,
        unmatched: usize,
    },
}

/// Check everything in the archive `reader`; `file` names it in errors.
pub fn validate<R: Read + Seek>(
    reader: R,
    file: &Path,
    limits: Limits,
) -> Result<(ValidArchive, zip::ZipArchive<R>), ArchiveError> {
    let bad = |message: String| ArchiveError::Invalid {
        file: file.to_path_buf(),
        message,
    };
    let mut zip = zip::ZipArchive::new(reader)
        .map_err(|e| bad(format!("not a readable zip archive: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(bad(format!(
            "{} entries, more than the {} a session archive may have",
            zip.len(),
            limits.max_entries
        )));
    }
    if zip.has_duplicate_names() {
        return Err(bad("some entries have the same name".into()));
    }
    if zip.is_empty() {
        return Err(bad("the archive is empty".into()));
    }

    // Names, types and methods first: cheap, and they decide what is read.
    let mut top: Option<String> = None;
    let mut log_index = None;
    let mut files: Vec<(usize, String)> = Vec::new();
    let mut seen = BTreeSet::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| bad(format!("entry {i}: {e}")))?;
        let name = std::str::from_utf8(entry.name_raw())
            .map_err(|_| bad(format!("entry {i}: its name is not UTF-8")))?
            .to_string();
        let at = |message: &str| bad(format!("entry `{}`: {message}", name.escape_debug()));
        if name.contains('\\') {
            return Err(at("backslash in the name"));
        }
        if name.starts_with('/') {
            return Err(at("absolute path"));
        }
        if name.contains(':') {
            return Err(at("drive letter or colon in the name"));
        }
        if name.chars().any(char::is_control) {
            return Err(at("control character in the name"));
        }
        let is_dir_name = name.ends_with('/');
        let parts: Vec<&str> = name.trim_end_matches('/').split('/').collect();
        if parts
            .iter()
            .any(|p| *p == ".." || *p == "." || p.is_empty())
        {
            return Err(at("`..`, `.` or an empty part in the path"));
        }
        let this_top = parts[0];
        match &top {
            None => {
                if !is_valid_session_id(this_top) {
                    return Err(at(&format!("top folder `{this_top}` is not a session id")));
                }
                top = Some(this_top.to_string());
            }
            Some(t) if t != this_top => {
                return Err(at(&format!(
                    "a second top folder (`{t}` and `{this_top}`): an archive holds one session"
                )))
            }
            Some(_) => {}
        }
        if entry.encrypted() {
            return Err(at("encrypted"));
        }
        let kind = entry.unix_mode().map(|m| m & 0o170_000).unwrap_or(0);
        if entry.is_symlink() || !matches!(kind, 0 | 0o100_000 | 0o040_000) {
            return Err(at("a symbolic link or other special file"));
        }
        if is_dir_name || kind == 0o040_000 {
            if parts.len() != 1 || !is_dir_name {
                return Err(at("unexpected folder"));
            }
            continue;
        }
        if parts.len() != 2 {
            return Err(at(&format!(
                "not a file of the session folder (expected `{this_top}/NAME`)"
            )));
        }
        let base = parts[1];
        if !(base == LOG_FILE || base == REPORT_FILE || is_take_name(base)) {
            return Err(at(
                "unexpected file (a session archive holds session.json, *.wav and report.html)",
            ));
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(at(&format!(
                "compression method {:?} is not supported",
                entry.compression()
            )));
        }
        if !seen.insert(base.to_string()) {
            return Err(at("a second entry with this name"));
        }
        if base == LOG_FILE {
            log_index = Some(i);
        } else {
            files.push((i, base.to_string()));
        }
    }
    let top = top.unwrap_or_default();
    let log_index =
        log_index.ok_or_else(|| bad(format!("no `{top}/session.json` in the archive")))?;

    // Every byte, decompressed and counted against the bound; CRCs checked.
    let mut total = 0u64;
    let mut log_bytes = Vec::new();
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| bad(format!("entry {i}: {e}")))?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let left = limits.max_bytes - total;
        let n = if i == log_index {
            let cap = left.min(MAX_LOG_BYTES);
            (&mut entry)
                .take(cap.saturating_add(1))
                .read_to_end(&mut log_bytes)
                .map_err(|e| bad(format!("entry `{name}`: {e}")))? as u64
        } else {
            io::copy(
                &mut (&mut entry).take(left.saturating_add(1)),
                &mut io::sink(),
            )
            .map_err(|e| bad(format!("entry `{name}`: {e}")))?
        };
        if i == log_index && n > MAX_LOG_BYTES {
            return Err(bad(format!(
                "`{name}` is larger than {MAX_LOG_BYTES} bytes: not a session log"
            )));
        }
        total += n;
        if total > limits.max_bytes {
            return Err(bad(format!(
                "unpacks to more than {} bytes (at `{name}`): refused as a possible decompression bomb \
                 (set {MAX_BYTES_ENV} to allow more)",
                limits.max_bytes
            )));
        }
    }

    let log_name = PathBuf::from(format!("{}:{top}/{LOG_FILE}", file.display()));
    let session = parse_log(&log_name, &log_bytes)?;
    if session.id != top {
        return Err(bad(format!(
            "`{top}/session.json` is for session `{}`, not `{top}`",
            session.id
        )));
    }
    for a in &session.answers {
        for take in a.files() {
            if !is_take_name(take) {
                return Err(bad(format!(
                    "session.json: answer {} lists `{}`, not a take's file name",
                    a.number,
                    take.escape_debug()
                )));
            }
            if !seen.contains(take.as_str()) {
                return Err(bad(format!(
                    "take `{take}` of answer {} is listed in session.json but not in the archive",
                    a.number
                )));
            }
        }
    }
    for (_, name) in &files {
        let listed =
            name == REPORT_FILE || session.answers.iter().any(|a| a.files().any(|f| f == name));
        if !listed {
            return Err(bad(format!("`{top}/{name}` is not listed in session.json")));
        }
    }
    debug_assert!(files.iter().all(|(_, n)| is_plain_file_name(n)));
    Ok((
        ValidArchive {
            session,
            log_bytes,
            files,
        },
        zip,
    ))
}

/// Import the archive `file` into `store`: a new session folder, or the
/// archive's reviews merged into the session already there.
pub fn import(store: &SessionStore, file: &Path, limits: Limits) -> Result<Imported, ArchiveError> {
    let f = File::open(file).map_err(io_err(file))?;
    if !f.metadata().map_err(io_err(file))?.is_file() {
        return Err(ArchiveError::Invalid {
            file: file.to_path_buf(),
            message: "not a file".into(),
        });
    }
    let (valid, mut zip) = validate(BufReader::new(f), file, limits)?;
    let id = valid.session.id.clone();
    let dir = store.dir_for(&id).expect("validate checked the id");
    if fs::symlink_metadata(&dir.path).is_ok() {
        return merge_into(&dir, &valid.session, file);
    }
    let root = store.root();
    create_root(root)?;
    // Unpack beside the final place, then rename: a session folder is never
    // seen half-written, and a failure leaves at most a `.import-*` folder
    // (removed when `tmp` is dropped).
    let tmp = tempfile::Builder::new()
        .prefix(".import-")
        .tempdir_in(root)
        .map_err(io_err(root))?;
    set_private_dir(tmp.path())?;
    let write = |name: &str, from: &mut dyn Read, cap: u64| -> Result<u64, ArchiveError> {
        let p = tmp.path().join(name);
        let mut out = private_new_file(&p).map_err(io_err(&p))?;
        let n = io::copy(&mut from.take(cap.saturating_add(1)), &mut out).map_err(io_err(&p))?;
        out.flush().map_err(io_err(&p))?;
        out.sync_all().map_err(io_err(&p))?;
        Ok(n)
    };
    write(LOG_FILE, &mut valid.log_bytes.as_slice(), MAX_LOG_BYTES)?;
    // The archive is read again: count again, in case it changed under us.
    let mut total = valid.log_bytes.len() as u64;
    // An archived report.html is someone else's HTML, to be opened in a
    // browser: never unpacked; `mockview report` writes our own.
    let files: Vec<&(usize, String)> = valid
        .files
        .iter()
        .filter(|(_, n)| n != REPORT_FILE)
        .collect();
    for (i, name) in &files {
        let mut entry = zip.by_index(*i).map_err(|e| ArchiveError::Invalid {
            file: file.to_path_buf(),
            message: format!("entry `{name}`: {e}"),
        })?;
        total += write(name, &mut entry, limits.max_bytes.saturating_sub(total))?;
        if total > limits.max_bytes {
            return Err(ArchiveError::Invalid {
                file: file.to_path_buf(),
                message: "changed while it was being imported".into(),
            });
        }
    }
    sync_dir(tmp.path());
    if fs::symlink_metadata(&dir.path).is_ok() {
        return Err(ArchiveError::Exists { path: dir.path });
    }
    fs::rename(tmp.path(), &dir.path).map_err(io_err(&dir.path))?;
    let _ = tmp.keep();
    sync_dir(root);
    Ok(Imported::Added {
        id,
        path: dir.path,
        files: files.len() + 1,
    })
}

fn merge_into(dir: &SessionDir, incoming: &Session, file: &Path) -> Result<Imported, ArchiveError> {
    let _lock = dir.lock()?;
    let mut local = dir.load()?;
    if local.started_at != incoming.started_at {
        return Err(ArchiveError::Invalid {
            file: file.to_path_buf(),
            message: format!(
                "session {} in {} is a different session with the same id (started {} here, {} in the archive)",
                local.id,
                dir.path.display(),
                local.started_at,
                incoming.started_at
            ),
        });
    }
    let (reviews, unmatched) = merge_reviews(&mut local, incoming);
    if reviews > 0 {
        dir.save(&local)?;
    }
    Ok(Imported::Merged {
        id: local.id,
        reviews,
        unmatched,
    })
}

/// Add to `local` the reviews of `incoming` it does not have, answer by
/// answer (matched by number and question id). A review is the same review
/// when reviewer, time, scores and notes are all equal. Returns (added,
/// reviews on answers that `local` does not have).
pub fn merge_reviews(local: &mut Session, incoming: &Session) -> (usize, usize) {
    let mut added = 0;
    let mut unmatched = 0;
    for theirs in &incoming.answers {
        let Some(ours) = local
            .answers
            .iter_mut()
            .find(|a| a.number == theirs.number && a.question.id == theirs.question.id)
        else {
            unmatched += theirs.reviews.len();
            continue;
        };
        for r in &theirs.reviews {
            if !ours.reviews.contains(r) {
                ours.reviews.push(r.clone());
                added += 1;
            }
        }
    }
    (added, unmatched)
}

fn create_root(root: &Path) -> Result<(), ArchiveError> {
    if root.is_dir() {
        return Ok(());
    }
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(root).map_err(io_err(root))
}

fn set_private_dir(p: &Path) -> Result<(), ArchiveError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(p, fs::Permissions::from_mode(0o700)).map_err(io_err(p))?;
    }
    let _ = p;
    Ok(())
}
