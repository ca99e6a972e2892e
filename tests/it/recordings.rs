//! Recordings made elsewhere (issue 18): every format the decoder reads
//! (WAV, FLAC, MP3, Ogg Vorbis, Ogg Opus, M4A/AAC) imported as an answer and
//! seen by show, replay, report and stats; `analyze` on a phone-like m4a
//! with and without a transcript; a file that is not audio, or audio in a
//! codec not read, is one line and touches nothing. And the one pace: the
//! same answer prints the same pace everywhere.
//!
//! All audio is generated here: espeak-ng, then sox (WAV, FLAC, MP3 with
//! libsox-fmt-mp3, Ogg Vorbis), opusenc (opus-tools) and ffmpeg (AAC, AC-3),
//! all installed by `scripts/deps.sh test`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{log_of, mockview, mockview_in, read_wav, require, succeeded};
use crate::transcribe::test_model;

const QUESTION: &str = "tell-me-about-a-time-you-failed";
const ANSWER: &str = "Last spring our two biggest clients asked for the same report. \
I built one shared pipeline for both of them. Since then the report takes an hour instead of a day.";

/// The formats, by file name ending, with the codec `import` reports.
const FORMATS: [(&str, &str); 6] = [
    ("wav", "PCM"),
    ("flac", "FLAC"),
    ("mp3", "MP3"),
    ("ogg", "Vorbis"),
    ("opus", "Opus"),
    ("m4a", "AAC"),
];

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: {e} (scripts/deps.sh test installs it)"));
    assert!(
        out.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The answer spoken by espeak-ng, as a 16-bit WAV at `rate` with
/// `channels` (the same signal in each), half a second of silence around.
fn source(dir: &Path, rate: u32, channels: u32) -> PathBuf {
    require("espeak-ng");
    require("sox");
    let raw = dir.join("espeak.wav");
    run(
        Command::new("espeak-ng").arg("-w").arg(&raw).arg(ANSWER),
        "espeak-ng",
    );
    let out = dir.join(format!("source-{rate}-{channels}.wav"));
    run(
        // No dither (-D): every channel carries the same samples.
        Command::new("sox")
            .arg("-D")
            .arg(&raw)
            .args([
                "-b",
                "16",
                "-r",
                &rate.to_string(),
                "-c",
                &channels.to_string(),
            ])
            .arg(&out)
            .args(["pad", "0.5", "0.5"]),
        "sox",
    );
    out
}

/// `src` encoded as `ext` next to it, by the Debian tool that writes it.
fn encode(src: &Path, ext: &str) -> PathBuf {
    let out = src.with_file_name(format!("memo.{ext}"));
    match ext {
        "wav" => {
            std::fs::copy(src, &out).unwrap();
        }
        "flac" | "ogg" => run(Command::new("sox").arg(src).arg(&out), "sox"),
        "mp3" => run(
            Command::new("sox").arg(src).args(["-C", "128"]).arg(&out),
            "sox with libsox-fmt-mp3",
        ),
        "opus" => {
            require("opusenc");
            run(
                Command::new("opusenc").arg("--quiet").arg(src).arg(&out),
                "opusenc",
            )
        }
        "m4a" => aac(src, &out, "96k"),
        other => panic!("no encoder for {other}"),
    }
    out
}

/// AAC in an M4A at `bitrate`, as a phone writes it (ffmpeg's encoder).
fn aac(src: &Path, out: &Path, bitrate: &str) {
    require("ffmpeg");
    run(
        Command::new("ffmpeg")
            .args(["-loglevel", "error", "-y", "-i"])
            .arg(src)
            .args(["-c:a", "aac", "-b:a", bitrate])
            .arg(out),
        "ffmpeg",
    );
}

fn rms_db(s: &[i16]) -> f64 {
    let p = s.iter().map(|&x| f64::from(x).powi(2)).sum::<f64>() / s.len().max(1) as f64;
    10.0 * p.max(1e-9).log10()
}

fn session_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = match std::fs::read_dir(root) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    dirs.sort();
    dirs
}

