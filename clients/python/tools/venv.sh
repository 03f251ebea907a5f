#!/usr/bin/env bash
# Creates clients/python/.venv if missing and installs the pinned requirements
# files given as arguments (a no-op when they are already satisfied).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-python3}"
if [ ! -x "$here/.venv/bin/python" ]; then
  "$python" -m venv "$here/.venv"
fi
args=()
for req in "$@"; do
  args+=(-r "$req")
done
"$here/.venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
