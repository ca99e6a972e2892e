//! `mockview transcribe SESSION|FILE.wav`: the words of a WAV file, or of
//! a session's answers, stored with each answer in the log.
//!
//! A session's log is saved after every answer (lock held throughout), so an
//! interrupted run keeps what it finished and a second run does the rest:
//! answers that already have a transcript are skipped unless `--again` (or
//! named with `--answer`).

use super::transcription::{chosen_model, load_engine, store_transcript, NO_MODEL_HINT};
use crate::cli::TranscribeArgs;
use crate::content::ContentRules;
use crate::session::SessionStore;
use crate::transcript::Transcript;
use crate::ui::Console;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub fn run(store: &SessionStore, args: TranscribeArgs) -> Result<()> {
    let model = chosen_model(&args.model)?.ok_or_else(|| anyhow::anyhow!("{NO_MODEL_HINT}"))?;
    let path = Path::new(&args.target);
    if path.is_file() || super::analyze::has_wav_extension(&args.target) {
        if !args.answers.is_empty() {
            return Err(super::UsageError(
                "--answer picks answers of a session; give a SESSION, not a WAV file".into(),
            )
            .into());
        }
        let engine = load_engine(&model)?;
        let transcript = engine.transcribe_file(path)?;
        let mut out = std::io::stdout().lock();
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&transcript)?)?;
        } else {
            writeln!(out, "{}", transcript.text)?;
        }
        return Ok(());
    }
    session(store, &args, &model)
}

#[derive(Serialize)]
struct Transcribed<'a> {
    number: u32,
    file: &'a str,
    transcript: &'a Transcript,
}

#[derive(Serialize)]
struct TranscribedSession<'a> {
    session: &'a str,
    answers: Vec<Transcribed<'a>>,
}

fn session(store: &SessionStore, args: &TranscribeArgs, model: &Path) -> Result<()> {
    let dir = store.resolve(&args.target)?;
    let _lock = dir.lock()?;
    let mut log = dir.load()?;
    for n in &args.answers {
        if !log
            .answers
            .iter()
            .any(|a| a.number == *n && a.recording.file.is_some())
        {
            return Err(super::UsageError(format!(
                "session {} has no recorded answer {n}",
                dir.id
            ))
            .into());
        }
    }
    let todo: Vec<usize> = log
        .answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.recording.file.is_some())
        .filter(|(_, a)| {
            if args.answers.is_empty() {
                args.again || a.recording.transcript.is_none()
            } else {
                args.answers.contains(&a.number)
            }
        })
        .map(|(i, _)| i)
        .collect();
    let console = Console::detect();
    // Progress goes to stderr with --json, so stdout stays one document.
    let say = |line: String| {
        if args.json {
            eprintln!("{line}");
        } else {
            console.line(line);
        }
    };
    if todo.is_empty() {
        say(format!(
            "session {}: every recorded answer has a transcript (--again redoes them)",
            dir.id
        ));
    } else {
        let rules = ContentRules::load(None)?;
        let engine = load_engine(model)?;
        say(format!(
            "session {}: transcribing {} answer{} with {}",
            dir.id,
            todo.len(),
            if todo.len() == 1 { "" } else { "s" },
            engine.model_name()
        ));
        for (k, &i) in todo.iter().enumerate() {
            let answer = &log.answers[i];
            let file = answer.recording.file.clone().expect("filtered on file");
            say(format!(
                "answer {} ({} of {}): {} ({})",
                answer.number,
                k + 1,
                todo.len(),
                file,
                crate::clock::clock_seconds(answer.recording.duration_seconds)
            ));
            let started = Instant::now();
            let transcript = engine
                .transcribe_file(&dir.path.join(&file))
                .with_context(|| format!("answer {} of session {}", answer.number, dir.id))?;
            if !args.json {
                console.paragraph(format!("    {}", transcript.text));
                console.line(console.dim(&format!(
                    "    {} words in {:.1} s",
                    transcript.words.len(),
                    started.elapsed().as_secs_f64()
                )));
            }
            store_transcript(&mut log.answers[i], transcript, &rules);
            dir.save(&log)
                .with_context(|| format!("cannot save the transcript in session {}", dir.id))?;
        }
    }
    if args.json {
        let answers: Vec<Transcribed> = log
            .answers
            .iter()
            .filter_map(|a| {
                Some(Transcribed {
                    number: a.number,
                    file: a.recording.file.as_deref()?,
                    transcript: a.recording.transcript.as_ref()?,
                })
            })
            .collect();
        // Serialised directly (not through `json!`): probabilities are f32,
        // and a detour through JSON values would print them as f64.
        let doc = TranscribedSession {
            session: &dir.id,
            answers,
        };
        writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&doc)?
        )?;
    }
    Ok(())
}
