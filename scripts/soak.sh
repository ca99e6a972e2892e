#!/usr/bin/env bash
# Soak test: one answer recorded in real time for MINUTES (default 30) through
# a PulseAudio null sink of its own, with speech looping into it. Samples the
# recorder's RSS and CPU every 10 s, then checks the dropped frames (log), the
# WAV's length against the time recorded, and prints a summary.
#
# Not run in CI (it takes half an hour). Needs a running PulseAudio server,
# espeak-ng, sox, pactl, paplay (see docs/testing.md).
# Usage: scripts/soak.sh [MINUTES]   (MOCKVIEW_BIN overrides the binary,
# default target/release/mockview, else target/debug/mockview)
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-30}
bin=${MOCKVIEW_BIN:-}
if [ -z "$bin" ]; then
    if [ -x target/release/mockview ]; then bin=target/release/mockview; else bin=target/debug/mockview; fi
fi
for tool in espeak-ng sox pactl paplay; do
    command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 1; }
done
pactl info >/dev/null || { echo "no PulseAudio server (pactl info fails)" >&2; exit 1; }

work=$(mktemp -d)
sink="mv_soak_$$"
module=""
rec_pid=""
play_pid=""
cleanup() {
    [ -n "$play_pid" ] && kill "$play_pid" 2>/dev/null || true
    [ -n "$rec_pid" ] && kill "$rec_pid" 2>/dev/null || true
    [ -n "$module" ] && pactl unload-module "$module" 2>/dev/null || true
    [ -z "${KEEP:-}" ] && rm -rf "$work"
}
trap cleanup EXIT

echo "soak: $minutes min through null sink $sink, binary $bin, work folder $work"
module=$(pactl load-module module-null-sink "sink_name=$sink" rate=48000 channels=1)

espeak-ng -s 160 -w "$work/clip.wav" "Last spring I led a small team that had to ship a new \
billing feature before the end of the quarter. I did not ask for help early enough, so we \
missed the date by two weeks. Since then I review each plan with the team."
# ~10 minutes of speech with pauses, played in a loop.
sox "$work/clip.wav" -r 48000 -b 16 -c 1 "$work/loop.wav" pad 0 1.5 repeat 60

# A bank of one question without a time limit of its own (shipped questions
# may carry one, which would end the answer early).
echo "Talk for as long as the soak runs." >"$work/soak.txt"

mkfifo "$work/keys"
exec 3<>"$work/keys"   # keeps stdin open: the answer runs until we send Enter
PULSE_SOURCE="$sink.monitor" MOCKVIEW_DIR="$work/rec" NO_COLOR=1 \
    "$bin" practice --device alsa:pulse --count 1 --prep 0 --limit 0 --order listed --bank "$work/soak.txt" \
    <"$work/keys" >"$work/out.txt" 2>&1 &
rec_pid=$!

monitor_index=$(pactl list short sources | awk -v m="$sink.monitor" '$2 == m {print $1}')
for _ in $(seq 1 300); do
    pactl list short source-outputs | awk -v i="$monitor_index" '$2 == i {found=1} END {exit !found}' && break
    sleep 0.05
done
connected=$(date +%s.%N)
(
    # paplay is killed with its loop, so nothing plays on after the script.
    p=""
    trap '[ -n "$p" ] && kill "$p" 2>/dev/null; exit 0' TERM
    while true; do
        paplay --latency-msec=20 -d "$sink" "$work/loop.wav" &
        p=$!
        wait "$p" || exit 0
    done
) &
play_pid=$!

ticks=$(getconf CLK_TCK)
end=$(echo "$connected + $minutes * 60" | bc)
prev_cpu=""
prev_t=""
printf '%8s %10s %8s %10s\n' "t (s)" "RSS (KiB)" "CPU %" "WAV (s)" | tee "$work/samples.txt"
while :; do
    now=$(date +%s.%N)
    if (( $(echo "$now >= $end" | bc) )); then break; fi
    sleep 10
    kill -0 "$rec_pid" 2>/dev/null || { echo "the recorder exited early" >&2; cat "$work/out.txt" >&2; exit 1; }
    now=$(date +%s.%N)
    rss=$(awk '/^VmRSS/ {print $2}' "/proc/$rec_pid/status")
    cpu=$(awk '{print $14 + $15}' "/proc/$rec_pid/stat")
    wav=$(ls "$work"/rec/*/*.wav 2>/dev/null | head -1)
    wav_s=$( [ -n "$wav" ] && echo "scale=2; ($(stat -c %s "$wav") - 44) / 96000" | bc || echo 0)
    pct="-"
    if [ -n "$prev_cpu" ]; then
        pct=$(echo "scale=2; ($cpu - $prev_cpu) * 100 / $ticks / ($now - $prev_t)" | bc)
    fi
    prev_cpu=$cpu
    prev_t=$now
    printf '%8.0f %10s %8s %10s\n' "$(echo "$now - $connected" | bc)" "$rss" "$pct" "$wav_s" | tee -a "$work/samples.txt"
done

stop_at=$(date +%s.%N)
echo "" >&3
status=0
wait "$rec_pid" || status=$?
rec_pid=""
kill "$play_pid" 2>/dev/null || true
wait "$play_pid" 2>/dev/null || true
play_pid=""

session=$(ls -d "$work"/rec/*/ | head -1)
wav=$(ls "$session"*.wav | head -1)
wav_s=$(sox --i -D "$wav")
python3 - "$session/session.json" "$work/samples.txt" "$wav_s" "$(echo "$stop_at - $connected" | bc)" "$status" <<'EOF'
import json, sys
log = json.load(open(sys.argv[1]))
rows = [l.split() for l in open(sys.argv[2]).read().splitlines()[1:]]
rss = [int(r[1]) for r in rows]
cpu = [float(r[2]) for r in rows if r[2] != "-"]
wav_s, wall_s, status = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
a = log["answers"][0]
print()
print("summary")
print(f"  exit status            {status}; session {log['status']}, answer {a['status']}")
print(f"  recorded (wall)        {wall_s:.1f} s from recorder connected to Enter")
print(f"  WAV length             {wav_s:.3f} s ({a['frames']} frames at {a['sample_rate']} Hz)")
print(f"  WAV - wall             {wav_s - wall_s:+.3f} s")
print(f"  dropped frames (log)   {a['dropped_frames']}")
print(f"  RSS                    first {rss[0]} KiB, last {rss[-1]} KiB, max {max(rss)} KiB, growth {rss[-1] - rss[0]:+d} KiB")
if cpu:
    print(f"  CPU                    mean {sum(cpu)/len(cpu):.2f} %, max {max(cpu):.2f} % of one core")
ok = status == 0 and a["dropped_frames"] == 0 and abs(wav_s - wall_s) < 2.0
print("  verdict               ", "OK" if ok else "CHECK")
sys.exit(0 if ok else 1)
EOF
