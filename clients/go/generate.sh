#!/usr/bin/env bash
# Regenerates clients/go/gen from proto/ with pinned, locally installed plugins.
# Idempotent: running it twice gives identical files (CI diffs them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

PROTOC_GEN_GO_VERSION=v1.36.12
PROTOC_GEN_GO_GRPC_VERSION=v1.6.2
BUF_VERSION=1.75.0

tools="$here/.tools"
mkdir -p "$tools/bin"

# Each plugin is installed once per pinned version (the stamp records it).
install_go_tool() {
  local name=$1 pkg=$2 version=$3
  local stamp="$tools/$name.version"
  if [ -x "$tools/bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
    return
  fi
  echo "generate: installing $name $version"
  GOBIN="$tools/bin" GOFLAGS=-mod=mod go install "$pkg@$version"
  echo "$version" >"$stamp"
}
install_go_tool protoc-gen-go google.golang.org/protobuf/cmd/protoc-gen-go "$PROTOC_GEN_GO_VERSION"
install_go_tool protoc-gen-go-grpc google.golang.org/grpc/cmd/protoc-gen-go-grpc "$PROTOC_GEN_GO_GRPC_VERSION"

# buf: the one on PATH when it is the pinned version, else a private npm install.
buf=buf
if ! command -v buf >/dev/null || [ "$(buf --version 2>/dev/null)" != "$BUF_VERSION" ]; then
  if [ ! -x "$tools/npm/node_modules/.bin/buf" ] ||
    [ "$("$tools/npm/node_modules/.bin/buf" --version)" != "$BUF_VERSION" ]; then
    echo "generate: installing buf $BUF_VERSION"
    npm install --silent --no-save --prefix "$tools/npm" "@bufbuild/buf@$BUF_VERSION" >/dev/null
  fi
  buf="$tools/npm/node_modules/.bin/buf"
fi

cd "$root"
"$buf" generate --template clients/go/buf.gen.yaml
