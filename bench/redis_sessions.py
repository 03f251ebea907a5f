#!/usr/bin/env python3
"""CheckPermission and GetCurrentSession at their maximum rate (ghz, 16
workers, 4 connections, 8 s), with sessions in memory and in Redis, for one
or more `warden` binaries, alternating, on the 100,000-relationship data set.

The ratio of a binary's Redis rate to its in-memory rate, in the same round,
is the cost of reading sessions from Redis. Needs Redis on 127.0.0.1:6379
(it is flushed before each server starts: use a private one), ghz and
grpcurl in ~/go/bin, and `cargo build --release -p warden-bench`:

    python3 bench/redis_sessions.py before=/path/to/warden,after=target/release/warden 2
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time
import uuid

from compare import WARDEN_CHECK, free_port, ghz, grpcurl, wait_healthy, write_dataset

REDIS = "redis://127.0.0.1:6379"
PASSWORD = "correct horse battery staple"


def serve(binary: str, work: pathlib.Path, redis: bool) -> tuple[subprocess.Popen, str]:
    """`binary serve` on the data set, sessions in Redis or in memory."""
    addr = f"127.0.0.1:{free_port()}"
    log = (work / f"warden-{uuid.uuid4().hex[:8]}.log").open("w")
    process = subprocess.Popen(
        [
            binary,
            "serve",
            "--data-dir",
            str(work / "warden"),
            "--listen",
            addr,
            "--http-listen",
            f"127.0.0.1:{free_port()}",
            *(["--redis-url", REDIS] if redis else []),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    wait_healthy(addr, "warden", process, 600)
    return process, addr


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binaries", help="name=path,name=path")
    parser.add_argument("rounds", type=int, nargs="?", default=2)
    cli = parser.parse_args()
    args = argparse.Namespace(seconds=8, concurrency=16, connections=4)
    binaries = dict(b.split("=", 1) for b in cli.binaries.split(","))
    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-redis-sessions-"))
    write_dataset(work, 100_000)
    pool = work / "export" / "checks.json"
    empty = work / "empty.json"
    empty.write_text("{}")
    for round_ in range(cli.rounds):
        for name, binary in binaries.items():
            for redis in [False, True]:
                subprocess.run(["redis-cli", "flushall"], stdout=subprocess.DEVNULL, check=True)
                process, addr = serve(binary, work, redis)
                try:
                    account = {"email": f"b-{uuid.uuid4().hex}@example.com", "password": PASSWORD}
                    grpcurl(addr, "warden.auth.v1.AuthService/Register", account)
                    login = grpcurl(addr, "warden.auth.v1.AuthService/Login", account)
                    token = login["tokens"]["accessToken"]
                    time.sleep(1)  # enriched
                    check = ghz(addr, WARDEN_CHECK, token, pool, args)
                    whoami = ghz(
                        addr,
                        "warden.session.v1.SessionService/GetCurrentSession",
                        token,
                        empty,
                        args,
                    )
                    print(
                        json.dumps(
                            {
                                "round": round_ + 1,
                                "build": name,
                                "sessions": "redis" if redis else "memory",
                                "check_rps": check["rps"],
                                "check_p50_us": check["p50_us"],
                                "whoami_rps": whoami["rps"],
                            }
                        ),
                        flush=True,
                    )
                finally:
                    process.terminate()
                    process.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
