//! `Player`: WAV file -> feeder thread (read, mix to mono, resample) ->
//! lock-free ring -> cpal output callback.
//!
//! The callback only pops mono samples, converts them to the device's
//! format and copies them to every channel: no allocation, no lock, no I/O.
//! When the ring runs dry it outputs silence and counts an underrun. The
//! feeder owns the file and the resampler and keeps the ring full, reading
//! in blocks so memory stays bounded whatever the length of the file.
//!
//! The output opens at the file's rate when the device supports it; only
//! otherwise does the feeder resample (rubato's FFT resampler) to the
//! device's default rate. Positions are device frames: those handed to the
//! device, and the one being heard (those less the latency the device
//! reports), which captions, the progress bar and seeks follow. The end is
//! when the last frame has been handed over plus that latency. See
//! docs/playback.md.

use super::devices::OutputDevice;
use super::AudioError;
use crate::wav_file::WavFile;
use cpal::traits::{DeviceTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, StreamConfig};
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Frames the feeder reads from the file at a time (and the resampler's chunk).
const BLOCK_FRAMES: usize = 1024;
/// Seconds of audio the ring holds; seeking clears it, so it adds no delay.
/// More than the server's first request (two periods).
const RING_SECONDS: f64 = 1.0;
/// How long the feeder sleeps when the ring is full or it waits on the callback.
const FEEDER_POLL: Duration = Duration::from_millis(5);
/// The period asked of cpal's native PulseAudio host: the server keeps two
/// (cpal's double buffer, 0.5 s) and asks for one when one is left, so
/// a period is how late an answer may come before the listener hears a
/// gap. With the default buffering the server asked for 2 s at a time,
/// more than the ring held (gaps, and 2 s late). With 100 ms periods
/// pipewire-pulse underran when requests came 200-470 ms apart, as they
/// did while a `nice -n 19 cargo build` ran on two cores (2 of 5 runs).
/// The sound still starts at once (the first request is answered from the
/// full ring before the stream is started) and pause corks the stream;
/// a seek is heard after what the server already holds.
///
/// ALSA asks for the same: with its default buffering ALSA's pulse plugin
/// kept two 512-frame periods (21 ms), and a sine played beside two busy
/// processes on two cores broke in 1 of 6 runs, silently (an earlier note
/// here said the plugin fails with EIO on small buffers; cpal carries on
/// from those now). A sound card keeps up with either, and replay does not
/// need a short buffer: pause stops the stream itself, and a seek is heard
/// after what the device holds, as on a sound server.
const PERIOD_SECONDS: f64 = 0.25;
/// How long `open` waits for the feeder to fill the ring before the stream
/// is built anyway (a file on a disk that does not answer).
const FILL_TIMEOUT: Duration = Duration::from_secs(2);
/// How long the stream stays open after the reported end. pipewire-pulse
/// reports its latency up to one quantum (21 ms) short: closing the stream
/// at the reported end cut the last 22 ms of the answer.
const END_MARGIN: Duration = Duration::from_millis(60);
/// A device reporting more latency than this is not believed.
const MAX_LATENCY: Duration = Duration::from_secs(2);
/// No generation yet (the feeder has not reached the end of the file).
const NONE: u64 = u64::MAX;

/// How to open the output; `None` lets the player choose.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlayRequest {
    /// Open the device at this rate (and resample to it) instead of the
    /// file's; for tests of the resampling path and for odd devices.
    pub output_rate: Option<u32>,
}

/// What the output was opened with, and what it plays.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaybackFormat {
    pub sample_rate: u32,
    pub channels: u16,
    /// As cpal names it: `i16`, `f32`, ...
    pub sample_format: String,
    pub file_rate: u32,
    /// True when the feeder resamples the file to the device's rate.
    pub resampled: bool,
}

