#!/usr/bin/env python3
"""The phone buttons benchmark: what users write today against our module, side by side.

One simulator, one latency per request, the same synthetic users (``user000000@bench.example``...):

  (a) uri     ansible.builtin.uri: log in once, then per user GET the phone buttons and PUT when different
  (b) loop    telephony.apio.apio_phone_buttons, one user per loop item
  (c) batch   telephony.apio.apio_phone_buttons, every user in one task with ``batch``
  (d) ping    ansible.builtin.ping in a loop: the floor of one module run per item

Cases: ``first`` (first convergence: the simulator state is reset, every user changes) and ``steady``
(the same playbook again: nothing changes). For each run: the wall time of the ansible-playbook process,
the requests the simulator counted by method, its logins, the peak memory of the ansible process tree,
and, for the batch task, the size of its result.

    .venv/bin/python -m bench.run_bench                       # the full benchmark (make bench)
    .venv/bin/python -m bench.run_bench --smoke               # 50 users, asserts the counts (make bench-smoke)
    .venv/bin/python -m bench.run_bench --report-only         # re-render docs/benchmark.md from the results

Peak memory is measured for the process tree of ansible-playbook (the controller, its worker forks and
the module process): ``tree`` is the highest sum of the PSS (proportional set size: a page shared by n
processes counts 1/n in each) of every process in the tree, sampled every 100 ms with psutil, so that
pages the forks share with the controller count once (the sum of their RSS is kept too, as
``peak_tree_rss_mb``); ``largest`` is the peak RSS of the largest single process, the ``ru_maxrss``
that ``wait4`` reports (what ``/usr/bin/time -v`` prints as "Maximum resident set size").
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import report
from tools.benchmark import (
    GROUP,
    PASSWORD,
    SAMPLE_SECONDS,
    TENANT,
    USERNAME,
    Simulator,
    add_output_options,
    add_simulator_options,
    command_line,
    git_commit,
    machine,
    run_playbook,
    user_id,
)
from tools.simlog import count_requests

METHODS = {
    "uri": dict(label="(a) uri GET + conditional PUT loop", playbook="uri_loop.yml", loop=True),
    "loop": dict(label="(b) apio_phone_buttons in a loop", playbook="module_loop.yml", loop=True),
    "batch": dict(label="(c) apio_phone_buttons with batch", playbook="module_batch.yml", loop=False),
    "ping": dict(label="(d) ping loop (floor)", playbook="ping_loop.yml", loop=True),
}
CASES = ("first", "steady")
PHONE_TYPES = 3  # the simulator's bench users cycle through three phone types
# The layout rolled out: valid on the three phone types of the bench users and different from every
# user's initial keys (even users have none, odd users have keys 1 and 2 with other values), so that the
# first convergence changes every user. Every key has a parameter and a shown label, so that the uri
# loop can compare the GET answer with the layout as it is, as its users do.
LAYOUT = [
    {"id": 1, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"},
    {"id": 2, "type": "DIRECT_CALL", "label": "Helpdesk", "parameter": "1100"},
    {"id": 3, "type": "DIRECT_CALL", "label": "Security", "parameter": "1200"},
]


# -- the benchmark -------------------------------------------------------------------------------

def write_vars(path, sim, users, parallel):
    names = [user_id(i) for i in range(users)]
    data = {
        "ansible_python_interpreter": sys.executable,
        "bench_url": sim.url,
        "bench_username": USERNAME,
        "bench_password": PASSWORD,
        "bench_tenant": TENANT,
        "bench_group": GROUP,
        "bench_users": names,
        "bench_batch": [{"user": name} for name in names],
        "bench_layout": LAYOUT,
    }
    if parallel:
        data["bench_parallel"] = parallel
    path.write_text(json.dumps(data))


def changed_users(method, tasks):
    """How many users the run changed, as ansible reported it."""
    if not tasks:
        return None
    main = tasks[-1]
    if method == "batch":
        return (main.get("counts") or {}).get("changed")
    if method == "uri":
        return main.get("items")  # the PUT task: items not skipped
    if method == "loop":
        return main.get("changed_items")
    return 0


def measure(sim, method, case, users, vars_file, out_dir):
    spec = METHODS[method]
    if case == "first":
        sim.prepare(reset_state=True)
    else:
        sim.prepare(reset_state=False)
    name = "%s-%s-%d" % (method, case, users)
    run = run_playbook(spec["playbook"], vars_file, out_dir, name)
    run.update(method=method, case=case, users=users, requests=count_requests(sim))
    run["changed_users"] = changed_users(method, run["tasks"])
    main = run["tasks"][-1] if run["tasks"] else {}
    run["task_s"] = round(main["end"] - main["start"], 3) if main.get("end") else None
    run["loop_s"] = round(sum(t["end"] - t["start"] for t in run["tasks"][1 if method == "uri" else 0:]
                              if t.get("end")), 3)
    if method == "batch":
        run["result_bytes"] = main.get("result_bytes")
        run["result_invocation_bytes"] = main.get("invocation_bytes")
        run["result_results_bytes"] = main.get("results_bytes")
    req = run["requests"]
    print("bench: %-6s %-6s %6d users: rc=%d %.1f s  GET %d (+%d phone types) PUT %d logins %d  peak %.0f MB  changed %s"
          % (method, case, users, run["rc"], run["wall_s"], req["button_gets"], req["phone_type_gets"], req["puts"], req["logins"],
             run["peak_tree_mb"], run["changed_users"]), flush=True)
    if run["rc"] != 0:
        print("bench: the run failed, see %s" % run["log"], flush=True)
    with open(out_dir / "runs.jsonl", "a") as handle:  # what an interrupted run had measured
        handle.write(json.dumps(run) + "\n")
    return run


def converge(sim, vars_file, out_dir, users):
    """Bring the users to the layout (unmeasured), for a steady-state run without its first run."""
    sim.prepare(reset_state=True)
    run = run_playbook(METHODS["batch"]["playbook"], vars_file, out_dir, "converge-%d" % users)
    if run["rc"] != 0:
        raise SystemExit("bench: could not converge the users first, see %s" % run["log"])


def run_lane(args, methods, out_dir, tag=""):
    """Every user count for ``methods``, one run after the other, on a simulator of its own."""
    sizes = sorted(set(args.users))
    sim = Simulator(max(sizes), args.latency_ms, out_dir / ("simulator%s.log" % tag), args.access_ttl)
    runs = []
    try:
        for users in sizes:
            vars_file = out_dir / ("vars-%d%s.json" % (users, tag))
            write_vars(vars_file, sim, users, args.parallel)
            for method in methods:
                if METHODS[method]["loop"] and users > args.loop_max:
                    print("bench: %-6s stops at %d users: not run at %d" % (method, args.loop_max, users))
                    continue
                if method == "ping":
                    # ping changes nothing: one run stands for both cases.
                    runs.append(measure(sim, method, "any", users, vars_file, out_dir))
                    continue
                converged = False
                for case in [c for c in CASES if c in args.cases]:
                    if case == "first" and METHODS[method]["loop"] and users > args.first_loop_max:
                        print("bench: %-6s first convergence stops at %d users: not run at %d"
                              % (method, args.first_loop_max, users))
                        continue
                    if case == "steady" and not converged:
                        converge(sim, vars_file, out_dir, users)
                    run = measure(sim, method, case, users, vars_file, out_dir)
                    converged = run["rc"] == 0
                    runs.append(run)
    finally:
        sim.stop()
    return runs


def run_all(args):
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "runs.jsonl").unlink(missing_ok=True)
    started = time.time()
    commit_at_start = git_commit()
    if args.jobs <= 1:
        runs = run_lane(args, args.methods, out_dir)
    else:
        # Each method on its own simulator, ``jobs`` at a time: for the smoke, whose counts matter and
        # whose times do not (concurrent runs share the CPUs). Longest lanes first.
        lanes = sorted(args.methods, key=("uri", "loop", "ping", "batch").index)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            futures = [pool.submit(run_lane, args, [method], out_dir, "-" + method) for method in lanes]
            runs = [run for future in futures for run in future.result()]
    order = list(METHODS)
    runs.sort(key=lambda r: (r["users"], order.index(r["method"]), ("first", "steady", "any").index(r["case"])))
    found = machine()
    found["git_commit_start"] = commit_at_start  # the collection is used in place: it may change during a run
    return dict(
        machine=found,
        settings=dict(users=sorted(set(args.users)), jobs=args.jobs, latency_ms=args.latency_ms, loop_max=args.loop_max,
                      first_loop_max=args.first_loop_max, access_ttl=args.access_ttl, methods=args.methods,
                      cases=args.cases, parallel=args.parallel, layout=LAYOUT, sample_seconds=SAMPLE_SECONDS),
        command=args.command,
        started=time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)),
        duration_s=round(time.time() - started, 1),
        runs=runs,
    )


# -- checks ----------------------------------------------------------------------------------------

def check_counts(runs):
    """The request-count targets; returns a list of failures in words (empty: all good)."""
    failures = []
    for run in runs:
        where = "%s %s %d users" % (run["method"], run["case"], run["users"])
        n, req = run["users"], run["requests"]
        if run["rc"] != 0:
            failures.append("%s: ansible-playbook failed (rc %d), see %s" % (where, run["rc"], run["log"]))
            continue
        if run["method"] == "ping":
            if req["total"] != 0:
                failures.append("%s: ping sent %d requests" % (where, req["total"]))
            continue
        want_puts = n if run["case"] == "first" else 0
        if req["button_gets"] != n:
            failures.append("%s: %d phone buttons GETs, expected exactly %d (one per user)"
                            % (where, req["button_gets"], n))
        if req["puts"] != want_puts:
            failures.append("%s: %d PUTs, expected %d" % (where, req["puts"], want_puts))
        if run["changed_users"] != want_puts:
            failures.append("%s: ansible reported %s changed users, expected %d"
                            % (where, run["changed_users"], want_puts))
        # Logins: at most one per task, i.e. per module run (one per item in a loop).
        max_logins = n if run["method"] == "loop" else 1
        if req["logins"] > max_logins:
            failures.append("%s: %d logins, at most %d allowed" % (where, req["logins"], max_logins))
        # Phone types are read only to validate a write: never in the steady state, at most once per
        # phone type per task.
        max_types = 0 if run["case"] == "steady" else (n if run["method"] == "loop" else PHONE_TYPES)
        if run["method"] != "uri" and req["phone_type_gets"] > max_types:
            failures.append("%s: %d phone type GETs, at most %d expected"
                            % (where, req["phone_type_gets"], max_types))
        if req["other"] or req["listings"] or req["refreshes"]:
            failures.append("%s: %d unexpected other requests (%d listings) and %d token refreshes"
                            % (where, req["other"] + req["listings"], req["listings"], req["refreshes"]))
        if any(not status.startswith("2") for status in req["by_status"]):
            failures.append("%s: answers other than 2xx: %s" % (where, req["by_status"]))
    return failures


# -- command line ----------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", default="100,1000,10000", help="comma-separated user counts (default: %(default)s)")
    add_simulator_options(p)
    p.add_argument("--loop-max", type=int, default=1000,
                   help="the loops (a), (b), (d) run only up to this many users (default: %(default)s)")
    p.add_argument("--first-loop-max", type=int,
                   help="the loops (a) and (b) converge first only up to this many users (default: --loop-max)")
    p.add_argument("--methods", default=",".join(METHODS), help="subset of %s" % ",".join(METHODS))
    p.add_argument("--cases", default=",".join(CASES), help="subset of %s" % ",".join(CASES))
    p.add_argument("--parallel", type=int, help="parallel option of the batch task (default: the module's)")
    p.add_argument("--jobs", type=int, default=1,
                   help="run the methods side by side, each on its own simulator (only for counts: the "
                        "times are then not comparable; default 1, the smoke uses 2)")
    p.add_argument("--smoke", action="store_true",
                   help="50 users, every method and case, assert the request counts; writes no docs")
    add_output_options(p, "", "benchmark.json")
    args = p.parse_args(argv)
    args.command = command_line("run_bench.py", argv)
    if args.smoke:
        args.users, args.loop_max = "50", 50
        args.jobs = max(args.jobs, 2)
    if args.first_loop_max is None:
        args.first_loop_max = args.loop_max
    args.users = [int(u) for u in args.users.split(",") if u]
    args.methods = [m for m in args.methods.split(",") if m]
    args.cases = [c for c in args.cases.split(",") if c]
    bad = [m for m in args.methods if m not in METHODS] + [c for c in args.cases if c not in CASES]
    if bad or not args.users or min(args.users) < 1:
        p.error("unknown method or case, or no users: %s" % ", ".join(bad))
    return args


def main(argv=None):
    args = parse_args(argv)
    results_path = Path(args.results)
    if args.report_only:
        results = json.loads(results_path.read_text())
        report.write(results, Path(args.docs))
        print("bench: wrote %s" % args.docs)
        return 0
    if args.smoke:
        args.out_dir = str(Path(args.out_dir) / "smoke")
    results = run_all(args)
    failures = check_counts(results["runs"])
    results["count_failures"] = failures
    out = Path(args.out_dir) / "results.json"
    out.write_text(json.dumps(results, indent=1))
    print(report.summary(results))
    if not args.smoke:
        results_path.parent.mkdir(parents=True, exist_ok=True)
        results_path.write_text(json.dumps(results, indent=1))
        if not args.no_docs:
            report.write(results, Path(args.docs))
            print("bench: wrote %s and %s" % (results_path, args.docs))
    if failures:
        print("bench: request counts off target:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("bench: request counts on target (%d runs, %.0f s)" % (len(results["runs"]), results["duration_s"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
