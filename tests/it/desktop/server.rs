//! The sound servers a desktop runs, for the real-time tests of the native
//! PulseAudio host: the machine's PulseAudio (a null sink of the test's
//! own), or a headless PipeWire + WirePlumber + pipewire-pulse that the test
//! starts in folders of its own and stops at the end. Both are reached
//! through the PulseAudio protocol (`PULSE_SERVER`), as mockview reaches them.

use crate::common::*;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// The null sink of a headless PipeWire (its drop-in config creates it).
const PW_SINK: &str = "mv_pw_sink";
/// The smallest graph quantum (frames at 48 kHz) of the test's PipeWire:
/// 2048 (42.7 ms), what mockview's own streams ask for (PipeWire's
/// maximum). The tests' instruments, the 50 ms keep-alive `pacat` and the
/// 20 ms `parec`, would otherwise pull the whole graph down to 512 frames
/// (10.7 ms): pipewire-pulse then missed a cycle whenever the machine
/// stalled even its real-time thread that long (a `nice -n 19` build on
/// two cores does), and the server itself played 10.7 ms of silence in the
/// middle of mockview's answer (docs/audio.md, "PipeWire's deadline").
const PW_MIN_QUANTUM: u32 = 2048;

/// A running sound server with a null sink of the test's own.
pub struct SoundServer {
    pub kind: &'static str,
    /// `PULSE_SERVER` for clients.
    pub pulse_server: String,
    pub sink: String,
    /// Extra environment of the server's clients (PipeWire's runtime dir).
    env: Vec<(String, String)>,
    _running: Running,
}

/// What keeps the server (or the test's sink) alive until the test ends.
enum Running {
    Pulse { _sink: PulseSink },
    PipeWire { _daemons: PipeWire },
}

impl SoundServer {
    /// The machine's PulseAudio, with a null sink loaded for this test.
    pub fn pulseaudio(tag: &str) -> SoundServer {
        let sink = PulseSink::new(tag);
        SoundServer {
            kind: "PulseAudio",
            pulse_server: PulseSink::server(),
            sink: sink.name.clone(),
            env: Vec::new(),
            _running: Running::Pulse { _sink: sink },
        }
    }

    /// A private PipeWire, started now and stopped when this is dropped.
    pub fn pipewire() -> SoundServer {
        let pw = PipeWire::start();
        SoundServer {
            kind: "PipeWire",
            pulse_server: format!("unix:{}", pw.runtime.join("pulse/native").display()),
            sink: PW_SINK.to_string(),
            env: pw.env(),
            _running: Running::PipeWire { _daemons: pw },
        }
    }

    pub fn monitor(&self) -> String {
        format!("{}.monitor", self.sink)
    }

