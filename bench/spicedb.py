#!/usr/bin/env python3
"""Warden's CheckPermission against SpiceDB's, on the same data, the same
machine and the same load tool.

Both servers hold the Drive-like data set of `warden-bench check` (same size,
same seed): Warden loads it from SQLite at start, SpiceDB (in-memory
datastore) from a bootstrap file. First both answer the first checks of the
pool (1,000 by default; CheckBulkPermissions, 100 at a time) and the answers
must agree. Then ghz drives CheckPermission with the pool (owners of their
document and random pairs, one after the other) against each, in turns, and
the script prints one JSON object per run and a summary, with each server's
resident size.

SpiceDB runs twice: as it comes (its dispatch cache on, which answers a
repeated check from memory) and with that cache off (every check evaluated,
as Warden evaluates every check).

Needs: `cargo build --release -p warden-server -p warden-bench`, and in
~/go/bin: spicedb (go install github.com/authzed/spicedb/cmd/spicedb@v1.56.2),
ghz (go install github.com/bojand/ghz/cmd/ghz@latest) and grpcurl.

    python3 bench/spicedb.py --relationships 1000000 --seconds 10
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
    WARDEN_CHECK,
    Target,
    add_arguments,
    agree,
    free_port,
    fresh_database,
    grpcurl,
    rounds,
    rss_mib,
    start_warden,
    tear_down,
    wait_healthy,
    warden_answers,
    write_dataset,
)

SPICEDB_KEY = "bench-preshared-key"
SPICEDB_CHECK = "authzed.api.v1.PermissionsService/CheckPermission"


def start_spicedb(
    datastore: list[str], bootstrap: pathlib.Path | None, cache: bool, log: pathlib.Path
) -> tuple[subprocess.Popen, str]:
    addr = f"127.0.0.1:{free_port()}"
    cmd = [
        str(GO_BIN / "spicedb"),
        "serve",
        "--grpc-preshared-key",
        SPICEDB_KEY,
        "--grpc-addr",
        addr,
        *datastore,
        *(["--datastore-bootstrap-files", str(bootstrap)] if bootstrap else []),
        "--datastore-bootstrap-timeout",
        "60m",
        "--http-enabled=false",
        "--metrics-enabled=false",
        "--telemetry-endpoint=",
        "--skip-release-check=true",
        "--log-level",
        "warn",
        f"--dispatch-cache-enabled={'true' if cache else 'false'}",
    ]
    process = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return process, addr


def spicedb_answers(addr: str, checks: list[dict]) -> list[str]:
    """SpiceDB's answer to each check (CheckBulkPermissions, 100 at a time)."""
    answers = []
    for at in range(0, len(checks), 100):
        body = {
            "items": checks[at : at + 100],
            # At the latest revision: by default SpiceDB may answer from a
            # snapshot up to 5 s old, from before the last of the load.
            "consistency": {"fullyConsistent": True},
        }
        method = "authzed.api.v1.PermissionsService/CheckBulkPermissions"
        for pair in grpcurl(addr, method, body, SPICEDB_KEY)["pairs"]:
            answers.append(
                pair.get("item", {}).get("permissionship", pair.get("error"))
            )
    return answers


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    parser.add_argument(
        "--spicedb-postgres",
        metavar="URL",
        help="SpiceDB on PostgreSQL: a URL whose user may create databases "
        "(default: SpiceDB's in-memory datastore)",
    )
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-vs-spicedb-"))
    servers: list[subprocess.Popen] = []
    database = None
    try:
        # The same data set twice: SpiceDB's bootstrap file, and Warden's SQLite.
        checks = write_dataset(work, args.relationships)
        warden, warden_addr, warden_start, token = start_warden(work, servers)

        # SpiceDB's datastore: its own memory (each server loads the file),
        # or a fresh PostgreSQL database both servers share (loaded once).
        if args.spicedb_postgres:
            database, uri = fresh_database(args.spicedb_postgres, "spicedb_bench")
            datastore = ["--datastore-engine", "postgres", "--datastore-conn-uri", uri]
            subprocess.run(
                [
                    str(GO_BIN / "spicedb"),
                    "datastore",
                    "migrate",
                    "head",
                    *datastore,
                    "--log-level",
                    "warn",
                ],
                check=True,
            )
        else:
            datastore = ["--datastore-engine", "memory"]
        spicedbs = {}
        for name, cache in [("spicedb", True), ("spicedb_no_dispatch_cache", False)]:
            started = time.monotonic()
            bootstrap = work / "export" / "bootstrap.yaml"
            if args.spicedb_postgres and spicedbs:
                bootstrap = None
            process, addr = start_spicedb(
                datastore, bootstrap, cache, work / f"{name}.log"
            )
            servers.append(process)
            wait_healthy(addr, name, process, 1800)
            spicedbs[name] = (process, addr, time.monotonic() - started)

        # The same answers, check by check, on the first `--agree` checks of
        # the pool (SpiceDB's cache does not change an answer, so one of its
        # servers is asked).
        sample = checks[: args.agree]
        expected = warden_answers(warden_addr, token, sample)
        _, addr, _ = spicedbs["spicedb"]
        got = spicedb_answers(addr, sample)
        if not agree(sample, expected, got, "spicedb"):
            return 1

        memory = {"warden": rss_mib(warden.pid)}
        memory.update({name: rss_mib(p.pid) for name, (p, _, _) in spicedbs.items()})
        print(
            json.dumps(
                {
                    "relationships": args.relationships,
                    "resident_mib_loaded": memory,
                    "start_seconds": {
                        "warden": round(warden_start, 1),
                        **{n: round(s, 1) for n, (_, _, s) in spicedbs.items()},
                    },
                }
            )
        )

        data = work / "export" / "checks.json"
        targets = [Target("warden", warden_addr, WARDEN_CHECK, token, data)]
        targets += [
            Target(name, addr, SPICEDB_CHECK, SPICEDB_KEY, data)
            for name, (_, addr, _) in spicedbs.items()
        ]
        rounds(targets, args)
        return 0
    finally:
        tear_down(servers, work, args.spicedb_postgres, database)


if __name__ == "__main__":
    sys.exit(main())
