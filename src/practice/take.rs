//! The one take path: an answer and a follow-up's reply are both a [`Take`]
//! (a file name, a prep, a limit) and go through the same steps: armed
//! (listed in the log before a frame reaches it), the prep countdown,
//! recorded until a key, the limit or a failure ends it, then kept, skipped,
//! retaken or failed. What differs between the two is data: a follow-up has
//! its own file, half the prep and limit, and no retakes (its `r` just ends
//! it). The live line and the loops that poll the stream are in `record.rs`.
//!
//! Never lose an answer (issue 5): a take enters the log (status
//! `interrupted`, its file listed) the moment its WAV is created, and is
//! updated when it ends, so the log lists every WAV on disk whatever moment
//! a crash comes at; `mockview repair` does the rest.

use super::room::{Next, Room};
use super::world::InputStream;
use crate::audio::{TakeEnd, TakeOutcome, START_TIMEOUT};
use crate::session::{Answer, AnswerStatus, InputInfo, Recording, RecordingKey, TakeName};
use anyhow::{Context, Result};

/// A follow-up's prep and limit: half the question's (a limit of 0, none,
/// stays none). Real interviewers probe quickly and expect a shorter reply.
pub(super) fn follow_up_seconds(seconds: u32) -> u32 {
    seconds / 2
}

/// One recording to make: an answer's take or the reply to a follow-up.
#[derive(Debug, Clone)]
pub(super) struct Take {
    /// Which recording of the answer.
    pub key: RecordingKey,
    /// Its final file name.
    pub name: TakeName,
    pub prep_seconds: u32,
    /// 0: no limit.
    pub limit_seconds: u32,
}

impl Take {
    /// The answer's own take.
    pub fn answer(number: u32, slug: String, prep_seconds: u32, limit_seconds: u32) -> Take {
        Take {
            key: RecordingKey::answer(number),
            name: TakeName::final_take(number, slug),
            prep_seconds,
            limit_seconds,
        }
    }

    /// The reply to this answer's follow-up `k`: its own file, half the
    /// prep and limit.
    pub fn follow_up(&self, k: u32) -> Take {
        Take {
            key: RecordingKey {
                answer: self.key.answer,
                follow_up: Some(k),
            },
            name: self.name.follow_up(k),
            prep_seconds: follow_up_seconds(self.prep_seconds),
            limit_seconds: follow_up_seconds(self.limit_seconds),
        }
    }

    /// An answer can be taken again; a follow-up's reply cannot (a retake
    /// key ends it, and after a lost device the session stops).
    pub fn retakes(&self) -> bool {
        self.key.follow_up.is_none()
    }

    pub fn file(&self) -> String {
        self.name.to_string()
    }

    /// "answer 2", "the follow-up to answer 2": in messages.
    fn what(&self) -> String {
        match self.key.follow_up {
            None => format!("answer {}", self.key.answer),
            Some(_) => format!("the follow-up to answer {}", self.key.answer),
        }
    }

    /// The line that says it was skipped.
    fn skipped(&self) -> &'static str {
        match self.key.follow_up {
            None => "skipped",
            Some(_) => "follow-up skipped",
        }
    }
}

/// How a take went: recorded (and the answer goes on: a follow-up may come),
/// or the answer ends here and the session goes on as `Next` says.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Taken {
    Recorded,
    Ended(Next),
}

/// Why a take stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TakeExit {
    Stop,
    Limit,
    Retake,
    Skip,
    Quit,
    Interrupt,
    Failed,
}

/// The log entry a take records into.
fn entry<'a>(answer: &'a mut Answer, take: &Take) -> &'a mut Recording {
    answer
        .recording_mut(take.key.follow_up)
        .expect("a take's follow-up is put in its answer before it is armed")
}

