//! `mockview analyze SESSION|FILE.wav`: delivery metrics of one WAV file, or
//! of the final take of every recorded answer of a session, with the pause
//! and flag thresholds from the command line; `--save` stores them in the log.
//! An answer with a transcript also gets its content feedback (fillers,
//! hedges, STAR...), recomputed from the stored words.

use super::UsageError;
use crate::analysis::{analyze_wav, AnalysisConfig, FlagThresholds, Metrics};
use crate::cli::AnalyzeArgs;
use crate::content::{Content, ContentRules, ContentThresholds};
use crate::session::{QuestionRef, SessionStore};
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub fn run(store: &SessionStore, args: AnalyzeArgs) -> Result<()> {
    let config = config(&args)?;
    let words = ContentRules {
        thresholds: content_thresholds(&args)?,
        ..ContentRules::load(args.phrases.as_deref())?
    };
    let path = Path::new(&args.target);
    if path.is_file() || has_wav_extension(&args.target) {
        if args.save {
            return Err(UsageError(
                "--save stores metrics in a session log; give a SESSION, not a WAV file".into(),
            )
            .into());
        }
        let metrics = analyze_wav(path, &config)?;
        if args.json {
            super::print_json(&metrics)?;
        } else {
            writeln!(std::io::stdout().lock(), "{}", path.display())?;
            print_metrics(&metrics)?;
        }
        return Ok(());
    }
    session(store, &args, &config, &words)
}

fn content_thresholds(args: &AnalyzeArgs) -> Result<ContentThresholds> {
    let mut t = ContentThresholds::default();
    for (name, value, slot) in [
        ("--max-fillers", args.max_fillers, &mut t.fillers_per_minute),
        ("--max-hedges", args.max_hedges, &mut t.hedges_per_minute),
    ] {
        if let Some(v) = value {
            if !v.is_finite() || v < 0.0 {
                return Err(UsageError(format!("{name} must be a number ≥ 0, not {v}")).into());
            }
            *slot = v;
        }
    }
    Ok(t)
}

/// A SESSION|FILE.wav argument names a file when it ends in `.wav`
/// (`analyze`, `transcribe`), even before the file is known to exist.
pub(super) fn has_wav_extension(s: &str) -> bool {
    Path::new(s)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"))
}

/// The analysis settings from the options; every value must be a finite
/// number of seconds (or words per minute) of at least 0.
fn config(args: &AnalyzeArgs) -> Result<AnalysisConfig> {
    for (name, v) in [
        ("--min-pause", args.min_pause),
        ("--long-pause", args.long_pause),
        ("--max-wpm", args.max_wpm),
        ("--min-wpm", args.min_wpm),
        ("--max-answer", args.max_answer),
        ("--min-answer", args.min_answer),
        ("--max-first-word", args.max_first_word),
        ("--pitch-floor", args.pitch_floor),
        ("--pitch-ceiling", args.pitch_ceiling),
        ("--min-pitch-sd", args.min_pitch_sd),
    ] {
        if !v.is_finite() || v < 0.0 {
            return Err(UsageError(format!("{name} must be a number ≥ 0, not {v}")).into());
        }
    }
    if args.min_wpm > args.max_wpm {
        return Err(UsageError(format!(
            "--min-wpm ({}) is above --max-wpm ({})",
            args.min_wpm, args.max_wpm
        ))
        .into());
    }
    if !(args.pitch_floor > 0.0 && args.pitch_floor < args.pitch_ceiling) {
        return Err(UsageError(format!(
            "--pitch-floor ({}) must be above 0 and below --pitch-ceiling ({})",
            args.pitch_floor, args.pitch_ceiling
        ))
        .into());
    }
    Ok(AnalysisConfig {
        min_pause_seconds: args.min_pause,
        long_pause_seconds: args.long_pause,
        pitch_floor_hz: args.pitch_floor,
        pitch_ceiling_hz: args.pitch_ceiling,
        thresholds: FlagThresholds {
            monotone_sd_semitones: args.min_pitch_sd,
            first_word_seconds: args.max_first_word,
            fast_wpm: args.max_wpm,
            slow_wpm: args.min_wpm,
            long_answer_seconds: args.max_answer,
            short_answer_seconds: args.min_answer,
            ..FlagThresholds::default()
        },
    })
}

