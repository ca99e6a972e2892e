//! The transcript evaluation on the spoken corpus (issue 18): every answer
//! of `eval/stories.toml` spoken at 48 kHz (rotating voices, pauses, room
//! tone), transcribed and scored. Prints WER, dropped sentences, filler
//! recall and RTF per decoding setting, overall and per voice. Run by
//! scripts/eval-transcripts.sh; the logic is
//! `mockview::transcribe::evaluation`.
//!
//!   eval_transcripts --model FILE [--corpus FILE] [--decoding NAME|all]
//!                    [--every N] [--voice TEXT] [--speak-as VOICE]
//!                    [--prompt TEXT] [--beams N] [--verbose]
//!   eval_transcripts --model FILE --intelligibility [--voice TEXT[,=NAME…]]
//!
//! `--voice TEXT` keeps the answers whose voice's name contains TEXT;
//! `--speak-as "espeak-ng en-us+m7"` speaks every chosen answer with that
//! voice instead (with `--voice`: another voice on the same texts); `--prompt` and
//! `--beams` change the chosen settings' prompt and beam search.
//! `--intelligibility`: the check of the voices themselves (every corpus
//! voice and every candidate speaks the Harvard sentences, eval/harvard.txt;
//! a voice passes when the model hears it at WER ≤ 10 %).

use anyhow::{anyhow, bail, Context, Result};
use mockview::transcribe::evaluation::{
    self, Score, Voice, CANDIDATE_VOICES, CORPUS, HARVARD, INTELLIGIBLE_WER, VOICES,
};
use mockview::transcribe::{Decoding, Engine};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The sums of a set of answers.
#[derive(Default)]
struct Tally {
    score: Score,
    audio: f64,
    spent: f64,
    answers_with_drops: usize,
    answers: usize,
}

impl Tally {
    fn line(&self) -> String {
        let s = &self.score;
        format!(
            "WER {:.1} % ({} / {} words); dropped sentences {} / {} (in {} of {} answers); filler recall {:.1} % ({} / {}); RTF {:.3} ({:.1} s for {:.1} s of audio)",
            100.0 * s.wer(),
            s.errors,
            s.words,
            s.dropped.len(),
            s.sentences,
            self.answers_with_drops,
            self.answers,
            100.0 * s.filler_recall(),
            s.fillers_kept,
            s.fillers,
            self.spent / self.audio.max(1e-9),
            self.spent,
            self.audio,
        )
    }
}

