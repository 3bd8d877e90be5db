"""The hooks of the stop watch scenario (stop_watch.yml): one apio_phone_buttons batch run in this
process (``run_batch``), the medians per case and their differences to "no watch" (``finish``), the
targets, and its section of docs/benchmark.md.

The batch runs in the runner's own process (tools/inprocess.py: the module's ``main()`` with
exit_json/fail_json patched), so that the difference is not buried in ``ansible-playbook``'s start-up.
Wall time and the CPU time of this process (the module and its threads; the simulator's is not
counted) are measured around the module's ``main()`` only. pytest (for its MonkeyPatch) and the
collection are imported inside the hook, so that ``python -m bench.run --list`` does not need them.
"""

from __future__ import annotations

import os
import statistics
import time

from apio_sim.testing import SEED_ADMIN

from tools.benchmark import GROUP, TENANT, user_id
from tools.fmt import fmt_int

BASE = "no watch"
WAVES = {"waves": ["10%"], "max_fail_percentage": 5}
TARGET_PCT = 2.0  # issue 21: the watch and waves cost at most 2% of the same run without them
TARGET_MIN_USERS = 1000  # a shorter run is too short for a difference of 2% to mean anything


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


# -- the runs ----------------------------------------------------------------------------------------

def run_batch(ctx):
    """One batch that writes every user, in the loop's ``case``; the record of the run."""
    import pytest

    from tools.inprocess import collection_in_place, patch_exits, run_module

    collection_in_place()
    from ansible_collections.telephony.apio.plugins.module_utils import run_watch
    from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons

    case, users = ctx.vars["case"], int(ctx.vars["users"])
    watch, extra = {BASE: (NoWatch(), {}), "watch": (run_watch.RunWatch, {}),
                    "watch + 10 waves": (run_watch.RunWatch, WAVES)}[case]
    label = "support %d" % (len(ctx.runs) % 2)  # every run changes every user
    args = dict(SEED_ADMIN, url=ctx.sim.url, tenant=TENANT, group=GROUP, parallel=int(ctx.vars["parallel"]),
                batch=[{"user": user_id(i)} for i in range(users)],
                keys=[{"id": 3, "type": "DIRECT_CALL", "label": label, "parameter": "2000"}], **extra)
    monkeypatch = pytest.MonkeyPatch()
    try:
        patch_exits(monkeypatch)
        monkeypatch.setattr(run_watch, "RunWatch", watch)
        load_before = os.getloadavg()[0]
        wall, cpu = time.perf_counter(), time.process_time()
        result = run_module(apio_phone_buttons.main, args)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        load_after = os.getloadavg()[0]
    finally:
        monkeypatch.undo()
    counts = result.get("counts") or {}
    run = dict(rc=1 if result["failed"] else 0, wall_s=round(wall, 2), cpu_s=round(cpu, 2), users=users,
               changed=counts.get("changed"), label=label, load_before=load_before, load_after=load_after)
    if result["failed"] or counts.get("changed") != users:
        run["msg"] = str(result.get("msg"))[:500]
    return run


# -- what the runs say -------------------------------------------------------------------------------

def pct(value, base):
    return round(100.0 * (value / base - 1), 2)


def finish(results):
    """Per case, in the order of the scenario's cases: each round's wall and CPU time, their medians and
    the medians' difference to "no watch" in percent."""
    cases = {}
    for run in sorted(results["runs"], key=lambda r: r["round"]):
        found = cases.setdefault(run["case"], dict(wall=[], cpu=[]))
        found["wall"].append(run["wall_s"])
        found["cpu"].append(run["cpu_s"])
    for found in cases.values():
        found.update(median_wall=statistics.median(found["wall"]), median_cpu=statistics.median(found["cpu"]))
    base = cases.get(BASE)
    for found in cases.values():
        found.update(wall_vs_no_watch_pct=pct(found["median_wall"], base["median_wall"]) if base else None,
                     cpu_vs_no_watch_pct=pct(found["median_cpu"], base["median_cpu"]) if base else None)
    results["cases"] = cases


def failures(results):
    """The runs that did not write every user, in words."""
    found = []
    for run in results["runs"]:
        puts = (run.get("requests") or {}).get("puts")
        if run.get("rc") or run.get("changed") != run["users"] or puts not in (None, run["users"]):
            found.append("%s round %d: rc %s, %s of %d users changed, %s PUTs counted%s"
                         % (run["case"], run["round"], run.get("rc"), run.get("changed"), run["users"], puts,
                            (": " + run["msg"]) if run.get("msg") else ""))
    return found


def checks(results):
    failed = failures(results)
    users = results["settings"]["users"]
    others = [(name, found) for name, found in results["cases"].items() if name != BASE]
    worst = max((abs(found["wall_vs_no_watch_pct"]) for _, found in others if found["wall_vs_no_watch_pct"] is not None),
                default=None)
    measured = ", ".join("%s %s" % (name, signed(found["wall_vs_no_watch_pct"])) for name, found in others)
    return [
        ("every batch wrote every user (%s)" % fmt_int(users), not failed, "; ".join(failed) or "%d runs" % len(results["runs"])),
        ("median wall time with the watch, and with waves, within %g%% of no watch" % TARGET_PCT,
         None if worst is None or users < TARGET_MIN_USERS else worst <= TARGET_PCT,
         measured + ("" if users >= TARGET_MIN_USERS else " (not judged under %s users)" % fmt_int(TARGET_MIN_USERS))),
    ]


