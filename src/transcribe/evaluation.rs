//! The evaluation of transcripts on the spoken corpus (issue 18): the story
//! answers of `eval/stories.toml`, spoken at 48 kHz by rotating synthetic
//! voices with lead-in, tail, a long pause inside some answers and room
//! tone, transcribed, and scored: word error rate, dropped sentences,
//! filler recall and real-time factor.
//!
//! Used by `examples/eval_transcripts.rs` (scripts/eval-transcripts.sh, the
//! whole corpus) and `tests/it/transcript_eval.rs` (a subset, holding the
//! bounds). Speaking needs espeak-ng, flite, festival with its voices, and
//! sox (scripts/deps.sh test); the audio goes to a folder the caller gives
//! (a temporary one), never into the repository.

use super::{Decoding, Engine};
use crate::transcript::Transcript;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Where the corpus lives in the repository.
pub const CORPUS: &str = "eval/stories.toml";
/// The rate every answer is spoken at: what microphones give, and the rate
/// at which sentences vanished (issue 18).
pub const RATE: u32 = 48_000;
/// Room tone under the whole answer, RMS in dBFS.
const ROOM_TONE_DBFS: f64 = -60.0;
/// Peak of the speech after levelling the voices (-6 dBFS).
const SPEECH_PEAK: f32 = 0.5;
/// Spellings of a filled pause, all scored as one ("um"): whisper writes
/// "um" for some spoken "uh" and the coaching counts them as one class.
const FILLED_PAUSES: [&str; 11] = [
    "um", "umm", "ummm", "uh", "uhh", "uhm", "er", "erm", "hmm", "mm", "ah",
];

/// One answer of the corpus: its sentences as said.
#[derive(Debug, Clone)]
pub struct Answer {
    pub id: String,
    pub sentences: Vec<String>,
}

#[derive(Deserialize)]
struct CorpusFile {
    answer: Vec<CorpusAnswer>,
}

#[derive(Deserialize)]
struct CorpusAnswer {
    id: String,
    /// `[part, text]`; only the text matters here.
    sentences: Vec<(String, String)>,
}

/// Read the answers of a corpus file (the format of `eval/stories.toml`).
pub fn read_corpus(path: &Path) -> Result<Vec<Answer>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: CorpusFile = toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file
        .answer
        .into_iter()
        .map(|a| Answer {
            id: a.id,
            sentences: a.sentences.into_iter().map(|(_, t)| t).collect(),
        })
        .collect())
}

/// A synthetic voice: which program, and its voice argument.
#[derive(Debug, Clone, Copy)]
pub enum Voice {
    Espeak(&'static str),
    Flite(&'static str),
    Festival(&'static str),
}

/// The voices, taken in turn by the answers: espeak-ng variants, flite's
/// voices, festival's diphone and HTS voices (Debian packages).
pub const VOICES: [Voice; 11] = [
    Voice::Espeak("en-us"),
    Voice::Flite("kal"),
    Voice::Festival("kal_diphone"),
    Voice::Espeak("en-gb+f3"),
    Voice::Flite("slt"),
    Voice::Festival("cmu_us_slt_arctic_hts"),
    Voice::Espeak("en-gb-scotland+m3"),
    Voice::Flite("rms"),
    Voice::Festival("ked_diphone"),
    Voice::Flite("awb"),
    Voice::Espeak("en-us+f4"),
];

/// The intelligibility check (docs/transcription.md, "Which voices test
/// the tool"), fixed before any voice was measured with it: a voice tests
/// the tool only when some available model hears its Harvard sentences
/// (`HARVARD`, each list one recording spoken like an answer) at a word
/// error rate of at most this.
pub const INTELLIGIBLE_WER: f64 = 0.10;
/// Where the Harvard sentences live in the repository.
pub const HARVARD: &str = "eval/harvard.txt";

/// Voices that may replace a corpus voice that fails the intelligibility
/// check, in the order they are tried (fixed before measuring): the
/// same synthesiser (espeak-ng, the only one with more English voices
/// in Debian), female variants for a female voice, male for a male one.
pub const CANDIDATE_VOICES: [Voice; 6] = [
    Voice::Espeak("en-us+f2"),
    Voice::Espeak("en-us+f1"),
    Voice::Espeak("en-gb+f2"),
    Voice::Espeak("en-gb-x-rp+m3"),
    Voice::Espeak("en-gb-x-gbcwmd+m3"),
    Voice::Espeak("en-us+m3"),
];

/// Read the Harvard lists: sentences one a line, a blank line between
/// lists, `#` lines are comments. Each list is an [`Answer`].
pub fn read_harvard(path: &Path) -> Result<Vec<Answer>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lists: Vec<Answer> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if !current.is_empty() {
                lists.push(Answer {
                    id: format!("harvard-{}", lists.len() + 1),
                    sentences: std::mem::take(&mut current),
                });
            }
        } else {
            current.push(line.to_string());
        }
    }
    if lists.is_empty() {
        return Err(format!("{}: no sentences", path.display()));
    }
    Ok(lists)
}

