//! `mockview practice`: pick questions, open the input, and for each question
//! show it, count down the prep time, record the answer (retake, skip, quit),
//! and save the log after every change.
//!
//! Never lose an answer (issue 5): a take enters the log (status
//! `interrupted`, its file listed) the moment its WAV is created, and is
//! updated when it ends, so the log lists every WAV on disk whatever moment
//! a crash comes at; `mockview repair` does the rest.
//!
//! With a Whisper model installed, each final take is transcribed in the
//! background (`transcription::BackgroundTranscriber`) while the next
//! question is read and prepared; the summary waits only for what is left.

use super::transcription::{self, BackgroundTranscriber, Finished};
use super::Interrupted;
use crate::audio::{self, CaptureStream, InputDevice, InputRequest, TakeEnd, TakeOutcome};
use crate::cli::{OrderArg, PracticeArgs};
use crate::questions::{self, Order, Question, SelectionRequest};
use crate::session::TakeName;
use crate::session::{
    Answer, AnswerStatus, InputInfo, QuestionRef, Session, SessionDir, SessionStatus, SessionStore,
    Settings,
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
/// While a take records, the transcriber is told this often that it has
/// grown (it works once a whole 30 s window is on disk).
const GROW_EVERY_SECONDS: u32 = 10;
/// Warn when this much of the limit is left.
const LAST_SECONDS_WARNING: u32 = 30;

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
    /// The stream opened (not started) to check the device before the
    /// session folder is made; used for the first question.
    opened: Option<CaptureStream>,
    sample_rate: u32,
    dir: &'a SessionDir,
    session: Session,
    prep_seconds: u32,
    limit_seconds: u32,
    speak: bool,
    /// For `MOCKVIEW_TIMING` (benchmarks): the last stop key and its drain.
    last_stop: Option<(Instant, Duration)>,
    /// For `MOCKVIEW_TIMING`: the last stop key, to time the summary from.
    last_key: Option<Instant>,
    /// Transcribes final takes while the session goes on; `None` without a
    /// model or with `--no-transcribe`.
    transcriber: Option<BackgroundTranscriber>,
    /// The last transcription error shown, so a broken model warns once.
    transcribe_error: Option<String>,
    /// The take being recorded (answer number, take count, file), for the
    /// transcriber to work on while it grows.
    recording: Option<(u32, usize, std::path::PathBuf)>,
    interrupt: Interrupt,
}