def summary(results):
    lines = []
    for name, found in results["cases"].items():
        lines.append("%-18s median wall %6.2f s (%s)  cpu %6.2f s (%s)" % (
            name, found["median_wall"], signed(found["wall_vs_no_watch_pct"]), found["median_cpu"],
            signed(found["cpu_vs_no_watch_pct"])))
    return "\n".join(lines)


# -- the section -------------------------------------------------------------------------------------

def signed(value):
    return "n/a" if value is None else "%+.1f%%" % value


def table(results):
    lines = ["| case | wall s, each round | median wall | CPU s, each round | median CPU |", "|---|---|---:|---:|---:|"]
    for name, found in results["cases"].items():
        wall, cpu = "%.2f" % found["median_wall"], "%.2f" % found["median_cpu"]
        if name != BASE:
            wall += " (%s)" % signed(found["wall_vs_no_watch_pct"])
            cpu += " (%s)" % signed(found["cpu_vs_no_watch_pct"])
        lines.append("| %s | %s | %s | %s | %s |" % (name, ", ".join("%.1f" % v for v in found["wall"]), wall,
                                                      ", ".join("%.1f" % v for v in found["cpu"]), cpu))
    return "\n".join(lines)


def findings(results):
    """What the table says: how much the rounds vary, and the medians' differences to no watch."""
    cases = results["cases"]
    walls = [v for found in cases.values() for v in found["wall"]]
    spread = max(max(found["wall"]) - min(found["wall"]) for found in cases.values())
    others = [(name, found) for name, found in cases.items() if name != BASE]
    text = ("The wall times of all %d runs are within %.1f s of each other (the rounds of one case, within %.1f s). "
            "The medians of wall time against no watch: %s; the process's CPU time: %s (the watch looks at "
            "`/proc`; waves start a thread pool per wave)."
            % (len(walls), max(walls) - min(walls), spread,
               ", ".join("%s %s" % (name, signed(found["wall_vs_no_watch_pct"])) for name, found in others),
               ", ".join("%s %s" % (name, signed(found["cpu_vs_no_watch_pct"])) for name, found in others)))
    failed = failures(results)
    if failed:
        text += " **Runs that did not write every user**: %s." % "; ".join(failed)
    return text


def where(results):
    """Where and when it was measured: the machine, the load around the runs, the note of a converted result."""
    m, runs = results.get("machine") or {}, results["runs"]
    parts = []
    if not results.get("started"):  # converted from an older result, which says what it knows in its note
        return results.get("note") or ""
    if m.get("nproc"):
        parts.append("%d CPUs%s" % (m["nproc"], " (%s)" % m["cpu"] if m.get("cpu") else ""))
    if m.get("python"):
        parts.append("Python %s, ansible-core %s" % (m["python"], m.get("ansible_core")))
    if m.get("git_commit"):
        start = m.get("git_commit_start")
        parts.append("collection at commit %s" % m["git_commit"] + (" (%s at the start)" % start if start and start != m["git_commit"] else ""))
    if results.get("started"):
        parts.append("run %s, %.0f minutes" % (results["started"], (results.get("duration_s") or 0) / 60))
    loads = [r[key] for r in runs for key in ("load_before", "load_after") if r.get(key) is not None]
    if loads:
        parts.append("1-minute load average between %.1f and %.1f around the runs" % (min(loads), max(loads)))
    text = "Measured on: %s." % "; ".join(parts) if parts else ""
    if results.get("note"):
        text = (text + " " + results["note"]).strip()
    return text


def section(results, docs_path):
    s = results["settings"]
    return TEMPLATE.format(users=fmt_int(s["users"]), rounds=s["rounds"], latency="%g ms" % s["latency_ms"],
                           parallel=s["parallel"], writes=fmt_int(s["users"]), table=table(results),
                           findings=findings(results), where=where(results), command=results["command"],
                           checks="\n".join("- **%s** %s: %s" % (c["result"], c["target"], c["measured"])
                                            for c in results.get("checks") or []))


TEMPLATE = """## Stop watch and waves: their cost at {users} users

What the stop watch (`run_watch`: a look at the processes from the task up to `ansible-playbook` before each
read and write, at most every 0.2 s; [operating.md](operating.md#5-stop)) and waves (`waves: ["10%"]`, ten
waves, with `max_fail_percentage: 5`) cost, against the same run without them. One `apio_phone_buttons`
batch of {users} users that writes every user ({writes} GETs and {writes} PUTs; the label alternates from run to
run), run in the benchmark's own process against the simulator (so the difference is not buried in
`ansible-playbook`'s start-up), `parallel: {parallel}`, the three cases in turn, their order rotating each round.
Wall time and the CPU time of the process (the module and its threads; the simulator's is not counted).
Generated by `python -m bench.run stop_watch` (scenario `bench/scenarios/stop_watch.yml`); the raw numbers
are in `bench/results/stop_watch.json`.

{latency} of latency on every request, {rounds} rounds:

{table}

{findings}

{where}

Targets:

{checks}

Command: `{command}`
"""