    /// A command that talks to this server.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("PULSE_SERVER", &self.pulse_server)
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// `parec` on the sink's monitor: 20 ms latency, s16 mono 48 kHz on stdout.
    fn parec(&self) -> Child {
        self.command("parec")
            .args(["-d", &self.monitor(), "--latency-msec=20", "--raw"])
            .args(["--format=s16le", "--rate=48000", "--channels=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("parec starts")
    }

    /// Make the sink take up the latency of what plays into it now (see
    /// `wake_sink`). Only PulseAudio's null sink needs it: PipeWire's graph
    /// follows a new stream at its next cycle.
    fn wake(&self) {
        if let Running::Pulse { .. } = self._running {
            wake_sink(&self.sink, |args| {
                self.command("pactl")
                    .args(args)
                    .output()
                    .expect("pactl runs")
            });
        }
    }

    pub fn pactl(&self, args: &[&str]) -> String {
        let out = self
            .command("pactl")
            .args(args)
            .output()
            .expect("pactl runs");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    /// mockview with this server, `NO_COLOR` and `MOCKVIEW_TIMING`, and no
    /// setting of the machine's user (as `common::mockview`).
    pub fn mockview(&self, root: &Path) -> Command {
        let mut c = self.command(bin_path());
        without_user_settings(&mut c)
            .env("MOCKVIEW_TIMING", "1")
            .env("MOCKVIEW_DIR", root);
        c
    }
}

/// PipeWire, WirePlumber and pipewire-pulse on a private D-Bus, with their
/// own runtime, config and state folders (audio-testing recipe: without
/// WirePlumber nothing is linked; without a bus WirePlumber exits).
struct PipeWire {
    _root: tempfile::TempDir,
    runtime: PathBuf,
    config: PathBuf,
    state: PathBuf,
    /// Started in this order, stopped in the reverse one.
    children: Vec<Child>,
    _lock: MutexGuard<'static, ()>,
}

impl PipeWire {
    fn start() -> PipeWire {
        let lock = realtime_lock();
        for p in [
            "pipewire",
            "wireplumber",
            "pipewire-pulse",
            "dbus-daemon",
            "pactl",
        ] {
            require(p);
        }
        let root = tempfile::tempdir().unwrap();
        let runtime = root.path().join("run");
        let config = root.path().join("config");
        let state = root.path().join("state");
        for d in [&runtime, &config, &state] {
            std::fs::create_dir_all(d).unwrap();
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).unwrap();
        let dropin = config.join("pipewire/pipewire.conf.d");
        std::fs::create_dir_all(&dropin).unwrap();
        std::fs::write(
            dropin.join("mockview-test.conf"),
            format!(
                "context.properties = {{ default.clock.min-quantum = {PW_MIN_QUANTUM} }}\n\
                 context.objects = [\n  {{ factory = adapter args = {{\n    \
                 factory.name = support.null-audio-sink node.name = \"{PW_SINK}\"\n    \
                 media.class = Audio/Sink audio.rate = 48000 audio.position = [ FL FR ]\n    \
                 monitor.channel-volumes = true object.linger = true }} }}\n]\n"
            ),
        )
        .unwrap();
        let mut pw = PipeWire {
            _root: root,
            runtime,
            config,
            state,
            children: Vec::new(),
            _lock: lock,
        };
        let bus = pw.runtime.join("bus");
        pw.spawn(
            "dbus-daemon",
            &[
                "--session",
                "--nofork",
                "--nopidfile",
                &format!("--address=unix:path={}", bus.display()),
            ],
        );
        wait_until(Duration::from_secs(10), || bus.exists()).expect("dbus-daemon started");
        pw.spawn("pipewire", &[]);
        let socket = pw.runtime.join("pipewire-0");
        wait_until(Duration::from_secs(10), || socket.exists()).expect("pipewire started");
        pw.spawn("wireplumber", &[]);
        pw.spawn("pipewire-pulse", &[]);
        let server = format!("unix:{}", pw.runtime.join("pulse/native").display());
        let sinks = || {
            let out = Command::new("pactl")
                .env("PULSE_SERVER", &server)
                .envs(pw.env())
                .args(["list", "short", "sinks"])
                .output()
                .unwrap();
            String::from_utf8_lossy(&out.stdout).contains(PW_SINK)
        };
        wait_until(Duration::from_secs(20), sinks)
            .expect("pipewire-pulse never listed the test's null sink");
        pw
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("XDG_RUNTIME_DIR".into(), self.runtime.display().to_string()),
            ("XDG_CONFIG_HOME".into(), self.config.display().to_string()),
            ("XDG_STATE_HOME".into(), self.state.display().to_string()),
            (
                "DBUS_SESSION_BUS_ADDRESS".into(),
                format!("unix:path={}", self.runtime.join("bus").display()),
            ),
        ]
    }

    fn spawn(&mut self, program: &str, args: &[&str]) {
        let child = Command::new(program)
            .args(args)
            .envs(self.env())
            .env_remove("PULSE_SERVER")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{program} does not start: {e}"));
        self.children.push(child);
    }
}

impl Drop for PipeWire {
    fn drop(&mut self) {
        for c in self.children.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

const SILENT: u8 = 0;
const TONE: u8 = 1;

/// What "the candidate says": a client that plays into the sink in real
/// time with 50 ms of buffering (`pacat --latency-msec=50`), silence or a
/// 440 Hz sine at half scale, switched at a known moment. Written at the
/// pace of the wall clock, 20 ms ahead, so a switch reaches the server
/// within ~70 ms and not after a pipe full of old audio.
pub struct Feeder {
    child: Child,
    state: Arc<AtomicU8>,
    /// When the first block of the current state was written.
    switched: Arc<Mutex<(u8, Option<Instant>)>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

pub const TONE_HZ: f64 = 440.0;
pub const TONE_AMPLITUDE: f64 = 0.5;
/// A sample louder than this is sound (the tone peaks at ~16 000).
pub const LOUD: u16 = 1000;

/// `seconds` of the test tone at `RATE`, as an answer to play back.
pub fn tone(seconds: u32) -> Vec<i16> {
    (0..seconds * RATE)
        .map(|i| {
            (TONE_AMPLITUDE
                * 32767.0
                * (2.0 * std::f64::consts::PI * TONE_HZ * f64::from(i) / f64::from(RATE)).sin())
            .round() as i16
        })
        .collect()
}

/// The indices of the loud samples.
pub fn loud(samples: impl Iterator<Item = i16>) -> Vec<usize> {
    samples
        .enumerate()
        .filter(|(_, s)| s.unsigned_abs() > LOUD)
        .map(|(i, _)| i)
        .collect()
}

impl Feeder {
    pub fn start(server: &SoundServer, tone: bool) -> Feeder {
        require("pacat");
        let mut child = server
            .command("pacat")
            .args(["--playback", "-d", &server.sink, "--raw", "--format=s16le"])
            .args(["--rate=48000", "--channels=1", "--latency-msec=50"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("pacat starts");
        // Audio written before pacat's stream runs would wait in the pipe
        // and delay everything after it for good: start once it is there.
        let pid = format!("application.process.id = \"{}\"", child.id());
        wait_until(Duration::from_secs(10), || {
            server.pactl(&["list", "sink-inputs"]).contains(&pid)
        })
        .expect("pacat's stream appears");
        let mut stdin = child.stdin.take().unwrap();
        let initial = if tone { TONE } else { SILENT };
        let state = Arc::new(AtomicU8::new(initial));
        let switched = Arc::new(Mutex::new((initial, Some(Instant::now()))));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, switched, stop) = (state.clone(), switched.clone(), stop.clone());
            std::thread::spawn(move || {
                const BLOCK: usize = 480;
                let lead = (0.02 * f64::from(RATE)) as u64;
                let t0 = Instant::now();
                let mut written: u64 = 0;
                let mut bytes = Vec::with_capacity(BLOCK * 2);
                while !stop.load(Ordering::Relaxed) {
                    let due = (t0.elapsed().as_secs_f64() * f64::from(RATE)) as u64 + lead;
                    while written < due {
                        let s = state.load(Ordering::Acquire);
                        bytes.clear();
                        for i in 0..BLOCK as u64 {
                            let v = if s == TONE {
                                let t = (written + i) as f64 / f64::from(RATE);
                                (TONE_AMPLITUDE
                                    * 32767.0
                                    * (2.0 * std::f64::consts::PI * TONE_HZ * t).sin())
                                .round() as i16
                            } else {
                                0
                            };
                            bytes.extend_from_slice(&v.to_le_bytes());
                        }
                        if stdin.write_all(&bytes).is_err() {
                            return;
                        }
                        written += BLOCK as u64;
                        let mut sw = switched.lock().unwrap();
                        if sw.0 != s || sw.1.is_none() {
                            *sw = (s, Some(Instant::now()));
                        }
                    }
                    std::thread::sleep(Duration::from_millis(5));
                }
            })
        };
        let feeder = Feeder {
            child,
            state,
            switched,
            stop,
            thread: Some(thread),
        };
        server.wake();
        feeder.settle(server);
        feeder
    }

    /// Switch between silence and the tone; returns when the first block
    /// of the new state was written.
    pub fn set_tone(&self, tone: bool) -> Instant {
        let want = if tone { TONE } else { SILENT };
        {
            let mut sw = self.switched.lock().unwrap();
            *sw = (sw.0, None);
        }
        self.state.store(want, Ordering::Release);
        let mut at = None;
        wait_until(Duration::from_secs(5), || {
            let sw = self.switched.lock().unwrap();
            at = (sw.0 == want).then_some(sw.1).flatten();
            at.is_some()
        })
        .expect("the feeder switched");
        at.unwrap()
    }

    /// Wait until the sink runs at the feeder's latency. A sink that was
    /// idle keeps its old, long wakeup interval until its next wakeup (up
    /// to 2 s): until then any new recorder gets its first audio late.
    /// Probe with `parec` until its first audio comes within 150 ms.
    fn settle(&self, server: &SoundServer) {
        require("parec");
        let mut tries = 0;
        wait_until(Duration::from_secs(15), || {
            tries += 1;
            first_audio_delay(server) < Duration::from_millis(150)
        })
        .unwrap_or_else(|_| panic!("{}'s sink never settled ({tries} probes)", server.kind));
    }
}

/// How long a fresh low-latency recorder of the monitor waits for audio.
fn first_audio_delay(server: &SoundServer) -> Duration {
    let t0 = Instant::now();
    let mut p = server.parec();
    let mut out = p.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut b = [0u8; 64];
        let _ = out.read(&mut b);
        let _ = tx.send(Instant::now());
    });
    let got = rx.recv_timeout(Duration::from_secs(3));
    let _ = p.kill();
    let _ = p.wait();
    got.map_or(Duration::MAX, |t| t - t0)
}

impl Drop for Feeder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Pieces of audio as they arrived, shared with the reading thread.
type Pieces = Arc<Mutex<Vec<(Instant, Vec<i16>)>>>;

/// A recorder of the sink's monitor (`parec`, 20 ms latency, s16 mono)
/// that notes when each piece of audio arrived: the wall time of sound.
pub struct MonitorRecorder {
    child: Child,
    chunks: Pieces,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MonitorRecorder {
    pub fn start(server: &SoundServer) -> MonitorRecorder {
        let mut child = server.parec();
        let mut out = child.stdout.take().unwrap();
        let chunks = Arc::new(Mutex::new(Vec::new()));
        let thread = {
            let chunks = chunks.clone();
            std::thread::spawn(move || {
                let mut buf = vec![0u8; 1 << 14];
                let mut odd: Option<u8> = None;
                loop {
                    let n = match out.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => n,
                    };
                    let at = Instant::now();
                    let mut bytes: Vec<u8> = odd.take().into_iter().collect();
                    bytes.extend_from_slice(&buf[..n]);
                    if bytes.len() % 2 == 1 {
                        odd = bytes.pop();
                    }
                    chunks.lock().unwrap().push((at, bytes_to_i16(&bytes)));
                }
            })
        };
        let rec = MonitorRecorder {
            child,
            chunks,
            thread: Some(thread),
        };
        wait_until(Duration::from_secs(10), || rec.samples() > 4800)
            .expect("the monitor recorder got audio");
        rec
    }

    fn samples(&self) -> usize {
        self.chunks.lock().unwrap().iter().map(|c| c.1.len()).sum()
    }

    /// Wait until the monitor has heard a sound (|sample| > 1000) end, with
    /// 100 ms of quiet after it; returns when its last loud piece arrived.
    pub fn wait_for_sound_end(&self, timeout: Duration) -> Instant {
        let mut end = None;
        wait_until(timeout, || {
            let chunks = self.chunks.lock().unwrap();
            let flat: Vec<(Instant, i16)> = chunks
                .iter()
                .flat_map(|(at, s)| s.iter().map(move |&v| (*at, v)))
                .collect();
            let Some(last) = flat.iter().rposition(|s| s.1.unsigned_abs() > 1000) else {
                return false;
            };
            end = Some(flat[last].0);
            flat.len() - last > RATE as usize / 10
        })
        .expect("the monitor heard the sound end");
        end.unwrap()
    }

    /// Each sample with the moment its piece arrived.
    pub fn stop(mut self) -> Vec<(Instant, i16)> {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        let chunks = std::mem::take(&mut *self.chunks.lock().unwrap());
        chunks
            .into_iter()
            .flat_map(|(at, s)| s.into_iter().map(move |v| (at, v)))
            .collect()
    }
}

impl Drop for MonitorRecorder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The output lines of a running mockview, each with when it arrived.
pub struct TimedLines {
    rx: std::sync::mpsc::Receiver<(Instant, bool, String)>,
    pub seen: Vec<(Instant, bool, String)>,
}

impl TimedLines {
    /// Wait for `child` to exit; it must have succeeded (else every line it
    /// printed is shown). Returns those lines.
    pub fn succeeded(&mut self, child: &mut Child) -> String {
        let status = child.wait().unwrap();
        let text = self.text();
        assert!(status.success(), "{status}\n{text}");
        text
    }

    pub fn attach(child: &mut Child) -> TimedLines {
        let (tx, rx) = std::sync::mpsc::channel();
        let out = child.stdout.take().unwrap();
        let err = child.stderr.take().unwrap();
        for (is_err, stream) in [
            (false, Box::new(out) as Box<dyn Read + Send>),
            (true, Box::new(err)),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(stream).lines() {
                    let Ok(line) = line else { return };
                    let _ = tx.send((Instant::now(), is_err, line));
                }
            });
        }
        TimedLines {
            rx,
            seen: Vec::new(),
        }
    }

    /// Wait for the first line (stdout or stderr) that starts with `prefix`.
    pub fn wait_for(&mut self, prefix: &str, timeout: Duration) -> Instant {
        if let Some(l) = self.seen.iter().find(|l| l.2.starts_with(prefix)) {
            return l.0;
        }
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(l) => {
                    let hit = l.2.starts_with(prefix);
                    let at = l.0;
                    self.seen.push(l);
                    if hit {
                        return at;
                    }
                }
                Err(_) => panic!(
                    "no line starting with {prefix:?} within {timeout:?}; seen:\n{}",
                    self.text()
                ),
            }
        }
    }

    /// Everything seen so far (after draining what has arrived).
    pub fn text(&mut self) -> String {
        while let Ok(l) = self.rx.try_recv() {
            self.seen.push(l);
        }
        self.seen
            .iter()
            .map(|l| format!("{}{}", if l.1 { "err: " } else { "" }, l.2))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The largest deviation (in LSB) of `s` from the ideal sine recurrence
/// `x[n] = 2 cos(w) x[n-1] - x[n-2]`: a few LSB for a clean sine, hundreds
/// or thousands at a phase jump, a gap or a dropped piece.
pub fn sine_residual(s: &[i16], hz: f64, rate: u32) -> (f64, usize) {
    let c = 2.0 * (2.0 * std::f64::consts::PI * hz / f64::from(rate)).cos();
    let mut worst = (0.0, 0);
    for i in 2..s.len() {
        let r = (f64::from(s[i]) - (c * f64::from(s[i - 1]) - f64::from(s[i - 2]))).abs();
        if r > worst.0 {
            worst = (r, i);
        }
    }
    worst
}
