#!/usr/bin/env python3
"""Where a CheckPermission call spends more CPU than an echo call, by symbol.

Runs `warden-bench check` under `perf record` (CPU samples stamped with
CLOCK_MONOTONIC), takes the closed-loop rounds' time windows the bench prints
with WARDEN_BENCH_PHASES=1, and splits the samples by phase (echo, check), by
side (the in-process server's threads, the load generator's) and by symbol.
Every figure is CPU microseconds per call, so the two phases compare directly.

    cargo build --release -p warden-bench
    python3 bench/profile_check.py [--relationships 1000000] [--seconds 10] [--top 40] [--concurrency 16]
    python3 bench/profile_check.py --callers finish_task_switch   # who parks, per call

With --callers REGEX it records call graphs (`--call-graph dwarf`, at a lower
frequency) and, for the samples whose innermost frame matches REGEX, prints
the most frequent chains of the program's own callers (kernel frames left
out) instead of the symbol table.

Needs `perf` (linux-perf) and root or perf_event_paranoid <= 1.
"""

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(
    os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target")), "release", "warden-bench"
)
SERVER_THREADS = ("warden-server", "sqlx-sqlite")
# `perf script -F comm,tid,time,ip,sym,dso`: "comm tid time: ip sym (dso)".
SAMPLE = re.compile(r"^\s*(.+?)\s+(\d+)\s+(\d+)\.(\d+):\s+\S+\s+(.*?)\s+\((.*)\)\s*$")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--relationships", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--frequency", type=int, default=2999)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--concurrency", default="16",
                        help="the bench's concurrency levels (one keeps phases alike)")
    parser.add_argument("--callers", metavar="REGEX",
                        help="call chains into the innermost frames matching REGEX")
    parser.add_argument("--depth", type=int, default=10, help="frames per chain (--callers)")
    args = parser.parse_args()
    if args.callers:
        args.frequency = min(args.frequency, 499)
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, "perf.data")
        env = dict(os.environ, WARDEN_BENCH_PHASES="1")
        graph = ["--call-graph", "dwarf,8192"] if args.callers else []
        run = subprocess.run(
            ["perf", "record", "-q", "-k", "CLOCK_MONOTONIC", "-F", str(args.frequency), *graph,
             "-o", data, "--", BENCH, "check", "--relationships", str(args.relationships),
             "--seconds", str(args.seconds), "--concurrency", args.concurrency],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=False,
        )
        if run.returncode != 0:
            sys.exit(f"warden-bench check under perf failed:\n{run.stderr[-3000:]}")
        print(run.stdout, end="")
        phases = []
        for line in run.stderr.splitlines():
            parts = line.split()
            if len(parts) == 5 and parts[0] == "phase":
                phases.append((parts[1], int(parts[2]), int(parts[3]), float(parts[4])))
        if not phases:
            sys.exit("the bench printed no phases (is the build older than WARDEN_BENCH_PHASES?)")
        script = subprocess.run(
            ["perf", "script", "-i", data, "--ns", "-F", "comm,tid,time,ip,sym,dso"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, check=True,
        ).stdout
    calls = collections.Counter()
    for name, _, _, n in phases:
        calls[name] += n
    if args.callers:
        print_callers(script, phases, calls, args)
        return
    # (phase, side) -> symbol -> samples
    samples = collections.defaultdict(collections.Counter)
    for line in script.splitlines():
        m = SAMPLE.match(line)
        if not m:
            continue
        comm, _tid, sec, nsec, sym, dso = m.groups()
        t = int(sec) * 1_000_000_000 + int(nsec.ljust(9, "0")[:9])
        phase = phase_at(phases, t)
        if phase is None:
            continue
        side = "server" if comm.startswith(SERVER_THREADS) else "client"
        if sym in ("[unknown]", ""):
            sym = f"[{os.path.basename(dso)}]"
        samples[(phase, side)][sym] += 1
    per_sample_us = 1e6 / args.frequency
    for side in ("server", "client"):
        echo, check = samples[("echo", side)], samples[("check", side)]
        per_call = lambda c, k, phase: c[k] * per_sample_us / max(calls[phase], 1)
        total_echo = sum(echo.values()) * per_sample_us / max(calls["echo"], 1)
        total_check = sum(check.values()) * per_sample_us / max(calls["check"], 1)
        print(f"\n== {side}: CPU per call, echo {total_echo:.2f} µs, check {total_check:.2f} µs "
              f"(sampled; difference {total_check - total_echo:+.2f} µs)")
        rows = [(per_call(check, s, "check") - per_call(echo, s, "echo"),
                 per_call(echo, s, "echo"), per_call(check, s, "check"), s)
                for s in set(echo) | set(check)]
        rows.sort(key=lambda r: -abs(r[0]))
        print(f"{'check - echo':>12} {'echo':>8} {'check':>8}  symbol")
        for diff, e, c, s in rows[: args.top]:
            print(f"{diff:+12.3f} {e:8.3f} {c:8.3f}  {s[:110]}")


def phase_at(phases, t):
    return next((p for p, start, end, _ in phases if start <= t < end), None)


def print_callers(script, phases, calls, args):
    """Per side and phase, µs per call in the innermost frames matching
    `args.callers`, by the chain of callers above them."""
    head = re.compile(r"^(\S.*?)\s+(\d+)\s+(\d+)\.(\d+):")
    leaf = re.compile(args.callers)
    chains = collections.defaultdict(collections.Counter)
    sample = None

    def done(sample):
        if sample is None or not sample[2]:
            return
        comm, phase, frames = sample
        if phase is None or not leaf.search(frames[0][1]):
            return
        side = "server" if comm.startswith(SERVER_THREADS) else "client"
        # The program's own frames: the kernel's between it and the leaf
        # say little about who got there.
        kept = [f for ip, f in frames[1:]
                if not ip.startswith("ffffffff") and not f.startswith("[unknown]")]
        kept = kept[: args.depth]
        chains[(side, phase)][" < ".join(kept)] += 1

    for line in script.splitlines():
        m = head.match(line)
        if m:
            done(sample)
            comm, _tid, sec, nsec = m.groups()
            t = int(sec) * 1_000_000_000 + int(nsec.ljust(9, "0")[:9])
            sample = (comm, phase_at(phases, t), [])
        elif sample is not None and line.strip():
            parts = line.strip().split(None, 1)
            if len(parts) == 2:
                ip, frame = parts
                sample[2].append((ip, re.sub(r"\s+\([^()]*\)$", "", frame)))
    done(sample)
    per_sample_us = 1e6 / args.frequency
    for side in ("server", "client"):
        for phase in ("echo", "check"):
            found = chains[(side, phase)]
            total = sum(found.values()) * per_sample_us / max(calls[phase], 1)
            print(f"\n== {side}, {phase}: {total:.3f} µs per call in /{args.callers}/")
            for chain, n in found.most_common(args.top):
                print(f"{n * per_sample_us / max(calls[phase], 1):8.3f}  {chain[:400]}")


if __name__ == "__main__":
    main()
