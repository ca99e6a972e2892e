//! What the practice room talks to: the input stream, the keys, the
//! console, the clock, the speaker and the transcriber, each a small trait,
//! with the real implementations beside them (cpal capture, the terminal or
//! stdin lines, the system's text-to-speech). The unit tests put fakes in
//! their place (`tests/fakes.rs`), the way hyperfine's scheduler runs
//! against its `MockExecutor`, so the whole flow runs in-process in
//! milliseconds; the end-to-end tests (tests/it/practice_*.rs) keep these
//! real ones and real audio.

use crate::audio::{
    self, AudioError, CaptureStream, InputDevice, InputRequest, Level, StreamFormat, TakeOutcome,
};
use crate::session::RecordingKey;
use crate::transcript::Transcript;
use crate::ui::{Console, Interrupt, Key, KeySource, RawModeGuard};
use indicatif::ProgressBar;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// An open input: the audio clock (frames received), the live level, and
/// one take at a time written to its own file (see `audio::CaptureStream`,
/// whose methods these are).
pub trait InputStream {
    fn format(&self) -> StreamFormat;
    fn sample_rate(&self) -> u32 {
        self.format().sample_rate
    }
    /// Start the device and wait for its first audio (`cancelled`: Ctrl-C).
    fn start(&mut self, timeout: Duration, cancelled: &dyn Fn() -> bool) -> Result<(), AudioError>;
    /// Frames received so far: the audio clock.
    fn position(&self) -> u64;
    /// The frame that a key pressed at `t` refers to.
    fn frame_at(&self, t: Instant) -> u64;
    fn level(&self) -> Level;
    /// A stream error reported by the device (lost device...), if any.
    fn error(&self) -> Option<String>;
    /// Frames written to the current take so far.
    fn take_frames(&self) -> u64;
    /// Arm a take in a new file at `path` from frame `start`, ending by
    /// itself after `limit` frames.
    fn begin_take(&self, path: &Path, start: u64, limit: Option<u64>) -> Result<(), AudioError>;
    /// Move the start of an armed take that has not started yet.
    fn start_at(&self, frame: u64);
    /// End an armed take: `None` when nothing reached it (its file is gone).
    fn cancel_take(&self) -> Result<Option<TakeOutcome>, AudioError>;
    /// The take finished by itself (limit, failure), if it did.
    fn poll_finished(&self) -> Option<TakeOutcome>;
    /// Stop the take at frame `at`, waiting for the device's tail.
    fn stop_take(&self, at: u64, drain_timeout: Duration) -> Result<TakeOutcome, AudioError>;
}

/// The microphone the session records from, and the way to another one
/// after it is lost.
pub trait Microphone {
    /// The device's id and name, as the log and the messages give them.
    fn device(&self) -> (String, String);
    /// Open the current device (a stop signal meanwhile ends the program).
    fn open(&mut self) -> Result<Box<dyn InputStream>, AudioError>;
    /// Find `wanted` (the default device when `None`), open it, and record
    /// from it from now on.
    fn switch(&mut self, wanted: Option<&str>) -> Result<Box<dyn InputStream>, AudioError>;
}

/// The keys the person presses (see `ui::KeySource`).
pub trait Keys {
    /// The next key and the moment it came, waiting at most `timeout`.
    fn poll(&mut self, timeout: Duration) -> Option<(Key, Instant)>;
    /// No key will ever come (stdin ended).
    fn at_eof(&self) -> bool;
    /// A person at a terminal, who can be asked a question.
    fn is_terminal(&self) -> bool;
    /// Ctrl-C or SIGTERM came.
    fn interrupted(&self) -> bool;
    /// One whole line (a device id typed after a lost device).
    fn read_line(&mut self) -> Option<String>;
    /// Single key presses for the life of the guard (terminal only).
    fn raw_mode(&self) -> Option<RawModeGuard>;
}

/// Where the session's lines go (see `ui::Console`).
pub trait Screen {
    fn is_interactive(&self) -> bool;
    fn line(&self, text: &str);
    fn paragraph(&self, text: &str);
    fn warn(&self, text: &str);
    fn bold(&self, text: &str) -> String;
    fn dim(&self, text: &str) -> String;
    /// A countdown or recording line, drawn only on a terminal.
    fn timer_bar(&self, len_ms: Option<u64>, prefix: &str) -> ProgressBar;
    /// A `timing: …` line for benchmarks and tests (`MOCKVIEW_TIMING`);
    /// nothing when timing is off.
    fn trace(&self, text: &str);
    fn tracing(&self) -> bool;
}

/// Wall time, for the moments keys come and stops end.
pub trait Clock {
    fn now(&self) -> Instant;
}

/// Speaks a question aloud, returning once the voice has finished or
/// `stop` says so; an error says no voice could be used.
pub trait Speaker {
    fn speak(&mut self, text: &str, stop: &dyn Fn() -> bool) -> Result<(), String>;
}

/// A transcript delivered for one recording, or why not.
pub type Transcribed = (RecordingKey, Result<Transcript, String>);

/// Transcribes recordings while the session goes on (see
/// `commands::transcription::BackgroundTranscriber`).
pub trait Transcriber {
    /// Take `take` of recording `key` is still growing in `wav`.
    fn grow(&mut self, key: RecordingKey, take: usize, wav: PathBuf);
    /// Take `take` of recording `key` is final.
    fn finish(&mut self, key: RecordingKey, take: usize, wav: PathBuf);
    /// Recordings queued and not yet delivered.
    fn pending(&self) -> usize;
    /// The transcripts ready now.
    fn ready(&mut self) -> Vec<Transcribed>;
    /// Wait up to `timeout` for the next one.
    fn next(&mut self, timeout: Duration) -> Option<Transcribed>;
}

