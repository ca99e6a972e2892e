//! Speaking a question aloud through the system's text-to-speech program.

use std::process::{Command, Stdio};
use std::time::Duration;

/// The TTS programs tried, in order, with the arguments that make them wait
/// until speech has finished (so recording never starts over the voice).
const SPEAKERS: &[(&str, &[&str])] = &[("espeak-ng", &[]), ("spd-say", &["-w"]), ("say", &[])];

/// How often a running speech checks whether it should stop.
const POLL: Duration = Duration::from_millis(20);

/// Speak `text` and return once the speech has finished, or at once when
/// `stop` says so (Ctrl-C, SIGTERM: the program is killed). An error says no
/// TTS program could be run (a warning for the caller).
pub fn speak(text: &str, stop: impl Fn() -> bool) -> Result<(), String> {
    for (program, args) in SPEAKERS {
        let child = Command::new(program)
            .args(*args)
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let Ok(mut child) = child else { continue };
        loop {
            match child.try_wait() {
                Ok(Some(s)) if s.success() => return Ok(()),
                Ok(Some(s)) => return Err(format!("{program} failed ({s})")),
                Ok(None) if stop() => {
                    let _ = child.kill();
                    let _ = child.wait();
                    return Ok(());
                }
                Ok(None) => std::thread::sleep(POLL),
                Err(e) => return Err(format!("{program}: {e}")),
            }
        }
    }
    Err("no text-to-speech program found (install espeak-ng)".into())
}
