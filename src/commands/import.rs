//! `mockview import FILE`: what the file is decides what importing it
//! means, here and nowhere else ([`kind`]): a zip made by `export` becomes
//! a new session or merges its reviews into the local copy; a review file
//! saved from a shared page (JSON) is merged into its session; a recording
//! made elsewhere (`--question ID`: a phone's voice memo, any format
//! `audio::decode` reads) becomes the answer of a new session, converted
//! to WAV like a take, so replay, review, report and stats see it.

use super::transcription::{chosen_model, load_engine};
use super::UsageError;
use crate::analysis::{AnalysisConfig, Analyzer};
use crate::archive::{self, Imported, Limits};
use crate::audio::decode::AudioFile;
use crate::cli::ImportArgs;
use crate::config::Settings;
use crate::questions::{self, Question};
use crate::session::{
    Answer, AnswerStatus, ImportedFrom, QuestionRef, RecordingKey, Session, SessionDir,
    SessionStatus, SessionStore, TakeName,
};
use anyhow::{Context, Result};
use std::io::{Read, Write};
use std::path::Path;

/// What a file given to `import` is, told from its first bytes, not its
/// name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ImportKind {
    /// A zip: a session archive from `export`.
    Archive,
    /// JSON: a review file saved from a shared page.
    Json,
    /// Anything else is taken for a recording; the decoder refuses what
    /// is not audio.
    Recording,
}

/// The kind of `file` from its first bytes: zip archives start with a
/// local file header (`PK\x03\x04`, or `PK\x05\x06` when empty), JSON with
/// `{` after any white space (or the file is named `.json`).
fn kind(file: &Path) -> Result<ImportKind> {
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(file)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .with_context(|| format!("cannot read {}", file.display()))?;
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(ImportKind::Archive);
    }
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    // A `.json` that is not JSON is a damaged review file, and gets the
    // review file's error rather than "which question?".
    let named_json = file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"));
    if named_json || text.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        return Ok(ImportKind::Json);
    }
    Ok(ImportKind::Recording)
}

pub fn run(store: &SessionStore, args: &ImportArgs, settings: &Settings) -> Result<()> {
    let file = args.file.as_path();
    // The settings first: a bad one is a usage error whatever the file.
    let limits = Limits::from_env().map_err(UsageError)?;
    match (kind(file)?, &args.question) {
        (ImportKind::Archive, None) => archive_file(store, file, limits),
        (ImportKind::Recording, Some(id)) => recording(store, args, id, settings),
        (ImportKind::Archive, Some(_)) => Err(UsageError(format!(
            "{} is a session archive; --question is for a recording",
            file.display()
        ))
        .into()),
        (ImportKind::Recording, None) => Err(UsageError(format!(
            "{}: say which question the recording answers with --question ID (see `mockview questions`)",
            file.display()
        ))
        .into()),
        (ImportKind::Json, None) => review(store, file),
        (ImportKind::Json, Some(_)) => Err(UsageError(format!(
            "{} is a review file; --question is for a recording",
            file.display()
        ))
        .into()),
    }
}

/// A zip made by `export`: a new session, or its reviews merged.
fn archive_file(store: &SessionStore, file: &Path, limits: Limits) -> Result<()> {
    match archive::import(store, file, limits)? {
        Imported::Added { id, path, files } => {
            writeln!(
                std::io::stdout().lock(),
                "imported session {id} into {} ({files} files)",
                path.display()
            )?;
        }
        Imported::Merged {
            id,
            reviews,
            unmatched,
        } => {
            if unmatched > 0 {
                crate::ui::stderr_line(format!(
                    "warning: {unmatched} reviews in {} are on answers that session {id} does not have here; not merged",
                    file.display()
                ));
            }
            writeln!(
                std::io::stdout().lock(),
                "merged {reviews} review{} from {} into session {id}",
                if reviews == 1 { "" } else { "s" },
                file.display()
            )?;
            // A report written before the merge would not show the new
            // reviews: write it again.
            let dir = store
                .dir_for(&id)
                .filter(|d| d.path.join(crate::session::REPORT_FILE).is_file());
            if let (true, Some(dir)) = (reviews > 0, dir) {
                let written = crate::report::write(store, &dir, None, false)?;
                for w in &written.warnings {
                    crate::ui::stderr_line(format!("warning: {w}"));
                }
                writeln!(std::io::stdout().lock(), "wrote {}", written.path.display())?;
            }
        }
    }
    Ok(())
}

/// A review file from a shared page: merged, then the report rewritten if
/// the session has one (it shows the reviews and their comments).
fn review(store: &SessionStore, file: &Path) -> Result<()> {
    let r = crate::session::review_file::import(store, file)?;
    let mut out = std::io::stdout().lock();
    let who = crate::ui::inert(&r.reviewer);
    if r.added == 0 {
        writeln!(
            out,
            "{}: {who}'s review is already in session {}; nothing added",
            file.display(),
            r.session
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "merged {who}'s review of {} answer{} from {} into session {}",
        r.added,
        if r.added == 1 { "" } else { "s" },
        file.display(),
        r.session
    )?;
    let dir = store
        .dir_for(&r.session)
        .filter(|d| d.path.join(crate::session::REPORT_FILE).is_file());
    if let Some(dir) = dir {
        let written = crate::report::write(store, &dir, None, false)?;
        for w in &written.warnings {
            crate::ui::stderr_line(format!("warning: {w}"));
        }
        writeln!(out, "wrote {}", written.path.display())?;
    }
    Ok(())
}

/// Removes a session folder being made unless it is finished: an import
/// that fails leaves nothing behind.
struct Unfinished<'a>(Option<&'a SessionDir>);

