#!/usr/bin/env python3
"""Warden's CheckPermission against OpenFGA's Check, on the same data, the
same machine and the same load tool.

Both servers hold the Drive-like data set of `warden-bench check` (same size,
same seed): Warden loads it from SQLite at start; OpenFGA (in-memory
datastore, PostgreSQL with --openfga-postgres, or SQLite with --openfga-sqlite)
gets the schema translated into an authorization model and every relationship
as a tuple through its Write API, and the script reports how long that took.
First both answer the first checks of the pool (1,000 by default; Warden's
CheckBulkPermissions, 100 at a time, and OpenFGA's Check at
HIGHER_CONSISTENCY) and the answers must agree. Then ghz drives the pool's
checks (owners of their document and random pairs, one after the other) at
Warden's CheckPermission and OpenFGA's Check, in turns, and the script prints
one JSON object per run and a summary, with each server's resident size and
start and load times.

OpenFGA runs twice: as it comes (its check query cache and check iterator
cache are off by default, so every check is evaluated against the datastore,
as Warden evaluates every check) and with both caches on (as OpenFGA's
production advice suggests; a repeated check, or a repeated datastore read,
within 10 s is answered from memory).

OpenFGA's in-memory datastore (meant for tests) scans every tuple on each
read and each write, so loading it is quadratic: 100,000 tuples take minutes,
1,000,000 hours. --max-load-minutes gives up then and prints the rate.
PostgreSQL and SQLite are loaded once and shared by both OpenFGA servers:
a fresh database (dropped at the end) or a fresh SQLite file in the script's
temporary directory (removed with it), migrated with `openfga migrate` first.
SQLite is the closest to Warden's own datastore (OpenFGA calls it beta).

Needs: `cargo build --release -p warden-server -p warden-bench`, and in
~/go/bin: openfga (go install github.com/openfga/openfga/cmd/openfga@v1.22.1),
ghz (go install github.com/bojand/ghz/cmd/ghz@latest) and grpcurl; psql for
--openfga-postgres.

    python3 bench/openfga.py --relationships 1000000 --seconds 10 \\
        --openfga-postgres postgres://warden:warden@127.0.0.1:5432/postgres
    python3 bench/openfga.py --relationships 1000000 --seconds 10 \\
        --openfga-sqlite
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import pathlib
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

from compare import (
    GO_BIN,
    WARDEN_CHECK,
    Target,
    add_arguments,
    agree,
    free_port,
    fresh_database,
    read_bootstrap,
    rounds,
    rss_mib,
    same_schema,
    start_warden,
    tear_down,
    wait_healthy,
    warden_answers,
    write_dataset,
)

OPENFGA_KEY = "bench-preshared-key"
OPENFGA_CHECK = "openfga.v1.OpenFGAService/Check"


def this() -> dict:
    return {"this": {}}


def computed(relation: str) -> dict:
    return {"computedUserset": {"relation": relation}}


def from_parent(relation: str) -> dict:
    return {
        "tupleToUserset": {
            "tupleset": {"relation": "parent"},
            "computedUserset": {"relation": relation},
        }
    }


def types(*names: str) -> dict:
    """Directly related user types: "user", "group#member", "user:*"."""
    restrictions = []
    for name in names:
        if name.endswith(":*"):
            restrictions.append({"type": name[:-2], "wildcard": {}})
        elif "#" in name:
            kind, relation = name.split("#")
            restrictions.append({"type": kind, "relation": relation})
        else:
            restrictions.append({"type": name})
    return {"directly_related_user_types": restrictions}


# compare.SCHEMA by hand as an OpenFGA (schema 1.1) authorization model, the
# JSON of WriteAuthorizationModel. In OpenFGA's DSL:
#
#   type user
#   type group
#     relations
#       define member: [user, group#member]
#   type folder
#     relations
#       define parent: [folder]
#       define owner: [user]
#       define viewer: [user, group#member]
#       define view: viewer or owner or view from parent
#   type document
#     relations
#       define parent: [folder]
#       define owner: [user]
#       define editor: [user, group#member]
#       define viewer: [user, group#member, user:*]
#       define banned: [user]
#       define edit: owner or editor
#       define view: (viewer or edit or view from parent) but not banned
#
# A SpiceDB permission is a relation with no directly related types.
MODEL = {
    "schema_version": "1.1",
    "type_definitions": [
        {"type": "user"},
        {
            "type": "group",
            "relations": {"member": this()},
            "metadata": {"relations": {"member": types("user", "group#member")}},
        },
        {
            "type": "folder",
            "relations": {
                "parent": this(),
                "owner": this(),
                "viewer": this(),
                "view": {
                    "union": {
                        "child": [
                            computed("viewer"),
                            computed("owner"),
                            from_parent("view"),
                        ]
                    }
                },
            },
            "metadata": {
                "relations": {
                    "parent": types("folder"),
                    "owner": types("user"),
                    "viewer": types("user", "group#member"),
                    "view": types(),
                }
            },
        },
        {
            "type": "document",
            "relations": {
                "parent": this(),
                "owner": this(),
                "editor": this(),
                "viewer": this(),
                "banned": this(),
                "edit": {"union": {"child": [computed("owner"), computed("editor")]}},
                "view": {
                    "difference": {
                        "base": {
                            "union": {
                                "child": [
                                    computed("viewer"),
                                    computed("edit"),
                                    from_parent("view"),
                                ]
                            }
                        },
                        "subtract": computed("banned"),
                    }
                },
            },
            "metadata": {
                "relations": {
                    "parent": types("folder"),
                    "owner": types("user"),
                    "editor": types("user", "group#member"),
                    "viewer": types("user", "group#member", "user:*"),
                    "banned": types("user"),
                    "edit": types(),
                    "view": types(),
                }
            },
        },
    ],
}


def fga(http: str, path: str, body: dict | None = None) -> dict:
    """One call to OpenFGA's HTTP API (POST with a body, GET without)."""
    request = urllib.request.Request(
        f"http://{http}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={
            "authorization": f"Bearer {OPENFGA_KEY}",
            "content-type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{path}: {e.code} {e.read().decode()}") from None


