//! `practice` in real time through PulseAudio's null sink: the stop key, the
//! tail of an answer, the time limit, retake and skip, driven through stdin.

use crate::common::*;
use std::io::Write;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

const TEXT: &str = "I disagreed with my manager about the launch date. I asked for \
half an hour, showed her the test results, and we agreed to ship a week later.";

struct Run {
    child: Child,
    root: tempfile::TempDir,
}

/// The two ways to PulseAudio: ALSA's pulse plugin, or cpal's native host.
#[derive(Clone, Copy)]
enum Path {
    AlsaPlugin,
    Native,
}

fn start(sink: &PulseSink, args: &[&str]) -> Run {
    start_via(Path::AlsaPlugin, sink, args)
}

fn start_via(path: Path, sink: &PulseSink, args: &[&str]) -> Run {
    let root = tempfile::tempdir().unwrap();
    let mut cmd = child_in(root.path());
    let device = match path {
        Path::AlsaPlugin => "alsa:pulse".to_string(),
        Path::Native => format!("pulseaudio:{}", sink.monitor()),
    };
    cmd.env("PULSE_SOURCE", sink.monitor())
        .env("PULSE_SERVER", PulseSink::server())
        .env("MOCKVIEW_TIMING", "1")
        .args(["practice", "--device", &device, "--order", "listed"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("mockview starts");
    Run { child, root }
}

impl Run {
    fn key(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }

    /// Wait until the take file of answer `prefix` (`01-`), the final one or
    /// earlier take `k`, holds at least `min_frames` frames on disk; returns
    /// the frames seen.
    fn wait_for_take(&self, prefix: &str, k: Option<u32>, min_frames: u64) -> u64 {
        let mut seen = 0;
        let found = wait_until(Duration::from_secs(20), || {
            let Some(dir) = std::fs::read_dir(self.root.path())
                .ok()
                .and_then(|mut d| d.next())
                .and_then(|e| e.ok())
                .map(|e| e.path())
            else {
                return false;
            };
            let Ok(files) = std::fs::read_dir(&dir) else {
                return false;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().to_string();
                let kind_matches = match k {
                    None => !name.contains(".take"),
                    Some(k) => name.ends_with(&format!(".take{k}.wav")),
                };
                if name.starts_with(prefix) && name.ends_with(".wav") && kind_matches {
                    let len = f.metadata().map_or(0, |m| m.len());
                    seen = len.saturating_sub(44) / 2;
                    if seen >= min_frames {
                        return true;
                    }
                }
            }
            false
        });
        assert!(
            found.is_ok(),
            "no {prefix} take {k:?} with {min_frames} frames"
        );
        seen
    }

    fn finish(mut self) -> (serde_json::Value, std::path::PathBuf, tempfile::TempDir) {
        drop(self.child.stdin.take());
        let out = self.child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "mockview failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let (dir, log) = only_session(self.root.path());
        (log, dir, self.root)
    }
}

/// Speech with silence around it, as a WAV to play; returns (path, speech
/// start s, speech end s) within the file.
fn stimulus(
    dir: &std::path::Path,
    lead: f64,
    tail: f64,
) -> (std::path::PathBuf, Vec<i16>, f64, f64) {
    let sp = speech(TEXT, 170, RATE);
    let (s0, s1) = speech_span(&sp, RATE, 0.01).unwrap();
    let mut all = silence(lead, RATE);
    all.extend_from_slice(&sp);
    all.extend(silence(tail, RATE));
    let path = dir.join("stimulus.wav");
    write_wav(&path, &all, RATE);
    (path, all, lead + s0, lead + s1)
}

#[test]
fn the_tail_is_kept_when_enter_comes_300_ms_after_the_speech() {
    tail_is_kept(Path::AlsaPlugin);
}

#[test]
fn the_tail_is_kept_through_the_native_pulseaudio_host() {
    tail_is_kept(Path::Native);
}

fn tail_is_kept(path: Path) {
    let sink = PulseSink::running("tail");
    let tmp = tempfile::tempdir().unwrap();
    let (wav, stim, _, speech_end) = stimulus(tmp.path(), 0.5, 3.0);
    let mut run = start_via(
        path,
        &sink,
        &["--count", "1", "--prep", "0", "--limit", "0"],
    );
    sink.wait_for_answer_recorder(run.root.path(), Duration::from_secs(15));
    let played = Instant::now();
    let mut paplay = sink.play(&wav);
    // Enter 300 ms after the last word (wall clock from the start of playback).
    let at = played + Duration::from_secs_f64(speech_end + 0.3);
    std::thread::sleep(at.saturating_duration_since(Instant::now()));
    run.key("");
    let (log, dir, _root) = run.finish();
    // The stimulus's silent tail is only there to run past the key.
    let _ = paplay.kill();
    let _ = paplay.wait();
    let (got, _) = read_wav(&dir.join(log["answers"][0]["file"].as_str().unwrap()));
    // Where the stimulus sits in the recording:
    let (offset, corr) = align(&got, &stim[..(speech_end * RATE as f64) as usize], RATE);
    assert!(
        corr > 0.8,
        "the recording holds the speech (envelope correlation {corr:.2})"
    );
    let end_in_recording = offset + speech_end;
    let (_, last_loud) = speech_span(&got, RATE, 0.01).unwrap();
    assert!(
        (last_loud - end_in_recording).abs() < 0.05,
        "the last word is in the file: speech ends at {end_in_recording:.3} s, the file's last loud frame at {last_loud:.3} s"
    );
    let dur = got.len() as f64 / f64::from(RATE);
    // Never shorter than the key press; ALSA's pulse plugin starts with a
    // variable latency, so the file may run up to ~0.5 s past the key.
    assert!(
        dur >= end_in_recording + 0.25 && dur <= end_in_recording + 1.0,
        "the file runs to the key press (0.3 s after the speech): {dur:.3} s vs speech end {end_in_recording:.3} s"
    );
}

#[test]
fn the_limit_stops_on_time_in_frames() {
    let sink = PulseSink::running("limit");
    let run = start(&sink, &["--count", "1", "--prep", "0", "--limit", "2"]);
    sink.wait_for_answer_recorder(run.root.path(), Duration::from_secs(15));
    // From the answer's own stream: the input check before question 1 is
    // not the take.
    let started = Instant::now();
    let (log, dir, _root) = run.finish();
    let wall = started.elapsed().as_secs_f64();
    let (got, _) = read_wav(&dir.join(log["answers"][0]["file"].as_str().unwrap()));
    assert_eq!(got.len(), 2 * RATE as usize, "exactly 2 s of frames");
    assert_eq!(log["answers"][0]["frames"], 2 * u64::from(RATE));
    assert!(
        wall < 2.0 + 4.0,
        "stopped on time, not left running: {wall:.2} s"
    );
}

#[test]
fn retake_keeps_the_first_take_and_skip_skips() {
    let sink = PulseSink::running("retake");
    let tmp = tempfile::tempdir().unwrap();
    let (wav, ..) = stimulus(tmp.path(), 0.2, 6.0);
    let mut run = start(&sink, &["--count", "2", "--prep", "0", "--limit", "0"]);
    sink.wait_for_answer_recorder(run.root.path(), Duration::from_secs(15));
    let mut paplay = sink.play(&wav);
    // Keys go when the take's file shows frames on disk (the WAV grows as it
    // is written), not after fixed sleeps: a loaded machine only waits longer.
    let half = u64::from(RATE) / 2;
    let first = run.wait_for_take("01-", None, half);
    run.key("r");
    run.wait_for_take("01-", Some(1), 0);
    let second = run.wait_for_take("01-", None, half);
    run.key("");
    // question 2: skip while recording
    run.wait_for_take("02-", None, 1);
    run.key("s");
    let (log, dir, _root) = run.finish();
    let _ = paplay.kill();
    let _ = paplay.wait();
    let a1 = &log["answers"][0];
    assert_eq!(a1["status"], "recorded");
    let takes: Vec<&str> = a1["takes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    assert_eq!(takes.len(), 2, "{takes:?}");
    assert!(takes[0].ends_with(".take1.wav"), "{takes:?}");
    assert_eq!(Some(takes[1]), a1["file"].as_str());
    for (t, seen) in takes.iter().zip([first, second]) {
        let (s, _) = read_wav(&dir.join(t));
        let frames = s.len() as u64;
        // At least what was on disk at the key; at most that plus the time
        // the key took to arrive and the sound server's latency.
        assert!(
            frames >= seen && frames <= seen + 2 * u64::from(RATE),
            "{t}: {frames} frames, {seen} on disk at the key"
        );
    }
    let a2 = &log["answers"][1];
    assert_eq!(a2["status"], "skipped");
    assert!(a2["file"].is_null());
    assert_eq!(log["status"], "completed");
}
