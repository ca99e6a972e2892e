//! `mockview repair [--dry-run]`: finish the sessions a crash or power loss
//! left open (issue 5).
//!
//! For every session no live process holds: fix the take WAVs whose header
//! sizes disagree with their length (`audio::repair_header`), then bring the
//! log in line with the folder (`session::reconcile`: true frames, unlisted
//! takes added, open session marked interrupted) and save it atomically.
//! Never deletes or shortens audio; a second run changes nothing.

use crate::audio;
use crate::session::{self, SessionDir, SessionError, SessionStore, TakeFacts};
use anyhow::Result;
use std::collections::BTreeMap;
use std::io::Write;

pub fn run(store: &SessionStore, dry_run: bool) -> Result<()> {
    let mut repaired = 0usize;
    let mut busy = 0usize;
    let mut damaged = 0usize;
    for dir in store.list()? {
        // The lock keeps a running `practice` (or another writer) and this
        // from writing the same session; a dry run only looks.
        // Err(None): in use; Err(Some(e)): cannot be locked.
        let lock = if dry_run {
            if dir.is_held() {
                Err(None)
            } else {
                Ok(None)
            }
        } else {
            match dir.lock() {
                Ok(l) => Ok(Some(l)),
                Err(SessionError::Locked { .. }) => Err(None),
                Err(e) => Err(Some(e)),
            }
        };
        let _lock = match lock {
            Ok(l) => l,
            Err(None) => {
                writeln!(
                    std::io::stdout().lock(),
                    "{}: in use by another mockview process, skipped",
                    dir.id
                )?;
                busy += 1;
                continue;
            }
            Err(Some(e)) => {
                crate::ui::stderr_line(format!("warning: {e}"));
                damaged += 1;
                continue;
            }
        };
        match repair_one(&dir, dry_run) {
            Ok(changes) if changes.is_empty() => {}
            Ok(changes) => {
                repaired += 1;
                let verb = if dry_run { "would repair" } else { "repaired" };
                writeln!(std::io::stdout().lock(), "{}: {verb}", dir.id)?;
                for c in changes {
                    writeln!(std::io::stdout().lock(), "  {c}")?;
                }
            }
            Err(e) => {
                damaged += 1;
                crate::ui::stderr_line(format!("warning: {}: cannot repair: {e:#}", dir.id));
            }
        }
    }
    let mut summary = match (repaired, dry_run) {
        (0, _) => "nothing to repair".to_string(),
        (n, true) => format!(
            "{n} session{} would be repaired (dry run: nothing was written)",
            plural(n)
        ),
        (n, false) => format!("{n} session{} repaired", plural(n)),
    };
    if busy > 0 {
        summary.push_str(&format!("; {busy} in use, skipped"));
    }
    if damaged > 0 {
        summary.push_str(&format!(
            "; {damaged} could not be read or repaired (see the warnings)"
        ));
    }
    writeln!(std::io::stdout().lock(), "{summary}")?;
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Repair one session folder; returns what changed (or would change).
fn repair_one(dir: &SessionDir, dry_run: bool) -> Result<Vec<String>> {
    let mut log = dir.load()?;
    let rate = log.input.as_ref().map(|i| i.sample_rate);
    let listed: std::collections::HashSet<String> = log
        .answers
        .iter()
        .flat_map(|a| a.files().cloned())
        .collect();

    let mut changes = Vec::new();
    let mut files: BTreeMap<String, Option<TakeFacts>> = BTreeMap::new();
    let mut last_write = log.started_at;
    for entry in std::fs::read_dir(&dir.path)? {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        if !(listed.contains(&name) || session::TakeName::parse(&name).is_some()) {
            continue;
        }
        if !entry.file_type()?.is_file() {
            continue;
        }
        if let Ok(modified) = entry.metadata().and_then(|m| m.modified()) {
            if let Ok(t) = jiff::Timestamp::try_from(modified) {
                last_write = last_write.max(t);
            }
        }
        let facts = match audio::repair_header(&entry.path(), dry_run, rate) {
            Ok(fix) => {
                if fix.header_written {
                    changes.push(format!("{name}: wrote the header of an empty WAV"));
                } else if fix.sizes_fixed {
                    changes.push(format!(
                        "{name}: header sizes fixed to the {} frames on disk",
                        fix.frames
                    ));
                }
                Some(TakeFacts {
                    frames: fix.frames,
                    sample_rate: fix.sample_rate,
                })
            }
            Err(e) => {
                crate::ui::stderr_line(format!(
                    "warning: {}: {name}: not a WAV mockview can fix ({e}); left as it is",
                    dir.id
                ));
                None
            }
        };
        files.insert(name, facts);
    }

    changes.extend(session::reconcile(&mut log, &files, last_write));
    if !changes.is_empty() && !dry_run {
        dir.save(&log)?;
    }
    Ok(changes)
}