impl Voice {
    /// A voice by its name as [`Voice::name`] writes it ("espeak-ng en-us").
    /// The name is leaked: voices are few and live as long as the program.
    pub fn parse(name: &str) -> Option<Voice> {
        let (program, voice) = name.split_once(' ')?;
        let voice: &'static str = Box::leak(voice.to_string().into_boxed_str());
        match program {
            "espeak-ng" => Some(Voice::Espeak(voice)),
            "flite" => Some(Voice::Flite(voice)),
            "festival" => Some(Voice::Festival(voice)),
            _ => None,
        }
    }

    pub fn name(&self) -> String {
        match self {
            Voice::Espeak(v) => format!("espeak-ng {v}"),
            Voice::Flite(v) => format!("flite {v}"),
            Voice::Festival(v) => format!("festival {v}"),
        }
    }

    /// Speak `text` into `wav` (the program's own rate).
    fn say(&self, text: &str, wav: &Path) -> Result<(), String> {
        let txt = wav.with_extension("txt");
        std::fs::write(&txt, text).map_err(|e| format!("{}: {e}", txt.display()))?;
        let mut cmd = match self {
            Voice::Espeak(v) => {
                let mut c = Command::new("espeak-ng");
                c.args(["-v", v, "-w"]).arg(wav).arg("-f").arg(&txt);
                c
            }
            Voice::Flite(v) => {
                let mut c = Command::new("flite");
                c.args(["-voice", v, "-f"]).arg(&txt).arg("-o").arg(wav);
                c
            }
            Voice::Festival(v) => {
                let mut c = Command::new("text2wave");
                c.args(["-eval", &format!("(voice_{v})")])
                    .arg(&txt)
                    .arg("-o")
                    .arg(wav);
                c
            }
        };
        run(&mut cmd)
    }
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| {
        format!(
            "{:?}: {e} (scripts/deps.sh test installs it)",
            cmd.get_program()
        )
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{:?} failed: {}",
            cmd.get_program(),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// An answer as spoken: its file and what is in it.
#[derive(Debug, Clone)]
pub struct Spoken {
    pub wav: PathBuf,
    pub seconds: f64,
    pub voice: String,
    /// Where the long pause inside the answer is, if it has one.
    pub pause: Option<(f64, f64)>,
}

/// The `index`-th answer of the corpus, spoken into `dir`: the voice, the
/// lead-in and tail (1-3 s), and whether it pauses 2-4 s inside (every
/// third answer, after its middle sentence) follow from `index`.
pub fn speak(index: usize, answer: &Answer, dir: &Path) -> Result<Spoken, String> {
    speak_as(VOICES[index % VOICES.len()], index, answer, dir)
}

/// As [`speak`], with another voice (to compare voices on the same text).
pub fn speak_as(voice: Voice, index: usize, answer: &Answer, dir: &Path) -> Result<Spoken, String> {
    let lead = 1.0 + (index as f64 * 0.37) % 2.0;
    let tail = 1.0 + (index as f64 * 0.61) % 2.0;
    let pause =
        (index % 3 == 1 && answer.sentences.len() >= 2).then_some(2.0 + (index % 5) as f64 * 0.5);
    let split = if pause.is_some() {
        answer.sentences.len() / 2
    } else {
        answer.sentences.len()
    };
    let parts: Vec<String> = [&answer.sentences[..split], &answer.sentences[split..]]
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.join(" "))
        .collect();
    let mut speech = Vec::new();
    for (k, text) in parts.iter().enumerate() {
        let raw = dir.join(format!("{}-{k}.raw.wav", answer.id));
        let wav = dir.join(format!("{}-{k}.wav", answer.id));
        voice.say(text, &raw)?;
        run(Command::new("sox")
            .arg(&raw)
            .args(["-r", &RATE.to_string(), "-c", "1", "-b", "16"])
            .arg(&wav))?;
        speech.push(read_wav(&wav)?);
    }
    let peak = speech
        .iter()
        .flatten()
        .fold(0.0f32, |m, s| m.max(s.abs()))
        .max(1e-6);
    let silence = |s: f64| vec![0.0f32; (s * f64::from(RATE)) as usize];
    let mut all = silence(lead);
    let mut pause_at = None;
    for (k, part) in speech.iter().enumerate() {
        if k > 0 {
            let from = all.len() as f64 / f64::from(RATE);
            let p = pause.unwrap_or(0.0);
            all.extend(silence(p));
            pause_at = Some((from, from + p));
        }
        all.extend(part.iter().map(|s| s / peak * SPEECH_PEAK));
    }
    all.extend(silence(tail));
    let seconds = all.len() as f64 / f64::from(RATE);
    let tone = room_tone(seconds, dir)?;
    for (s, n) in all.iter_mut().zip(tone) {
        *s += n;
    }
    let wav = dir.join(format!("{}.wav", answer.id));
    write_wav(&wav, &all)?;
    Ok(Spoken {
        wav,
        seconds,
        voice: voice.name(),
        pause: pause_at,
    })
}

/// `seconds` of room tone at `ROOM_TONE_DBFS` RMS: sox's pink noise
/// (repeatable, `-R`), scaled.
pub fn room_tone(seconds: f64, dir: &Path) -> Result<Vec<f32>, String> {
    let wav = dir.join("room-tone.wav");
    run(Command::new("sox")
        .args(["-R", "-n", "-r", &RATE.to_string(), "-c", "1", "-b", "16"])
        .arg(&wav)
        .args(["synth", &format!("{seconds:.3}"), "pinknoise"]))?;
    let noise = read_wav(&wav)?;
    let rms = (noise.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>()
        / noise.len().max(1) as f64)
        .sqrt()
        .max(1e-9);
    let gain = 10f64.powf(ROOM_TONE_DBFS / 20.0) / rms;
    Ok(noise
        .iter()
        .map(|s| (f64::from(*s) * gain) as f32)
        .collect())
}

fn read_wav(path: &Path) -> Result<Vec<f32>, String> {
    let reader = hound::WavReader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    reader
        .into_samples::<i16>()
        .map(|s| s.map(|v| f32::from(v) / 32768.0))
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Write mono 16-bit samples at `RATE`.
pub fn write_wav(path: &Path, samples: &[f32]) -> Result<(), String> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let err = |e: hound::Error| format!("{}: {e}", path.display());
    let mut w = hound::WavWriter::create(path, spec).map_err(err)?;
    for s in samples {
        w.write_sample((s * 32767.0).round().clamp(-32768.0, 32767.0) as i16)
            .map_err(err)?;
    }
    w.finalize().map_err(err)
}

/// Words for comparison: lower case, hyphens as spaces, numbers spelled
/// out, punctuation dropped, filled pauses as "um", "ok" as "okay".
pub fn normalise(text: &str) -> Vec<String> {
    let text = text
        .to_lowercase()
        .replace('-', " ")
        .replace('%', " percent")
        .replace('—', " ");
    let mut out = Vec::new();
    for raw in text.split_whitespace() {
        let w: String = raw
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '\'' || *c == '.' || *c == ',')
            .collect();
        let w = w.trim_matches(|c| matches!(c, '\'' | '.' | ','));
        if w.is_empty() {
            continue;
        }
        let digits: String = w.chars().filter(|c| *c != ',').collect();
        if let Ok(n) = digits.parse::<u64>() {
            out.extend(spell(n).split_whitespace().map(String::from));
            continue;
        }
        let w: String = w.chars().filter(|c| *c != '.' && *c != ',').collect();
        if FILLED_PAUSES.contains(&w.as_str()) {
            out.push("um".into());
        } else if w == "ok" {
            out.push("okay".into());
        } else {
            out.push(w);
        }
    }
    out
}

