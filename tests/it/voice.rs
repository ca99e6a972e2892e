//! How the voice sounds (issue 11): the pitch tracker against Praat, and
//! the monotone, uptalk and trailing-off flags on generated speech
//! (espeak-ng), real read speech (LibriVox clips of pocketsphinx-testdata)
//! and the same under white noise. All audio is generated here.
//!
//! Praat, espeak-ng, sox and pocketsphinx-testdata are required (installed
//! by `scripts/deps.sh test`): a missing one fails with the package name.

use std::path::{Path, PathBuf};

use mockview::analysis::{analyze_samples, analyze_wav, AnalysisConfig, Metrics};
use tempfile::TempDir;

use crate::analysis::{add_noise, convert, relative_error, silence, tool, trim, Noise};
use crate::common::write_wav;

const LIBRIVOX: &str = "/usr/share/pocketsphinx/test/data/librivox";
/// The same statements are spoken as statements ("."), as questions ("?")
/// and with their ends faded.
const STATEMENTS: [&str; 5] = [
    "I led a small team that shipped the billing feature",
    "We missed the date by two weeks",
    "I review each plan with the team before I commit to it",
    "The customers were happy with the result",
    "I learned to ask for help early",
];
const PASSAGE: &str = "Last spring I led a small team that had to ship a new billing feature \
before the end of the quarter. I was too hopeful about the estimate, and I did not ask for \
help early enough, so we missed the date by two weeks.";

fn librivox_clips() -> Vec<PathBuf> {
    let mut clips: Vec<PathBuf> = std::fs::read_dir(LIBRIVOX)
        .unwrap_or_else(|e| {
            panic!("{LIBRIVOX}: {e}: install pocketsphinx-testdata (scripts/deps.sh test)")
        })
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    clips.sort();
    assert!(clips.len() >= 5, "expected 5 LibriVox clips in {LIBRIVOX}");
    clips
}

/// espeak-ng reading `ssml` (SSML markup allowed), as 16-bit mono at `rate`.
fn speak_ssml(dir: &Path, name: &str, ssml: &str, rate: u32) -> Vec<i16> {
    let raw = dir.join(format!("{name}.wav"));
    let status = tool("espeak-ng", "espeak-ng")
        .args(["-v", "en-us", "-m", "-w"])
        .arg(&raw)
        .arg(format!("<speak>{ssml}</speak>"))
        .status()
        .expect("run espeak-ng");
    assert!(status.success(), "espeak-ng failed");
    convert(dir, &raw, rate)
}

/// Praat's figures of one file: (median Hz, SD semitones, SD semitones
/// of the frames within an octave of the median).
fn praat(file: &Path) -> (f64, f64, f64) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/pitch.praat");
    let out = tool("praat", "praat")
        .arg("--run")
        .arg(script)
        .arg(file)
        .args(["75", "600"])
        .output()
        .expect("run praat");
    assert!(out.status.success(), "praat failed on {}", file.display());
    let text = String::from_utf8_lossy(&out.stdout);
    let v: Vec<f64> = text
        .split_whitespace()
        .map(|x| x.parse().unwrap())
        .collect();
    (v[0], v[1], v[4])
}

fn codes(m: &Metrics) -> Vec<&str> {
    m.flags.iter().map(|f| f.code.as_str()).collect()
}

fn has(m: &Metrics, code: &str) -> bool {
    m.flags.iter().any(|f| f.code == code)
}

/// Sentences spoken one by one and joined by 0.9 s of silence (a pause
/// between sentences: longer than the 0.7 s from which a phrase end counts
/// as a statement's end without a transcript, with a margin for the
/// frames the activity detector gives to the speech), each passed through
/// `shape` first; 1 s of silence around.
fn sentences(dir: &Path, ending: &str, rate: u32, shape: impl Fn(&mut [i16])) -> Vec<i16> {
    let mut out = silence(1.0, rate);
    for (i, s) in STATEMENTS.iter().enumerate() {
        let name = format!("s{i}{}", if ending == "?" { "q" } else { "p" });
        let speech = speak_ssml(dir, &name, &format!("{s}{ending}"), rate);
        let mut speech = trim(&speech).to_vec();
        shape(&mut speech);
        out.extend(speech);
        out.extend(silence(0.9, rate));
    }
    out.extend(silence(0.3, rate));
    out
}

