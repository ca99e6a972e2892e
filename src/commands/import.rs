//! `mockview import FILE.zip`: a new session, or the reviews merged into the
//! local copy of it.

use super::UsageError;
use crate::archive::{self, Imported, Limits};
use crate::session::SessionStore;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

pub fn run(store: &SessionStore, file: &Path) -> Result<()> {
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
