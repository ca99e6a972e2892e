//! PulseAudio for real-time tests: the server (started if needed) and a null
//! sink per test, so parallel tests never hear each other (docs/testing.md).

use super::*;
use assert_cmd::Command;
use std::path::Path;
use std::process::Command as Process;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

/// Real-time tests share one PulseAudio server and the machine's two cores:
/// they run one at a time.
pub fn realtime_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

fn pactl(args: &[&str]) -> std::process::Output {
    Process::new("pactl")
        .args(args)
        .output()
        .expect("pactl runs")
}

/// Make sure a PulseAudio server runs (CI's .ci/run starts one; this starts
/// one for a developer who has none).
pub fn ensure_pulse() {
    static STARTED: OnceLock<()> = OnceLock::new();
    STARTED.get_or_init(|| {
        require("pulseaudio");
        require("pactl");
        require("paplay");
        if pactl(&["info"]).status.success() {
            return;
        }
        let _ = Process::new("pulseaudio")
            .args([
                "--daemonize=yes",
                "--exit-idle-time=-1",
                "-n",
                "--load=module-native-protocol-unix",
                "--load=module-null-sink sink_name=virt",
            ])
            .status();
        wait_until(Duration::from_secs(10), || {
            pactl(&["info"]).status.success()
        })
        .expect("PulseAudio did not start");
    });
}

/// A null sink of its own for one test; its monitor is what the recorder
/// hears (through PULSE_SOURCE) and `play` plays into it.
pub struct PulseSink {
    pub name: String,
    module: String,
    /// The silence of [`PulseSink::running`], if the sink was made so.
    _running: Option<KeepRunning>,
    _lock: MutexGuard<'static, ()>,
}

impl PulseSink {
    pub fn new(tag: &str) -> PulseSink {
        let lock = realtime_lock();
        ensure_pulse();
        let name = format!("mv_{tag}_{}", std::process::id());
        let out = pactl(&[
            "load-module",
            "module-null-sink",
            &format!("sink_name={name}"),
            "rate=48000",
            "channels=1",
        ]);
        assert!(out.status.success(), "cannot load a null sink: {out:?}");
        let module = String::from_utf8_lossy(&out.stdout).trim().to_string();
        PulseSink {
            name,
            module,
            _running: None,
            _lock: lock,
        }
    }

    /// A sink of its own, kept running for the whole test (see
    /// [`PulseSink::keep_running`]): for every test whose subject is not an
    /// idle sink's first wait.
    pub fn running(tag: &str) -> PulseSink {
        let mut sink = PulseSink::new(tag);
        sink._running = Some(sink.keep_running());
        sink
    }

    pub fn monitor(&self) -> String {
        format!("{}.monitor", self.name)
    }

    /// Environment for a process that records this sink's monitor through
    /// ALSA's pulse plugin (`alsa:pulse`).
    pub fn env(&self, c: &mut Command) {
        c.env("PULSE_SOURCE", self.monitor())
            .env("PULSE_SINK", &self.name);
    }

    /// The server's socket, for clients of the native protocol (cpal's
    /// `pulseaudio` host finds it through PULSE_SERVER when there is no
    /// XDG_RUNTIME_DIR, as for root in CI).
    pub fn server() -> String {
        let out = pactl(&["info"]);
        let text = String::from_utf8_lossy(&out.stdout).to_string();
        let path = text
            .lines()
            .find_map(|l| l.strip_prefix("Server String: "))
            .expect("pactl info names the server")
            .trim()
            .to_string();
        if path.starts_with("unix:") {
            path
        } else {
            format!("unix:{path}")
        }
    }

    /// The server's index of our monitor source.
    pub fn monitor_index(&self) -> String {
        pulse_index("sources", &self.monitor()).expect("our monitor source is listed")
    }

    /// The server's index of our sink.
    pub fn sink_index(&self) -> String {
        pulse_index("sinks", &self.name).expect("our sink is listed")
    }

