//! Shared test fixtures: the binary, generated speech, virtual ALSA devices,
//! and a PulseAudio server with a null sink per test.

#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub const RATE: u32 = 48_000;

pub fn mockview() -> Command {
    let mut c = Command::cargo_bin("mockview").expect("the mockview binary");
    // No test sees a model the developer installed: models come from
    // MOCKVIEW_MODEL / --model, or a test's own XDG_DATA_HOME.
    c.env_remove("MOCKVIEW_DIR")
        .env_remove("MOCKVIEW_MODEL")
        .env("XDG_DATA_HOME", "/nonexistent/mockview-test-data")
        .env("NO_COLOR", "1");
    c
}

pub fn bin_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mockview")
}

pub fn require(program: &str) {
    let ok = Process::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "{program} is needed by this test: run the README's test command (it installs it)"
    );
}

/// Speech from espeak-ng at `wpm`, as 16-bit mono samples at `rate`.
pub fn speech(text: &str, wpm: u32, rate: u32) -> Vec<i16> {
    require("espeak-ng");
    require("sox");
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("s.wav");
    let raw = dir.path().join("s.raw");
    let st = Process::new("espeak-ng")
        .args(["-s", &wpm.to_string(), "-w"])
        .arg(&wav)
        .arg(text)
        .status()
        .unwrap();
    assert!(st.success(), "espeak-ng failed");
    let st = Process::new("sox")
        .arg(&wav)
        .args([
            "-r",
            &rate.to_string(),
            "-c",
            "1",
            "-b",
            "16",
            "-e",
            "signed",
            "-t",
            "raw",
        ])
        .arg(&raw)
        .status()
        .unwrap();
    assert!(st.success(), "sox failed");
    bytes_to_i16(&std::fs::read(&raw).unwrap())
}

pub fn bytes_to_i16(b: &[u8]) -> Vec<i16> {
    b.chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect()
}

pub fn silence(seconds: f64, rate: u32) -> Vec<i16> {
    vec![0; (seconds * f64::from(rate)) as usize]
}

/// All samples of a 16-bit mono WAV, and its rate.
pub fn read_wav(path: &Path) -> (Vec<i16>, u32) {
    let mut r = hound::WavReader::open(path)
        .unwrap_or_else(|e| panic!("{}: not a readable WAV: {e}", path.display()));
    let spec = r.spec();
    assert_eq!(spec.channels, 1, "mono");
    assert_eq!(spec.bits_per_sample, 16, "16-bit");
    let s: Vec<i16> = r.samples::<i16>().map(|s| s.unwrap()).collect();
    (s, spec.sample_rate)
}

pub fn write_wav(path: &Path, samples: &[i16], rate: u32) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    for &s in samples {
        w.write_sample(s).unwrap();
    }
    w.finalize().unwrap();
}

/// The one session folder under `root`, and its parsed log.
pub fn only_session(root: &Path) -> (PathBuf, serde_json::Value) {
    let dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "one session folder in {}", root.display());
    let log = std::fs::read(dirs[0].join("session.json")).unwrap();
    (dirs[0].clone(), serde_json::from_slice(&log).unwrap())
}

/// A virtual ALSA capture device `alsa:answer` whose samples come from a raw
/// file, delivered faster than real time. alsa-lib reads `$HOME/.asoundrc`,
/// so commands get HOME pointing at this folder.
pub struct FileDevice {
    pub home: tempfile::TempDir,
    pub root: PathBuf,
}

/// Sample layout of the raw file (= the format the stream is opened in).
#[derive(Clone, Copy, Debug)]
pub enum RawFormat {
    S16Mono,
    F32Stereo,
}

impl FileDevice {
    /// `samples` (16-bit values) padded with `pad_seconds` of silence, written
    /// in `format`.
    pub fn new(samples: &[i16], pad_seconds: f64, format: RawFormat) -> FileDevice {
        let home = tempfile::tempdir().unwrap();
        let raw = home.path().join("answer.raw");
        let mut all = samples.to_vec();
        all.extend(silence(pad_seconds, RATE));
        let bytes: Vec<u8> = match format {
            RawFormat::S16Mono => all.iter().flat_map(|s| s.to_le_bytes()).collect(),
            RawFormat::F32Stereo => all
                .iter()
                .flat_map(|&s| {
                    let f = (f32::from(s) / 32768.0).to_le_bytes();
                    [f, f].concat()
                })
                .collect(),
        };
        std::fs::write(&raw, bytes).unwrap();
        std::fs::write(
            home.path().join(".asoundrc"),
            format!(
                "pcm.answer {{\n  type file\n  slave.pcm \"null\"\n  file \"/dev/null\"\n  infile \"{}\"\n  format \"raw\"\n}}\n",
                raw.display()
            ),
        )
        .unwrap();
        let root = home.path().join("recordings");
        FileDevice { home, root }
    }

