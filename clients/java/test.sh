#!/usr/bin/env bash
# Checks formatting, then builds and runs the tests (`mvn verify`) against private `warden`
# servers ($WARDEN_BIN, default <repo>/target/debug/warden), the quickstart example included.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

./format.sh --check
mvn -B --no-transfer-progress -Dstyle.color=never verify
