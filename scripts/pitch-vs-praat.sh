#!/usr/bin/env bash
# Compare mockview's pitch figures with Praat's (`To Pitch`, floor 75 Hz,
# ceiling 600 Hz, scripts/pitch.praat) on the LibriVox clips of
# pocketsphinx-testdata and on generated speech (espeak-ng), and print the
# table: median F0 (Hz), SD and 10-90 % range (semitones), per clip; "P SD<8ve"
# is Praat's SD without the frames more than an octave off its median (its
# own octave errors).
# Needs praat, espeak-ng, sox, pocketsphinx-testdata (scripts/deps.sh test).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in praat espeak-ng sox python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: scripts/deps.sh test" >&2; exit 1; }
done
librivox=/usr/share/pocketsphinx/test/data/librivox
[ -d "$librivox" ] || { echo "missing $librivox: apt-get install -y pocketsphinx-testdata" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

text="Last spring I led a small team that had to ship a new billing feature before the end of \
the quarter. I was too hopeful about the estimate, and I did not ask for help early enough, so \
we missed the date by two weeks."
speak() { # name ssml rate
    espeak-ng -v en-us -m -w "$work/$1-raw.wav" "<speak>$2</speak>"
    sox "$work/$1-raw.wav" -b 16 -c 1 -r "$3" "$work/$1.wav" rate -h
}
speak espeak-default "$text" 48000
speak espeak-x-low "<prosody range=\"x-low\">$text</prosody>" 48000
speak espeak-x-high "<prosody range=\"x-high\">$text</prosody>" 48000
speak espeak-question "Did you ship the billing feature before the end of the quarter?" 44100
speak espeak-16k "$text" 16000

cargo build --release --quiet --example analyze_wav
bin=target/release/examples/analyze_wav

printf '%-44s %9s %9s %6s  %7s %8s %7s %6s  %7s %7s\n' clip "Praat Hz" "ours Hz" "diff" \
    "Praat SD" "P SD<8ve" "ours SD" "diff*" "P range" "range"
for f in "$librivox"/*.wav "$work"/espeak-*.wav; do
    [[ $f == *-raw.wav ]] && continue
    read -r pm psd prange _ pinner <<<"$(praat --run scripts/pitch.praat "$f" 75 600)"
    "$bin" "$f" | python3 -c '
import json, sys
m = json.load(sys.stdin)
name, pm, psd, prange, pinner = sys.argv[1:6]
pm, psd, prange, pinner = float(pm), float(psd), float(prange), float(pinner)
med, sd, rng = m["pitch_median_hz"], m["pitch_sd_semitones"], m["pitch_range_semitones"]
print(f"{name:44} {pm:9.1f} {med:9.1f} {100*(med-pm)/pm:+5.1f}%  {psd:7.2f} {pinner:8.2f} {sd:7.2f} {sd-pinner:+6.2f}  {prange:7.2f} {rng:7.2f}")
' "$(basename "$f" .wav)" "$pm" "$psd" "$prange" "$pinner"
done
echo "diff*: ours minus Praat's SD without its octave errors"