/// Everything the room talks to.
pub struct World {
    pub microphone: Box<dyn Microphone>,
    pub keys: Box<dyn Keys>,
    pub screen: Box<dyn Screen>,
    pub clock: Box<dyn Clock>,
    pub speaker: Box<dyn Speaker>,
    /// `None` without a model or with `--no-transcribe`.
    pub transcriber: Option<Box<dyn Transcriber>>,
}

impl InputStream for CaptureStream {
    fn format(&self) -> StreamFormat {
        CaptureStream::format(self).clone()
    }
    fn start(&mut self, timeout: Duration, cancelled: &dyn Fn() -> bool) -> Result<(), AudioError> {
        CaptureStream::start(self, timeout, cancelled)
    }
    fn position(&self) -> u64 {
        CaptureStream::position(self)
    }
    fn frame_at(&self, t: Instant) -> u64 {
        CaptureStream::frame_at(self, t)
    }
    fn level(&self) -> Level {
        CaptureStream::level(self)
    }
    fn error(&self) -> Option<String> {
        CaptureStream::error(self)
    }
    fn take_frames(&self) -> u64 {
        CaptureStream::take_frames(self)
    }
    fn begin_take(&self, path: &Path, start: u64, limit: Option<u64>) -> Result<(), AudioError> {
        CaptureStream::begin_take(self, path, start, limit)
    }
    fn start_at(&self, frame: u64) {
        CaptureStream::start_at(self, frame)
    }
    fn cancel_take(&self) -> Result<Option<TakeOutcome>, AudioError> {
        CaptureStream::cancel_take(self)
    }
    fn poll_finished(&self) -> Option<TakeOutcome> {
        CaptureStream::poll_finished(self)
    }
    fn stop_take(&self, at: u64, drain_timeout: Duration) -> Result<TakeOutcome, AudioError> {
        CaptureStream::stop_take(self, at, drain_timeout)
    }
}

/// A real input device through cpal.
pub struct DeviceMicrophone {
    device: InputDevice,
    request: InputRequest,
    /// Opening blocks in the device: a stop signal then exits at once.
    interrupt: Interrupt,
}

impl DeviceMicrophone {
    pub fn new(device: InputDevice, request: InputRequest, interrupt: Interrupt) -> Self {
        DeviceMicrophone {
            device,
            request,
            interrupt,
        }
    }
}

impl Microphone for DeviceMicrophone {
    fn device(&self) -> (String, String) {
        (self.device.id.clone(), self.device.name.clone())
    }
    fn open(&mut self) -> Result<Box<dyn InputStream>, AudioError> {
        self.interrupt
            .blocking(|| CaptureStream::open(&self.device, &self.request))
            .map(|s| Box::new(s) as Box<dyn InputStream>)
    }
    fn switch(&mut self, wanted: Option<&str>) -> Result<Box<dyn InputStream>, AudioError> {
        let device = audio::find_input(wanted)?;
        let stream = CaptureStream::open(&device, &self.request)?;
        self.device = device;
        Ok(Box::new(stream))
    }
}

impl Keys for KeySource {
    fn poll(&mut self, timeout: Duration) -> Option<(Key, Instant)> {
        KeySource::poll(self, timeout)
    }
    fn at_eof(&self) -> bool {
        KeySource::at_eof(self)
    }
    fn is_terminal(&self) -> bool {
        KeySource::is_terminal(self)
    }
    fn interrupted(&self) -> bool {
        KeySource::interrupted(self)
    }
    fn read_line(&mut self) -> Option<String> {
        KeySource::read_line(self)
    }
    fn raw_mode(&self) -> Option<RawModeGuard> {
        Some(KeySource::raw_mode(self))
    }
}

/// The terminal (or plain lines), with `timing: …` lines on stderr when
/// `MOCKVIEW_TIMING` is set.
pub struct ConsoleScreen {
    pub console: Console,
    pub timing: bool,
}

impl Screen for ConsoleScreen {
    fn is_interactive(&self) -> bool {
        self.console.is_interactive()
    }
    fn line(&self, text: &str) {
        self.console.line(text)
    }
    fn paragraph(&self, text: &str) {
        self.console.paragraph(text)
    }
    fn warn(&self, text: &str) {
        self.console.warn(text)
    }
    fn bold(&self, text: &str) -> String {
        self.console.bold(text)
    }
    fn dim(&self, text: &str) -> String {
        self.console.dim(text)
    }
    fn timer_bar(&self, len_ms: Option<u64>, prefix: &str) -> ProgressBar {
        self.console.timer_bar(len_ms, prefix)
    }
    fn trace(&self, text: &str) {
        if self.timing {
            // Not eprintln!: a closed stderr must not end the session.
            use std::io::Write;
            let _ = writeln!(std::io::stderr().lock(), "timing: {text}");
        }
    }
    fn tracing(&self) -> bool {
        self.timing
    }
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
}

/// The system's text-to-speech program (`ui::speak`).
pub struct SystemVoice;

impl Speaker for SystemVoice {
    fn speak(&mut self, text: &str, stop: &dyn Fn() -> bool) -> Result<(), String> {
        crate::ui::speak(text, stop)
    }
}
