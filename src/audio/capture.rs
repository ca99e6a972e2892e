//! `CaptureStream`: device -> lock-free ring -> writer thread -> `WavSink`.
//!
//! The cpal callback only converts samples to mono `i16` and pushes them into
//! a pre-allocated `rtrb` ring: no allocation, no lock, no I/O. When the ring
//! is full the frames are counted as dropped, never hidden. The writer thread
//! owns the WAV, follows the audio clock (frames received), and publishes
//! levels for the UI to poll.
//!
//! A stream is opened for each question, and a take is a window of frames
//! `[start, end)` on its clock. Keys are mapped onto that clock with the wall
//! time since `play()` (frame 0 ≈ the moment of `play()`): a key pressed at
//! wall time t means frame `(t - play) * rate`, or the frames already
//! received if the device runs ahead of real time (a virtual one). Stopping
//! therefore waits for the device to deliver what it still held at the key
//! press: the tail of the answer is kept (see docs/audio.md).

use super::convert::mono_frames;
use super::devices::InputDevice;
use super::wav::WavSink;
use super::AudioError;
use crate::level::{ClipCounter, FULL_SCALE};
use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Seconds of audio the ring holds: enough for the writer to be descheduled
/// for a long while, or for a virtual device running far ahead of real time.
const RING_SECONDS: usize = 20;
/// How long the writer waits for audio when the ring is empty (a command
/// wakes it at once). While data flows it does not wait at all, so a device
/// faster than real time is kept up with. Each wait is a thread wakeup:
/// from a sound server, which posts 5 ms packets for a low-latency client,
/// 10 ms cost 100 wakeups a second, a third of a recording's CPU time on
/// the native host; 20 ms adds at most 10 ms to the meter and the tail.
const IDLE_POLL: Duration = Duration::from_millis(20);
/// The device period asked for. Recording needs no low latency (stopping
/// waits for the tail anyway), and short periods cost wakeups: through
/// ALSA's pulse plugin the default periods meant ~8,000 polls a second and
/// ten times arecord's CPU time.
const PERIOD_SECONDS: f64 = 0.1;
/// Level meter window.
const LEVEL_WINDOW_SECONDS: f64 = 0.1;
/// How long `start()` waits for the device's first audio. A live source
/// delivers within a few hundred ms (a null sink's monitor fed at default
/// latency: up to 1.3 s); one that gives nothing (suspended at the server,
/// a dead driver) would otherwise leave the person before a frozen prompt.
pub const START_TIMEOUT: Duration = Duration::from_secs(5);
/// How often `start()` looks for the first audio and for a cancel request.
const START_POLL: Duration = Duration::from_millis(5);

/// What the stream was opened with.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamFormat {
    pub sample_rate: u32,
    pub channels: u16,
    /// As cpal names it: `i16`, `f32`, ...
    pub sample_format: String,
}

/// What to open an input with; `None` takes the device's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputRequest {
    pub sample_format: Option<SampleFormat>,
    pub channels: Option<u16>,
}

/// The input level over the last ~100 ms, for meters.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Level {
    /// 0.0..=1.0 of full scale.
    pub peak: f32,
    pub rms: f32,
    /// Clipped samples since the take began (`crate::level`'s rule).
    pub clipped: u64,
    /// The loudest sample since the take began, 0.0..=1.0 of full scale.
    pub take_peak: f32,
}

impl Level {
    /// Whether everything since the take began was digital silence (a
    /// muted microphone, not a quiet speaker).
    pub fn take_is_silent(&self) -> bool {
        f64::from(self.take_peak) < crate::level::MUTED_PEAK
    }
}

/// How a take ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeEnd {
    /// Stopped by a key; the audio up to the key press was kept.
    Stopped,
    /// Reached its frame limit.
    Limit,
    /// Writing the file failed (a full disk, a file-size limit); what was
    /// written is kept and valid, and `write_error` says why.
    WriteFailed,
    /// The device stopped delivering (unplugged, the server went away); what
    /// was written is kept and valid.
    DeviceLost,
}

/// A finished take.
#[derive(Debug, Clone, PartialEq)]
pub struct TakeOutcome {
    pub path: PathBuf,
    pub frames: u64,
    pub dropped_frames: u64,
    pub end: TakeEnd,
    /// The message of a write failure: set exactly when `end` is
    /// [`TakeEnd::WriteFailed`].
    pub write_error: Option<String>,
    /// True when the device did not deliver the tail within the drain timeout.
    pub drain_timed_out: bool,
    /// Overruns the device reported during the take: audio it lost before
    /// mockview saw it (counted, never hidden).
    pub overruns: u64,
    /// Wall time from the stop request to the end of the take: how long the
    /// device took to deliver the audio it still held at the key press.
    pub drained: Duration,
}

