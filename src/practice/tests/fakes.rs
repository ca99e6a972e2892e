//! Fakes of the room's world for the unit tests: a clock that moves only
//! when the flow waits for a key, an input stream on that clock (real WAV
//! files in a temporary folder, written when a take ends), a key script, a
//! screen that keeps its lines. A test runs a whole session in a few
//! milliseconds, with no sound card and no sleeping.
//!
//! The fake stream is a device that delivers in real time on the fake
//! clock: its position is the time since `start` times the rate.

use crate::audio::{AudioError, Level, StreamFormat, TakeEnd, TakeOutcome};
use crate::practice::world::{
    Clock, InputStream, Keys, Microphone, Screen, Speaker, Transcribed, Transcriber,
};
use crate::session::RecordingKey;
use crate::ui::{Key, RawModeGuard};
use indicatif::ProgressBar;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// The fake device's rate: low, so the WAVs the tests write stay small.
pub const RATE: u32 = 8000;

/// How a fake take fails at a given frame of the audio clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The device goes away (unplugged).
    Device,
    /// The disk fills up.
    Disk,
}

/// The state the fakes share: the clock, the device, the take.
#[derive(Debug)]
pub struct Audio {
    base: Instant,
    pub elapsed: Duration,
    /// When the current stream started, on the fake clock.
    played_at: Option<Duration>,
    take: Option<ArmedTake>,
    /// The current stream fails at this frame of its clock.
    pub failure: Option<(u64, Failure)>,
    pub level: Level,
    /// Streams opened so far (the input check's counts).
    pub opened: u32,
    /// `start` gives no audio: `AudioError::NoAudio`.
    pub silent_device: bool,
    /// Set by the key script: a stop signal came.
    pub interrupted: bool,
}

#[derive(Debug)]
struct ArmedTake {
    path: PathBuf,
    start: u64,
    limit: Option<u64>,
}

pub type Shared = Rc<RefCell<Audio>>;

pub fn audio() -> Shared {
    Rc::new(RefCell::new(Audio {
        base: Instant::now(),
        elapsed: Duration::ZERO,
        played_at: None,
        take: None,
        failure: None,
        level: Level {
            peak: 0.3,
            rms: 0.1,
            clipped: 0,
            take_peak: 0.3,
        },
        opened: 0,
        silent_device: false,
        interrupted: false,
    }))
}

impl Audio {
    fn now(&self) -> Instant {
        self.base + self.elapsed
    }

    fn position(&self) -> u64 {
        match self.played_at {
            Some(p) => frames(self.elapsed.saturating_sub(p)),
            None => 0,
        }
    }

    /// Frames of the armed take at audio frame `at`.
    fn take_frames_at(&self, at: u64) -> u64 {
        self.take.as_ref().map_or(0, |t| {
            let n = at.saturating_sub(t.start);
            t.limit.map_or(n, |l| n.min(l))
        })
    }

    /// End the take at frame `at` with `end`: its WAV written, its outcome.
    fn end_take(&mut self, at: u64, end: TakeEnd) -> TakeOutcome {
        let frames = self.take_frames_at(at);
        let take = self.take.take().expect("a take is armed");
        write_wav(&take.path, frames);
        TakeOutcome {
            path: take.path,
            frames,
            dropped_frames: 0,
            end,
            write_error: (end == TakeEnd::WriteFailed)
                .then(|| "the file: No space left on device (os error 28)".to_string()),
            drain_timed_out: false,
            overruns: 0,
            drained: Duration::ZERO,
        }
    }

    /// The take ended by itself by frame `at`: failed or at its limit.
    fn ended_by(&mut self, at: u64) -> Option<TakeOutcome> {
        let take = self.take.as_ref()?;
        if let Some((frame, failure)) = self.failure {
            if at >= frame {
                let end = match failure {
                    Failure::Device => TakeEnd::DeviceLost,
                    Failure::Disk => TakeEnd::WriteFailed,
                };
                return Some(self.end_take(frame, end));
            }
        }
        let limit = take.limit?;
        (at >= take.start + limit).then(|| self.end_take(at, TakeEnd::Limit))
    }
}

fn frames(d: Duration) -> u64 {
    (d.as_secs_f64() * f64::from(RATE)).round() as u64
}

/// A take's file: a 200 Hz tone, so the analysis has a voice to measure.
fn write_wav(path: &Path, frames: u64) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("writing a fake take");
    for i in 0..frames {
        let t = i as f64 / f64::from(RATE);
        let x = (t * 200.0 * std::f64::consts::TAU).sin() * 8000.0;
        w.write_sample(x as i16).expect("writing a fake take");
    }
    w.finalize().expect("writing a fake take");
}

