# Sourced by the bench scripts that run `warden serve` on the local Redis:
# `start BINARY` starts it on $ADDR with sessions in Redis and cheap argon2id
# (the data in $DATA), `stop` stops it. Needs `bash scripts/backends.sh`.
export PATH="$PATH:$HOME/go/bin"
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
# ghz's JSON report on stdin as one line: binary, round, calls a second, p50, p99, codes.
summary() {
  python3 -c "
import json, sys
r = json.load(sys.stdin)
at = {x['percentage']: x['latency'] / 1e6 for x in r['latencyDistribution']}
print(json.dumps({'binary': '$1', 'round': $2, 'rps': round(r['rps']),
                  'p50_ms': round(at[50], 2), 'p99_ms': round(at[99], 2),
                  'codes': r.get('statusCodeDistribution')}))"
}