struct Shared {
    /// Set by `play()`. Some hosts deliver audio from the moment the stream
    /// is built (cpal's native PulseAudio host, seen 1.7 s before `play()`):
    /// those frames are not on the audio clock, whose frame 0 is `play()`.
    playing: AtomicBool,
    /// When the stream was opened: the origin of `played_nanos`.
    opened: Instant,
    /// Nanoseconds from `opened` to `play()`, plus one (0: not yet).
    played_nanos: AtomicU64,
    /// The stream runs on a sound server's clock (`on_sound_server`): there
    /// a take's limit is not reached before its wall time (`Shared::due`).
    real_time: bool,
    /// Set by the callback with the first frames after `play()`.
    flowing: AtomicBool,
    /// Frames the writer has taken out of the ring (the stream's audio clock).
    position: AtomicU64,
    /// Frames of a take the callback could not push because the ring was
    /// full (frames past the take's end are not part of any answer: a
    /// device faster than real time, the ALSA file plugin, keeps delivering
    /// while the writer closes the take, and those are not counted).
    dropped: AtomicU64,
    /// The end of the open take on the ring's clock (`OpenTake::end`), as
    /// the writer last published it; 0 when no take is open.
    take_end: AtomicU64,
    /// Overruns the device reported (it lost audio and recovered).
    overruns: AtomicU64,
    /// Frames written to the current take.
    take_frames: AtomicU64,
    take_active: AtomicBool,
    peak_bits: AtomicU32,
    rms_bits: AtomicU32,
    clipped: AtomicU64,
    /// The loudest |sample| written to the current take.
    take_peak: AtomicU32,
    fault: super::fault::Fault,
}

impl Shared {
    /// A stream just opened, not yet playing: every count at zero.
    fn new(real_time: bool) -> Shared {
        Shared {
            playing: AtomicBool::new(false),
            opened: Instant::now(),
            played_nanos: AtomicU64::new(0),
            real_time,
            flowing: AtomicBool::new(false),
            position: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            take_end: AtomicU64::new(0),
            overruns: AtomicU64::new(0),
            take_frames: AtomicU64::new(0),
            take_active: AtomicBool::new(false),
            peak_bits: AtomicU32::new(0),
            rms_bits: AtomicU32::new(0),
            clipped: AtomicU64::new(0),
            take_peak: AtomicU32::new(0),
            fault: Default::default(),
        }
    }

    /// Whether the wall clock has reached frame `frame` (0 = `play()`): a
    /// take's limit ends it only then.
    ///
    /// On a sound server audio never truly comes early, but a source may
    /// hand it out ahead of the clock: `module-sine-source` posts up to its
    /// 2 s latency ahead, 2 s at the moment a recorder connects. Followed
    /// by frames alone, a 3 s take there ended 2 s after it began, while
    /// the person was still being given a second. The limit ends a take
    /// only once both its audio and its time have come. Other hosts
    /// follow the frames alone: ALSA devices do not run ahead, except the
    /// `file` plugin of the tests, which is meant to run free.
    fn due(&self, frame: u64, rate: u32) -> bool {
        if !self.real_time {
            return true;
        }
        match self.played_nanos.load(Ordering::Acquire) {
            0 => false,
            n => {
                let at = Duration::from_nanos(n - 1)
                    + Duration::from_secs_f64(frame as f64 / f64::from(rate.max(1)));
                self.opened.elapsed() >= at
            }
        }
    }
}

enum Command {
    Begin {
        sink: WavSink,
        start: u64,
        limit: Option<u64>,
    },
    StartAt(u64),
    Stop {
        at: u64,
        deadline: Instant,
    },
    Cancel,
    Shutdown,
}

/// An open input stream and its writer thread.
pub struct CaptureStream {
    device_id: String,
    stream: Option<cpal::Stream>,
    shared: Arc<Shared>,
    commands: mpsc::Sender<Command>,
    finished: mpsc::Receiver<TakeOutcome>,
    writer: Option<JoinHandle<()>>,
    /// When `play()` started the device: frame 0 on the audio clock.
    played_at: Option<Instant>,
    format: StreamFormat,
}

