//! Ctrl-C, SIGTERM and SIGHUP: the first asks the running command to stop
//! cleanly (finish the take, save the log, exit 130); the second exits at
//! once. While the program waits on a device call that cannot be cut short
//! (opening or starting a stream: cpal's native PulseAudio host blocks in
//! `play()` until the source delivers), the first signal exits at once.
//! Files stay valid either way: WAV headers are refreshed twice a second and
//! the log is only ever replaced atomically.
//!
//! Every one of these signals exits 130 (not 128 + signal): the shell and
//! scripts see one "stopped by the user" code, and what was recorded is kept.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The exit status after a stop signal.
pub const INTERRUPTED_EXIT: i32 = 130;

#[derive(Clone, Debug)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
    /// Set while a device call blocks: a signal then exits at once.
    blocked: Arc<AtomicBool>,
}

impl Interrupt {
    /// Install the handlers. Call once, early.
    pub fn install() -> std::io::Result<Interrupt> {
        let flag = Arc::new(AtomicBool::new(false));
        let blocked = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // Order matters: the conditional exit sees the flag set by the
            // first signal only on the second one.
            flag::register_conditional_shutdown(sig, INTERRUPTED_EXIT, flag.clone())?;
            flag::register_conditional_shutdown(sig, INTERRUPTED_EXIT, blocked.clone())?;
            flag::register(sig, flag.clone())?;
        }
        Ok(Interrupt { flag, blocked })
    }

    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Ctrl-C as a key in raw terminal mode: treat like the signal.
    pub fn request(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }

    /// Run a device call that may block for long (open, start): a stop
    /// signal during it exits the program at once. Only for calls during
    /// which nothing is half-written: the log and finished takes are safe
    /// on disk, and an open take's WAV header is at most a second old.
    pub fn blocking<T>(&self, call: impl FnOnce() -> T) -> T {
        self.blocked.store(true, Ordering::SeqCst);
        let out = call();
        self.blocked.store(false, Ordering::SeqCst);
        out
    }
}
