//! The platform's folders (through `directories`): where the config file
//! and, when nothing else is set, the sessions live. On Linux these are
//! `$XDG_CONFIG_HOME/mockview` and `$XDG_DATA_HOME/mockview`.

use directories::ProjectDirs;
use std::fmt;
use std::path::{Path, PathBuf};

fn project() -> Option<ProjectDirs> {
    ProjectDirs::from("", "", "mockview")
}

/// The platform's config file, when the platform has a config folder.
pub fn config_path() -> Option<PathBuf> {
    project().map(|p| p.config_dir().join("config.toml"))
}

/// mockview's data folder (models; sessions when nothing else is set).
pub fn data_dir() -> Option<PathBuf> {
    project().map(|p| p.data_dir().to_path_buf())
}

/// Which default rule chose the sessions folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionsDirRule {
    /// `./recordings` exists in the working folder: it keeps working.
    ExistingRecordings,
    /// The data folder's `recordings`.
    DataFolder,
    /// No data folder on this platform (no home): `./recordings`.
    WorkingFolder,
}

impl fmt::Display for SessionsDirRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionsDirRule::ExistingRecordings => "./recordings exists",
            SessionsDirRule::DataFolder => "data folder",
            SessionsDirRule::WorkingFolder => "no data folder, working folder",
        })
    }
}

/// The sessions folder when none is configured: `local` (`./recordings`) if
/// it exists, else the data folder's `recordings`.
pub fn default_sessions_dir(local: &Path) -> (PathBuf, SessionsDirRule) {
    if local.is_dir() {
        return (local.to_path_buf(), SessionsDirRule::ExistingRecordings);
    }
    match data_dir() {
        Some(d) => (d.join("recordings"), SessionsDirRule::DataFolder),
        None => (local.to_path_buf(), SessionsDirRule::WorkingFolder),
    }
}
