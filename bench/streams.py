#!/usr/bin/env python3
"""CheckPermission while a long LookupResources stream is read.

Writes the Drive-like data set of `warden-bench check` into Warden's SQLite
(compare.write_dataset), starts `warden serve` on it, makes `user:broad` a
viewer of the root folder (so it can view every document), drives
CheckPermission with ghz at a fixed rate (--rate, the pool of `warden-bench
check`) and, after a few seconds, reads LookupResources(document, view,
user:broad) to its end with grpcurl, --streams times one after the other.
Prints one JSON object a way: the lookups' results and time, and the checks'
p50, p99 and slowest while they ran, with the same for a run with no lookup.

Needs `cargo build --release -p warden-server -p warden-bench`, ghz and
grpcurl in ~/go/bin:

    python3 bench/streams.py --relationships 1000000
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import tempfile
import time

from compare import (
    GO_BIN,
    checks_during,
    ghz_latency,
    grpcurl,
    start_warden,
    tear_down,
    write_dataset,
)

WRITE = "warden.authz.v1.AuthzService/WriteRelationships"
LOOKUP = "warden.authz.v1.AuthzService/LookupResources"


def lookup(addr: str, token: str) -> int:
    """Reads every document `user:broad` can view; how many."""
    body = {
        "resourceObjectType": "document",
        "permission": "view",
        "subject": {"object": {"objectType": "user", "objectId": "broad"}},
    }
    out = subprocess.run(
        [
            str(GO_BIN / "grpcurl"),
            "-plaintext",
            "-format-error",
            "-H",
            f"authorization: Bearer {token}",
            "-d",
            json.dumps(body),
            addr,
            LOOKUP,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{LOOKUP}: {out.stderr.strip()}")
    return out.stdout.count('"resourceObjectId"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--rate", type=int, default=2_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--lookup-after", type=float, default=3.0)
    parser.add_argument("--streams", type=int, default=2)
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-streams-"))
    servers: list[subprocess.Popen] = []
    try:
        write_dataset(work, args.relationships)
        data = work / "export" / "checks.json"
        _, addr, _, token = start_warden(work, servers, admin=True)
        broad = {
            "operation": "OPERATION_TOUCH",
            "relationship": {
                "resource": {"objectType": "folder", "objectId": "f0"},
                "relation": "viewer",
                "subject": {"object": {"objectType": "user", "objectId": "broad"}},
            },
        }
        grpcurl(addr, WRITE, {"updates": [broad]}, token)
        for way in ["none", "lookup"]:
            load = checks_during(addr, token, data, args.rate, args.seconds)
            result: dict = {"way": way}
            if way == "lookup":
                time.sleep(args.lookup_after)
                started = time.monotonic()
                found = [lookup(addr, token) for _ in range(args.streams)]
                result["lookups"] = {
                    "results": found,
                    "seconds": round(time.monotonic() - started, 2),
                }
            out, err = load.communicate()
            if load.returncode != 0:
                raise RuntimeError(f"ghz: {err.strip()}")
            result["checks"] = ghz_latency(json.loads(out))
            print(json.dumps(result), flush=True)
        return 0
    finally:
        tear_down(servers, work)


if __name__ == "__main__":
    sys.exit(main())
