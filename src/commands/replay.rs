//! `mockview replay SESSION [N...]`: each answer after its question, played
//! through the output device with a progress bar and keys (the loop is
//! `crate::listener`'s), and a caption of the words as they are spoken when
//! the answer has a transcript.

use super::listening::{
    cues_of, follow_up_files, play_request, show_follow_up, show_question, take_file,
};
use super::{Interrupted, UsageError};
use crate::audio;
use crate::cli::ReplayArgs;
use crate::config::Settings;
use crate::listener::{Listener, Played};
use crate::session::{Answer, SessionStore};
use crate::ui::{Console, Interrupt, KeySource};
use anyhow::{Context, Result};

pub fn run(store: &SessionStore, args: ReplayArgs, settings: &Settings) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;
    let dir = store.resolve(&args.session)?;
    let session = dir.load()?;
    for n in &args.answers {
        if !session.answers.iter().any(|a| a.number == *n) {
            return Err(UsageError(format!(
                "session {} has no answer {n} (it has {})",
                session.id,
                session.answers.len()
            ))
            .into());
        }
    }
    let chosen: Vec<&Answer> = session
        .answers
        .iter()
        .filter(|a| args.answers.is_empty() || args.answers.contains(&a.number))
        .collect();
    if chosen.is_empty() {
        console.line(format!("session {} has no answers", session.id));
        return Ok(());
    }
    // Check every file before the first sound: a missing one is an error
    // now, not after minutes of listening.
    let mut files = Vec::new();
    let mut replies = Vec::new();
    for a in &chosen {
        // Follow-ups belong with the final take, not with an earlier one.
        replies.push(if args.take.is_none() {
            follow_up_files(&dir.path, a)?
        } else {
            Vec::new()
        });
        files.push(
            if a.recording.file.is_some() || args.take.is_some() && !a.takes.is_empty() {
                Some(take_file(&dir.path, a, args.take)?)
            } else {
                None
            },
        );
    }
    let device = audio::find_output(settings.output_device.value.as_deref())?;
    let keys = KeySource::new(interrupt.clone());
    console.line(format!(
        "Session {} · {} answer{} · playing on {}",
        session.id,
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        device.id
    ));
    if keys.is_terminal() {
        console.line(console.dim("keys: space pause · ←/→ 5 s · n next · q quit · Ctrl-C stop"));
    } else {
        console.line(
            console.dim("keys (one per line): space pause · left/right 5 s · n next · q quit"),
        );
    }
    let mut listener = Listener {
        console,
        use_keys: true,
        keys,
        interrupt,
        device,
        request: play_request(&args.output),
    };
    let mut speak_it = settings.speak.value;
    let total = session.answers.len();
    for ((a, file), replies) in chosen.iter().zip(files).zip(replies) {
        show_question(&console, a, total, &mut speak_it, &listener.interrupt);
        let Some(file) = file else {
            console.line(format!(
                "(answer {} was {}; nothing to play)",
                a.number,
                a.recording.status.as_str()
            ));
            continue;
        };
        // The transcript and the comments are of the final take only.
        let (words, cues) = match args.take {
            None => (a.recording.words(), cues_of(a, None)),
            Some(_) => (&[][..], Vec::new()),
        };
        match listener.play_take_with(&file, words, &cues)? {
            Played::Done | Played::Next => {}
            Played::Quit => break,
            Played::Interrupted => return Err(Interrupted.into()),
        }
        for (f, reply) in replies {
            show_follow_up(&console, f, &mut speak_it, &listener.interrupt);
            let cues = cues_of(a, Some(f.number));
            match listener.play_take_with(&reply, f.recording.words(), &cues)? {
                Played::Done | Played::Next => {}
                Played::Quit => return Ok(()),
                Played::Interrupted => return Err(Interrupted.into()),
            }
        }
    }
    Ok(())
}
