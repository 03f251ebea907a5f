#!/usr/bin/env python3
"""Warden's CheckPermission against Ory Keto's Check, on the same data, the
same machine and the same load tool.

Both servers hold the Drive-like data set of `warden-bench check` (same size,
same seed): Warden loads it from SQLite at start; Keto (SQLite in memory, its
`dsn: memory`; a SQLite file with --keto-sqlite; PostgreSQL with
--keto-postgres) gets the schema translated into the Ory Permission Language
and every relationship as a tuple through its REST write API, and the script
reports how long that took. First both answer the first checks of the pool
(1,000 by default; Warden's CheckBulkPermissions, 100 at a time, and Keto's
REST check) and the answers must agree. Then ghz drives the pool's checks
(owners of their document and random pairs, one after the other) at
Warden's CheckPermission and Keto's gRPC Check, in turns, and the script
prints one JSON object per run and a summary, with each server's resident
size and start and load times.

Keto runs twice: as it comes, and with `experimental_strict_mode` (its
faster checks: a permission is only its rewrite, and only declared subject
sets are expanded). Both get the limits it needs to answer exactly (see
KETO_LIMITS). A SQLite file or a PostgreSQL database is migrated and loaded
once and shared by both; in memory each server is loaded.

Keto has no wildcard subject. `document:d#viewer@user:*` becomes
`document:d#viewer@everyone:all#member`, and every user of the data set and
of the pool gets `everyone:all#member@user:u`: the same answers for every
user the pool asks about, at the price of one tuple a user.

Needs: `cargo build --release -p warden-server -p warden-bench`, and in
~/go/bin: keto (`bash bench/keto-build.sh`), ghz
(go install github.com/bojand/ghz/cmd/ghz@latest) and grpcurl; psql for
--keto-postgres.

    python3 bench/keto.py --relationships 1000000 --seconds 10 \\
        --keto-postgres postgres://warden:warden@127.0.0.1:5432/postgres
    python3 bench/keto.py --relationships 1000000 --seconds 10 --keto-sqlite
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import pathlib
import subprocess
import sys
import tempfile
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

KETO_CHECK = "ory.keto.relation_tuples.v1alpha2.CheckService/Check"

# compare.SCHEMA by hand in the Ory Permission Language. A SpiceDB relation
# is a Keto relation, a permission a permit; `parent->view` is a traverse,
# `- banned` is `&& !banned`; `user:*` is the subject set everyone:all#member
# (see the module's doc).
NAMESPACES = """
import { Namespace, SubjectSet, Context } from "@ory/keto-namespace-types"

class user implements Namespace {}

class everyone implements Namespace {
  related: {
    member: user[]
  }
}

class group implements Namespace {
  related: {
    member: (user | SubjectSet<group, "member">)[]
  }
}

class folder implements Namespace {
  related: {
    parent: folder[]
    owner: user[]
    viewer: (user | SubjectSet<group, "member">)[]
  }

  permits = {
    view: (ctx: Context): boolean =>
      this.related.viewer.includes(ctx.subject) ||
      this.related.owner.includes(ctx.subject) ||
      this.related.parent.traverse((p) => p.permits.view(ctx)),
  }
}

class document implements Namespace {
  related: {
    parent: folder[]
    owner: user[]
    editor: (user | SubjectSet<group, "member">)[]
    viewer: (user | SubjectSet<group, "member"> | SubjectSet<everyone, "member">)[]
    banned: user[]
  }

  permits = {
    edit: (ctx: Context): boolean =>
      this.related.owner.includes(ctx.subject) ||
      this.related.editor.includes(ctx.subject),
    view: (ctx: Context): boolean =>
      (this.related.viewer.includes(ctx.subject) ||
        this.permits.edit(ctx) ||
        this.related.parent.traverse((p) => p.permits.view(ctx))) &&
      !this.related.banned.includes(ctx.subject),
  }
}
"""

# Keto's defaults would not answer exactly: a check stops 5 steps deep
# (max_read_depth; the folder chain alone is 9 deep at 1,000,000), and of a
# relation with more than 100 subject sets it follows only the first 99
# (max_read_width), answering without an error past either. Both are raised
# to their maximum.
KETO_LIMITS = {"max_read_depth": 65535, "max_read_width": 65535}


def subject_set(subject: str) -> dict:
    """`type:id` or `type:id#relation` (an OpenFGA user string) as a Keto
    subject set; `user:*` as everyone:all#member."""
    if subject == "user:*":
        return {"namespace": "everyone", "object": "all", "relation": "member"}
    name, _, relation = subject.partition("#")
    namespace, obj = name.split(":")
    return {"namespace": namespace, "object": obj, "relation": relation}