/// The last 400 ms faded by 15 dB, linearly in dB (as `sox fade` with a
/// logarithmic curve would, stopped at -15 dB instead of silence).
fn fade_end(speech: &mut [i16], rate: u32) {
    let n = (0.4 * rate as f64) as usize;
    let start = speech.len().saturating_sub(n);
    let len = speech.len() - start;
    for (i, s) in speech[start..].iter_mut().enumerate() {
        let db = -15.0 * i as f64 / len as f64;
        *s = (*s as f64 * 10f64.powf(db / 20.0)).round() as i16;
    }
}

#[test]
fn pitch_agrees_with_praat() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let mut files: Vec<(PathBuf, bool)> =
        librivox_clips().into_iter().map(|p| (p, false)).collect();
    for (name, ssml) in [
        ("passage", PASSAGE.to_string()),
        (
            "x-low",
            format!("<prosody range=\"x-low\">{PASSAGE}</prosody>"),
        ),
        (
            "x-high",
            format!("<prosody range=\"x-high\">{PASSAGE}</prosody>"),
        ),
    ] {
        for rate in [16_000, 48_000] {
            let path = dir.path().join(format!("{name}-{rate}-answer.wav"));
            write_wav(&path, &speak_ssml(dir.path(), name, &ssml, rate), rate);
            files.push((path, true));
        }
    }
    let mut failures = Vec::new();
    for (file, generated) in &files {
        let m = analyze_wav(file, &config).unwrap();
        let (p_median, p_sd, p_inner_sd) = praat(file);
        let median = m.pitch_median_hz.expect("a median pitch");
        let sd = m.pitch_sd_semitones.expect("a pitch SD");
        let name = file.file_name().unwrap().to_string_lossy();
        eprintln!(
            "{name}: median {median:.1} Hz (Praat {p_median:.1}), SD {sd:.2} st \
(Praat {p_sd:.2}, {p_inner_sd:.2} without its octave errors)"
        );
        if relative_error(median, p_median) > 0.05 {
            failures.push(format!(
                "{name}: median {median:.1} Hz, Praat {p_median:.1}"
            ));
        }
        // On four LibriVox clips Praat's own track has octave errors in a
        // few frames (e.g. 547 Hz in a 93 Hz voice) that dominate its SD,
        // and which this tracker does not make: there the SD is compared
        // with Praat's without the frames more than an octave off its
        // median. Generated speech has none; its SD is compared as is.
        let reference = if *generated { p_sd } else { p_inner_sd };
        if (sd - reference).abs() > 0.5 {
            failures.push(format!("{name}: SD {sd:.2} st, Praat {reference:.2}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn monotone_speech_is_flagged_and_lively_speech_is_not() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 48_000;
    let flat = speak_ssml(
        dir.path(),
        "flat",
        &format!("<prosody range=\"x-low\">{PASSAGE}</prosody>"),
        rate,
    );
    let lively = speak_ssml(
        dir.path(),
        "lively",
        &format!("<prosody range=\"x-high\">{PASSAGE}</prosody>"),
        rate,
    );
    let m = analyze_samples(&flat, rate, &config);
    assert!(
        has(&m, "monotone"),
        "x-low: {:?} {:?}",
        m.pitch_sd_semitones,
        codes(&m)
    );
    let m = analyze_samples(&lively, rate, &config);
    assert!(!has(&m, "monotone"), "x-high: {:?}", m.pitch_sd_semitones);
    // Real read speech: the five clips as one answer.
    let mut read = Vec::new();
    for clip in librivox_clips() {
        read.extend(convert(dir.path(), &clip, rate));
        read.extend(silence(0.6, rate));
    }
    let m = analyze_samples(&read, rate, &config);
    assert!(m.voiced_seconds > 10.0, "voiced {}", m.voiced_seconds);
    assert!(!has(&m, "monotone"), "LibriVox: {:?}", m.pitch_sd_semitones);
}

#[test]
fn questions_rise_and_statements_do_not() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 44_100;
    let statements = analyze_samples(&sentences(dir.path(), ".", rate, |_| ()), rate, &config);
    let questions = analyze_samples(&sentences(dir.path(), "?", rate, |_| ()), rate, &config);
    let rises = |m: &Metrics| -> Vec<Option<f64>> {
        m.phrase_ends.iter().map(|e| e.rise_semitones).collect()
    };
    eprintln!(
        "statements: {:?}\nquestions: {:?}",
        rises(&statements),
        rises(&questions)
    );
    assert_eq!(statements.phrase_ends.len(), STATEMENTS.len());
    assert_eq!(questions.phrase_ends.len(), STATEMENTS.len());
    assert!(
        !has(&statements, "uptalk"),
        "{:?}",
        statements.uptalk_fraction
    );
    assert!(has(&questions, "uptalk"), "{:?}", questions.uptalk_fraction);
}

#[test]
fn faded_sentence_ends_trail_off_and_full_ones_do_not() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 48_000;
    let full = analyze_samples(&sentences(dir.path(), ".", rate, |_| ()), rate, &config);
    let faded = analyze_samples(
        &sentences(dir.path(), ".", rate, |s| fade_end(s, rate)),
        rate,
        &config,
    );
    let falls =
        |m: &Metrics| -> Vec<Option<f64>> { m.phrase_ends.iter().map(|e| e.fall_db).collect() };
    eprintln!("full: {:?}\nfaded: {:?}", falls(&full), falls(&faded));
    assert!(
        !has(&full, "trailing_off"),
        "{:?}",
        full.trailing_off_fraction
    );
    assert!(
        has(&faded, "trailing_off"),
        "{:?}",
        faded.trailing_off_fraction
    );
}

#[test]
fn white_noise_at_20_db_snr_moves_pitch_little_and_no_voice_flag() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 48_000;
    let voice_flags = |m: &Metrics| -> Vec<String> {
        m.flags
            .iter()
            .filter(|f| ["monotone", "uptalk", "trailing_off"].contains(&f.code.as_str()))
            .map(|f| f.code.clone())
            .collect()
    };
    let flat = speak_ssml(
        dir.path(),
        "flat",
        &format!("<prosody range=\"x-low\">{PASSAGE}</prosody>"),
        rate,
    );
    let questions = sentences(dir.path(), "?", rate, |_| ());
    let statements = sentences(dir.path(), ".", rate, |_| ());
    let faded = sentences(dir.path(), ".", rate, |s| fade_end(s, rate));
    let mut read = Vec::new();
    for clip in librivox_clips() {
        read.extend(convert(dir.path(), &clip, rate));
        read.extend(silence(0.6, rate));
    }
    for (name, clean) in [
        ("x-low", flat),
        ("questions", questions),
        ("statements", statements),
        ("faded", faded),
        ("LibriVox", read),
    ] {
        let noise = Noise(0x9e37_79b9_7f4a_7c15).white(clean.len());
        let noisy = add_noise(&clean, &noise, 20.0, rate);
        let a = analyze_samples(&clean, rate, &config);
        let b = analyze_samples(&noisy, rate, &config);
        let (ma, mb) = (a.pitch_median_hz.unwrap(), b.pitch_median_hz.unwrap());
        let ends = |m: &Metrics| -> Vec<String> {
            m.phrase_ends
                .iter()
                .map(|e| {
                    format!(
                        "{:.1}/{:.1}",
                        e.rise_semitones.unwrap_or(f64::NAN),
                        e.fall_db.unwrap_or(f64::NAN)
                    )
                })
                .collect()
        };
        eprintln!(
            "{name} ends (rise st / fall dB): {:?}\n  noisy: {:?}",
            ends(&a),
            ends(&b)
        );
        eprintln!(
            "{name}: median {ma:.1} -> {mb:.1} Hz, SD {:.2} -> {:.2} st, flags {:?} -> {:?}",
            a.pitch_sd_semitones.unwrap(),
            b.pitch_sd_semitones.unwrap(),
            voice_flags(&a),
            voice_flags(&b)
        );
        assert!(relative_error(mb, ma) <= 0.05, "{name}: {ma} -> {mb}");
        assert_eq!(voice_flags(&a), voice_flags(&b), "{name}");
    }
}

