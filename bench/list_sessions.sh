#!/usr/bin/env bash
# ListSessions of one user with N sessions on Redis, for each warden binary
# given, alternating, two rounds (ghz, 3,000 calls, 4 at a time).
#
#   bash scripts/backends.sh            # Redis on :6379
#   N=100 bench/list_sessions.sh /tmp/warden-before target/release/warden
#
# The sessions are created once, through the first binary, and read by all.
set -euo pipefail
export PATH="$PATH:$HOME/go/bin"
N=${N:-100}
[ $# -ge 1 ] || { echo "usage: $0 WARDEN_BINARY..." >&2; exit 2; }
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
# Below the ephemeral port range (32768-60999), so no outgoing connection holds them.
ADDR=127.0.0.1:27051
start() {
  WARDEN_REDIS_URL=redis://127.0.0.1:6379 WARDEN_LISTEN=$ADDR WARDEN_HTTP_LISTEN=127.0.0.1:27052 \
    WARDEN_ARGON2_MEMORY_KIB=256 WARDEN_ARGON2_ITERATIONS=1 \
    "$1" serve --data-dir "$DATA" > "$DATA/log" 2>&1 &
  echo $! > "$DATA/pid"
  for _ in $(seq 100); do grep -q "warden serving" "$DATA/log" && return; sleep 0.1; done
  cat "$DATA/log" >&2; exit 1
}
stop() { kill "$(cat "$DATA/pid")"; wait "$(cat "$DATA/pid")" 2>/dev/null || true; }
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
      python3 -c "
import json, sys
r = json.load(sys.stdin)
at = {x['percentage']: x['latency'] / 1e6 for x in r['latencyDistribution']}
print(json.dumps({'binary': '$binary', 'round': $round, 'sessions': $N, 'rps': round(r['rps']),
                  'p50_ms': round(at[50], 2), 'p99_ms': round(at[99], 2),
                  'codes': r.get('statusCodeDistribution')}))"
    stop
  done
done
