//! Durable, private files: written atomically or created new with mode
//! 0600, folders with mode 0700, and the folder fsync that makes a rename or
//! a new file survive power loss. A leaf that `audio` (the WAV sink),
//! `session` (the log and folders) and `archive` all use, so `audio` needs
//! nothing of `session` (issue 9).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Write a file atomically with mode 0600: temporary file in the same folder,
/// fsync, rename over the target, fsync the folder. Readers see the old
/// content or the new, never a mix, and a crash leaves one of the two.
pub fn write_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, tmp) = written_temp_file(path, bytes)?;
    tmp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// [`write_private_file`] for a file that must not exist yet: whole or
/// not at all, and an existing one is left alone (`AlreadyExists`).
pub fn write_new_private_file(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (dir, tmp) = written_temp_file(path, bytes)?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    sync_dir(dir);
    Ok(())
}

/// `bytes` in a temporary file (0600) beside `path`, on disk; removed
/// when dropped unless persisted.
fn written_temp_file<'a>(
    path: &'a Path,
    bytes: &[u8],
) -> io::Result<(&'a Path, tempfile::NamedTempFile)> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // tempfile creates its files 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(without_temp_path)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok((dir, tmp))
}

/// tempfile's error names the random temporary file it could not make
/// (`No such file or directory (os error 2) at path "/d/.tmp-BPM4KM"`), a
/// file the user never asked for; the callers name the target. The kind
/// and the cause's words stay.
fn without_temp_path(e: io::Error) -> io::Error {
    let text = e.to_string();
    match text.rfind(" at path ") {
        Some(at) if e.get_ref().is_some() => io::Error::new(e.kind(), &text[..at]),
        _ => e,
    }
}

/// fsync a folder so a rename or a new file in it survives power loss.
/// Best effort: not every platform or filesystem can open a folder.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Options for creating files readable by the owner only.
pub fn private_options() -> OpenOptions {
    #[allow(unused_mut)]
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o
}

/// Create a new file (never over an existing one) readable by the owner only.
pub fn private_new_file(path: &Path) -> io::Result<File> {
    private_options().write(true).create_new(true).open(path)
}

/// Create a folder accessible by the owner only.
pub fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_cannot_be_made_names_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("missing").join("page.html");
        let e = write_private_file(&target, b"x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        let text = e.to_string();
        assert!(!text.contains(".tmp-"), "{text}");
        assert!(text.contains("os error 2"), "{text}");
    }

    #[test]
    fn a_new_file_never_replaces_one() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("config.toml");
        write_new_private_file(&target, b"first").unwrap();
        let e = write_new_private_file(&target, b"second").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&target).unwrap(), b"first");
        assert_eq!(
            fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary left"
        );
    }
}
