//! The question loop: for each question, show (and speak) it, open the
//! input, run the answer's take, then its follow-up; between questions,
//! store the transcripts delivered so far; at the end, wait for the rest,
//! close the log and print the summary. The takes themselves are in
//! `take.rs` and `record.rs`.

use super::summary::print_summary;
use super::take::{Take, Taken};
use super::world::{InputStream, Screen, Transcribed, World};
use crate::audio::START_TIMEOUT;
use crate::content::ContentRules;
use crate::questions::{self, Question};
use crate::session::{
    Answer, AnswerStatus, FollowUp, QuestionRef, RecordingKey, Session, SessionDir, SessionStatus,
};
use anyhow::Result;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What the session was asked for, as the flow needs it.
pub struct Plan {
    pub prep_seconds: u32,
    /// 0: no limit (a question's own limit still applies).
    pub limit_seconds: u32,
    /// Speak each question and follow-up aloud.
    pub speak: bool,
    /// Ask one follow-up after each recorded answer.
    pub follow_ups: bool,
    /// The session's seed, which also picks each question's follow-up.
    pub seed: u64,
    /// How content feedback is computed from each transcript.
    pub content_rules: ContentRules,
}

/// How the session ended, once its log is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Every question was asked, or the person quit.
    Completed,
    /// A stop signal (Ctrl-C, SIGTERM) came: what was recorded is kept.
    Interrupted,
}

/// How an answer (or the whole session) went on after a take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Next {
    Continue,
    Quit,
    Interrupted,
    /// The device failed; the message says what was kept.
    DeviceLost(String),
    /// Writing failed (disk full, file too large); the message says what.
    WriteFailed(String),
}

/// A session in progress: the world it talks to, its folder and log.
pub struct Room<'d> {
    pub(super) world: World,
    pub(super) dir: &'d SessionDir,
    pub(super) session: Session,
    pub(super) plan: Plan,
    /// The input's rate: frames per second of the audio clock.
    pub(super) sample_rate: u32,
    /// For `MOCKVIEW_TIMING` (benchmarks): the last stop key and its drain.
    pub(super) last_stop: Option<(Instant, Duration)>,
    /// For `MOCKVIEW_TIMING`: the last stop key, to time the summary from.
    pub(super) last_key: Option<Instant>,
    /// The last transcription error shown, so a broken model warns once.
    transcribe_error: Option<String>,
    /// The take being recorded (its recording, take number and file), for
    /// the transcriber to work on while it grows.
    pub(super) growing: Option<(RecordingKey, usize, PathBuf)>,
}

/// Run a session over `questions` in `dir`, whose log `session` is already
/// saved with the input it records from, and close it.
pub fn run(
    world: World,
    dir: &SessionDir,
    session: Session,
    plan: Plan,
    questions: &[Question],
) -> Result<Ended> {
    let sample_rate = session.input.as_ref().map_or(0, |i| i.sample_rate);
    let mut room = Room {
        world,
        dir,
        session,
        plan,
        sample_rate,
        last_stop: None,
        last_key: None,
        transcribe_error: None,
        growing: None,
    };
    room.introduce(questions.len());
    let mut next = Next::Continue;
    for (i, q) in questions.iter().enumerate() {
        next = match room.ask(i as u32 + 1, questions.len(), q) {
            Ok(n) => n,
            // Still close the session (best effort) so the log says how it
            // ended; the error is what the user sees.
            Err(e) => Next::WriteFailed(format!("{e:#}")),
        };
        if next != Next::Continue {
            break;
        }
    }
    room.close(next)
}

