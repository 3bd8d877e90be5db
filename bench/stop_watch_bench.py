"""The cost of the stop watch (run_watch) and of waves: one apio_phone_buttons batch that writes every user,
run in this process against a simulator, without the watch, with it, and with it and waves.

    .venv/bin/python -m bench.stop_watch_bench --users 10000 --rounds 3 [--latency-ms 0]

Each round runs the three cases in turn (their order rotating from round to round), each writing every
user (the layout alternates between two labels, so that each run has 10,000 writes). It prints, per case,
the median wall time and CPU time (this process: the module and its threads) and their difference to the
case without the watch, and writes them as JSON to --out. docs/benchmark.md has the figures.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

import pytest
from apio_sim.testing import SEED_ADMIN, SYNTHETIC_GROUP, SYNTHETIC_TENANT, SimulatorProcess, synthetic_id

from tools.inprocess import collection_in_place, patch_exits, run_module
from tools.runner import REPO

collection_in_place()
from ansible_collections.telephony.apio.plugins.module_utils import run_watch  # noqa: E402
from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons  # noqa: E402


class NoWatch:
    """A watch that never stops the run: the engine as it was before the watch."""

    def __call__(self, *args, **kwargs):
        return self

    def start(self):
        return self

    def finish(self):
        pass

    def stopped(self):
        return None


CASES = {
    "no watch": (NoWatch(), {}),
    "watch": (run_watch.RunWatch, {}),
    "watch + 10 waves": (run_watch.RunWatch, {"waves": ["10%"], "max_fail_percentage": 5}),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--parallel", type=int, default=8)
    parser.add_argument("--out", default=str(REPO / "bench" / "results" / "stop_watch.json"))
    options = parser.parse_args()

    monkeypatch = pytest.MonkeyPatch()
    patch_exits(monkeypatch)
    figures = dict((name, {"wall": [], "cpu": []}) for name in CASES)
    sim = SimulatorProcess().start(users=options.users)
    try:
        if options.latency_ms:
            sim.faults(latency_ms=options.latency_ms)
        batch = [{"user": synthetic_id(i)} for i in range(options.users)]
        names = list(CASES)
        run = 0
        for round_number in range(options.rounds):
            order = names[round_number % len(names):] + names[:round_number % len(names)]
            for name in order:
                watch, extra = CASES[name]
                monkeypatch.setattr(run_watch, "RunWatch", watch)
                label = "support %d" % (run % 2)  # every run changes every user
                run += 1
                args = dict(SEED_ADMIN, url=sim.url, tenant=SYNTHETIC_TENANT, group=SYNTHETIC_GROUP,
                            parallel=options.parallel, batch=batch,
                            keys=[{"id": 3, "type": "DIRECT_CALL", "label": label, "parameter": "2000"}], **extra)
                wall, cpu = time.perf_counter(), time.process_time()
                result = run_module(apio_phone_buttons.main, args)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                assert not result["failed"] and result["counts"]["changed"] == options.users, result["msg"][:500]
                figures[name]["wall"].append(round(wall, 2))
                figures[name]["cpu"].append(round(cpu, 2))
                print("round %d %-18s wall %6.2f s  cpu %6.2f s" % (round_number + 1, name, wall, cpu), flush=True)
    finally:
        sim.stop()
        monkeypatch.undo()
    base = dict((k, statistics.median(v)) for k, v in figures["no watch"].items())
    summary = {}
    for name, runs in figures.items():
        medians = dict((k, statistics.median(v)) for k, v in runs.items())
        summary[name] = dict(runs, median_wall=medians["wall"], median_cpu=medians["cpu"],
                             wall_vs_no_watch="%+.1f%%" % (100.0 * (medians["wall"] / base["wall"] - 1)),
                             cpu_vs_no_watch="%+.1f%%" % (100.0 * (medians["cpu"] / base["cpu"] - 1)))
        print("%-18s median wall %6.2f s (%s)  cpu %6.2f s (%s)" % (
            name, medians["wall"], summary[name]["wall_vs_no_watch"], medians["cpu"], summary[name]["cpu_vs_no_watch"]))
    out = Path(options.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(dict(vars(options), cases=summary), indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