struct Shared {
    /// Paused, as the user sees it.
    paused: AtomicBool,
    /// The callback hands out nothing (pause on a stream that is not corked).
    held: AtomicBool,
    stop: AtomicBool,
    /// The feeder has filled the ring once (or reached the file's end).
    filled: AtomicBool,
    /// Device frames handed to the device, from the start of the file.
    position: AtomicU64,
    /// Callbacks that found the ring empty while playing.
    underruns: AtomicU64,
    /// Seek requests: the target (device frames) and a generation counter.
    seek_target: AtomicU64,
    seek_request: AtomicU64,
    /// The feeder asks the callback to empty the ring (generation)...
    flush_gen: AtomicU64,
    /// ...and the callback answers when it has, setting `position`.
    flushed_gen: AtomicU64,
    flush_position: AtomicU64,
    /// The generation whose last frame the feeder has pushed.
    eof_gen: AtomicU64,
    /// Nanoseconds after `base` (+1, 0 = not yet) when the last frame will
    /// have left the device.
    end_nanos: AtomicU64,
    /// The device's latency as reported at the end (for the record).
    latency_nanos: AtomicU64,
    /// The frame being heard at `heard_nanos` (nanoseconds after `base`,
    /// +1; 0 = not yet): the frames handed over before the last callback's,
    /// less what the device still held then (its reported latency). What
    /// the person hears, where `position` is what the device was given,
    /// up to its buffer (0.5 s on a sound server) ahead.
    heard_frames: AtomicU64,
    heard_nanos: AtomicU64,
    /// The heard position never goes below this: the target of the last
    /// seek (the device may still play the audio from before it).
    heard_floor: AtomicU64,
    /// While paused: the heard frame when the pause began (+1; 0 = none).
    paused_heard: AtomicU64,
    fault: super::fault::Fault,
    /// The last backend error the stream carried on from (not fatal).
    glitch: Mutex<Option<String>>,
}

/// A WAV being played on an output device.
pub struct Player {
    stream: Option<cpal::Stream>,
    shared: Arc<Shared>,
    feeder: Option<JoinHandle<()>>,
    base: Instant,
    total_frames: u64,
    format: PlaybackFormat,
    device_id: String,
    started: bool,
}

