#!/usr/bin/env bash
# ListSessions of one user with N sessions on Redis, for each warden binary
# given, alternating, two rounds (ghz, 3,000 calls, 4 at a time).
#
#   bash scripts/backends.sh            # Redis on :6379
#   N=100 bench/list_sessions.sh /tmp/warden-before target/release/warden
#
# The sessions are created once, through the first binary, and read by all.
set -euo pipefail
N=${N:-100}
[ $# -ge 1 ] || { echo "usage: $0 WARDEN_BINARY..." >&2; exit 2; }
. "$(dirname "$0")/warden_on_redis.sh"
credentials="{\"email\":\"list-$RANDOM@example.com\",\"password\":\"correct horse battery staple\"}"
start "$1"
grpcurl -plaintext -d "$credentials" $ADDR warden.auth.v1.AuthService/Register >/dev/null
for _ in $(seq "$N"); do
  TOKEN=$(grpcurl -plaintext -d "$credentials" $ADDR warden.auth.v1.AuthService/Login |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["accessToken"])')
done
stop
for round in 1 2; do
  for binary in "$@"; do
    start "$binary"
    ghz --insecure -n 3000 -c 4 --call warden.session.v1.SessionService/ListSessions \
      -m "{\"authorization\":\"Bearer $TOKEN\"}" -d '{}' $ADDR -O json 2>/dev/null |
      summary "$binary" $round
    stop
  done
done
