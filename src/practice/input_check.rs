//! The input check before a session: open and start the input, and wait for
//! its first frames, before anything is shown or made. A device that
//! delivers nothing (a suspended source) would otherwise leave the session
//! waiting on question 1 for ever. The stream is closed again; each
//! question opens its own.

use super::world::{Clock, Keys, Microphone, Screen};
use crate::audio::{StreamFormat, START_TIMEOUT};
use anyhow::Result;

/// The format the input opens with; `None`: a stop signal came meanwhile.
pub fn check_input(
    microphone: &mut dyn Microphone,
    keys: &dyn Keys,
    screen: &dyn Screen,
    clock: &dyn Clock,
) -> Result<Option<StreamFormat>> {
    let mut capture = microphone.open()?;
    let started = clock.now();
    let result = capture.start(START_TIMEOUT, &|| keys.interrupted());
    screen.trace(&format!(
        "first_frames_ms={}",
        clock.now().saturating_duration_since(started).as_millis()
    ));
    if keys.interrupted() {
        return Ok(None);
    }
    // No audio in time is `AudioError::NoAudio`, which names the device and
    // where to look next.
    result?;
    if let Some(cause) = capture.error() {
        let id = microphone.device().0;
        anyhow::bail!(
            "the input device {id} failed as it started ({cause}): check it with `mockview mic-check --device {id}`, or pick another from `mockview devices`"
        );
    }
    Ok(Some(capture.format()))
}