pub fn run(store: &SessionStore, args: PracticeArgs) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;

    // Everything that can be wrong with the request is checked before any
    // device is opened or any folder made.
    let banks = questions::resolve_banks(&args.banks)?;
    let order = match args.order {
        OrderArg::Random => Order::Random,
        OrderArg::Listed => Order::Listed,
        OrderArg::Fresh => Order::Fresh,
    };
    let history = if order == Order::Fresh {
        practised_counts(store)
    } else {
        HashMap::new()
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let picked = questions::select(
        &banks,
        &SelectionRequest {
            count: args.count as usize,
            categories: &args.categories,
            order,
            seed,
            history: &history,
        },
    )?;

    if let Some(notice) = super::left_open_notice(store) {
        console.warn(notice);
    }
    let model = if args.no_transcribe {
        None
    } else {
        let model = transcription::chosen_model(&args.model)?;
        if model.is_none() {
            console.line(console.dim(transcription::NO_MODEL_HINT));
        }
        model
    };
    let device = audio::find_input(args.device.as_deref())?;
    let request = super::input_request(&args.input);
    let capture = CaptureStream::open(&device, &request)?;
    let format = capture.format().clone();

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
            prep_seconds: args.prep,
            limit_seconds: args.limit,
            banks: banks.iter().map(|b| b.name.clone()).collect(),
            categories: args.categories.clone(),
            order: order.to_string(),
            seed,
            speak: args.speak,
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
        opened: Some(capture),
        sample_rate: format.sample_rate,
        dir: &dir,
        session,
        prep_seconds: args.prep,
        limit_seconds: args.limit,
        speak: args.speak,
        last_stop: None,
        last_key: None,
        transcriber: model.map(BackgroundTranscriber::start),
        transcribe_error: None,
        recording: None,
        interrupt,
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
        c.line("");
        c.line(c.bold(&format!(
            "Question {number} of {total} · {}",
            questions::category_title(&q.category)
        )));
        c.paragraph(&q.text);
        if let Some(tip) = &q.tips {
            c.paragraph(c.dim(&format!("Tip: {tip}")));
        }
        if self.speak {
            if let Err(e) = speak(&q.text) {
                c.warn(format!("cannot speak the question: {e}"));
                self.speak = false;
            }
        }

        // A question's own limit applies when it is shorter than the session's.
        let limit_seconds = match (q.limit_seconds, self.limit_seconds) {
            (Some(own), 0) => own,
            (Some(own), session) => own.min(session),
            (None, session) => session,
        };
        let mut answer = Answer::new(
            number as u32,
            QuestionRef {
                id: q.id.clone(),
                text: q.text.clone(),
                category: q.category.clone(),
            },
            AnswerStatus::Skipped,
        );
        answer.sample_rate = self.sample_rate;

        // One stream per question: the take is armed (to start when the prep
        // time has passed on the audio clock) before the device starts, so
        // not one frame of the answer can go by unrecorded.
        let mut capture = match self.opened.take() {
            Some(c) => c,
            None => match CaptureStream::open(&self.device, &self.request) {
                Ok(c) => c,
                Err(e) => {
                    return Ok(Next::DeviceLost(format!(
                        "cannot open the input device again: {e}; the answers so far are saved in {}",
                        self.dir.path.display()
                    )));
                }
            },
        };
        self.sample_rate = capture.sample_rate();
        answer.sample_rate = self.sample_rate;
        let final_name = TakeName::final_take(number as u32, questions::slugify(&q.id)).to_string();
        let limit = (limit_seconds > 0).then(|| self.frames(limit_seconds));
        capture.begin_take(
            &self.dir.path.join(&final_name),
            self.frames(self.prep_seconds),
            limit,
        )?;
        self.take_started(&mut answer, &final_name)?;
        capture.play()?;

        if let Some(next) = self.prep(&capture)? {
            // Nothing was recorded yet: the armed take's empty file goes,
            // then the log stops listing it. If the key came just as the take
            // began, what was recorded is kept as an earlier take.
            match capture.cancel_take()? {
                None => {
                    answer.takes.pop();
                    answer.file = None;
                }
                Some(_) => {
                    self.keep_as_earlier_take(&mut answer, &final_name)?;
                }
            }
            answer.frames = 0;
            answer.duration_seconds = 0.0;
            answer.status = match next {
                Next::Continue | Next::Quit => AnswerStatus::Skipped,
                _ => AnswerStatus::Interrupted,
            };
            if next == Next::Continue {
                c.line("skipped");
            }
            self.save_answer(answer)?;
            return Ok(next);
        }

        loop {
            let (outcome, exit, key_at) = self.record(&capture, limit)?;
            answer.frames = outcome.frames;
            answer.duration_seconds = outcome.frames as f64 / f64::from(self.sample_rate);
            answer.dropped_frames += outcome.dropped_frames;
            answer.overruns += outcome.overruns;
            if outcome.overruns > 0 {
                c.warn(format!(
                    "the input device reported {} overrun{} during this take: a moment of audio may be missing",
                    outcome.overruns,
                    if outcome.overruns == 1 { "" } else { "s" }
                ));
            }
            answer.status = AnswerStatus::Recorded;
            if outcome.dropped_frames > 0 {
                c.warn(format!(
                    "{} frames were lost between the device and the file (system overloaded?)",
                    outcome.dropped_frames
                ));
            }
            if outcome.drain_timed_out {
                c.warn("the device did not deliver the last moments of audio in time");
            }
            let saved = format!(
                "saved {} ({})",
                final_name,
                crate::clock::clock_seconds(answer.duration_seconds)
            );
            match exit {
                TakeExit::Retake | TakeExit::Skip => {
                    // Keep this take under its own name: nothing is thrown away.
                    let (k, kept) = self.keep_as_earlier_take(&mut answer, &final_name)?;
                    if exit == TakeExit::Skip {
                        answer.status = AnswerStatus::Skipped;
                        c.line(format!("skipped (the recording is kept as {kept})"));
                        self.save_answer(answer)?;
                        return Ok(Next::Continue);
                    }
                    self.save_answer(answer.clone())?;
                    c.line(format!("take {k} kept as {kept}; recording again"));
                    capture.begin_take(&self.dir.path.join(&final_name), key_at, limit)?;
                    self.take_started(&mut answer, &final_name)?;
                }
                TakeExit::Interrupt => {
                    answer.status = AnswerStatus::Interrupted;
                    c.line(format!("{saved} · interrupted"));
                    self.save_answer(answer)?;
                    return Ok(Next::Interrupted);
                }
                TakeExit::Failed => {
                    answer.status = AnswerStatus::Interrupted;
                    c.line(format!("{saved} · recording stopped"));
                    if let Some(e) = outcome.write_error {
                        // Best effort: the disk may be too full for the log too.
                        let logged = self.save_answer(answer);
                        return Ok(Next::WriteFailed(format!(
                            "recording stopped: cannot write {e}; {} of answer {number} kept{}",
                            crate::clock::clock_seconds(
                                outcome.frames as f64 / f64::from(self.sample_rate.max(1))
                            ),
                            if logged.is_ok() {
                                ""
                            } else {
                                " (not yet in the log)"
                            }
                        )));
                    }
                    self.save_answer(answer.clone())?;
                    let message =
                        self.device_lost_message(&capture, Some((number, &final_name, &outcome)));
                    // Without a terminal the message is the error line itself.
                    if self.keys.is_terminal() {
                        c.warn(&message);
                    }
                    match self.choose_device()? {
                        None => return Ok(Next::DeviceLost(message)),
                        Some(new_capture) => {
                            // The partial take is kept as an earlier take and
                            // the answer starts again on the new device.
                            let (k, kept) = self.keep_as_earlier_take(&mut answer, &final_name)?;
                            self.save_answer(answer.clone())?;
                            drop(capture);
                            capture = new_capture;
                            self.sample_rate = capture.sample_rate();
                            answer.sample_rate = self.sample_rate;
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
                            self.take_started(&mut answer, &final_name)?;
                            capture.play()?;
                            c.line(format!(
                                "take {k} kept as {kept}; recording again from {}",
                                self.device.id
                            ));
                        }
                    }
                }
                TakeExit::Stop | TakeExit::Limit | TakeExit::Quit => {
                    c.line(if exit == TakeExit::Limit {
                        format!("{saved} · time limit reached")
                    } else {
                        saved
                    });
                    answer.metrics = self.analyze_take(&final_name);
                    let take = answer.takes.len();
                    self.save_answer(answer)?;
                    if let Some(t) = &mut self.transcriber {
                        t.finish(number as u32, take, self.dir.path.join(&final_name));
                    }
                    return Ok(if exit == TakeExit::Quit {
                        Next::Quit
                    } else {
                        Next::Continue
                    });
                }
            }
        }
    }

    /// The prep countdown, on the audio clock, while the armed take waits.
    /// `None`: go on and record; `Some(next)`: skipped (`Continue`), quit,
    /// interrupted or device lost, and the armed take is to be cancelled.
    fn prep(&mut self, capture: &CaptureStream) -> Result<Option<Next>> {
        let prep_frames = self.frames(self.prep_seconds);
        if prep_frames == 0 {
            return Ok(None);
        }
        let c = self.console;
        if !c.is_interactive() {
            c.line(format!(
                "prepare: {} s (Enter starts now)",
                self.prep_seconds
            ));
        }
        let _raw = self.keys.raw_mode();
        let bar = c.timer_bar(Some(self.ms(prep_frames)), "prep");
        bar.set_message("Enter: start now · s: skip · q: quit");
        let result = loop {
            let pos = capture.position();
            if pos >= prep_frames || capture.take_frames() > 0 {
                break None;
            }
            if capture.error().is_some() {
                break Some(Next::DeviceLost(self.device_lost_message(capture, None)));
            }
            bar.set_position(self.ms(pos));
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
        let (exit, key_time) = loop {
            if let Some(outcome) = capture.poll_finished() {
                bar.finish_and_clear();
                self.last_key = Some(Instant::now());
                let exit = match outcome.end {
                    TakeEnd::Limit => TakeExit::Limit,
                    TakeEnd::Failed => TakeExit::Failed,
                    TakeEnd::Stopped => TakeExit::Stop,
                };
                let at = capture.position();
                return Ok((outcome, exit, at));
            }
            let frames = capture.take_frames();
            if frames >= next_grow {
                next_grow = frames + self.frames(GROW_EVERY_SECONDS);
                if let (Some(t), Some((n, k, path))) = (&mut self.transcriber, &self.recording) {
                    t.grow(*n, *k, path.clone());
                }
            }
            if c.is_interactive() {
                bar.set_position(self.ms(frames));
                let level = capture.level();
                let mut msg = level_meter(level.peak);
                if level.peak >= 0.99 || level.clipped > 0 {
                    msg.push_str("  CLIPPING: move back or lower the gain");
                }
                if level.rms < 0.003 {
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
        self.last_stop = Some((key_time, outcome.drained));
        let exit = match outcome.end {
            TakeEnd::Failed => TakeExit::Failed,
            TakeEnd::Limit if exit == TakeExit::Stop => TakeExit::Limit,
            _ => exit,
        };
        Ok((outcome, exit, stop_at))
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
    fn keep_as_earlier_take(
        &self,
        answer: &mut Answer,
        final_name: &str,
    ) -> Result<(usize, String)> {
        let k = answer.takes.len();
        let kept = TakeName::parse(final_name)
            .context("a take's own name does not parse")?
            .earlier(k as u32)
            .to_string();
        std::fs::rename(self.dir.path.join(final_name), self.dir.path.join(&kept))
            .with_context(|| format!("cannot keep take {k} as {kept}"))?;
        crate::durable::sync_dir(&self.dir.path);
        answer.takes.pop();
        answer.takes.push(kept.clone());
        answer.file = None;
        Ok((k, kept))
    }

    /// A take's file was just created: list it in the log before a single
    /// frame goes into it, as an `interrupted` answer until the take ends.
    fn take_started(&mut self, answer: &mut Answer, file: &str) -> Result<()> {
        answer.takes.push(file.to_string());
        answer.file = Some(file.to_string());
        self.recording = Some((answer.number, answer.takes.len(), self.dir.path.join(file)));
        answer.status = AnswerStatus::Interrupted;
        answer.frames = 0;
        answer.duration_seconds = 0.0;
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
            "transcribing: {left} answer{} left…",
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
                let Some(a) = self
                    .session
                    .answers
                    .iter_mut()
                    .find(|a| a.number == done.number)
                else {
                    return Ok(());
                };
                transcription::store_transcript(a, transcript);
                self.dir.save(&self.session)?;
            }
            Err(e) => {
                if self.transcribe_error.as_deref() != Some(e.as_str()) {
                    self.console.warn(format!(
                        "cannot transcribe answer {}: {e} (`mockview transcribe {}` can try again)",
                        done.number, self.dir.id
                    ));
                    self.transcribe_error = Some(e);
                }
            }
        }
        Ok(())
    }

    /// Put the answer's current state in the log (replacing an earlier state
    /// of the same answer) and save atomically.
    fn save_answer(&mut self, answer: Answer) -> Result<()> {
        let answers = &mut self.session.answers;
        match answers.iter_mut().find(|a| a.number == answer.number) {
            Some(a) => *a = answer,
            None => answers.push(answer),
        }
        self.dir.save(&self.session)?;
        Ok(())
    }
}

/// How many times each question was answered in earlier sessions (for
/// `--order fresh`). Unreadable sessions are passed over here; `sessions`
/// reports them.
fn practised_counts(store: &SessionStore) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for dir in store.list().unwrap_or_default() {
        if let Ok(s) = dir.load() {
            for a in s.answers.iter().filter(|a| a.is_recorded()) {
                *counts.entry(a.question.id.clone()).or_insert(0) += 1;
            }
        }
    }
    counts
}

fn print_summary(c: &Console, session: &Session, path: &Path) {
    c.line("");
    c.line(c.bold("Summary"));
    for a in &session.answers {
        let dur = if a.file.is_some() {
            crate::clock::clock_seconds(a.duration_seconds)
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
            a.status.as_str(),
            dur,
            truncate(&a.question.text, 60),
            takes
        ));
        if let (Some(m), Some(_)) = (&a.metrics, &a.file) {
            c.line(format!("    {}", m.brief()));
        }
        if let (Some(t), Some(_)) = (&a.transcript, &a.file) {
            c.line(format!(
                "    {} words: “{}”",
                t.words.len(),
                truncate(&t.text, 70)
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
