#!/usr/bin/env python3
"""The collection's playbooks sliced as AWX slices a job, at fleet scale.

One simulator with ``--users N`` bench users (and the seed's 7 users) and ``--latency-ms`` on every API
request. The desired state is a group policy kept in git (the bench group: the shipped ``standard``
key template and the primary line port on); the hosts come from the inventory plugin
``telephony.apio.users``. The playbooks ``telephony.apio.phone_buttons`` and
``telephony.apio.primary_line`` run:

  1 slice    one ``ansible-playbook`` process on every host
  N slices   N processes at once, each ``--limit``-ed to its slice (the hosts sorted by name,
             round-robin: slice k of n gets hosts k, k+n, ...), as AWX deals them out

each twice: first convergence (the platform reset to its seed, every bench user differs) and steady
state (the same run again: reads only). Wall time of the whole job (the slowest slice), the requests
the simulator counted, and every process's exit status. All processes share this machine's cores;
on AWX each slice has its own execution node.

    .venv/bin/python -m bench.slicing_bench                         # 20,000 users, 10 ms, 1 and 4 slices
    .venv/bin/python -m bench.slicing_bench --users 2000 --results /tmp/s.json   # a quick try

Writes bench/results/slicing.json and the section "Job slicing" of docs/benchmark.md (between markers;
bench/report.py keeps it when it rewrites the rest); ``--report-only`` re-renders it from the JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from tools.benchmark import (
    RUN_TIMEOUT,
    Simulator,
    add_output_options,
    add_simulator_options,
    command_line,
    replace_section,
    results_of,
)
from tools import runner
from tools.simlog import count_requests
from tools.inventory import awx_slices, platform_and_policy

BEGIN = "<!-- slicing-bench:begin (bench/slicing_bench.py writes this section) -->"
END = "<!-- slicing-bench:end -->"

PLAYBOOKS = ("telephony.apio.phone_buttons", "telephony.apio.primary_line")


def slice_limits(work, inventories, env, count):
    listed = runner.start("ansible-inventory", inventories + ["--list"], env, work).wait(RUN_TIMEOUT)
    hosts = listed.data["_meta"]["hostvars"]
    limits = []
    for k, members in enumerate(awx_slices(hosts, count), 1):
        path = work / ("slice%d-of-%d.txt" % (k, count))
        path.write_text("\n".join(members) + "\n")
        limits.append(path)
    return limits, len(hosts)


def run_job(work, inventories, env, limits, name):
    """Every slice at once; the job's wall time is its slowest slice's."""
    site = work / "site.yml"
    site.write_text("---\n" + "".join("- ansible.builtin.import_playbook: %s\n" % p for p in PLAYBOOKS))
    started = time.monotonic()
    jobs = []
    for k, limit in enumerate(limits, 1):
        args = [site] + inventories + (["--limit", "@%s" % limit] if len(limits) > 1 else [])
        jobs.append(runner.start("ansible-playbook", args, env, work, log=work / ("%s-%d.log" % (name, k))))
    codes = [job.wait(RUN_TIMEOUT).rc for job in jobs]
    return round(time.monotonic() - started, 1), codes


def section(result):
    """The docs section of a result of this script."""
    rows = dict(((r["slices"], r["phase"]), r) for r in result["rows"])
    lines = [
        BEGIN, "## Job slicing", "",
        "The collection's playbooks `phone_buttons` and `primary_line` on %s users (%s hosts with the seed's), "
        "%d ms of latency on every API request, on this %d-core machine; the desired state is a group policy in "
        "git and the hosts come from the inventory plugin. One slice is one `ansible-playbook` process; N "
        "slices are N processes at once, each `--limit`-ed to its slice as AWX deals them out "
        "([job-slicing.md](job-slicing.md)). First convergence: every user differs (4 requests each); steady "
        "state: the same run again (2 reads each). The wall time is the slowest slice's."
        % (format(result["users"], ","), format(next(iter(rows.values()))["hosts"], ","), result["latency_ms"],
           result["cpus"]), "",
        "| slices | first convergence | steady state | requests (first, steady) |",
        "|---:|---:|---:|---:|",
    ]
    for count in sorted(set(r["slices"] for r in result["rows"])):
        first, steady = rows[(count, "first convergence")], rows[(count, "steady state")]
        lines.append("| %d | %s | %s | %s, %s |" % (count, _duration(first["seconds"]), _duration(steady["seconds"]),
                                                  format(first["requests"], ","), format(steady["requests"], ",")))
    lines += [
        "",
        "For scale, the requests alone, 8 in flight at %d ms each, take %s (first convergence) and %s (steady "
        "state) on one session: the rest is ansible-core's (the inventory, the hosts' variables, the tasks)." % (
            result["latency_ms"], _duration(rows[(1, "first convergence")]["requests"] * result["latency_ms"] / 8000.0),
            _duration(rows[(1, "steady state")]["requests"] * result["latency_ms"] / 8000.0)),
        "",
        "Every process here lists the whole platform and loads every host before `--limit` applies, and the "
        "processes share this machine's %d cores. AWX gives each slice job an inventory of its own hosts only, "
        "on an execution node of its own: the sliced times here are an upper bound. The requests are the same "
        "in number either way: each user is read (and written) by one slice only." % result["cpus"],
        "",
    ] + ([result["conditions"], ""] if result.get("conditions") else []) + [
        "Reproduce: `.venv/bin/python -m bench.slicing_bench` (`--users`, `--latency-ms`, `--slices`).",
        END,
    ]
    return "\n".join(lines)


def _duration(seconds):
    return "%d min %02d s" % divmod(round(seconds), 60) if seconds >= 60 else "%.1f s" % seconds


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, default=20000, help="synthetic users (default: %(default)s)")
    add_simulator_options(p)
    p.add_argument("--slices", type=int, nargs="+", default=[1, 4], help="slice counts (default: 1 4)")
    add_output_options(p, "slicing", "slicing.json")
    p.add_argument("--conditions", default="", help="what else ran on the machine, said in the docs section")
    args = p.parse_args(argv)
    args.command = command_line("slicing_bench.py", argv)
    return args


def run_all(args):
    work = Path(args.out_dir)  # the inventories, the slices' --limit files and the logs
    work.mkdir(parents=True, exist_ok=True)
    inventories = platform_and_policy(work)
    rows = []
    sim = Simulator(args.users, args.latency_ms, work / "simulator.log", args.access_ttl)
    try:
        env = runner.environment(sim, connection=True)
        for count in args.slices:
            limits, hosts = slice_limits(work, inventories, env, count)
            for phase in ("first convergence", "steady state"):
                # The log and counters reset (first, the platform to its seed too); the latency stays.
                sim.prepare(reset_state=(phase == "first convergence"))
                seconds, codes = run_job(work, inventories, env, limits, "%d-%s" % (count, phase.split()[0]))
                row = dict(slices=count, phase=phase, seconds=seconds, exit_codes=codes, hosts=hosts,
                           requests=count_requests(sim)["total"])
                rows.append(row)
                print(json.dumps(row), flush=True)
    finally:
        sim.stop()
    return dict(users=args.users, latency_ms=args.latency_ms, cpus=os.cpu_count(), command=args.command, rows=rows,
                conditions=args.conditions)


def main(argv=None):
    args = parse_args(argv)
    result = results_of(args, run_all, indent=2)
    print(section(result))
    if not args.no_docs:
        replace_section(Path(args.docs), section(result), BEGIN, END)
    return 0 if all(code == 0 for row in result["rows"] for code in row["exit_codes"]) else 1


if __name__ == "__main__":
    sys.exit(main())
