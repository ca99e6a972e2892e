//! `mockview analyze`: a WAV file, a session recorded through the ALSA file
//! device, and the mistakes a user can make.

use crate::common::*;
use predicates::prelude::*;

const TEXT: &str = "When our release slipped, I called the customer myself, explained \
what had gone wrong, and agreed a new date that we then kept.";

/// stderr is exactly one line, without a panic.

#[test]
fn json_on_a_wav_has_every_field_and_finds_the_long_pause() {
    let tmp = tempfile::tempdir().unwrap();
    let one = speech(TEXT, 160, RATE);
    let mut samples = silence(0.5, RATE);
    samples.extend(&one);
    samples.extend(silence(1.5, RATE));
    samples.extend(&one);
    samples.extend(silence(0.5, RATE));
    let wav = tmp.path().join("answer.wav");
    write_wav(&wav, &samples, RATE);
    let m: serde_json::Value = json_of(mockview().args(["analyze", "--json"]).arg(&wav));
    for key in [
        "duration_seconds",
        "speaking_seconds",
        "first_word_seconds",
        "trailing_silence_seconds",
        "pauses",
        "long_pauses",
        "longest_pause_seconds",
        "syllables",
        "speech_rate",
        "articulation_rate",
        "words_per_minute",
        "loudness_lufs",
        "peak_dbfs",
        "clipped_fraction",
        "noise_floor_dbfs",
        "flags",
    ] {
        assert!(!m[key].is_null(), "{key} in {m}");
    }
    let long = m["long_pauses"].as_array().unwrap();
    assert_eq!(long.len(), 1, "{m}");
    let secs =
        long[0]["end_seconds"].as_f64().unwrap() - long[0]["start_seconds"].as_f64().unwrap();
    // espeak-ng pads its speech with silence: the gap is 1.5 s plus that.
    let (lead, end) = speech_span(&one, RATE, 0.002).unwrap();
    let clip = one.len() as f64 / f64::from(RATE);
    let gap = 1.5 + (clip - end) + lead;
    assert!(
        (secs - gap).abs() < 0.15,
        "long pause {secs} s, gap {gap} s"
    );
    let start = long[0]["start_seconds"].as_f64().unwrap();
    let speech_end = 0.5 + end;
    assert!(
        (start - speech_end).abs() < 0.15,
        "pause at {start} s, speech ends {speech_end} s"
    );

    // A longer --long-pause makes it an ordinary pause.
    let m: serde_json::Value = json_of(
        mockview()
            .args(["analyze", "--json", "--long-pause", "2.5"])
            .arg(&wav),
    );
    assert_eq!(m["long_pauses"].as_array().unwrap().len(), 0);

    // Text output names the file and the long pause.
    mockview()
        .arg("analyze")
        .arg(&wav)
        .assert()
        .success()
        .stdout(predicate::str::contains("1 long:").and(predicate::str::contains("wpm")));
}

/// One practice run through the file device: 2 answers of espeak speech.
fn practised() -> FileDevice {
    let mut src = speech(TEXT, 160, RATE);
    src.extend(silence(1.0, RATE));
    src.extend(speech(TEXT, 160, RATE));
    let dev = FileDevice::new(&src, 20.0, RawFormat::S16Mono);
    let out = stdout_of(
        dev.cmd()
            .arg("practice")
            .args(FileDevice::open_args(RawFormat::S16Mono))
            .args([
                "--count", "2", "--order", "listed", "--prep", "0", "--limit", "8",
            ])
            .write_stdin(""),
    );
    // The summary has a metrics line under each recorded answer.
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("talk "))
        .collect();
    assert_eq!(lines.len(), 2, "{out}");
    for l in lines {
        assert!(
            l.contains(" wpm · longest pause ") && l.contains("first word"),
            "{l}"
        );
        assert!(
            l.contains("flags: short_answer"),
            "an 8 s answer is short: {l}"
        );
    }
    dev
}

#[test]
fn practice_stores_metrics_and_analyze_latest_reads_the_session() {
    let dev = practised();
    let (_, log) = only_session(&dev.root);
    for a in log["answers"].as_array().unwrap() {
        let m = &a["metrics"];
        assert!(
            (m["duration_seconds"].as_f64().unwrap() - 8.0).abs() < 1e-9,
            "{m}"
        );
        assert!(m["words_per_minute"].as_f64().unwrap() > 100.0, "{m}");
        assert!(m["loudness_lufs"].is_number(), "{m}");
    }

    let doc: serde_json::Value = json_of(dev.cmd().args(["analyze", "latest", "--json"]));
    assert_eq!(doc["session"], log["id"]);
    let answers = doc["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    for (a, stored) in answers.iter().zip(log["answers"].as_array().unwrap()) {
        assert_eq!(a["question"]["text"], stored["question"]["text"]);
        // Same defaults, same file: the same numbers as stored by practice.
        assert_eq!(a["metrics"], stored["metrics"]);
    }

    // Text: one block per answer with its question; --save with other
    // thresholds rewrites the stored flags.
    dev.cmd()
        .args(["analyze", "latest", "--save", "--min-answer", "5"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(log["answers"][0]["question"]["text"].as_str().unwrap())
                .and(predicate::str::contains("metrics saved")),
        );
    let (_, log) = only_session(&dev.root);
    let flags = log["answers"][0]["metrics"]["flags"].as_array().unwrap();
    assert!(
        flags.iter().all(|f| f["code"] != "short_answer"),
        "{flags:?}"
    );
}

#[test]
fn mistakes_give_one_line_and_the_right_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let run = |args: &[&str]| {
        let mut c = mockview_in(&root);
        c.current_dir(tmp.path()).arg("analyze").args(args);
        c.assert()
    };
    run(&["missing.wav"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("missing.wav")));
    std::fs::write(tmp.path().join("notes.txt"), "not audio").unwrap();
    run(&["notes.txt"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("notes.txt is not an audio file")));
    run(&["20990101"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("20990101")));
    // A path is a file, whatever its name ends with: a memo saved without
    // an extension and mistyped is "not found", not "not a session id";
    // a device node is read (and refused) as the file it is.
    run(&["memos/answer-monday"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains(
            "recording not found: memos/answer-monday",
        )));
    run(&["/dev/null"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("/dev/null is not an audio file")));
    write_wav(&tmp.path().join("a.wav"), &silence(1.0, RATE), RATE);
    run(&["a.wav", "--min-pause", "-1"])
        .code(2)
        .stderr(one_error_line().and(predicate::str::contains("--min-pause")));
    run(&["a.wav", "--save"])
        .code(2)
        .stderr(one_error_line().and(predicate::str::contains("--save")));
    run(&["a.wav", "--max-wpm", "abc"]).code(2);
    // The file is refused before the model is looked for; a wrong model is
    // named before any audio is decoded.
    run(&["notes.txt", "--model", "nosuch.bin"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("notes.txt is not an audio file")));
    run(&["a.wav", "--model", "nosuch.bin"])
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("nosuch.bin")));
}