impl CaptureStream {
    /// Open the device (its default input config, or the format and channel
    /// count asked for, at the default rate when it can). The stream does not
    /// run until `play()`, so a take can be armed to start at frame 0.
    pub fn open(device: &InputDevice, want: &InputRequest) -> Result<CaptureStream, AudioError> {
        let supported = super::devices::input_config(device, want)?;
        let format = supported.sample_format();
        let mut config: StreamConfig = supported.config();
        config.buffer_size = capture_period(&supported);
        let rate = config.sample_rate;
        let channels = config.channels.max(1) as usize;

        let (producer, consumer) = rtrb::RingBuffer::<i16>::new(rate as usize * RING_SECONDS);
        let shared = Arc::new(Shared::new(super::devices::on_sound_server(&device.device)));
        let (cmd_tx, cmd_rx) = mpsc::channel();
        let (done_tx, done_rx) = mpsc::channel();
        let writer = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("mockview-wav-writer".into())
                .spawn(move || writer_loop(consumer, cmd_rx, done_tx, shared, rate))
                .map_err(|source| AudioError::Thread {
                    thread: "writer",
                    source,
                })?
        };

        let stream = build_stream(device, &config, format, channels, producer, shared.clone())?;
        Ok(CaptureStream {
            device_id: device.id.clone(),
            stream: Some(stream),
            shared,
            commands: cmd_tx,
            finished: done_rx,
            writer: Some(writer),
            played_at: None,
            format: StreamFormat {
                sample_rate: rate,
                channels: config.channels,
                sample_format: format.to_string(),
            },
        })
    }

    /// Start the device and wait until its first audio arrives, so that
    /// what the person sees next (the recording line, the meter, the
    /// countdown) follows the sound. Gives up after `timeout` with
    /// `AudioError::NoAudio`; returns early, without error, once `cancelled`
    /// says so (Ctrl-C), leaving the caller to end as it does for a signal.
    pub fn start(
        &mut self,
        timeout: Duration,
        cancelled: &dyn Fn() -> bool,
    ) -> Result<(), AudioError> {
        self.play()?;
        let deadline = Instant::now() + timeout;
        while !self.shared.flowing.load(Ordering::Acquire) {
            if cancelled() || self.shared.fault.is_set() {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(AudioError::NoAudio {
                    device: self.device_id.clone(),
                    waited: timeout,
                });
            }
            std::thread::sleep(START_POLL);
        }
        Ok(())
    }

    /// True once the device has delivered audio since `play()`.
    pub fn is_flowing(&self) -> bool {
        self.shared.flowing.load(Ordering::Acquire)
    }

    /// Start the device without waiting for audio; frame 0 of the audio
    /// clock is now.
    pub fn play(&mut self) -> Result<(), AudioError> {
        if self.played_at.is_none() {
            let now = Instant::now();
            self.played_at = Some(now);
            let since_open = now.saturating_duration_since(self.shared.opened);
            self.shared
                .played_nanos
                .store(since_open.as_nanos() as u64 + 1, Ordering::Release);
            self.shared.playing.store(true, Ordering::Release);
            if let Some(stream) = &self.stream {
                stream
                    .play()
                    .map_err(|e| AudioError::open(&self.device_id, e))?;
            }
        }
        Ok(())
    }

    pub fn format(&self) -> &StreamFormat {
        &self.format
    }

    pub fn sample_rate(&self) -> u32 {
        self.format.sample_rate
    }

    /// Frames received so far: the audio clock.
    pub fn position(&self) -> u64 {
        self.shared.position.load(Ordering::Acquire)
    }

    /// Frames the device could not hand over since the stream opened.
    pub fn dropped_frames(&self) -> u64 {
        self.shared.dropped.load(Ordering::Relaxed)
    }

    /// The frame that a key pressed at `t` refers to: the wall time since
    /// `play()` on the audio clock, or what has already been received when
    /// the device runs ahead of real time; what was received if the device
    /// has delivered nothing yet.
    pub fn frame_at(&self, t: Instant) -> u64 {
        let Some(played_at) = self.played_at else {
            return 0;
        };
        // A device that has delivered nothing holds no tail to wait for
        // (a Ctrl-C while `start()` waited on a silent source).
        if !self.is_flowing() {
            return self.position();
        }
        let wall = t.saturating_duration_since(played_at).as_secs_f64();
        let by_clock = (wall * f64::from(self.format.sample_rate)) as u64;
        by_clock.max(self.position())
    }

    pub fn level(&self) -> Level {
        Level {
            peak: f32::from_bits(self.shared.peak_bits.load(Ordering::Relaxed)),
            rms: f32::from_bits(self.shared.rms_bits.load(Ordering::Relaxed)),
            clipped: self.shared.clipped.load(Ordering::Relaxed),
            take_peak: self.shared.take_peak.load(Ordering::Relaxed) as f32 / FULL_SCALE as f32,
        }
    }

    /// A stream error reported by the device (lost device...), if any.
    pub fn error(&self) -> Option<String> {
        self.shared.fault.message()
    }

    /// Frames written to the current take so far.
    pub fn take_frames(&self) -> u64 {
        self.shared.take_frames.load(Ordering::Acquire)
    }

    /// Arm a take in a new file at `path`, beginning with frame `start`
    /// (frames before it are not written; it may lie in the future, e.g. at
    /// the end of the prep time), ending by itself after `limit` frames.
    pub fn begin_take(
        &self,
        path: &Path,
        start: u64,
        limit: Option<u64>,
    ) -> Result<(), AudioError> {
        let sink =
            WavSink::create(path, self.format.sample_rate).map_err(|e| AudioError::Write {
                path: path.to_path_buf(),
                source: e,
            })?;
        self.shared.take_frames.store(0, Ordering::Release);
        self.shared.clipped.store(0, Ordering::Relaxed);
        self.shared.take_peak.store(0, Ordering::Relaxed);
        self.shared.take_active.store(true, Ordering::Release);
        self.commands
            .send(Command::Begin { sink, start, limit })
            .map_err(|_| AudioError::ThreadStopped { thread: "writer" })
    }

    /// Move the start of an armed take that has not started yet (Enter
    /// during prep). Frames already passed are not brought back.
    pub fn start_at(&self, frame: u64) {
        let _ = self.commands.send(Command::StartAt(frame));
    }

    /// End an armed take that should not have been: its file is removed if
    /// nothing was written to it (`None`). If frames did reach it (a key that
    /// came just as the take began), the file is kept and its outcome
    /// returned: a recording is never deleted.
    pub fn cancel_take(&self) -> Result<Option<TakeOutcome>, AudioError> {
        let _ = self.commands.send(Command::Cancel);
        let outcome = self
            .finished
            .recv()
            .map_err(|_| AudioError::ThreadStopped { thread: "writer" })?;
        if outcome.frames > 0 {
            return Ok(Some(outcome));
        }
        std::fs::remove_file(&outcome.path).map_err(|e| AudioError::Write {
            path: outcome.path.clone(),
            source: e,
        })?;
        Ok(None)
    }

    /// The take finished by itself (limit reached, or a failure), if it did.
    pub fn poll_finished(&self) -> Option<TakeOutcome> {
        self.finished.try_recv().ok()
    }

    /// Stop the current take at frame `at` (see `frame_at`), waiting up to
    /// `drain_timeout` for the device to deliver the frames up to it.
    pub fn stop_take(&self, at: u64, drain_timeout: Duration) -> Result<TakeOutcome, AudioError> {
        let deadline = Instant::now() + drain_timeout;
        let _ = self.commands.send(Command::Stop { at, deadline });
        self.finished
            .recv()
            .map_err(|_| AudioError::ThreadStopped { thread: "writer" })
    }

    /// Stop the device, finish any open take, join the writer.
    pub fn close(mut self) -> Option<TakeOutcome> {
        self.shutdown()
    }

    fn shutdown(&mut self) -> Option<TakeOutcome> {
        // Stop callbacks first, then let the writer drain what is in the ring.
        drop(self.stream.take());
        let _ = self.commands.send(Command::Shutdown);
        if let Some(w) = self.writer.take() {
            let _ = w.join();
        }
        self.finished.try_recv().ok()
    }
}

