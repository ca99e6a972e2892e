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
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What [`write()`] wrote, and what it left out (one line each) for the
/// command to print as warnings.
#[derive(Debug)]
pub struct Written {
    pub path: PathBuf,
    pub warnings: Vec<String>,
}

/// Write the page of the session in `dir` to `out` (an absolute path in an
/// existing folder), or to `report.html` in the session folder.
pub fn write(
    store: &SessionStore,
    dir: &SessionDir,
    out: Option<&Path>,
) -> Result<Written, ReportError> {
    if let Some(out) = out {
        crate::session::check_output_path(out)?;
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
