//! `mockview export SESSION -o FILE.zip [--force]`: one zip file to send.

use crate::session::SessionStore;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

pub fn run(store: &SessionStore, spec: &str, out: &Path, force: bool) -> Result<()> {
    let dir = store.resolve(spec)?;
    let done = crate::archive::export(&dir, out, force)?;
    writeln!(
        std::io::stdout().lock(),
        "exported session {} to {} ({} files, {:.1} MB)",
        dir.id,
        done.path.display(),
        done.files,
        done.bytes as f64 / 1e6
    )?;
    Ok(())
}