impl Player {
    /// Open `path` and the device; nothing plays until `play()`.
    pub fn open(
        device: &OutputDevice,
        path: &Path,
        want: &PlayRequest,
    ) -> Result<Player, AudioError> {
        let source = WavSource::open(path)?;
        let file_rate = source.rate();
        let supported = output_config(device, want.output_rate.unwrap_or(file_rate))?;
        let sample_format = supported.sample_format();
        let mut config: StreamConfig = supported.config();
        config.buffer_size = output_period(&supported);
        let rate = config.sample_rate;
        let feeder = Feeder::new(source, rate)?;
        let total_frames = feeder.total_frames();
        let format = PlaybackFormat {
            sample_rate: rate,
            channels: config.channels,
            sample_format: sample_format.to_string(),
            file_rate,
            resampled: rate != file_rate,
        };

        let shared = Arc::new(Shared {
            paused: AtomicBool::new(false),
            held: AtomicBool::new(false),
            stop: AtomicBool::new(false),
            filled: AtomicBool::new(false),
            position: AtomicU64::new(0),
            underruns: AtomicU64::new(0),
            seek_target: AtomicU64::new(0),
            seek_request: AtomicU64::new(0),
            flush_gen: AtomicU64::new(0),
            flushed_gen: AtomicU64::new(0),
            flush_position: AtomicU64::new(0),
            eof_gen: AtomicU64::new(NONE),
            end_nanos: AtomicU64::new(0),
            latency_nanos: AtomicU64::new(0),
            heard_frames: AtomicU64::new(0),
            heard_nanos: AtomicU64::new(0),
            heard_floor: AtomicU64::new(0),
            paused_heard: AtomicU64::new(0),
            fault: Default::default(),
            glitch: Mutex::new(None),
        });
        let capacity = ((f64::from(rate) * RING_SECONDS) as usize).max(4 * BLOCK_FRAMES);
        let (producer, consumer) = rtrb::RingBuffer::<f32>::new(capacity);
        let feeder_thread = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("mockview-playback-feeder".into())
                .spawn(move || feeder_loop(feeder, producer, &shared))
                .map_err(|source| AudioError::Thread {
                    thread: "feeder",
                    source,
                })?
        };
        // The ring is full before the stream exists. A sound server asks for
        // its whole buffer as soon as the stream is created (pipewire-pulse
        // in its reply, PulseAudio a few milliseconds later), while the
        // stream is still corked: filling that request from a ring the
        // feeder was still filling put a few milliseconds of audio, then
        // silence, then the rest into the server's buffer — a gap heard at
        // the start, counted as one underrun, now and then under load.
        let deadline = Instant::now() + FILL_TIMEOUT;
        while !shared.filled.load(Ordering::Acquire)
            && !shared.fault.is_set()
            && Instant::now() < deadline
        {
            std::thread::sleep(Duration::from_millis(1));
        }
        let base = Instant::now();
        let stream = match build_stream(
            device,
            &config,
            sample_format,
            consumer,
            shared.clone(),
            base,
        ) {
            Ok(stream) => stream,
            Err(e) => {
                shared.stop.store(true, Ordering::Release);
                let _ = feeder_thread.join();
                return Err(e);
            }
        };
        Ok(Player {
            stream: Some(stream),
            shared,
            feeder: Some(feeder_thread),
            base,
            total_frames,
            format,
            device_id: device.id.clone(),
            started: false,
        })
    }

    /// Start the device. The ring was filled in `open` and the server's
    /// first request already answered from it, so the sound starts with
    /// the server's own latency.
    pub fn play(&mut self) -> Result<(), AudioError> {
        if self.started {
            return Ok(());
        }
        if let Some(stream) = &self.stream {
            stream
                .play()
                .map_err(|e| AudioError::open(&self.device_id, e))?;
        }
        self.started = true;
        Ok(())
    }

    pub fn format(&self) -> &PlaybackFormat {
        &self.format
    }

    pub fn sample_rate(&self) -> u32 {
        self.format.sample_rate
    }

    /// Length of the file in device frames.
    pub fn total_frames(&self) -> u64 {
        self.total_frames
    }

    pub fn duration(&self) -> Duration {
        self.frames_to_duration(self.total_frames)
    }

    /// Device frames handed to the device so far (from the file's start).
    pub fn position_frames(&self) -> u64 {
        self.shared.position.load(Ordering::Acquire)
    }

    /// The frame being heard: behind `position_frames` by what the device
    /// holds (its reported latency), moving with the clock between
    /// callbacks, frozen while paused. Captions, the progress bar and
    /// seeks follow this.
    pub fn heard_frames(&self) -> u64 {
        let frozen = self.shared.paused_heard.load(Ordering::Acquire);
        if self.is_paused() && frozen != 0 {
            return frozen - 1;
        }
        match self.shared.heard_nanos.load(Ordering::Acquire) {
            0 => 0,
            at => {
                let since = self
                    .base
                    .elapsed()
                    .saturating_sub(Duration::from_nanos(at - 1));
                let moved = since.as_secs_f64() * f64::from(self.format.sample_rate);
                let heard = self.shared.heard_frames.load(Ordering::Relaxed) + moved as u64;
                heard.min(self.position_frames())
            }
        }
    }

    /// The position being heard ([`Player::heard_frames`]).
    pub fn position(&self) -> Duration {
        self.frames_to_duration(self.heard_frames())
    }

    fn frames_to_duration(&self, frames: u64) -> Duration {
        Duration::from_secs_f64(frames as f64 / f64::from(self.format.sample_rate.max(1)))
    }

    pub fn is_paused(&self) -> bool {
        self.shared.paused.load(Ordering::Relaxed)
    }

    /// Pause or resume. The stream itself is paused (a sound server corks
    /// it, ALSA pauses the PCM where the device can): the device stops
    /// asking, and what it holds (up to 0.5 s) stops too. The callback is
    /// not held then: a request answered between the flag and the cork
    /// would be filled with silence, which the server keeps and plays after
    /// the resume (a gap of up to a period, seen in the desktop tests).
    /// Where the stream cannot pause, the callback stops handing out audio.
    pub fn set_paused(&self, paused: bool) {
        if paused != self.is_paused() {
            // The heard position stops where the pause began, and moves on
            // from there on resume (not from before the pause).
            let heard = self.heard_frames();
            if !paused {
                self.shared.heard_frames.store(heard, Ordering::Relaxed);
                self.shared
                    .heard_nanos
                    .store(self.base.elapsed().as_nanos() as u64 + 1, Ordering::Release);
            }
            self.shared
                .paused_heard
                .store(if paused { heard + 1 } else { 0 }, Ordering::Release);
        }
        self.shared.paused.store(paused, Ordering::Relaxed);
        let corked = match (self.started, &self.stream) {
            (true, Some(stream)) => {
                let done = if paused {
                    stream.pause()
                } else {
                    stream.play()
                };
                done.is_ok()
            }
            _ => false,
        };
        self.shared.held.store(paused && !corked, Ordering::Relaxed);
    }

    pub fn toggle_pause(&self) -> bool {
        let now = !self.is_paused();
        self.set_paused(now);
        now
    }

    /// Move by `seconds` (negative: back), clamped to the file. Seeking to
    /// the end ends playback.
    pub fn seek_by(&self, seconds: f64) {
        let rate = f64::from(self.format.sample_rate);
        let from = self.heard_frames() as f64;
        let target = (from + seconds * rate).clamp(0.0, self.total_frames as f64) as u64;
        self.seek_to(target);
    }

    /// Move to device frame `frame` (clamped to the file).
    pub fn seek_to(&self, frame: u64) {
        let frame = frame.min(self.total_frames);
        if self.is_paused() {
            // Shown at once; heard from the resume.
            self.shared.paused_heard.store(frame + 1, Ordering::Release);
        }
        self.shared.seek_target.store(frame, Ordering::Release);
        self.shared.seek_request.fetch_add(1, Ordering::AcqRel);
    }

    /// Underruns so far (the ring was empty while playing).
    pub fn underruns(&self) -> u64 {
        self.shared.underruns.load(Ordering::Relaxed)
    }

    /// When the last frame will have been played (known once it has been
    /// handed to the device).
    pub fn ends_at(&self) -> Option<Instant> {
        match self.shared.end_nanos.load(Ordering::Acquire) {
            0 => None,
            n => Some(self.base + Duration::from_nanos(n - 1)),
        }
    }

    /// The output latency the device reported when the last frame was
    /// handed over (zero before).
    pub fn latency(&self) -> Duration {
        Duration::from_nanos(self.shared.latency_nanos.load(Ordering::Relaxed))
    }

    /// When playback counts as over: [`Player::ends_at`] plus `END_MARGIN`
    /// for a latency reported a little short. A caller that waits for the
    /// end wakes at this instant rather than at its next poll.
    pub fn done_at(&self) -> Option<Instant> {
        self.ends_at().map(|t| t + END_MARGIN)
    }

    /// True once the whole file has been played out of the device.
    pub fn finished(&self) -> bool {
        self.done_at().is_some_and(|t| Instant::now() >= t)
    }

    /// A stream error reported by the device, or a read error of the file.
    pub fn error(&self) -> Option<String> {
        self.shared.fault.message()
    }

    /// The last error the device reported and played on from, if any: what
    /// to tell the user should playback stop moving.
    pub fn last_glitch(&self) -> Option<String> {
        self.shared.glitch.lock().ok().and_then(|g| g.clone())
    }

    /// Stop the device and the feeder.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        drop(self.stream.take());
        self.shared.stop.store(true, Ordering::Release);
        if let Some(f) = self.feeder.take() {
            let _ = f.join();
        }
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn fail(shared: &Shared, message: String) {
    shared.fault.set(|| message);
}

