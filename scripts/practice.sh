#!/usr/bin/env bash
# One command to practise on a fresh Debian machine: install what is missing,
# build, and start a session (any arguments go to `mockview practice`).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh run
if ! command -v cargo >/dev/null; then
  echo "installing the Rust toolchain (rustup)" >&2
  command -v curl >/dev/null || { sudo apt-get install -y -qq curl; }
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
  # shellcheck disable=SC1091
  . "$HOME/.cargo/env"
fi
cargo build --release --quiet
exec target/release/mockview practice "$@"