impl Drop for Unfinished<'_> {
    fn drop(&mut self) {
        if let Some(dir) = self.0 {
            let _ = std::fs::remove_dir_all(&dir.path);
        }
    }
}

/// A recording made elsewhere becomes answer 1 of a new session: the
/// question and the file are checked first (nothing is made for a wrong
/// id, a file that is no audio or a codec not read); then one pass decodes
/// it into the session's WAV and the analysis; the log is saved complete;
/// then, with a model installed, the answer is transcribed as `practice`
/// would.
fn recording(store: &SessionStore, args: &ImportArgs, id: &str, settings: &Settings) -> Result<()> {
    let banks = questions::resolve_banks(&args.bank.banks)?;
    let question: &Question = questions::find(&banks, id).map_err(|e| UsageError(e.to_string()))?;
    let model = if args.no_transcript {
        None
    } else {
        chosen_model(&settings.model)?
    };
    // The word lists only judge a transcript: read (and checked, before
    // anything is made) only when there will be one.
    let rules = model
        .as_ref()
        .map(|_| super::transcription::content_rules(settings))
        .transpose()?;
    let mut audio = AudioFile::open(&args.file)?;
    let format = audio.format().clone();

    let started = jiff::ZonedDateTime::now();
    let dir = store
        .create(&started.strftime("%Y%m%d-%H%M%S").to_string())
        .with_context(|| format!("cannot create a session in {}", store.root().display()))?;
    let mut guard = Unfinished(Some(&dir));
    let _lock = dir.lock()?;
    let take = TakeName::final_take(1, questions::slugify(&question.id)).to_string();
    let rate = audio.rate();
    let mut analyzer = Analyzer::new(rate, AnalysisConfig::default());
    let frames = audio.write_wav(&dir.path.join(&take), |block| analyzer.push(block))?;
    let mut answer = Answer::new(
        1,
        QuestionRef {
            id: question.id.clone(),
            text: question.text.clone(),
            category: question.category.clone(),
            story: question.story,
        },
        AnswerStatus::Recorded,
    )
    .with_take(take.clone(), frames, rate);
    answer.recording.metrics = Some(analyzer.finish());
    let mut log = Session::new(
        dir.id.clone(),
        started.timestamp(),
        crate::session::Settings::default(),
    );
    log.imported_from = Some(ImportedFrom {
        file: args
            .file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        container: format.container.clone(),
        codec: format.codec.clone(),
        channels: format.channels,
        sample_rate: format.sample_rate,
    });
    log.answers.push(answer);
    log.status = SessionStatus::Completed;
    log.ended_at = Some(jiff::Timestamp::now());
    dir.save(&log)
        .with_context(|| format!("cannot save session {}", dir.id))?;
    guard.0 = None;

    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "imported {} ({} in {}, {} Hz, {} ch, {}) as session {}, answer 1: {}",
        args.file.display(),
        format.codec,
        format.container,
        format.sample_rate,
        format.channels,
        crate::clock::clock_seconds(frames as f64 / f64::from(rate.max(1))),
        dir.id,
        question.text
    )?;
    if let (Some(model), Some(rules)) = (model, &rules) {
        let transcribed = load_engine(&model).and_then(|engine| {
            engine
                .transcribe_file(&dir.path.join(&take))
                .map_err(anyhow::Error::from)
        });
        match transcribed {
            Ok(transcript) => {
                log.set_transcript(RecordingKey::answer(1), transcript, rules);
                dir.save(&log)
                    .with_context(|| format!("cannot save the transcript in session {}", dir.id))?;
            }
            Err(e) => crate::ui::stderr_line(format!(
                "warning: not transcribed: {e:#} (`mockview transcribe {}` can try again)",
                dir.id
            )),
        }
    }
    let recording = &log.answers[0].recording;
    if let Some(m) = &recording.metrics {
        writeln!(out, "    {}", m.brief())?;
    }
    if let Some(c) = &recording.content {
        writeln!(out, "    {}", c.brief())?;
    }
    writeln!(out, "    folder {}", dir.path.display())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bytes_say_what_a_file_is() {
        let dir = tempfile::tempdir().unwrap();
        let cases: [(&str, &[u8], ImportKind); 5] = [
            ("a.zip", b"PK\x03\x04rest", ImportKind::Archive),
            ("empty.zip", b"PK\x05\x06\0\0", ImportKind::Archive),
            (
                "r.json",
                b"\xef\xbb\xbf\n  {\"format\": 1}",
                ImportKind::Json,
            ),
            ("memo.m4a", b"\0\0\0\x20ftypM4A ", ImportKind::Recording),
            // Named like an archive, but it is not one.
            ("notes.zip", b"hello", ImportKind::Recording),
        ];
        for (name, bytes, want) in cases {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            assert_eq!(kind(&path).unwrap(), want, "{name}");
        }
        assert!(kind(&dir.path().join("missing.zip")).is_err());
    }
}