/// The output config: the device's default when its rate is `rate`, else a
/// supported config at `rate` (the default's format and channels first),
/// else the default (and the feeder resamples).
fn output_config(
    device: &OutputDevice,
    rate: u32,
) -> Result<cpal::SupportedStreamConfig, AudioError> {
    let default = device
        .device
        .default_output_config()
        .map_err(|e| AudioError::open(&device.id, e))?;
    if default.sample_rate() == rate {
        return Ok(default);
    }
    let Ok(ranges) = device.device.supported_output_configs() else {
        return Ok(default);
    };
    let mut candidates: Vec<cpal::SupportedStreamConfigRange> = ranges
        .filter(|r| r.min_sample_rate() <= rate && rate <= r.max_sample_rate())
        .collect();
    // Same format and channels as the default first, then float, then 16-bit.
    candidates.sort_by_key(|r| {
        (
            r.sample_format() != default.sample_format(),
            r.channels() != default.channels(),
            r.sample_format() != SampleFormat::F32,
            r.sample_format() != SampleFormat::I16,
        )
    });
    Ok(candidates
        .into_iter()
        .find_map(|r| r.try_with_sample_rate(rate))
        .unwrap_or(default))
}

/// About `PERIOD_SECONDS` of frames per callback, within what the device
/// supports (else the device's default).
fn output_period(supported: &cpal::SupportedStreamConfig) -> cpal::BufferSize {
    let want = (f64::from(supported.sample_rate()) * PERIOD_SECONDS) as u32;
    match supported.buffer_size() {
        cpal::SupportedBufferSize::Range { min, max } => {
            cpal::BufferSize::Fixed(want.clamp(*min, (*max).max(*min)))
        }
        cpal::SupportedBufferSize::Unknown => cpal::BufferSize::Default,
    }
}

