#!/usr/bin/env bash
# The feedback measured like a classifier (issue 18): precision and recall of
# the content feedback on the evaluation corpus in eval/ (STAR parts by
# sentence, no_star, no_result, negative talk; src/content/eval.rs), then the
# transcript figures of scripts/eval-transcripts.sh (spoken versions of the
# same corpus) when that script is present. `--mistakes` also lists what
# the content rules judged wrongly on the part they were tuned on; the
# held-out batch (the highest batch present above the batches already
# read, eval/README.md) gets its own figures and its mistakes are never
# listed.
# The bounds are held by `cargo test --lib content::eval`.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Content feedback (eval/stories.toml, eval/negative.toml)"
nice -n 10 cargo run --quiet --example eval_feedback -- "$@"

echo
echo "== Transcripts (scripts/eval-transcripts.sh)"
if [ -x scripts/eval-transcripts.sh ]; then
  scripts/eval-transcripts.sh
elif [ -f scripts/eval-transcripts.sh ]; then
  bash scripts/eval-transcripts.sh
else
  echo "scripts/eval-transcripts.sh is missing: no transcript figures (dropped sentences, WER, filler recall, RTF)"
fi