def start_openfga(
    datastore: list[str], cache: bool, args: argparse.Namespace, log: pathlib.Path
) -> tuple[subprocess.Popen, str, str]:
    addr = f"127.0.0.1:{free_port()}"
    http = f"127.0.0.1:{free_port()}"
    caches = "true" if cache else "false"
    cmd = [
        str(GO_BIN / "openfga"),
        "run",
        "--grpc-addr",
        addr,
        "--http-addr",
        http,
        *datastore,
        "--authn-method",
        "preshared",
        "--authn-preshared-keys",
        OPENFGA_KEY,
        "--playground-enabled=false",
        "--metrics-enabled=false",
        "--log-level",
        "warn",
        # Loading only: how many tuples a Write may carry.
        "--max-tuples-per-write",
        str(args.tuples_per_write),
        f"--check-query-cache-enabled={caches}",
        f"--check-iterator-cache-enabled={caches}",
        *args.openfga_flag,
    ]
    process = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT)
    return process, addr, http


class LoadTooSlow(RuntimeError):
    """Loading OpenFGA took longer than --max-load-minutes."""


def load_openfga(
    http: str, tuples: list[dict], args: argparse.Namespace, what: str
) -> tuple[str, str]:
    """A store, the model, then every tuple through Write, `--writers` writes
    in flight. Returns the store and model ids."""
    store = fga(http, "/stores", {"name": "warden-bench"})["id"]
    model = fga(http, f"/stores/{store}/authorization-models", MODEL)[
        "authorization_model_id"
    ]
    batches = [
        tuples[at : at + args.tuples_per_write]
        for at in range(0, len(tuples), args.tuples_per_write)
    ]
    written = 0
    lock = threading.Lock()
    started = time.monotonic()
    last_report = started

    def write(batch: list[dict]) -> None:
        nonlocal written, last_report
        fga(
            http,
            f"/stores/{store}/write",
            {"writes": {"tuple_keys": batch}, "authorization_model_id": model},
        )
        with lock:
            written += len(batch)
            now = time.monotonic()
            if now - last_report >= 30:
                last_report = now
                rate = written / (now - started)
                print(
                    json.dumps(
                        {
                            "loading": what,
                            "tuples": written,
                            "of": len(tuples),
                            "seconds": round(now - started),
                            "tuples_per_s": round(rate),
                        }
                    ),
                    file=sys.stderr,
                    flush=True,
                )
                if args.max_load_minutes and now - started > args.max_load_minutes * 60:
                    raise LoadTooSlow(
                        {
                            "load_abandoned": what,
                            "tuples": written,
                            "of": len(tuples),
                            "seconds": round(now - started),
                            "tuples_per_s": round(rate),
                            "max_load_minutes": args.max_load_minutes,
                        }
                    )

    with concurrent.futures.ThreadPoolExecutor(args.writers) as pool:
        futures = [pool.submit(write, batch) for batch in batches]
        try:
            for future in concurrent.futures.as_completed(futures):
                future.result()
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return store, model