impl Drop for CaptureStream {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn build_stream(
    device: &InputDevice,
    config: &StreamConfig,
    format: SampleFormat,
    channels: usize,
    producer: rtrb::Producer<i16>,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, AudioError> {
    with_sample_type!(format, device.id,
        T => build_typed::<T>(device, config, channels, producer, shared)
    )
}

fn build_typed<T>(
    device: &InputDevice,
    config: &StreamConfig,
    channels: usize,
    mut producer: rtrb::Producer<i16>,
    shared: Arc<Shared>,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let cb_shared = shared.clone();
    // The real-time path: convert, push, count what does not fit. Nothing else.
    // `clock`: frames pushed so far, the ring's (and the takes') clock.
    let mut clock: u64 = 0;
    let data_callback = move |data: &[T], _: &cpal::InputCallbackInfo| {
        if cb_shared.playing.load(Ordering::Acquire) {
            let lost = push_frames(&mut producer, data, channels);
            clock += (data.len() / channels - lost) as u64;
            // Frames that did not fit would have stood at `clock` onwards.
            if lost > 0 && clock < cb_shared.take_end.load(Ordering::Acquire) {
                cb_shared.dropped.fetch_add(lost as u64, Ordering::Relaxed);
            }
            if !data.is_empty() {
                cb_shared.flowing.store(true, Ordering::Release);
            }
        }
    };
    // Not the data path, but on the audio thread too: a glitch the device
    // recovers from is only counted; a fatal error (rare, once) is kept for
    // the user and ends the take.
    let error_callback = move |e: cpal::Error| {
        if super::is_xrun(&e) {
            shared.overruns.fetch_add(1, Ordering::Relaxed);
        }
        if !super::is_fatal(&e) {
            return;
        }
        shared.fault.set(|| super::cpal_message(&e));
    };
    device
        .device
        .build_input_stream::<T, _, _>(*config, data_callback, error_callback, None)
        .map_err(|e| AudioError::open(&device.id, e))
}

/// About `PERIOD_SECONDS` of frames per callback, within what the device
/// supports; the device's default when it does not say.
fn capture_period(supported: &cpal::SupportedStreamConfig) -> cpal::BufferSize {
    let want = (f64::from(supported.sample_rate()) * PERIOD_SECONDS) as u32;
    match supported.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } => {
            cpal::BufferSize::Fixed(want.clamp(*min, (*max).max(*min)))
        }
        cpal::SupportedBufferSize::Unknown => cpal::BufferSize::Default,
    }
}

