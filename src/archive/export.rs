//! Pack one session folder into a zip: the log, every take it lists, the
//! report if there is one. Nothing else from the folder (not `.lock`, not a
//! temporary file). Written to a temporary file beside the output, fsynced,
//! then renamed: the output is complete or absent.

use super::{io_err, is_take_name, ArchiveError, LOG_FILE, REPORT_FILE};
use crate::durable::sync_dir;
use crate::session::{parse_log, SessionDir};
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// What an export wrote.
#[derive(Debug, Clone)]
pub struct Exported {
    pub path: PathBuf,
    pub files: usize,
    pub bytes: u64,
}

/// Export `dir` to the zip file `out`; an existing `out` is replaced only
/// with `force`.
pub fn export(dir: &SessionDir, out: &Path, force: bool) -> Result<Exported, ArchiveError> {
    let invalid = |message: String| ArchiveError::Invalid {
        file: dir.path.clone(),
        message,
    };
    crate::session::check_output_path(out)?;
    // The lock keeps a running `practice` (or an import) from changing the
    // folder while it is read.
    let _lock = dir.lock()?;
    let log_path = dir.log_path();
    let log_bytes = fs::read(&log_path).map_err(io_err(&log_path))?;
    let session = parse_log(&log_path, &log_bytes)?;
    if session.id != dir.id {
        return Err(invalid(format!(
            "its session.json is for session `{}`, not `{}`",
            session.id, dir.id
        )));
    }

    let mut files: Vec<String> = Vec::new();
    for a in &session.answers {
        for name in a.files() {
            if !is_take_name(name) {
                return Err(invalid(format!(
                    "answer {} lists `{name}`, which is not a take's file name",
                    a.number
                )));
            }
            if !files.contains(name) {
                files.push(name.clone());
            }
        }
    }
    for name in &files {
        let p = dir.path.join(name);
        match fs::symlink_metadata(&p) {
            Ok(m) if m.is_file() => {}
            Ok(_) => return Err(invalid(format!("`{name}` is not a regular file"))),
            Err(_) => {
                return Err(invalid(format!(
                    "take `{name}` listed in session.json is missing (see `mockview show {}`)",
                    dir.id
                )))
            }
        }
    }
    if fs::symlink_metadata(dir.path.join(REPORT_FILE)).is_ok_and(|m| m.is_file()) {
        files.push(REPORT_FILE.to_string());
    }

    match fs::symlink_metadata(out) {
        Ok(m) if m.is_dir() => {
            return Err(ArchiveError::Invalid {
                file: out.to_path_buf(),
                message: "is a folder; give a file name".into(),
            })
        }
        Ok(_) if !force => {
            return Err(ArchiveError::Exists {
                path: out.to_path_buf(),
            })
        }
        _ => {}
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // tempfile creates the file 0600.
    let tmp = tempfile::Builder::new()
        .prefix(".mockview-export-")
        .suffix(".tmp")
        .tempfile_in(parent)
        .map_err(io_err(parent))?;

    let mtime = zip_time(jiff::ZonedDateTime::now());
    let dir_opts = SimpleFileOptions::default()
        .unix_permissions(0o700)
        .last_modified_time(mtime);
    let text = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600)
        .last_modified_time(mtime);
    let wav = text.compression_method(CompressionMethod::Stored);

    let zip_err = |e: zip::result::ZipError| ArchiveError::Io {
        path: out.to_path_buf(),
        source: io::Error::other(e),
    };
    let mut zip = zip::ZipWriter::new(BufWriter::new(tmp.as_file()));
    let top = &dir.id;
    zip.add_directory(format!("{top}/"), dir_opts)
        .map_err(zip_err)?;
    zip.start_file(format!("{top}/{LOG_FILE}"), text)
        .map_err(zip_err)?;
    zip.write_all(&log_bytes).map_err(io_err(out))?;
    let mut bytes = log_bytes.len() as u64;
    for name in &files {
        let p = dir.path.join(name);
        let mut f = File::open(&p).map_err(io_err(&p))?;
        let len = f.metadata().map_err(io_err(&p))?.len();
        let opts = if name.ends_with(".wav") { wav } else { text };
        zip.start_file(
            format!("{top}/{name}"),
            opts.large_file(len >= u64::from(u32::MAX)),
        )
        .map_err(zip_err)?;
        bytes += io::copy(&mut f, &mut zip).map_err(io_err(&p))?;
    }
    let buf = zip.finish().map_err(zip_err)?;
    buf.into_inner()
        .map_err(|e| ArchiveError::Io {
            path: out.to_path_buf(),
            source: e.into_error(),
        })?
        .sync_all()
        .map_err(io_err(out))?;
    if force {
        tmp.persist(out).map_err(|e| ArchiveError::Io {
            path: out.to_path_buf(),
            source: e.error,
        })?;
    } else {
        // No clobbering even if the output appeared while we were writing.
        tmp.persist_noclobber(out).map_err(|e| {
            if e.error.kind() == io::ErrorKind::AlreadyExists {
                ArchiveError::Exists {
                    path: out.to_path_buf(),
                }
            } else {
                ArchiveError::Io {
                    path: out.to_path_buf(),
                    source: e.error,
                }
            }
        })?;
    }
    sync_dir(parent);
    Ok(Exported {
        path: out.to_path_buf(),
        files: files.len() + 1,
        bytes,
    })
}

/// Zip's MS-DOS time (local, 2 s resolution, 1980-2107).
fn zip_time(now: jiff::ZonedDateTime) -> zip::DateTime {
    zip::DateTime::from_date_and_time(
        now.year().clamp(1980, 2107) as u16,
        now.month() as u8,
        now.day() as u8,
        now.hour() as u8,
        now.minute() as u8,
        now.second() as u8,
    )
    .unwrap_or_default()
}
