#!/usr/bin/env python3
"""The latency floor of this machine under Warden's p99: the same fixed-rate
load on a server that does nothing, and on Warden.

Writes the Drive-like data set of `warden-bench check` into Warden's SQLite
(compare.write_dataset) and starts `warden serve` on it, and beside it
`warden-bench bare-server`: tonic's defaults serving the echo service and
gRPC health, with no layer, no token and nothing of Warden. ghz (a process of
its own, in another language) measures CheckPermission's maximum rate, then
drives, at each rate of --rates and at half that maximum, round after round:

- `bare_echo`: the bare server's Echo, the cheapest unary call tonic serves;
- `warden_health`: Warden's gRPC health, through Warden's stack, no token;
- `warden_check`: CheckPermission with the pool's checks, with a token.

Prints one JSON object a round (p50, p99 and slowest, in µs) and a summary:
each target's worst p99 at each rate. Where the bare server misses a p99,
the machine and the load generator set it, not the server's work.

With --idle-poll it keeps /dev/cpu_dma_latency at 0 while it runs (root
only): idle cores poll instead of halting, as tuned's latency-performance
profile sets them. On a virtual machine a halted core costs an exit to the
hypervisor on every wake-up. The JSON says which way a run was made, and the
guest's halt-poll setting where the kernel shows it.

Needs `cargo build --release -p warden-server -p warden-bench`, ghz and
grpcurl in ~/go/bin:

    python3 bench/floor.py --relationships 1000000 [--idle-poll]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import NamedTuple

from compare import (
    ROOT,
    TARGET,
    WARDEN_CHECK,
    checks_during,
    free_port,
    ghz,
    ghz_latency,
    start_warden,
    tear_down,
    write_dataset,
)

ECHO_PROTO = ROOT / "bench" / "proto" / "echo.proto"
HALT_POLL = pathlib.Path("/sys/module/haltpoll/parameters/guest_halt_poll_ns")


class Load(NamedTuple):
    """One target: its name, address, method, requests and proto file."""

    name: str
    addr: str
    method: str
    data: pathlib.Path | dict
    proto: pathlib.Path | None = None


@contextlib.contextmanager
def idle_poll(on: bool) -> Iterator[None]:
    """Holds the CPU latency request at 0 while open (PM QoS: the request
    lasts as long as the file stays open)."""
    if not on:
        yield
        return
    fd = os.open("/dev/cpu_dma_latency", os.O_WRONLY)
    try:
        os.write(fd, struct.pack("i", 0))
        yield
    finally:
        os.close(fd)


def listening(addr: str, process: subprocess.Popen) -> None:
    """Until `addr` takes connections (the bare server has no reflection
    for grpcurl's health check)."""
    host, port = addr.rsplit(":", 1)
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(f"bare server exited with {process.returncode}")
        try:
            socket.create_connection((host, int(port)), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"bare server not listening on {addr}")


def at_rate(load: Load, token: str, rate: int, args: argparse.Namespace) -> dict:
    """ghz on `load` at `rate` a second: its rate, p50, p99 and slowest."""
    run = checks_during(
        load.addr,
        token,
        load.data,
        rate,
        args.seconds,
        args.concurrency,
        method=load.method,
        proto=load.proto,
        connections=args.connections,
    )
    out, err = run.communicate()
    if run.returncode != 0:
        raise RuntimeError(f"ghz {load.name}: {err.strip()}")
    report = json.loads(out)
    return {"rps": round(report["rps"]), **ghz_latency(report)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--rates",
        default="1000,2000,4000,8000",
        help="calls a second, comma-separated; half the check's maximum is added",
    )
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--idle-poll", action="store_true")
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-floor-"))
    servers: list[subprocess.Popen] = []
    try:
        write_dataset(work, args.relationships)
        pool = work / "export" / "checks.json"
        _, addr, _, token = start_warden(work, servers)
        bare = f"127.0.0.1:{free_port()}"
        servers.append(
            subprocess.Popen(
                [str(TARGET / "warden-bench"), "bare-server", "--listen", bare]
            )
        )
        listening(bare, servers[-1])
        loads = [
            Load(
                "bare_echo",
                bare,
                "warden.bench.v1.EchoService/Echo",
                {"payload": "d2FyZGVu"},
                ECHO_PROTO,
            ),
            Load("warden_health", addr, "grpc.health.v1.Health/Check", {}),
            Load("warden_check", addr, WARDEN_CHECK, pool),
        ]
        worst: dict[str, dict[int, int]] = {}
        with idle_poll(args.idle_poll):
            most = ghz(addr, WARDEN_CHECK, token, pool, args)["rps"]
            print(json.dumps({"warden_check_max_rps": most}), flush=True)
            rates = sorted({int(r) for r in args.rates.split(",")} | {most // 2})
            for rate in rates:
                for round_ in range(args.rounds):
                    for load in loads:
                        result = at_rate(load, token, rate, args)
                        print(
                            json.dumps(
                                {
                                    "target": load.name,
                                    "rate": rate,
                                    "round": round_ + 1,
                                    **result,
                                }
                            ),
                            flush=True,
                        )
                        at = worst.setdefault(load.name, {})
                        at[rate] = max(at.get(rate, 0), result["p99_us"])
        print(
            json.dumps(
                {
                    "summary": "worst p99_us of the rounds at each rate",
                    "half_check_max_rps": most // 2,
                    "idle_poll": args.idle_poll,
                    "guest_halt_poll_ns": HALT_POLL.read_text().strip()
                    if HALT_POLL.exists()
                    else None,
                    **worst,
                }
            )
        )
        return 0
    finally:
        tear_down(servers, work)


if __name__ == "__main__":
    sys.exit(main())
