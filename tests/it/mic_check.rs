//! `mic-check`: levels of known speech through the ALSA file plugin,
//! compared with `sox stats` on the same samples; and once in real time
//! through PulseAudio, with the playback.

use crate::common::*;
use std::time::Duration;

const TEXT: &str = "Hello, I am checking my microphone before the interview.";

/// The number on the line that starts with `label`.
fn figure(stdout: &str, label: &str) -> f64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with(label))
        .unwrap_or_else(|| panic!("no `{label}` line in:\n{stdout}"));
    line[label.len()..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("no number in `{line}`"))
}

/// What mic-check left in the temporary folder (PulseAudio clients put
/// their own runtime folder there: not ours).
fn leftovers(dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with("mockview"))
        .collect()
}

/// sox's `Pk lev dB` and `RMS lev dB` of 16-bit mono samples.
fn sox_stats(samples: &[i16]) -> (f64, f64) {
    require("sox");
    let tmp = tempfile::tempdir().unwrap();
    let wav = tmp.path().join("s.wav");
    write_wav(&wav, samples, RATE);
    let out = std::process::Command::new("sox")
        .arg(&wav)
        .args(["-n", "stats"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).to_string();
    let get = |name: &str| -> f64 {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().last())
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no `{name}` in sox stats:\n{text}"))
    };
    (get("Pk lev dB"), get("RMS lev dB"))
}

#[test]
fn mic_check_levels_match_sox_stats() {
    let sp = speech(TEXT, 160, RATE);
    // Silent for the first half second, as the program asks (the noise
    // floor is measured in the quietest tenth of the recording).
    let mut input = silence(0.5, RATE);
    input.extend_from_slice(&sp);
    let dev = FileDevice::new(&input, 6.0, RawFormat::S16Mono);
    let tmpdir = tempfile::tempdir().unwrap();
    let out = dev
        .cmd()
        .env("TMPDIR", tmpdir.path())
        .args(["mic-check", "--seconds", "3", "--no-playback"])
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let peak = figure(&stdout, "peak");
    let rms = figure(&stdout, "average (RMS)");
    let floor = figure(&stdout, "noise floor");
    // The same 3 s the program recorded (the file plugin is bit-exact).
    let mut first3 = input.clone();
    first3.resize(3 * RATE as usize, 0);
    let (sox_peak, sox_rms) = sox_stats(&first3);
    eprintln!("mic-check peak {peak} / sox {sox_peak}; RMS {rms} / sox {sox_rms}; floor {floor}");
    assert!(
        (peak - sox_peak).abs() <= 1.0,
        "peak {peak} vs sox {sox_peak}"
    );
    assert!((rms - sox_rms).abs() <= 1.0, "RMS {rms} vs sox {sox_rms}");
    assert!(stdout.contains("clipping      0 samples"), "{stdout}");
    assert!(stdout.contains("verdict: good"), "{stdout}");
    let left = leftovers(tmpdir.path());
    assert!(
        left.is_empty(),
        "the temporary recording is removed: {left:?}\n{stdout}"
    );
}

#[test]
fn mic_check_records_and_plays_back_through_pulse() {
    let sink = PulseSink::running("miccheck");
    let tmp = tempfile::tempdir().unwrap();
    let mut stim = silence(0.5, RATE);
    stim.extend(speech(TEXT, 170, RATE));
    stim.extend(silence(2.0, RATE));
    let wav = tmp.path().join("stim.wav");
    write_wav(&wav, &stim, RATE);
    let tmpdir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(bin_path());
    cmd.env("NO_COLOR", "1")
        .env("TMPDIR", tmpdir.path())
        .env("PULSE_SOURCE", sink.monitor())
        .env("PULSE_SINK", &sink.name)
        .args(["mic-check", "--seconds", "3"])
        .args(["--device", "alsa:pulse", "--output", "alsa:pulse"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let child = cmd.spawn().unwrap();
    sink.wait_for_recorder(Duration::from_secs(15));
    let mut paplay = sink.play(&wav);
    let out = child.wait_with_output().unwrap();
    let _ = paplay.wait();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        figure(&stdout, "peak") > -30.0,
        "the speech was heard:\n{stdout}"
    );
    assert!(
        stdout.contains("played mic-check.wav to the end"),
        "{stdout}"
    );
    assert!(leftovers(tmpdir.path()).is_empty());
}
