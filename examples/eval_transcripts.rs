//! The transcript evaluation on the spoken corpus (issue 18): every answer
//! of `eval/stories.toml` spoken at 48 kHz (rotating voices, pauses, room
//! tone), transcribed and scored. Prints WER, dropped sentences, filler
//! recall and RTF per decoding setting. Run by scripts/eval-transcripts.sh;
//! the logic is `mockview::transcribe::evaluation`.
//!
//!   eval_transcripts --model FILE [--corpus FILE] [--decoding NAME|all]
//!                    [--every N] [--verbose]

use anyhow::{anyhow, bail, Context, Result};
use mockview::transcribe::evaluation::{self, Score, CORPUS};
use mockview::transcribe::{Decoding, Engine};
use std::path::PathBuf;

fn main() -> Result<()> {
    let mut model: Option<PathBuf> = None;
    let mut corpus = PathBuf::from(CORPUS);
    let mut decodings: Vec<(String, Decoding)> = vec![("default".into(), Decoding::default())];
    let mut every = 1usize;
    let mut verbose = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{a} needs a value"));
        match a.as_str() {
            "--model" => model = Some(value()?.into()),
            "--corpus" => corpus = value()?.into(),
            "--every" => every = value()?.parse().context("--every")?,
            "--verbose" => verbose = true,
            "--decoding" => {
                let name = value()?;
                decodings = if name == "all" {
                    Decoding::MEASURED
                        .iter()
                        .map(|(n, d)| (n.to_string(), *d))
                        .collect()
                } else {
                    let d = Decoding::named(&name).ok_or_else(|| {
                        let names: Vec<&str> = Decoding::MEASURED.iter().map(|(n, _)| *n).collect();
                        anyhow!("--decoding {name}: not one of {}", names.join(", "))
                    })?;
                    vec![(name, d)]
                };
            }
            other => bail!("unknown argument {other}"),
        }
    }
    let model = model.ok_or_else(|| anyhow!("--model FILE is required"))?;
    let answers = evaluation::read_corpus(&corpus).map_err(|e| anyhow!(e))?;
    let engine = Engine::load(&model)?;
    let dir = tempfile::tempdir()?;
    let chosen: Vec<(usize, &evaluation::Answer)> =
        answers.iter().enumerate().step_by(every.max(1)).collect();
    println!(
        "corpus {}: {} of {} answers, {} voices; model {}",
        corpus.display(),
        chosen.len(),
        answers.len(),
        evaluation::VOICES.len().min(chosen.len()),
        engine.model_name()
    );
    for (name, decoding) in &decodings {
        let mut total = Score::default();
        let (mut audio, mut spent) = (0.0, 0.0);
        let mut files_with_drops = 0;
        for &(index, answer) in &chosen {
            let o = evaluation::evaluate(&engine, decoding, index, answer, dir.path())
                .map_err(|e| anyhow!(e))?;
            audio += o.spoken.seconds;
            spent += o.transcribe_seconds;
            files_with_drops += usize::from(!o.score.dropped.is_empty());
            if verbose || !o.score.dropped.is_empty() {
                println!(
                    "  {} ({}, {:.1} s): WER {:.1} %, dropped {}, fillers {}/{}",
                    o.id,
                    o.spoken.voice,
                    o.spoken.seconds,
                    100.0 * o.score.wer(),
                    o.score.dropped.len(),
                    o.score.fillers_kept,
                    o.score.fillers
                );
                for s in &o.score.dropped {
                    println!("    dropped: {s}");
                }
                if verbose {
                    println!("    heard: {}", o.transcript.text);
                }
            }
            total.add(&o.score);
            std::fs::remove_file(&o.spoken.wav).ok();
        }
        println!(
            "{name}: WER {:.1} % ({} / {} words); dropped sentences {} / {} (in {} answers); filler recall {:.1} % ({} / {}); RTF {:.3} ({:.1} s for {:.1} s of audio; load average {})",
            100.0 * total.wer(),
            total.errors,
            total.words,
            total.dropped.len(),
            total.sentences,
            files_with_drops,
            100.0 * total.filler_recall(),
            total.fillers_kept,
            total.fillers,
            spent / audio.max(1e-9),
            spent,
            audio,
            std::fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next().map(String::from))
                .unwrap_or_else(|| "?".into())
        );
    }
    Ok(())
}