/// A number in words ("twenty one"), as the corpus writes them.
fn spell(n: u64) -> String {
    const ONES: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 10] = [
        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    match n {
        0..=19 => ONES[n as usize].into(),
        20..=99 => {
            let t = TENS[(n / 10) as usize];
            if n.is_multiple_of(10) {
                t.into()
            } else {
                format!("{t} {}", ONES[(n % 10) as usize])
            }
        }
        100..=999 => {
            let rest = if n.is_multiple_of(100) {
                String::new()
            } else {
                format!(" {}", spell(n % 100))
            };
            format!("{} hundred{rest}", ONES[(n / 100) as usize])
        }
        _ => {
            let (big, name) = if n >= 1_000_000 {
                (1_000_000, "million")
            } else {
                (1_000, "thousand")
            };
            let rest = if n.is_multiple_of(big) {
                String::new()
            } else {
                format!(" {}", spell(n % big))
            };
            format!("{} {name}{rest}", spell(n / big))
        }
    }
}

/// The figures of one transcript (or a sum of them).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Score {
    pub words: usize,
    pub errors: usize,
    pub sentences: usize,
    /// The sentences dropped, as written in the corpus.
    pub dropped: Vec<String>,
    pub fillers: usize,
    pub fillers_kept: usize,
}

impl Score {
    pub fn add(&mut self, other: &Score) {
        self.words += other.words;
        self.errors += other.errors;
        self.sentences += other.sentences;
        self.dropped.extend(other.dropped.iter().cloned());
        self.fillers += other.fillers;
        self.fillers_kept += other.fillers_kept;
    }

