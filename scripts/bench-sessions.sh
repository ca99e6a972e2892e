#!/usr/bin/env bash
# `mockview sessions` over 1,000 sessions (5 answers each, one reviewed):
# prints the median wall time of 10 runs, text and --json; the target is 200 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
exec python3 - <<'PY'
import json, os, statistics, subprocess, tempfile, time
root = tempfile.mkdtemp(prefix="mv-sessions-")
answer = lambda n: {
    "number": n, "question": {"id": f"q{n}", "text": "Tell me about a time you failed " * 3, "category": "failure"},
    "status": "recorded", "file": f"0{n}-q{n}.wav", "takes": [f"0{n}-q{n}.wav"], "duration_seconds": 74.5,
    "frames": 3576000, "sample_rate": 48000, "dropped_frames": 0,
    "metrics": {"duration_seconds": 74.5, "speaking_seconds": 61.0, "words_per_minute": 151.0,
                "pauses": [{"start_seconds": i * 3.0, "end_seconds": i * 3.0 + 0.4} for i in range(20)]},
    "reviews": [{"reviewer": "Sam", "at": "2026-11-27T18:02:11Z", "scores": {"structure": 4, "clarity": 3}, "notes": "ok"}] if n == 1 else []}
for i in range(1000):
    sid = f"2026{(i // 28) % 12 + 1:02d}{i % 28 + 1:02d}-{i % 24:02d}{i % 60:02d}{i % 7:02d}-{i}"
    os.makedirs(f"{root}/{sid}")
    with open(f"{root}/{sid}/session.json", "w") as f:
        json.dump({"format": "mockview-session", "version": 1, "id": sid, "started_at": "2026-11-26T10:15:03Z",
                   "ended_at": "2026-11-26T10:25:03Z", "status": "completed",
                   "settings": {"count": 5, "prep_seconds": 30, "limit_seconds": 120, "order": "random", "seed": i},
                   "answers": [answer(n) for n in range(1, 6)]}, f, indent=2)
def bench(args):
    times = []
    for _ in range(10):
        t = time.perf_counter()
        subprocess.run(["target/release/mockview", "--dir", root] + args, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000
for args in (["sessions"], ["sessions", "--json"]):
    ms = bench(args)
    print(f"mockview {' '.join(args):<16} 1,000 sessions: {ms:6.1f} ms median of 10 (target 200 ms: {'OK' if ms <= 200 else 'OVER'})")
PY
