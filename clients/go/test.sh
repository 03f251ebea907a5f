#!/usr/bin/env bash
# Checks the Go client: generated code is current, gofmt and go vet are
# clean, then unit tests, live tests and the quickstart example (against
# private warden servers), all with the race detector.
#
# Needs: Go, npm (for buf when it is not on PATH), a built warden
# ($WARDEN_BIN, default <repo>/target/debug/warden), Redis and RabbitMQ
# ($WARDEN_TEST_REDIS_URL, $WARDEN_TEST_AMQP_URL; scripts/backends.sh starts them).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$here"

echo "== go: dependencies"
go mod download
go mod verify >/dev/null

echo "== go: generated code is current"
"$here/generate.sh"
if [ -d "$root/.git" ]; then
  changes=$(git -C "$root" status --porcelain -- clients/go/gen)
  if [ -n "$changes" ]; then
    echo "clients/go/gen differs from what generate.sh produces:" >&2
    echo "$changes" >&2
    git -C "$root" diff --stat -- clients/go/gen >&2
    exit 1
  fi
fi

echo "== go: gofmt, go vet"
unformatted=$(gofmt -l .)
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:" >&2
  echo "$unformatted" >&2
  exit 1
fi
go vet ./...

echo "== go: unit tests, live tests and the example (race detector, private warden servers)"
go test -count=1 -race ./...
