//! Before and around the first question (issue 13): a device that delivers
//! nothing, stop signals during every wait on a device, an input that is
//! digital silence, and the spoken question kept out of the answer.

use crate::common::*;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn pactl_ok(args: &[&str]) {
    let st = Command::new("pactl").args(args).status().unwrap();
    assert!(st.success(), "pactl {args:?}");
}

/// `practice` on `device`, hearing the sink's monitor and speaking into the
/// sink, sessions under `root`.
fn practice(sink: &PulseSink, device: &str, root: &Path, args: &[&str]) -> Command {
    let mut c = child_in(root);
    c.env("PULSE_SOURCE", sink.monitor())
        .env("PULSE_SINK", &sink.name)
        .env("PULSE_SERVER", PulseSink::server())
        .args(["practice", "--device", device, "--order", "listed"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    c
}

fn no_session(root: &Path) -> bool {
    std::fs::read_dir(root).map_or(true, |mut d| d.next().is_none())
}

/// A stream of `kind` (`source-outputs`, `sink-inputs`) is connected to
/// the source or sink with server index `index`, running or not.
fn stream_on(kind: &str, index: &str) -> bool {
    let out = Command::new("pactl")
        .args(["list", "short", kind])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .any(|l| l.split('\t').nth(1) == Some(index))
}

/// A recording stream is connected to the sink's monitor.
fn stream_connected(sink: &PulseSink) -> bool {
    stream_on("source-outputs", &sink.monitor_index())
}

/// A playback stream (the text-to-speech program) plays into the sink.
fn speech_playing(sink: &PulseSink) -> bool {
    stream_on("sink-inputs", &sink.sink_index())
}

/// SIGTERM once `ready` holds: the program must end within a second, with
/// exit 130. Returns how long it took.
fn term_when(child: Child, what: &str, ready: impl FnMut() -> bool) -> f64 {
    signal_when(child, "TERM", what, ready)
}

/// Signal `sig` (`TERM`, `HUP`) once `ready` holds: the program must end
/// within a second, with exit 130. Returns how long it took.
fn signal_when(mut child: Child, sig: &str, what: &str, ready: impl FnMut() -> bool) -> f64 {
    wait_until(Duration::from_secs(15), ready)
        .unwrap_or_else(|_| panic!("{what}: never got there"));
    let st = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let t = Instant::now();
    let mut status = None;
    let _ = wait_until(Duration::from_secs(10), || {
        status = child.try_wait().unwrap();
        status.is_some()
    });
    let took = t.elapsed().as_secs_f64();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("{what}: still running 10 s after SIGTERM");
    };
    assert_eq!(status.code(), Some(130), "{what}: exit 130 after SIG{sig}");
    assert!(took < 1.0, "{what}: ended {took:.2} s after SIG{sig}");
    eprintln!("{what}: ended {:.0} ms after SIG{sig}", took * 1000.0);
    took
}

#[test]
fn a_device_that_delivers_nothing_is_one_error_before_any_question() {
    let sink = PulseSink::new("suspended");
    pactl_ok(&["suspend-sink", &sink.name, "1"]);
    let tmp = tempfile::tempdir().unwrap();
    // Through ALSA's pulse plugin and through the native host.
    for device in [
        "alsa:pulse".to_string(),
        format!("pulseaudio:{}", sink.monitor()),
    ] {
        let root = tmp.path().join(device.replace(':', "_"));
        let out = practice(
            &sink,
            &device,
            &root,
            &["--count", "1", "--prep", "0", "--limit", "2"],
        )
        .stdin(Stdio::null())
        .output()
        .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{device}: {stdout}{stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
        for part in [device.as_str(), "mockview mic-check", "mockview devices"] {
            assert!(stderr.contains(part), "names {part}: {stderr}");
        }
        assert!(
            !stdout.contains("Question"),
            "before any question: {stdout}"
        );
        assert!(no_session(&root), "{device}: no session folder left behind");
    }
}

#[test]
fn sigterm_ends_practice_within_a_second_during_every_wait_on_a_device() {
    let sink = PulseSink::new("sigwaits");
    let tmp = tempfile::tempdir().unwrap();
    let limits = ["--count", "1", "--prep", "0", "--limit", "0"];

    // The source delivers nothing: the check for first frames (ALSA's pulse
    // plugin starts, then waits), and cpal's native host, whose start
    // itself blocks until data comes.
    pactl_ok(&["suspend-sink", &sink.name, "1"]);
    for device in [
        "alsa:pulse".to_string(),
        format!("pulseaudio:{}", sink.monitor()),
    ] {
        let root = tmp.path().join(device.replace(':', "_"));
        let child = practice(&sink, &device, &root, &limits).spawn().unwrap();
        term_when(child, &format!("{device}, no data"), || {
            stream_connected(&sink)
        });
        assert!(no_session(&root), "{device}: no session folder");
    }
    pactl_ok(&["suspend-sink", &sink.name, "0"]);

    // The prep countdown and the recording, both on the audio clock; a
    // closed terminal (SIGHUP) ends a session like SIGTERM.
    for (what, sig, args) in [
        (
            "prep",
            "TERM",
            ["--count", "1", "--prep", "30", "--limit", "0"],
        ),
        ("recording", "HUP", limits),
    ] {
        let root = tmp.path().join(what);
        let child = practice(&sink, "alsa:pulse", &root, &args).spawn().unwrap();
        // Keys stay open (stdin piped), so the recording waits for Enter.
        sink.wait_for_answer_recorder(&root, Duration::from_secs(15));
        signal_when(child, sig, what, || true);
        let (_, log) = only_session(&root);
        assert_eq!(log["status"], "interrupted", "{what}: the log is closed");
    }

    // The spoken question.
    require("espeak-ng");
    let root = tmp.path().join("speech");
    let child = practice(
        &sink,
        "alsa:pulse",
        &root,
        &["--count", "1", "--prep", "0", "--limit", "0", "--speak"],
    )
    .spawn()
    .unwrap();
    term_when(child, "speech", || speech_playing(&sink));
    let (_, log) = only_session(&root);
    assert_eq!(log["status"], "interrupted");
    assert_eq!(log["answers"][0]["status"], "interrupted");
}

#[test]
fn digital_silence_says_the_microphone_may_be_muted() {
    let hint = "no sound from alsa:null: is the microphone muted?";
    // One answer of `limit` seconds on `device`: all it printed.
    let answer = |dev: &FileDevice, device: &[&str], limit: &str| {
        let out = dev
            .cmd()
            .arg("practice")
            .args(device)
            .args(["--count", "1", "--prep", "0", "--limit", limit])
            .write_stdin("")
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr)
    };
    let null = ["--device", "alsa:null"];
    let quiet = FileDevice::new(&[], 1.0, RawFormat::S16Mono);
    let text = answer(&quiet, &null, "11");
    assert_eq!(text.matches(hint).count(), 1, "once: {text}");
    // Shorter than ten seconds: too early to say.
    let text = answer(&quiet, &null, "5");
    assert!(!text.contains("no sound from"), "{text}");

    // The same take from a talking microphone: no hint.
    let talk = speech("I led the migration of our billing system.", 160, RATE);
    let talking = FileDevice::new(&talk, 12.0, RawFormat::S16Mono);
    let text = answer(&talking, &FileDevice::open_args(RawFormat::S16Mono), "11");
    assert!(!text.contains("no sound from"), "{text}");
}

#[test]
fn the_spoken_question_is_not_recorded_as_the_answer() {
    require("espeak-ng");
    let question = "Tell me about a project you are proud of, and what you learned from it.";
    let sink = PulseSink::running("speak");
    let tmp = tempfile::tempdir().unwrap();
    let bank = tmp.path().join("one.txt");
    std::fs::write(&bank, format!("{question}\n")).unwrap();
    let root = tmp.path().join("recordings");
    // The laptop case: the microphone hears the speakers (the sink's
    // monitor is the input, and the speech plays into the sink).
    let mut child = practice(
        &sink,
        "alsa:pulse",
        &root,
        &["--count", "1", "--prep", "0", "--limit", "2", "--speak"],
    )
    .arg("--bank")
    .arg(&bank)
    .stdin(Stdio::null())
    .spawn()
    .unwrap();
    let stdout = child.stdout.take().unwrap();
    let lines: Vec<(Instant, String)> = BufReader::new(stdout)
        .lines()
        .map(|l| (Instant::now(), l.unwrap()))
        .collect();
    let status = child.wait().unwrap();
    assert!(status.success(), "{lines:?}");
    let at = |prefix: &str| {
        lines
            .iter()
            .find(|(_, l)| l.starts_with(prefix))
            .unwrap_or_else(|| panic!("a `{prefix}` line: {lines:?}"))
            .0
    };
    // The take starts at the device's start; `recording` is printed once
    // its first audio has come, so the device's start-up delay (ALSA's pulse
    // plugin hands over the audio since the start with its first period) is
    // already in the take: 0.05 s here. When the question was recorded,
    // `saved` came 6 ms after `recording`.
    let waited = at("saved").duration_since(at("recording")).as_secs_f64();
    assert!(
        waited >= 2.0 - 0.25,
        "`saved` came {waited:.2} s after `recording`: the 2 s limit was used up before"
    );

    let (_, log) = only_session(&root);
    let (got, _) = read_wav(
        &root.join(log["id"].as_str().unwrap()).join(
            log["answers"][0]["file"]
                .as_str()
                .expect("the answer has a file"),
        ),
    );
    assert_eq!(got.len(), 2 * RATE as usize);
    // What the question sounds like, as espeak-ng renders it.
    let spoken = speech(question, 175, RATE);
    let loudest = |s: &[i16]| envelope_db(s, RATE).into_iter().fold(-80.0, f64::max);
    let (question_db, answer_db) = (loudest(&spoken), loudest(&got));
    let (_, corr) = align(&got, &spoken, RATE);
    assert!(
        answer_db < question_db - 40.0,
        "the answer holds sound at {answer_db:.1} dBFS (the question peaks at {question_db:.1} dBFS; envelope correlation {corr:.2})"
    );
}

#[test]
fn a_spoken_follow_up_is_not_recorded_as_the_reply() {
    require("espeak-ng");
    let follow_up = "What would you do differently next time, and why?";
    let sink = PulseSink::running("speakfollow");
    let tmp = tempfile::tempdir().unwrap();
    let bank = tmp.path().join("one.toml");
    std::fs::write(
        &bank,
        format!(
            "[[question]]\nid = \"proud\"\ntext = \"Tell me about a project you are proud of.\"\ncategory = \"teamwork\"\nfollow_ups = [\"{follow_up}\"]\n"
        ),
    )
    .unwrap();
    let root = tmp.path().join("recordings");
    // The stream keeps running while the follow-up is spoken into the sink
    // its monitor records: the reply must start after the voice.
    let out = practice(
        &sink,
        "alsa:pulse",
        &root,
        &["--count", "1", "--prep", "0", "--limit", "2"],
    )
    .args(["--speak", "--follow-ups", "--bank"])
    .arg(&bank)
    .stdin(Stdio::null())
    .output()
    .unwrap();
    assert!(out.status.success(), "{out:?}");
    let (dir, log) = only_session(&root);
    let reply = log["answers"][0]["follow_ups"][0]["file"]
        .as_str()
        .expect("the reply has a file");
    let (got, _) = read_wav(&dir.join(reply));
    assert_eq!(got.len(), RATE as usize, "half the 2 s limit");
    let spoken = speech(follow_up, 175, RATE);
    let loudest = |s: &[i16]| envelope_db(s, RATE).into_iter().fold(-80.0, f64::max);
    let (voice_db, reply_db) = (loudest(&spoken), loudest(&got));
    assert!(
        reply_db < voice_db - 40.0,
        "the reply holds sound at {reply_db:.1} dBFS (the spoken follow-up peaks at {voice_db:.1} dBFS)"
    );
}