fn build_stream(
    device: &OutputDevice,
    config: &StreamConfig,
    format: SampleFormat,
    consumer: rtrb::Consumer<f32>,
    shared: Arc<Shared>,
    base: Instant,
) -> Result<cpal::Stream, AudioError> {
    with_sample_type!(format, device.id,
        T => build_typed::<T>(device, config, consumer, shared, base)
    )
}

fn build_typed<T>(
    device: &OutputDevice,
    config: &StreamConfig,
    mut consumer: rtrb::Consumer<f32>,
    shared: Arc<Shared>,
    base: Instant,
) -> Result<cpal::Stream, AudioError>
where
    T: SizedSample + FromSample<f32> + Send + 'static,
{
    let channels = usize::from(config.channels.max(1));
    let rate = f64::from(config.sample_rate.max(1));
    let cb = shared.clone();
    let mut generation = 0u64;
    // False at the start and after a seek, until a request has been answered
    // in full. Until then a request the ring cannot fill gets silence and
    // nothing from the ring: a partial answer would put silence *inside*
    // the audio (a gap), where waiting only delays its start.
    let mut primed = false;
    // The real-time path: pop, convert, copy to every channel, count. Nothing else.
    let data_callback = move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
        let flush = cb.flush_gen.load(Ordering::Acquire);
        if flush != generation {
            let n = consumer.slots();
            if let Ok(chunk) = consumer.read_chunk(n) {
                chunk.commit_all();
            }
            generation = flush;
            primed = false;
            let target = cb.flush_position.load(Ordering::Acquire);
            cb.position.store(target, Ordering::Release);
            cb.heard_floor.store(target, Ordering::Relaxed);
            cb.heard_frames.store(target, Ordering::Relaxed);
            cb.heard_nanos
                .store(base.elapsed().as_nanos() as u64 + 1, Ordering::Release);
            cb.end_nanos.store(0, Ordering::Release);
            cb.flushed_gen.store(flush, Ordering::Release);
        }
        let frames = data.len() / channels;
        let mut written = 0;
        if !cb.held.load(Ordering::Relaxed) {
            // Read the end mark before the ring: what the feeder pushed
            // before setting it is then visible too.
            let at_end = cb.eof_gen.load(Ordering::Acquire) == generation;
            let ready = consumer.slots();
            let full = frames.min(consumer.buffer().capacity());
            let n = if primed || at_end || ready >= full {
                ready.min(frames)
            } else {
                0
            };
            if let Ok(chunk) = consumer.read_chunk(n) {
                let (a, b) = chunk.as_slices();
                for (frame, &s) in data.chunks_exact_mut(channels).zip(a.iter().chain(b)) {
                    frame.fill(T::from_sample(s));
                }
                chunk.commit_all();
                written = n;
            }
            // What the device still holds before this buffer: cpal's
            // `playback − callback`.
            let ts = info.timestamp();
            let latency = ts
                .playback
                .saturating_duration_since(ts.callback)
                .min(MAX_LATENCY);
            let now = base.elapsed();
            if written > 0 {
                primed = true;
                let before = cb.position.fetch_add(written as u64, Ordering::AcqRel);
                let heard = before
                    .saturating_sub((latency.as_secs_f64() * rate) as u64)
                    .max(cb.heard_floor.load(Ordering::Relaxed));
                cb.heard_frames.store(heard, Ordering::Relaxed);
                cb.heard_nanos
                    .store(now.as_nanos() as u64 + 1, Ordering::Release);
            }
            if at_end && consumer.is_empty() {
                if cb.end_nanos.load(Ordering::Relaxed) == 0 {
                    let end = now + latency + Duration::from_secs_f64(written as f64 / rate);
                    cb.latency_nanos
                        .store(latency.as_nanos() as u64, Ordering::Relaxed);
                    cb.end_nanos
                        .store(end.as_nanos() as u64 + 1, Ordering::Release);
                }
            } else if written < frames && primed {
                cb.underruns.fetch_add(1, Ordering::Relaxed);
            }
        }
        for s in &mut data[written * channels..] {
            *s = T::EQUILIBRIUM;
        }
    };
    // A glitch the device recovers from (an underrun) is not a failure: it
    // is counted with the callback's own. Neither is a backend error that
    // cpal's ALSA worker reports and then carries on from: ALSA's pulse
    // plugin answers `snd_pcm_avail_delay` with EIO now and then on a busy
    // machine, and the next period plays as usual. Such errors are kept for
    // the message should the stream stop moving (`Listener` watches the
    // position). Only a device that is gone ends playback at once.
    let error_callback = move |e: cpal::Error| {
        if super::is_xrun(&e) {
            // The device ran dry before the callback could answer (ALSA): a
            // gap heard like any other.
            shared.underruns.fetch_add(1, Ordering::Relaxed);
        } else if matches!(e.kind(), cpal::ErrorKind::BackendError) {
            if let Ok(mut slot) = shared.glitch.lock() {
                *slot = Some(super::cpal_message(&e));
            }
        } else if super::is_fatal(&e) {
            fail(&shared, super::cpal_message(&e))
        }
    };
    device
        .device
        .build_output_stream::<T, _, _>(*config, data_callback, error_callback, None)
        .map_err(|e| AudioError::open(&device.id, e))
}