/// The real-time step: mix `data` to mono into the ring; returns how many
/// frames did not fit (the caller counts them). No allocation, no lock, no I/O.
#[inline]
fn push_frames<T>(producer: &mut rtrb::Producer<i16>, data: &[T], channels: usize) -> usize
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let frames = data.len() / channels;
    let fits = producer.slots().min(frames);
    if let Ok(chunk) = producer.write_chunk_uninit(fits) {
        chunk.fill_from_iter(mono_frames(&data[..fits * channels], channels));
    }
    frames - fits
}

/// The take the writer is filling: frames `[start, end)` of the stream's clock.
struct OpenTake {
    sink: WavSink,
    start: u64,
    limit: Option<u64>,
    /// Set by the limit; the take ends by itself there.
    limit_end: Option<u64>,
    /// Set by a stop key: (frame to stop at, give up waiting at).
    stop: Option<(u64, Instant)>,
    /// When the stop request reached the writer.
    stop_requested: Option<Instant>,
    dropped_at_begin: u64,
    overruns_at_begin: u64,
    write_error: Option<String>,
    /// The take's clipped samples, by the one rule of `crate::level`.
    clipping: ClipCounter,
}

impl OpenTake {
    fn end(&self) -> u64 {
        let stop = self.stop.map_or(u64::MAX, |(at, _)| at.max(self.start));
        self.limit_end.unwrap_or(u64::MAX).min(stop)
    }

    /// Write the part of `samples` (frames `[pos, pos + len)`) inside the take.
    fn write(&mut self, pos: u64, samples: &[i16], shared: &Shared) {
        if self.write_error.is_some() {
            return;
        }
        let lo = self.start.max(pos);
        let hi = self.end().min(pos + samples.len() as u64);
        if lo >= hi {
            return;
        }
        let part = &samples[(lo - pos) as usize..(hi - pos) as usize];
        self.clipping.push(part);
        shared
            .clipped
            .store(self.clipping.clipped(), Ordering::Relaxed);
        let peak = part.iter().map(|s| s.unsigned_abs()).max().unwrap_or(0);
        shared
            .take_peak
            .fetch_max(u32::from(peak), Ordering::Relaxed);
        if let Err(e) = self.sink.write(part) {
            self.write_error = Some(format!("{}: {e}", self.sink.path().display()));
        }
        shared
            .take_frames
            .store(self.sink.frames(), Ordering::Release);
    }
}

/// Running peak/RMS over a short window, published as f32 bits.
struct Meter {
    window: u64,
    count: u64,
    peak: i32,
    sum_sq: f64,
}

