//! Never lose an answer (issue 5): crashes at random moments, signals, a lost
//! device, a full disk, concurrent runs, `repair`, and file modes. Real
//! processes, real signals, real audio through PulseAudio or the ALSA file
//! plugin.

use crate::common::*;
use rand::{Rng, SeedableRng};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const TEXT: &str = "I disagreed with my manager about the launch date. I asked for \
half an hour, showed her the test results, and we agreed to ship a week later.";

/// A stimulus of speech and pauses, about `seconds` long.
fn long_stimulus(dir: &Path, seconds: f64) -> PathBuf {
    let sp = speech(TEXT, 170, RATE);
    let mut all = Vec::new();
    while (all.len() as f64) < seconds * f64::from(RATE) {
        all.extend_from_slice(&sp);
        all.extend(silence(0.4, RATE));
    }
    let path = dir.join("stimulus.wav");
    write_wav(&path, &all, RATE);
    path
}

fn spawn_practice(sink: &PulseSink, root: &Path, args: &[&str]) -> Child {
    child_in(root)
        .env("PULSE_SOURCE", sink.monitor())
        .args(["practice", "--device", "alsa:pulse", "--order", "listed"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mockview starts")
}

fn key(child: &mut Child, line: &str) {
    let stdin = child.stdin.as_mut().unwrap();
    writeln!(stdin, "{line}").unwrap();
    stdin.flush().unwrap();
}

fn signal(child: &Child, sig: &str) {
    let st = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success(), "kill -{sig}");
}

fn session_dirs(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|r| {
            r.map(|e| e.unwrap().path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn wavs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "wav"))
        .collect();
    v.sort();
    v
}

/// Every file name the log lists (takes and final files).
fn listed(log: &serde_json::Value) -> Vec<String> {
    let mut v = Vec::new();
    for a in log["answers"].as_array().unwrap() {
        for t in a["takes"].as_array().unwrap() {
            v.push(t.as_str().unwrap().to_string());
        }
        if let Some(f) = a["file"].as_str() {
            v.push(f.to_string());
        }
    }
    v
}

fn sox_reads(path: &Path) -> bool {
    Command::new("sox")
        .arg("--i")
        .arg(path)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn frames_by_length(path: &Path) -> u64 {
    (std::fs::metadata(path).unwrap().len().saturating_sub(44)) / 2
}

fn hash(path: &Path) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    std::fs::read(path).unwrap().hash(&mut h);
    h.finish()
}

/// Names, modes and content hashes of everything under `root`.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (u32, u64)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::metadata(&p).unwrap();
            let mode = m.permissions().mode() & 0o777;
            if m.is_dir() {
                out.insert(p.clone(), (mode, 0));
                stack.push(p);
            } else {
                out.insert(p.clone(), (mode, hash(&p)));
            }
        }
    }
    out
}

fn assert_private(root: &Path) {
    for (p, (mode, _)) in snapshot(root) {
        let want = if p.is_dir() { 0o700 } else { 0o600 };
        assert_eq!(mode, want, "{}: mode {mode:o}", p.display());
    }
}