fn main() -> Result<()> {
    let mut model: Option<PathBuf> = None;
    let mut corpus = PathBuf::from(CORPUS);
    let mut decodings: Vec<(String, Decoding)> = vec![("default".into(), Decoding::default())];
    let mut every = 1usize;
    let mut verbose = false;
    let mut voice_filter: Option<String> = None;
    let mut speak_as: Option<Voice> = None;
    let mut prompt: Option<&'static str> = None;
    let mut beams: Option<i32> = None;
    let mut intelligibility = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{a} needs a value"));
        match a.as_str() {
            "--model" => model = Some(value()?.into()),
            "--corpus" => corpus = value()?.into(),
            "--every" => every = value()?.parse().context("--every")?,
            "--verbose" => verbose = true,
            "--intelligibility" => intelligibility = true,
            "--voice" => voice_filter = Some(value()?),
            "--speak-as" => {
                let name = value()?;
                speak_as = Some(Voice::parse(&name).ok_or_else(|| {
                    anyhow!("--speak-as {name}: not \"espeak-ng|flite|festival VOICE\"")
                })?);
            }
            "--prompt" => prompt = Some(Box::leak(value()?.into_boxed_str())),
            "--beams" => beams = Some(value()?.parse().context("--beams")?),
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
    for (_, d) in &mut decodings {
        if let Some(p) = prompt {
            d.prompt_text = p;
        }
        if beams.is_some() {
            d.beams = beams;
        }
    }
    let model = model.ok_or_else(|| anyhow!("--model FILE is required"))?;
    if intelligibility {
        return check_voices(&model, voice_filter.as_deref(), verbose);
    }
    let answers = evaluation::read_corpus(&corpus).map_err(|e| anyhow!(e))?;
    let engine = Engine::load(&model)?;
    let dir = tempfile::tempdir()?;
    let voice_of = |index: usize| speak_as.unwrap_or(VOICES[index % VOICES.len()]);
    let chosen: Vec<(usize, &evaluation::Answer)> = answers
        .iter()
        .enumerate()
        .step_by(every.max(1))
        .filter(|(i, _)| {
            voice_filter
                .as_ref()
                .is_none_or(|f| VOICES[*i % VOICES.len()].name().contains(f.as_str()))
        })
        .collect();
    let voices: std::collections::BTreeSet<String> =
        chosen.iter().map(|(i, _)| voice_of(*i).name()).collect();
    println!(
        "corpus {}: {} of {} answers, {} voices; model {}",
        corpus.display(),
        chosen.len(),
        answers.len(),
        voices.len(),
        engine.model_name()
    );
    for (name, decoding) in &decodings {
        let mut total = Tally::default();
        let mut per_voice: BTreeMap<String, Tally> = BTreeMap::new();
        for &(index, answer) in &chosen {
            let o = evaluation::evaluate_as(
                &engine,
                decoding,
                voice_of(index),
                index,
                answer,
                dir.path(),
            )
            .map_err(|e| anyhow!(e))?;
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
            let voice = per_voice.entry(o.spoken.voice.clone()).or_default();
            for t in [&mut total, voice] {
                t.score.add(&o.score);
                t.audio += o.spoken.seconds;
                t.spent += o.transcribe_seconds;
                t.answers += 1;
                t.answers_with_drops += usize::from(!o.score.dropped.is_empty());
            }
            std::fs::remove_file(&o.spoken.wav).ok();
        }
        for (voice, t) in &per_voice {
            println!("  {voice}: {}", t.line());
        }
        println!(
            "{name}: {}; load average {}",
            total.line(),
            std::fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next().map(String::from))
                .unwrap_or_else(|| "?".into())
        );
    }
    Ok(())
}

/// The intelligibility check: each corpus voice and each candidate speaks
/// every Harvard list (as an answer: 48 kHz, lead-in, tail, room tone);
/// WER per voice, and whether it is within `INTELLIGIBLE_WER`.
fn check_voices(model: &std::path::Path, filter: Option<&str>, verbose: bool) -> Result<()> {
    let lists = evaluation::read_harvard(std::path::Path::new(HARVARD)).map_err(|e| anyhow!(e))?;
    let engine = Engine::load(model)?;
    let dir = tempfile::tempdir()?;
    // The voice is judged, not mockview's settings: no filler prompt (it
    // is there to keep fillers, and Harvard sentences have none), beam
    // search and the coverage guard as mockview decodes.
    let decoding = Decoding {
        prompt: false,
        ..Decoding::default()
    };
    println!(
        "intelligibility: {} Harvard lists, model {}, no prompt, a voice passes at WER <= {:.0} %",
        lists.len(),
        engine.model_name(),
        100.0 * INTELLIGIBLE_WER
    );
    let voices = VOICES
        .iter()
        .map(|v| (v, "corpus"))
        .chain(CANDIDATE_VOICES.iter().map(|v| (v, "candidate")))
        .filter(|(v, _)| {
            // "=NAME" is one voice exactly ("=espeak-ng en-us", not its variants).
            filter.is_none_or(|f| {
                f.split(',').any(|f| match f.strip_prefix('=') {
                    Some(exact) => v.name() == exact,
                    None => v.name().contains(f),
                })
            })
        });
    for (voice, role) in voices {
        let mut t = Tally::default();
        for (index, list) in lists.iter().enumerate() {
            let o = evaluation::evaluate_as(&engine, &decoding, *voice, index, list, dir.path())
                .map_err(|e| anyhow!(e))?;
            if verbose {
                println!("    {} heard: {}", o.id, o.transcript.text);
            }
            t.score.add(&o.score);
            t.audio += o.spoken.seconds;
            t.spent += o.transcribe_seconds;
            t.answers += 1;
            t.answers_with_drops += usize::from(!o.score.dropped.is_empty());
            std::fs::remove_file(&o.spoken.wav).ok();
        }
        let verdict = if t.score.wer() <= INTELLIGIBLE_WER {
            "passes"
        } else {
            "fails"
        };
        println!("  {} ({role}): {verdict}: {}", voice.name(), t.line());
    }
    Ok(())
}
