//! Transcription as the commands use it: which model a run uses, and the
//! background worker that transcribes answers and follow-up replies during
//! `practice`. (A finished transcript enters the log through
//! `Recording::set_transcript`.)
//!
//! The worker owns the engine on its own thread and hears of answers through
//! a channel; only the practice loop (which holds the session's lock) writes
//! the log, when it collects results. A crash or Ctrl-C while the worker runs
//! loses nothing: the audio is already on disk and the log valid, and
//! `mockview transcribe` finishes the job later.

use crate::config::Setting;
use crate::content::ContentRules;
use crate::session::RecordingKey;
use crate::transcribe::{read_header, Engine, GrowingTranscript, ModelStore};
use crate::transcript::Transcript;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// What practice prints, once, when no model is installed.
pub const NO_MODEL_HINT: &str =
    "no transcripts: no Whisper model installed (get one with `mockview model get tiny.en`, ~78 MB)";

/// The model that transcribes the answers in the background (none with
/// `--no-transcribe`, or when none is installed: the caller says so with
/// [`NO_MODEL_HINT`] once the session starts, not before an error that
/// stops it, and [`NO_SENTENCE_MODEL_HINT`] when only the sentence model
/// is missing), and the word lists: with a model they are read now (with
/// the user's, MOCKVIEW_PHRASES), so a bad file stops the session before
/// anything is recorded.
pub fn for_practice(
    no_transcribe: bool,
    settings: &crate::config::Settings,
) -> Result<(Option<PathBuf>, ContentRules)> {
    if no_transcribe {
        return Ok((None, ContentRules::default()));
    }
    let Some(model) = chosen_model(&settings.model)? else {
        return Ok((None, ContentRules::default()));
    };
    Ok((Some(model), content_rules(settings)?))
}

/// What practice prints, once, when transcripts will be made but the
/// sentence model is not installed.
pub const NO_SENTENCE_MODEL_HINT: &str =
    "negative talk judged by its word rules alone: no sentence model in the models folder (see docs/transcription.md, \"The sentence model\")";

/// The content rules of a run: the word lists (the user's too, the
/// `phrases` setting) and, when it is installed in the models folder
/// (`<models>/all-MiniLM-L6-v2`), the sentence model's negative-talk
/// judge. Never fetched: without it the rules judge alone.
pub fn content_rules(settings: &crate::config::Settings) -> Result<ContentRules> {
    let rules = ContentRules::load(settings.phrases.value.as_deref())?;
    Ok(match ModelStore::default_location() {
        Ok(store) => rules.with_sentence_model(store.dir())?,
        Err(_) => rules,
    })
}

/// The model file a run uses: the `model` setting (`--model`,
/// `MOCKVIEW_MODEL` or the config file), an installed model's name or a
/// ggml Whisper model file; unset, the best installed one, else none.
pub fn chosen_model(setting: &Setting<Option<String>>) -> Result<Option<PathBuf>> {
    let store = ModelStore::default_location().ok();
    let Some(choice) = &setting.value else {
        return Ok(store.and_then(|s| s.default_model()).map(|m| m.path));
    };
    if let Some(m) = store
        .iter()
        .flat_map(ModelStore::installed)
        .find(|m| &m.name == choice)
    {
        return Ok(Some(m.path));
    }
    let path = PathBuf::from(choice);
    read_header(&path).with_context(|| {
        format!(
            "model `{choice}` ({}): not an installed model (`mockview model list`) nor a model file",
            setting.source
        )
    })?;
    Ok(Some(path))
}

/// Load a model, naming it in the error.
pub fn load_engine(path: &Path) -> Result<Engine> {
    Engine::load(path).with_context(|| format!("cannot use the model {}", path.display()))
}

/// A finished job: which recording, and its transcript or why not.
pub struct Finished {
    pub key: RecordingKey,
    pub result: Result<Transcript, String>,
}

/// What the worker is asked to do, for recording `key`'s take `take` (a
/// retake is a new take: what was done for the one before is dropped).
enum Job {
    /// The take is still recording: transcribe what is on disk so far.
    Grow {
        key: RecordingKey,
        take: usize,
        wav: PathBuf,
    },
    /// The take is final: transcribe the rest and report.
    Finish {
        key: RecordingKey,
        take: usize,
        wav: PathBuf,
    },
}

/// Transcribes answers on a thread of its own while the session goes on.
pub struct BackgroundTranscriber {
    jobs: Option<Sender<Job>>,
    results: Receiver<Finished>,
    pending: usize,
    worker: Option<JoinHandle<()>>,
}

