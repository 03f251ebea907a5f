#!/usr/bin/env bash
# Login of one user with sessions on Redis, for each warden binary given,
# alternating, two rounds (ghz, 2,000 calls, one at a time). argon2id is
# cheap here (256 KiB, one pass), so the session's writes to Redis show.
#
#   bash scripts/backends.sh            # Redis on :6379
#   bench/login_redis.sh /tmp/warden-before target/release/warden
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 WARDEN_BINARY..." >&2; exit 2; }
. "$(dirname "$0")/warden_on_redis.sh"
credentials="{\"email\":\"login-$RANDOM@example.com\",\"password\":\"correct horse battery staple\"}"
start "$1"
grpcurl -plaintext -d "$credentials" $ADDR warden.auth.v1.AuthService/Register >/dev/null
stop
for round in 1 2; do
  for binary in "$@"; do
    start "$binary"
    ghz --insecure -n 2000 -c 1 --call warden.auth.v1.AuthService/Login \
      -d "$credentials" $ADDR -O json 2>/dev/null |
      summary "$binary" $round
    stop
  done
done
