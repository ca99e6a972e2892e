//! Print the pitch track of one WAV file: one line per 10 ms frame, time
//! in seconds and F0 in Hz (0 = unvoiced). For comparing with Praat.

use std::path::PathBuf;

use mockview::analysis::{pitch_track_wav, AnalysisConfig};

fn main() -> anyhow::Result<()> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: pitch_track FILE.wav"))?
        .into();
    let (_, track) = pitch_track_wav(&path, &AnalysisConfig::default())?;
    for (k, f) in track.hz.iter().enumerate() {
        println!("{:.3} {:.2}", (k as f64 + 0.5) * track.frame_seconds, f);
    }
    Ok(())
}
