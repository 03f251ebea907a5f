#!/usr/bin/env bash
# Regenerates src/gen (messages, types and @grpc/grpc-js stubs) from proto/ with ts-proto.
# buf and ts-proto come from package-lock.json (npm ci), so the output is the same everywhere.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

cd "$here"
if [[ ! -x node_modules/.bin/buf || ! -x node_modules/.bin/protoc-gen-ts_proto ]] ||
  ! npm ls --silent @bufbuild/buf ts-proto >/dev/null 2>&1; then
  npm ci --ignore-scripts --no-audit --no-fund
fi

rm -rf src/gen
cd "$root"
"$here/node_modules/.bin/buf" generate --template clients/typescript/buf.gen.yaml
