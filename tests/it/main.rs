//! Integration tests of the `mockview` binary: one test binary, one module per area.
//! Audio goes through cpal and ALSA to real files: the ALSA `file` plugin for
//! deterministic capture, PulseAudio's null sink for real time.

mod analysis;
mod common;
mod practice_file;
mod practice_realtime;
mod robustness;
mod usage_errors;