impl Room<'_> {
    /// Arm `take` to begin at frame `start` of `capture` and list its file
    /// in the log before a single frame goes into it.
    pub(super) fn arm(
        &mut self,
        capture: &dyn InputStream,
        answer: &mut Answer,
        take: &Take,
        start: u64,
    ) -> Result<()> {
        capture.begin_take(&self.dir.path.join(take.file()), start, take.limit(self))?;
        match take.key.follow_up {
            None => answer.begin_take(&take.name),
            Some(_) => entry(answer, take).begin(&take.name),
        }
        entry(answer, take).sample_rate = self.sample_rate;
        let number = if take.retakes() {
            answer.takes.len()
        } else {
            1
        };
        self.growing = Some((take.key, number, self.dir.path.join(take.file())));
        self.save_answer(answer.clone())
    }

    /// Run an armed take to its end: prep, record, and what its ending key
    /// or failure asks for (a retake or a new device records it again).
    pub(super) fn take(
        &mut self,
        capture: &mut Box<dyn InputStream>,
        answer: &mut Answer,
        take: &Take,
        start: u64,
    ) -> Result<Taken> {
        if let Some(next) = self.prep(capture.as_ref(), start, take.prep_seconds)? {
            return self.cancel_in_prep(capture.as_ref(), answer, take, next);
        }
        loop {
            let (outcome, exit, key_at) = self.record(capture.as_ref(), take)?;
            let saved = self.take_ended(entry(answer, take), &outcome);
            let next = match exit {
                TakeExit::Retake if take.retakes() => {
                    self.retake(capture.as_ref(), answer, take, key_at)?;
                    continue;
                }
                TakeExit::Skip => self.skip(answer, take)?,
                TakeExit::Interrupt => {
                    entry(answer, take).status = AnswerStatus::Interrupted;
                    self.screen().line(&format!("{saved} · interrupted"));
                    self.save_answer(answer.clone())?;
                    Next::Interrupted
                }
                TakeExit::Failed => {
                    self.screen().line(&format!("{saved} · recording stopped"));
                    match self.take_failed(capture, answer, take, &outcome)? {
                        None => continue,
                        Some(next) => next,
                    }
                }
                TakeExit::Stop | TakeExit::Limit | TakeExit::Quit | TakeExit::Retake => {
                    self.keep(answer, take, exit == TakeExit::Limit, saved)?;
                    if exit != TakeExit::Quit {
                        return Ok(Taken::Recorded);
                    }
                    Next::Quit
                }
            };
            return Ok(Taken::Ended(next));
        }
    }

    /// A take ended: put what it recorded into its log entry, warn of what
    /// was lost, and return its `saved …` line.
    fn take_ended(&self, recording: &mut Recording, outcome: &TakeOutcome) -> String {
        recording.finish(
            outcome.frames,
            self.sample_rate,
            outcome.dropped_frames,
            outcome.overruns,
        );
        self.warn_losses(outcome);
        format!(
            "saved {} ({})",
            recording.file.as_deref().unwrap_or_default(),
            crate::clock::clock_seconds(recording.duration_seconds)
        )
    }

    /// Say what the device or the ring lost during a take (counted, never hidden).
    fn warn_losses(&self, outcome: &TakeOutcome) {
        let s = self.screen();
        if outcome.overruns > 0 {
            s.warn(&format!(
                "the input device reported {} overrun{} during this take: a moment of audio may be missing",
                outcome.overruns,
                if outcome.overruns == 1 { "" } else { "s" }
            ));
        }
        if outcome.dropped_frames > 0 {
            s.warn(&format!(
                "{} frames were lost between the device and the file (system overloaded?)",
                outcome.dropped_frames
            ));
        }
        if outcome.drain_timed_out {
            s.warn("the device did not deliver the last moments of audio in time");
        }
    }

    /// The take is the final one: measured, saved, and handed to the
    /// transcriber.
    fn keep(&mut self, answer: &mut Answer, take: &Take, limit: bool, saved: String) -> Result<()> {
        self.screen().line(&if limit {
            format!("{saved} · time limit reached")
        } else {
            saved
        });
        entry(answer, take).metrics = self.analyze_take(&take.file());
        self.save_answer(answer.clone())?;
        // It is done growing: what records next goes into another file.
        self.growing = None;
        let number = if take.retakes() {
            answer.takes.len()
        } else {
            1
        };
        let path = self.dir.path.join(take.file());
        if let Some(t) = &mut self.world.transcriber {
            t.finish(take.key, number, path);
        }
        Ok(())
    }

    /// Delivery metrics of a final take (issue 4): a few tens of ms for a
    /// two-minute answer. A take that cannot be analysed is kept without.
    fn analyze_take(&self, name: &str) -> Option<crate::analysis::Metrics> {
        let path = self.dir.path.join(name);
        match crate::analysis::analyze_wav(&path, &crate::analysis::AnalysisConfig::default()) {
            Ok(m) => Some(m),
            Err(e) => {
                self.screen()
                    .warn(&format!("cannot analyse the answer: {e}"));
                None
            }
        }
    }

    /// `r`: keep this take under its own name (nothing is thrown away) and
    /// record the answer again from the key's frame.
    fn retake(
        &mut self,
        capture: &dyn InputStream,
        answer: &mut Answer,
        take: &Take,
        key_at: u64,
    ) -> Result<()> {
        let (k, kept) = self.keep_as_earlier_take(answer)?;
        self.save_answer(answer.clone())?;
        self.screen()
            .line(&format!("take {k} kept as {kept}; recording again"));
        self.arm(capture, answer, take, key_at)
    }

    /// `s` while recording: the recording is kept (an answer's as an
    /// earlier take, a reply under its own name) and the answer is skipped.
    fn skip(&mut self, answer: &mut Answer, take: &Take) -> Result<Next> {
        let kept = if take.retakes() {
            self.keep_as_earlier_take(answer)?.1
        } else {
            take.file()
        };
        entry(answer, take).status = AnswerStatus::Skipped;
        self.screen().line(&format!(
            "{} (the recording is kept as {kept})",
            take.skipped()
        ));
        self.save_answer(answer.clone())?;
        Ok(Next::Continue)
    }

    /// The prep ended in a skip, quit, Ctrl-C or a lost device: nothing was
    /// recorded yet, so the armed take's empty file goes and the log stops
    /// listing it. If the key came just as the take began, what was recorded
    /// is kept (an answer's as an earlier take).
    fn cancel_in_prep(
        &mut self,
        capture: &dyn InputStream,
        answer: &mut Answer,
        take: &Take,
        next: Next,
    ) -> Result<Taken> {
        match (capture.cancel_take()?, take.retakes()) {
            (None, true) => answer.cancel_empty_take(),
            (None, false) => entry(answer, take).cancel_empty(),
            (Some(_), true) => {
                self.keep_as_earlier_take(answer)?;
                answer.recording.frames = 0;
                answer.recording.duration_seconds = 0.0;
            }
            (Some(_), false) => {}
        }
        entry(answer, take).status = match next {
            Next::Continue | Next::Quit => AnswerStatus::Skipped,
            _ => AnswerStatus::Interrupted,
        };
        if next == Next::Continue {
            self.screen().line(take.skipped());
        }
        self.save_answer(answer.clone())?;
        Ok(Taken::Ended(next))
    }

    /// Rename the final take `NN-slug.wav` to `NN-slug.takeK.wav` (K = its
    /// position among the answer's takes) and say so in the answer: a retake,
    /// a skip or a new device never throws a recording away.
    fn keep_as_earlier_take(&self, answer: &mut Answer) -> Result<(usize, String)> {
        answer
            .keep_as_earlier_take(&self.dir.path)
            .with_context(|| {
                format!(
                    "cannot keep take {} of answer {}",
                    answer.takes.len(),
                    answer.number
                )
            })
    }

    /// A take ended on a failure. A write failure (full disk, file-size
    /// limit) ends the session with what was written kept. A lost device
    /// keeps the partial take and, for an answer on a terminal, offers
    /// another device: `None` means the take records again there (`capture`
    /// is the new stream); `Some(next)` ends the answer here.
    fn take_failed(
        &mut self,
        capture: &mut Box<dyn InputStream>,
        answer: &mut Answer,
        take: &Take,
        outcome: &TakeOutcome,
    ) -> Result<Option<Next>> {
        entry(answer, take).status = AnswerStatus::Interrupted;
        let kept = crate::clock::clock_seconds(self.seconds(outcome.frames));
        if outcome.end == TakeEnd::WriteFailed {
            let e = outcome.write_error.clone().unwrap_or_default();
            // Best effort: the disk may be too full for the log too.
            let logged = self.save_answer(answer.clone());
            return Ok(Some(Next::WriteFailed(format!(
                "recording stopped: cannot write {e}; {kept} of {} kept{}",
                take.what(),
                if logged.is_ok() {
                    ""
                } else {
                    " (not yet in the log)"
                }
            ))));
        }
        self.save_answer(answer.clone())?;
        let path = self.dir.path.join(take.file());
        let message = self.device_lost_message(
            capture.as_ref(),
            Some(format!(
                "{kept} of {} is kept in {}",
                take.what(),
                path.display()
            )),
        );
        // Without a terminal the message is the error line itself.
        if self.world.keys.is_terminal() {
            self.screen().warn(&message);
        }
        let new = match take.retakes() {
            true => self.choose_device()?,
            false => None,
        };
        let Some(new) = new else {
            return Ok(Some(Next::DeviceLost(message)));
        };
        drop(std::mem::replace(capture, new));
        self.record_again(capture, answer, take)?;
        Ok(None)
    }

    /// After a lost device, on a new one: the partial take is kept as an
    /// earlier take and the answer starts again, with the log describing
    /// the input as now opened.
    fn record_again(
        &mut self,
        capture: &mut Box<dyn InputStream>,
        answer: &mut Answer,
        take: &Take,
    ) -> Result<()> {
        let (k, kept) = self.keep_as_earlier_take(answer)?;
        self.save_answer(answer.clone())?;
        let format = capture.format();
        self.sample_rate = format.sample_rate;
        let (device_id, device_name) = self.world.microphone.device();
        self.session.input = Some(InputInfo {
            device_id: device_id.clone(),
            device_name,
            sample_rate: format.sample_rate,
            channels: format.channels,
            sample_format: format.sample_format,
        });
        self.arm(capture.as_ref(), answer, take, 0)?;
        let keys = &self.world.keys;
        capture.start(START_TIMEOUT, &|| keys.interrupted())?;
        self.screen().line(&format!(
            "take {k} kept as {kept}; recording again from {device_id}"
        ));
        Ok(())
    }

    /// One plain line: the device failed, and what is kept (`kept`: of
    /// this take; `None`: the answers so far).
    pub(super) fn device_lost_message(
        &self,
        capture: &dyn InputStream,
        kept: Option<String>,
    ) -> String {
        let cause = capture
            .error()
            .unwrap_or_else(|| "it stopped delivering audio".into());
        let what = kept.unwrap_or_else(|| {
            format!("the answers so far are kept in {}", self.dir.path.display())
        });
        format!(
            "the input device {} was lost (unplugged, or the sound server dropped it: {cause}); {what}",
            self.world.microphone.device().0
        )
    }

    /// After a lost device, on a terminal: try again on the default device or
    /// another, or stop. Without a terminal there is nobody to ask: stop.
    fn choose_device(&mut self) -> Result<Option<Box<dyn InputStream>>> {
        if !self.world.keys.is_terminal() {
            return Ok(None);
        }
        loop {
            self.screen()
                .line("Enter: try again (default device) · type a device id · q: stop");
            let Some(line) = self.world.keys.read_line() else {
                return Ok(None);
            };
            let wanted = line.trim();
            if wanted.eq_ignore_ascii_case("q") {
                return Ok(None);
            }
            match self
                .world
                .microphone
                .switch((!wanted.is_empty()).then_some(wanted))
            {
                Ok(stream) => return Ok(Some(stream)),
                Err(e) => self.screen().warn(&e.to_string()),
            }
        }
    }
}

impl Take {
    /// The limit in frames of the room's input; `None`: no limit.
    pub fn limit(&self, room: &Room) -> Option<u64> {
        (self.limit_seconds > 0).then(|| room.frames(self.limit_seconds))
    }
}
