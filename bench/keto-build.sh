#!/usr/bin/env bash
# Builds Ory Keto v0.14.0 from the Go module proxy into ~/go/bin/keto, for
# bench/keto.py.
#
# `go install github.com/ory/keto@v0.14.0` refuses: Keto's go.mod replaces
# its proto module with the directory ./proto, which is a module of its own
# and so not in Keto's module zip. This builds a copy of the module instead,
# with the published proto module (v0.13.0-alpha.0, the only version the
# proxy serves). That one predates Keto's gRPC BatchCheck, so the copy drops
# that one method (internal/check/handler.go, `Handler.BatchCheck`); Check,
# the REST batch check and everything else are Keto's own. The copy is made
# in a temporary directory and removed; nothing of Keto's is kept here. It is
# built with SQLite, as Keto's own Dockerfile builds it (`-tags sqlite`).
#
#     bash bench/keto-build.sh
set -euo pipefail

version=v0.14.0
proto=v0.13.0-alpha.0
out="${GOBIN:-$HOME/go/bin}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dir=$(go mod download -json "github.com/ory/keto@$version" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
cp -r "$dir" "$work/keto"
chmod -R u+w "$work/keto"
cd "$work/keto"

go mod edit -dropreplace github.com/ory/keto/proto
GOFLAGS=-mod=mod go get "github.com/ory/keto/proto@$proto"

python3 - <<'EOF'
import pathlib

path = pathlib.Path("internal/check/handler.go")
source = path.read_text()
start = source.index("// BatchCheck is the gRPC entry point")
end = source.index("\n}\n", start) + len("\n}\n")
source = source[:start] + source[end:]
# Only that method used these two.
for unused in ['\t"google.golang.org/grpc/codes"\n', '\t"google.golang.org/grpc/status"\n']:
    assert source.count(unused) == 1 and unused.strip().strip('"').split("/")[-1] + "." not in source
    source = source.replace(unused, "")
path.write_text(source)
EOF

mkdir -p "$out"
GOFLAGS=-mod=mod go build -tags sqlite \
    -ldflags "-X github.com/ory/keto/internal/driver/config.Version=$version" \
    -o "$out/keto" .
"$out/keto" version
