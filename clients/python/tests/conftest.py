"""Test harness: a private `warden` per test run (binary from $WARDEN_BIN), on
real Redis and RabbitMQ ($WARDEN_TEST_REDIS_URL, $WARDEN_TEST_AMQP_URL)."""

from __future__ import annotations

import json
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import urllib.parse
import uuid
from collections.abc import Iterator

import grpc
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from grpc_health.v1 import health_pb2, health_pb2_grpc

REPO = pathlib.Path(__file__).resolve().parents[3]
WARDEN_BIN = os.environ.get("WARDEN_BIN", str(REPO / "target" / "debug" / "warden"))
REDIS_URL = os.environ.get("WARDEN_TEST_REDIS_URL", "redis://127.0.0.1:6379")
AMQP_URL = os.environ.get("WARDEN_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2f")
#: Shortest lifetime warden accepts; the refresh tests span several of them.
ACCESS_TOKEN_TTL = 10
PASSWORD = "correct horse battery staple"
ADMIN_EMAIL = "admin@example.com"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require_backend(url: str, what: str, env: str) -> None:
    parsed = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port), timeout=2).close()
    except OSError as error:
        pytest.fail(
            f"{what} is not reachable at {parsed.hostname}:{parsed.port} ({error}). "
            f"Start it with `scripts/backends.sh` from the repository root, "
            f"or point ${env} at a running one.",
            pytrace=False,
        )


def unique_email() -> str:
    return f"py-{uuid.uuid4().hex[:12]}@example.com"


class LiveWarden:
    """A `warden serve` on free ports, with its own data directory."""

    def __init__(self, workdir: pathlib.Path) -> None:
        self.data_dir = workdir / "data"
        self.grpc_port = free_port()
        self.http_port = free_port()
        self.log_path = workdir / "warden.log"
        self.redis_url = REDIS_URL
        self.amqp_url = AMQP_URL
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def target(self) -> str:
        return f"127.0.0.1:{self.grpc_port}"

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}/.well-known/jwks.json"

    def start(self) -> None:
        if not os.access(WARDEN_BIN, os.X_OK):
            pytest.fail(
                f"no warden binary at {WARDEN_BIN}: build it with "
                "`cargo build -p warden-server --bin warden` or set $WARDEN_BIN",
                pytrace=False,
            )
        command = [
            WARDEN_BIN,
            "serve",
            f"--data-dir={self.data_dir}",
            f"--listen={self.target}",
            f"--http-listen=127.0.0.1:{self.http_port}",
            "--argon2-memory-kib=256",
            "--argon2-iterations=1",
            "--hash-threads=1",
            f"--access-token-ttl={ACCESS_TOKEN_TTL}s",
            # No clock-skew tolerance: a token used after its expiry is refused,
            # so the refresh tests see any late refresh.
            "--token-leeway=0s",
            f"--bootstrap-admin-email={ADMIN_EMAIL}",
            f"--redis-url={self.redis_url}",
            f"--amqp-url={self.amqp_url}",
        ]
        log = self.log_path.open("wb")
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        self._wait_serving()

    def _wait_serving(self) -> None:
        deadline = time.monotonic() + 60
        with grpc.insecure_channel(self.target) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while time.monotonic() < deadline:
                assert self._process is not None
                if self._process.poll() is not None:
                    pytest.fail(f"warden exited:\n{self.log_path.read_text()}", pytrace=False)
                try:
                    response = health.Check(health_pb2.HealthCheckRequest(), timeout=1)
                    if response.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.RpcError:
                    pass
                time.sleep(0.1)
        pytest.fail(f"warden did not become SERVING:\n{self.log_path.read_text()}", pytrace=False)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def sign_with_server_key(self, claims: dict[str, object], **header: object) -> str:
        """A token signed with warden's own (EdDSA) signing key."""
        keys = self.data_dir / "keys"
        kid = json.loads((keys / "keyset.json").read_text())["keys"][0]["kid"]
        pem = (keys / f"{kid}.pem").read_bytes()
        private = serialization.load_pem_private_key(pem, password=None)
        assert isinstance(private, ed25519.Ed25519PrivateKey), "warden's default key is EdDSA"
        headers = {"kid": kid, "typ": "at+jwt", **header}
        headers = {k: v for k, v in headers.items() if v is not None}
        return jwt.encode(claims, private, algorithm="EdDSA", headers=headers)


@pytest.fixture(scope="session")
def warden() -> Iterator[LiveWarden]:
    require_backend(REDIS_URL, "Redis", "WARDEN_TEST_REDIS_URL")
    require_backend(AMQP_URL, "RabbitMQ", "WARDEN_TEST_AMQP_URL")
    with tempfile.TemporaryDirectory(prefix="warden-py-") as tmp:
        server = LiveWarden(pathlib.Path(tmp))
        server.start()
        try:
            yield server
        finally:
            server.stop()
