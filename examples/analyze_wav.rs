//! Analyse one WAV file and print its metrics as JSON.
//! Used by `scripts/bench-analysis.sh`: the analysis alone, without the
//! session lookup and printing of `mockview analyze`, so the benchmark
//! times only what it compares with `sox stats`.

use std::path::PathBuf;

use mockview::analysis::{analyze_wav, AnalysisConfig};

fn main() -> anyhow::Result<()> {
    let path: PathBuf = std::env::args_os()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: analyze_wav FILE.wav"))?
        .into();
    let metrics = analyze_wav(&path, &AnalysisConfig::default())?;
    println!("{}", serde_json::to_string_pretty(&metrics)?);
    Ok(())
}
