//! `mockview replay SESSION [N...]`: each answer after its question, played
//! through the output device with a progress bar and keys. Also the playback
//! loop that `review` uses (`play_take`).

use super::{Interrupted, UsageError};
use crate::audio::{self, OutputDevice, PlayRequest, Player};
use crate::cli::{OutputArgs, ReplayArgs};
use crate::config::Settings;
use crate::session::{Answer, FollowUp, SessionStore};
use crate::ui::{speak, Console, Interrupt, Key, KeySource};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(20);
/// What ←/→ move by.
const SEEK_SECONDS: f64 = 5.0;
/// Past the announced end, give the device this long before giving up on it.
const END_GRACE: Duration = Duration::from_secs(3);

/// How playing one take ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Played {
    /// Played to the end.
    Done,
    /// `n`: on to the next answer.
    Next,
    /// `q`: stop here.
    Quit,
    Interrupted,
}

/// The output side of a command that plays takes.
pub(super) struct Listener {
    pub console: Console,
    pub keys: KeySource,
    pub interrupt: Interrupt,
    /// Read keys while playing (off for `review` without a terminal, where
    /// stdin lines are the answers to its prompts).
    pub use_keys: bool,
    pub device: OutputDevice,
    pub request: PlayRequest,
}

pub(super) fn play_request(args: &OutputArgs) -> PlayRequest {
    PlayRequest {
        output_rate: args.output_rate,
    }
}

impl Listener {
    /// Play `path` to the end, or until a key ends it.
    pub fn play_take(&mut self, path: &Path) -> Result<Played> {
        let c = self.console;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let mut player = Player::open(&self.device, path, &self.request)?;
        let total = player.duration();
        if !c.is_interactive() {
            let fmt = player.format();
            let resampled = if fmt.resampled {
                format!(", resampled from {} Hz", fmt.file_rate)
            } else {
                String::new()
            };
            c.line(format!(
                "playing {name} ({}) on {} at {} Hz{resampled}",
                crate::clock::clock(total),
                self.device.id,
                fmt.sample_rate
            ));
        }
        let _raw = self.use_keys.then(|| self.keys.raw_mode());
        let bar = c.timer_bar(Some(total.as_millis() as u64), "▶ play");
        let help = "space pause · ←/→ 5 s · n next · q quit";
        bar.set_message(help);
        player.play()?;
        let result = loop {
            if player.finished() {
                break Played::Done;
            }
            if let Some(e) = player.error() {
                bar.finish_and_clear();
                anyhow::bail!("playback of {name} failed: {e}");
            }
            // A device that stops asking for audio would leave us waiting forever.
            if let Some(end) = player.ends_at() {
                if Instant::now() > end + END_GRACE {
                    break Played::Done;
                }
            }
            bar.set_position(player.position().as_millis() as u64);
            let key = if self.use_keys {
                self.keys.poll(POLL).map(|(k, _)| k)
            } else {
                std::thread::sleep(POLL);
                self.interrupt.requested().then_some(Key::Interrupt)
            };
            // Nobody is left to un-pause a script that ended while paused.
            if key.is_none() && player.is_paused() && self.keys.at_eof() {
                player.set_paused(false);
                bar.set_message(help);
            }
            match key {
                Some(Key::Space) => {
                    let paused = player.toggle_pause();
                    bar.set_message(if paused {
                        format!("paused · {help}")
                    } else {
                        help.to_string()
                    });
                    if !c.is_interactive() {
                        c.line(if paused { "paused" } else { "playing" });
                    }
                }
                Some(Key::Left) => player.seek_by(-SEEK_SECONDS),
                Some(Key::Right) => player.seek_by(SEEK_SECONDS),
                Some(Key::Char('n')) | Some(Key::Enter) => break Played::Next,
                Some(Key::Char('q')) => break Played::Quit,
                Some(Key::Interrupt) => break Played::Interrupted,
                _ => {}
            }
        };
        bar.finish_and_clear();
        let underruns = player.underruns();
        let position = player.position();
        player.stop();
        if underruns > 0 {
            c.warn(format!(
                "{underruns} gap(s) in playback: the system could not keep up"
            ));
        }
        if !c.is_interactive() {
            c.line(match result {
                Played::Done => format!("played {name} to the end"),
                _ => format!("stopped at {}", crate::clock::clock(position)),
            });
        }
        Ok(result)
    }
}

/// The file of an answer's final take, or of take `k` (1-based) of its `takes`.
pub(super) fn take_file(session_dir: &Path, answer: &Answer, k: Option<u32>) -> Result<PathBuf> {
    let name = match k {
        None => answer.file.clone(),
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
            let name = f.file.as_deref().unwrap_or_default();
            Ok((f, session_file(session_dir, answer, name)?))
        })
        .collect()
}

/// Show a follow-up question before its reply (and speak it).
pub(super) fn show_follow_up(c: &Console, f: &FollowUp, speak_it: &mut bool) {
    c.line(c.bold(&format!("Follow-up {}", f.number)));
    c.line(&f.text);
    if *speak_it {
        if let Err(e) = speak(&f.text) {
            c.warn(format!("cannot speak the question: {e}"));
            *speak_it = false;
        }
    }
}

/// A recording the log names for `answer`, checked to be a file in the
/// session folder.
fn session_file(session_dir: &Path, answer: &Answer, name: &str) -> Result<PathBuf> {
    // The log names files inside its folder; never follow it anywhere else.
    if name.contains('/') || name.contains('\\') || name.starts_with('.') {
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
pub(super) fn show_question(c: &Console, answer: &Answer, of: usize, speak_it: &mut bool) {
    c.line("");
    c.line(c.bold(&format!(
        "Answer {} of {of} · {}",
        answer.number,
        crate::questions::category_title(&answer.question.category)
    )));
    c.line(&answer.question.text);
    if *speak_it {
        if let Err(e) = speak(&answer.question.text) {
            c.warn(format!("cannot speak the question: {e}"));
            *speak_it = false;
        }
    }
}

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
            if a.file.is_some() || args.take.is_some() && !a.takes.is_empty() {
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
        show_question(&console, a, total, &mut speak_it);
        let Some(file) = file else {
            console.line(format!(
                "(answer {} was {}; nothing to play)",
                a.number,
                a.status.as_str()
            ));
            continue;
        };
        match listener.play_take(&file)? {
            Played::Done | Played::Next => {}
            Played::Quit => break,
            Played::Interrupted => return Err(Interrupted.into()),
        }
        for (f, reply) in replies {
            show_follow_up(&console, f, &mut speak_it);
            match listener.play_take(&reply)? {
                Played::Done | Played::Next => {}
                Played::Quit => return Ok(()),
                Played::Interrupted => return Err(Interrupted.into()),
            }
        }
    }
    Ok(())
}