fn repair(root: &Path) -> String {
    let out = mockview_in(root).arg("repair").output().unwrap();
    assert!(
        out.status.success(),
        "repair failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// After `repair`: every WAV's header agrees with its length, the log lists
/// it with its true frames, the session is closed, and a second run is a no-op.
fn assert_repaired_and_idempotent(root: &Path, ctx: &str) {
    for dir in session_dirs(root) {
        let log = log_of(&dir);
        assert_ne!(log["status"], "in_progress", "{ctx}: still open");
        let names = listed(&log);
        for w in wavs(&dir) {
            let (samples, _) = read_wav(&w);
            assert_eq!(
                samples.len() as u64,
                frames_by_length(&w),
                "{ctx}: {} header fixed to its length",
                w.display()
            );
            let name = w.file_name().unwrap().to_str().unwrap().to_string();
            assert!(names.contains(&name), "{ctx}: {name} listed: {names:?}");
        }
        for a in log["answers"].as_array().unwrap() {
            if let Some(f) = a["file"].as_str() {
                assert_eq!(
                    a["frames"].as_u64().unwrap(),
                    frames_by_length(&dir.join(f)),
                    "{ctx}: frames of {f}"
                );
            }
        }
    }
    let before = snapshot(root);
    let out = repair(root);
    assert!(
        out.contains("nothing to repair"),
        "{ctx}: second repair: {out}"
    );
    assert_eq!(
        before,
        snapshot(root),
        "{ctx}: a second repair changed files"
    );
    assert_private(root);
}

/// The WAV being recorded (the newest final take), if any.
fn current_wav(root: &Path) -> Option<PathBuf> {
    let dir = session_dirs(root).pop()?;
    wavs(&dir)
        .into_iter()
        .filter(|p| !p.to_string_lossy().contains(".take"))
        .max_by_key(|p| p.file_name().unwrap().to_os_string())
}

#[test]
fn sigkill_at_random_moments_loses_at_most_the_last_second_and_repair_fixes_it() {
    require("sox");
    let seed: u64 = std::env::var("MOCKVIEW_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(rand::random);
    eprintln!("crash test seed {seed} (rerun with MOCKVIEW_CRASH_SEED={seed})");
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    // Kept running: each round's input check and recorder get their first
    // audio at once, not after an idle sink's ~2 s wakeup.
    let sink = PulseSink::running("crash");
    let tmp = tempfile::tempdir().unwrap();
    let stim = long_stimulus(tmp.path(), 20.0);
    let started = Instant::now();
    let mut max_lag = 0.0f64;

    for round in 0..20 {
        let ctx = format!("seed {seed}, round {round}");
        let root = tempfile::tempdir().unwrap();
        let mut child = spawn_practice(
            &sink,
            root.path(),
            &["--count", "3", "--prep", "0", "--limit", "0"],
        );
        sink.wait_for_answer_recorder(root.path(), Duration::from_secs(15));
        let played = Instant::now();
        let mut paplay = sink.play(&stim);

        // Half the rounds finish answer 1 first and crash during answer 2.
        let mut finished: Vec<(PathBuf, u64)> = Vec::new();
        if rng.random_bool(0.5) {
            std::thread::sleep(Duration::from_millis(rng.random_range(300..1500)));
            key(&mut child, "");
            let dir_has_recorded = || {
                session_dirs(root.path()).pop().is_some_and(|d| {
                    std::fs::read(log_path(&d))
                        .ok()
                        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
                        .is_some_and(|l| l["answers"][0]["status"] == "recorded")
                })
            };
            wait_until(Duration::from_secs(10), dir_has_recorded)
                .unwrap_or_else(|_| panic!("{ctx}: answer 1 never finished"));
            let dir = session_dirs(root.path()).pop().unwrap();
            let log = log_of(&dir);
            let f = dir.join(log["answers"][0]["file"].as_str().unwrap());
            finished.push((f.clone(), hash(&f)));
        }
        std::thread::sleep(Duration::from_millis(rng.random_range(50..2500)));
        // What had reached the file when the kill was sent: the writer had
        // captured at least this much.
        let captured = current_wav(root.path()).map(|w| (w.clone(), frames_by_length(&w)));
        let killed_at = Instant::now();
        child.kill().unwrap();
        let _ = child.wait();
        let _ = paplay.kill();
        let _ = paplay.wait();

        for dir in session_dirs(root.path()) {
            let log = log_of(&dir);
            let names = listed(&log);
            for w in wavs(&dir) {
                let name = w.file_name().unwrap().to_str().unwrap().to_string();
                assert!(
                    names.contains(&name),
                    "{ctx}: the log lists every WAV: {name} not in {names:?}"
                );
                let (samples, rate) = read_wav(&w);
                assert_eq!(rate, RATE);
                assert!(sox_reads(&w), "{ctx}: sox --i reads {}", w.display());
                if let Some((cw, frames)) = &captured {
                    if cw == &w {
                        assert!(
                            samples.len() as u64 + u64::from(RATE) >= *frames,
                            "{ctx}: {} holds {} frames; {frames} had been captured",
                            w.display(),
                            samples.len()
                        );
                    }
                }
            }
        }
        for (f, h) in &finished {
            assert_eq!(hash(f), *h, "{ctx}: a finished answer changed");
        }
        repair(root.path());
        if let Some((w, frames)) = &captured {
            assert!(
                read_wav(w).0.len() as u64 >= *frames,
                "{ctx}: repair keeps every captured frame"
            );
        }
        for (f, h) in &finished {
            assert_eq!(hash(f), *h, "{ctx}: repair changed a finished answer");
        }
        // On the audio clock: the stream started before the stimulus, so the
        // take of answer 1 holds at least what the stimulus had delivered,
        // less the sound server's latency (0.7-1.5 s, docs/testing.md, more under load) and
        // what had not reached the file yet.
        if finished.is_empty() {
            if let Some((w, _)) = &captured {
                let delivered = killed_at.duration_since(played).as_secs_f64();
                let got = read_wav(w).0.len() as f64 / f64::from(RATE);
                max_lag = max_lag.max(delivered - got);
                assert!(
                    got >= delivered - 3.0,
                    "{ctx}: {got:.2} s kept of {delivered:.2} s delivered"
                );
            }
        }
        assert_repaired_and_idempotent(root.path(), &ctx);
    }
    eprintln!(
        "20 crashes in {:.1} s; largest gap between the stimulus delivered and the take kept: {max_lag:.2} s",
        started.elapsed().as_secs_f64()
    );
}

/// Start a real-time practice run and wait until its take holds `min_s`
/// seconds on disk (by length).
fn recording(sink: &PulseSink, root: &Path, stim: &Path, min_s: f64) -> (Child, Child) {
    let child = spawn_practice(sink, root, &["--count", "2", "--prep", "0", "--limit", "0"]);
    sink.wait_for_answer_recorder(root, Duration::from_secs(15));
    let paplay = sink.play(stim);
    wait_until(Duration::from_secs(15), || {
        current_wav(root).is_some_and(|w| frames_by_length(&w) as f64 >= min_s * f64::from(RATE))
    })
    .expect("the take grows");
    (child, paplay)
}

fn finish(child: Child, mut paplay: Child) -> (std::process::Output, f64) {
    let t = Instant::now();
    let out = child.wait_with_output().unwrap();
    let took = t.elapsed().as_secs_f64();
    let _ = paplay.kill();
    let _ = paplay.wait();
    (out, took)
}

fn assert_interrupted_and_valid(root: &Path, min_frames: u64) {
    let dir = session_dirs(root).pop().unwrap();
    let log = log_of(&dir);
    assert_eq!(log["status"], "interrupted");
    let names = listed(&log);
    for w in wavs(&dir) {
        let name = w.file_name().unwrap().to_str().unwrap().to_string();
        assert!(names.contains(&name), "{name} listed");
        let (s, _) = read_wav(&w);
        assert!(sox_reads(&w));
        assert!(s.len() as u64 >= min_frames, "{name}: {} frames", s.len());
    }
    assert_private(root);
}

#[test]
fn first_sigint_or_sigterm_while_recording_keeps_the_take_and_exits_130() {
    let sink = PulseSink::running("sigrec");
    let tmp = tempfile::tempdir().unwrap();
    let stim = long_stimulus(tmp.path(), 10.0);
    for sig in ["INT", "TERM"] {
        let root = tempfile::tempdir().unwrap();
        let (child, paplay) = recording(&sink, root.path(), &stim, 1.0);
        signal(&child, sig);
        let (out, _) = finish(child, paplay);
        assert_eq!(out.status.code(), Some(130), "SIG{sig}: exit 130");
        let dir = session_dirs(root.path()).pop().unwrap();
        let log = log_of(&dir);
        let a = &log["answers"][0];
        assert_eq!(a["status"], "interrupted", "SIG{sig}");
        let f = dir.join(a["file"].as_str().unwrap());
        assert_eq!(a["frames"].as_u64().unwrap(), read_wav(&f).0.len() as u64);
        assert_interrupted_and_valid(root.path(), u64::from(RATE));
        let out = repair(root.path());
        assert!(out.contains("nothing to repair"), "{out}");
    }
}

#[test]
fn sigterm_during_prep_closes_the_session_and_exits_130() {
    let sink = PulseSink::running("sigprep");
    let root = tempfile::tempdir().unwrap();
    let mut child = spawn_practice(
        &sink,
        root.path(),
        &["--count", "1", "--prep", "30", "--limit", "0"],
    );
    sink.wait_for_answer_recorder(root.path(), Duration::from_secs(15));
    wait_until(Duration::from_secs(10), || {
        current_wav(root.path()).is_some()
    })
    .expect("the armed take exists");
    signal(&child, "TERM");
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    let dir = session_dirs(root.path()).pop().unwrap();
    let log = log_of(&dir);
    assert_eq!(log["status"], "interrupted");
    assert_eq!(log["answers"][0]["status"], "interrupted");
    assert!(log["answers"][0]["file"].is_null(), "nothing was recorded");
    assert!(wavs(&dir).is_empty(), "the armed, empty take is removed");
    let out = repair(root.path());
    assert!(out.contains("nothing to repair"), "{out}");
}

#[test]
fn a_second_sigint_exits_at_once_with_valid_files() {
    let sink = PulseSink::running("sig2");
    let tmp = tempfile::tempdir().unwrap();
    let stim = long_stimulus(tmp.path(), 10.0);
    let root = tempfile::tempdir().unwrap();
    let (child, paplay) = recording(&sink, root.path(), &stim, 1.0);
    signal(&child, "INT");
    signal(&child, "INT");
    let (out, took) = finish(child, paplay);
    assert_eq!(out.status.code(), Some(130));
    assert!(took < 1.0, "exited at once: {took:.2} s");
    // Exiting at once may leave the log open: the take is listed, the WAV
    // valid up to its last header update, and repair closes it.
    let dir = session_dirs(root.path()).pop().unwrap();
    let log = log_of(&dir);
    let names = listed(&log);
    for w in wavs(&dir) {
        assert!(names.contains(&w.file_name().unwrap().to_str().unwrap().to_string()));
        read_wav(&w);
        assert!(sox_reads(&w));
    }
    repair(root.path());
    assert_repaired_and_idempotent(root.path(), "double SIGINT");
}

#[test]
fn a_lost_device_keeps_the_answer_and_exits_1_naming_it() {
    require("pacmd");
    let sink = PulseSink::running("lost");
    let tmp = tempfile::tempdir().unwrap();
    let stim = long_stimulus(tmp.path(), 10.0);
    let root = tempfile::tempdir().unwrap();
    let (child, paplay) = recording(&sink, root.path(), &stim, 1.0);
    // The sound server drops our recording stream: alsa-lib then fails the
    // stream (cpal reports EIO from snd_pcm_poll_descriptors_revents).
    let outputs = Command::new("pactl")
        .args(["list", "short", "source-outputs"])
        .output()
        .unwrap();
    let monitor = sink.monitor_index();
    let ours: Vec<String> = String::from_utf8_lossy(&outputs.stdout)
        .lines()
        .filter(|l| l.split('\t').nth(1) == Some(monitor.as_str()))
        .filter_map(|l| l.split('\t').next().map(str::to_string))
        .collect();
    assert_eq!(ours.len(), 1, "one recording stream on our monitor");
    let st = Command::new("pacmd")
        .args(["kill-source-output", &ours[0]])
        .status()
        .unwrap();
    assert!(st.success());
    let (out, _) = finish(child, paplay);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    assert!(
        last.contains("was lost") && last.contains("of answer 1 is kept in"),
        "one clear line naming what was kept: {stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert_interrupted_and_valid(root.path(), u64::from(RATE) / 2);
    let dir = session_dirs(root.path()).pop().unwrap();
    assert_eq!(log_of(&dir)["answers"][0]["status"], "interrupted");
    let out = repair(root.path());
    assert!(out.contains("nothing to repair"), "{out}");
}

#[test]
fn two_practice_runs_at_once_get_two_sessions() {
    let dev = FileDevice::new(&speech("Hello there.", 160, RATE), 10.0, RawFormat::S16Mono);
    let spawn = || {
        let mut c = Command::new(bin_path());
        c.env("HOME", dev.home.path())
            .env("MOCKVIEW_DIR", &dev.root)
            .env("NO_COLOR", "1")
            .arg("practice")
            .args(FileDevice::open_args(RawFormat::S16Mono))
            .args(["--count", "1", "--prep", "0", "--limit", "2"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c.spawn().unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for c in [a, b] {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let dirs = session_dirs(&dev.root);
    assert_eq!(dirs.len(), 2, "{dirs:?}");
    for d in &dirs {
        let log = log_of(d);
        assert_eq!(log["status"], "completed");
        assert_eq!(log["answers"][0]["frames"], 2 * u64::from(RATE));
    }
}

/// A session as a crash leaves it: open, its take unlisted and its header
/// stale.
fn crashed_session(root: &Path, id: &str) -> PathBuf {
    let dir = root.join(id);
    std::fs::create_dir_all(&dir).unwrap();
    let log = serde_json::json!({
        "format": "mockview-session", "version": 1, "id": id,
        "started_at": "2026-11-26T10:15:03Z", "status": "in_progress",
        "input": {"device_id": "alsa:x", "device_name": "x", "sample_rate": 48000,
                  "channels": 1, "sample_format": "i16"},
        "settings": {"count": 1, "prep_seconds": 0, "limit_seconds": 0,
                     "order": "listed", "seed": 1},
        "answers": []
    });
    std::fs::write(log_path(&dir), serde_json::to_vec(&log).unwrap()).unwrap();
    let wav = dir.join("01-tell-me.wav");
    write_wav(&wav, &vec![1000i16; 48_000], RATE);
    // a header that says 0.5 s, and half a sample of trailing garbage
    let mut bytes = std::fs::read(&wav).unwrap();
    bytes[40..44].copy_from_slice(&48_000u32.to_le_bytes());
    bytes.push(7);
    std::fs::write(&wav, bytes).unwrap();
    dir
}

#[test]
fn repair_fixes_headers_adds_takes_closes_sessions_and_dry_run_writes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let dir = crashed_session(root.path(), "20261126-101503");
    // sessions and practice tell the user
    let out = mockview_in(root.path()).arg("sessions").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("1 session was left open by a crash or power loss: run `mockview repair`"));
    let before = snapshot(root.path());
    let dry = mockview_in(root.path())
        .args(["repair", "--dry-run"])
        .output()
        .unwrap();
    assert!(dry.status.success());
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(text.contains("would repair"), "{text}");
    assert_eq!(before, snapshot(root.path()), "a dry run writes nothing");

    let out = repair(root.path());
    assert!(out.contains("1 session repaired"), "{out}");
    let log = log_of(&dir);
    assert_eq!(log["status"], "interrupted");
    assert!(log["ended_at"].is_string());
    let a = &log["answers"][0];
    assert_eq!(a["file"], "01-tell-me.wav");
    assert_eq!(a["status"], "interrupted");
    assert_eq!(a["frames"], 48_000);
    assert_eq!(a["duration_seconds"], 1.0);
    let (s, _) = read_wav(&dir.join("01-tell-me.wav"));
    assert_same(&s, &[1000i16; 48_000], "every sample kept");
    assert_eq!(
        std::fs::metadata(dir.join("01-tell-me.wav")).unwrap().len(),
        44 + 96_000 + 1
    );
    // the notice is gone
    let out = mockview_in(root.path()).arg("sessions").output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("left open"));
    let before = snapshot(root.path());
    let out = repair(root.path());
    assert!(out.contains("nothing to repair"), "{out}");
    assert_eq!(before, snapshot(root.path()));
}

#[test]
fn repair_skips_a_session_being_recorded() {
    let sink = PulseSink::running("busy");
    let root = tempfile::tempdir().unwrap();
    crashed_session(root.path(), "20200101-000000");
    let mut child = spawn_practice(
        &sink,
        root.path(),
        &["--count", "1", "--prep", "0", "--limit", "0"],
    );
    sink.wait_for_answer_recorder(root.path(), Duration::from_secs(15));
    // The folder is made before its first log is saved (fsync): wait for it.
    wait_until(Duration::from_secs(15), || {
        let dirs = session_dirs(root.path());
        dirs.len() == 2 && dirs[1].join("session.json").is_file()
    })
    .expect("the live session's log");
    let live = session_dirs(root.path()).pop().unwrap();
    let live_log = std::fs::read(log_path(&live)).unwrap();
    let out = repair(root.path());
    let live_id = live.file_name().unwrap().to_str().unwrap();
    assert!(
        out.contains(&format!(
            "{live_id}: in use by another mockview process, skipped"
        )),
        "{out}"
    );
    assert!(out.contains("20200101-000000: repaired"), "{out}");
    assert_eq!(
        std::fs::read(log_path(&live)).unwrap(),
        live_log,
        "repair never writes a session being recorded"
    );
    key(&mut child, "");
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(log_of(&live)["status"], "completed");
}

/// `practice` from the file device, with extra setup of the command.
fn file_practice(
    dev: &FileDevice,
    root: &Path,
    limit: &str,
    count: &str,
    wrap: &[&str],
) -> std::process::Output {
    let bin = bin_path();
    let mut c = match wrap.split_first() {
        Some((program, args)) => {
            let mut c = Command::new(program);
            c.args(args).arg(&bin);
            c
        }
        None => Command::new(&bin),
    };
    c.env("HOME", dev.home.path())
        .env("MOCKVIEW_DIR", root)
        .env("NO_COLOR", "1")
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args([
            "--count", count, "--prep", "0", "--limit", limit, "--order", "listed",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Sample-exact comparison that does not print a million samples.
fn assert_same(got: &[i16], want: &[i16], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    let differing = got.iter().zip(want).filter(|(a, b)| a != b).count();
    assert_eq!(differing, 0, "{what}: differing samples");
}

fn assert_one_line_error(out: &std::process::Output, want: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "exit 1: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("mockview:"))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(want), "{stderr}");
}

#[test]
fn a_file_size_limit_stops_with_a_clear_error_keeping_earlier_answers() {
    let sp = speech(TEXT, 160, RATE);
    let dev = FileDevice::new(&sp, 30.0, RawFormat::S16Mono);
    let mut src = sp.clone();
    src.extend(silence(30.0, RATE));
    // The limit is per file: answer 1 (2 s, 192 KB) fits, answer 2 (20 s,
    // 1.9 MB) does not.
    let bank = dev.home.path().join("two.toml");
    std::fs::write(
        &bank,
        "[[question]]\nid = \"short\"\ntext = \"Short?\"\ncategory = \"failure\"\nlimit_seconds = 2\n\n\
         [[question]]\nid = \"long\"\ntext = \"Long?\"\ncategory = \"failure\"\nlimit_seconds = 20\n",
    )
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    let bin = bin_path();
    let out = Command::new("prlimit")
        .arg("--fsize=700000")
        .arg(&bin)
        .env("HOME", dev.home.path())
        .env("MOCKVIEW_DIR", root.path())
        .env("NO_COLOR", "1")
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args([
            "--count", "2", "--prep", "0", "--limit", "0", "--order", "listed", "--bank",
        ])
        .arg(&bank)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_one_line_error(&out, "File too large");
    let dir = session_dirs(root.path()).pop().unwrap();
    let log = log_of(&dir);
    assert_eq!(log["status"], "interrupted");
    let a1 = &log["answers"][0];
    assert_eq!(a1["status"], "recorded");
    let (got, _) = read_wav(&dir.join(a1["file"].as_str().unwrap()));
    assert_same(
        &got,
        &src[..2 * RATE as usize],
        "answer 1 intact, bit-exact",
    );
    let a2 = &log["answers"][1];
    assert_eq!(a2["status"], "interrupted");
    let w2 = dir.join(a2["file"].as_str().unwrap());
    let (s2, _) = read_wav(&w2);
    assert!(sox_reads(&w2));
    assert_eq!(a2["frames"].as_u64().unwrap(), s2.len() as u64);
    assert!(
        s2.len() > 3 * RATE as usize,
        "what fitted is kept: {}",
        s2.len()
    );
    // Each question opens the device anew: the file plugin starts over.
    assert_same(&s2, &src[..s2.len()], "answer 2, as far as it got");
    let out = repair(root.path());
    assert!(out.contains("nothing to repair"), "{out}");
}

/// A tmpfs of `size` mounted for the life of the value (needs root, as CI has).
struct Tmpfs(tempfile::TempDir);

impl Tmpfs {
    fn mount(opts: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "mockview-test"])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        // These tests are #[ignore]d for runs that cannot mount (scripts/test.sh
        // runs them as root); failing to mount here is a failure, not a pass.
        assert!(
            ok,
            "cannot mount a tmpfs: these tests need root (see their #[ignore] reason)"
        );
        Tmpfs(dir)
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(self.0.path()).status();
    }
}

#[test]
#[ignore = "needs root to mount a small tmpfs; scripts/test.sh runs it as root"]
fn a_full_disk_stops_with_a_clear_error_keeping_earlier_answers() {
    let sp = speech(TEXT, 160, RATE);
    let dev = FileDevice::new(&sp, 30.0, RawFormat::S16Mono);
    let fs = Tmpfs::mount("size=700k,mode=0700");
    let root = fs.0.path().join("rec");
    let out = file_practice(&dev, &root, "5", "2", &[]);
    assert_one_line_error(&out, "No space left on device");
    let dir = session_dirs(&root).pop().unwrap();
    let log = log_of(&dir);
    let a1 = &log["answers"][0];
    assert_eq!(a1["status"], "recorded");
    let (got, _) = read_wav(&dir.join(a1["file"].as_str().unwrap()));
    assert_same(&got, &sp[..5 * RATE as usize], "answer 1 intact, bit-exact");
    for w in wavs(&dir) {
        read_wav(&w);
        assert!(sox_reads(&w));
    }
}

#[test]
fn an_unwritable_folder_is_a_one_line_error() {
    let dev = FileDevice::new(&speech("Hello.", 160, RATE), 5.0, RawFormat::S16Mono);
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let out = file_practice(&dev, &file.join("rec"), "1", "1", &[]);
    assert_one_line_error(&out, "cannot create a session in");
}

#[test]
#[ignore = "needs root to mount a read-only tmpfs; scripts/test.sh runs it as root"]
fn a_read_only_folder_is_a_one_line_error() {
    let dev = FileDevice::new(&speech("Hello.", 160, RATE), 5.0, RawFormat::S16Mono);
    let ro = Tmpfs::mount("ro,size=64k");
    let out = file_practice(&dev, &ro.0.path().join("rec"), "1", "1", &[]);
    assert_one_line_error(&out, "Read-only file system");
}

#[test]
fn damaged_logs_are_one_line_errors_and_listed_as_damaged() {
    let root = tempfile::tempdir().unwrap();
    crashed_session(root.path(), "20261126-090000");
    repair(root.path());
    let good = std::fs::read(root.path().join("20261126-090000/session.json")).unwrap();
    let cases: [(&str, Vec<u8>, &str); 4] = [
        (
            "20261126-100000",
            good[..good.len() / 2].to_vec(),
            "not a valid session log",
        ),
        (
            "20261126-110000",
            br#"{"format":"mockview-session","version":9}"#.to_vec(),
            "newer mockview",
        ),
        (
            "20261126-120000",
            String::from_utf8_lossy(&good)
                .replace("\"status\": \"interrupted\"", "\"status\": 5")
                .into_bytes(),
            "not a valid session log",
        ),
        (
            "20261126-130000",
            vec![0xff, 0xfe, 0x00, 0x80],
            "not a valid session log",
        ),
    ];
    for (id, bytes, want) in &cases {
        std::fs::create_dir(root.path().join(id)).unwrap();
        std::fs::write(root.path().join(id).join("session.json"), bytes).unwrap();
        let out = mockview_in(root.path())
            .args(["show", id])
            .output()
            .unwrap();
        assert_one_line_error(&out, want);
    }
    let out = mockview_in(root.path())
        .args(["sessions", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let damaged = rows.iter().filter(|r| r["status"] == "damaged").count();
    assert_eq!(damaged, 4);
    assert!(rows
        .iter()
        .any(|r| r["id"] == "20261126-090000" && r["status"] == "interrupted"));
    for bad in ["../x", "a/b", "..", "/etc"] {
        let out = mockview_in(root.path())
            .args(["show", bad])
            .output()
            .unwrap();
        assert_one_line_error(&out, "is not a session id");
    }
}

#[test]
fn hostile_banks_are_one_line_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let huge = tmp.path().join("huge.txt");
    std::fs::write(&huge, "Tell me about yourself?\n".repeat(50_000)).unwrap();
    let bad_utf8 = tmp.path().join("bad.txt");
    std::fs::write(&bad_utf8, b"Why us?\n\xff\xfe oops\n").unwrap();
    let malformed = tmp.path().join("bad.toml");
    std::fs::write(&malformed, "[[question]]\nid = \"x\"\ntext = \n").unwrap();
    let wrong_types = tmp.path().join("types.toml");
    std::fs::write(
        &wrong_types,
        "[[question]]\nid = 5\ntext = [1]\ncategory = \"x\"\n",
    )
    .unwrap();
    let binary = tmp.path().join("bin.toml");
    std::fs::write(&binary, [0u8, 159, 146, 150, 0, 0, 1]).unwrap();
    for (file, want) in [
        (&huge, "huge.txt"),
        (&bad_utf8, "bad.txt"),
        (&malformed, "bad.toml"),
        (&wrong_types, "types.toml"),
        (&binary, "bin.toml"),
    ] {
        let out = mockview()
            .args(["questions", "check"])
            .arg(file)
            .output()
            .unwrap();
        assert_one_line_error(&out, want);
        let root = tempfile::tempdir().unwrap();
        let out = mockview_in(root.path())
            .args(["practice", "--bank"])
            .arg(file)
            .output()
            .unwrap();
        assert_one_line_error(&out, want);
        assert!(
            session_dirs(root.path()).is_empty(),
            "no session for a bad bank"
        );
    }
}

#[test]
fn no_network_code_and_private_files() {
    let lock = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.lock")).unwrap();
    // One HTTP client (ureq), for `mockview model get` only (issue 10).
    for name in ["reqwest", "hyper", "curl", "isahc", "surf", "tokio"] {
        assert!(
            !lock.contains(&format!("name = \"{name}\"")),
            "{name} is in Cargo.lock: mockview must stay offline"
        );
    }
    let mut stack = vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                for word in ["std::net", "TcpStream", "UdpSocket", "TcpListener"] {
                    assert!(!text.contains(word), "{}: uses {word}", p.display());
                }
                if text.contains("ureq::") {
                    assert!(
                        p.ends_with("src/transcribe/models.rs"),
                        "{}: uses the network; only `model get` may",
                        p.display()
                    );
                }
            }
        }
    }
    // Everything practice and repair create is private.
    let dev = FileDevice::new(&speech("Hello there.", 160, RATE), 10.0, RawFormat::S16Mono);
    let root = dev.home.path().join("private");
    let out = file_practice(&dev, &root, "1", "2", &[]);
    assert!(out.status.success());
    crashed_session(&root, "20200101-000000");
    std::fs::set_permissions(
        root.join("20200101-000000"),
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    for f in ["session.json", "01-tell-me.wav"] {
        std::fs::set_permissions(
            root.join("20200101-000000").join(f),
            std::os::unix::fs::PermissionsExt::from_mode(0o600),
        )
        .unwrap();
    }
    repair(&root);
    assert_private(&root);
}
