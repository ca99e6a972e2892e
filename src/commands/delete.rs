//! `mockview delete SESSION...`: remove sessions with their recordings.
//! Recordings are personal data, so this is the one way mockview destroys
//! audio, and it asks first: on a terminal a confirmation naming every
//! folder that goes; otherwise only with `--yes`. Each session's lock is
//! taken before anything is asked, so a session another mockview is
//! recording into is refused, and only names that resolve inside the
//! sessions root (ids, prefixes, `latest`) can be given.

use super::UsageError;
use crate::session::{SessionDir, SessionLock, SessionStore};
use anyhow::{Context, Result};
use std::io::{BufRead, IsTerminal, Write};

pub fn run(store: &SessionStore, specs: &[String], yes: bool) -> Result<()> {
    // Resolve and lock every session before deleting any: one bad name
    // deletes nothing.
    let mut chosen: Vec<(SessionDir, SessionLock)> = Vec::new();
    for spec in specs {
        let dir = store.resolve(spec)?;
        if chosen.iter().any(|(d, _)| d.id == dir.id) {
            continue;
        }
        let lock = dir.lock()?;
        chosen.push((dir, lock));
    }
    let mut out = std::io::stdout().lock();
    if !yes {
        if !std::io::stdin().is_terminal() {
            return Err(UsageError(format!(
                "not deleting {} without confirmation: stdin is not a terminal (add --yes)",
                names(&chosen)
            ))
            .into());
        }
        writeln!(
            out,
            "This deletes {} session{} with {} recordings, for good:",
            chosen.len(),
            if chosen.len() == 1 { "" } else { "s" },
            if chosen.len() == 1 { "its" } else { "their" }
        )?;
        for (dir, _) in &chosen {
            writeln!(out, "  {}  {}", dir.path.display(), contents(dir))?;
        }
        write!(out, "Delete? [y/N] ")?;
        out.flush()?;
        let mut answer = String::new();
        std::io::stdin().lock().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            writeln!(out, "nothing deleted")?;
            return Ok(());
        }
    }
    for (dir, lock) in chosen {
        let what = contents(&dir);
        store
            .delete(&dir, lock)
            .with_context(|| format!("cannot delete session {}", dir.id))?;
        writeln!(out, "deleted {} ({what})", dir.path.display())?;
    }
    Ok(())
}

fn names(chosen: &[(SessionDir, SessionLock)]) -> String {
    chosen
        .iter()
        .map(|(d, _)| d.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a session folder holds, for the confirmation: answers, recordings, size.
fn contents(dir: &SessionDir) -> String {
    let answers = dir.load().map(|s| s.answers.len()).ok();
    let (mut wavs, mut bytes) = (0usize, 0u64);
    if let Ok(entries) = std::fs::read_dir(&dir.path) {
        for e in entries.flatten() {
            if let Ok(m) = e.metadata() {
                bytes += m.len();
            }
            if e.path().extension().is_some_and(|x| x == "wav") {
                wavs += 1;
            }
        }
    }
    let answers = answers.map_or("log unreadable".to_string(), |n| {
        format!("{n} answer{}", if n == 1 { "" } else { "s" })
    });
    format!(
        "{answers}, {wavs} recording{}, {:.1} MB",
        if wavs == 1 { "" } else { "s" },
        bytes as f64 / 1e6
    )
}
