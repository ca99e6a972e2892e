//! mockview: a command-line coach for spoken interview practice.
//!
//! The binary (`src/main.rs`) is a thin shell over this library so that tests
//! and benchmarks can drive each piece directly. Dependencies point one way:
//! `cli` -> `commands` -> the domain modules below; only `commands` wires them.
//!
//! No `print!`/`eprint!` macros outside tests: they panic on a closed or
//! full stdout/stderr (exit 101 after a file was saved, `| head`, `2>/dev/full`).
//! Output goes through `writeln!` on a locked handle, whose error ends the
//! command quietly, and stderr lines through `ui::stderr_line`.
#![deny(clippy::print_stdout, clippy::print_stderr)]

pub mod analysis;
pub mod archive;
pub mod audio;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod content;
pub mod durable;
pub mod level;
pub mod listener;
pub mod practice;
pub mod progress;
pub mod questions;
pub mod report;
pub mod semantic;
pub mod session;
pub mod transcribe;
pub mod transcript;
pub mod ui;
pub mod wav_file;