#[test]
fn every_format_imports_as_an_answer_that_show_replay_report_and_stats_see() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let src = source(tmp.path(), 44_100, 2);
    let (original, _) = {
        // The source's mono mix: both channels carry the same signal.
        let mut r = hound::WavReader::open(&src).unwrap();
        let s: Vec<i16> = r.samples::<i16>().map(|s| s.unwrap()).step_by(2).collect();
        (s, 44_100)
    };
    let seconds = original.len() as f64 / 44_100.0;
    for (ext, codec) in FORMATS {
        let file = encode(&src, ext);
        let out = mockview_in(&root)
            .arg("import")
            .arg(&file)
            .args(["--question", QUESTION, "--no-transcript"])
            .output()
            .unwrap();
        let stdout = succeeded(&out);
        assert!(stdout.contains(&format!("({codec} in ")), "{ext}: {stdout}");
        assert!(
            stdout.contains("Tell me about a time you failed."),
            "{stdout}"
        );
        assert!(stdout.contains("· est. "), "no transcript: {stdout}");
    }
    let dirs = session_dirs(&root);
    assert_eq!(dirs.len(), FORMATS.len(), "one new session per import");
    for dir in &dirs {
        let log = log_of(dir);
        let from = &log["imported_from"];
        let ext = from["file"].as_str().unwrap().rsplit('.').next().unwrap();
        let codec = FORMATS.iter().find(|(e, _)| *e == ext).unwrap().1;
        assert_eq!(from["codec"], codec, "{log}");
        assert_eq!(from["channels"], 2, "{log}");
        assert_eq!(log["status"], "completed");
        let answer = &log["answers"][0];
        assert_eq!(answer["question"]["id"], QUESTION);
        assert_eq!(answer["status"], "recorded");
        assert!(answer["metrics"]["speaking_seconds"].as_f64().unwrap() > 5.0);
        // Mono 16-bit at the file's own rate (Opus decodes at 48 kHz).
        let (samples, rate) = read_wav(&dir.join(answer["file"].as_str().unwrap()));
        assert_eq!(rate, if ext == "opus" { 48_000 } else { 44_100 }, "{ext}");
        let length = samples.len() as f64 / f64::from(rate);
        eprintln!(
            "{ext}: {length:.3} s (source {seconds:.3} s), level {:.2} dB (source {:.2} dB)",
            rms_db(&samples),
            rms_db(&original)
        );
        assert!((length - seconds).abs() < 0.1, "{ext}: {length} s");
        assert!(
            (rms_db(&samples) - rms_db(&original)).abs() < 1.0,
            "{ext}: level"
        );
        if ext == "wav" || ext == "flac" {
            assert!(samples == original, "{ext}: lossless, sample for sample");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join(answer["file"].as_str().unwrap()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "a recording is private");
        }
        let id = dir.file_name().unwrap().to_str().unwrap();
        let show = mockview_in(&root).args(["show", id]).output().unwrap();
        let show = succeeded(&show);
        assert!(
            show.contains(&format!("imported from memo.{ext} ({codec} in ")),
            "{show}"
        );
        assert!(show.contains("· est. "), "{show}");
    }
    // The last one through the report, replay and stats.
    let out = mockview_in(&root)
        .args(["report", "latest"])
        .output()
        .unwrap();
    succeeded(&out);
    let page = std::fs::read_to_string(dirs.last().unwrap().join("report.html")).unwrap();
    assert!(page.contains("<audio controls"), "a player");
    assert!(page.contains(">est. "), "the pace");
    let out = mockview_in(&root)
        .args(["replay", "latest", "--device", "alsa:null"])
        .output()
        .unwrap();
    let replay = succeeded(&out);
    assert!(
        replay.contains("Tell me about a time you failed."),
        "{replay}"
    );
    let out = mockview_in(&root)
        .args(["stats", "--json"])
        .output()
        .unwrap();
    let stats: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    assert_eq!(
        stats["sessions"].as_array().unwrap().len(),
        FORMATS.len(),
        "{stats}"
    );
}

