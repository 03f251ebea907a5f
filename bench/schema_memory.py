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
import sys
import time

from live import admin_warden
from warden_client.gen.warden.authz.v1 import authz_pb2, authz_pb2_grpc

SMALL = "definition user {}"
ROUNDS = 3


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
    options = [("grpc.max_send_message_length", 64 << 20)]
    with admin_warden(args.warden, options=options) as (server, channel, metadata):
        authz = authz_pb2_grpc.AuthzServiceStub(channel)

        def write(schema: str) -> None:
            request = authz_pb2.WriteSchemaRequest(schema=schema)
            authz.WriteSchema(request, metadata=metadata)

        write(SMALL)
        report = {
            "definitions": args.definitions,
            "schema_bytes": len(large.encode()),
            "start": memory_mib(server.pid),
            "rounds": [],
        }
        for _ in range(ROUNDS):
            started = time.monotonic()
            write(large)
            elapsed = time.monotonic() - started
            after_large = memory_mib(server.pid)
            write(SMALL)
            report["rounds"].append(
                {
                    "large_write_seconds": round(elapsed, 2),
                    "after_large": after_large,
                    "after_small": memory_mib(server.pid),
                }
            )
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
