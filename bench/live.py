"""A `warden serve` of its own for a benchmark script, with an administrator
logged in: shared by the scripts that drive Warden through the Python client
(`writes.py`, `schema_memory.py`). Needs the Python client's environment
(clients/python/.venv, see its README)."""

from __future__ import annotations

import contextlib
import pathlib
import socket
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "clients" / "python" / "src"))

import grpc
from warden_client.gen.warden.auth.v1 import auth_pb2, auth_pb2_grpc

PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def admin_warden(
    binary: str,
    database_url: str | None = None,
    options: list[tuple[str, int]] | None = None,
) -> Iterator[tuple[subprocess.Popen, grpc.Channel, list[tuple[str, str]]]]:
    """Starts `binary serve` on a temporary data dir (and PostgreSQL at
    `database_url`, an empty database, if given) with a bootstrap
    administrator, registers and logs it in, and yields the process, a
    channel to it (with gRPC `options`) and the administrator's call
    metadata. The server is stopped on the way out."""
    email = f"bench-{uuid.uuid4().hex}@example.com"
    addr = f"127.0.0.1:{free_port()}"
    with tempfile.TemporaryDirectory() as data_dir:
        cmd = [
            binary,
            "serve",
            "--data-dir",
            data_dir,
            "--listen",
            addr,
            "--http-listen",
            f"127.0.0.1:{free_port()}",
            "--bootstrap-admin-email",
            email,
        ]
        if database_url:
            cmd += ["--database-url", database_url]
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        try:
            channel = grpc.insecure_channel(addr, options=options or [])
            grpc.channel_ready_future(channel).result(timeout=60)
            auth = auth_pb2_grpc.AuthServiceStub(channel)
            auth.Register(auth_pb2.RegisterRequest(email=email, password=PASSWORD))
            login = auth.Login(auth_pb2.LoginRequest(email=email, password=PASSWORD))
            metadata = [("authorization", f"Bearer {login.tokens.access_token}")]
            yield server, channel, metadata
        finally:
            server.terminate()
            server.wait(timeout=20)