    /// `mockview` with HOME set to this device's folder and the sessions root in it.
    pub fn cmd(&self) -> Command {
        let mut c = mockview();
        c.env("HOME", self.home.path())
            .env("MOCKVIEW_DIR", &self.root);
        c
    }

    pub fn open_args(format: RawFormat) -> [&'static str; 6] {
        match format {
            RawFormat::S16Mono => [
                "--device",
                "alsa:answer",
                "--input-format",
                "i16",
                "--channels",
                "1",
            ],
            RawFormat::F32Stereo => [
                "--device",
                "alsa:answer",
                "--input-format",
                "f32",
                "--channels",
                "2",
            ],
        }
    }
}

// ---------------------------------------------------------------- PulseAudio

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
            _lock: lock,
        }
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

    /// Wait until a recording stream is connected to our monitor.
    pub fn wait_for_recorder(&self, timeout: Duration) {
        let source_index = {
            let out = pactl(&["list", "short", "sources"]);
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            text.lines()
                .find(|l| l.split('\t').nth(1) == Some(self.monitor().as_str()))
                .and_then(|l| l.split('\t').next().map(str::to_string))
                .expect("our monitor source is listed")
        };
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

    /// Play a WAV into the sink (low latency); returns the running paplay.
    pub fn play(&self, wav: &Path) -> std::process::Child {
        Process::new("paplay")
            .args(["--latency-msec=20", "-d", &self.name])
            .arg(wav)
            .spawn()
            .expect("paplay starts")
    }
}

impl Drop for PulseSink {
    fn drop(&mut self) {
        let _ = pactl(&["unload-module", &self.module]);
    }
}

/// Poll `cond` every 20 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut cond: impl FnMut() -> bool) -> Result<(), ()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if cond() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    if cond() {
        Ok(())
    } else {
        Err(())
    }
}

/// Where speech is: the first and last 10 ms frame whose RMS is above
/// `threshold` (of full scale), in seconds.
pub fn speech_span(samples: &[i16], rate: u32, threshold: f64) -> Option<(f64, f64)> {
    let frame = (rate / 100) as usize;
    let loud: Vec<usize> = samples
        .chunks(frame)
        .enumerate()
        .filter(|(_, c)| {
            let ms = c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / c.len() as f64;
            ms.sqrt() / 32768.0 > threshold
        })
        .map(|(i, _)| i)
        .collect();
    Some((
        *loud.first()? as f64 / 100.0,
        (*loud.last()? + 1) as f64 / 100.0,
    ))
}

/// 10 ms RMS envelope, in dB (floored at -80).
pub fn envelope_db(samples: &[i16], rate: u32) -> Vec<f64> {
    let frame = (rate / 100) as usize;
    samples
        .chunks_exact(frame)
        .map(|c| {
            let ms = c.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame as f64;
            (10.0 * (ms / (32768.0f64 * 32768.0)).log10()).max(-80.0)
        })
        .collect()
}

/// Where `needle` sits in `hay`, by correlating their 10 ms dB envelopes:
/// (offset in seconds, normalised correlation of the envelopes there).
pub fn align(hay: &[i16], needle: &[i16], rate: u32) -> (f64, f64) {
    let h = envelope_db(hay, rate);
    let n = envelope_db(needle, rate);
    let centre = |v: &[f64]| {
        let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
        v.iter().map(|x| x - m).collect::<Vec<f64>>()
    };
    let n = centre(&n);
    let mut best = (0usize, f64::MIN);
    for lag in 0..h.len().saturating_sub(n.len() / 2) {
        let m = n.len().min(h.len() - lag);
        let hw = centre(&h[lag..lag + m]);
        let dot: f64 = (0..m).map(|i| n[i] * hw[i]).sum();
        let nn = n[..m].iter().map(|x| x * x).sum::<f64>().sqrt();
        let hh = hw.iter().map(|x| x * x).sum::<f64>().sqrt();
        let c = if nn > 0.0 && hh > 0.0 {
            dot / (nn * hh)
        } else {
            0.0
        };
        if c > best.1 {
            best = (lag, c);
        }
    }
    (best.0 as f64 / 100.0, best.1)
}
