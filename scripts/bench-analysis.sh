#!/usr/bin/env bash
# Compare the analysis of one hour of 48 kHz mono speech-like audio with
# `sox FILE -n stats` on the same file: wall time, CPU time, peak RSS, ratio.
# Needs espeak-ng, sox and GNU time (apt-get install -y espeak-ng sox time).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in espeak-ng sox /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y espeak-ng sox time" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

text="Last spring I led a small team that had to ship a new billing feature before the end of \
the quarter. I was too hopeful about the estimate, and I did not ask for help early enough, so \
we missed the date by two weeks. Since then I review each plan with the team before I commit to it."
espeak-ng -s 160 -w "$work/clip.wav" "$text"
# clip + 1.3 s pause, repeated to one hour, at 48 kHz 16-bit mono
sox "$work/clip.wav" -r 48000 -b 16 -c 1 "$work/hour.wav" rate pad 0 1.3 repeat 250 trim 0 3600
echo "input: $(soxi -d "$work/hour.wav") at 48 kHz, $(du -h "$work/hour.wav" | cut -f1)"

cargo build --release --quiet --example analyze_wav
bin=target/release/examples/analyze_wav

# Runs alternate (sox, analysis, sox, analysis...) so that both see the
# same load; best of RUNS (default 5) each: wall seconds, CPU seconds, peak
# RSS in KB. The machine's load is printed with the figures: sox is
# single-threaded and the analysis uses three threads, so the ratio moves
# with whatever else holds the cores.
runs=${RUNS:-5}
once() { /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -1; }
faster() { awk -v a="$1" -v b="$2" 'BEGIN{split(a,x," ");split(b,y," ");exit !(x[1]<y[1])}'; }
bin_args=("$bin" "$work/hour.wav")
sox_args=(sox "$work/hour.wav" -n stats)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
sox_best="" ana_best=""
for _ in $(seq "$runs"); do
    line=$(once "${sox_args[@]}")
    if [[ -z $sox_best ]] || faster "$line" "$sox_best"; then sox_best=$line; fi
    line=$(once "${bin_args[@]}")
    if [[ -z $ana_best ]] || faster "$line" "$ana_best"; then ana_best=$line; fi
done
echo "load after:  $(cut -d' ' -f1-3 /proc/loadavg)"

read -r sw su ss srss <<<"$sox_best"
read -r aw au as arss <<<"$ana_best"
printf '%-22s %8s %8s %10s\n' "best of $runs" "wall s" "cpu s" "peak RSS"
printf '%-22s %8.2f %8.2f %7d KB\n' "sox -n stats" "$sw" "$(awk -v a="$su" -v b="$ss" "BEGIN{print a+b}")" "$srss"
printf '%-22s %8.2f %8.2f %7d KB\n' "mockview analysis" "$aw" "$(awk -v a="$au" -v b="$as" "BEGIN{print a+b}")" "$arss"
awk -v a="$aw" -v s="$sw" 'BEGIN{printf "ratio analysis/sox (wall): %.2f\n", a/s}'
