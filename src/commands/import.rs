//! `mockview import FILE.zip`: a new session, or the reviews merged into the
//! local copy of it; `mockview import review-….json`: a review saved from a
//! shared page, merged into its session.

use super::UsageError;
use crate::archive::{self, Imported, Limits};
use crate::session::SessionStore;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

pub fn run(store: &SessionStore, file: &Path) -> Result<()> {
    if crate::session::review_file::is_review_file_name(file) {
        return review(store, file);
    }
    let limits = Limits::from_env().map_err(UsageError)?;
    match archive::import(store, file, limits)? {
        Imported::Added { id, path, files } => {
            writeln!(
                std::io::stdout().lock(),
                "imported session {id} into {} ({files} files)",
                path.display()
            )?;
        }
        Imported::Merged {
            id,
            reviews,
            unmatched,
        } => {
            if unmatched > 0 {
                eprintln!(
                    "warning: {unmatched} reviews in {} are on answers that session {id} does not have here; not merged",
                    file.display()
                );
            }
            writeln!(
                std::io::stdout().lock(),
                "merged {reviews} review{} from {} into session {id}",
                if reviews == 1 { "" } else { "s" },
                file.display()
            )?;
            // A report written before the merge would not show the new
            // reviews: write it again.
            let dir = store
                .dir_for(&id)
                .filter(|d| d.path.join(crate::session::REPORT_FILE).is_file());
            if let (true, Some(dir)) = (reviews > 0, dir) {
                let written = crate::report::write(store, &dir, None)?;
                for w in &written.warnings {
                    eprintln!("warning: {w}");
                }
                writeln!(std::io::stdout().lock(), "wrote {}", written.path.display())?;
            }
        }
    }
    Ok(())
}

/// A review file from a shared page: merged, then the report rewritten if
/// the session has one (it shows the reviews and their comments).
fn review(store: &SessionStore, file: &Path) -> Result<()> {
    let r = crate::session::review_file::import(store, file)?;
    let mut out = std::io::stdout().lock();
    let who = crate::ui::inert(&r.reviewer);
    if r.added == 0 {
        writeln!(
            out,
            "{}: {who}'s review is already in session {}; nothing added",
            file.display(),
            r.session
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "merged {who}'s review of {} answer{} from {} into session {}",
        r.added,
        if r.added == 1 { "" } else { "s" },
        file.display(),
        r.session
    )?;
    let dir = store
        .dir_for(&r.session)
        .filter(|d| d.path.join(crate::session::REPORT_FILE).is_file());
    if let Some(dir) = dir {
        let written = crate::report::write(store, &dir, None)?;
        for w in &written.warnings {
            eprintln!("warning: {w}");
        }
        writeln!(out, "wrote {}", written.path.display())?;
    }
    Ok(())
}