    pub fn wer(&self) -> f64 {
        self.errors as f64 / self.words.max(1) as f64
    }

    pub fn filler_recall(&self) -> f64 {
        if self.fillers == 0 {
            1.0
        } else {
            self.fillers_kept as f64 / self.fillers as f64
        }
    }
}

/// Score a transcript against the sentences said. The reference and the
/// transcript are aligned once (word edit distance); a sentence is dropped
/// when under half its words are matched in that alignment (so "in
/// order"), and a filler is kept when matched.
pub fn score(sentences: &[String], transcript: &str) -> Score {
    let mut reference = Vec::new();
    let mut owner = Vec::new();
    for (k, s) in sentences.iter().enumerate() {
        for w in normalise(s) {
            reference.push(w);
            owner.push(k);
        }
    }
    let hypothesis = normalise(transcript);
    let (errors, matched) = align(&reference, &hypothesis);
    let mut said = vec![0usize; sentences.len()];
    let mut heard = vec![0usize; sentences.len()];
    let mut s = Score {
        words: reference.len(),
        errors,
        sentences: sentences.len(),
        ..Score::default()
    };
    for (i, w) in reference.iter().enumerate() {
        said[owner[i]] += 1;
        heard[owner[i]] += usize::from(matched[i]);
        if w == "um" {
            s.fillers += 1;
            s.fillers_kept += usize::from(matched[i]);
        }
    }
    for (k, sentence) in sentences.iter().enumerate() {
        if said[k] > 0 && heard[k] * 2 < said[k] {
            s.dropped.push(sentence.clone());
        }
    }
    s
}

