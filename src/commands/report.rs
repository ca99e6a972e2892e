//! `mockview report SESSION [-o FILE]`: write the session's HTML page, by
//! default as report.html in the session folder.

use super::UsageError;
use crate::session::{write_private_file, SessionStore};
use anyhow::{Context, Result};
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
    let html = crate::report::render(&session, &session_dir, page_dir);
    write_private_file(&out, html.as_bytes())
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!("wrote {}", out.display());
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
