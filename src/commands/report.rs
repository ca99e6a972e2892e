//! `mockview report SESSION [-o FILE]`: write the session's HTML page, by
//! default as report.html in the session folder, with the progress of the
//! sessions up to this one.

use super::UsageError;
use crate::analysis::AnalysisConfig;
use crate::progress::{History, SessionProgress};
use crate::session::write_private_file;
use crate::session::{Session, SessionStore};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(store: &SessionStore, spec: &str, output: Option<&Path>) -> Result<()> {
    let dir = store.resolve(spec)?;
    let session = dir.load()?;
    let session_dir = std::fs::canonicalize(&dir.path)
        .with_context(|| format!("cannot open {}", dir.path.display()))?;
    let out = match output {
        None => session_dir.join("report.html"),
        Some(p) => output_path(p)?,
    };
    let page_dir = out.parent().unwrap_or(Path::new("/"));
    let progress = progress(store, &session);
    let html = crate::report::render_with_progress(&session, &session_dir, page_dir, &progress);
    write_private_file(&out, html.as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    writeln!(std::io::stdout().lock(), "wrote {}", out.display())?;
    Ok(())
}

/// The progress of the sessions started up to `session` (itself included),
/// oldest first. Later sessions are left out on purpose: the page describes
/// this session and what led to it, stays the same however many sessions
/// follow, and a report sent to a coach (`export` packs it) carries nothing
/// recorded after it. Progress is extra: if the store cannot be listed the
/// page is written without it, with a warning.
fn progress(store: &SessionStore, session: &Session) -> Vec<SessionProgress> {
    let keep = |s: &Session| s.started_at <= session.started_at;
    match History::load(store, &AnalysisConfig::default(), keep) {
        Ok(h) => {
            for s in &h.skipped {
                eprintln!("warning: progress: skipped session {}: {}", s.id, s.error);
            }
            for u in &h.unanalysed {
                eprintln!("warning: progress: session {}: {}", u.session, u.error);
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
            eprintln!("warning: no progress charts: {e}");
            Vec::new()
        }
    }
}

/// `-o FILE` as an absolute path in an existing folder, so that the players'
/// relative URLs can be computed from it.
fn output_path(p: &Path) -> Result<PathBuf> {
    let name = p
        .file_name()
        .ok_or_else(|| UsageError(format!("-o {}: not a file name", p.display())))?;
    if p.is_dir() {
        return Err(
            UsageError(format!("-o {}: is a folder; give a file name", p.display())).into(),
        );
    }
    let parent = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let parent = std::fs::canonicalize(parent).with_context(|| {
        format!(
            "-o {}: folder {} does not exist",
            p.display(),
            parent.display()
        )
    })?;
    Ok(parent.join(name))
}
