//! The shared page (`mockview share`): the session's page with each
//! recording compressed (`opus`) and embedded, so one file holds
//! everything a reviewer needs, on any computer or phone, installing
//! nothing. The recordings are encoded on every core (a 5 × 2-minute
//! session in a few seconds on two, scripts/bench-share.sh); the page is
//! the report's renderer.

use super::file::ReportError;
use super::page::{render_page, Audio, EmbeddedAudio, Page};
use crate::durable::write_private_file;
use crate::session::{is_plain_file_name, SessionDir, SessionError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The embedded audio's type, as `canPlayType` takes it.
const OPUS_MIME: &str = "audio/ogg; codecs=\"opus\"";

#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(transparent)]
    Session(#[from] SessionError),
    #[error(transparent)]
    Encode(#[from] super::opus::EncodeError),
    #[error("session {session} has no answer {number} (it has {count})")]
    NoAnswer {
        session: String,
        number: u32,
        count: usize,
    },
    #[error(transparent)]
    NotOurFile(#[from] super::NotOurFile),
    #[error("session {session}: `{file}` is not a file name in the session folder")]
    NotAFileName { session: String, file: String },
    #[error(transparent)]
    Write(#[from] ReportError),
}

/// What to share.
#[derive(Debug, Clone, Default)]
pub struct ShareOptions {
    /// Answer numbers; empty: every answer.
    pub answers: Vec<u32>,
    /// Leave out the machine's feedback (and earlier reviews).
    pub no_feedback: bool,
    /// Replace `out` even if it is not a page mockview wrote.
    pub force: bool,
}

/// What [`share`] wrote.
#[derive(Debug)]
pub struct Shared {
    pub path: PathBuf,
    pub bytes: u64,
    pub answers: usize,
    pub recordings: usize,
    /// Seconds of audio embedded.
    pub audio_seconds: f64,
}

/// Write the shared page of the session in `dir` to `out`.
pub fn share(dir: &SessionDir, out: &Path, opts: &ShareOptions) -> Result<Shared, ShareError> {
    crate::session::check_output_path(out)?;
    super::check_replaceable(out, opts.force)?;
    let session = dir.load()?;
    for &n in &opts.answers {
        if !session.answers.iter().any(|a| a.number == n) {
            return Err(ShareError::NoAnswer {
                session: session.id.clone(),
                number: n,
                count: session.answers.len(),
            });
        }
    }
    let session_dir = std::fs::canonicalize(&dir.path).map_err(|source| ReportError::Write {
        path: dir.path.clone(),
        source,
    })?;
    let chosen: Vec<_> = session
        .answers
        .iter()
        .filter(|a| opts.answers.is_empty() || opts.answers.contains(&a.number))
        .collect();
    let recordings: Vec<(&str, f64)> = chosen
        .iter()
        .flat_map(|a| a.recordings())
        .filter_map(|(_, r)| Some((r.file.as_deref()?, r.duration_seconds)))
        .collect();
    // The log names files inside its folder; never embed anything else.
    if let Some((file, _)) = recordings.iter().find(|(f, _)| !is_plain_file_name(f)) {
        return Err(ShareError::NotAFileName {
            session: session.id.clone(),
            file: file.to_string(),
        });
    }
    let audio = encode_all(&session_dir, &recordings)?;
    let answers = opts.answers.clone();
    let html = render_page(&Page {
        session: &session,
        session_dir: &session_dir,
        audio: Audio::Embedded(&audio),
        answers: (!answers.is_empty()).then_some(answers.as_slice()),
        feedback: !opts.no_feedback,
        progress: &[],
    });
    write_private_file(out, html.as_bytes()).map_err(|source| ReportError::Write {
        path: out.to_path_buf(),
        source,
    })?;
    Ok(Shared {
        path: out.to_path_buf(),
        bytes: html.len() as u64,
        answers: chosen.len(),
        recordings: audio.len(),
        audio_seconds: recordings.iter().map(|(_, s)| s).sum(),
    })
}

/// Encode every recording, on as many threads as there are cores (each
/// encoder is single-threaded), longest first so the last one to start is
/// short.
fn encode_all(
    session_dir: &Path,
    recordings: &[(&str, f64)],
) -> Result<HashMap<String, EmbeddedAudio>, ShareError> {
    let mut queue: Vec<(&str, f64)> = recordings.to_vec();
    queue.sort_by(|a, b| a.1.total_cmp(&b.1));
    queue.dedup_by(|a, b| a.0 == b.0);
    let queue = Mutex::new(queue);
    let done = Mutex::new(HashMap::new());
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(recordings.len().max(1));
    let result: Result<(), ShareError> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<(), ShareError> {
                    loop {
                        let next = queue.lock().map_or(None, |mut q| q.pop());
                        let Some((file, _)) = next else { return Ok(()) };
                        let bytes = super::opus::encode_wav(&session_dir.join(file))?;
                        if let Ok(mut d) = done.lock() {
                            d.insert(
                                file.to_string(),
                                EmbeddedAudio {
                                    mime: OPUS_MIME,
                                    bytes,
                                },
                            );
                        }
                    }
                })
            })
            .collect();
        for w in workers {
            match w.join() {
                Ok(r) => r?,
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        Ok(())
    });
    result?;
    Ok(done.into_inner().unwrap_or_default())
}
