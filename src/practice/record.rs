//! The two loops that watch a take on the audio clock: the prep countdown
//! (the take armed, waiting for its start frame) and the recording (until a
//! key, the limit or a failure), with the live line a terminal shows while
//! it records. Every take, an answer's or a reply's, runs through both.

use super::room::{Next, Room};
use super::take::{Take, TakeExit};
use super::world::InputStream;
use crate::audio::{Level, TakeEnd, TakeOutcome};
use crate::level::LevelVerdict;
use crate::ui::{level_meter, Key};
use anyhow::Result;
use std::time::{Duration, Instant};

/// How long to wait, after the stop key, for the device to deliver the audio
/// it had already captured (see docs/audio.md).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(4);
/// How often the loops look at the stream and the keys.
pub(super) const POLL: Duration = Duration::from_millis(40);
/// The peak (of full scale) at which `MOCKVIEW_TIMING` reports that the
/// meter shows sound: -20 dBFS, far above any idle source's noise.
const METER_TRACE_PEAK: f32 = 0.1;
/// Warn when this much of the limit is left.
const LAST_SECONDS_WARNING: u32 = 30;
/// While a take records, the transcriber is told this often that it has
/// grown (it works once a whole 30 s window is on disk).
const GROW_EVERY_SECONDS: u32 = 10;
/// An answer whose first seconds are all digital silence is the microphone,
/// not the candidate: say so on the live line.
const SILENT_INPUT_SECONDS: u32 = 10;
/// "too quiet" shows once the input has been quiet this long: a pause to
/// think is not a dead microphone.
const QUIET_SECONDS: u32 = 3;

/// What the recording line shows besides the timer: the meter, and the
/// warnings the level calls for (clipping, a muted or too quiet input, the
/// last seconds of the limit). `quiet_since`: the frame the input went
/// quiet at, kept from one call to the next.
pub(super) fn live_message(
    level: Level,
    frames: u64,
    rate: u32,
    limit: Option<u64>,
    muted_hint: Option<String>,
    quiet_since: &mut Option<u64>,
) -> String {
    let seconds = |s: u32| u64::from(s) * u64::from(rate);
    let verdict = LevelVerdict::of_live(level.peak, level.rms, level.clipped);
    let mut msg = level_meter(level.peak);
    if verdict.clipping {
        msg.push_str("  CLIPPING: move back or lower the gain");
    }
    if let Some(hint) = muted_hint {
        msg.push_str(&format!("  {hint}"));
    } else if verdict.too_quiet {
        let since = *quiet_since.get_or_insert(frames);
        if frames.saturating_sub(since) > seconds(QUIET_SECONDS) {
            msg.push_str("  too quiet: is the microphone on?");
        }
    } else {
        *quiet_since = None;
    }
    if let Some(l) = limit {
        let left = l.saturating_sub(frames);
        if left <= seconds(LAST_SECONDS_WARNING) {
            msg.push_str(&format!("  {} s left", left / u64::from(rate.max(1)) + 1));
        }
    }
    msg
}