fn feeder_loop(mut feeder: Feeder, mut producer: rtrb::Producer<f32>, shared: &Shared) {
    let capacity = producer.buffer().capacity();
    let mut pushed = 0usize;
    let mut block: Vec<f32> = Vec::with_capacity(feeder.max_block());
    let mut pending = 0..0;
    let mut seen_request = 0u64;
    let mut generation = 0u64;
    let mut at_end = false;
    while !shared.stop.load(Ordering::Acquire) {
        let request = shared.seek_request.load(Ordering::Acquire);
        if request != seen_request {
            // Stop pushing, have the callback empty the ring, then reposition.
            seen_request = request;
            let target = shared.seek_target.load(Ordering::Acquire);
            generation += 1;
            shared.flush_position.store(target, Ordering::Release);
            shared.flush_gen.store(generation, Ordering::Release);
            while shared.flushed_gen.load(Ordering::Acquire) != generation {
                if shared.stop.load(Ordering::Acquire) {
                    return;
                }
                std::thread::sleep(FEEDER_POLL);
            }
            if let Err(e) = feeder.seek(target) {
                fail(shared, e.to_string());
                return;
            }
            pending = 0..0;
            at_end = false;
            continue;
        }
        if pending.is_empty() {
            if at_end {
                std::thread::sleep(FEEDER_POLL);
                continue;
            }
            match feeder.next_block(&mut block) {
                Ok(0) => {
                    at_end = true;
                    shared.eof_gen.store(generation, Ordering::Release);
                    shared.filled.store(true, Ordering::Release);
                    continue;
                }
                Ok(n) => pending = 0..n,
                Err(e) => {
                    fail(shared, e.to_string());
                    return;
                }
            }
        }
        let n = producer.slots().min(pending.len());
        if n == 0 {
            std::thread::sleep(FEEDER_POLL);
            continue;
        }
        if let Ok(chunk) = producer.write_chunk_uninit(n) {
            chunk.fill_from_iter(block[pending.start..pending.start + n].iter().copied());
        }
        pending.start += n;
        pushed += n;
        if pushed >= capacity {
            // Tells `open` that the stream can be built.
            shared.filled.store(true, Ordering::Release);
        }
    }
}

/// A WAV file read in blocks of mono `f32` frames, through the one reader
/// (`crate::wav_file`).
pub struct WavSource(WavFile);

impl WavSource {
    pub fn open(path: &Path) -> Result<WavSource, AudioError> {
        Ok(WavSource(WavFile::open(path)?))
    }

    pub fn rate(&self) -> u32 {
        self.0.rate()
    }

    /// Length in frames.
    pub fn frames(&self) -> u64 {
        self.0.frames()
    }

    /// Read up to `out.len()` mono frames; returns how many (0 at the end).
    /// A file cut short (a crash while recording) ends where it was cut.
    fn read(&mut self, out: &mut [f32]) -> Result<usize, AudioError> {
        Ok(self.0.read_mono(out)?)
    }

    fn seek(&mut self, frame: u64) -> Result<(), AudioError> {
        Ok(self.0.seek(frame)?)
    }
}

