#!/usr/bin/env python3
"""How often this machine stops a busy thread, with nothing of Warden running.

Runs N busy loops at once (default: one per core), each noting every gap of
more than 1 ms between two iterations, and prints one JSON object: the gaps
per second and the longest. On a machine that serves calls from both of its
cores, a gap here is a pause every call in flight at that moment waits out,
so it sets a floor under any p99 the load benchmarks can show.

    python3 bench/stalls.py [seconds] [processes]
"""

import json
import multiprocessing
import os
import sys
import time


def busy(seconds, out):
    start = last = time.perf_counter()
    gaps = []
    while last - start < seconds:
        now = time.perf_counter()
        if now - last > 0.001:
            gaps.append(now - last)
        last = now
    out.put(gaps)


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    processes = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count()
    out = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=busy, args=(seconds, out)) for _ in range(processes)
    ]
    for w in workers:
        w.start()
    gaps = [g for _ in workers for g in out.get()]
    for w in workers:
        w.join()
    long_gaps = [g for g in gaps if g > 0.003]
    print(
        json.dumps(
            {
                "scenario": "machine.stalls",
                "busy_processes": processes,
                "seconds": seconds,
                "gaps_over_1ms_per_s": round(len(gaps) / seconds / processes, 1),
                "gaps_over_3ms_per_s": round(len(long_gaps) / seconds / processes, 1),
                "longest_ms": round(max(gaps, default=0.0) * 1000, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