/// A file that is no audio, and audio in a codec not read: `analyze`,
/// `transcribe` and `import` each say so in one line, exit 1, and make
/// nothing.
#[test]
fn a_text_file_named_mp3_and_an_unsupported_codec_are_one_line_and_touch_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let text = tmp.path().join("answer.mp3");
    std::fs::write(
        &text,
        "Notes for my answer: the billing migration.\n".repeat(20),
    )
    .unwrap();
    let src = source(tmp.path(), 48_000, 1);
    let ac3 = tmp.path().join("memo-ac3.m4a");
    require("ffmpeg");
    run(
        Command::new("ffmpeg")
            .args(["-loglevel", "error", "-y", "-i"])
            .arg(&src)
            .args(["-c:a", "ac3"])
            .arg(&ac3),
        "ffmpeg",
    );
    for (file, says) in [
        (&text, "is not an audio file mockview can read"),
        (&ac3, "in a codec mockview cannot decode (AC-3)"),
    ] {
        let name = file.file_name().unwrap().to_str().unwrap();
        for args in [
            vec!["analyze"],
            vec!["transcribe"],
            vec!["import", "--question", QUESTION],
        ] {
            let out = mockview_in(&root).args(&args).arg(file).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?} {name}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{args:?} {name}: {stderr}");
            assert!(
                stderr.contains(name) && stderr.contains(says),
                "{args:?}: {stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(session_dirs(&root).is_empty(), "{args:?}: nothing made");
        }
    }
    // A recording needs its question; an unknown one is refused before
    // anything is read or made.
    let m4a = tmp.path().join("memo.m4a");
    aac(&src, &m4a, "64k");
    let out = mockview_in(&root).arg("import").arg(&m4a).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--question ID"));
    let out = mockview_in(&root)
        .arg("import")
        .arg(&m4a)
        .args(["--question", "no-such-question"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no question `no-such-question`"));
    assert!(session_dirs(&root).is_empty(), "nothing made");
}

/// The numbers printed before " wpm" in `text` (`142 wpm`, `~142 wpm`).
fn paces(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (i, _) in text.match_indices(" wpm") {
        let digits: String = text[..i]
            .chars()
            .rev()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if !digits.is_empty() {
            found.push(digits.chars().rev().collect());
        }
    }
    found
}

/// A phone-like memo (mono AAC at 64 kbps, 48 kHz, quiet room noise):
/// `analyze` gives the delivery metrics with the pace labelled an estimate
/// without a transcript, and the words and their feedback with one; the
/// same memo imported and transcribed prints one pace, the same in the
/// import summary, `show`, `analyze`, the report and `stats`.
#[test]
fn a_phone_memo_is_analysed_with_and_without_a_transcript_and_has_one_pace() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let clean = source(tmp.path(), 48_000, 1);
    let roomy = tmp.path().join("roomy.wav");
    let noise = tmp.path().join("noise.wav");
    run(
        Command::new("sox")
            .arg(&clean)
            .arg(&noise)
            .args(["synth", "brownnoise", "vol", "0.01"]),
        "sox",
    );
    run(
        Command::new("sox")
            .args(["-m"])
            .arg(&clean)
            .arg(&noise)
            .arg(&roomy),
        "sox",
    );
    let memo = tmp.path().join("Voice Memo 014.m4a");
    aac(&roomy, &memo, "64k");

    let out = mockview()
        .arg("analyze")
        .arg(&memo)
        .arg("--no-transcript")
        .output()
        .unwrap();
    let text = succeeded(&out);
    assert!(text.contains("· est. ") && text.contains(" wpm"), "{text}");
    assert_eq!(paces(&text).len(), 1, "one pace: {text}");
    assert!(!text.contains(" words · "), "no content line: {text}");
    assert!(!text.contains("Whisper"), "no hint when turned off: {text}");
    let out = mockview().arg("analyze").arg(&memo).output().unwrap();
    let text = succeeded(&out);
    assert!(text.contains("no Whisper model installed"), "{text}");

    let Some(model) = test_model() else { return };
    let out = mockview()
        .env("MOCKVIEW_MODEL", &model)
        .arg("analyze")
        .arg(&memo)
        .output()
        .unwrap();
    let text = succeeded(&out);
    eprintln!("{text}");
    assert!(text.contains(" words · "), "content line: {text}");
    assert!(
        text.to_lowercase().contains("pipeline"),
        "the words: {text}"
    );
    let analyzed = paces(&text);
    assert_eq!(analyzed.len(), 1, "one pace, not two: {text}");
    assert!(!text.contains("· est. "), "counted from words: {text}");
    let out = mockview()
        .env("MOCKVIEW_MODEL", &model)
        .arg("analyze")
        .arg(&memo)
        .arg("--json")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&succeeded(&out)).unwrap();
    assert_eq!(doc["pace_basis"], "words");
    assert!(
        doc["content"]["word_count"].as_u64().unwrap() >= 25,
        "{doc}"
    );
    assert!(doc["transcript"]["words"].as_array().unwrap().len() >= 25);
    assert_eq!(
        format!("{:.0}", doc["words_per_minute"].as_f64().unwrap()),
        analyzed[0]
    );

    // Imported and transcribed: one pace everywhere.
    let out = mockview_in(&root)
        .env("MOCKVIEW_MODEL", &model)
        .arg("import")
        .arg(&memo)
        .args(["--question", QUESTION])
        .output()
        .unwrap();
    let summary = succeeded(&out);
    let pace = paces(&summary);
    assert_eq!(pace.len(), 1, "{summary}");
    let pace = pace[0].clone();
    let cmd = |args: &[&str]| {
        let out = mockview_in(&root).args(args).output().unwrap();
        succeeded(&out)
    };
    for args in [&["show", "latest"][..], &["analyze", "latest"][..]] {
        let text = cmd(args);
        let found = paces(&text);
        assert!(!found.is_empty(), "{args:?}: {text}");
        assert!(
            found.iter().all(|p| *p == pace),
            "{args:?}: {found:?} vs {pace}"
        );
        assert!(!text.contains("· est. "), "{args:?}: {text}");
    }
    cmd(&["report", "latest"]);
    let dir = session_dirs(&root).pop().unwrap();
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let found = paces(&page);
    assert!(
        !found.is_empty() && found.iter().all(|p| *p == pace),
        "{found:?} vs {pace}"
    );
    let stats: serde_json::Value = serde_json::from_str(&cmd(&["stats", "--json"])).unwrap();
    let wpm = stats["sessions"][0]["pace_wpm"].as_f64().unwrap();
    assert_eq!(format!("{wpm:.0}"), pace, "{stats}");
    let log = log_of(&dir);
    assert_eq!(log["answers"][0]["metrics"]["pace_basis"], "words");
}

/// The word lists are read only where words are judged: without a
/// transcript, a phrase file that cannot be read stops nothing (as it stops
/// no `sessions` or `show`), and costs no parse of the shipped lists.
#[test]
fn without_a_transcript_the_phrase_file_is_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let wav = source(tmp.path(), 48_000, 1);
    let missing = tmp.path().join("no-such-phrases.toml");
    let out = mockview_in(&root)
        .env("MOCKVIEW_PHRASES", &missing)
        .arg("import")
        .arg(&wav)
        .args(["--question", QUESTION, "--no-transcript"])
        .output()
        .unwrap();
    succeeded(&out);
    let out = mockview()
        .env("MOCKVIEW_PHRASES", &missing)
        .arg("analyze")
        .arg(&wav)
        .arg("--no-transcript")
        .output()
        .unwrap();
    succeeded(&out);
    // Where words are judged (a session's stored transcripts), it is.
    let out = mockview_in(&root)
        .env("MOCKVIEW_PHRASES", &missing)
        .args(["analyze", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-phrases.toml"));
}
