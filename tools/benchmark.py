"""What the benchmarks of bench/ share: the runner, bench/run.py, and its scenarios (bench/scenarios/), and
bench/profile_rollout.py.

- ``Simulator``: the simulator of apio_sim.testing (the one launcher of the repository) with synthetic
  users, a latency per request and day-long tokens; ``prepare()`` before each measured run,
  ``count_requests()`` (tools/simlog.py) after it.
- ``run_playbook()`` and ``run_inventory()``: one measured ansible-playbook or ansible-inventory run,
  through tools/runner.py (the tests' runner too): wall time, CPU time and peak memory.
- ``machine()``, ``git_commit()``: what a result says about where it was measured.
- ``run_floor_client()``, ``floor_session()``, ``layout_floor_client()``: a scenario's bare ``requests``
  client, the floor its runs are measured against, in a process of its own (the roll-out's and the GitOps
  playbook's: ``layout_floor_client``).
- ``add_simulator_options()``: the simulator's options of a benchmark tool's command line.

The benchmarks run from the repository root as modules (``python -m bench.run SCENARIO``; the Makefile's
bench targets), so that ``tools`` and ``bench`` import from there.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import psutil
import requests
from apio_sim.testing import SEED_ADMIN, SYNTHETIC_GROUP, SYNTHETIC_TENANT, SimulatorError, SimulatorProcess, synthetic_id

from tools import runner
from tools.simlog import count_requests

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"

# The synthetic users of ``python -m apio_sim --users N``, and the seed account the benchmarks log in as.
TENANT, GROUP = SYNTHETIC_TENANT, SYNTHETIC_GROUP
USERNAME, PASSWORD = SEED_ADMIN["username"], SEED_ADMIN["password"]
user_id = synthetic_id  # user000000@bench.example...
SAMPLE_SECONDS = 0.1
RUN_TIMEOUT = 3600


# -- the simulator ---------------------------------------------------------------------------------

class Simulator(SimulatorProcess):
    """``python -m apio_sim`` with ``users`` synthetic users and ``latency_ms`` per request, its output
    in ``log``."""

    def __init__(self, users, latency_ms, log, access_ttl):
        super().__init__()
        self.latency_ms = latency_ms
        try:
            self.start(users=users, log=log, timeout=30,
                       extra_args=["--latency-ms", latency_ms, "--access-ttl", access_ttl])
        except SimulatorError as exc:
            raise SystemExit("bench: the simulator did not start, see %s (%s)" % (log, exc)) from None

    def prepare(self, reset_state):
        """Clear the log and counters (and the users' state when asked); put the latency back (reset
        clears it)."""
        self.reset(state=bool(reset_state))
        self.faults(latency_ms=self.latency_ms)


# -- one measured run --------------------------------------------------------------------------------

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


def relative(path):
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def run_playbook(playbook, vars_file, out_dir, name, extra_args=(), inventory="localhost,", sim=None, cwd=REPO,
                 check=False):
    """Run one playbook under measurement; returns wall time, memory, rc and the bench_timer callback's
    record. ``playbook``: a file of bench/playbooks, or a playbook of the collection by its name
    (``telephony.apio.phone_buttons``). ``extra_args`` go on the ansible-playbook command line after
    ``-e @vars_file`` (None: no vars file); ``sim``: the simulator's URL and seed credentials in the
    environment, as operators give them; ``cwd``: where it runs."""
    timer_file = out_dir / ("%s.timer.json" % name)
    log_file = out_dir / ("%s.log" % name)
    if timer_file.exists():
        timer_file.unlink()
    env = runner.environment(sim, connection=sim is not None, extra={
        "ANSIBLE_CALLBACK_PLUGINS": str(BENCH / "callback_plugins"), "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "ANSIBLE_HOST_KEY_CHECKING": "0", "BENCH_TIMER_FILE": str(timer_file)})
    path = playbook if str(playbook).startswith("telephony.apio.") else BENCH / "playbooks" / playbook
    args = runner.playbook_args(path, inventory=inventory, check=check, extra_vars_file=vars_file, more=extra_args)
    load_before = os.getloadavg()[0]
    job = runner.start("ansible-playbook", args, env, cwd, log=log_file, new_session=True)
    sampler = TreeSampler(job.proc.pid)
    sampler.start()
    run = job.wait(RUN_TIMEOUT)
    sampler.done.set()
    sampler.join()
    timer = json.loads(timer_file.read_text()) if timer_file.exists() else {"tasks": []}
    return dict(
        rc=run.rc,
        wall_s=round(run.seconds, 3),
        peak_tree_mb=round(sampler.peak_pss / 2**20, 1),
        peak_tree_rss_mb=round(sampler.peak_rss / 2**20, 1),
        peak_largest_mb=round(max(run.usage.ru_maxrss * 1024, sampler.peak_single) / 2**20, 1),
        cpu_s=round(run.usage.ru_utime + run.usage.ru_stime, 2),
        load_before=round(load_before, 2),
        load_after=round(os.getloadavg()[0], 2),
        tasks=timer["tasks"],
        log=relative(log_file),
    )


def run_inventory(sim, config, out_dir, name):
    """``ansible-inventory -i <config> --list -v --output FILE`` against ``sim`` under measurement (a
    source that fails fails the run); returns the InventoryRun, its log file and load averages."""
    log_file = out_dir / ("%s.log" % name)
    output = out_dir / ("%s.json" % name)
    load_before = os.getloadavg()[0]
    run = runner.inventory(sim, out_dir, config, "--list", "-v", "--output", output, name=name, log=log_file,
                           env={"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}, timeout=RUN_TIMEOUT)
    if run.rc != 0:
        raise SystemExit("bench: ansible-inventory failed (rc %d), see %s" % (run.rc, log_file))
    return run, log_file, dict(load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2))


# -- the floor: a bare requests client, in a process of its own ---------------------------------------

def floor_session(url, parallel):
    """A ``requests.Session`` logged in as the seed admin, with a connection for each of ``parallel``
    threads: what the floor clients time from."""
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_maxsize=parallel))
    answer = session.post(url + "/api/v01/auth/login", json={"username": USERNAME, "password": PASSWORD})
    answer.raise_for_status()
    session.headers["Authorization"] = "Bearer %s" % answer.json()["access_token"]
    return session


def normal_keys(keys):
    """Phone buttons keys as the floors compare them: each with its id, type, label and parameter (an
    empty string for none), sorted by id."""
    return sorted((dict(id=int(k["id"]), type=k.get("type") or "", label=k.get("label") or "",
                        parameter=k.get("parameter") or "") for k in keys), key=lambda k: k["id"])


def layout_floor_client(spec_file, write):
    """The bare client of the roll-out's and the GitOps playbook's floors, in the process that
    ``run_floor_client`` starts: one login, then per user of the spec (``parallel`` at once) a GET of its
    phone buttons and, when they differ from its layout in the spec and ``write``, a PUT of that layout.
    Prints one JSON line: its time from before the login to the last answer (requests is imported by then:
    start-up is not the floor's), the users that differ, the PUTs and its CPU time."""
    spec = json.loads(Path(spec_file).read_text())
    layouts = spec["layouts"]
    base = "%s/api/v1/tenants/%s/groups/%s/users/" % (spec["url"], quote(TENANT, safe=""), quote(GROUP, safe=""))
    cpu0, started = os.times(), time.monotonic()
    session = floor_session(spec["url"], spec["parallel"])

    def one(user):
        url = base + quote(user, safe="") + "/access_device/phone_buttons/"
        answer = session.get(url)
        answer.raise_for_status()
        if normal_keys(answer.json()["keys"]) == layouts[user]:
            return 0
        if write:
            session.put(url, json={"keys": layouts[user]}).raise_for_status()
        return 1

    with ThreadPoolExecutor(max_workers=spec["parallel"]) as pool:
        differ = sum(pool.map(one, spec["users"]))
    wall = time.monotonic() - started
    cpu1 = os.times()
    print(json.dumps(dict(work_s=round(wall, 3), differ=differ, puts=differ if write else 0,
                          cpu_s=round(cpu1.user - cpu0.user + cpu1.system - cpu0.system, 2))))
    return 0


def run_floor_client(scenario, args, sim, out_dir, name):
    """``python -m bench.run floor-client SCENARIO ARGS`` (the scenario's bare client) in a process of its
    own, from the repository root: the JSON line it prints, with the process's wall time, the load around it
    and the requests the simulator counted."""
    log_file = out_dir / ("%s.log" % name)
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "bench.run", "floor-client", scenario] + [str(a) for a in args],
                          capture_output=True, text=True, cwd=str(REPO), check=False, timeout=RUN_TIMEOUT)
    wall = time.monotonic() - started
    log_file.write_text(proc.stdout + proc.stderr)
    if proc.returncode != 0:
        raise SystemExit("bench: the floor client failed, see %s" % log_file)
    run = json.loads(proc.stdout.strip().splitlines()[-1])
    run.update(process_wall_s=round(wall, 3), load_before=round(load_before, 2),
               load_after=round(os.getloadavg()[0], 2), requests=count_requests(sim))
    return run


# -- where it was measured ----------------------------------------------------------------------------

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
    import ansible.release  # the venv's ansible-core (the benchmarks run with the venv python)

    return dict(
        nproc=os.cpu_count(),
        cpu=model,
        memory_gb=round(psutil.virtual_memory().total / 2**30, 1),
        os=platform.platform(),
        python=platform.python_version(),
        ansible_core=ansible.release.__version__,
        git_commit=git_commit(),
    )


# -- command line ------------------------------------------------------------------------------------

def add_simulator_options(parser, latency=True):
    """--latency-ms (unless the benchmark takes several) and --access-ttl."""
    if latency:
        parser.add_argument("--latency-ms", type=float, default=10.0,
                            help="simulator latency per request (default: %(default)s)")
    parser.add_argument("--access-ttl", type=float, default=86400.0,
                        help="lifetime of the simulator's access tokens in seconds (default: a day, so that no "
                             "run is cut short by a token refresh; the simulator's own default is 900)")