/// Turns a `WavSource` into blocks of mono frames at the device's rate:
/// passed through when the rates match, else resampled (rubato, FFT,
/// fixed input chunk) with its start-up delay trimmed and its tail cut at
/// exactly `ceil(frames * ratio)`, so the played length is the file's.
pub struct Feeder {
    source: WavSource,
    out_rate: u32,
    resampler: Option<Fft<f32>>,
    input: Vec<f32>,
    output: Vec<f32>,
    /// Output frames still to drop at the start (the resampler's delay).
    to_trim: usize,
    /// Output frames still to produce from the current position.
    left: u64,
    total: u64,
}

impl Feeder {
    pub fn new(source: WavSource, out_rate: u32) -> Result<Feeder, AudioError> {
        let resampler = if source.rate() == out_rate {
            None
        } else {
            Some(
                Fft::<f32>::new(
                    source.rate() as usize,
                    out_rate as usize,
                    BLOCK_FRAMES,
                    1,
                    FixedSync::Input,
                )
                .map_err(|e| AudioError::Resample {
                    from: source.rate(),
                    to: out_rate,
                    message: e.to_string(),
                })?,
            )
        };
        let out_max = resampler
            .as_ref()
            .map_or(BLOCK_FRAMES, |r| r.output_frames_max());
        let total = out_frames(source.frames(), source.rate(), out_rate);
        let mut f = Feeder {
            input: vec![0.0; BLOCK_FRAMES],
            output: vec![0.0; out_max],
            to_trim: 0,
            left: total,
            total,
            resampler,
            source,
            out_rate,
        };
        f.reset_resampler();
        Ok(f)
    }

    /// The file's length in output frames.
    pub fn total_frames(&self) -> u64 {
        self.total
    }

    pub fn max_block(&self) -> usize {
        self.output.len()
    }

    fn reset_resampler(&mut self) {
        if let Some(r) = &mut self.resampler {
            r.reset();
            self.to_trim = r.output_delay();
        }
    }

    /// Go to output frame `frame`.
    pub fn seek(&mut self, frame: u64) -> Result<(), AudioError> {
        let frame = frame.min(self.total);
        let in_frame = if self.resampler.is_some() {
            (frame as f64 * f64::from(self.source.rate()) / f64::from(self.out_rate)).round() as u64
        } else {
            frame
        };
        self.source.seek(in_frame)?;
        self.left = self.total - frame;
        self.reset_resampler();
        Ok(())
    }

    /// The next block of output frames in `out` (cleared first); 0 at the end.
    pub fn next_block(&mut self, out: &mut Vec<f32>) -> Result<usize, AudioError> {
        out.clear();
        while out.is_empty() && self.left > 0 {
            let Some(resampler) = &mut self.resampler else {
                let n = self.source.read(&mut self.input)?;
                if n == 0 {
                    self.left = 0;
                    break;
                }
                let n = n.min(self.left as usize);
                out.extend_from_slice(&self.input[..n]);
                self.left -= n as u64;
                break;
            };
            let need = resampler.input_frames_next();
            let got = self.source.read(&mut self.input[..need])?;
            let indexing = Indexing::new().partial_len(got);
            let resample_error = |message: String| AudioError::Resample {
                from: self.source.rate(),
                to: self.out_rate,
                message,
            };
            let input = InterleavedSlice::new(&self.input[..need], 1, need)
                .map_err(|e| resample_error(e.to_string()))?;
            let cap = self.output.len();
            let mut output = InterleavedSlice::new_mut(&mut self.output, 1, cap)
                .map_err(|e| resample_error(e.to_string()))?;
            let (_, produced) = resampler
                .process_into_buffer(&input, &mut output, Some(&indexing))
                .map_err(|e| resample_error(e.to_string()))?;
            let skip = self.to_trim.min(produced);
            self.to_trim -= skip;
            let keep = (produced - skip).min(self.left as usize);
            out.extend_from_slice(&self.output[skip..skip + keep]);
            self.left -= keep as u64;
        }
        Ok(out.len())
    }
}

