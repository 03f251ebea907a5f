#!/usr/bin/env bash
# The client packages (clients/*): regenerates each one from the protos and
# fails on any difference from what is committed, then runs each package's
# tests and example against a live warden (built here). Redis and RabbitMQ
# must run (scripts/backends.sh starts them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export PATH="$PATH:$HOME/go/bin"

cargo build -p warden-server --bin warden
export WARDEN_BIN="${WARDEN_BIN:-${CARGO_TARGET_DIR:-$root/target}/debug/warden}"

langs=(go python typescript java)
for lang in "${langs[@]}"; do
  echo "== clients/$lang: regenerate"
  "clients/$lang/generate.sh"
done
if [ -d .git ] && [ -n "$(git status --porcelain -- clients)" ]; then
  echo "clients: regenerated code differs from the committed code:" >&2
  git status --porcelain -- clients >&2
  exit 1
fi
for lang in "${langs[@]}"; do
  echo "== clients/$lang: tests"
  "clients/$lang/test.sh"
done
echo "== clients/cross: a Go-issued token accepted by the Python and Rust interceptors" && clients/cross/test.sh
