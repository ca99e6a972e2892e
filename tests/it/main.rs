//! Integration tests of the `mockview` binary: one test binary, one module per area.
//! Audio goes through cpal and ALSA to real files: the ALSA `file` plugin for
//! deterministic capture, PulseAudio's null sink for real time.

mod analysis;
mod analyze;
mod archive;
mod common;
mod config;
mod content;
mod content_accuracy;
mod delete;
mod desktop;
mod devices;
mod drills;
mod first_question;
mod follow_ups;
mod manual;
mod mic_check;
mod pipes;
mod practice_file;
mod practice_realtime;
mod recordings;
mod replay;
mod report;
mod review;
mod robustness;
mod share;
mod show;
mod stats;
mod transcribe;
mod usage_errors;
mod voice;