def keto_tuples(tuples: list[dict], checks: list[dict]) -> list[dict]:
    """The data set's tuples as Keto relation tuples, and everyone's members:
    each user a tuple or a check of the pool names."""
    users = {t["user"] for t in tuples if t["user"].startswith("user:")}
    users.update(
        f"user:{c['subject']['object']['objectId']}"
        for c in checks
        if c["subject"]["object"]["objectType"] == "user"
    )
    users.discard("user:*")
    relationships = [
        {
            "namespace": t["object"].split(":")[0],
            "object": t["object"].split(":")[1],
            "relation": t["relation"],
            "subject_set": subject_set(t["user"]),
        }
        for t in tuples
    ]
    relationships += [
        {
            "namespace": "everyone",
            "object": "all",
            "relation": "member",
            "subject_set": subject_set(u),
        }
        for u in sorted(users)
    ]
    return relationships


def keto_http(addr: str, method: str, path: str, body: object) -> object:
    """One call to Keto's REST API."""
    request = urllib.request.Request(
        f"http://{addr}{path}",
        data=json.dumps(body).encode(),
        method=method,
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=600) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{path}: {e.code} {e.read().decode()}") from None


def write_config(
    work: pathlib.Path, name: str, dsn: str, strict: bool
) -> tuple[pathlib.Path, str, str]:
    """A Keto config on free ports: its path, read and write addresses."""
    read, write = f"127.0.0.1:{free_port()}", f"127.0.0.1:{free_port()}"

    def listen(addr: str) -> dict:
        host, port = addr.split(":")
        return {"host": host, "port": int(port)}

    config = {
        "version": "v0.14.0",
        "dsn": dsn,
        "namespaces": {
            "location": (work / "namespaces.keto.ts").as_uri(),
            "experimental_strict_mode": strict,
        },
        "serve": {
            "read": listen(read),
            "write": listen(write),
            "opl": listen(f"127.0.0.1:{free_port()}"),
            "metrics": listen(f"127.0.0.1:{free_port()}"),
        },
        "limit": KETO_LIMITS,
        "log": {"level": "warn"},
    }
    path = work / f"{name}.yaml"
    # JSON is YAML.
    path.write_text(json.dumps(config, indent=2))
    return path, read, write


def load_keto(write: str, tuples: list[dict], args: argparse.Namespace) -> float:
    """Every tuple through PATCH /admin/relation-tuples, `--tuples-per-write`
    a call and `--writers` calls in flight. Returns the seconds it took."""
    size = args.tuples_per_write
    batches = [
        [{"action": "insert", "relation_tuple": t} for t in tuples[at : at + size]]
        for at in range(0, len(tuples), size)
    ]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(args.writers) as pool:
        futures = [
            pool.submit(keto_http, write, "PATCH", "/admin/relation-tuples", batch)
            for batch in batches
        ]
        for future in concurrent.futures.as_completed(futures):
            future.result()
    return time.monotonic() - started


def keto_check(check: dict) -> dict:
    """A CheckPermission body of checks.json as a Keto gRPC CheckRequest."""
    resource = check["resource"]
    subject = check["subject"]
    return {
        "tuple": {
            "namespace": resource["objectType"],
            "object": resource["objectId"],
            "relation": check["permission"],
            "subject": {
                "set": {
                    "namespace": subject["object"]["objectType"],
                    "object": subject["object"]["objectId"],
                    "relation": subject.get("optionalRelation", ""),
                }
            },
        }
    }


