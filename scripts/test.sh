#!/usr/bin/env bash
# The whole test suite on a fresh machine: starts the real backends (installing
# them if needed), makes sure grpcurl is there, then runs every Rust test and
# the client packages' generation checks and tests.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/backends.sh
export PATH="$PATH:$HOME/go/bin"
if ! command -v grpcurl >/dev/null; then
  echo "test: installing grpcurl"
  go install github.com/fullstorydev/grpcurl/cmd/grpcurl@latest
fi
cargo test --workspace
scripts/clients.sh