impl Room<'_> {
    /// The prep countdown, on the audio clock, while the armed take waits
    /// to begin at frame `start` (`seconds` of prep, as shown).
    /// `None`: go on and record; `Some(next)`: skipped (`Continue`), quit,
    /// interrupted or device lost, and the armed take is to be cancelled.
    pub(super) fn prep(
        &mut self,
        capture: &dyn InputStream,
        start: u64,
        seconds: u32,
    ) -> Result<Option<Next>> {
        let origin = capture.position().min(start);
        let prep_frames = start - origin;
        if prep_frames == 0 {
            return Ok(None);
        }
        if !self.screen().is_interactive() {
            self.screen()
                .line(&format!("prepare: {seconds} s (Enter starts now)"));
        }
        let _raw = self.world.keys.raw_mode();
        let bar = self.screen().timer_bar(Some(self.ms(prep_frames)), "prep");
        bar.set_message("Enter: start now · s: skip · q: quit");
        let result = loop {
            let pos = capture.position();
            if pos >= start || capture.take_frames() > 0 {
                break None;
            }
            if capture.error().is_some() {
                break Some(Next::DeviceLost(self.device_lost_message(capture, None)));
            }
            bar.set_position(self.ms(pos.saturating_sub(origin)));
            match self.world.keys.poll(POLL) {
                Some((Key::Enter, t)) => {
                    capture.start_at(capture.frame_at(t));
                    break None;
                }
                Some((Key::Char('s'), _)) => break Some(Next::Continue),
                Some((Key::Char('q'), _)) => break Some(Next::Quit),
                Some((Key::Interrupt, _)) => break Some(Next::Interrupted),
                _ => {}
            }
        };
        bar.finish_and_clear();
        Ok(result)
    }

    /// Run the armed take until a key, the limit or a failure ends it.
    /// Returns the outcome, why it ended, and the frame of the ending key.
    pub(super) fn record(
        &mut self,
        capture: &dyn InputStream,
        take: &Take,
    ) -> Result<(TakeOutcome, TakeExit, u64)> {
        let limit = take.limit(self);
        if !self.screen().is_interactive() {
            self.screen().line(&match limit {
                None => "recording (Enter stops)".to_string(),
                Some(l) => format!("recording, limit {} s (Enter stops)", self.ms(l) / 1000),
            });
        }
        let _raw = self.world.keys.raw_mode();
        let bar = self.screen().timer_bar(limit.map(|l| self.ms(l)), "● rec");
        let mut watch = Watch {
            quiet_since: None,
            next_grow: self.frames(GROW_EVERY_SECONDS),
            silence_told: false,
            trace_meter: !self.screen().is_interactive() && self.screen().tracing(),
        };
        let (exit, key_time) = loop {
            if let Some(outcome) = capture.poll_finished() {
                bar.finish_and_clear();
                self.last_key = Some(self.world.clock.now());
                self.tell_silent_input(capture, outcome.frames, &mut watch.silence_told);
                let exit = match outcome.end {
                    TakeEnd::Limit => TakeExit::Limit,
                    TakeEnd::WriteFailed | TakeEnd::DeviceLost => TakeExit::Failed,
                    TakeEnd::Stopped => TakeExit::Stop,
                };
                return Ok((outcome, exit, capture.position()));
            }
            let frames = capture.take_frames();
            self.watch(capture, &mut watch, frames, limit, &bar);
            match self.world.keys.poll(POLL) {
                Some((Key::Enter, t)) => break (TakeExit::Stop, t),
                Some((Key::Char('r'), t)) => break (TakeExit::Retake, t),
                Some((Key::Char('s'), t)) => break (TakeExit::Skip, t),
                Some((Key::Char('q'), t)) => break (TakeExit::Quit, t),
                Some((Key::Interrupt, t)) => break (TakeExit::Interrupt, t),
                None if self.world.keys.at_eof() && limit.is_none() => {
                    break (TakeExit::Stop, self.world.clock.now())
                }
                _ => {}
            }
        };
        bar.finish_and_clear();
        self.stop(capture, exit, key_time, &mut watch.silence_told)
    }

    /// One look at a recording take: the live line (or, without a
    /// terminal, the plain hint of a muted input), the growing transcript,
    /// and the `MOCKVIEW_TIMING` trace of the first sound.
    fn watch(
        &mut self,
        capture: &dyn InputStream,
        watch: &mut Watch,
        frames: u64,
        limit: Option<u64>,
        bar: &indicatif::ProgressBar,
    ) {
        if watch.trace_meter && capture.level().peak >= METER_TRACE_PEAK {
            self.screen().trace("meter heard sound");
            watch.trace_meter = false;
        }
        if frames >= watch.next_grow {
            watch.next_grow = frames + self.frames(GROW_EVERY_SECONDS);
            if let (Some(t), Some((key, k, path))) = (&mut self.world.transcriber, &self.growing) {
                t.grow(*key, *k, path.clone());
            }
        }
        if self.screen().is_interactive() {
            bar.set_position(self.ms(frames));
            bar.set_message(live_message(
                capture.level(),
                frames,
                self.sample_rate,
                limit,
                self.silent_input_hint(capture, frames),
                &mut watch.quiet_since,
            ));
        } else {
            self.tell_silent_input(capture, frames, &mut watch.silence_told);
        }
    }

    /// A key ended the take at `key_time`: stop it at that moment on the
    /// audio clock, keeping the tail the device still holds.
    fn stop(
        &mut self,
        capture: &dyn InputStream,
        exit: TakeExit,
        key_time: Instant,
        silence_told: &mut bool,
    ) -> Result<(TakeOutcome, TakeExit, u64)> {
        self.last_key = Some(key_time);
        let stop_at = capture.frame_at(key_time);
        if stop_at > capture.position() {
            self.screen()
                .line(&self.screen().dim("saving the last words…"));
        }
        let outcome = capture.stop_take(stop_at, DRAIN_TIMEOUT)?;
        self.tell_silent_input(capture, outcome.frames, silence_told);
        self.last_stop = Some((key_time, outcome.drained));
        let exit = match outcome.end {
            TakeEnd::WriteFailed | TakeEnd::DeviceLost => TakeExit::Failed,
            TakeEnd::Limit if exit == TakeExit::Stop => TakeExit::Limit,
            _ => exit,
        };
        Ok((outcome, exit, stop_at))
    }

    /// "no sound from DEVICE: is the microphone muted?" once the take's
    /// first `SILENT_INPUT_SECONDS` were all digital silence.
    fn silent_input_hint(&self, capture: &dyn InputStream, take_frames: u64) -> Option<String> {
        (take_frames >= self.frames(SILENT_INPUT_SECONDS) && capture.level().take_is_silent()).then(
            || {
                format!(
                    "no sound from {}: is the microphone muted?",
                    self.world.microphone.device().0
                )
            },
        )
    }

    /// Without a live line (no terminal), the hint is one plain line, once
    /// a take; a device faster than real time may finish the take before
    /// the loop sees it, so the end of the take checks too.
    fn tell_silent_input(&self, capture: &dyn InputStream, take_frames: u64, told: &mut bool) {
        if *told || self.screen().is_interactive() {
            return;
        }
        if let Some(hint) = self.silent_input_hint(capture, take_frames) {
            self.screen().warn(&hint);
            *told = true;
        }
    }
}

/// What the recording loop remembers between two looks at the take.
struct Watch {
    /// The frame the input went quiet at (for "too quiet").
    quiet_since: Option<u64>,
    /// The take's length at which the transcriber is told next.
    next_grow: u64,
    /// The muted-input line was printed for this take.
    silence_told: bool,
    /// For MOCKVIEW_TIMING (tests, benchmarks): when the meter first
    /// shows sound, without a terminal to draw it on.
    trace_meter: bool,
}
