//! Transcription as the commands use it: which model a run uses, the one
//! place a finished transcript enters an answer, and the background worker
//! that transcribes answers during `practice`.
//!
//! The worker owns the engine on its own thread and hears of answers through
//! a channel; only the practice loop (which holds the session's lock) writes
//! the log, when it collects results. A crash or Ctrl-C while the worker runs
//! loses nothing: the audio is already on disk and the log valid, and
//! `mockview transcribe` finishes the job later.

use crate::cli::ModelChoice;
use crate::content::ContentRules;
use crate::session::Answer;
use crate::transcribe::{read_header, Engine, ModelStore};
use crate::transcript::Transcript;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

/// What practice prints, once, when no model is installed.
pub const NO_MODEL_HINT: &str =
    "no transcripts: no Whisper model installed (get one with `mockview model get tiny.en`, ~78 MB)";

/// Store a finished transcript with its answer. The one place: whatever is
/// computed from the words (content feedback) is computed here, so every
/// command that transcribes stores the same thing.
pub fn store_transcript(answer: &mut Answer, transcript: Transcript, rules: &ContentRules) {
    answer.transcript = Some(transcript);
    answer.update_content(rules);
}

/// The model file a run uses: `--model` / `MOCKVIEW_MODEL` (which must be
/// a ggml Whisper model), else the best installed one, else none.
pub fn chosen_model(choice: &ModelChoice) -> Result<Option<PathBuf>> {
    if let Some(path) = &choice.model {
        read_header(path).context("--model / MOCKVIEW_MODEL")?;
        return Ok(Some(path.clone()));
    }
    Ok(ModelStore::default_location()
        .ok()
        .and_then(|s| s.default_model())
        .map(|m| m.path))
}

/// Load a model, naming it in the error.
pub fn load_engine(path: &Path) -> Result<Engine> {
    Engine::load(path).with_context(|| format!("cannot use the model {}", path.display()))
}

/// A finished job: the answer's number and its transcript or why not.
pub struct Finished {
    pub number: u32,
    pub result: Result<Transcript, String>,
}

struct Job {
    number: u32,
    wav: PathBuf,
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
                let engine = Engine::load(&model).map_err(|e| format!("{e:#}"));
                for job in job_rx {
                    let result = match &engine {
                        Ok(engine) => engine.transcribe_file(&job.wav).map_err(|e| e.to_string()),
                        Err(e) => Err(e.clone()),
                    };
                    let finished = Finished {
                        number: job.number,
                        result,
                    };
                    if done_tx.send(finished).is_err() {
                        break;
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

    /// Queue an answer's final take.
    pub fn submit(&mut self, number: u32, wav: PathBuf) {
        if let Some(jobs) = &self.jobs {
            if jobs.send(Job { number, wav }).is_ok() {
                self.pending += 1;
            }
        }
    }

    /// Answers queued and not yet collected.
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
