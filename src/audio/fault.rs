//! What ended a stream for good: set once from the audio side (a lost
//! device, an unreadable file), read by the thread that owns the stream.
//! Capture and playback share it so that "failed" means one thing.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

#[derive(Debug, Default)]
pub(super) struct Fault {
    failed: AtomicBool,
    message: Mutex<Option<String>>,
}

impl Fault {
    /// Record the failure; the first message is the one kept.
    pub(super) fn set(&self, message: impl FnOnce() -> String) {
        if let Ok(mut slot) = self.message.lock() {
            slot.get_or_insert_with(message);
        }
        self.failed.store(true, Ordering::Release);
    }

    pub(super) fn is_set(&self) -> bool {
        self.failed.load(Ordering::Acquire)
    }

    /// The failure's message, if the stream failed.
    pub(super) fn message(&self) -> Option<String> {
        self.is_set().then(|| {
            self.message
                .lock()
                .map(|m| m.clone().unwrap_or_default())
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_failure_is_the_one_told() {
        let f = Fault::default();
        assert_eq!((f.is_set(), f.message()), (false, None));
        f.set(|| "device lost".into());
        f.set(|| "later".into());
        assert!(f.is_set());
        assert_eq!(f.message().as_deref(), Some("device lost"));
    }
}