/// `ceil(frames * out_rate / in_rate)`: the length of a file at another rate.
fn out_frames(frames: u64, in_rate: u32, out_rate: u32) -> u64 {
    if in_rate == out_rate {
        frames
    } else {
        (u128::from(frames) * u128::from(out_rate)).div_ceil(u128::from(in_rate)) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A feeder for a 48 kHz device playing a sine WAV of `rate`; the
    /// folder that holds the file comes first.
    fn sine_feeder(rate: u32, freq: f64, seconds: f64) -> (tempfile::TempDir, Feeder) {
        let tmp = tempfile::tempdir().unwrap();
        let path = sine_wav(tmp.path(), rate, freq, seconds);
        let feeder = Feeder::new(WavSource::open(&path).unwrap(), 48_000).unwrap();
        (tmp, feeder)
    }

    fn sine_wav(dir: &Path, rate: u32, freq: f64, seconds: f64) -> std::path::PathBuf {
        let path = dir.join(format!("sine{rate}.wav"));
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        let n = (seconds * f64::from(rate)) as usize;
        for i in 0..n {
            let x = (2.0 * std::f64::consts::PI * freq * i as f64 / f64::from(rate)).sin();
            w.write_sample((x * 16000.0).round() as i16).unwrap();
        }
        w.finalize().unwrap();
        path
    }

    fn play_all(feeder: &mut Feeder) -> Vec<f32> {
        let mut all = Vec::new();
        let mut block = Vec::new();
        while feeder.next_block(&mut block).unwrap() > 0 {
            all.extend_from_slice(&block);
        }
        all
    }

    /// Frequency from the rising zero crossings between the first and the last.
    fn frequency(samples: &[f32], rate: u32) -> f64 {
        let ups: Vec<f64> = samples
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
            .map(|(i, w)| i as f64 + f64::from(-w[0] / (w[1] - w[0])))
            .collect();
        let periods = (ups.len() - 1) as f64;
        periods * f64::from(rate) / (ups[ups.len() - 1] - ups[0])
    }

    #[test]
    fn playback_resampler_keeps_frequency_and_duration() {
        let (_tmp, mut feeder) = sine_feeder(44_100, 440.0, 3.0);
        assert_eq!(feeder.total_frames(), 144_000);
        let out = play_all(&mut feeder);
        let duration = out.len() as f64 / 48_000.0;
        assert!((duration - 3.0).abs() / 3.0 < 0.005, "{duration} s");
        assert_eq!(out.len(), 144_000);
        let f = frequency(&out, 48_000);
        assert!((f - 440.0).abs() / 440.0 < 0.005, "{f} Hz");
        // No start-up delay left in: the sine starts at once.
        let first_loud = out.iter().position(|s| s.abs() > 0.1).unwrap();
        assert!(first_loud < 48, "starts at frame {first_loud}");
        // And it keeps its level through the end (no padding silence).
        let tail = &out[out.len() - 480..];
        let peak = tail.iter().fold(0f32, |m, s| m.max(s.abs()));
        assert!(peak > 0.4, "tail peak {peak}");
        eprintln!("resampled 44.1 -> 48 kHz: {duration:.5} s, {f:.3} Hz");
    }

    #[test]
    fn playback_passthrough_is_exact_and_seek_repositions() {
        let (_tmp, mut feeder) = sine_feeder(48_000, 1000.0, 1.0);
        let all = play_all(&mut feeder);
        assert_eq!(all.len(), 48_000);
        feeder.seek(24_000).unwrap();
        let rest = play_all(&mut feeder);
        assert_eq!(rest, all[24_000..]);
        feeder.seek(48_000).unwrap();
        assert!(play_all(&mut feeder).is_empty());
    }

    #[test]
    fn playback_resampled_seek_lands_in_time() {
        let (_tmp, mut feeder) = sine_feeder(44_100, 440.0, 2.0);
        feeder.seek(48_000).unwrap();
        let rest = play_all(&mut feeder);
        assert_eq!(rest.len(), 48_000);
    }

    #[test]
    fn playback_stereo_float_is_mixed_to_mono() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("f.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 48_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut w = hound::WavWriter::create(&path, spec).unwrap();
        for _ in 0..100 {
            w.write_sample(0.5f32).unwrap();
            w.write_sample(0.25f32).unwrap();
        }
        w.finalize().unwrap();
        let mut feeder = Feeder::new(WavSource::open(&path).unwrap(), 48_000).unwrap();
        let out = play_all(&mut feeder);
        assert_eq!(out.len(), 100);
        assert!(out.iter().all(|&s| (s - 0.375).abs() < 1e-6));
    }

    #[test]
    fn playback_missing_file_names_it() {
        let e = WavSource::open(Path::new("/nonexistent/01-x.wav"))
            .err()
            .unwrap()
            .to_string();
        assert_eq!(e, "recording not found: /nonexistent/01-x.wav");
    }
}
