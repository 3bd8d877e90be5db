"""Measure how many GET phone_buttons requests per second the simulator sustains.

    .venv/bin/python -m bench.simulator_throughput [--url URL] [--clients 2] [--duration 10]

Without ``--url`` it starts its own simulator (``python -m apio_sim``, one
process, so one core). Each client is a separate process with one keep-alive
connection (``http.client``, much lighter than ``requests``) looping over
GETs, so the client side is not held back by one GIL. Prints the rate, the error count and the latency percentiles,
and, for a simulator it started (Linux), the CPU time the server used: on a
small machine the Python clients eat most of the CPU, so "requests per server
CPU-second" is the fairer figure of what the simulator itself sustains.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing as mp
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

from apio_sim.testing import SimulatorProcess  # the simulator of make setup (pip install -e ./simulator)

PATHS = {
    "foouser": "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/",
    "bench": "/api/v1/tenants/bench/groups/benchgroup/users/user{i:06d}%40bench.example/access_device/phone_buttons/",
}


def client(url: str, path: str, users: int, duration: float, start_at: float, out) -> None:
    """One keep-alive connection looping over GETs until ``start_at + duration``."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": "Bearer sim-machine-token"}
    while time.time() < start_at:
        time.sleep(0.001)
    end = start_at + duration
    done = errors = i = 0
    latencies = []
    while time.time() < end:
        t0 = time.perf_counter()
        conn.request("GET", path.format(i=i % users) if users else path, headers=headers)
        resp = conn.getresponse()
        resp.read()
        latencies.append(time.perf_counter() - t0)
        if resp.status == 200:
            done += 1
        else:
            errors += 1
        i += 1
    conn.close()
    out.put((done, errors, latencies))


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", help="a running simulator (default: start one)")
    p.add_argument("--clients", type=int, default=2, help="client processes")
    p.add_argument("--duration", type=float, default=10.0, help="seconds")
    p.add_argument("--users", type=int, default=0, help="spread GETs over N synthetic users (starts --users N)")
    p.add_argument("--server-args", default="", help="extra arguments for the started simulator")
    args = p.parse_args()

    proc = None
    url = args.url
    if not url:
        extra = args.server_args.split()
        proc = SimulatorProcess().start(users=args.users, extra_args=extra)
        url = proc.url
    path = PATHS["bench"] if args.users else PATHS["foouser"]
    cpu_before = cpu_seconds(proc.proc.pid) if proc else None
    try:
        out: mp.Queue = mp.Queue()
        start_at = time.time() + 1.0
        workers = [
            mp.Process(target=client, args=(url, path, args.users, args.duration, start_at, out))
            for _ in range(args.clients)
        ]
        for w in workers:
            w.start()
        results = [out.get() for _ in workers]
        for w in workers:
            w.join()
        cpu = cpu_seconds(proc.proc.pid) - cpu_before if cpu_before is not None else None
    finally:
        if proc:
            proc.stop()
    done = sum(r[0] for r in results)
    errors = sum(r[1] for r in results)
    lat = sorted(x for r in results for x in r[2])
    pct = {q: lat[min(len(lat) - 1, int(len(lat) * q))] * 1000 for q in (0.5, 0.99)} if lat else {0.5: 0, 0.99: 0}
    print(
        f"{done / args.duration:.0f} req/s ({done} OK, {errors} errors in {args.duration:.0f}s, "
        f"{args.clients} clients; p50 {pct[0.5]:.2f} ms, p99 {pct[0.99]:.2f} ms)"
    )
    if cpu:
        print(f"server CPU {cpu:.2f} s: {(done + errors) / cpu:.0f} requests per server CPU-second")


if __name__ == "__main__":
    main()
