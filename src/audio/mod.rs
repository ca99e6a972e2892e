//! Audio I/O: devices, capture (device -> ring -> WAV), playback (WAV ->
//! ring -> device), sample conversion.
//!
//! Knows nothing of sessions or the terminal: the UI polls the levels and
//! clocks a `CaptureStream` publishes. See docs/audio.md for the rules of the
//! capture path and why they are what they are.

mod capture;
pub mod convert;
mod devices;
mod playback;
mod wav;

pub use capture::{CaptureStream, InputRequest, Level, StreamFormat, TakeEnd, TakeOutcome};
pub use devices::{
    find_input, find_output, list_devices, parse_sample_format, ConfigInfo, DeviceInfo,
    InputDevice, OutputDevice,
};
pub use playback::{Feeder, PlayRequest, PlaybackFormat, Player, WavSource};
pub use wav::{repair_header, HeaderRepair, WavSink};

use std::path::PathBuf;

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
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Other(String),
}

impl AudioError {
    pub(crate) fn open(device: &str, e: cpal::Error) -> AudioError {
        AudioError::Open {
            device: device.to_string(),
            message: e.to_string(),
        }
    }
}
