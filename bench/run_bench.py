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

    .venv/bin/python bench/run_bench.py                       # the full benchmark (make bench)
    .venv/bin/python bench/run_bench.py --smoke               # 50 users, asserts the counts (make bench-smoke)
    .venv/bin/python bench/run_bench.py --report-only         # re-render docs/benchmark.md from the results

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
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

import report  # noqa: E402  (bench/report.py, next to this file)

METHODS = {
    "uri": dict(label="(a) uri GET + conditional PUT loop", playbook="uri_loop.yml", loop=True),
    "loop": dict(label="(b) apio_phone_buttons in a loop", playbook="module_loop.yml", loop=True),
    "batch": dict(label="(c) apio_phone_buttons with batch", playbook="module_batch.yml", loop=False),
    "ping": dict(label="(d) ping loop (floor)", playbook="ping_loop.yml", loop=True),
}
CASES = ("first", "steady")
TENANT, GROUP = "bench", "benchgroup"
USERNAME, PASSWORD = "admin", "admin-pass"
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
SAMPLE_SECONDS = 0.1
RUN_TIMEOUT = 3600


def user_id(i):
    return "user%06d@bench.example" % i


# -- simulator ------------------------------------------------------------------------------------

class Simulator:
    """``python -m apio_sim`` on a free loopback port, with its admin API."""

    def __init__(self, users, latency_ms, log_path, access_ttl):
        self.latency_ms = latency_ms
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "apio_sim", "--host", "127.0.0.1", "--port", str(self.port),
             "--users", str(users), "--latency-ms", str(latency_ms), "--access-ttl", str(access_ttl),
             "--log-level", "warning"],
            stdout=self.log, stderr=subprocess.STDOUT, cwd=str(REPO))
        deadline = time.monotonic() + 30
        while True:
            try:
                self.admin("GET", "health")
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise SystemExit("bench: the simulator did not start, see %s" % log_path) from None
                time.sleep(0.1)

    def admin(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request("%s/_sim/%s" % (self.url, path), data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as answer:
            return json.loads(answer.read() or b"null")

    def prepare(self, reset_state):
        """Clear the counters (and the users' state when asked); put the latency back (reset clears it)."""
        self.admin("POST", "reset", {"state": bool(reset_state)})
        self.admin("PUT", "faults", {"latency_ms": self.latency_ms})

    def counts(self):
        """The requests of the last run, by what they did (the admin API is never recorded)."""
        answer = self.admin("GET", "requests")
        counters = answer["counters"]
        kinds = dict(button_gets=0, puts=0, phone_type_gets=0, other=0)
        for request in answer["requests"]:
            method, path = request["method"], request["path"]
            if path.endswith("/access_device/phone_buttons/"):
                kinds["button_gets" if method == "GET" else "puts" if method == "PUT" else "other"] += 1
            elif method == "GET" and "/configs/phone_types/" in path:
                kinds["phone_type_gets"] += 1
            elif not path.startswith("/api/v01/auth/"):
                kinds["other"] += 1
        kinds.update(total=counters.get("total", 0), by_method=counters.get("by_method", {}),
                     by_status=counters.get("by_status", {}), logins=counters.get("logins", 0),
                     refreshes=counters.get("refreshes", 0))
        return kinds

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


# -- one measured ansible-playbook run -------------------------------------------------------------

class TreeSampler(threading.Thread):
    """Peak memory of a running process tree: sums of RSS and of PSS, and the largest single RSS."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_single = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.is_set():
            try:
                procs = [self.root] + self.root.children(recursive=True)
            except psutil.Error:
                break
            rss = pss = 0
            for proc in procs:
                try:
                    info = proc.memory_full_info()
                except psutil.Error:
                    continue
                rss += info.rss
                pss += info.pss
                self.peak_single = max(self.peak_single, info.rss)
            self.peak_rss = max(self.peak_rss, rss)
            self.peak_pss = max(self.peak_pss, pss)
            self.done.wait(SAMPLE_SECONDS)


def ansible_env(timer_file):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("APIO_", "ANSIBLE_")))
    env.update({
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(REPO / ".build" / "collections"),
        "ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "BENCH_TIMER_FILE": str(timer_file),
        "PATH": "%s:%s" % (Path(sys.executable).parent, os.environ.get("PATH", "")),
    })
    return env


def run_playbook(playbook, vars_file, out_dir, name, extra_args=()):
    """Run one playbook under measurement; returns wall time, memory, rc and the callback's record.

    ``extra_args`` go on the ansible-playbook command line after ``-e @vars_file``."""
    timer_file = out_dir / ("%s.timer.json" % name)
    log_file = out_dir / ("%s.log" % name)
    if timer_file.exists():
        timer_file.unlink()
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,",
           str(BENCH / "playbooks" / playbook), "-e", "@%s" % vars_file] + list(extra_args)
    load_before = os.getloadavg()[0]
    with open(log_file, "w") as log:
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=ansible_env(timer_file),
                                cwd=str(REPO), start_new_session=True)
        sampler = TreeSampler(proc.pid)
        sampler.start()
        killer = threading.Timer(RUN_TIMEOUT, lambda: os.killpg(proc.pid, signal.SIGKILL))
        killer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - started
        killer.cancel()
        sampler.done.set()
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    timer = json.loads(timer_file.read_text()) if timer_file.exists() else {"tasks": []}
    return dict(
        rc=proc.returncode,
        wall_s=round(wall, 3),
        peak_tree_mb=round(sampler.peak_pss / 2**20, 1),
        peak_tree_rss_mb=round(sampler.peak_rss / 2**20, 1),
        peak_largest_mb=round(max(usage.ru_maxrss * 1024, sampler.peak_single) / 2**20, 1),
        cpu_s=round(usage.ru_utime + usage.ru_stime, 2),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        tasks=timer["tasks"],
        log=str(log_file.relative_to(REPO)) if log_file.is_relative_to(REPO) else str(log_file),
    )


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
    run.update(method=method, case=case, users=users, requests=sim.counts())
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


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, check=False).stdout.strip()
    except OSError:
        return ""


def machine():

    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import ansible.release  # the venv's ansible-core (this script runs with the venv python)

    return dict(
        nproc=os.cpu_count(),
        cpu=model,
        memory_gb=round(psutil.virtual_memory().total / 2**30, 1),
        os=platform.platform(),
        python=platform.python_version(),
        ansible_core=ansible.release.__version__,
        git_commit=git_commit(),
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
        if req["other"] or req["refreshes"]:
            failures.append("%s: %d unexpected other requests and %d token refreshes"
                            % (where, req["other"], req["refreshes"]))
        if any(not status.startswith("2") for status in req["by_status"]):
            failures.append("%s: answers other than 2xx: %s" % (where, req["by_status"]))
    return failures


# -- command line ----------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", default="100,1000,10000", help="comma-separated user counts (default: %(default)s)")
    p.add_argument("--latency-ms", type=float, default=10.0, help="simulator latency per request (default: 10)")
    p.add_argument("--loop-max", type=int, default=1000,
                   help="the loops (a), (b), (d) run only up to this many users (default: %(default)s)")
    p.add_argument("--first-loop-max", type=int,
                   help="the loops (a) and (b) converge first only up to this many users (default: --loop-max)")
    p.add_argument("--access-ttl", type=float, default=86400.0,
                   help="lifetime of the simulator's access tokens in seconds (default: a day, so that the uri "
                        "loop, which logs in once, is not cut short; the simulator's own default is 900)")
    p.add_argument("--methods", default=",".join(METHODS), help="subset of %s" % ",".join(METHODS))
    p.add_argument("--cases", default=",".join(CASES), help="subset of %s" % ",".join(CASES))
    p.add_argument("--parallel", type=int, help="parallel option of the batch task (default: the module's)")
    p.add_argument("--jobs", type=int, default=1,
                   help="run the methods side by side, each on its own simulator (only for counts: the "
                        "times are then not comparable; default 1, the smoke uses 2)")
    p.add_argument("--smoke", action="store_true",
                   help="50 users, every method and case, assert the request counts; writes no docs")
    p.add_argument("--out-dir", default=str(BENCH / "out"), help="logs and raw runs (default: bench/out)")
    p.add_argument("--results", default=str(BENCH / "results" / "benchmark.json"),
                   help="where the full run's results go (default: bench/results/benchmark.json)")
    p.add_argument("--docs", default=str(REPO / "docs" / "benchmark.md"), help="the report to write")
    p.add_argument("--no-docs", action="store_true", help="do not write the report")
    p.add_argument("--report-only", action="store_true", help="only render the report from --results")
    args = p.parse_args(argv)
    args.command = " ".join(["bench/run_bench.py"] + (sys.argv[1:] if argv is None else list(argv)))
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
