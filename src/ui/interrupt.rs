//! Ctrl-C and SIGTERM: the first asks the running command to stop cleanly
//! (finish the take, save the log, exit 130); the second exits at once. Files
//! stay valid either way: WAV headers are refreshed twice a second and the
//! log is only ever replaced atomically.

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::flag;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

#[derive(Clone, Debug)]
pub struct Interrupt {
    flag: Arc<AtomicBool>,
}

impl Interrupt {
    /// Install the handlers. Call once, early.
    pub fn install() -> std::io::Result<Interrupt> {
        let flag = Arc::new(AtomicBool::new(false));
        for sig in [SIGINT, SIGTERM] {
            // Order matters: the conditional exit sees the flag set by the
            // first signal only on the second one.
            flag::register_conditional_shutdown(sig, 130, flag.clone())?;
            flag::register(sig, flag.clone())?;
        }
        Ok(Interrupt { flag })
    }

    pub fn requested(&self) -> bool {
        self.flag.load(Ordering::Relaxed)
    }

    /// Ctrl-C as a key in raw terminal mode: treat like the signal.
    pub fn request(&self) {
        self.flag.store(true, Ordering::Relaxed);
    }
}
