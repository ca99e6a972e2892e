//! `mockview config`: the effective settings and where each comes from;
//! `mockview config init`: write the commented config file.

use crate::config::{self, Settings};
use crate::durable::{write_new_private_file, write_private_file};
use anyhow::{bail, Context, Result};
use std::io::Write;
use std::path::Path;

/// `mockview config`: every setting, its value and where it came from.
pub fn show(settings: &Settings) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match &settings.file {
        Some(p) if p.is_file() => writeln!(out, "config file: {}", p.display())?,
        Some(p) => writeln!(
            out,
            "config file: {} (none yet; `mockview config init` writes one)",
            p.display()
        )?,
        None => writeln!(out, "config file: none (no config folder on this system)")?,
    }
    let rows = settings.rows();
    let key_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let value_width = rows.iter().map(|r| r.1.len()).max().unwrap_or(0).min(48);
    for (key, value, source) in rows {
        writeln!(out, "{key:key_width$} = {value:value_width$}  # {source}")?;
    }
    Ok(())
}

/// `mockview config init`: write the commented file at `path` (see
/// [`config::file_path`]). It needs no settings, so it is run without
/// resolving them: a file that no longer parses is what `--force` replaces.
pub fn init(path: Option<&Path>, force: bool) -> Result<()> {
    let Some(path) = path else {
        bail!(
            "this system has no config folder: set {} to the file to write",
            config::CONFIG_ENV
        );
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_config_dir(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    // The device examples are ids `devices` lists here (its own code); a
    // machine whose devices cannot be listed gets ALSA's `default`.
    let listed = crate::audio::list_devices(false).unwrap_or_default();
    let ids = |side: fn(&crate::audio::DeviceInfo) -> bool| -> Vec<String> {
        listed
            .iter()
            .filter(|d| side(d))
            .map(|d| d.id.clone())
            .collect()
    };
    let text = config::template(&config::DeviceIds {
        inputs: ids(|d| d.input),
        outputs: ids(|d| d.output),
    });
    // Whole or not at all: a half file would stop every command.
    if force {
        write_private_file(path, text.as_bytes())
    } else {
        match write_new_private_file(path, text.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => bail!(
                "{} exists; `mockview config init --force` replaces it",
                path.display()
            ),
            written => written,
        }
    }
    .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(std::io::stdout().lock(), "wrote {}", path.display())?;
    Ok(())
}

/// The config folder, made private like the sessions' (0700).
fn create_config_dir(dir: &std::path::Path) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}
