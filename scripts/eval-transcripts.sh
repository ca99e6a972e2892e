#!/usr/bin/env bash
# The transcript evaluation (issue 18): every answer of eval/stories.toml
# spoken at 48 kHz by rotating voices (espeak-ng, flite, festival) with
# lead-in, tail, a 2-4 s pause inside every third answer and -60 dBFS room
# tone, transcribed with the test model (tiny.en, scripts/test-model.sh) or
# MOCKVIEW_MODEL, and scored: WER, dropped sentences, filler recall, RTF.
# The audio is generated in a temporary folder and deleted.
#   scripts/eval-transcripts.sh                   mockview's settings
#   scripts/eval-transcripts.sh --decoding all    every measured setting
#   scripts/eval-transcripts.sh --every 5         every 5th answer (a quick look)
#   scripts/eval-transcripts.sh --verbose         each answer and its transcript
#   scripts/eval-transcripts.sh --voice f4        only the answers of voices named *f4*
#   scripts/eval-transcripts.sh --voice f4 --speak-as "espeak-ng en-us+f1"
#                                                 those answers in another voice
#   scripts/eval-transcripts.sh --beams 5 --prompt "Um, so, …"   other settings
#   MOCKVIEW_MODEL=ggml-base.bin scripts/eval-transcripts.sh --intelligibility
#                                                 the voices themselves: each speaks the
#                                                 Harvard sentences (eval/harvard.txt);
#                                                 a voice passes at WER <= 10 %
# Figures are printed per voice, then for all answers.
# Called by scripts/eval-feedback.sh. RTF depends on the machine's load:
# the load average is printed with it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
MODEL="${MOCKVIEW_MODEL:-$(scripts/test-model.sh)}"
cargo build --release --quiet --example eval_transcripts
exec target/release/examples/eval_transcripts --model "$MODEL" "$@"
