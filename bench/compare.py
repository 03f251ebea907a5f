"""What bench/spicedb.py, bench/openfga.py and bench/keto.py share (and
bench/deletes.py, bench/streams.py, bench/costly.py and bench/floor.py
use): the data set written for Warden and the other system, its schema and
relationships read back, Warden started on it with a token, its answers, ghz
runs, ports, health and resident sizes.

Not a script: the scripts import it from their directory.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import socket
import subprocess
import time
import uuid
from typing import NamedTuple

ROOT = pathlib.Path(__file__).resolve().parent.parent
GO_BIN = pathlib.Path.home() / "go" / "bin"
TARGET = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release"
WARDEN_CHECK = "warden.authz.v1.AuthzService/CheckPermission"


# The schema of `warden-bench export-dataset` (bench/src/dataset.rs, SCHEMA),
# as bench/openfga.py and bench/keto.py translate it by hand. They stop if
# the exported schema is not this one: theirs would no longer be its
# translation.
SCHEMA = """
definition user {}

definition group {
    relation member: user | group#member
}

definition folder {
    relation parent: folder
    relation owner: user
    relation viewer: user | group#member
    permission view = viewer + owner + parent->view
}

definition document {
    relation parent: folder
    relation owner: user
    relation editor: user | group#member
    relation viewer: user | group#member | user:*
    relation banned: user
    permission edit = owner + editor
    permission view = (viewer + edit + parent->view) - banned
}
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options both scripts take: size, ghz's load and the agreement."""
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--agree",
        type=int,
        default=1000,
        help="checks of the pool both must answer alike first",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def grpcurl(addr: str, method: str, body: dict, token: str | None = None) -> dict:
    cmd = [str(GO_BIN / "grpcurl"), "-plaintext", "-max-msg-sz", str(64 << 20)]
    if token:
        cmd += ["-H", f"authorization: Bearer {token}"]
    cmd += ["-d", "@", addr, method]
    out = subprocess.run(
        cmd, input=json.dumps(body), capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise RuntimeError(f"{method} on {addr}: {out.stderr.strip()}")
    return json.loads(out.stdout or "{}")


def wait_healthy(
    addr: str,
    what: str,
    process: subprocess.Popen,
    seconds: float,
    token: str | None = None,
) -> None:
    """Until gRPC health says SERVING (`token` for a server that wants its
    key on reflection and health too)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}")
        try:
            answer = grpcurl(addr, "grpc.health.v1.Health/Check", {}, token)
            if answer.get("status") == "SERVING":
                return
        except RuntimeError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} not serving on {addr} after {seconds} s")


def rss_mib(pid: int) -> float:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def write_dataset(work: pathlib.Path, relationships: int) -> list[dict]:
    """The same data set twice, as `warden-bench check` generates it (same
    size, same seed): `work/export` (SpiceDB's bootstrap file and the check
    pool) and Warden's SQLite in `work/warden`. Returns the pool."""
    for command, flag, into in [
        ("export-dataset", "--dir", work / "export"),
        ("load-dataset", "--data-dir", work / "warden"),
    ]:
        subprocess.run(
            [str(TARGET / "warden-bench"), command, flag, str(into)]
            + ["--relationships", str(relationships)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return json.loads((work / "export" / "checks.json").read_text())


def start_warden(
    work: pathlib.Path,
    servers: list[subprocess.Popen],
    admin: bool = False,
    database_url: str | None = None,
) -> tuple[subprocess.Popen, str, float, str]:
    """`warden serve` (embedded backends, defaults; relationships in the
    PostgreSQL database at `database_url` if given) on the data set in
    `work/warden`, added to `servers`: the process, its address, how long it
    took to start, and an access token of a user registered on it (the
    bootstrap administrator with `admin`)."""
    addr = f"127.0.0.1:{free_port()}"
    email = f"bench-{uuid.uuid4().hex}@example.com"
    started = time.monotonic()
    warden = subprocess.Popen(
        [
            str(TARGET / "warden"),
            "serve",
            "--data-dir",
            str(work / "warden"),
            "--listen",
            addr,
            "--http-listen",
            f"127.0.0.1:{free_port()}",
            *(["--bootstrap-admin-email", email] if admin else []),
            *(["--database-url", database_url] if database_url else []),
        ],
        stdout=(work / "warden.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    servers.append(warden)
    wait_healthy(addr, "warden", warden, 600)
    start_seconds = time.monotonic() - started
    password = "correct horse battery staple"
    account = {"email": email, "password": password}
    grpcurl(addr, "warden.auth.v1.AuthService/Register", account)
    token = grpcurl(addr, "warden.auth.v1.AuthService/Login", account)["tokens"][
        "accessToken"
    ]
    return warden, addr, start_seconds, token


def warden_answers(addr: str, token: str, checks: list[dict]) -> list[str]:
    """Warden's answer to each check (CheckBulkPermissions, 100 at a time)."""
    answers = []
    for at in range(0, len(checks), 100):
        pairs = grpcurl(
            addr,
            "warden.authz.v1.AuthzService/CheckBulkPermissions",
            {"items": checks[at : at + 100]},
            token,
        )["pairs"]
        for pair in pairs:
            answers.append(pair.get("permissionship", pair.get("error")))
    return answers


def ghz(
    addr: str,
    method: str,
    token: str,
    data: pathlib.Path,
    args: argparse.Namespace,
    reflect_with_token: bool = False,
) -> dict:
    """One ghz run of `method` with the requests in `data`: its rate, p50,
    p99 and the statuses that were not OK."""
    metadata = json.dumps({"authorization": f"Bearer {token}"})
    cmd = [
        str(GO_BIN / "ghz"),
        "--insecure",
        "--call",
        method,
        "-D",
        str(data),
        "--metadata",
        metadata,
        *(["--reflect-metadata", metadata] if reflect_with_token else []),
        "-c",
        str(args.concurrency),
        "--connections",
        str(args.connections),
        "-z",
        f"{args.seconds}s",
        "--format",
        "json",
        addr,
    ]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"ghz {method} on {addr}: {out.stderr.strip()}")
    report = json.loads(out.stdout)
    return {"rps": round(report["rps"]), **ghz_latency(report)}


class Target(NamedTuple):
    """A server for `rounds` to drive: its name, address, method, key, the
    requests (a ghz data file), and whether it wants its key on reflection
    too."""

    name: str
    addr: str
    method: str
    key: str
    data: pathlib.Path
    reflect_with_key: bool = False


def rounds(targets: list[Target], args: argparse.Namespace) -> None:
    """ghz on each target in turn, `--rounds` times, printing one JSON object
    a run, then a summary: each one's best rate, and Warden's (the target
    named "warden") over each other's."""
    runs: dict[str, list[dict]] = {}
    for round_ in range(args.rounds):
        for t in targets:
            result = ghz(t.addr, t.method, t.key, t.data, args, t.reflect_with_key)
            runs.setdefault(t.name, []).append(result)
            print(json.dumps({"system": t.name, "round": round_ + 1, **result}))
    best = {name: max(r["rps"] for r in rs) for name, rs in runs.items()}
    ratios = {
        f"warden_over_{name}": round(best["warden"] / max(rps, 1), 2)
        for name, rps in best.items()
        if name != "warden"
    }
    print(json.dumps({"summary": "best rps of each", **best, **ratios}))


def checks_during(
    addr: str,
    token: str,
    data: pathlib.Path | dict,
    rate: int,
    seconds: int,
    concurrency: int = 16,
    method: str = WARDEN_CHECK,
    proto: pathlib.Path | None = None,
    connections: int = 1,
) -> subprocess.Popen:
    """ghz calling `method` (CheckPermission unless told) at `rate` a second
    for `seconds`, started now: the requests in the file `data`, or the one
    request `data`; described by `proto` for a server without reflection;
    over `connections`."""
    metadata = json.dumps({"authorization": f"Bearer {token}"})
    requests = (
        ["-D", str(data)]
        if isinstance(data, pathlib.Path)
        else ["-d", json.dumps(data)]
    )
    return subprocess.Popen(
        [
            str(GO_BIN / "ghz"),
            "--insecure",
            "--call",
            method,
            *(["--proto", str(proto)] if proto else []),
            *requests,
            "--metadata",
            metadata,
            "--rps",
            str(rate),
            "-c",
            str(concurrency),
            "--connections",
            str(connections),
            "-z",
            f"{seconds}s",
            "--format",
            "json",
            addr,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ghz_latency(report: dict) -> dict:
    """A ghz JSON report's p50, p99 and slowest call (µs), its call count
    and the statuses that were not OK. Calls still in flight when the time
    is up end as Canceled or Unavailable: at most one a worker. Any other
    status is an error."""
    latency = {
        d["percentage"]: d["latency"] for d in report.get("latencyDistribution") or []
    }
    statuses = report.get("statusCodeDistribution") or {}
    return {
        "p50_us": round(latency.get(50, 0) / 1000),
        "p99_us": round(latency.get(99, 0) / 1000),
        "slowest_us": round(report.get("slowest", 0) / 1000),
        "requests": report["count"],
        "not_ok": {code: n for code, n in statuses.items() if code != "OK"},
    }


def fresh_database(postgres: str, prefix: str) -> tuple[str, str]:
    """A new PostgreSQL database, made through `postgres` (a URL whose user
    may create databases): its name, for `tear_down`, and its URL."""
    database = f"{prefix}_{uuid.uuid4().hex[:12]}"
    subprocess.run(["psql", postgres, "-qc", f"CREATE DATABASE {database}"], check=True)
    return database, postgres.rsplit("/", 1)[0] + "/" + database


def tear_down(
    servers: list[subprocess.Popen],
    work: pathlib.Path,
    postgres: str | None = None,
    database: str | None = None,
) -> None:
    """Stops `servers`, drops `database` (through the URL `postgres`) if one
    was made, and removes `work`."""
    for process in servers:
        process.terminate()
    for process in servers:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
    if postgres and database:
        subprocess.run(
            ["psql", postgres, "-qc", f"DROP DATABASE {database}"], check=False
        )
    shutil.rmtree(work, ignore_errors=True)


def agree(sample: list[dict], expected: list[str], got: list[str], other: str) -> bool:
    """Whether `other` answered each check of `sample` as Warden did
    (`expected`): prints the count that agree, or the first that does not."""
    differ = [i for i, (a, b) in enumerate(zip(expected, got)) if a != b]
    if differ or len(got) != len(expected):
        i = differ[0] if differ else min(len(got), len(expected))
        first = {
            "first": sample[i],
            "warden": expected[i : i + 1],
            other: got[i : i + 1],
        }
        print(json.dumps({"disagree": len(differ), **first}))
        return False
    granted = expected.count("PERMISSIONSHIP_HAS_PERMISSION")
    print(json.dumps({"answers_agree": len(expected), "granted": granted}))
    return True


def read_bootstrap(path: pathlib.Path) -> tuple[str, list[dict]]:
    """The schema text and the relationships of a SpiceDB bootstrap file (as
    `warden-bench export-dataset` writes it), the latter as OpenFGA tuple
    keys: `document:d1#viewer@group:g2#member` is
    {object: document:d1, relation: viewer, user: group:g2#member}."""
    schema: list[str] = []
    tuples = []
    block = None
    for line in path.read_text().splitlines():
        if not line.startswith(" "):
            block = line.split(":")[0]
            continue
        line = line.strip()
        if block == "schema":
            schema.append(line)
        elif block == "relationships" and line:
            resource, subject = line.split("@")
            obj, relation = resource.split("#")
            tuples.append({"object": obj, "relation": relation, "user": subject})
    return "\n".join(schema), tuples


def same_schema(exported: str) -> bool:
    def words(text: str) -> list[str]:
        return text.split()

    return words(exported) == words(SCHEMA)
