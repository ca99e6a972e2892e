//! Loading every session of a store with the metrics of its answers, the
//! input of every progress computation.

use super::session::{session_progress, SessionProgress};
use crate::analysis::{analyze_wav, AnalysisConfig, AnalysisError, Metrics};
use crate::session::{Session, SessionError, SessionStore};
use serde::Serialize;

/// A session whose log could not be read.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    pub id: String,
    pub error: String,
}

/// An answer without stored metrics whose WAV could not be analysed either.
#[derive(Debug)]
pub struct Unanalysed {
    pub session: String,
    pub error: AnalysisError,
}

/// The sessions of a store, oldest first (by id, that is start time).
#[derive(Debug, Default)]
pub struct History {
    pub logs: Vec<Session>,
    /// One per log, same order.
    pub sessions: Vec<SessionProgress>,
    /// In the order they were met, for the caller to report.
    pub skipped: Vec<Skipped>,
    pub unanalysed: Vec<Unanalysed>,
}

impl History {
    /// Load every session of `store` that `keep` accepts. An answer whose
    /// log has no metrics (older sessions, or an analysis that failed when
    /// it was recorded) is analysed from its WAV with `config`; `keep` runs
    /// first, so that sessions left out cost no analysis.
    pub fn load(
        store: &SessionStore,
        config: &AnalysisConfig,
        keep: impl Fn(&Session) -> bool,
    ) -> Result<History, SessionError> {
        let mut h = History::default();
        let mut dirs = Vec::new();
        for dir in store.list()?.into_iter().rev() {
            match dir.load() {
                Ok(log) if keep(&log) => dirs.push((dir, log)),
                Ok(_) => {}
                Err(e) => h.skipped.push(Skipped {
                    id: dir.id,
                    error: e.to_string(),
                }),
            }
        }
        for (dir, log) in dirs {
            let metrics: Vec<Metrics> = log
                .answers
                .iter()
                .filter_map(|a| {
                    let file = a.recording.file.as_deref()?;
                    if let Some(m) = &a.recording.metrics {
                        return Some(m.clone());
                    }
                    match analyze_wav(&dir.path.join(file), config) {
                        Ok(m) => Some(a.recording.with_transcript(m, &config.thresholds)),
                        Err(error) => {
                            h.unanalysed.push(Unanalysed {
                                session: dir.id.clone(),
                                error,
                            });
                            None
                        }
                    }
                })
                .collect();
            h.sessions.push(session_progress(&log, &metrics));
            h.logs.push(log);
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Settings;

    fn settings() -> Settings {
        Settings {
            seed: 1,
            ..Settings::default()
        }
    }

    #[test]
    fn loads_oldest_first_skips_damaged_logs_and_filters() {
        let tmp = tempfile::tempdir().unwrap();
        let store = SessionStore::new(tmp.path());
        for (id, at) in [
            ("20261108-090000", "2026-11-08T09:00:00Z"),
            ("20261101-090000", "2026-11-01T09:00:00Z"),
        ] {
            let dir = store.create(id).unwrap();
            dir.save(&Session::new(
                dir.id.clone(),
                at.parse().unwrap(),
                settings(),
            ))
            .unwrap();
        }
        let bad = tmp.path().join("20261120-090000");
        std::fs::create_dir(&bad).unwrap();
        std::fs::write(bad.join("session.json"), "{").unwrap();

        let h = History::load(&store, &AnalysisConfig::default(), |_| true).unwrap();
        let ids: Vec<&str> = h.sessions.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["20261101-090000", "20261108-090000"]);
        assert_eq!(h.logs.len(), 2);
        assert_eq!(h.skipped.len(), 1);
        assert_eq!(h.skipped[0].id, "20261120-090000");

        let cut: jiff::Timestamp = "2026-11-05T00:00:00Z".parse().unwrap();
        let h = History::load(&store, &AnalysisConfig::default(), |s| s.started_at <= cut).unwrap();
        assert_eq!(h.sessions.len(), 1);
        assert_eq!(h.sessions[0].id, "20261101-090000");
    }
}