impl Meter {
    fn feed(&mut self, samples: &[i16], shared: &Shared) {
        for &s in samples {
            let a = i32::from(s).abs();
            self.peak = self.peak.max(a);
            self.sum_sq += f64::from(s) * f64::from(s);
            self.count += 1;
            if self.count >= self.window {
                let peak = self.peak as f32 / FULL_SCALE as f32;
                let rms = ((self.sum_sq / self.count as f64).sqrt() / FULL_SCALE) as f32;
                shared.peak_bits.store(peak.to_bits(), Ordering::Relaxed);
                shared.rms_bits.store(rms.to_bits(), Ordering::Relaxed);
                self.count = 0;
                self.peak = 0;
                self.sum_sq = 0.0;
            }
        }
        // A rising peak is shown at once, not at the end of its window: the
        // meter then reacts to the first loud chunk (issue 8: within 250 ms).
        let partial = self.peak as f32 / FULL_SCALE as f32;
        if partial > f32::from_bits(shared.peak_bits.load(Ordering::Relaxed)) {
            shared.peak_bits.store(partial.to_bits(), Ordering::Relaxed);
        }
    }
}

fn writer_loop(
    mut ring: rtrb::Consumer<i16>,
    commands: mpsc::Receiver<Command>,
    finished: mpsc::Sender<TakeOutcome>,
    shared: Arc<Shared>,
    rate: u32,
) {
    let mut take: Option<OpenTake> = None;
    let mut pos: u64 = 0;
    let mut shutting_down = false;
    let mut meter = Meter {
        window: ((f64::from(rate) * LEVEL_WINDOW_SECONDS) as u64).max(1),
        count: 0,
        peak: 0,
        sum_sq: 0.0,
    };
    let finish = |t: OpenTake, end: TakeEnd, pos: u64| {
        let drain_timed_out = t.stop.is_some_and(|(at, _)| pos < at.max(t.start));
        let drained = t.stop_requested.map_or(Duration::ZERO, |s| s.elapsed());
        let path = t.sink.path().to_path_buf();
        let mut write_error = t.write_error;
        let frames = match t.sink.finalize() {
            Ok(f) => f,
            Err(e) => {
                write_error.get_or_insert_with(|| format!("{}: {e}", path.display()));
                shared.take_frames.load(Ordering::Acquire)
            }
        };
        shared.take_active.store(false, Ordering::Release);
        let end = if write_error.is_some() {
            TakeEnd::WriteFailed
        } else {
            end
        };
        let _ = finished.send(TakeOutcome {
            path,
            frames,
            dropped_frames: shared.dropped.load(Ordering::Relaxed) - t.dropped_at_begin,
            overruns: shared.overruns.load(Ordering::Relaxed) - t.overruns_at_begin,
            end,
            write_error,
            drain_timed_out,
            drained,
        });
    };

    // A command that ended the last wait.
    let mut pending: Option<Command> = None;
    loop {
        while let Some(cmd) = pending.take().or_else(|| commands.try_recv().ok()) {
            match cmd {
                Command::Begin { sink, start, limit } => {
                    if let Some(t) = take.take() {
                        finish(t, TakeEnd::Stopped, pos);
                    }
                    let start = start.max(pos);
                    take = Some(OpenTake {
                        sink,
                        start,
                        limit,
                        limit_end: limit.map(|l| start + l),
                        stop: None,
                        stop_requested: None,
                        dropped_at_begin: shared.dropped.load(Ordering::Relaxed),
                        overruns_at_begin: shared.overruns.load(Ordering::Relaxed),
                        write_error: None,
                        clipping: ClipCounter::default(),
                    });
                }
                Command::StartAt(frame) => {
                    if let Some(t) = take.as_mut() {
                        if t.sink.frames() == 0 {
                            t.start = frame.max(pos);
                            t.limit_end = t.limit.map(|l| t.start + l);
                        }
                    }
                }
                Command::Cancel => {
                    if let Some(t) = take.take() {
                        finish(t, TakeEnd::Stopped, pos);
                    }
                }
                Command::Stop { at, deadline } => {
                    if let Some(t) = take.as_mut() {
                        t.stop = Some((at, deadline));
                        t.stop_requested = Some(Instant::now());
                    }
                }
                Command::Shutdown => shutting_down = true,
            }
            let end = take.as_ref().map_or(0, OpenTake::end);
            shared.take_end.store(end, Ordering::Release);
        }

        let available = ring.slots();
        if available > 0 {
            if let Ok(chunk) = ring.read_chunk(available) {
                let (a, b) = chunk.as_slices();
                for part in [a, b] {
                    meter.feed(part, &shared);
                    if let Some(t) = take.as_mut() {
                        t.write(pos, part, &shared);
                    }
                    pos += part.len() as u64;
                }
                chunk.commit_all();
                shared.position.store(pos, Ordering::Release);
            }
        }

        if let Some(t) = take.as_ref() {
            let ended = if t.write_error.is_some() {
                Some(TakeEnd::WriteFailed)
            } else if t
                .limit_end
                .is_some_and(|end| pos >= end && t.end() == end && shared.due(end, rate))
            {
                Some(TakeEnd::Limit)
            } else if let Some((at, deadline)) = t.stop {
                (pos >= at.max(t.start) || Instant::now() >= deadline).then_some(TakeEnd::Stopped)
            } else if shared.fault.is_set() && available == 0 {
                Some(TakeEnd::DeviceLost)
            } else if shutting_down && available == 0 {
                Some(TakeEnd::Stopped)
            } else {
                None
            };
            if let Some(end) = ended {
                finish(take.take().expect("checked above"), end, pos);
            }
        }

        if shutting_down && available == 0 {
            return;
        }
        if available == 0 {
            // Wait for audio, or less if a command comes: a stop key or a
            // new take is handled at once, not after the wait.
            match commands.recv_timeout(IDLE_POLL) {
                Ok(cmd) => pending = Some(cmd),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => std::thread::sleep(IDLE_POLL),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Harness {
        producer: rtrb::Producer<i16>,
        commands: mpsc::Sender<Command>,
        finished: mpsc::Receiver<TakeOutcome>,
        shared: Arc<Shared>,
        writer: Option<JoinHandle<()>>,
        dir: tempfile::TempDir,
    }

    /// Played at once; `real_time`: as on a sound server.
    fn shared(real_time: bool) -> Arc<Shared> {
        let shared = Shared::new(real_time);
        shared.playing.store(true, Ordering::Release);
        shared.played_nanos.store(1, Ordering::Release);
        Arc::new(shared)
    }

    impl Harness {
        fn new(capacity: usize) -> Harness {
            Harness::with(capacity, false)
        }

        fn with(capacity: usize, real_time: bool) -> Harness {
            let (producer, consumer) = rtrb::RingBuffer::new(capacity);
            let (cmd_tx, cmd_rx) = mpsc::channel();
            let (done_tx, done_rx) = mpsc::channel();
            let shared = shared(real_time);
            let s = shared.clone();
            let writer =
                std::thread::spawn(move || writer_loop(consumer, cmd_rx, done_tx, s, 1000));
            Harness {
                producer,
                commands: cmd_tx,
                finished: done_rx,
                shared,
                writer: Some(writer),
                dir: tempfile::tempdir().unwrap(),
            }
        }

        fn begin(&self, start: u64, limit: Option<u64>) -> PathBuf {
            let path = self.dir.path().join(format!("t{start}.wav"));
            let sink = WavSink::create(&path, 1000).unwrap();
            self.commands
                .send(Command::Begin { sink, start, limit })
                .unwrap();
            path
        }

        /// Push `values` as device frames, waiting for room like a device would.
        fn feed(&mut self, values: impl IntoIterator<Item = i16>) {
            for v in values {
                while self.producer.push(v).is_err() {
                    std::thread::yield_now();
                }
            }
        }

        fn wait_position(&self, frames: u64) {
            let deadline = Instant::now() + Duration::from_secs(10);
            while self.shared.position.load(Ordering::Acquire) < frames {
                assert!(
                    Instant::now() < deadline,
                    "the writer never consumed {frames} frames"
                );
                std::thread::yield_now();
            }
        }

        /// The stop key at frame `at`, the frames up to it due within `drain`.
        fn stop(&self, at: u64, drain: Duration) {
            let deadline = Instant::now() + drain;
            self.commands.send(Command::Stop { at, deadline }).unwrap();
        }

        fn outcome(&self) -> TakeOutcome {
            self.finished
                .recv_timeout(Duration::from_secs(10))
                .expect("a finished take")
        }
    }

    impl Drop for Harness {
        fn drop(&mut self) {
            let _ = self.commands.send(Command::Shutdown);
            if let Some(w) = self.writer.take() {
                w.join().unwrap();
            }
        }
    }

    fn wav(path: &Path) -> Vec<i16> {
        hound::WavReader::open(path)
            .unwrap()
            .samples::<i16>()
            .map(Result::unwrap)
            .collect()
    }

    #[test]
    fn a_take_is_exactly_its_window_of_frames() {
        let mut h = Harness::new(64);
        let path = h.begin(100, Some(250));
        h.feed((0..1000).map(|i| i as i16));
        let out = h.outcome();
        assert_eq!(out.end, TakeEnd::Limit);
        assert_eq!(out.frames, 250);
        assert_eq!(wav(&path), (100..350).map(|i| i as i16).collect::<Vec<_>>());
    }

    #[test]
    fn a_limit_on_a_sound_server_ends_at_its_time_not_before() {
        // A source handing out audio ahead of the clock (module-sine-source):
        // all of a 0.4 s take (at 1000 Hz) comes at once.
        let mut h = Harness::with(10_000, true);
        let path = h.begin(0, Some(400));
        h.feed(0..1000);
        let outcome = h.outcome();
        let took = h.shared.opened.elapsed();
        assert_eq!(outcome.end, TakeEnd::Limit);
        assert_eq!(outcome.frames, 400);
        assert_eq!(wav(&path), (0..400).collect::<Vec<i16>>());
        assert!(took >= Duration::from_millis(400), "ended after {took:?}");
        // Elsewhere (the ALSA file plugin) the frames alone count.
        let mut h = Harness::new(10_000);
        h.begin(0, Some(400));
        h.feed(0..1000);
        assert_eq!(h.outcome().frames, 400);
        assert!(h.shared.opened.elapsed() < Duration::from_millis(300));
    }

    #[test]
    fn stop_waits_for_frames_the_device_still_holds() {
        let mut h = Harness::new(64);
        let path = h.begin(0, None);
        h.feed(0..300);
        h.wait_position(300);
        // The key was pressed at frame 500: the 200 frames still in the
        // device arrive after the stop request and must be kept.
        h.stop(500, Duration::from_secs(10));
        h.feed(300..800);
        let out = h.outcome();
        assert_eq!(out.end, TakeEnd::Stopped);
        assert!(!out.drain_timed_out);
        assert_eq!(wav(&path), (0..500).collect::<Vec<i16>>());
    }

    #[test]
    fn a_stop_that_never_comes_times_out_and_keeps_what_came() {
        let mut h = Harness::new(64);
        let path = h.begin(0, None);
        h.feed(0..100);
        h.wait_position(100);
        h.stop(1_000_000, Duration::from_millis(50));
        let out = h.outcome();
        assert!(out.drain_timed_out);
        assert_eq!(wav(&path).len(), 100);
    }

    #[test]
    fn enter_during_prep_moves_the_start_earlier() {
        let mut h = Harness::new(64);
        let path = h.begin(500, Some(100));
        h.feed(0..50);
        h.wait_position(50);
        h.commands.send(Command::StartAt(80)).unwrap();
        h.feed(50..400);
        let out = h.outcome();
        assert_eq!(out.end, TakeEnd::Limit);
        assert_eq!(wav(&path), (80..180).collect::<Vec<i16>>());
    }

    #[test]
    fn a_full_ring_counts_dropped_frames_and_never_blocks() {
        let (mut producer, mut consumer) = rtrb::RingBuffer::<i16>::new(10);
        let stereo: Vec<f32> = (0..16)
            .map(|i| (i / 2) as f32 / FULL_SCALE as f32)
            .collect();
        assert_eq!(push_frames(&mut producer, &stereo, 2), 0); // 8 frames fit
        assert_eq!(push_frames(&mut producer, &stereo, 2), 6); // 2 fit, 6 dropped
        let got: Vec<i16> = std::iter::from_fn(|| consumer.pop().ok()).collect();
        assert_eq!(got, vec![0, 1, 2, 3, 4, 5, 6, 7, 0, 1]);
    }

    #[test]
    fn the_wav_is_readable_while_it_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("live.wav");
        let mut sink = WavSink::create(&path, 1000).unwrap();
        assert_eq!(wav(&path).len(), 0, "a valid empty WAV from the start");
        sink.write(&[1; 100]).unwrap();
        sink.refresh_header().unwrap();
        assert_eq!(
            wav(&path).len(),
            100,
            "the header follows the data, before any finalize"
        );
        sink.finalize().unwrap();
    }
}
