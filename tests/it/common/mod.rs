//! Shared test fixtures, one file per job: running the binary and making
//! sessions (`binary`), the ALSA file device (`alsa_file`), PulseAudio null
//! sinks (`pulse`) and signal maths (`signal`).

#![allow(dead_code, unused_imports)]

mod alsa_file;
mod binary;
mod pulse;
mod signal;
mod webdriver;

pub use alsa_file::*;
pub use binary::*;
pub use pulse::*;
pub use signal::*;
pub use webdriver::*;

use std::time::{Duration, Instant};

pub const RATE: u32 = 48_000;

/// Poll `cond` every 20 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> Result<(), ()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if cond() {
        Ok(())
    } else {
        Err(())
    }
}