impl Room<'_> {
    pub(super) fn screen(&self) -> &dyn Screen {
        self.world.screen.as_ref()
    }

    pub(super) fn frames(&self, seconds: u32) -> u64 {
        u64::from(seconds) * u64::from(self.sample_rate)
    }

    pub(super) fn ms(&self, frames: u64) -> u64 {
        frames * 1000 / u64::from(self.sample_rate.max(1))
    }

    pub(super) fn seconds(&self, frames: u64) -> f64 {
        frames as f64 / f64::from(self.sample_rate.max(1))
    }

    /// The session's first lines: what, where, and the keys.
    fn introduce(&self, count: usize) {
        let s = self.screen();
        let (device_id, _) = self.world.microphone.device();
        s.line(&format!(
            "Session {} · {} question{} · recording from {} ({} Hz)",
            self.dir.id,
            count,
            if count == 1 { "" } else { "s" },
            device_id,
            self.sample_rate
        ));
        s.line(&s.dim(&format!("Saved in {}", self.dir.path.display())));
        if !s.is_interactive() || !self.world.keys.is_terminal() {
            s.line(&s.dim("keys (one per line): Enter start/stop · r retake · s skip · q quit"));
        } else {
            s.line(&s.dim("keys: Enter start/stop · r retake · s skip · q quit · Ctrl-C stop"));
        }
    }

    /// Question `number` of `total`: its answer, then its follow-up.
    fn ask(&mut self, number: u32, total: usize, q: &Question) -> Result<Next> {
        self.report_stop_timing();
        self.collect_transcripts()?;
        self.announce(number, total, q);
        let question = QuestionRef {
            id: q.id.clone(),
            text: q.text.clone(),
            category: q.category.clone(),
            story: q.story,
        };
        let mut answer = Answer::new(number, question, AnswerStatus::Skipped);
        // One stream per question: the take is armed (to start when the prep
        // time has passed on the audio clock) before the device starts, so
        // not one frame of the answer can go by unrecorded.
        let mut capture = match self.open_capture(&q.text) {
            Ok(c) => c,
            Err(next) => {
                if next == Next::Interrupted {
                    // Stopped while the question was spoken: nothing recorded.
                    answer.recording.status = AnswerStatus::Interrupted;
                    self.save_answer(answer)?;
                }
                return Ok(next);
            }
        };
        self.sample_rate = capture.sample_rate();
        let slug = questions::slugify(&q.id);
        let take = Take::answer(number, slug, self.plan.prep_seconds, self.limit_for(q));
        let start = self.frames(take.prep_seconds);
        self.arm(capture.as_ref(), &mut answer, &take, start)?;
        let keys = &self.world.keys;
        capture.start(START_TIMEOUT, &|| keys.interrupted())?;
        if let Taken::Ended(next) = self.take(&mut capture, &mut answer, &take, start)? {
            return Ok(next);
        }
        match follow_up_of(self.plan.seed, number, q) {
            Some(text) if self.plan.follow_ups => {
                self.ask_follow_up(answer, text, &take.follow_up(1), &mut capture)
            }
            _ => Ok(Next::Continue),
        }
    }

    /// A question's own limit applies when it is shorter than the session's.
    fn limit_for(&self, q: &Question) -> u32 {
        match (q.limit_seconds, self.plan.limit_seconds) {
            (Some(own), 0) => own,
            (Some(own), session) => own.min(session),
            (None, session) => session,
        }
    }

    /// Show the question (`open_capture` speaks it).
    fn announce(&self, number: u32, total: usize, q: &Question) {
        let s = self.screen();
        s.line("");
        s.line(&s.bold(&format!(
            "Question {number} of {total} · {}",
            questions::category_title(&q.category)
        )));
        s.paragraph(&q.text);
        if let Some(tip) = &q.tips {
            s.paragraph(&s.dim(&format!("Tip: {tip}")));
        }
    }

    /// Ask a follow-up after a recorded answer, on the same stream: shown
    /// (and spoken), then its reply is a take of its own (`take`), listed
    /// in the answer's `follow_ups` from the moment its file exists.
    fn ask_follow_up(
        &mut self,
        mut answer: Answer,
        text: String,
        take: &Take,
        capture: &mut Box<dyn InputStream>,
    ) -> Result<Next> {
        let s = self.screen();
        s.line("");
        s.line(&s.bold(&format!("Follow-up to question {}", answer.number)));
        s.paragraph(&text);
        self.speak_prompt(&text);
        // The stream ran while the follow-up was spoken: the prep (and so
        // the reply) starts at the frame of the moment the voice ended, not
        // at the frames received so far, which lag the device's latency
        // behind it (up to 2 s through ALSA's pulse plugin) and would put
        // the end of the spoken follow-up into the reply.
        let start = capture.frame_at(self.world.clock.now()) + self.frames(take.prep_seconds);
        answer.put_follow_up(FollowUp::begin(&take.name, text, self.sample_rate));
        self.arm(capture.as_ref(), &mut answer, take, start)?;
        Ok(match self.take(capture, &mut answer, take, start)? {
            Taken::Recorded => Next::Continue,
            Taken::Ended(next) => next,
        })
    }

    /// Speak a question or follow-up aloud (with `--speak`), returning once
    /// the voice has finished or a stop signal came. Every spoken prompt
    /// goes through here, and what follows starts on the audio clock after
    /// it: `open_capture` opens the input only then, a follow-up arms its
    /// reply from the frame of that moment (issue 13).
    fn speak_prompt(&mut self, text: &str) {
        if self.plan.speak {
            let keys = &self.world.keys;
            if let Err(e) = self.world.speaker.speak(text, &|| keys.interrupted()) {
                self.screen()
                    .warn(&format!("cannot speak the question: {e}"));
                self.plan.speak = false;
            }
        }
    }

    /// Speak the question aloud (with `--speak`), then open the input for
    /// it. The stream is opened only once the speech has finished, so its
    /// audio clock (the prep countdown, the take, the file) starts after the
    /// question: a microphone that hears the speakers does not record the
    /// question as the answer, and the countdown loses none of its seconds
    /// to it. (ALSA's pulse plugin buffers from the moment a stream is
    /// opened and hands that backlog over at `play()`: a stream opened
    /// before the speech started its clock seconds early, issue 13.)
    /// `Err(Interrupted)`: a stop signal came during the speech.
    fn open_capture(&mut self, spoken: &str) -> std::result::Result<Box<dyn InputStream>, Next> {
        self.speak_prompt(spoken);
        if self.world.keys.interrupted() {
            return Err(Next::Interrupted);
        }
        self.world.microphone.open().map_err(|e| {
            Next::DeviceLost(format!(
                "cannot open the input device again: {e}; the answers so far are saved in {}",
                self.dir.path.display()
            ))
        })
    }

    /// Put the answer's current state in the log (replacing an earlier state
    /// of the same answer) and save atomically.
    pub(super) fn save_answer(&mut self, mut answer: Answer) -> Result<()> {
        // An answer saved again (a retake, a follow-up) keeps the transcripts
        // the worker already delivered for its final take and its replies.
        if let Some(old) = self
            .session
            .answers
            .iter()
            .find(|a| a.number == answer.number)
        {
            answer.recording.keep_transcript_of(&old.recording);
            for reply in &mut answer.follow_ups {
                if let Some(o) = old.follow_ups.iter().find(|o| o.number == reply.number) {
                    reply.recording.keep_transcript_of(&o.recording);
                }
            }
        }
        self.session.put_answer(answer);
        self.dir.save(&self.session)?;
        Ok(())
    }

    /// With `MOCKVIEW_TIMING` set, print how long the last stop took: the
    /// drain (audio the device still held) and the rest, from the key press
    /// to this prompt.
    fn report_stop_timing(&mut self) {
        if let Some((key, drained)) = self.last_stop.take() {
            let total = self.world.clock.now().saturating_duration_since(key);
            self.screen().trace(&format!(
                "drain_ms={} after_drain_ms={}",
                drained.as_millis(),
                total.saturating_sub(drained).as_millis()
            ));
        }
    }

    /// After the last question (or the one that ended the session): the
    /// transcripts still being made, the log closed, the summary; how the
    /// session ended, or the error that ended it.
    fn close(mut self, next: Next) -> Result<Ended> {
        self.report_stop_timing();
        let transcription_interrupted = match next {
            Next::Continue | Next::Quit => self.finish_transcripts(),
            _ => false,
        };
        if let Some(key) = self.last_key {
            let after = self.world.clock.now().saturating_duration_since(key);
            self.screen()
                .trace(&format!("summary_after_ms={}", after.as_millis()));
        }
        self.session.ended_at = Some(jiff::Timestamp::now());
        self.session.status = match next {
            Next::Continue | Next::Quit => SessionStatus::Completed,
            Next::Interrupted | Next::DeviceLost(_) | Next::WriteFailed(_) => {
                SessionStatus::Interrupted
            }
        };
        let saved = self.dir.save(&self.session);
        print_summary(self.screen(), &self.session, &self.dir.path);
        let path = self.dir.path.display();
        match (next, saved) {
            (Next::WriteFailed(e), Err(_)) => anyhow::bail!(
                "{e}; the log could not be closed either (run `mockview repair` once there is space): earlier answers are intact in {path}"
            ),
            (Next::WriteFailed(e), Ok(())) => {
                anyhow::bail!("{e}; earlier answers and the log are intact in {path}")
            }
            (_, Err(e)) => Err(e.into()),
            (Next::Interrupted, Ok(())) => Ok(Ended::Interrupted),
            (_, Ok(())) if transcription_interrupted => Ok(Ended::Interrupted),
            (Next::DeviceLost(what), Ok(())) => anyhow::bail!("{what}"),
            (Next::Continue | Next::Quit, Ok(())) => Ok(Ended::Completed),
        }
    }

    /// Store the transcripts finished so far (between questions).
    fn collect_transcripts(&mut self) -> Result<()> {
        let ready = match &mut self.world.transcriber {
            Some(t) => t.ready(),
            None => return Ok(()),
        };
        for done in ready {
            self.store_transcript(done)?;
        }
        Ok(())
    }

    /// After the last question: wait for the transcripts still being made,
    /// with a progress line. Ctrl-C stops waiting (true): the log is valid
    /// and `mockview transcribe` finishes the job.
    fn finish_transcripts(&mut self) -> bool {
        let left = self.world.transcriber.as_ref().map_or(0, |t| t.pending());
        if left == 0 {
            return false;
        }
        let s = self.screen();
        s.line(&s.dim(&format!(
            "transcribing: {left} recording{} left…",
            if left == 1 { "" } else { "s" }
        )));
        loop {
            let Some(t) = &mut self.world.transcriber else {
                return false;
            };
            if t.pending() == 0 {
                return false;
            }
            if self.world.keys.interrupted() {
                self.screen().line(&format!(
                    "transcription stopped: `mockview transcribe {}` finishes it",
                    self.dir.id
                ));
                return true;
            }
            if let Some(done) = t.next(super::record::POLL) {
                if let Err(e) = self.store_transcript(done) {
                    self.screen().warn(&format!("{e:#}"));
                }
            }
        }
    }

    fn store_transcript(&mut self, (key, result): Transcribed) -> Result<()> {
        match result {
            Ok(transcript) => {
                if self
                    .session
                    .set_transcript(key, transcript, &self.plan.content_rules)
                {
                    self.dir.save(&self.session)?;
                }
            }
            Err(e) => {
                if self.transcribe_error.as_deref() != Some(e.as_str()) {
                    self.screen().warn(&format!(
                        "cannot transcribe {key}: {e} (`mockview transcribe {}` can try again)",
                        self.dir.id
                    ));
                    self.transcribe_error = Some(e);
                }
            }
        }
        Ok(())
    }
}

/// The follow-up to ask after answer `number` to `q`: one of the
/// question's, picked by the session's seed (so a seed repeats them).
pub(super) fn follow_up_of(seed: u64, number: u32, q: &Question) -> Option<String> {
    let n = q.follow_ups.len() as u64;
    (n > 0).then(|| q.follow_ups[((seed % n + u64::from(number)) % n) as usize].clone())
}