pub struct FakeStream(pub Shared);

impl InputStream for FakeStream {
    fn format(&self) -> StreamFormat {
        StreamFormat {
            sample_rate: RATE,
            channels: 1,
            sample_format: "i16".into(),
        }
    }
    fn start(&mut self, timeout: Duration, _: &dyn Fn() -> bool) -> Result<(), AudioError> {
        let mut a = self.0.borrow_mut();
        if a.silent_device {
            return Err(AudioError::NoAudio {
                device: "fake".into(),
                waited: timeout,
            });
        }
        a.played_at = Some(a.elapsed);
        Ok(())
    }
    fn position(&self) -> u64 {
        self.0.borrow().position()
    }
    fn frame_at(&self, t: Instant) -> u64 {
        let a = self.0.borrow();
        let Some(played) = a.played_at else { return 0 };
        frames(t.saturating_duration_since(a.base + played)).max(a.position())
    }
    fn level(&self) -> Level {
        self.0.borrow().level
    }
    fn error(&self) -> Option<String> {
        // The device reports its failure itself, take or no take.
        let a = self.0.borrow();
        match a.failure {
            Some((frame, Failure::Device)) if a.position() >= frame => Some("unplugged".into()),
            _ => None,
        }
    }
    fn take_frames(&self) -> u64 {
        let a = self.0.borrow();
        a.take_frames_at(a.position())
    }
    fn begin_take(&self, path: &Path, start: u64, limit: Option<u64>) -> Result<(), AudioError> {
        write_wav(path, 0);
        self.0.borrow_mut().take = Some(ArmedTake {
            path: path.to_path_buf(),
            start,
            limit,
        });
        Ok(())
    }
    fn start_at(&self, frame: u64) {
        if let Some(t) = &mut self.0.borrow_mut().take {
            t.start = frame;
        }
    }
    fn cancel_take(&self) -> Result<Option<TakeOutcome>, AudioError> {
        let mut a = self.0.borrow_mut();
        let at = a.position();
        if a.take_frames_at(at) > 0 {
            return Ok(Some(a.end_take(at, TakeEnd::Stopped)));
        }
        let take = a.take.take().expect("a take is armed");
        std::fs::remove_file(&take.path).expect("removing an empty take");
        Ok(None)
    }
    fn poll_finished(&self) -> Option<TakeOutcome> {
        let mut a = self.0.borrow_mut();
        let at = a.position();
        a.ended_by(at)
    }
    fn stop_take(&self, at: u64, _: Duration) -> Result<TakeOutcome, AudioError> {
        let mut a = self.0.borrow_mut();
        if let Some(outcome) = a.ended_by(at) {
            return Ok(outcome);
        }
        Ok(a.end_take(at, TakeEnd::Stopped))
    }
}

/// The microphone: `fake`, and after a switch the device asked for.
pub struct FakeMicrophone {
    pub audio: Shared,
    pub id: String,
    /// The device ids a switch can find.
    pub others: Vec<String>,
}

impl Microphone for FakeMicrophone {
    fn device(&self) -> (String, String) {
        (self.id.clone(), format!("Fake {}", self.id))
    }
    fn open(&mut self) -> Result<Box<dyn InputStream>, AudioError> {
        let mut a = self.audio.borrow_mut();
        a.opened += 1;
        a.played_at = None;
        Ok(Box::new(FakeStream(self.audio.clone())))
    }
    fn switch(&mut self, wanted: Option<&str>) -> Result<Box<dyn InputStream>, AudioError> {
        let id = wanted.unwrap_or("default").to_string();
        if !self.others.contains(&id) {
            return Err(AudioError::DeviceNotFound {
                wanted: id,
                direction: "input",
            });
        }
        self.id = id;
        self.audio.borrow_mut().failure = None;
        self.open()
    }
}

/// One step of the key script.
#[derive(Debug, Clone)]
pub enum Step {
    /// Let this much time pass on the fake clock, no key.
    Wait(f64),
    Key(Key),
    /// A stop signal (SIGTERM) arrives.
    Signal,
}

/// Keys from a script; at its end, stdin has ended.
pub struct FakeKeys {
    pub audio: Shared,
    pub script: VecDeque<Step>,
    pub lines: VecDeque<String>,
    pub terminal: bool,
    eof: bool,
}

impl FakeKeys {
    pub fn new(audio: Shared, script: Vec<Step>) -> FakeKeys {
        FakeKeys {
            audio,
            script: script.into(),
            lines: VecDeque::new(),
            terminal: false,
            eof: false,
        }
    }