#[test]
fn analyze_prints_the_voice_and_its_flags() {
    let dir = TempDir::new().unwrap();
    let rate = 16_000;
    let wav = dir.path().join("questions.wav");
    write_wav(&wav, &sentences(dir.path(), "?", rate, |_| ()), rate);
    let out = crate::common::mockview()
        .args(["analyze", "--json"])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(out.status.success());
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(m["pitch_median_hz"].as_f64().unwrap() > 75.0);
    assert_eq!(m["phrase_ends"].as_array().unwrap().len(), STATEMENTS.len());
    assert!(m["flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["code"] == "uptalk"));
    let out = crate::common::mockview()
        .arg("analyze")
        .arg(&wav)
        .args(["--min-pitch-sd", "0"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("statement ends rising"), "{text}");
    assert!(
        text.contains("like a question: let statements fall"),
        "{text}"
    );
    assert!(
        !text.contains("flat pitch"),
        "--min-pitch-sd 0 turns monotone off: {text}"
    );
    let out = crate::common::mockview()
        .arg("analyze")
        .arg(&wav)
        .args(["--pitch-floor", "700"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "a floor above the ceiling");
    assert!(String::from_utf8_lossy(&out.stderr).contains("--pitch-floor"));
}

/// Questions answered through the file device: `practice` stores the voice
/// metrics, `show` prints them, and the report draws the contour with the
/// rising ends marked.
#[test]
fn practice_show_and_report_carry_the_voice() {
    use crate::common::{only_session, FileDevice, RawFormat};
    let dir = TempDir::new().unwrap();
    let rate = 48_000;
    let dev = FileDevice::new(
        &sentences(dir.path(), "?", rate, |_| ()),
        2.0,
        RawFormat::S16Mono,
    );
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--count", "1", "--prep", "0", "--limit", "17"])
        .assert()
        .success();
    let (session, log) = only_session(&dev.root);
    let metrics = &log["answers"][0]["metrics"];
    assert!(
        metrics["pitch_sd_semitones"].as_f64().is_some(),
        "{metrics}"
    );
    assert!(
        metrics["uptalk_fraction"].as_f64().unwrap() > 0.3,
        "{metrics}"
    );
    let show = dev.cmd().args(["show", "latest"]).output().unwrap();
    let show = String::from_utf8(show.stdout).unwrap();
    assert!(show.contains("statement ends rising"), "{show}");
    dev.cmd().args(["report", "latest"]).assert().success();
    let page = std::fs::read_to_string(session.join("report.html")).unwrap();
    assert_eq!(page.matches("<svg class=\"pitch\"").count(), 1, "a contour");
    assert!(page.contains("<path class=\"rise\""), "rising ends marked");
}

#[test]
fn metrics_without_the_voice_fields_still_load() {
    // Metrics written before issue 11 have no pitch fields.
    let old = r#"{"duration_seconds": 12.0, "speaking_seconds": 9.0, "flags": []}"#;
    let m: Metrics = serde_json::from_str(old).unwrap();
    assert_eq!(m.pitch_median_hz, None);
    assert!(m.phrase_ends.is_empty());
}

/// Sentences with a comma that espeak-ng says with a continuation rise
/// (measured 1.8-3.8 st, five of six above 2 st), the first clause
/// waiting for the rest. Each ends as a statement, falling (-2.0 to
/// -0.5 st).
const CLAUSES: [(&str, &str); 6] = [
    ("When I joined the team", "the release took a whole week"),
    ("If a release failed", "we rolled it back in minutes"),
    ("In my first month", "I met every customer"),
    ("Last spring", "our two biggest clients left"),
    ("As the lead engineer", "I owned the migration"),
    ("With a small budget", "we had to choose carefully"),
];

/// The clause sentences, each followed by 1 s of silence, with a pause of
/// `comma_ms` after the comma; and the time each sentence's sound ends
/// (what a transcript's full stops give).
fn clause_sentences(dir: &Path, comma_ms: u32, rate: u32) -> (Vec<i16>, Vec<f64>) {
    let mut out = silence(1.0, rate);
    let mut ends = Vec::new();
    for (i, (first, second)) in CLAUSES.iter().enumerate() {
        let ssml = format!("{first},<break time=\"{comma_ms}ms\"/> {second}.");
        let speech = speak_ssml(dir, &format!("c{i}-{comma_ms}"), &ssml, rate);
        out.extend(trim(&speech));
        ends.push(out.len() as f64 / f64::from(rate));
        out.extend(silence(1.0, rate));
    }
    (out, ends)
}

/// Issue 18: a rise at a comma is a continuation rise, not uptalk. Without
/// a transcript a phrase end counts only before a pause of at least 0.7 s:
/// the commas' 0.4 s pauses do not, though most of them rise.
#[test]
fn continuation_rises_at_commas_are_not_uptalk() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 48_000;
    let (samples, _) = clause_sentences(dir.path(), 400, rate);
    let m = analyze_samples(&samples, rate, &config);
    let ends: Vec<(Option<f64>, bool)> = m
        .phrase_ends
        .iter()
        .map(|e| (e.rise_semitones, e.statement))
        .collect();
    eprintln!("(rise st, statement): {ends:?}");
    assert_eq!(m.phrase_ends.len(), 2 * CLAUSES.len(), "{ends:?}");
    let commas: Vec<_> = m.phrase_ends.iter().step_by(2).collect();
    let stops: Vec<_> = m.phrase_ends.iter().skip(1).step_by(2).collect();
    assert!(commas.iter().all(|e| !e.statement), "{ends:?}");
    assert!(stops.iter().all(|e| e.statement), "{ends:?}");
    let rising_commas = commas.iter().filter(|e| e.rising).count();
    assert!(rising_commas >= 4, "continuation rises: {ends:?}");
    // Counted at every phrase end, as before issue 18, this was uptalk.
    let measured = m.phrase_ends.iter().filter(|e| e.rise_semitones.is_some());
    let all_share = measured.clone().filter(|e| e.rising).count() as f64 / measured.count() as f64;
    assert!(
        all_share > config.thresholds.phrase_end_fraction,
        "{all_share}"
    );
    assert_eq!(m.uptalk_fraction, Some(0.0), "{ends:?}");
    assert!(!has(&m, "uptalk"), "{:?}", codes(&m));
    assert_eq!(m.rising_ends(), (0, CLAUSES.len()));
}

/// With a transcript the sentence ends decide, even where the speaker
/// pauses long at a comma: without the words those commas count (the
/// limit of guessing from pauses), with them they do not.
#[test]
fn with_a_transcript_only_sentence_ends_count_for_uptalk() {
    let dir = TempDir::new().unwrap();
    let config = AnalysisConfig::default();
    let rate = 48_000;
    let (samples, sentence_ends) = clause_sentences(dir.path(), 900, rate);
    let mut m = analyze_samples(&samples, rate, &config);
    eprintln!(
        "rises: {:?}, sentence ends {sentence_ends:?}",
        m.phrase_ends
            .iter()
            .map(|e| (e.end_seconds, e.rise_semitones, e.statement))
            .collect::<Vec<_>>()
    );
    assert!(
        m.phrase_ends.iter().all(|e| e.statement),
        "long comma pauses look like sentence ends"
    );
    assert!(has(&m, "uptalk"), "{:?}", m.uptalk_fraction);
    let words = CLAUSES
        .iter()
        .map(|(a, b)| a.split(' ').count() + b.split(' ').count())
        .sum();
    m.apply_transcript(words, &sentence_ends, &config.thresholds);
    assert!(!has(&m, "uptalk"), "{:?}", codes(&m));
    assert_eq!(m.uptalk_fraction, Some(0.0));
    let statements = m.phrase_ends.iter().filter(|e| e.statement).count();
    assert_eq!(statements, CLAUSES.len());
    // The same figures again change nothing.
    let again = {
        let mut a = m.clone();
        a.apply_transcript(words, &sentence_ends, &config.thresholds);
        a
    };
    assert_eq!(again, m);
    // The pace is now the words' (and said so), over the answer time.
    assert_eq!(m.pace_basis, mockview::analysis::PaceBasis::Words);
    let expected = words as f64 * 60.0 / m.answer_seconds();
    assert!((m.words_per_minute - expected).abs() < 1e-9);
}
