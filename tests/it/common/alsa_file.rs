//! The ALSA `file` plugin as a capture device: deterministic, faster than
//! real time (docs/testing.md).

use super::*;
use assert_cmd::Command;
use std::path::PathBuf;

/// A virtual ALSA capture device `alsa:answer` whose samples come from a raw
/// file, delivered faster than real time. alsa-lib reads `$HOME/.asoundrc`,
/// so commands get HOME pointing at this folder.
pub struct FileDevice {
    pub home: tempfile::TempDir,
    pub root: PathBuf,
}

/// Sample layout of the raw file (= the format the stream is opened in).
#[derive(Clone, Copy, Debug)]
pub enum RawFormat {
    S16Mono,
    F32Stereo,
}

impl FileDevice {
    /// `samples` (16-bit values) padded with `pad_seconds` of silence, written
    /// in `format`.
    pub fn new(samples: &[i16], pad_seconds: f64, format: RawFormat) -> FileDevice {
        let home = tempfile::tempdir().unwrap();
        let raw = home.path().join("answer.raw");
        let mut all = samples.to_vec();
        all.extend(silence(pad_seconds, RATE));
        let bytes: Vec<u8> = match format {
            RawFormat::S16Mono => all.iter().flat_map(|s| s.to_le_bytes()).collect(),
            RawFormat::F32Stereo => all
                .iter()
                .flat_map(|&s| {
                    let f = (f32::from(s) / 32768.0).to_le_bytes();
                    [f, f].concat()
                })
                .collect(),
        };
        std::fs::write(&raw, bytes).unwrap();
        std::fs::write(
            home.path().join(".asoundrc"),
            format!(
                "pcm.answer {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
                raw.display()
            ),
        )
        .unwrap();
        let root = home.path().join("recordings");
        FileDevice { home, root }
    }

    /// `mockview` with HOME set to this device's folder and the sessions root in it.
    pub fn cmd(&self) -> Command {
        let mut c = mockview();
        c.env("HOME", self.home.path())
            .env("MOCKVIEW_DIR", &self.root);
        c
    }

    pub fn open_args(format: RawFormat) -> [&'static str; 6] {
        match format {
            RawFormat::S16Mono => [
                "--device",
                "alsa:answer",
                "--input-format",
                "i16",
                "--channels",
                "1",
            ],
            RawFormat::F32Stereo => [
                "--device",
                "alsa:answer",
                "--input-format",
                "f32",
                "--channels",
                "2",
            ],
        }
    }
}

// ---------------------------------------------------------------- PulseAudio
