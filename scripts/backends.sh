#!/usr/bin/env bash
# Installs (Debian packages) and starts the real backends the test suite uses:
# Redis on 6379, RabbitMQ on 5672 and PostgreSQL 15 on 5432 with a `warden`
# role (password `warden`) that may create databases. Idempotent.
set -euo pipefail

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v rabbitmq-server >/dev/null || need+=(rabbitmq-server)
command -v pg_ctlcluster >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "backends: installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! redis-cli -p 6379 ping >/dev/null 2>&1; then
  redis-server --daemonize yes --port 6379 --save '' --appendonly no >/dev/null
fi

if ! rabbitmqctl -q status >/dev/null 2>&1; then
  rabbitmq-server -detached >/dev/null 2>&1 || true
fi

pg_version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_ctlcluster "$pg_version" main status >/dev/null 2>&1; then
  # After an unclean stop, crash recovery can outlast pg_ctl's 60 s wait;
  # the readiness loop below waits for it.
  pg_ctlcluster "$pg_version" main start ||
    echo "backends: PostgreSQL is still starting (recovery?); waiting for it"
fi

for _ in $(seq 1 60); do
  rabbitmqctl -q await_startup >/dev/null 2>&1 && break
  sleep 1
done
rabbitmqctl -q await_startup

for _ in $(seq 1 30); do
  redis-cli -p 6379 ping >/dev/null 2>&1 && break
  sleep 0.5
done
for _ in $(seq 1 300); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
if ! su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1; then
  echo "backends: PostgreSQL did not become ready in 5 minutes; see /var/log/postgresql/" >&2
  exit 1
fi
su postgres -c "psql -qAt" <<'SQL' >/dev/null
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warden') THEN
    CREATE ROLE warden LOGIN PASSWORD 'warden' CREATEDB;
  END IF;
END $$;
SQL
echo "backends: redis :6379, rabbitmq :5672, postgresql :5432 ready"
