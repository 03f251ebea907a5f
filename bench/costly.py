#!/usr/bin/env python3
"""CheckPermission while other callers send checks that cost milliseconds.

Writes the Drive-like data set of `warden-bench check` into Warden's SQLite
(compare.write_dataset), starts `warden serve` on it and adds groups nested
as 13 levels of diamonds with a cycle through them: a check of a stranger's
membership in the top group visits 73,727 nodes, none of which it can
remember (about 4.5 ms in process), and is denied. Then drives the pool's
checks with ghz at a fixed rate (--rate), with no costly check beside them,
and then with a second ghz sending costly ones (--costly-rate a second).
Prints one JSON object a way: the ordinary checks' p50, p99 and slowest, and
the costly checks' own.

Needs `cargo build --release -p warden-server -p warden-bench`, ghz and
grpcurl in ~/go/bin:

    python3 bench/costly.py --relationships 1000000
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from compare import (
    checks_during,
    ghz_latency,
    grpcurl,
    start_warden,
    tear_down,
    write_dataset,
)

WRITE = "warden.authz.v1.AuthzService/WriteRelationships"
LEVELS = 13
# A stranger's membership in the top group: every path, none remembered.
COSTLY = {
    "resource": {"objectType": "group", "objectId": "l0b"},
    "permission": "member",
    "subject": {"object": {"objectType": "user", "objectId": "stranger"}},
}


def diamonds() -> list[dict]:
    """`group:l{k}{a,b}#member` holding both groups of the next level, and
    the bottom's first holding the top's: every path is on a cycle."""

    def member(group: str, of: str) -> dict:
        return {
            "operation": "OPERATION_TOUCH",
            "relationship": {
                "resource": {"objectType": "group", "objectId": group},
                "relation": "member",
                "subject": {
                    "object": {"objectType": "group", "objectId": of},
                    "optionalRelation": "member",
                },
            },
        }

    updates = [
        member(f"l{k}{x}", f"l{k + 1}{y}")
        for k in range(LEVELS)
        for x in "ab"
        for y in "ab"
    ]
    return updates + [member(f"l{LEVELS}a", "l0a")]


def finished(load: subprocess.Popen) -> dict:
    out, err = load.communicate()
    if load.returncode != 0:
        raise RuntimeError(f"ghz: {err.strip()}")
    return ghz_latency(json.loads(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=2_000)
    parser.add_argument("--costly-rate", type=int, default=40)
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-costly-"))
    servers: list[subprocess.Popen] = []
    try:
        write_dataset(work, args.relationships)
        data = work / "export" / "checks.json"
        _, addr, _, token = start_warden(work, servers, admin=True)
        grpcurl(addr, WRITE, {"updates": diamonds()}, token)
        for way in ["none", "costly"]:
            load = checks_during(addr, token, data, args.rate, args.seconds)
            costly = None
            if way == "costly":
                costly = checks_during(
                    addr, token, COSTLY, args.costly_rate, args.seconds, concurrency=4
                )
            result: dict = {"way": way, "checks": finished(load)}
            if costly:
                result["costly"] = finished(costly)
            print(json.dumps(result), flush=True)
        return 0
    finally:
        tear_down(servers, work)


if __name__ == "__main__":
    sys.exit(main())