/// Word edit distance, and which reference words the best alignment matches.
fn align(reference: &[String], hypothesis: &[String]) -> (usize, Vec<bool>) {
    let (n, m) = (reference.len(), hypothesis.len());
    let mut d = vec![vec![0u32; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i as u32;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j as u32;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + u32::from(reference[i - 1] != hypothesis[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let mut matched = vec![false; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let same = reference[i - 1] == hypothesis[j - 1];
        if d[i][j] == d[i - 1][j - 1] + u32::from(!same) {
            matched[i - 1] = same;
            i -= 1;
            j -= 1;
        } else if d[i][j] == d[i - 1][j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    (d[n][m] as usize, matched)
}

/// One answer's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub id: String,
    pub spoken: Spoken,
    pub transcript: Transcript,
    pub score: Score,
    /// Wall time of the transcription (reading, resampling, decoding).
    pub transcribe_seconds: f64,
}

/// Speak, transcribe and score one answer.
pub fn evaluate(
    engine: &Engine,
    decoding: &Decoding,
    index: usize,
    answer: &Answer,
    dir: &Path,
) -> Result<Outcome, String> {
    evaluate_as(
        engine,
        decoding,
        VOICES[index % VOICES.len()],
        index,
        answer,
        dir,
    )
}

/// As [`evaluate`], spoken by `voice`.
pub fn evaluate_as(
    engine: &Engine,
    decoding: &Decoding,
    voice: Voice,
    index: usize,
    answer: &Answer,
    dir: &Path,
) -> Result<Outcome, String> {
    let spoken = speak_as(voice, index, answer, dir)?;
    let started = Instant::now();
    let samples = super::read_speech(&spoken.wav).map_err(|e| e.to_string())?;
    let transcript = engine
        .transcribe_with(&samples, decoding)
        .map_err(|e| e.to_string())?;
    let transcribe_seconds = started.elapsed().as_secs_f64();
    let score = score(&answer.sentences, &transcript.text);
    Ok(Outcome {
        id: answer.id.clone(),
        spoken,
        transcript,
        score,
        transcribe_seconds,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn the_harvard_lists_are_read_one_answer_a_list() {
        let lists = read_harvard(Path::new(HARVARD)).unwrap();
        assert_eq!(lists.len(), 2);
        assert!(lists.iter().all(|l| l.sentences.len() == 10));
        assert_eq!(lists[0].id, "harvard-1");
        assert_eq!(
            lists[1].sentences[9],
            "The girl at the booth sold fifty bonds."
        );
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("h.txt");
        std::fs::write(&empty, "# only a comment\n\n").unwrap();
        assert!(read_harvard(&empty).unwrap_err().contains("no sentences"));
    }

    #[test]
    fn normalising_spells_numbers_and_merges_fillers() {
        assert_eq!(
            normalise("Uh, it took 20 minutes - about 2,500 orders, OK? Umm."),
            s(&[
                "um", "it", "took", "twenty", "minutes", "about", "two", "thousand", "five",
                "hundred", "orders", "okay", "um"
            ])
        );
        assert_eq!(
            normalise("I'd say 30% of the well-known ones"),
            s(&["i'd", "say", "thirty", "percent", "of", "the", "well", "known", "ones"])
        );
    }

    #[test]
    fn a_sentence_is_dropped_when_under_half_its_words_are_heard_in_order() {
        let said = s(&[
            "So, um, I rolled it back.",
            "Then I told my manager straight away.",
            "We have not had an outage since.",
        ]);
        let sc = score(
            &said,
            "So um I rolled it back. We have not had an outage since.",
        );
        assert_eq!(sc.dropped, ["Then I told my manager straight away."]);
        assert_eq!(sc.words, 20);
        assert_eq!(sc.errors, 7);
        assert_eq!((sc.fillers, sc.fillers_kept), (1, 1));
        // Words out of order do not save a sentence.
        let sc = score(&said[1..2], "away straight manager my told I then");
        assert_eq!(sc.dropped.len(), 1);
        let sc = score(&said, "So I rolled it back then I told my manager straight away we have not had an outage since");
        assert!(sc.dropped.is_empty());
        assert_eq!((sc.errors, sc.fillers_kept), (1, 0));
    }
}
