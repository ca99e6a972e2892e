//! `mockview transcribe SESSION|FILE`: the words of an audio file (any
//! format `audio::decode` reads), or of
//! a session's answers and follow-up replies, stored with each in the log.
//!
//! A session's log is saved after every answer (lock held throughout), so an
//! interrupted run keeps what it finished and a second run does the rest:
//! answers that already have a transcript are skipped unless `--again` (or
//! named with `--answer`).

use super::transcription::{chosen_model, load_engine, NO_MODEL_HINT};
use crate::cli::TranscribeArgs;
use crate::config::Settings;
use crate::content::ContentRules;
use crate::session::{Answer, RecordingKey, SessionStore};
use crate::transcript::Transcript;
use crate::ui::Console;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;
use std::time::Instant;

pub fn run(store: &SessionStore, args: TranscribeArgs, settings: &Settings) -> Result<()> {
    let path = Path::new(&args.target);
    let is_file = crate::audio::decode::names_a_file(&args.target);
    if is_file {
        if !args.answers.is_empty() {
            return Err(super::UsageError(
                "--answer picks answers of a session; give a SESSION, not a file".into(),
            )
            .into());
        }
        // A file that is no audio is refused before any model is looked for.
        crate::audio::decode::AudioFile::open(path)?;
    }
    let model = chosen_model(&settings.model)?.ok_or_else(|| anyhow::anyhow!("{NO_MODEL_HINT}"))?;
    if is_file {
        let engine = load_engine(&model)?;
        let transcript = engine.transcribe_file(path)?;
        let mut out = std::io::stdout().lock();
        if args.json {
            writeln!(out, "{}", serde_json::to_string_pretty(&transcript)?)?;
        } else if transcript.text.is_empty() {
            // Silence or room tone: say so where a person reads, and leave
            // stdout empty for a script (an empty line would look like words).
            crate::ui::stderr_line(format!("no words heard in {}", path.display()));
        } else {
            writeln!(out, "{}", transcript.text)?;
        }
        return Ok(());
    }
    let rules = super::transcription::content_rules(settings)?;
    session(store, &args, &model, &rules)
}

#[derive(Serialize)]
struct Transcribed<'a> {
    number: u32,
    file: &'a str,
    transcript: &'a Transcript,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    follow_ups: Vec<TranscribedReply<'a>>,
}

#[derive(Serialize)]
struct TranscribedReply<'a> {
    number: u32,
    file: &'a str,
    transcript: &'a Transcript,
}

#[derive(Serialize)]
struct TranscribedSession<'a> {
    session: &'a str,
    answers: Vec<Transcribed<'a>>,
}

fn session(
    store: &SessionStore,
    args: &TranscribeArgs,
    model: &Path,
    rules: &ContentRules,
) -> Result<()> {
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
    // Every recording with a file (an answer's final take, a follow-up's
    // reply) of the answers asked for, unless it has its transcript already.
    let todo: Vec<(RecordingKey, String, f64)> = log
        .answers
        .iter()
        .filter(|a| args.answers.is_empty() || args.answers.contains(&a.number))
        .flat_map(Answer::recordings)
        .filter(|(_, r)| args.again || !args.answers.is_empty() || r.transcript.is_none())
        .filter_map(|(key, r)| Some((key, r.file.clone()?, r.duration_seconds)))
        .collect();
    let console = Console::detect();
    // Progress goes to stderr with --json, so stdout stays one document.
    let say = |line: String| {
        if args.json {
            crate::ui::stderr_line(line);
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
        let engine = load_engine(model)?;
        say(format!(
            "session {}: transcribing {} with {}",
            dir.id,
            what(&todo),
            engine.model_name()
        ));
        for (k, (key, file, seconds)) in todo.iter().enumerate() {
            say(format!(
                "{key} ({} of {}): {file} ({})",
                k + 1,
                todo.len(),
                crate::clock::clock_seconds(*seconds)
            ));
            let started = Instant::now();
            let transcript = engine
                .transcribe_file(&dir.path.join(file))
                .with_context(|| format!("{key} of session {}", dir.id))?;
            if !args.json {
                console.paragraph(format!("    {}", transcript.text));
                console.line(console.dim(&format!(
                    "    {} words in {:.1} s",
                    transcript.words.len(),
                    started.elapsed().as_secs_f64()
                )));
            }
            log.set_transcript(*key, transcript, rules);
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
                    follow_ups: a
                        .follow_ups
                        .iter()
                        .filter_map(|f| {
                            Some(TranscribedReply {
                                number: f.number,
                                file: f.recording.file.as_deref()?,
                                transcript: f.recording.transcript.as_ref()?,
                            })
                        })
                        .collect(),
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

/// "2 answers", "1 answer and 1 follow-up reply": what is to be transcribed.
fn what(todo: &[(RecordingKey, String, f64)]) -> String {
    let replies = todo.iter().filter(|(k, ..)| k.follow_up.is_some()).count();
    let answers = todo.len() - replies;
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    match (answers, replies) {
        (a, 0) => count(a, "answer", "answers"),
        (0, r) => count(r, "follow-up reply", "follow-up replies"),
        (a, r) => format!(
            "{} and {}",
            count(a, "answer", "answers"),
            count(r, "follow-up reply", "follow-up replies")
        ),
    }
}
