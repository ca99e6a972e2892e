#!/usr/bin/env bash
# The feedback measured like a classifier (issue 18): precision and recall of
# the content feedback on the evaluation corpus in eval/ (STAR parts by
# sentence, no_star, no_result, negative talk; src/content/eval.rs), then the
# transcript figures of scripts/eval-transcripts.sh (spoken versions of the
# same corpus) when that script is present. `--mistakes` also lists what
# the content rules judged wrongly on the part they were tuned on; the
# held-out batch (the highest batch present above the batches already
# read, eval/README.md) gets its own figures and its mistakes are never
# listed. Negative talk is measured by the rules alone and with the
# sentence model's judge (src/content/judge.rs) in each combination, with
# the story sentences each flags (a few minutes: the model runs on every
# sentence of the corpus four times).
# The bounds are held by `cargo test --lib content::eval`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Negative talk with the sentence model's judge too: the model of the tests
# (scripts/test-embedder.sh, fetched once and cached), unless
# MOCKVIEW_TEST_EMBEDDER names it already.
sentence_model=()
if model="${MOCKVIEW_TEST_EMBEDDER:-$(scripts/test-embedder.sh)}"; then
  sentence_model=(--sentence-model "$model")
else
  echo "eval-feedback: no sentence model: negative talk by the rules alone" >&2
fi

echo "== Content feedback (eval/stories.toml, eval/negative.toml)"
nice -n 10 cargo run --quiet --example eval_feedback -- "${sentence_model[@]}" "$@"

echo
echo "== Transcripts (scripts/eval-transcripts.sh)"
if [ -x scripts/eval-transcripts.sh ]; then
  scripts/eval-transcripts.sh
elif [ -f scripts/eval-transcripts.sh ]; then
  bash scripts/eval-transcripts.sh
else
  echo "scripts/eval-transcripts.sh is missing: no transcript figures (dropped sentences, WER, filler recall, RTF)"
fi
