//! `mockview analyze SESSION|FILE`: delivery metrics of one audio file (any
//! format `audio::decode` reads, e.g. a phone's m4a), or of the final take
//! of every recorded answer of a session, with the pause and flag
//! thresholds from the command line; `--save` stores them in the log.
//! An answer with a transcript also gets its content feedback (fillers,
//! hedges, STAR...), recomputed from the stored words; a file is
//! transcribed for it when a model is installed (`--no-transcript` skips).

use super::transcription::{chosen_model, load_engine};
use super::UsageError;
use crate::analysis::{analyze_wav, AnalysisConfig, Metrics};
use crate::cli::AnalyzeArgs;
use crate::config::{tune, Settings, Tuned};
use crate::content::{Content, ContentRules};
use crate::session::{Answer, AnswerStatus, QuestionRef, Recording, RecordingKey, SessionStore};
use crate::transcript::Transcript;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

pub fn run(store: &SessionStore, args: AnalyzeArgs, settings: &Settings) -> Result<()> {
    let Tuned {
        analysis: config,
        content,
    } = tune(&args.tunings())?;
    // The word lists (the shipped ones and the user's) are read only where
    // words are judged: a session's stored transcripts, or a file's with a
    // model.
    let words = || -> Result<ContentRules> {
        Ok(ContentRules {
            thresholds: content.clone(),
            ..super::transcription::content_rules(settings)?
        })
    };
    let path = Path::new(&args.target);
    if crate::audio::decode::names_a_file(&args.target) {
        if args.save {
            return Err(UsageError(
                "--save stores metrics in a session log; give a SESSION, not a file".into(),
            )
            .into());
        }
        return file(path, &args, settings, &config, words);
    }
    if args.no_transcript {
        return Err(UsageError(
            "--no-transcript is for a file; a session's answers use their stored transcripts"
                .into(),
        )
        .into());
    }
    session(store, &args, &config, &words()?)
}

/// What `analyze FILE --json` prints: the metrics' fields at the top (as
/// before transcripts), and the transcript and its content feedback when
/// the file was transcribed.
#[derive(Serialize)]
struct FileAnalysis {
    #[serde(flatten)]
    metrics: Metrics,
    #[serde(skip_serializing_if = "Option::is_none")]
    transcript: Option<Transcript>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content>,
}

/// One audio file: the delivery metrics, and with a model installed (and
/// no `--no-transcript`) its words and their feedback. The file is opened
/// (and refused) before any model is looked for, and the model and phrase
/// file are checked before the audio is decoded. A file has no question: it is
/// judged as a story answer, the kind behavioural interviews ask for.
fn file(
    path: &Path,
    args: &AnalyzeArgs,
    settings: &Settings,
    config: &AnalysisConfig,
    words: impl FnOnce() -> Result<ContentRules>,
) -> Result<()> {
    // A file that is no audio is refused first; then a wrong --model or
    // phrase file, before an hour of audio is decoded for nothing.
    crate::audio::decode::AudioFile::open(path)?;
    let model = if args.no_transcript {
        None
    } else {
        chosen_model(&settings.model)?
    };
    let words = model.as_ref().map(|_| words()).transpose()?;
    let metrics = analyze_wav(path, config)?;
    let mut r = Recording::new(AnswerStatus::Recorded);
    let spoke = metrics.speaking_seconds > 0.0;
    r.metrics = Some(metrics);
    let mut unheard = false;
    if let (Some(model), Some(words)) = (model, &words) {
        let transcript = load_engine(&model)?
            .transcribe_file(path)
            .with_context(|| format!("cannot transcribe {}", path.display()))?;
        // No words where speech was heard is the engine failing, not an
        // answer without a situation or a result: no verdicts on it.
        unheard = transcript.words.is_empty() && spoke;
        r.transcript = Some(transcript);
        if !unheard {
            r.update_content_under(words, true, &config.thresholds);
        }
    }
    let doc = FileAnalysis {
        metrics: r.metrics.take().unwrap_or_default(),
        transcript: r.transcript,
        content: r.content,
    };
    if args.json {
        return super::print_json(&doc);
    }
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", path.display())?;
    for line in doc.metrics.detail_lines() {
        writeln!(out, "    {line}")?;
    }
    if let (Some(t), Some(c)) = (&doc.transcript, &doc.content) {
        writeln!(out, "    “{}”", t.text)?;
        print_content(&mut out, c, "    ")?;
    } else if unheard {
        writeln!(
            out,
            "    the model heard no words in this speech: no content feedback (a larger model may, see `mockview model list`)"
        )?;
    } else if !args.no_transcript {
        // Why there is no content feedback, unless it was turned off.
        writeln!(out, "    {}", super::transcription::NO_MODEL_HINT)?;
    }
    Ok(())
}

/// The content line and its flags, as `analyze` prints them everywhere.
fn print_content(out: &mut impl Write, c: &Content, indent: &str) -> std::io::Result<()> {
    writeln!(out, "{indent}{}", c.brief())?;
    for f in &c.flags {
        writeln!(out, "{indent}- {}", f.message)?;
    }
    Ok(())
}