impl BackgroundTranscriber {
    /// Start the worker; the model loads on its thread, so the session's
    /// first question is not delayed. A model that fails to load fails
    /// every job with the reason.
    pub fn start(model: PathBuf) -> BackgroundTranscriber {
        let (jobs, job_rx) = mpsc::channel::<Job>();
        let (done_tx, results) = mpsc::channel();
        let worker = std::thread::Builder::new()
            .name("transcribe".into())
            .spawn(move || {
                // Lowest priority (nice 19), inherited by whisper.cpp's own
                // threads: on 2 cores the engine keeps both busy, and the
                // capture's writer thread must still get the CPU at once
                // (with a device faster than real time, 19.6 M frames were
                // dropped at normal priority). Best effort: without it the
                // session still runs, and dropped frames are counted.
                let _ = thread_priority::set_current_thread_priority(
                    thread_priority::ThreadPriority::Min,
                );
                let engine = Engine::load(&model).map_err(|e| format!("{e:#}"));
                // Per recording: the take being transcribed and its progress.
                let mut growing: Growing = HashMap::new();
                for job in job_rx {
                    match job {
                        Job::Grow { key, take, wav } => {
                            let Ok(engine) = &engine else { continue };
                            let mut g = progress_of(&mut growing, key, take, &wav);
                            // A failure here is retried from the start by Finish.
                            if g.advance(engine).is_ok() {
                                growing.insert(key, (take, g));
                            }
                        }
                        Job::Finish { key, take, wav } => {
                            let result = match &engine {
                                Ok(engine) => progress_of(&mut growing, key, take, &wav)
                                    .finish(engine)
                                    .map_err(|e| e.to_string()),
                                Err(e) => Err(e.clone()),
                            };
                            if done_tx.send(Finished { key, result }).is_err() {
                                break;
                            }
                        }
                    }
                }
            })
            .expect("spawning a thread");
        BackgroundTranscriber {
            jobs: Some(jobs),
            results,
            pending: 0,
            worker: Some(worker),
        }
    }

    /// A take still recording: transcribe what it holds so far (nothing
    /// until a whole window is there), so less is left when it ends.
    pub fn grow(&mut self, key: RecordingKey, take: usize, wav: PathBuf) {
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(Job::Grow { key, take, wav });
        }
    }

    /// A take (or a reply) is final: finish its transcript and report it.
    pub fn finish(&mut self, key: RecordingKey, take: usize, wav: PathBuf) {
        if let Some(jobs) = &self.jobs {
            if jobs.send(Job::Finish { key, take, wav }).is_ok() {
                self.pending += 1;
            }
        }
    }

    /// Recordings queued and not yet collected.
    pub fn pending(&self) -> usize {
        self.pending
    }

    /// The results ready now, without waiting.
    pub fn ready(&mut self) -> Vec<Finished> {
        let done: Vec<Finished> = self.results.try_iter().collect();
        self.pending -= done.len();
        done
    }

    /// Wait up to `timeout` for the next result.
    pub fn next(&mut self, timeout: Duration) -> Option<Finished> {
        let done = self.results.recv_timeout(timeout).ok()?;
        self.pending -= 1;
        Some(done)
    }
}

/// The worker as the practice room sees it.
impl crate::practice::Transcriber for BackgroundTranscriber {
    fn grow(&mut self, key: RecordingKey, take: usize, wav: PathBuf) {
        BackgroundTranscriber::grow(self, key, take, wav)
    }
    fn finish(&mut self, key: RecordingKey, take: usize, wav: PathBuf) {
        BackgroundTranscriber::finish(self, key, take, wav)
    }
    fn pending(&self) -> usize {
        BackgroundTranscriber::pending(self)
    }
    fn ready(&mut self) -> Vec<crate::practice::Transcribed> {
        let done = BackgroundTranscriber::ready(self);
        done.into_iter().map(|f| (f.key, f.result)).collect()
    }
    fn next(&mut self, timeout: Duration) -> Option<crate::practice::Transcribed> {
        BackgroundTranscriber::next(self, timeout).map(|f| (f.key, f.result))
    }
}

/// What the worker has of each recording: its take's number and progress.
type Growing = HashMap<RecordingKey, (usize, GrowingTranscript)>;

/// The transcript so far of recording `key`'s take `take`, taken out of
/// `growing`: a fresh one for a new take (a retake starts again).
fn progress_of(
    growing: &mut Growing,
    key: RecordingKey,
    take: usize,
    wav: &Path,
) -> GrowingTranscript {
    match growing.remove(&key) {
        Some((t, g)) if t == take && g.path() == wav => g,
        _ => GrowingTranscript::new(wav),
    }
}

impl Drop for BackgroundTranscriber {
    /// Without pending work the worker ends at once; with some (after
    /// Ctrl-C), it is left to the process's exit: the log is already saved.
    fn drop(&mut self) {
        self.jobs = None;
        if self.pending == 0 {
            if let Some(w) = self.worker.take() {
                let _ = w.join();
            }
        }
    }
}
