//! Writing a session's page to a file: the page of [`super::render_with_progress`]
//! with the progress of the sessions up to this one. Used by `mockview
//! report` and by `mockview import` (a merge that adds reviews writes the
//! page again), so both write the same page the same way.

use crate::analysis::AnalysisConfig;
use crate::durable::write_private_file;
use crate::progress::{History, SessionProgress};
use crate::session::{Session, SessionDir, SessionError, SessionStore, REPORT_FILE};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    NotOurFile(#[from] NotOurFile),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A file `-o` would replace that mockview did not write: refused unless
/// `--force`. A page mockview wrote (its generator tag near the top) is
/// replaced freely: writing it again after new reviews is the usual loop,
/// while `-o notes.html` replacing a file of the user's would lose it.
#[derive(Debug, thiserror::Error)]
#[error("{} exists and is not a page mockview wrote (use --force to replace it)", path.display())]
pub struct NotOurFile {
    pub path: PathBuf,
}

/// Refuse to replace `out` if it exists, is not a page mockview wrote, and
/// `force` is not given.
pub fn check_replaceable(out: &Path, force: bool) -> Result<(), NotOurFile> {
    use std::io::Read;
    if force {
        return Ok(());
    }
    let Ok(file) = std::fs::File::open(out) else {
        return Ok(()); // nothing there (or unreadable: the write will say)
    };
    let mut head = Vec::with_capacity(4096);
    let ours = file.take(4096).read_to_end(&mut head).is_ok()
        && String::from_utf8_lossy(&head).contains(super::page::GENERATOR_TAG);
    if ours {
        Ok(())
    } else {
        Err(NotOurFile {
            path: out.to_path_buf(),
        })
    }
}

/// What [`write()`] wrote, and what it left out (one line each) for the
/// command to print as warnings.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub warnings: Vec<String>,
}

/// Write the page of the session in `dir` to `out` (an absolute path in an
/// existing folder), or to `report.html` in the session folder. An `out`
/// that holds a file mockview did not write is refused unless `force`
/// ([`check_replaceable`]).
pub fn write(
    store: &SessionStore,
    dir: &SessionDir,
    out: Option<&Path>,
    force: bool,
) -> Result<Written, ReportError> {
    if let Some(out) = out {
        crate::session::check_output_path(out)?;
        check_replaceable(out, force)?;
    }
    let session = dir.load()?;
    let session_dir = std::fs::canonicalize(&dir.path).map_err(|source| ReportError::Write {
        path: dir.path.clone(),
        source,
    })?;
    let out = out.map_or_else(|| session_dir.join(REPORT_FILE), Path::to_path_buf);
    let page_dir = out.parent().unwrap_or(Path::new("/"));
    let mut warnings = Vec::new();
    let progress = progress(store, &session, &mut warnings);
    let html = super::render_with_progress(&session, &session_dir, page_dir, &progress);
    write_private_file(&out, html.as_bytes()).map_err(|source| ReportError::Write {
        path: out.clone(),
        source,
    })?;
    Ok(Written {
        path: out,
        warnings,
    })
}

/// The progress of the sessions started up to `session` (itself included),
/// oldest first. Later sessions are left out on purpose: the page describes
/// this session and what led to it, stays the same however many sessions
/// follow, and a report sent to a coach (`export` packs it) carries nothing
/// recorded after it. Progress is extra: if the store cannot be listed the
/// page is written without it, with a warning.
fn progress(
    store: &SessionStore,
    session: &Session,
    warnings: &mut Vec<String>,
) -> Vec<SessionProgress> {
    let keep = |s: &Session| s.started_at <= session.started_at;
    match History::load(store, &AnalysisConfig::default(), keep) {
        Ok(h) => {
            for s in &h.skipped {
                warnings.push(format!("progress: skipped session {}: {}", s.id, s.error));
            }
            for u in &h.unanalysed {
                warnings.push(format!("progress: session {}: {}", u.session, u.error));
            }
            // Ids sort by start time for sessions made here; an imported
            // session's id may not, so order by the time itself.
            let mut sessions: Vec<_> = h
                .logs
                .iter()
                .map(|l| l.started_at)
                .zip(h.sessions)
                .collect();
            sessions.sort_by_key(|(at, _)| *at);
            sessions.into_iter().map(|(_, s)| s).collect()
        }
        Err(e) => {
            warnings.push(format!("no progress charts: {e}"));
            Vec::new()
        }
    }
}
