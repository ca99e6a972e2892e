//! `mockview practice`: pick questions, open the input, and for each question
//! show it, count down the prep time, record the answer (retake, skip, quit),
//! and save the log after every change.
//!
//! Never lose an answer (issue 5): a take enters the log (status
//! `interrupted`, its file listed) the moment its WAV is created, and is
//! updated when it ends, so the log lists every WAV on disk whatever moment
//! a crash comes at; `mockview repair` does the rest.

use super::transcription::{self, BackgroundTranscriber, Finished};
use super::Interrupted;
use crate::audio::{self, CaptureStream, InputDevice, InputRequest, TakeEnd, TakeOutcome};
use crate::cli::{OrderArg, PracticeArgs};
use crate::config;
use crate::content::ContentRules;
use crate::questions::{self, Order, Question, SelectionRequest};
use crate::session::TakeName;
use crate::session::{
    Answer, AnswerStatus, FollowUp, InputInfo, QuestionRef, Recording, RecordingKey, Session,
    SessionDir, SessionStatus, SessionStore, Settings,
};
use crate::ui::{level_meter, speak, Console, Interrupt, Key, KeySource};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

/// How long to wait, after the stop key, for the device to deliver the audio
/// it had already captured (see docs/audio.md).
const DRAIN_TIMEOUT: Duration = Duration::from_secs(4);
const POLL: Duration = Duration::from_millis(40);
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

/// A follow-up's prep and limit: half the question's (a limit of 0, none,
/// stays none). Real interviewers probe quickly and expect a shorter reply.
fn follow_up_seconds(seconds: u32) -> u32 {
    seconds / 2
}

/// How an answer (or the whole session) went on after a take.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Next {
    Continue,
    Quit,
    Interrupted,
    /// The device failed; the message says what was kept.
    DeviceLost(String),
    /// Writing failed (disk full, file too large); the message says what.
    WriteFailed(String),
}

/// Why a take stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TakeExit {
    Stop,
    Limit,
    Retake,
    Skip,
    Quit,
    Interrupt,
    Failed,
}

struct Practice<'a> {
    console: Console,
    keys: KeySource,
    device: InputDevice,
    request: InputRequest,
    /// Device calls that block (open, start) run under it: a stop signal
    /// then ends the program at once.
    interrupt: Interrupt,
    sample_rate: u32,
    dir: &'a SessionDir,
    session: Session,
    prep_seconds: u32,
    limit_seconds: u32,
    speak: bool,
    /// Ask one follow-up after each recorded answer (`--follow-ups`).
    follow_ups: bool,
    /// The session's seed, which also picks each question's follow-up.
    seed: u64,
    /// For `MOCKVIEW_TIMING` (benchmarks): the last stop key and its drain.
    last_stop: Option<(Instant, Duration)>,
    /// For `MOCKVIEW_TIMING`: the last stop key, to time the summary from.
    last_key: Option<Instant>,
    /// Transcribes final takes while the session goes on; `None` without a
    /// model or with `--no-transcribe`.
    transcriber: Option<BackgroundTranscriber>,
    /// The last transcription error shown, so a broken model warns once.
    transcribe_error: Option<String>,
    /// How content feedback is computed from each transcript.
    content_rules: ContentRules,
    /// The answer's take being recorded (answer number, take count, file),
    /// for the transcriber to work on while it grows.
    recording: Option<(u32, usize, std::path::PathBuf)>,
}