#[derive(Serialize)]
struct AnalyzedAnswer<'a> {
    number: u32,
    question: &'a QuestionRef,
    file: &'a str,
    metrics: Option<Metrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Serialize)]
struct AnalyzedSession<'a> {
    session: &'a str,
    answers: Vec<AnalyzedAnswer<'a>>,
}

fn session(
    store: &SessionStore,
    args: &AnalyzeArgs,
    config: &AnalysisConfig,
    words: &ContentRules,
) -> Result<()> {
    let dir = store.resolve(&args.target)?;
    // Hold the lock from reading to saving, so no other writer's change is lost.
    let _lock = if args.save { Some(dir.lock()?) } else { None };
    let mut log = dir.load()?;
    let mut failed = 0;
    let mut answers = Vec::new();
    for a in &log.answers {
        let Some(file) = a.recording.file.as_deref() else {
            continue;
        };
        let (metrics, error) = match analyze_wav(&dir.path.join(file), config) {
            Ok(m) => (Some(m), None),
            Err(e) => {
                failed += 1;
                (None, Some(e.to_string()))
            }
        };
        let speaking = metrics.as_ref().map(|m| m.speaking_seconds);
        let content = a
            .recording
            .transcript
            .as_ref()
            .map(|t| words.apply(&t.words, speaking));
        answers.push(AnalyzedAnswer {
            number: a.number,
            question: &a.question,
            file,
            metrics,
            content,
            error,
        });
    }
    if args.json {
        let doc = AnalyzedSession {
            session: &dir.id,
            answers,
        };
        super::print_json(&doc)?;
        // `doc` borrows the log; take the results back out for --save below.
        if args.save {
            let computed: Vec<Computed> = doc
                .answers
                .into_iter()
                .filter_map(|a| Some((a.number, a.metrics?, a.content)))
                .collect();
            store_metrics(&dir, &mut log, computed)?;
        }
    } else {
        writeln!(
            std::io::stdout().lock(),
            "Session {} · {} recorded answer{}",
            dir.id,
            answers.len(),
            plural(answers.len())
        )?;
        if answers.is_empty() {
            writeln!(
                std::io::stdout().lock(),
                "nothing to analyse: no answer was recorded"
            )?;
        }
        for a in &answers {
            writeln!(std::io::stdout().lock())?;
            writeln!(
                std::io::stdout().lock(),
                "{:>2}. {}",
                a.number,
                a.question.text
            )?;
            writeln!(std::io::stdout().lock(), "    {}", a.file)?;
            match (&a.metrics, &a.error) {
                (Some(m), _) => print_metrics(m)?,
                (None, Some(e)) => writeln!(std::io::stdout().lock(), "    cannot analyse: {e}")?,
                (None, None) => {}
            }
            if let Some(c) = &a.content {
                print_content(c);
            }
        }
        if args.save {
            let computed: Vec<Computed> = answers
                .into_iter()
                .filter_map(|a| Some((a.number, a.metrics?, a.content)))
                .collect();
            store_metrics(&dir, &mut log, computed)?;
            writeln!(
                std::io::stdout().lock(),
                "\nmetrics saved in {}",
                dir.log_path().display()
            )?;
        }
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} answer{} of session {} could not be analysed",
            plural(failed),
            dir.id
        );
    }
    Ok(())
}

/// An answer's number with its recomputed metrics and content.
type Computed = (u32, Metrics, Option<Content>);

fn store_metrics(
    dir: &crate::session::SessionDir,
    log: &mut crate::session::Session,
    computed: Vec<Computed>,
) -> Result<()> {
    for (number, m, content) in computed {
        if let Some(a) = log.answers.iter_mut().find(|a| a.number == number) {
            a.recording.metrics = Some(m);
            a.recording.content = content;
        }
    }
    dir.save(log)
        .with_context(|| format!("cannot save the metrics in session {}", dir.id))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn print_metrics(m: &Metrics) -> std::io::Result<()> {
    for line in m.detail_lines() {
        writeln!(std::io::stdout().lock(), "    {line}")?;
    }
    Ok(())
}

/// The content feedback of an answer with a transcript.
fn print_content(c: &Content) {
    println!("    {}", c.brief());
    for f in &c.flags {
        println!("    - {}", f.message);
    }
}
