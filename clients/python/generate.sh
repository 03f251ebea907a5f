#!/usr/bin/env bash
# Regenerates src/warden_client/gen from proto/ with local plugins only:
# protoc and the gRPC generator bundled in the pinned grpcio-tools, and
# mypy-protobuf, all in clients/python/.venv; buf at a pinned version.
# Idempotent: running it twice gives identical files.
set -euo pipefail

BUF_VERSION=1.75.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$here/src/warden_client/gen"

"$here/tools/venv.sh" "$here/requirements-gen.txt"

buf=(buf)
if ! command -v buf >/dev/null || [ "$(buf --version)" != "$BUF_VERSION" ]; then
  if [ ! -x "$here/.tools/node_modules/.bin/buf" ] ||
    [ "$("$here/.tools/node_modules/.bin/buf" --version)" != "$BUF_VERSION" ]; then
    npm install --silent --no-audit --no-fund --prefix "$here/.tools" "@bufbuild/buf@$BUF_VERSION"
  fi
  buf=("$here/.tools/node_modules/.bin/buf")
fi

rm -rf "$out"
cd "$root"
"${buf[@]}" generate --template clients/python/buf.gen.yaml
"$here/.venv/bin/python" "$here/tools/fix_imports.py" "$out"
