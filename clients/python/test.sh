#!/usr/bin/env bash
# Installs the pinned dependencies into clients/python/.venv, checks formatting
# and lint, then runs the unit tests, the live tests against a private warden
# ($WARDEN_BIN, default <repo>/target/debug/warden) on Redis and RabbitMQ
# ($WARDEN_TEST_REDIS_URL, $WARDEN_TEST_AMQP_URL), and the examples.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

tools/venv.sh requirements-dev.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .

.venv/bin/ruff format --check src tests examples tools
.venv/bin/ruff check src tests examples tools
.venv/bin/python -m pytest "$@"
