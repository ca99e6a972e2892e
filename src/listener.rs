//! The listening loop that replay, review and mic-check share: play one
//! take through `audio` with a progress bar and keys from `ui`, until it
//! ends or a key ends it, with a caption of the take's words when it has a
//! transcript, and cues (a reviewer's pinned comments) printed as playback
//! reaches them. Commands decide what to play and what comes next.

use crate::audio::{OutputDevice, PlayRequest, Player};
use crate::transcript::Word;
use crate::ui::{caption, sentences, Console, Interrupt, Key, KeySource};
use anyhow::Result;
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const POLL: Duration = Duration::from_millis(20);
/// What ←/→ move by.
const SEEK_SECONDS: f64 = 5.0;
/// Past the announced end, give the device this long before giving up on it.
const END_GRACE: Duration = Duration::from_secs(3);
/// A playing stream whose position has not moved for this long has stopped
/// (the device took no audio: its errors were not glitches after all).
/// Generous: the first period can take ~0.5 s, and a busy machine more.
const STALL: Duration = Duration::from_secs(5);
/// Characters of the caption on a terminal: the last words said.
const CAPTION_WIDTH: usize = 60;

/// How playing one take ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Played {
    /// Played to the end.
    Done,
    /// `n`: on to the next answer.
    Next,
    /// `q`: stop here.
    Quit,
    Interrupted,
}

/// A line printed when playback reaches `seconds`: a comment a reviewer
/// pinned to that moment. The text must already be inert for the terminal.
#[derive(Debug, Clone, PartialEq)]
pub struct Cue {
    pub seconds: f64,
    pub text: String,
}

/// The output side of a command that plays takes.
pub struct Listener {
    pub console: Console,
    pub keys: KeySource,
    pub interrupt: Interrupt,
    /// Read keys while playing (off for `review` without a terminal, where
    /// stdin lines are the answers to its prompts).
    pub use_keys: bool,
    pub device: OutputDevice,
    pub request: PlayRequest,
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
        self.play_take_with(path, words, &[])
    }

    /// [`Self::play_take_with_words`], also printing each of `cues` (in
    /// time order) once, as playback reaches its moment; those a skip
    /// jumped over are printed then, so none is missed.
    pub fn play_take_with(&mut self, path: &Path, words: &[Word], cues: &[Cue]) -> Result<Played> {
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
        let mut cued = 0;
        let print_cues = |at: f64, cued: &mut usize| {
            while let Some(cue) = cues.get(*cued).filter(|q| q.seconds <= at) {
                let line = format!(
                    "@ {}  {}",
                    crate::clock::clock_tenths(cue.seconds),
                    cue.text
                );
                if c.is_interactive() {
                    bar.println(line);
                } else {
                    c.line(line);
                }
                *cued += 1;
            }
        };
        player.play()?;
        let mut moved = (player.position_frames(), Instant::now());
        // For MOCKVIEW_TIMING (the desktop tests): when the player expects
        // the last sound, so a test can hold it against the sink's monitor.
        let mut trace_end = std::env::var_os("MOCKVIEW_TIMING").is_some();
        let result = loop {
            if let (true, Some(end)) = (trace_end, player.ends_at()) {
                trace_end = false;
                let left = end.saturating_duration_since(Instant::now());
                // Not eprintln!: a closed stderr must not end playback.
                let _ = writeln!(
                    std::io::stderr(),
                    "timing: sound_ends_in_ms={} latency_ms={}",
                    left.as_millis(),
                    player.latency().as_millis()
                );
            }
            let at = player.position().as_secs_f64();
            print_cues(at, &mut cued);
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
                print_cues(f64::INFINITY, &mut cued);
                break Played::Done;
            }
            if let Some(e) = player.error() {
                bar.finish_and_clear();
                anyhow::bail!("playback of {name} failed: {e}");
            }
            let position = player.position_frames();
            if position != moved.0 || player.is_paused() || player.ends_at().is_some() {
                moved = (position, Instant::now());
            } else if moved.1.elapsed() > STALL {
                bar.finish_and_clear();
                let why = player
                    .last_glitch()
                    .unwrap_or_else(|| "it took no audio".to_string());
                anyhow::bail!(
                    "playback of {name} stopped: the device {} played nothing for {} s ({why})",
                    self.device.id,
                    STALL.as_secs()
                );
            }
            // A device that stops asking for audio would leave us waiting forever.
            if let Some(end) = player.ends_at() {
                if Instant::now() > end + END_GRACE {
                    break Played::Done;
                }
            }
            bar.set_position(player.position().as_millis() as u64);
            // Near the end, wake when it comes, not up to a poll later.
            let wait = player.done_at().map_or(POLL, |t| {
                t.saturating_duration_since(Instant::now()).min(POLL)
            });
            let key = if self.use_keys {
                self.keys.poll(wait).map(|(k, _)| k)
            } else {
                std::thread::sleep(wait);
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
