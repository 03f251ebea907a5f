#!/usr/bin/env python3
"""CheckPermission while a large DeleteRelationships runs: whole, or in
partial deletes of --limit at a time (optional_limit with
optional_allow_partial_deletions).

Writes the Drive-like data set of `warden-bench check` into Warden's SQLite
(compare.write_dataset), then, once for each way of deleting, starts `warden
serve` on a fresh copy of it, drives CheckPermission with ghz at a fixed rate
(--rate, the pool of `warden-bench check`) and, after a few seconds, deletes
every `document#viewer` relationship. Prints one JSON object a way: how long
the delete took (and each call of it), and the checks' p50, p99 and slowest
while it ran, with the same for a run with no delete as the baseline.

Needs `cargo build --release -p warden-server -p warden-bench`, ghz and
grpcurl in ~/go/bin:

    python3 bench/deletes.py --relationships 1000000 --limit 10000
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from compare import (
    checks_during,
    ghz_latency,
    grpcurl,
    start_warden,
    tear_down,
    write_dataset,
)

DELETE = "warden.authz.v1.AuthzService/DeleteRelationships"
VIEWERS = {"resourceType": "document", "optionalRelation": "viewer"}


def delete(addr: str, token: str, limit: int) -> dict:
    """Deletes every `document#viewer`, in calls of at most `limit` (0: one
    call); how many, how long in all and the longest call."""
    body = {"filter": VIEWERS}
    if limit:
        body |= {"optionalLimit": limit, "optionalAllowPartialDeletions": True}
    deleted, calls, longest = 0, 0, 0.0
    started = time.monotonic()
    while True:
        call = time.monotonic()
        answer = grpcurl(addr, DELETE, body, token)
        longest = max(longest, time.monotonic() - call)
        deleted += int(answer.get("deletedCount", 0))
        calls += 1
        if answer.get("deletionProgress") != "DELETION_PROGRESS_PARTIAL":
            break
    return {
        "deleted": deleted,
        "calls": calls,
        "seconds": round(time.monotonic() - started, 2),
        "longest_call_ms": round(longest * 1000),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--limit", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=2_000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--delete-after", type=float, default=3.0)
    parser.add_argument(
        "--ways",
        default="none,whole,partial",
        help="which of none, whole and partial to run (comma-separated)",
    )
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-deletes-"))
    servers: list[subprocess.Popen] = []
    try:
        write_dataset(work, args.relationships)
        pristine = work / "pristine"
        shutil.copytree(work / "warden", pristine)
        data = work / "export" / "checks.json"
        ways = [("none", None), ("whole", 0), ("partial", args.limit)]
        for way, limit in [w for w in ways if w[0] in args.ways.split(",")]:
            shutil.rmtree(work / "warden")
            shutil.copytree(pristine, work / "warden")
            process, addr, _, token = start_warden(work, servers, admin=True)
            load = checks_during(addr, token, data, args.rate, args.seconds)
            result: dict = {"way": way, "limit": limit}
            if limit is not None:
                time.sleep(args.delete_after)
                result["delete"] = delete(addr, token, limit)
            out, err = load.communicate()
            if load.returncode != 0:
                raise RuntimeError(f"ghz: {err.strip()}")
            result["checks"] = ghz_latency(json.loads(out))
            print(json.dumps(result), flush=True)
            process.terminate()
            process.wait(timeout=20)
            servers.remove(process)
        return 0
    finally:
        tear_down(servers, work)


if __name__ == "__main__":
    sys.exit(main())
