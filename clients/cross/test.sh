#!/usr/bin/env bash
# Cross-language check: a token issued to a Go client (clients/go's warden
# package, via gotoken/) is accepted by a Python service behind
# warden_client.server.WardenInterceptor (clients/python/examples/service.py)
# and by the Rust `articles` example (crate warden-articles, behind
# warden-interceptor), and a tampered copy is refused by both. Everything runs
# against one private warden ($WARDEN_BIN) on Redis and RabbitMQ, on free ports,
# with its own enrichment queue (deleted at the end).
#
# Needs: a built warden (default <repo>/target/debug/warden), Go, the Python
# client's virtualenv (created here if missing), Redis and RabbitMQ
# ($WARDEN_TEST_REDIS_URL, $WARDEN_TEST_AMQP_URL; scripts/backends.sh starts
# them). The articles part is skipped, saying so, only while the
# warden-articles package does not exist in the workspace.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
warden_bin=${WARDEN_BIN:-$root/target/debug/warden}
redis_url=${WARDEN_TEST_REDIS_URL:-redis://127.0.0.1:6379}
amqp_url=${WARDEN_TEST_AMQP_URL:-amqp://guest:guest@127.0.0.1:5672/%2f}
py="$root/clients/python/.venv/bin/python"

say() { echo "== cross: $*"; }

work=$(mktemp -d "${TMPDIR:-/tmp}/warden-cross.XXXXXX")
queue="warden.test.enrichment.cross_$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -x "$py" ]; then
    "$py" - "$amqp_url" "$queue" <<'PY' || echo "cross: could not delete queue $queue" >&2
import asyncio, sys
import aio_pika

async def main(url: str, queue: str) -> None:
    connection = await aio_pika.connect(url, timeout=5)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(queue)

asyncio.run(main(sys.argv[1], sys.argv[2]))
PY
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "cross: FAIL: $*" >&2
  for log in "$work"/*.log; do
    [ -f "$log" ] || continue
    echo "--- last lines of $(basename "$log")" >&2
    tail -n 30 "$log" >&2
  done
  exit 1
}

reachable() { # name url
  local hostport=${2#*://}
  hostport=${hostport#*@}
  hostport=${hostport%%/*}
  if ! (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null; then
    fail "$1 is not reachable at $hostport: start it with scripts/backends.sh, or point the WARDEN_TEST_* variable at one"
  fi
}

# wait_for FILE PATTERN: the first match of a sed -n expression in FILE, within 30 s.
wait_for() {
  local file=$1 expr=$2 pid=$3 value=""
  for _ in $(seq 300); do
    value=$(sed -n "$expr" "$file" 2>/dev/null | head -n 1)
    [ -n "$value" ] && { echo "$value"; return 0; }
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# serving ADDRESS: polls the gRPC health check (open on every service here).
serving() {
  for _ in $(seq 150); do
    [ "$("$py" "$here/call.py" "$1" health 2>/dev/null)" = serving ] && return 0
    sleep 0.2
  done
  return 1
}

# expect ADDRESS CALL TOKEN WANT: runs call.py and compares its line.
expect() {
  local got
  got=$(CROSS_TOKEN=$3 "$py" "$here/call.py" "$1" "$2" 2>&1) || true
  if [ "$got" != "$4" ]; then
    fail "$2 at $1: got '$got', want '$4'"
  fi
  echo "   $2 -> $got"
}

[ -x "$warden_bin" ] || fail "no warden binary at $warden_bin: cargo build -p warden-server --bin warden, or set WARDEN_BIN"
reachable Redis "$redis_url"
reachable RabbitMQ "$amqp_url"
if [ ! -x "$py" ]; then
  say "creating the Python client's virtualenv"
  (cd "$root/clients/python" && tools/venv.sh requirements-dev.txt &&
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .)
fi

say "starting a private warden (Redis sessions, RabbitMQ events)"
"$warden_bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 --http-listen 127.0.0.1:0 \
  --log-format json --argon2-memory-kib 256 --argon2-iterations 1 --hash-threads 1 \
  --redis-url "$redis_url" --amqp-url "$amqp_url" --enrichment-queue "$queue" \
  >"$work/warden.log" 2>&1 &
warden_pid=$!
pids+=("$warden_pid")
warden_addr=$(wait_for "$work/warden.log" \
  '/"warden serving"/s/.*"grpc_addr":"\([^"]*\)".*/\1/p' "$warden_pid") ||
  fail "warden did not report its address"
serving "$warden_addr" || fail "warden at $warden_addr is not SERVING"

say "a Go client logs in (clients/go warden.Dial with a password)"
(cd "$here/gotoken" && go build -o "$work/gotoken" .) || fail "cannot build gotoken"
"$work/gotoken" -addr "$warden_addr" -email "cross-$(date +%s%N)@example.com" >"$work/gotoken.out" ||
  fail "the Go client could not log in"
user_id=$(sed -n 's/^user_id=//p' "$work/gotoken.out")
token=$(sed -n 's/^access_token=//p' "$work/gotoken.out")
rm -f "$work/gotoken.out"
[ -n "$user_id" ] && [ -n "$token" ] || fail "gotoken printed no user id or token"
# Another character at the start of the signature: a forged token.
signature=${token##*.}
first=A
[ "${signature:0:1}" = A ] && first=B
forged="${token%.*}.${first}${signature:1}"

say "the Python service (WardenInterceptor, sessions from Redis, cache on warden.events)"
python_port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$root/clients/python" && exec "$py" examples/service.py --listen "127.0.0.1:$python_port" \
  --warden-url "$warden_addr" --redis-url "$redis_url" --amqp-url "$amqp_url") \
  >"$work/python-service.log" 2>&1 &
pids+=("$!")
serving "127.0.0.1:$python_port" || fail "the Python service did not start"
expect "127.0.0.1:$python_port" whoami "$token" "accepted user_id=$user_id"
expect "127.0.0.1:$python_port" whoami "$forged" "refused UNAUTHENTICATED INVALID_SIGNATURE"

say "the Rust articles example (warden-interceptor)"
if ! (cd "$root" && cargo metadata --no-deps --format-version 1 2>/dev/null) |
  grep -q '"name":"warden-articles"'; then
  echo "   SKIPPED: the package warden-articles (interceptors/articles) is not in the workspace yet"
else
  (cd "$root" && cargo build --quiet -p warden-articles --bin articles) ||
    fail "cargo build -p warden-articles failed"
  target_dir=${CARGO_TARGET_DIR:-$root/target}
  "$target_dir/debug/articles" --listen 127.0.0.1:0 --warden-url "http://$warden_addr" \
    --redis-url "$redis_url" --amqp-url "$amqp_url" >"$work/articles.log" 2>&1 &
  articles_pid=$!
  pids+=("$articles_pid")
  articles_addr=$(wait_for "$work/articles.log" 's/^articles listening on \(.*\)$/\1/p' "$articles_pid") ||
    fail "articles did not report its address"
  serving "$articles_addr" || fail "articles at $articles_addr is not SERVING"
  expect "$articles_addr" articles "$token" "accepted articles=0"
  expect "$articles_addr" articles "$forged" "refused UNAUTHENTICATED INVALID_SIGNATURE"
fi

say "ok: a token issued to the Go client is accepted across languages"