pub fn run(store: &SessionStore, args: PracticeArgs, settings: &config::Settings) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;

    // Everything that can be wrong with the request is checked before any
    // device is opened or any folder made.
    let banks = questions::resolve_banks(&args.banks)?;
    let order = match args.order {
        OrderArg::Random => Order::Random,
        OrderArg::Listed => Order::Listed,
        OrderArg::Fresh => Order::Fresh,
        OrderArg::Weakest => Order::Weakest,
    };
    let history = if matches!(order, Order::Fresh | Order::Weakest) {
        crate::progress::past_answers(store)
    } else {
        HashMap::new()
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let picked = questions::select(
        &banks,
        &SelectionRequest {
            count: settings.count.value as usize,
            categories: &settings.categories.value,
            order,
            seed,
            history: &history,
            only: &args.questions,
        },
    )?;

    if let Some(notice) = super::left_open_notice(store) {
        console.warn(notice);
    }
    let model = if args.no_transcribe {
        None
    } else {
        let model = transcription::chosen_model(&settings.model)?;
        if model.is_none() {
            console.line(console.dim(transcription::NO_MODEL_HINT));
        }
        model
    };
    // With a model, the word lists (with the user's, MOCKVIEW_PHRASES) are
    // read now, so a bad file stops the session before anything is recorded.
    let content_rules = match &model {
        Some(_) => ContentRules::load(settings.phrases.value.as_deref())?,
        None => ContentRules::default(),
    };
    let device = audio::find_input(settings.input_device.value.as_deref())?;
    let request = super::input_request(&args.input);
    let format = check_input(&device, &request, &interrupt)?;

    let started = jiff::ZonedDateTime::now();
    let dir = store
        .create(&started.strftime("%Y%m%d-%H%M%S").to_string())
        .with_context(|| format!("cannot create a session in {}", store.root().display()))?;
    let _lock = dir.lock()?;
    let mut session = Session::new(
        dir.id.clone(),
        started.timestamp(),
        Settings {
            count: picked.len(),
            prep_seconds: settings.prep.value,
            limit_seconds: settings.limit.value,
            banks: banks.iter().map(|b| b.name.clone()).collect(),
            categories: settings.categories.value.clone(),
            order: order.to_string(),
            seed,
            speak: settings.speak.value,
            follow_ups: settings.follow_ups.value,
        },
    );
    session.input = Some(InputInfo {
        device_id: device.id.clone(),
        device_name: device.name.clone(),
        sample_rate: format.sample_rate,
        channels: format.channels,
        sample_format: format.sample_format.clone(),
    });
    dir.save(&session)?;

    console.line(format!(
        "Session {} · {} question{} · recording from {} ({} Hz)",
        dir.id,
        picked.len(),
        if picked.len() == 1 { "" } else { "s" },
        device.id,
        format.sample_rate
    ));
    console.line(console.dim(&format!("Saved in {}", dir.path.display())));
    if !console.is_interactive() || !std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        console.line(
            console.dim("keys (one per line): Enter start/stop · r retake · s skip · q quit"),
        );
    } else {
        console
            .line(console.dim("keys: Enter start/stop · r retake · s skip · q quit · Ctrl-C stop"));
    }

    let mut p = Practice {
        console,
        keys: KeySource::new(interrupt.clone()),
        device,
        request,
        interrupt,
        sample_rate: format.sample_rate,
        dir: &dir,
        session,
        prep_seconds: settings.prep.value,
        limit_seconds: settings.limit.value,
        speak: settings.speak.value,
        follow_ups: settings.follow_ups.value,
        seed,
        last_stop: None,
        last_key: None,
        transcriber: model.map(BackgroundTranscriber::start),
        transcribe_error: None,
        content_rules,
        recording: None,
    };
    let mut next = Next::Continue;
    for (i, q) in picked.iter().enumerate() {
        next = match p.ask(i + 1, picked.len(), q) {
            Ok(n) => n,
            // Still close the session (best effort) so the log says how it
            // ended; the error is what the user sees.
            Err(e) => Next::WriteFailed(format!("{e:#}")),
        };
        if next != Next::Continue {
            break;
        }
    }

    p.report_stop_timing();
    let transcription_interrupted = match next {
        Next::Continue | Next::Quit => p.finish_transcripts(),
        _ => false,
    };
    if let (Some(key), true) = (p.last_key, std::env::var_os("MOCKVIEW_TIMING").is_some()) {
        eprintln!("timing: summary_after_ms={}", key.elapsed().as_millis());
    }
    let Practice {
        console,
        mut session,
        ..
    } = p;
    session.ended_at = Some(jiff::Timestamp::now());
    session.status = match next {
        Next::Continue | Next::Quit => SessionStatus::Completed,
        Next::Interrupted | Next::DeviceLost(_) | Next::WriteFailed(_) => {
            SessionStatus::Interrupted
        }
    };
    let saved = dir.save(&session);
    print_summary(&console, &session, &dir.path);
    match (next, saved) {
        (Next::WriteFailed(e), Err(_)) => anyhow::bail!(
            "{e}; the log could not be closed either (run `mockview repair` once there is space): earlier answers are intact in {}",
            dir.path.display()
        ),
        (Next::WriteFailed(e), Ok(())) => anyhow::bail!(
            "{e}; earlier answers and the log are intact in {}",
            dir.path.display()
        ),
        (_, Err(e)) => Err(e.into()),
        (Next::Interrupted, Ok(())) => Err(Interrupted.into()),
        (_, Ok(())) if transcription_interrupted => Err(Interrupted.into()),
        (Next::DeviceLost(what), Ok(())) => anyhow::bail!("{what}"),
        (Next::Continue | Next::Quit, Ok(())) => Ok(()),
    }
}