/// What analysis found in one recording of the log: an answer's final take
/// or a follow-up's reply.
#[derive(Serialize)]
struct Analyzed {
    file: String,
    metrics: Option<Metrics>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

impl Analyzed {
    /// The recording's metrics from its WAV in `dir`, and its content from
    /// its stored transcript (STAR feedback if `story`); `None` when it has
    /// no file.
    fn of(
        dir: &Path,
        r: &Recording,
        story: bool,
        config: &AnalysisConfig,
        words: &ContentRules,
    ) -> Option<Analyzed> {
        let file = r.file.clone()?;
        let (metrics, error) = match analyze_wav(&dir.join(&file), config) {
            Ok(m) => (Some(m), None),
            Err(e) => (None, Some(e.to_string())),
        };
        // The stored words give the content and, in the fresh metrics, the
        // one pace and the statement ends.
        let mut fresh = Recording {
            metrics,
            ..r.clone()
        };
        fresh.update_content_under(words, story, &config.thresholds);
        Some(Analyzed {
            file,
            metrics: fresh.metrics,
            content: fresh.content,
            error,
        })
    }

    /// `--save`: what was computed replaces what the log held; a recording
    /// that could not be analysed keeps its old values.
    fn store(&self, r: &mut Recording) {
        if let Some(m) = &self.metrics {
            r.metrics = Some(m.clone());
            r.content = self.content.clone();
        }
    }

    fn print(&self, out: &mut impl Write, indent: &str) -> std::io::Result<()> {
        writeln!(out, "{indent}{}", self.file)?;
        match (&self.metrics, &self.error) {
            (Some(m), _) => {
                for line in m.detail_lines() {
                    writeln!(out, "{indent}{line}")?;
                }
            }
            (None, Some(e)) => writeln!(out, "{indent}cannot analyse: {e}")?,
            (None, None) => {}
        }
        if let Some(c) = &self.content {
            print_content(out, c, indent)?;
        }
        Ok(())
    }
}

/// One analysed recording: an answer's final take (with its `question` and
/// the replies to its follow-ups) or a reply (with its follow-up's `text`).
/// One type, so a reply is analysed, printed and stored like an answer.
#[derive(Serialize)]
struct AnalyzedRecording {
    number: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    question: Option<QuestionRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(flatten)]
    result: Analyzed,
    /// The replies to follow-up questions, analysed like the answer.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    follow_ups: Vec<AnalyzedRecording>,
    /// Which recording of the log it is.
    #[serde(skip)]
    key: RecordingKey,
}

impl AnalyzedRecording {
    /// The analysed recordings of `a` (its final take with its replies), or
    /// `None` when its final take has no file.
    fn of(
        dir: &Path,
        a: &Answer,
        config: &AnalysisConfig,
        words: &ContentRules,
    ) -> Option<AnalyzedRecording> {
        let mut recordings = a.recordings().filter_map(|(key, r)| {
            let result = Analyzed::of(dir, r, a.asks_story(key.follow_up), config, words)?;
            let text = key.follow_up.and_then(|k| {
                let f = a.follow_ups.iter().find(|f| f.number == k)?;
                Some(f.text.clone())
            });
            Some(AnalyzedRecording {
                number: key.follow_up.unwrap_or(a.number),
                question: key.follow_up.is_none().then(|| a.question.clone()),
                text,
                result,
                follow_ups: Vec::new(),
                key,
            })
        });
        let mut answer = recordings.next().filter(|r| r.key.follow_up.is_none())?;
        answer.follow_ups = recordings.collect();
        Some(answer)
    }

    fn recordings(&self) -> impl Iterator<Item = &AnalyzedRecording> {
        std::iter::once(self).chain(&self.follow_ups)
    }
}

#[derive(Serialize)]
struct AnalyzedSession<'a> {
    session: &'a str,
    answers: Vec<AnalyzedRecording>,
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
    let answers: Vec<AnalyzedRecording> = log
        .answers
        .iter()
        .filter_map(|a| AnalyzedRecording::of(&dir.path, a, config, words))
        .collect();
    let failed = answers
        .iter()
        .flat_map(AnalyzedRecording::recordings)
        .filter(|r| r.result.metrics.is_none())
        .count();
    let doc = AnalyzedSession {
        session: &dir.id,
        answers,
    };
    if args.json {
        super::print_json(&doc)?;
    } else {
        print_session(&doc)?;
    }
    if args.save {
        for r in doc.answers.iter().flat_map(AnalyzedRecording::recordings) {
            let answer = log.answers.iter_mut().find(|a| a.number == r.key.answer);
            if let Some(stored) = answer.and_then(|a| a.recording_mut(r.key.follow_up)) {
                r.result.store(stored);
            }
        }
        dir.save(&log)
            .with_context(|| format!("cannot save the metrics in session {}", dir.id))?;
        if !args.json {
            writeln!(
                std::io::stdout().lock(),
                "\nmetrics saved in {}",
                dir.log_path().display()
            )?;
        }
    }
    if failed > 0 {
        anyhow::bail!(
            "{failed} recording{} of session {} could not be analysed",
            plural(failed),
            dir.id
        );
    }
    Ok(())
}

fn print_session(doc: &AnalyzedSession) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    let n = doc.answers.len();
    writeln!(
        out,
        "Session {} · {n} recorded answer{}",
        doc.session,
        plural(n)
    )?;
    if n == 0 {
        writeln!(out, "nothing to analyse: no answer was recorded")?;
    }
    for a in &doc.answers {
        writeln!(out)?;
        let question = a.question.as_ref().map_or("", |q| q.text.as_str());
        writeln!(out, "{:>2}. {question}", a.number)?;
        a.result.print(&mut out, "    ")?;
        for f in &a.follow_ups {
            let text = f.text.as_deref().unwrap_or_default();
            writeln!(out, "    Follow-up {}: {text}", f.number)?;
            f.result.print(&mut out, "      ")?;
        }
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