def keto_answers(read: str, checks: list[dict]) -> list[str]:
    """Keto's answer to each check (REST, 8 in flight). Keto always reads
    its datastore; it has no cache to bypass."""

    def one(check: dict) -> str:
        request = keto_check(check)["tuple"]
        request["subject_set"] = request.pop("subject")["set"]
        try:
            answer = keto_http(read, "POST", "/relation-tuples/check/openapi", request)
        except RuntimeError as e:
            return f"error: {e}"
        if answer.get("allowed"):
            return "PERMISSIONSHIP_HAS_PERMISSION"
        return "PERMISSIONSHIP_NO_PERMISSION"

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, checks))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    datastores = parser.add_mutually_exclusive_group()
    datastores.add_argument(
        "--keto-postgres",
        metavar="URL",
        help="Keto on PostgreSQL: a URL whose user may create databases "
        "(default: SQLite in memory)",
    )
    datastores.add_argument(
        "--keto-sqlite",
        action="store_true",
        help="Keto on a SQLite file in the temporary directory, migrated, "
        "loaded once and shared by both Keto servers, removed at the end "
        "(default: SQLite in memory)",
    )
    parser.add_argument(
        "--tuples-per-write",
        type=int,
        default=1000,
        help="tuples in one Keto PATCH while loading",
    )
    parser.add_argument(
        "--writers", type=int, default=4, help="Keto PATCHes in flight while loading"
    )
    args = parser.parse_args()

    work = pathlib.Path(tempfile.mkdtemp(prefix="warden-vs-keto-"))
    servers: list[subprocess.Popen] = []
    database = None
    try:
        checks = write_dataset(work, args.relationships)
        schema, tuples = read_bootstrap(work / "export" / "bootstrap.yaml")
        if not same_schema(schema):
            print(
                "the exported schema is not the one NAMESPACES translates; "
                "translate it again:\n" + schema,
                file=sys.stderr,
            )
            return 1
        relationships = keto_tuples(tuples, checks)
        (work / "namespaces.keto.ts").write_text(NAMESPACES)

        warden, warden_addr, warden_start, token = start_warden(work, servers)

        if args.keto_postgres:
            engine = "postgres"
            database, dsn = fresh_database(args.keto_postgres, "keto_bench")
        elif args.keto_sqlite:
            engine = "sqlite"
            dsn = f"sqlite://{work / 'keto.sqlite'}?_fk=true&mode=rwc"
        else:
            engine, dsn = "memory", "memory"
        ketos = {}
        load = None
        for name, strict in [("keto", False), ("keto_strict", True)]:
            config, read, write = write_config(work, name, dsn, strict)
            keto, flags = str(GO_BIN / "keto"), ["-c", str(config)]
            if engine != "memory" and load is None:
                subprocess.run(
                    [keto, "migrate", "up", "-y", *flags],
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            started = time.monotonic()
            process = subprocess.Popen(
                [keto, "serve", *flags],
                stdout=(work / f"{name}.log").open("w"),
                stderr=subprocess.STDOUT,
            )
            servers.append(process)
            try:
                wait_healthy(read, name, process, 600)
            except RuntimeError:
                log = (work / f"{name}.log").read_text().splitlines()
                print("\n".join(log[-20:]), file=sys.stderr)
                raise
            start = time.monotonic() - started
            if load is None or engine == "memory":
                load = load_keto(write, relationships, args)
            ketos[name] = {
                "process": process,
                "read": read,
                "start": start,
                "load": load,
            }

        sample = checks[: args.agree]
        expected = warden_answers(warden_addr, token, sample)
        for name, keto in ketos.items():
            if not agree(sample, expected, keto_answers(keto["read"], sample), name):
                return 1

        memory = {"warden": rss_mib(warden.pid)}
        memory.update({n: rss_mib(k["process"].pid) for n, k in ketos.items()})
        print(
            json.dumps(
                {
                    "relationships": len(tuples),
                    "keto_tuples": len(relationships),
                    "datastore": engine,
                    "resident_mib_loaded": memory,
                    "start_seconds": {
                        "warden": round(warden_start, 1),
                        **{n: round(k["start"], 1) for n, k in ketos.items()},
                    },
                    "keto_load_seconds": {
                        n: round(k["load"], 1) for n, k in ketos.items()
                    },
                }
            )
        )

        keto_checks = work / "keto-checks.json"
        keto_checks.write_text(json.dumps([keto_check(c) for c in checks]))
        warden_checks = work / "export" / "checks.json"
        targets = [Target("warden", warden_addr, WARDEN_CHECK, token, warden_checks)]
        targets += [
            Target(n, k["read"], KETO_CHECK, token, keto_checks)
            for n, k in ketos.items()
        ]
        rounds(targets, args)
        return 0
    finally:
        tear_down(servers, work, args.keto_postgres, database)


if __name__ == "__main__":
    sys.exit(main())
