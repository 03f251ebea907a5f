#!/usr/bin/env python3
"""The resident size of `warden serve` around writes of a large schema.

Starts the given warden binary (SQLite in a temporary directory), then three
times writes a schema of many small definitions (60,000 by default, 3.4 MB:
`definition tN { relation r: user  permission p = r }`) and then a one-line
schema, reading the server's `VmRSS` and `VmHWM` (its peak) after each write,
and prints them as JSON with each large write's time. Run it for two builds
in turns to compare them.

Needs the Python client's environment (clients/python/.venv, see its README):

    clients/python/.venv/bin/python bench/schema_memory.py target/release/warden
"""

from __future__ import annotations

import argparse
import json
import pathlib
import socket
import subprocess
import sys
import tempfile
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "clients" / "python" / "src"))

import grpc
from warden_client.gen.warden.auth.v1 import auth_pb2, auth_pb2_grpc
from warden_client.gen.warden.authz.v1 import authz_pb2, authz_pb2_grpc

PASSWORD = "correct horse battery staple"
SMALL = "definition user {}"
ROUNDS = 3


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def memory_mib(pid: int) -> dict:
    """VmRSS and VmHWM of `pid`, in MiB."""
    found = {}
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = round(int(value.split()[0]) / 1024, 1)
    return {"rss_mib": found["VmRSS"], "peak_mib": found["VmHWM"]}


def large_schema(definitions: int) -> str:
    parts = [SMALL]
    for n in range(definitions):
        parts.append(f"definition t{n} {{ relation r: user\n permission p = r }}")
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("warden", help="the warden binary")
    parser.add_argument("--definitions", type=int, default=60_000)
    args = parser.parse_args()

    large = large_schema(args.definitions)
    email = f"bench-{uuid.uuid4().hex}@example.com"
    addr = f"127.0.0.1:{free_port()}"
    with tempfile.TemporaryDirectory() as data_dir:
        cmd = [
            args.warden,
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
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        try:
            channel = grpc.insecure_channel(
                addr, options=[("grpc.max_send_message_length", 64 << 20)]
            )
            grpc.channel_ready_future(channel).result(timeout=60)
            auth = auth_pb2_grpc.AuthServiceStub(channel)
            auth.Register(auth_pb2.RegisterRequest(email=email, password=PASSWORD))
            login = auth.Login(auth_pb2.LoginRequest(email=email, password=PASSWORD))
            metadata = [("authorization", f"Bearer {login.tokens.access_token}")]
            authz = authz_pb2_grpc.AuthzServiceStub(channel)
            authz.WriteSchema(
                authz_pb2.WriteSchemaRequest(schema=SMALL), metadata=metadata
            )
            report = {
                "definitions": args.definitions,
                "schema_bytes": len(large.encode()),
                "start": memory_mib(server.pid),
                "rounds": [],
            }
            for _ in range(ROUNDS):
                started = time.monotonic()
                authz.WriteSchema(
                    authz_pb2.WriteSchemaRequest(schema=large), metadata=metadata
                )
                elapsed = time.monotonic() - started
                after_large = memory_mib(server.pid)
                authz.WriteSchema(
                    authz_pb2.WriteSchemaRequest(schema=SMALL), metadata=metadata
                )
                report["rounds"].append(
                    {
                        "large_write_seconds": round(elapsed, 2),
                        "after_large": after_large,
                        "after_small": memory_mib(server.pid),
                    }
                )
            print(json.dumps(report))
            return 0
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    sys.exit(main())