    /// Keep the sink running at a low latency while the result lives: a
    /// stream of digital silence into it (`pacat` from /dev/zero, 20 ms),
    /// connected when this returns. An idle null sink wakes only at its own
    /// long interval, so a recorder of its monitor would wait about 2 s for
    /// its first audio (docs/testing.md), and the monitor's time would not
    /// be wall time. Silence mixed in changes nothing that plays.
    pub fn keep_running(&self) -> KeepRunning {
        require("pacat");
        let child = Process::new("pacat")
            .args(["--playback", "-d", &self.name])
            .args(["--rate=48000", "--channels=1", "--format=s16le", "--raw"])
            .arg("--latency-msec=20")
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("pacat starts");
        let running = KeepRunning(child);
        self.wait_for_player(Duration::from_secs(10));
        wake_sink(&self.name, pactl);
        running
    }

    /// Wait until a playback stream is connected to our sink.
    pub fn wait_for_player(&self, timeout: Duration) {
        let index = self.sink_index();
        wait_until(timeout, || {
            String::from_utf8_lossy(&pactl(&["list", "short", "sink-inputs"]).stdout)
                .lines()
                .any(|l| l.split('\t').nth(1) == Some(index.as_str()))
        })
        .expect("no playback stream connected to the sink");
    }

    /// Wait until a recording stream is connected to our monitor.
    pub fn wait_for_recorder(&self, timeout: Duration) {
        let source_index = self.monitor_index();
        // Connected *and running*: a stream may be created corked and only
        // start at play() (cpal's native PulseAudio host does that).
        wait_until(timeout, || {
            let out = pactl(&["list", "source-outputs"]);
            String::from_utf8_lossy(&out.stdout)
                .split("Source Output #")
                .any(|block| {
                    block
                        .lines()
                        .any(|l| l.trim() == format!("Source: {source_index}"))
                        && block.lines().any(|l| l.trim() == "Corked: no")
                })
        })
        .expect("the recorder never connected to PulseAudio");
    }

    /// Wait until `practice` (sessions under `root`) records its first
    /// answer: a take's WAV that was not there when this was called exists,
    /// and a stream runs. `practice` first starts the input once to check
    /// that it delivers, and closes it again before it makes the session, so
    /// a recorder seen before the take exists may be that check. Call it
    /// right after starting `practice` (the check takes longer than that).
    pub fn wait_for_answer_recorder(&self, root: &Path, timeout: Duration) {
        let wavs = || -> Vec<std::path::PathBuf> {
            std::fs::read_dir(root)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|session| std::fs::read_dir(session.path()).ok())
                .flatten()
                .flatten()
                .map(|f| f.path())
                .filter(|p| p.extension().is_some_and(|e| e == "wav"))
                .collect()
        };
        let before = wavs();
        wait_until(timeout, || wavs().iter().any(|w| !before.contains(w)))
            .expect("practice never armed its first take");
        self.wait_for_recorder(timeout);
    }

    /// Play a WAV into the sink (low latency); returns the running paplay.
    pub fn play(&self, wav: &Path) -> std::process::Child {
        Process::new("paplay")
            .args(["--latency-msec=20", "-d", &self.name])
            .arg(wav)
            .spawn()
            .expect("paplay starts")
    }
}

/// Make a null sink take up the latency of the streams now playing into
/// it: an idle one sleeps its full 2 s interval first (1.6-1.8 s before a
/// new recorder's first audio, measured), a suspend and resume restarts its
/// timer at once (12-115 ms). `pactl` runs the tool against the sink's server.
pub fn wake_sink(sink: &str, pactl: impl Fn(&[&str]) -> std::process::Output) {
    for state in ["1", "0"] {
        let out = pactl(&["suspend-sink", sink, state]);
        assert!(
            out.status.success(),
            "cannot suspend/resume {sink}: {out:?}"
        );
    }
}

/// The silence that keeps a sink running (see [`PulseSink::keep_running`]);
/// stopped when dropped.
pub struct KeepRunning(std::process::Child);

impl Drop for KeepRunning {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for PulseSink {
    fn drop(&mut self) {
        let _ = pactl(&["unload-module", &self.module]);
    }
}

/// The index of the sink or source (`kind`: `sinks`, `sources`) named `name`.
fn pulse_index(kind: &str, name: &str) -> Option<String> {
    let out = pactl(&["list", "short", kind]);
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find(|l| l.split('\t').nth(1) == Some(name))
        .and_then(|l| l.split('\t').next().map(str::to_string))
}
