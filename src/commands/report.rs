//! `mockview report SESSION [-o FILE [--force]]`: write the session's HTML page, by
//! default as report.html in the session folder, with the progress of the
//! sessions up to this one.

use super::UsageError;
use crate::cli::ReportArgs;
use crate::session::SessionStore;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

pub fn run(store: &SessionStore, args: &ReportArgs) -> Result<()> {
    let dir = store.resolve(&args.session)?;
    let out = args.output.as_deref().map(output_path).transpose()?;
    let written = crate::report::write(store, &dir, out.as_deref(), args.force)?;
    for w in &written.warnings {
        crate::ui::stderr_line(format!("warning: {w}"));
    }
    writeln!(std::io::stdout().lock(), "wrote {}", written.path.display())?;
    Ok(())
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
