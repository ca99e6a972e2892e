//! Speaking a question aloud through the system's text-to-speech program.

use std::process::{Command, Stdio};

/// The TTS programs tried, in order, with the arguments that make them wait
/// until speech has finished (so recording never starts over the voice).
const SPEAKERS: &[(&str, &[&str])] = &[("espeak-ng", &[]), ("spd-say", &["-w"]), ("say", &[])];

/// Speak `text`; an error says no TTS program could be run (a warning for the caller).
pub fn speak(text: &str) -> Result<(), String> {
    for (program, args) in SPEAKERS {
        let status = Command::new(program)
            .args(*args)
            .arg(text)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => return Ok(()),
            Ok(s) => return Err(format!("{program} failed ({s})")),
            Err(_) => continue,
        }
    }
    Err("no text-to-speech program found (install espeak-ng)".into())
}
