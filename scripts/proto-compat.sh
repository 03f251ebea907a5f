#!/usr/bin/env bash
# buf breaking (FILE category) for the protos: against the previous commit,
# against the commit that first published the API (nothing since then may
# break a client), and a self-test that a deliberately breaking change (a
# field removed) is caught.
set -euo pipefail
cd "$(dirname "$0")/.."

if git rev-parse -q --verify 'HEAD~1' >/dev/null; then
  echo "proto: buf breaking against HEAD~1"
  buf breaking --against '.git#ref=HEAD~1'
fi
first=$(git log --diff-filter=A --format=%H -- proto/warden/auth/v1/auth.proto | tail -1)
if [ -n "$first" ]; then
  echo "proto: buf breaking against the first published API ($first)"
  buf breaking --against ".git#ref=$first"
fi

echo "proto: a breaking change is caught"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r buf.yaml proto "$tmp/"
# Remove RegisterRequest.display_name: a wire- and source-breaking change.
sed -i '/^  string display_name = 3;$/d' "$tmp/proto/warden/auth/v1/auth.proto"
if grep -q 'string display_name = 3;' "$tmp/proto/warden/auth/v1/auth.proto"; then
  echo "self-test could not apply its breaking change" >&2
  exit 1
fi
if out=$(cd "$tmp" && buf breaking --against "$OLDPWD" 2>&1); then
  echo "buf breaking accepted a removed field:" >&2
  echo "$out" >&2
  exit 1
fi
echo "$out" | grep -q 'display_name' || { echo "unexpected buf output: $out" >&2; exit 1; }
echo "proto: ok (the removed field was reported: $(echo "$out" | head -1))"
