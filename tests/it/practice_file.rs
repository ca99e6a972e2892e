//! `practice` through the ALSA file plugin: deterministic, faster than real
//! time, compared sample for sample.

use crate::common::*;

const TEXT: &str = "Tell me about a time you failed. I once shipped a release without \
testing the database migration, and we lost a day of customer data. I owned it, \
restored the backup, and wrote the checklist we still use.";

fn record(
    samples: &[i16],
    format: RawFormat,
    prep: u32,
    limit: u32,
) -> (Vec<i16>, serde_json::Value, FileDevice) {
    let dev = FileDevice::new(samples, f64::from(limit + prep) + 5.0, format);
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(format))
        .args(["--count", "1", "--order", "listed"])
        .args(["--prep", &prep.to_string(), "--limit", &limit.to_string()])
        .write_stdin("")
        .assert()
        .success();
    let (dir, log) = only_session(&dev.root);
    let file = log["answers"][0]["file"]
        .as_str()
        .expect("a final take")
        .to_string();
    let (got, rate) = read_wav(&dir.join(file));
    assert_eq!(rate, RATE);
    (got, log, dev)
}

fn assert_exact(got: &[i16], want: &[i16]) {
    let differing = got.iter().zip(want).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 0, "differing samples");
}

#[test]
fn s16_mono_is_bit_exact_with_the_limit_in_frames() {
    let speech = speech(TEXT, 160, RATE);
    let (got, log, _dev) = record(&speech, RawFormat::S16Mono, 0, 5);
    assert_eq!(
        got.len(),
        5 * RATE as usize,
        "a 5 s limit gives 5 s of frames"
    );
    let n = speech.len().min(got.len());
    assert_exact(&got[..n], &speech[..n]);
    let a = &log["answers"][0];
    assert_eq!(a["frames"], 5 * RATE as u64);
    assert_eq!(a["duration_seconds"], 5.0);
    assert_eq!(a["dropped_frames"], 0);
    assert_eq!(log["input"]["sample_format"], "i16");
    assert_eq!(log["input"]["channels"], 1);
}

#[test]
fn f32_stereo_sixty_seconds_no_drop_and_prep_counts_frames() {
    // 60 s of answer after a 2 s prep: the first 2 s of the device's audio
    // are the prep, not the answer.
    let one = speech(TEXT, 160, RATE);
    let mut src = Vec::new();
    while src.len() < 64 * RATE as usize {
        src.extend_from_slice(&one);
        src.extend(silence(0.5, RATE));
    }
    let (got, log, _dev) = record(&src, RawFormat::F32Stereo, 2, 60);
    assert_eq!(got.len(), 60 * RATE as usize);
    let skip = 2 * RATE as usize;
    assert_exact(&got, &src[skip..skip + got.len()]);
    assert_eq!(log["answers"][0]["dropped_frames"], 0);
    assert_eq!(log["input"]["sample_format"], "f32");
    assert_eq!(log["input"]["channels"], 2);
}

#[test]
fn session_log_has_every_field_and_private_modes() {
    let (_, log, dev) = record(&speech("Hello there.", 160, RATE), RawFormat::S16Mono, 0, 1);
    assert_eq!(log["format"], "mockview-session");
    assert_eq!(log["version"], 1);
    assert_eq!(log["status"], "completed");
    for key in ["id", "started_at", "ended_at"] {
        assert!(log[key].is_string(), "{key}");
    }
    let t: jiff_check::Rfc3339 = log["started_at"].as_str().unwrap().into();
    assert!(t.0, "started_at is RFC 3339");
    assert_eq!(log["input"]["device_id"], "alsa:answer");
    assert_eq!(log["input"]["sample_rate"], RATE);
    for key in [
        "count",
        "prep_seconds",
        "limit_seconds",
        "banks",
        "categories",
        "order",
        "seed",
    ] {
        assert!(!log["settings"][key].is_null(), "settings.{key}");
    }
    let a = &log["answers"][0];
    assert_eq!(a["number"], 1);
    assert_eq!(a["status"], "recorded");
    assert!(a["question"]["text"].as_str().unwrap().len() > 10);
    assert!(a["question"]["id"].is_string() && a["question"]["category"].is_string());
    assert_eq!(a["takes"].as_array().unwrap().len(), 1);
    assert_eq!(a["takes"][0], a["file"]);
    assert_eq!(a["sample_rate"], RATE);
    assert!(a["reviews"].as_array().unwrap().is_empty());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let (dir, _) = only_session(&dev.root);
        assert_eq!(
            std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777,
            0o700
        );
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            assert_eq!(
                std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
                0o600,
                "{}",
                p.display()
            );
        }
    }
}

/// A tiny RFC 3339 shape check without another dependency.
mod jiff_check {
    pub struct Rfc3339(pub bool);
    impl From<&str> for Rfc3339 {
        fn from(s: &str) -> Self {
            let b = s.as_bytes();
            Rfc3339(
                b.len() >= 20
                    && b[4] == b'-'
                    && b[7] == b'-'
                    && b[10] == b'T'
                    && b[13] == b':'
                    && (s.ends_with('Z') || s[19..].contains('+') || s[19..].contains('-')),
            )
        }
    }
}

#[test]
fn questions_are_numbered_and_files_named_after_them() {
    let dev = FileDevice::new(&speech("One answer.", 160, RATE), 10.0, RawFormat::S16Mono);
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--count", "2", "--prep", "0", "--limit", "1", "--seed", "7"])
        .args(["--category", "conflict"])
        .write_stdin("")
        .assert()
        .success();
    let (dir, log) = only_session(&dev.root);
    let answers = log["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 2);
    for (i, a) in answers.iter().enumerate() {
        assert_eq!(a["question"]["category"], "conflict");
        let file = a["file"].as_str().unwrap();
        assert!(file.starts_with(&format!("{:02}-", i + 1)), "{file}");
        assert!(dir.join(file).is_file());
    }
    assert_eq!(log["settings"]["seed"], 7);
}
