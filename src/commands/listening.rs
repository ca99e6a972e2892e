//! What the commands that play takes (replay, review, mic-check) share
//! around the listening loop (`crate::listener`): the output request from
//! the command line, finding a take's file, showing an answer's question,
//! the reviewers' pinned comments as cues. Not a subcommand.

use super::UsageError;
use crate::audio::PlayRequest;
use crate::cli::OutputArgs;
use crate::listener::Cue;
use crate::session::{Answer, FollowUp};
use crate::ui::{speak, Console, Interrupt};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

pub(super) fn play_request(args: &OutputArgs) -> PlayRequest {
    PlayRequest {
        output_rate: args.output_rate,
    }
}

/// The file of an answer's final take, or of take `k` (1-based) of its `takes`.
pub(super) fn take_file(session_dir: &Path, answer: &Answer, k: Option<u32>) -> Result<PathBuf> {
    let name = match k {
        None => answer.recording.file.clone(),
        Some(k) => match answer.takes.get(k as usize - 1) {
            Some(t) => Some(t.clone()),
            None => {
                return Err(UsageError(format!(
                    "answer {} has {} take(s); there is no take {k}",
                    answer.number,
                    answer.takes.len()
                ))
                .into())
            }
        },
    };
    let name = name.with_context(|| format!("answer {} has no recording", answer.number))?;
    session_file(session_dir, answer, &name)
}

/// The replies to an answer's follow-up questions that were recorded, each
/// with its question: played after the answer's final take.
pub(super) fn follow_up_files<'a>(
    session_dir: &Path,
    answer: &'a Answer,
) -> Result<Vec<(&'a FollowUp, PathBuf)>> {
    answer
        .follow_ups
        .iter()
        .filter(|f| f.is_recorded())
        .map(|f| {
            let name = f.recording.file.as_deref().unwrap_or_default();
            Ok((f, session_file(session_dir, answer, name)?))
        })
        .collect()
}

/// The comments the answer's reviewers pinned on one of its recordings
/// (`None`: the final take; `Some(k)`: follow-up `k`'s reply), in time
/// order, as cues for the listener: "Kim: here you lost me", inert.
pub(super) fn cues_of(answer: &Answer, follow_up: Option<u32>) -> Vec<Cue> {
    let inert = crate::ui::inert;
    let mut cues: Vec<Cue> = answer
        .reviews
        .iter()
        .flat_map(|r| {
            r.comments_on(follow_up).map(move |c| Cue {
                seconds: c.seconds,
                text: format!(
                    "{}: {}",
                    inert(&r.reviewer),
                    inert(&c.text).replace('\n', " ")
                ),
            })
        })
        .collect();
    cues.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    cues
}

/// Show a follow-up question before its reply (and speak it).
pub(super) fn show_follow_up(
    c: &Console,
    f: &FollowUp,
    speak_it: &mut bool,
    interrupt: &Interrupt,
) {
    let heading = format!("Follow-up {}", f.number);
    show_prompt(c, &heading, &f.text, speak_it, interrupt);
}

/// A recording the log names for `answer`, checked to be a file in the
/// session folder.
fn session_file(session_dir: &Path, answer: &Answer, name: &str) -> Result<PathBuf> {
    // The log names files inside its folder; never follow it anywhere else.
    if !crate::session::is_plain_file_name(name) {
        anyhow::bail!(
            "answer {}: `{name}` is not a file name in the session folder",
            answer.number
        );
    }
    let path = session_dir.join(name);
    if !path.is_file() {
        anyhow::bail!("recording not found: {}", path.display());
    }
    Ok(path)
}

/// Show the question of an answer (and speak it).
pub(super) fn show_question(
    c: &Console,
    answer: &Answer,
    of: usize,
    speak_it: &mut bool,
    interrupt: &Interrupt,
) {
    c.line("");
    let heading = format!(
        "Answer {} of {of} · {}",
        answer.number,
        crate::questions::category_title(&answer.question.category)
    );
    show_prompt(c, &heading, &answer.question.text, speak_it, interrupt);
}

/// What is asked before a recording plays, an answer's question or a
/// follow-up, the same way: a bold heading, the text, and the voice (which
/// goes quiet for the rest of the run once it fails).
fn show_prompt(c: &Console, heading: &str, text: &str, speak_it: &mut bool, interrupt: &Interrupt) {
    c.line(c.bold(heading));
    c.line(text);
    if *speak_it {
        if let Err(e) = speak(text, || interrupt.requested()) {
            c.warn(format!("cannot speak the question: {e}"));
            *speak_it = false;
        }
    }
}
