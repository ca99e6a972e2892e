#!/usr/bin/env bash
# Transcription accuracy and speed (issue 10), with the test model (tiny.en,
# scripts/test-model.sh) or MOCKVIEW_MODEL:
#   1. word error rate on the LibriVox clips of pocketsphinx-testdata
#      (Whisper-style normalisation: case, punctuation, hyphens);
#   2. a 2-minute answer (the clips and espeak-ng speech, joined): wall and
#      CPU time, real-time factor per 30 s window;
#   3. practice in real time through a PulseAudio null sink: 3 questions of
#      1-minute answers, how long after the last answer the summary appears,
#      and the frames dropped while transcription ran beside capture.
#   scripts/bench-transcribe.sh            all three (about 5 minutes)
#   scripts/bench-transcribe.sh --quick    1 and 2 only
# Figures depend on the machine's load: the script prints the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
MODEL="${MOCKVIEW_MODEL:-$(scripts/test-model.sh)}"
BIN="${MOCKVIEW_BIN:-target/release/mockview}"
[ -n "${MOCKVIEW_BIN:-}" ] || cargo build --release --quiet
export MODEL BIN
exec python3 - "$@" <<'PY'
import json, os, re, subprocess, sys, tempfile, time

MODEL, BIN = os.environ["MODEL"], os.path.abspath(os.environ["BIN"])
LIBRIVOX = "/usr/share/pocketsphinx/test/data/librivox"
tmp = tempfile.mkdtemp(prefix="mv-bench-tr-")
print(f"model {MODEL}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

def normalise(text):
    text = re.sub(r"[^\w\s']", " ", text.lower().replace("-", " "))
    return ["mister" if w == "mr" else w for w in text.split()]

def edits(ref, hyp):
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref):
        prev, row[0] = row[0], i + 1
        for j, h in enumerate(hyp):
            cur = row[j + 1]
            row[j + 1] = min(prev + (r != h), row[j] + 1, cur + 1)
            prev = cur
    return row[len(hyp)]

def transcribe(wav):
    """(transcript, wall s, cpu s) of one run of `mockview transcribe`."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %U %S", BIN, "transcribe", "--json",
                          "--model", MODEL, wav], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    wall, user, sys_ = map(float, re.search(r"TIME (\S+) (\S+) (\S+)", out.stderr).groups())
    return json.loads(out.stdout), wall, user + sys_

def duration(wav):
    return float(subprocess.run(["soxi", "-D", wav], capture_output=True, text=True).stdout)

# 1. WER on the clips.
errors = words = 0
audio = wall = cpu = 0.0
for line in open(f"{LIBRIVOX}/transcription"):
    text, ident = line.rsplit(" (", 1)
    wav = f"{LIBRIVOX}/{ident.strip().rstrip(')')}.wav"
    ref = normalise(text.replace("<s>", "").replace("</s>", ""))
    t, w, c = transcribe(wav)
    e = edits(ref, normalise(t["text"]))
    errors, words = errors + e, words + len(ref)
    audio, wall, cpu = audio + duration(wav), wall + w, cpu + c
    print(f"  {os.path.basename(wav)}: {e} errors / {len(ref)} words  ({w:.1f} s)  {t['text']}")
print(f"WER {100 * errors / words:.1f} % ({errors}/{words} words; bound 10 %)")
print(f"clips: {audio:.1f} s of audio in {wall:.1f} s wall, {cpu:.1f} s CPU (RTF {wall / audio:.2f}; "
      "each clip pays a whole 30 s window)")

# 2. A 2-minute answer.
speech = ("I was asked to lead the migration of our billing system, which had grown for ten years "
          "without tests. Um, I started by listing every path an invoice could take, and uh, we wrote "
          "tests for the forty most common ones before we changed a single line. ")
subprocess.run(["espeak-ng", "-s", "150", "-w", f"{tmp}/e.wav", speech * 2], check=True)
parts = [f"{LIBRIVOX}/{f}" for f in sorted(os.listdir(LIBRIVOX)) if f.endswith(".wav")]
subprocess.run(["sox", f"{tmp}/e.wav", "-r", "16000", "-c", "1", f"{tmp}/e16.wav"], check=True)
subprocess.run(["sox"] + parts + [f"{tmp}/e16.wav"] * 2 + parts + [f"{tmp}/long.wav"], check=True)
subprocess.run(["sox", f"{tmp}/long.wav", "-r", "48000", f"{tmp}/answer.wav", "trim", "0", "120"], check=True)
t, w, c = transcribe(f"{tmp}/answer.wav")
print(f"2-minute answer: {w:.1f} s wall, {c:.1f} s CPU, {len(t['words'])} words "
      f"(bound 25 s); RTF per 30 s window {w / 120:.2f} (bound 0.2)")

if "--quick" in sys.argv[1:]:
    sys.exit(0)

# 3. Practice in real time: 3 questions, 1-minute answers (--limit 60).
def sh(*a):
    return subprocess.run(a, check=True, capture_output=True, text=True).stdout
sink = f"mvbenchtr{os.getpid()}"
module = sh("pactl", "load-module", "module-null-sink", f"sink_name={sink}", "rate=48000", "channels=1").strip()
try:
    server = next(l.split(": ", 1)[1].strip() for l in sh("pactl", "info").splitlines()
                  if l.startswith("Server String"))
    env = dict(os.environ, PULSE_SOURCE=f"{sink}.monitor", NO_COLOR="1", MOCKVIEW_TIMING="1",
               MOCKVIEW_MODEL=MODEL, PULSE_SERVER=server if server.startswith("unix:") else f"unix:{server}")
    subprocess.run(["sox", f"{tmp}/e.wav", "-r", "48000", "-c", "1", f"{tmp}/e48.wav", "pad", "0", "1"], check=True)
    loop = subprocess.Popen(["sh", "-c", f"while true; do paplay -d {sink} {tmp}/e48.wav; done"],
                            start_new_session=True)
    try:
        out = subprocess.run([BIN, "--dir", f"{tmp}/rec", "practice", "--device", f"pulseaudio:{sink}.monitor",
                              "--count", "3", "--prep", "0", "--limit", "60", "--order", "listed"],
                             env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    finally:
        os.killpg(loop.pid, 9)
        loop.wait()
finally:
    sh("pactl", "unload-module", module)
if out.returncode != 0:
    sys.exit(out.stdout + out.stderr)
after = int(re.search(r"summary_after_ms=(\d+)", out.stderr).group(1))
session = next(d for d in os.listdir(f"{tmp}/rec"))
log = json.load(open(f"{tmp}/rec/{session}/session.json"))
dropped = sum(a["dropped_frames"] for a in log["answers"])
have = sum(1 for a in log["answers"] if a.get("transcript", {}).get("words"))
print(f"practice, 3 x 1-minute answers: summary {after / 1000:.1f} s after the last answer "
      f"(bound 5 s); {have}/3 answers transcribed; dropped frames {dropped}")
PY
