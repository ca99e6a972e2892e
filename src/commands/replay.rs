//! `mockview replay SESSION [N...]`: each answer after its question, played
//! through the output device with a progress bar and keys, and, when the
//! answer has a transcript, a caption of the words as they are spoken. Also
//! the playback loop that `review` uses (`play_take`).

use super::{Interrupted, UsageError};
use crate::audio::{self, OutputDevice, PlayRequest, Player};
use crate::cli::{OutputArgs, ReplayArgs};
use crate::session::{Answer, SessionStore};
use crate::transcript::Word;
use crate::ui::{caption, sentences, speak, Console, Interrupt, Key, KeySource};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(20);
/// What ←/→ move by.
const SEEK_SECONDS: f64 = 5.0;
/// Past the announced end, give the device this long before giving up on it.
const END_GRACE: Duration = Duration::from_secs(3);
/// Characters of the caption on a terminal: the last words said.
const CAPTION_WIDTH: usize = 60;

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
        self.play_take_with_words(path, &[])
    }

    /// Play `path` with a caption of `words` (its transcript) in sync with
    /// the playback position: the last words said in the bar on a terminal;
    /// piped, one `» ` line per sentence once its last word starts playing.
    pub fn play_take_with_words(&mut self, path: &Path, words: &[Word]) -> Result<Played> {
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
        let lines = sentences(words);
        let mut said = 0;
        // Piped: the sentences whose last word has started by `at`, once each.
        let mut print_said = |at: f64| {
            while let Some((start, text)) = lines.get(said).filter(|(s, _)| *s <= at) {
                c.line(format!("» {start:.1} s  {text}"));
                said += 1;
            }
        };
        player.play()?;
        let result = loop {
            let at = player.position().as_secs_f64();
            if !words.is_empty() {
                if c.is_interactive() {
                    if !player.is_paused() {
                        bar.set_message(caption(words, at, CAPTION_WIDTH));
                    }
                } else {
                    print_said(at);
                }
            }
            if player.finished() {
                if !c.is_interactive() {
                    print_said(f64::INFINITY);
                }
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
    // The log names files inside its folder; never follow it anywhere else.
    if name.contains('/') || name.contains('\\') || name.starts_with('.') {
        anyhow::bail!(
            "answer {}: `{name}` is not a file name in the session folder",
            answer.number
        );
    }
    let path = session_dir.join(&name);
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

pub fn run(store: &SessionStore, args: ReplayArgs) -> Result<()> {
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
    for a in &chosen {
        files.push(
            if a.file.is_some() || args.take.is_some() && !a.takes.is_empty() {
                Some(take_file(&dir.path, a, args.take)?)
            } else {
                None
            },
        );
    }
    let device = audio::find_output(args.device.as_deref())?;
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
    let mut speak_it = args.speak;
    let total = session.answers.len();
    for (a, file) in chosen.iter().zip(files) {
        show_question(&console, a, total, &mut speak_it);
        let Some(file) = file else {
            console.line(format!(
                "(answer {} was {}; nothing to play)",
                a.number,
                a.status.as_str()
            ));
            continue;
        };
        // The transcript is of the final take only.
        let words = match (&a.transcript, args.take) {
            (Some(t), None) => t.words.as_slice(),
            _ => &[],
        };
        match listener.play_take_with_words(&file, words)? {
            Played::Done | Played::Next => {}
            Played::Quit => break,
            Played::Interrupted => return Err(Interrupted.into()),
        }
    }
    Ok(())
}
