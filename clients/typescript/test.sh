#!/usr/bin/env bash
# Installs the pinned dependencies, checks types and formatting, builds the package, then runs
# the tests against private `warden` servers ($WARDEN_BIN, default <repo>/target/debug/warden),
# the quickstart example included.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

npm ci --no-audit --no-fund # also builds dist/ (the prepare script)
npm run --silent typecheck
npm run --silent format:check
npm test
