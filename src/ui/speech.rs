//! Speaking a question aloud through the system's text-to-speech program.

use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// The voice and rate the settings ask for (`voice`, `rate`), set once at
/// start like the colour choice, so every caller of [`speak`] uses them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voice {
    /// A voice name as the program knows it (`en-gb` for espeak-ng).
    pub name: Option<String>,
    /// Words per minute.
    pub rate: Option<u32>,
}

static VOICE: OnceLock<Voice> = OnceLock::new();

/// Set the voice for the rest of the process (the first call wins).
pub fn set_voice(voice: Voice) {
    let _ = VOICE.set(voice);
}

/// The arguments that pass the voice to `program`. spd-say's rate is a
/// -100..100 scale rather than words per minute, so only its voice is passed.
fn voice_args(program: &str, voice: &Voice) -> Vec<String> {
    let mut args = Vec::new();
    let (name_flag, rate_flag) = match program {
        "espeak-ng" => ("-v", Some("-s")),
        "say" => ("-v", Some("-r")),
        _ => ("-y", None),
    };
    if let Some(name) = &voice.name {
        args.extend([name_flag.to_string(), name.clone()]);
    }
    if let (Some(flag), Some(rate)) = (rate_flag, voice.rate) {
        args.extend([flag.to_string(), rate.to_string()]);
    }
    args
}

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
            .args(voice_args(
                program,
                VOICE.get().unwrap_or(&Voice::default()),
            ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_voice_reaches_each_program_in_its_own_flags() {
        let v = Voice {
            name: Some("en-gb".into()),
            rate: Some(150),
        };
        assert_eq!(voice_args("espeak-ng", &v), ["-v", "en-gb", "-s", "150"]);
        assert_eq!(voice_args("say", &v), ["-v", "en-gb", "-r", "150"]);
        assert_eq!(voice_args("spd-say", &v), ["-y", "en-gb"]);
        assert!(voice_args("espeak-ng", &Voice::default()).is_empty());
    }
}