impl Practice<'_> {
    fn frames(&self, seconds: u32) -> u64 {
        u64::from(seconds) * u64::from(self.sample_rate)
    }

    fn ms(&self, frames: u64) -> u64 {
        frames * 1000 / u64::from(self.sample_rate.max(1))
    }

    /// With `MOCKVIEW_TIMING` set, print how long the last stop took: the
    /// drain (audio the device still held) and the rest, from the key press
    /// to this prompt.
    fn report_stop_timing(&mut self) {
        if let Some((key, drained)) = self.last_stop.take() {
            if std::env::var_os("MOCKVIEW_TIMING").is_some() {
                let total = key.elapsed();
                eprintln!(
                    "timing: drain_ms={} after_drain_ms={}",
                    drained.as_millis(),
                    total.saturating_sub(drained).as_millis()
                );
            }
        }
    }

    fn ask(&mut self, number: usize, total: usize, q: &Question) -> Result<Next> {
        let c = self.console;
        self.report_stop_timing();
        self.collect_transcripts()?;
        self.announce(number, total, q);

        let limit_seconds = self.limit_for(q);
        let mut answer = Answer::new(
            number as u32,
            QuestionRef {
                id: q.id.clone(),
                text: q.text.clone(),
                category: q.category.clone(),
                story: q.story,
            },
            AnswerStatus::Skipped,
        );

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
        answer.recording.sample_rate = self.sample_rate;
        let take_name = TakeName::final_take(number as u32, questions::slugify(&q.id));
        let final_name = take_name.to_string();
        let limit = (limit_seconds > 0).then(|| self.frames(limit_seconds));
        capture.begin_take(
            &self.dir.path.join(&final_name),
            self.frames(self.prep_seconds),
            limit,
        )?;
        self.take_started(&mut answer, &take_name)?;
        capture.start(audio::START_TIMEOUT, &|| self.keys.interrupted())?;

        if let Some(next) =
            self.prep(&capture, self.frames(self.prep_seconds), self.prep_seconds)?
        {
            return self.cancel_in_prep(&capture, answer, next);
        }

        loop {
            let (outcome, exit, key_at) = self.record(&capture, limit)?;
            let saved = self.take_ended(&mut answer.recording, &outcome);
            match exit {
                TakeExit::Retake | TakeExit::Skip => {
                    // Keep this take under its own name: nothing is thrown away.
                    let (k, kept) = self.keep_as_earlier_take(&mut answer)?;
                    if exit == TakeExit::Skip {
                        answer.recording.status = AnswerStatus::Skipped;
                        c.line(format!("skipped (the recording is kept as {kept})"));
                        self.save_answer(answer)?;
                        return Ok(Next::Continue);
                    }
                    self.save_answer(answer.clone())?;
                    c.line(format!("take {k} kept as {kept}; recording again"));
                    capture.begin_take(&self.dir.path.join(&final_name), key_at, limit)?;
                    self.take_started(&mut answer, &take_name)?;
                }
                TakeExit::Interrupt => {
                    answer.recording.status = AnswerStatus::Interrupted;
                    c.line(format!("{saved} · interrupted"));
                    self.save_answer(answer)?;
                    return Ok(Next::Interrupted);
                }
                TakeExit::Failed => {
                    c.line(format!("{saved} · recording stopped"));
                    match self.take_failed(capture, &mut answer, &outcome, &take_name, limit)? {
                        Ok(new_capture) => capture = new_capture,
                        Err(next) => return Ok(next),
                    }
                }
                TakeExit::Stop | TakeExit::Limit | TakeExit::Quit => {
                    c.line(if exit == TakeExit::Limit {
                        format!("{saved} · time limit reached")
                    } else {
                        saved
                    });
                    answer.recording.metrics = self.analyze_take(&final_name);
                    self.save_answer(answer.clone())?;
                    // Follow-ups record into other files: the answer's own
                    // take is done growing.
                    self.recording = None;
                    if let Some(t) = &mut self.transcriber {
                        t.finish(
                            RecordingKey::answer(number as u32),
                            answer.takes.len(),
                            self.dir.path.join(&final_name),
                        );
                    }
                    if exit == TakeExit::Quit {
                        return Ok(Next::Quit);
                    }
                    return match self.follow_up_of(number, q) {
                        Some(text) if self.follow_ups => {
                            let name = TakeName::parse(&final_name)
                                .context("a take's own name does not parse")?
                                .follow_up(1);
                            self.ask_follow_up(answer, text, &name, &capture, limit_seconds)
                        }
                        _ => Ok(Next::Continue),
                    };
                }
            }
        }
    }

    /// A question's own limit applies when it is shorter than the session's.
    fn limit_for(&self, q: &Question) -> u32 {
        match (q.limit_seconds, self.limit_seconds) {
            (Some(own), 0) => own,
            (Some(own), session) => own.min(session),
            (None, session) => session,
        }
    }

    /// Show the question (`open_capture` speaks it).
    fn announce(&mut self, number: usize, total: usize, q: &Question) {
        let c = self.console;
        c.line("");
        c.line(c.bold(&format!(
            "Question {number} of {total} · {}",
            questions::category_title(&q.category)
        )));
        c.paragraph(&q.text);
        if let Some(tip) = &q.tips {
            c.paragraph(c.dim(&format!("Tip: {tip}")));
        }
    }

    /// Speak a question or follow-up aloud (with `--speak`), returning once
    /// the voice has finished or a stop signal came. Every spoken prompt
    /// goes through here, and what follows starts on the audio clock after
    /// it: `open_capture` opens the input only then, a follow-up arms its
    /// reply from the frame of that moment (issue 13).
    fn speak_prompt(&mut self, text: &str) {
        if self.speak {
            let interrupt = &self.interrupt;
            if let Err(e) = speak(text, || interrupt.requested()) {
                self.console.warn(format!("cannot speak the question: {e}"));
                self.speak = false;
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
    /// before the speech started its clock seconds early, issue 13.) Every
    /// spoken prompt goes through here. `Err(Interrupted)`: a stop signal
    /// came during the speech.
    fn open_capture(&mut self, spoken: &str) -> std::result::Result<CaptureStream, Next> {
        self.speak_prompt(spoken);
        if self.interrupt.requested() {
            return Err(Next::Interrupted);
        }
        self.interrupt
            .blocking(|| CaptureStream::open(&self.device, &self.request))
            .map_err(|e| {
                Next::DeviceLost(format!(
                    "cannot open the input device again: {e}; the answers so far are saved in {}",
                    self.dir.path.display()
                ))
            })
    }

    /// The prep ended in a skip, quit, Ctrl-C or a lost device: nothing was
    /// recorded yet, so the armed take's empty file goes and the log stops
    /// listing it. If the key came just as the take began, what was recorded
    /// is kept as an earlier take.
    fn cancel_in_prep(
        &mut self,
        capture: &CaptureStream,
        mut answer: Answer,
        next: Next,
    ) -> Result<Next> {
        match capture.cancel_take()? {
            None => answer.cancel_empty_take(),
            Some(_) => {
                self.keep_as_earlier_take(&mut answer)?;
                answer.recording.frames = 0;
                answer.recording.duration_seconds = 0.0;
            }
        }
        answer.recording.status = match next {
            Next::Continue | Next::Quit => AnswerStatus::Skipped,
            _ => AnswerStatus::Interrupted,
        };
        if next == Next::Continue {
            self.console.line("skipped");
        }
        self.save_answer(answer)?;
        Ok(next)
    }

    /// Say what the device or the ring lost during a take (counted, never hidden).
    /// A take (or a follow-up's reply) ended: put what it recorded into
    /// its log entry, warn of what was lost, and return its `saved …` line.
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

    fn warn_losses(&self, outcome: &TakeOutcome) {
        let c = self.console;
        if outcome.overruns > 0 {
            c.warn(format!(
                "the input device reported {} overrun{} during this take: a moment of audio may be missing",
                outcome.overruns,
                if outcome.overruns == 1 { "" } else { "s" }
            ));
        }
        if outcome.dropped_frames > 0 {
            c.warn(format!(
                "{} frames were lost between the device and the file (system overloaded?)",
                outcome.dropped_frames
            ));
        }
        if outcome.drain_timed_out {
            c.warn("the device did not deliver the last moments of audio in time");
        }
    }

    /// A take ended on a failure. A write failure (full disk, file-size
    /// limit) ends the session with what was written kept. A lost device
    /// keeps the partial take and, on a terminal, offers another device:
    /// `Ok(stream)` records the answer again there; `Err(next)` ends here.
    fn take_failed(
        &mut self,
        lost: CaptureStream,
        answer: &mut Answer,
        outcome: &TakeOutcome,
        take_name: &TakeName,
        limit: Option<u64>,
    ) -> Result<std::result::Result<CaptureStream, Next>> {
        let c = self.console;
        let number = answer.number;
        answer.recording.status = AnswerStatus::Interrupted;
        if outcome.end == TakeEnd::WriteFailed {
            let e = outcome.write_error.clone().unwrap_or_default();
            // Best effort: the disk may be too full for the log too.
            let logged = self.save_answer(answer.clone());
            return Ok(Err(Next::WriteFailed(format!(
                "recording stopped: cannot write {e}; {} of answer {number} kept{}",
                crate::clock::clock_seconds(
                    outcome.frames as f64 / f64::from(self.sample_rate.max(1))
                ),
                if logged.is_ok() {
                    ""
                } else {
                    " (not yet in the log)"
                }
            ))));
        }
        self.save_answer(answer.clone())?;
        let final_name = take_name.to_string();
        let message =
            self.device_lost_message(&lost, Some((number as usize, &final_name, outcome)));
        // Without a terminal the message is the error line itself.
        if self.keys.is_terminal() {
            c.warn(&message);
        }
        let Some(mut capture) = self.choose_device()? else {
            return Ok(Err(Next::DeviceLost(message)));
        };
        // The partial take is kept as an earlier take and the answer starts
        // again on the new device.
        let (k, kept) = self.keep_as_earlier_take(answer)?;
        self.save_answer(answer.clone())?;
        drop(lost);
        self.sample_rate = capture.sample_rate();
        answer.recording.sample_rate = self.sample_rate;
        // The log describes the input as now opened.
        let format = capture.format();
        self.session.input = Some(InputInfo {
            device_id: self.device.id.clone(),
            device_name: self.device.name.clone(),
            sample_rate: format.sample_rate,
            channels: format.channels,
            sample_format: format.sample_format.clone(),
        });
        capture.begin_take(&self.dir.path.join(&final_name), 0, limit)?;
        self.take_started(answer, take_name)?;
        capture.start(audio::START_TIMEOUT, &|| self.keys.interrupted())?;
        c.line(format!(
            "take {k} kept as {kept}; recording again from {}",
            self.device.id
        ));
        Ok(Ok(capture))
    }

    /// The prep countdown, on the audio clock, while the armed take waits
    /// to begin at frame `start` (`seconds` of prep, as shown).
    /// `None`: go on and record; `Some(next)`: skipped (`Continue`), quit,
    /// interrupted or device lost, and the armed take is to be cancelled.
    fn prep(&mut self, capture: &CaptureStream, start: u64, seconds: u32) -> Result<Option<Next>> {
        let origin = capture.position().min(start);
        let prep_frames = start - origin;
        if prep_frames == 0 {
            return Ok(None);
        }
        let c = self.console;
        if !c.is_interactive() {
            c.line(format!("prepare: {seconds} s (Enter starts now)"));
        }
        let _raw = self.keys.raw_mode();
        let bar = c.timer_bar(Some(self.ms(prep_frames)), "prep");
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
            match self.keys.poll(POLL) {
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
    fn record(
        &mut self,
        capture: &CaptureStream,
        limit: Option<u64>,
    ) -> Result<(TakeOutcome, TakeExit, u64)> {
        let c = self.console;
        if !c.is_interactive() {
            c.line(match limit {
                None => "recording (Enter stops)".to_string(),
                Some(l) => format!("recording, limit {} s (Enter stops)", self.ms(l) / 1000),
            });
        }
        let _raw = self.keys.raw_mode();
        let bar = c.timer_bar(limit.map(|l| self.ms(l)), "● rec");
        let mut quiet_since: Option<u64> = None;
        let mut next_grow = self.frames(GROW_EVERY_SECONDS);
        let mut silence_told = false;
        // For MOCKVIEW_TIMING (tests, benchmarks): when the meter first
        // shows sound, without a terminal to draw it on.
        let mut trace_meter = !c.is_interactive() && std::env::var_os("MOCKVIEW_TIMING").is_some();
        let (exit, key_time) = loop {
            if trace_meter && capture.level().peak >= METER_TRACE_PEAK {
                eprintln!("timing: meter heard sound");
                trace_meter = false;
            }
            if let Some(outcome) = capture.poll_finished() {
                bar.finish_and_clear();
                self.last_key = Some(Instant::now());
                self.tell_silent_input(capture, outcome.frames, &mut silence_told);
                let exit = match outcome.end {
                    TakeEnd::Limit => TakeExit::Limit,
                    TakeEnd::WriteFailed | TakeEnd::DeviceLost => TakeExit::Failed,
                    TakeEnd::Stopped => TakeExit::Stop,
                };
                let at = capture.position();
                return Ok((outcome, exit, at));
            }
            let frames = capture.take_frames();
            if frames >= next_grow {
                next_grow = frames + self.frames(GROW_EVERY_SECONDS);
                if let (Some(t), Some((n, k, path))) = (&mut self.transcriber, &self.recording) {
                    t.grow(RecordingKey::answer(*n), *k, path.clone());
                }
            }
            if c.is_interactive() {
                bar.set_position(self.ms(frames));
                let level = capture.level();
                let mut msg = level_meter(level.peak);
                if level.peak >= 0.99 || level.clipped > 0 {
                    msg.push_str("  CLIPPING: move back or lower the gain");
                }
                if let Some(hint) = self.silent_input_hint(capture, frames) {
                    msg.push_str(&format!("  {hint}"));
                } else if level.rms < 0.003 {
                    let since = *quiet_since.get_or_insert(frames);
                    if frames.saturating_sub(since) > self.frames(3) {
                        msg.push_str("  too quiet: is the microphone on?");
                    }
                } else {
                    quiet_since = None;
                }
                if let Some(l) = limit {
                    let left = l.saturating_sub(frames);
                    if left <= self.frames(LAST_SECONDS_WARNING) {
                        msg.push_str(&format!("  {} s left", self.ms(left) / 1000 + 1));
                    }
                }
                bar.set_message(msg);
            } else {
                self.tell_silent_input(capture, frames, &mut silence_told);
            }
            match self.keys.poll(POLL) {
                Some((Key::Enter, t)) => break (TakeExit::Stop, t),
                Some((Key::Char('r'), t)) => break (TakeExit::Retake, t),
                Some((Key::Char('s'), t)) => break (TakeExit::Skip, t),
                Some((Key::Char('q'), t)) => break (TakeExit::Quit, t),
                Some((Key::Interrupt, t)) => break (TakeExit::Interrupt, t),
                None if self.keys.at_eof() && limit.is_none() => {
                    break (TakeExit::Stop, Instant::now())
                }
                _ => {}
            }
        };
        bar.finish_and_clear();
        self.last_key = Some(key_time);
        let stop_at = capture.frame_at(key_time);
        if stop_at > capture.position() {
            c.line(c.dim("saving the last words…"));
        }
        let outcome = capture.stop_take(stop_at, DRAIN_TIMEOUT)?;
        self.tell_silent_input(capture, outcome.frames, &mut silence_told);
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
    fn silent_input_hint(&self, capture: &CaptureStream, take_frames: u64) -> Option<String> {
        (take_frames >= self.frames(SILENT_INPUT_SECONDS) && capture.level().take_is_silent())
            .then(|| format!("no sound from {}: is the microphone muted?", self.device.id))
    }

    /// Without a live line (no terminal), the hint is one plain line, once
    /// a take; a device faster than real time may finish the take before
    /// the loop sees it, so the end of the take checks too.
    fn tell_silent_input(&self, capture: &CaptureStream, take_frames: u64, told: &mut bool) {
        if *told || self.console.is_interactive() {
            return;
        }
        if let Some(hint) = self.silent_input_hint(capture, take_frames) {
            self.console.warn(hint);
            *told = true;
        }
    }

    /// The follow-up to ask after answer `number` to `q`: one of the
    /// question's, picked by the session's seed (so a seed repeats them).
    fn follow_up_of(&self, number: usize, q: &Question) -> Option<String> {
        let n = q.follow_ups.len();
        (n > 0).then(|| {
            let i = (self.seed % n as u64 + number as u64) % n as u64;
            q.follow_ups[i as usize].clone()
        })
    }

    /// Ask a follow-up after a recorded answer, on the same stream: shown
    /// (and spoken), half the prep and limit, its reply recorded to its own
    /// file and listed in the answer's `follow_ups` from the moment the file
    /// exists. Skippable like a question; a retake key just ends it (there
    /// are no retakes of a follow-up).
    fn ask_follow_up(
        &mut self,
        mut answer: Answer,
        text: String,
        name: &TakeName,
        capture: &CaptureStream,
        question_limit: u32,
    ) -> Result<Next> {
        let c = self.console;
        c.line("");
        c.line(c.bold(&format!("Follow-up to question {}", answer.number)));
        c.paragraph(&text);
        self.speak_prompt(&text);
        let prep_seconds = follow_up_seconds(self.prep_seconds);
        let limit_seconds = follow_up_seconds(question_limit);
        let limit = (limit_seconds > 0).then(|| self.frames(limit_seconds));
        // The stream ran while the follow-up was spoken: the prep (and so
        // the reply) starts at the frame of the moment the voice ended, not
        // at the frames received so far, which lag the device's latency
        // behind it (up to 2 s through ALSA's pulse plugin) and would put
        // the end of the spoken follow-up into the reply.
        let start = capture.frame_at(Instant::now()) + self.frames(prep_seconds);
        let file = name.to_string();
        capture.begin_take(&self.dir.path.join(&file), start, limit)?;
        let mut reply = FollowUp::begin(name, text, self.sample_rate);
        self.save_follow_up(&mut answer, &reply)?;

        if let Some(next) = self.prep(capture, start, prep_seconds)? {
            if capture.cancel_take()?.is_none() {
                reply.recording.cancel_empty();
            }
            reply.recording.status = match next {
                Next::Continue | Next::Quit => AnswerStatus::Skipped,
                _ => AnswerStatus::Interrupted,
            };
            if next == Next::Continue {
                c.line("follow-up skipped");
            }
            self.save_follow_up(&mut answer, &reply)?;
            return Ok(next);
        }
        let (outcome, exit, _) = self.record(capture, limit)?;
        let saved = self.take_ended(&mut reply.recording, &outcome);
        let next = match exit {
            TakeExit::Stop | TakeExit::Limit | TakeExit::Quit | TakeExit::Retake => {
                reply.recording.metrics = self.analyze_take(&file);
                if let Some(t) = &mut self.transcriber {
                    let key = RecordingKey {
                        answer: answer.number,
                        follow_up: Some(reply.number),
                    };
                    t.finish(key, 1, self.dir.path.join(&file));
                }
                c.line(if exit == TakeExit::Limit {
                    format!("{saved} · time limit reached")
                } else {
                    saved
                });
                if exit == TakeExit::Quit {
                    Next::Quit
                } else {
                    Next::Continue
                }
            }
            TakeExit::Skip => {
                reply.recording.status = AnswerStatus::Skipped;
                c.line(format!(
                    "follow-up skipped (the recording is kept as {file})"
                ));
                Next::Continue
            }
            TakeExit::Interrupt => {
                reply.recording.status = AnswerStatus::Interrupted;
                c.line(format!("{saved} · interrupted"));
                Next::Interrupted
            }
            TakeExit::Failed => {
                reply.recording.status = AnswerStatus::Interrupted;
                c.line(format!("{saved} · recording stopped"));
                match &outcome.write_error {
                    Some(e) => Next::WriteFailed(format!(
                        "recording stopped: cannot write {e}; the follow-up to answer {} is kept",
                        answer.number
                    )),
                    None => Next::DeviceLost(self.device_lost_message(capture, None)),
                }
            }
        };
        self.save_follow_up(&mut answer, &reply)?;
        Ok(next)
    }

    /// Put a follow-up's current state in its answer, and the answer in the log.
    fn save_follow_up(&mut self, answer: &mut Answer, reply: &FollowUp) -> Result<()> {
        answer.put_follow_up(reply.clone());
        self.save_answer(answer.clone())
    }

    /// Delivery metrics of a final take (issue 4): a few tens of ms for a
    /// two-minute answer. A take that cannot be analysed is kept without.
    fn analyze_take(&self, name: &str) -> Option<crate::analysis::Metrics> {
        let path = self.dir.path.join(name);
        match crate::analysis::analyze_wav(&path, &crate::analysis::AnalysisConfig::default()) {
            Ok(m) => Some(m),
            Err(e) => {
                self.console.warn(format!("cannot analyse the answer: {e}"));
                None
            }
        }
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

    /// A take's file was just created: list it in the log before a single
    /// frame goes into it (`Answer::begin_take`).
    fn take_started(&mut self, answer: &mut Answer, name: &TakeName) -> Result<()> {
        answer.begin_take(name);
        self.recording = Some((
            answer.number,
            answer.takes.len(),
            self.dir.path.join(name.to_string()),
        ));
        self.save_answer(answer.clone())
    }

    /// One plain line: the device failed, and what of the answer is kept.
    fn device_lost_message(
        &self,
        capture: &CaptureStream,
        kept: Option<(usize, &str, &TakeOutcome)>,
    ) -> String {
        let cause = capture
            .error()
            .unwrap_or_else(|| "it stopped delivering audio".into());
        let what = match kept {
            Some((n, file, o)) => format!(
                "{} of answer {n} is kept in {}",
                crate::clock::clock_seconds(o.frames as f64 / f64::from(self.sample_rate.max(1))),
                self.dir.path.join(file).display()
            ),
            None => format!("the answers so far are kept in {}", self.dir.path.display()),
        };
        format!(
            "the input device {} was lost (unplugged, or the sound server dropped it: {cause}); {what}",
            self.device.id
        )
    }

    /// After a lost device, on a terminal: try again on the default device or
    /// another, or stop. Without a terminal there is nobody to ask: stop.
    fn choose_device(&mut self) -> Result<Option<CaptureStream>> {
        if !self.keys.is_terminal() {
            return Ok(None);
        }
        let c = self.console;
        loop {
            c.line("Enter: try again (default device) · type a device id · q: stop");
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line)? == 0 {
                return Ok(None);
            }
            let wanted = line.trim();
            if wanted.eq_ignore_ascii_case("q") {
                return Ok(None);
            }
            let found = audio::find_input((!wanted.is_empty()).then_some(wanted))
                .and_then(|d| CaptureStream::open(&d, &self.request).map(|s| (d, s)));
            match found {
                Ok((device, stream)) => {
                    self.device = device;
                    return Ok(Some(stream));
                }
                Err(e) => c.warn(format!("{e}")),
            }
        }
    }

    /// Store the transcripts finished so far (between questions).
    fn collect_transcripts(&mut self) -> Result<()> {
        let ready = match &mut self.transcriber {
            Some(t) => t.ready(),
            None => return Ok(()),
        };
        for done in ready {
            self.store_finished(done)?;
        }
        Ok(())
    }

    /// After the last question: wait for the transcripts still being made,
    /// with a progress line. Ctrl-C stops waiting (true): the log is valid
    /// and `mockview transcribe` finishes the job.
    fn finish_transcripts(&mut self) -> bool {
        let left = self.transcriber.as_ref().map_or(0, |t| t.pending());
        if left == 0 {
            return false;
        }
        let c = self.console;
        c.line(c.dim(&format!(
            "transcribing: {left} recording{} left…",
            if left == 1 { "" } else { "s" }
        )));
        loop {
            let Some(t) = &mut self.transcriber else {
                return false;
            };
            if t.pending() == 0 {
                return false;
            }
            if self.interrupt.requested() {
                c.line(format!(
                    "transcription stopped: `mockview transcribe {}` finishes it",
                    self.dir.id
                ));
                return true;
            }
            if let Some(done) = t.next(POLL) {
                if let Err(e) = self.store_finished(done) {
                    c.warn(format!("{e:#}"));
                }
            }
        }
    }

    fn store_finished(&mut self, done: Finished) -> Result<()> {
        match done.result {
            Ok(transcript) => {
                if self
                    .session
                    .set_transcript(done.key, transcript, &self.content_rules)
                {
                    self.dir.save(&self.session)?;
                }
            }
            Err(e) => {
                if self.transcribe_error.as_deref() != Some(e.as_str()) {
                    self.console.warn(format!(
                        "cannot transcribe {}: {e} (`mockview transcribe {}` can try again)",
                        done.key, self.dir.id
                    ));
                    self.transcribe_error = Some(e);
                }
            }
        }
        Ok(())
    }

    /// Put the answer's current state in the log (replacing an earlier state
    /// of the same answer) and save atomically.
    fn save_answer(&mut self, mut answer: Answer) -> Result<()> {
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
}

/// Open and start the input, and wait for its first frames, before anything
/// is shown or made: a device that delivers nothing (a suspended source)
/// would otherwise leave the session waiting on question 1 for ever. The
/// stream is closed again; each question opens its own.
fn check_input(
    device: &InputDevice,
    request: &InputRequest,
    interrupt: &Interrupt,
) -> Result<audio::StreamFormat> {
    let mut capture = interrupt.blocking(|| CaptureStream::open(device, request))?;
    let started = Instant::now();
    let result = capture.start(audio::START_TIMEOUT, &|| interrupt.requested());
    if std::env::var_os("MOCKVIEW_TIMING").is_some() {
        eprintln!("timing: first_frames_ms={}", started.elapsed().as_millis());
    }
    if interrupt.requested() {
        return Err(Interrupted.into());
    }
    // No audio in time is `AudioError::NoAudio`, which names the device and
    // where to look next.
    result?;
    if let Some(cause) = capture.error() {
        anyhow::bail!(
            "the input device {} failed as it started ({cause}): check it with `mockview mic-check --device {}`, or pick another from `mockview devices`",
            device.id,
            device.id
        );
    }
    Ok(capture.format().clone())
}

/// How many times each question was answered in earlier sessions (for
/// `--order fresh`). Unreadable sessions are passed over here; `sessions`
/// reports them.
fn print_summary(c: &Console, session: &Session, path: &Path) {
    c.line("");
    c.line(c.bold("Summary"));
    for a in &session.answers {
        let dur = if a.recording.file.is_some() {
            crate::clock::clock_seconds(a.recording.duration_seconds)
        } else {
            "-".into()
        };
        let takes = match a.takes.len() {
            0 | 1 => String::new(),
            n => format!(" ({n} takes)"),
        };
        c.line(format!(
            "{:>2}. {:<11} {:>5}  {}{}",
            a.number,
            a.recording.status.as_str(),
            dur,
            truncate(&a.question.text, 60),
            takes
        ));
        if let (Some(m), Some(_)) = (&a.recording.metrics, &a.recording.file) {
            c.line(format!("    {}", m.brief()));
        }
        if let (Some(t), Some(_)) = (&a.recording.transcript, &a.recording.file) {
            c.line(format!(
                "    {} words: “{}”",
                t.words.len(),
                truncate(&t.text, 70)
            ));
        }
        // Once the answer is transcribed: what the words say, and the flags.
        if let Some(content) = &a.recording.content {
            c.line(format!("    {}", content.brief()));
            for f in &content.flags {
                c.line(format!("    - {}", f.message));
            }
        }
        for f in &a.follow_ups {
            let dur = if f.recording.file.is_some() {
                crate::clock::clock_seconds(f.recording.duration_seconds)
            } else {
                "-".into()
            };
            c.line(format!(
                "    follow-up: {:<11} {:>5}  {}",
                f.recording.status.as_str(),
                dur,
                truncate(&f.text, 54)
            ));
        }
    }
    let (n, secs) = session.answered();
    c.line(format!(
        "{n} answer{} recorded, {} in all · {}",
        if n == 1 { "" } else { "s" },
        crate::clock::clock_seconds(secs),
        path.display()
    ));
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