def openfga_check(check: dict, store: str, model: str) -> dict:
    """A CheckPermission body of checks.json as an OpenFGA Check body."""
    resource = check["resource"]
    subject = check["subject"]
    user = f"{subject['object']['objectType']}:{subject['object']['objectId']}"
    if subject.get("optionalRelation"):
        user += f"#{subject['optionalRelation']}"
    return {
        "store_id": store,
        "authorization_model_id": model,
        "tuple_key": {
            "user": user,
            "relation": check["permission"],
            "object": f"{resource['objectType']}:{resource['objectId']}",
        },
    }


def openfga_answers(http: str, store: str, model: str, checks: list[dict]) -> list:
    """OpenFGA's Check, one a call (8 in flight), at HIGHER_CONSISTENCY: from
    the datastore, never from a cache."""

    def one(check: dict) -> str:
        body = openfga_check(check, store, model)
        del body["store_id"]
        body["consistency"] = "HIGHER_CONSISTENCY"
        try:
            allowed = fga(http, f"/stores/{store}/check", body).get("allowed")
        except RuntimeError as e:
            return f"error: {e}"
        if allowed:
            return "PERMISSIONSHIP_HAS_PERMISSION"
        return "PERMISSIONSHIP_NO_PERMISSION"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, checks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    datastores = parser.add_mutually_exclusive_group()
    datastores.add_argument(
        "--openfga-postgres",
        metavar="URL",
        help="OpenFGA on PostgreSQL: a URL whose user may create databases "
        "(default: OpenFGA's in-memory datastore)",
    )
    datastores.add_argument(
        "--openfga-sqlite",
        action="store_true",
        help="OpenFGA on SQLite: a fresh file in the temporary directory, "
        "migrated, loaded once and shared by both OpenFGA servers, removed "
        "at the end (default: OpenFGA's in-memory datastore)",
    )
    parser.add_argument(
        "--tuples-per-write",
        type=int,
        default=100,
        help="tuples in one OpenFGA Write while loading (OpenFGA's "
        "--max-tuples-per-write is set to it; its default is 100)",
    )
    parser.add_argument(
        "--writers", type=int, default=4, help="OpenFGA Writes in flight while loading"
    )
    parser.add_argument(
        "--max-load-minutes",
        type=float,
        help="give up (and report the rate) when loading OpenFGA takes longer",
    )
    parser.add_argument(
        "--openfga-flag",
        action="append",
        default=[],
        metavar="FLAG",
        help="one more flag for both OpenFGA servers, as "
        "--openfga-flag=--experimentals=enable-check-optimizations (repeatable)",
    )
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-vs-openfga-"))
    servers: list[subprocess.Popen] = []
    database = None
    try:
        # The same data set twice: a bootstrap file (read here and written
        # to OpenFGA), and Warden's SQLite.
        checks = write_dataset(work, args.relationships)
        schema, tuples = read_bootstrap(work / "export" / "bootstrap.yaml")
        if not same_schema(schema):
            print(
                "the exported schema is not the one MODEL translates; "
                "translate it again:\n" + schema,
                file=sys.stderr,
            )
            return 1

        warden, warden_addr, warden_start, token = start_warden(work, servers)

        # OpenFGA's datastore: its own memory (each server is loaded), or a
        # fresh PostgreSQL database or SQLite file (in `work`, removed with
        # it) both servers share (migrated, then loaded once).
        if args.openfga_postgres:
            engine = "postgres"
            database, uri = fresh_database(args.openfga_postgres, "openfga_bench")
        elif args.openfga_sqlite:
            engine = "sqlite"
            uri = f"file:{work / 'openfga.sqlite'}"
        else:
            engine, uri = "memory", None
        datastore = ["--datastore-engine", engine]
        if uri:
            datastore += ["--datastore-uri", uri]
            subprocess.run(
                [str(GO_BIN / "openfga"), "migrate", *datastore],
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        openfgas = {}
        loaded: tuple[str, str, float] | None = None
        for name, cache in [("openfga", False), ("openfga_check_caches", True)]:
            started = time.monotonic()
            process, addr, http = start_openfga(
                datastore, cache, args, work / f"{name}.log"
            )
            servers.append(process)
            wait_healthy(addr, name, process, 600, OPENFGA_KEY)
            start = time.monotonic() - started
            if loaded is None or engine == "memory":
                started = time.monotonic()
                store, model = load_openfga(http, tuples, args, name)
                loaded = (store, model, time.monotonic() - started)
            store, model, load = loaded
            openfgas[name] = {
                "process": process,
                "addr": addr,
                "http": http,
                "store": store,
                "model": model,
                "start": start,
                "load": load,
            }

        # The same answers, check by check, on the first `--agree` checks of
        # the pool (OpenFGA's caches are not used at HIGHER_CONSISTENCY, so
        # one of its servers is asked).
        sample = checks[: args.agree]
        expected = warden_answers(warden_addr, token, sample)
        first = openfgas["openfga"]
        got = openfga_answers(first["http"], first["store"], first["model"], sample)
        if not agree(sample, expected, got, "openfga"):
            return 1

        memory = {"warden": rss_mib(warden.pid)}
        memory.update({n: rss_mib(o["process"].pid) for n, o in openfgas.items()})
        print(
            json.dumps(
                {
                    "relationships": len(tuples),
                    "datastore": engine,
                    "resident_mib_loaded": memory,
                    "start_seconds": {
                        "warden": round(warden_start, 1),
                        **{n: round(o["start"], 1) for n, o in openfgas.items()},
                    },
                    "openfga_load_seconds": {
                        n: round(o["load"], 1) for n, o in openfgas.items()
                    },
                }
            )
        )

        # The pool as OpenFGA Check bodies, one file a server (in memory,
        # each has its own store).
        data = {"warden": work / "export" / "checks.json"}
        for name, o in openfgas.items():
            data[name] = work / f"{name}-checks.json"
            data[name].write_text(
                json.dumps([openfga_check(c, o["store"], o["model"]) for c in checks])
            )
        # OpenFGA wants its key on reflection too.
        targets = [Target("warden", warden_addr, WARDEN_CHECK, token, data["warden"])]
        targets += [
            Target(name, o["addr"], OPENFGA_CHECK, OPENFGA_KEY, data[name], True)
            for name, o in openfgas.items()
        ]
        rounds(targets, args)
        return 0
    except LoadTooSlow as e:
        print(json.dumps(e.args[0]))
        return 1
    finally:
        tear_down(servers, work, args.openfga_postgres, database)


if __name__ == "__main__":
    sys.exit(main())
