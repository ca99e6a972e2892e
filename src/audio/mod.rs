//! Audio I/O: devices, capture (device -> ring -> WAV), playback (WAV ->
//! ring -> device), sample conversion.
//!
//! Knows nothing of sessions or the terminal: the UI polls the levels and
//! clocks a `CaptureStream` publishes. See docs/audio.md for the rules of the
//! capture path and why they are what they are.

/// Evaluate `$body` with the type alias `$t` bound to the Rust sample type of
/// a cpal sample format (every format but DSD, which has none); for a format
/// without one, `AudioError::UnsupportedFormat` of `$device` (a device id).
/// Capture and playback both pick their generic callback this way, once per
/// stream.
macro_rules! with_sample_type {
    ($format:expr, $device:expr, $t:ident => $body:expr) => {
        with_sample_type!(@each $format, $device, $t => $body;
            I8 i8, I16 i16, I24 cpal::I24, I32 i32, I64 i64,
            U8 u8, U16 u16, U24 cpal::U24, U32 u32, U64 u64,
            F32 f32, F64 f64)
    };
    (@each $format:expr, $device:expr, $t:ident => $body:expr;
        $($variant:ident $sample:ty),*) => {{
        match $format {
            $(cpal::SampleFormat::$variant => {
                type $t = $sample;
                $body
            })*
            other => Err($crate::audio::AudioError::UnsupportedFormat {
                device: $device.clone(),
                format: other.to_string(),
            }),
        }
    }};
}

mod capture;
pub mod convert;
pub mod decode;
mod devices;
mod fault;
mod playback;
mod wav;

pub use capture::{
    CaptureStream, InputRequest, Level, StreamFormat, TakeEnd, TakeOutcome, START_TIMEOUT,
};
pub use devices::{
    find_input, find_output, list_devices, parse_sample_format, ConfigInfo, DeviceInfo,
    InputDevice, OutputDevice,
};
pub use playback::{Feeder, PlayRequest, PlaybackFormat, Player, WavSource};
pub use wav::{repair_header, HeaderRepair, WavSink};

use std::path::PathBuf;

/// Whether a stream error ends the stream. cpal reports glitches it recovers
/// from (an overrun or underrun, a re-routed default device, a refused
/// real-time priority) through the same error callback as a lost device;
/// only the latter must end a take.
pub(crate) fn is_fatal(e: &cpal::Error) -> bool {
    use cpal::ErrorKind as K;
    !matches!(e.kind(), K::Xrun | K::DeviceChanged | K::RealtimeDenied)
}

/// Whether a stream error is an overrun/underrun: audio lost by the device,
/// counted and reported, never hidden.
pub(crate) fn is_xrun(e: &cpal::Error) -> bool {
    matches!(e.kind(), cpal::ErrorKind::Xrun)
}

/// A cpal error's text as one tidy line. Backends hand on their messages
/// as they come, line breaks included: one ended in a line break before its
/// full stop, so the error took two lines, the second a lone `.` (issue 21).
/// Every cpal message enters mockview through here.
pub(crate) fn cpal_message(e: &cpal::Error) -> String {
    let mut text = e
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for mark in [".", ",", ":", ";"] {
        text = text.replace(&format!(" {mark}"), mark);
    }
    text
}

#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    #[error("no audio {direction} device found (see `mockview devices`)")]
    NoDevice { direction: &'static str },
    #[error("no {direction} device matches `{wanted}` (see `mockview devices`)")]
    DeviceNotFound {
        wanted: String,
        direction: &'static str,
    },
    #[error("`{wanted}` matches several devices: {candidates} (give the full id; see `mockview devices`)")]
    AmbiguousDevice { wanted: String, candidates: String },
    #[error("cannot open {device}: {message} (see `mockview devices`)")]
    Open { device: String, message: String },
    #[error("{device}: sample format {format} is not supported")]
    UnsupportedFormat { device: String, format: String },
    /// The device started but delivered no audio within `waited`: a source
    /// suspended at the server, or one whose driver gives nothing.
    #[error("{device} gave no audio within {} s of starting (suspended, muted at the sound server, or held by another program?): check it with `mockview mic-check --device {device}`, or pick another from `mockview devices`", waited.as_secs())]
    NoAudio {
        device: String,
        waited: std::time::Duration,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot list audio devices: {message}")]
    List { message: String },
    /// The thread that writes (capture) or reads (playback) could not start.
    #[error("cannot start the {thread} thread: {source}")]
    Thread {
        thread: &'static str,
        source: std::io::Error,
    },
    /// That thread has stopped (it panicked): the stream cannot go on.
    #[error("the {thread} thread has stopped")]
    ThreadStopped { thread: &'static str },
    /// A recording to play could not be read.
    #[error(transparent)]
    Read(#[from] crate::wav_file::WavError),
    #[error("cannot resample {from} Hz to {to} Hz: {message}")]
    Resample { from: u32, to: u32, message: String },
}

impl AudioError {
    pub(crate) fn open(device: &str, e: cpal::Error) -> AudioError {
        AudioError::Open {
            device: device.to_string(),
            message: cpal_message(&e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpal::ErrorKind as K;

    #[test]
    fn a_cpal_message_is_one_tidy_line() {
        let e = cpal::Error::with_message(K::BackendError, "snd_pcm_open failed\n.");
        assert_eq!(cpal_message(&e), "snd_pcm_open failed.");
        let e = cpal::Error::with_message(K::DeviceBusy, "busy :\n  in use\r\n");
        assert_eq!(cpal_message(&e), "busy: in use");
        assert_eq!(
            AudioError::open("alsa:x", cpal::Error::with_message(K::Other, "gone\n.")).to_string(),
            "cannot open alsa:x: gone. (see `mockview devices`)"
        );
    }

    #[test]
    fn glitches_are_counted_not_fatal() {
        let e = |k: K| cpal::Error::from(k);
        assert!(!is_fatal(&e(K::Xrun)) && is_xrun(&e(K::Xrun)));
        assert!(!is_fatal(&e(K::DeviceChanged)));
        assert!(!is_fatal(&e(K::RealtimeDenied)));
        for k in [
            K::DeviceNotAvailable,
            K::StreamInvalidated,
            K::HostUnavailable,
            K::BackendError,
        ] {
            assert!(is_fatal(&e(k)), "{k:?} ends the take");
            assert!(!is_xrun(&e(k)));
        }
    }
}