    fn advance(&self, d: Duration) {
        self.audio.borrow_mut().elapsed += d;
    }
}

impl Keys for FakeKeys {
    fn poll(&mut self, timeout: Duration) -> Option<(Key, Instant)> {
        if self.interrupted() {
            return Some((Key::Interrupt, self.audio.borrow().now()));
        }
        match self.script.pop_front() {
            None => {
                self.eof = true;
                self.advance(timeout);
                None
            }
            Some(Step::Wait(s)) => {
                let left = Duration::from_secs_f64(s);
                let step = left.min(timeout);
                self.advance(step);
                if left > step {
                    self.script
                        .push_front(Step::Wait((left - step).as_secs_f64()));
                }
                None
            }
            Some(Step::Key(k)) => {
                if k == Key::Interrupt {
                    self.audio.borrow_mut().interrupted = true;
                }
                Some((k, self.audio.borrow().now()))
            }
            Some(Step::Signal) => {
                self.audio.borrow_mut().interrupted = true;
                Some((Key::Interrupt, self.audio.borrow().now()))
            }
        }
    }
    fn at_eof(&self) -> bool {
        self.eof
    }
    fn is_terminal(&self) -> bool {
        self.terminal
    }
    fn interrupted(&self) -> bool {
        self.audio.borrow().interrupted
    }
    fn read_line(&mut self) -> Option<String> {
        self.lines.pop_front()
    }
    fn raw_mode(&self) -> Option<RawModeGuard> {
        None
    }
}

/// What the screen showed: lines, warnings and timing traces, in order.
#[derive(Debug, Default)]
pub struct Shown {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

pub struct FakeScreen(pub Rc<RefCell<Shown>>);

impl Screen for FakeScreen {
    fn is_interactive(&self) -> bool {
        false
    }
    fn line(&self, text: &str) {
        self.0.borrow_mut().lines.push(text.to_string());
    }
    fn paragraph(&self, text: &str) {
        self.line(text);
    }
    fn warn(&self, text: &str) {
        self.0.borrow_mut().warnings.push(text.to_string());
    }
    fn bold(&self, text: &str) -> String {
        text.to_string()
    }
    fn dim(&self, text: &str) -> String {
        text.to_string()
    }
    fn timer_bar(&self, _: Option<u64>, _: &str) -> ProgressBar {
        ProgressBar::hidden()
    }
    fn trace(&self, _: &str) {}
    fn tracing(&self) -> bool {
        false
    }
}

pub struct FakeClock(pub Shared);

impl Clock for FakeClock {
    fn now(&self) -> Instant {
        self.0.borrow().now()
    }
}

/// Speaks by letting `seconds` pass; with `signal`, a stop signal comes
/// while it speaks; `broken`: no voice at all.
pub struct FakeSpeaker {
    pub audio: Shared,
    pub spoken: Rc<RefCell<Vec<String>>>,
    pub seconds: f64,
    pub signal: bool,
    pub broken: bool,
}

impl Speaker for FakeSpeaker {
    fn speak(&mut self, text: &str, _: &dyn Fn() -> bool) -> Result<(), String> {
        if self.broken {
            return Err("no text-to-speech program found".into());
        }
        self.spoken.borrow_mut().push(text.to_string());
        let mut a = self.audio.borrow_mut();
        a.elapsed += Duration::from_secs_f64(self.seconds);
        if self.signal {
            a.interrupted = true;
        }
        Ok(())
    }
}

/// What the transcriber was asked: (grow or finish, recording, take).
pub type Asked = Rc<RefCell<Vec<(&'static str, RecordingKey, usize)>>>;

/// Records what it is asked; every job fails with one message, so the
/// room's warn-once rule shows.
pub struct FakeTranscriber {
    pub asked: Asked,
    pub pending: VecDeque<RecordingKey>,
}

impl Transcriber for FakeTranscriber {
    fn grow(&mut self, key: RecordingKey, take: usize, _: PathBuf) {
        self.asked.borrow_mut().push(("grow", key, take));
    }
    fn finish(&mut self, key: RecordingKey, take: usize, _: PathBuf) {
        self.asked.borrow_mut().push(("finish", key, take));
        self.pending.push_back(key);
    }
    fn pending(&self) -> usize {
        self.pending.len()
    }
    fn ready(&mut self) -> Vec<Transcribed> {
        self.pending
            .drain(..)
            .map(|k| (k, Err("the model is broken".to_string())))
            .collect()
    }
    fn next(&mut self, _: Duration) -> Option<Transcribed> {
        let k = self.pending.pop_front()?;
        Some((k, Err("the model is broken".to_string())))
    }
}
