"""One runner for the benchmarks: ``python -m bench.run SCENARIO``.

A scenario is data: ``bench/scenarios/SCENARIO.yml`` gives its settings and their defaults (and the
smoke's), the steps it measures in order, the file its results go to, and the section of
docs/benchmark.md it writes. What cannot be data (an input file's contents, a floor client, the words of
its report) is in ``bench/scenarios/SCENARIO.py``, named from the YAML.

Steps (each a mapping; ``for:`` repeats it, ``when:`` skips it, or skips an iteration of its ``for``):

The settings have ``smoke``, true with ``--smoke``: a scenario's checks may leave out what its smoke
cannot measure (times, at a few users).

- ``simulator: {users: N}``: a simulator of N synthetic users with the scenario's ``latency_ms`` and
  ``access_ttl``, until the end of the steps it is in; its URL is ``simulator_url``.
- ``call: HOOK``: ``HOOK(ctx)`` of the scenario's module; the mapping it returns becomes variables.
- ``playbook: FILE``: one measured ``ansible-playbook`` run (a file of bench/playbooks or a playbook of
  the collection), with ``vars_file``, ``inventory``, ``check``, ``extra_args``, ``cwd``, ``connection``
  (the simulator's URL and credentials in the environment), ``task`` (the end of the name of the task
  whose timer record it keeps; default: the last task).
- ``inventory: CONFIG``: one measured ``ansible-inventory --list`` of the users inventory plugin.
- ``floor: [ARGS]``: the scenario's bare client (``floor_client(argv)`` of its module) in a process of
  its own.
- ``inprocess: HOOK``: ``HOOK(ctx)`` measured in this process (the step's name is ``name``); it returns
  the run's record.
- ``for: {VAR: VALUES, ...}`` with ``steps:`` (or on a step of its own): the steps for each combination of
  the values, the first variable outermost (``jobs: N``: N combinations at a time, each with its own
  simulator).

A measured step records a run: its ``name``, the loop's variables it names in ``record:``, what was
measured and the requests the simulator counted; ``state: reset`` first puts the simulator's users back
to their seed (else only its log and counters are cleared); ``after: HOOK`` adds to the record
(``HOOK(ctx, run)``); ``set: {VAR: EXPR}`` keeps something of it for the next steps (``run`` is the
record); ``unmeasured: true`` keeps no record and stops the benchmark if it fails. Values are Jinja2:
``"{{ users | max }}"`` is the largest of the ``users`` setting.

The scenario's module may also define ``finish(results)`` (what it derives from the runs), ``checks(results)``
(its targets: ``[(target, ok, measured)]``, ok None when not measured; a missed one makes the exit
status 1) and
``section(results, docs_path)`` (its section of the page, without the markers, which the runner adds).

    .venv/bin/python -m bench.run --list
    .venv/bin/python -m bench.run buttons                     # the full benchmark (make bench)
    .venv/bin/python -m bench.run buttons --smoke             # the smoke (make bench-smoke)
    .venv/bin/python -m bench.run rollout --set users=300 --no-docs --results /tmp/r.json
    .venv/bin/python -m bench.run buttons --report-only       # re-render its section from its results
"""

from __future__ import annotations

import argparse
import importlib
import itertools
import json
import re
import subprocess
import sys
import threading
import time
from collections import ChainMap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml
from jinja2 import StrictUndefined
from jinja2.nativetypes import NativeEnvironment

from tools.benchmark import (
    BENCH,
    REPO,
    SAMPLE_SECONDS,
    Simulator,
    git_commit,
    machine,
    relative,
    run_floor_client,
    run_inventory,
    run_playbook,
)
from tools.simlog import count_requests

SCENARIOS = BENCH / "scenarios"
DOCS = REPO / "docs" / "benchmark.md"
MEASURED = ("playbook", "inventory", "floor", "inprocess")
KINDS = ("simulator", "call") + MEASURED
EXPRESSIONS = NativeEnvironment(undefined=StrictUndefined)
# A task's bench_timer fields kept in the run's record, under the record's names.
TASK_FIELDS = {"counts": "counts", "result_bytes": "result_bytes", "result_str_bytes": "result_str_bytes",
               "results_bytes": "result_results_bytes", "invocation_bytes": "result_invocation_bytes",
               "msg": "task_msg", "items": "items", "changed_items": "changed_items"}


# -- the scenario --------------------------------------------------------------------------------------

class Scenario:
    """bench/scenarios/NAME.yml and its module, bench.scenarios.NAME."""

    def __init__(self, name, directory=SCENARIOS, package="bench.scenarios"):
        path = directory / ("%s.yml" % name)
        if not path.exists():
            raise SystemExit("bench: no scenario %r (there are: %s)" % (name, ", ".join(names(directory))))
        self.name = name
        self.data = yaml.safe_load(path.read_text())
        self.module = importlib.import_module("%s.%s" % (package, name))
        self.results = REPO / self.data["results"]
        self.title = self.data["title"]

    def hook(self, name):
        if not hasattr(self.module, name):
            raise SystemExit("bench: scenario %s names %s(), which bench/scenarios/%s.py does not define"
                             % (self.name, name, self.name))
        return getattr(self.module, name)

    def optional(self, name):
        return getattr(self.module, name, None)

    def settings(self, assignments, smoke):
        """The settings: the scenario's defaults, then the smoke's, then ``--set NAME=VALUE``'s."""
        found = dict(self.data.get("settings") or {}, smoke=smoke)
        if smoke:
            found.update(self.data.get("smoke") or {})
        for assignment in assignments:
            key, _, text = assignment.partition("=")
            if key not in found:
                raise SystemExit("bench: scenario %s has no setting %r (it has: %s)"
                                 % (self.name, key, ", ".join(sorted(found))))
            found[key] = setting_value(found[key], text)
        return found


def names(directory=SCENARIOS):
    return sorted(path.stem for path in directory.glob("*.yml"))


def setting_value(default, text):
    """``--set`` text as the setting's type: ``users=100,1000`` is a list when the default is one."""
    value = yaml.safe_load(text)
    if isinstance(default, list) and not isinstance(value, list):
        value = [yaml.safe_load(item) for item in str(text).split(",") if item]
    return value


# -- what the steps see --------------------------------------------------------------------------------

class Context:
    """The variables of a step (its loops' over the scenario's vars and settings), the simulator it runs
    against, and the runs recorded so far (one list for the whole benchmark)."""

    def __init__(self, scenario, variables, out_dir, runs, lock, sim=None):
        self.scenario = scenario
        self.vars = variables
        self.out_dir = out_dir
        self.runs = runs
        self.lock = lock
        self.sim = sim

    def child(self, **variables):
        return Context(self.scenario, self.vars.new_child(variables), self.out_dir, self.runs, self.lock, self.sim)

    def value(self, template):
        """A step's value with its Jinja2 expressions evaluated, in lists and mappings too."""
        if isinstance(template, str):
            return EXPRESSIONS.from_string(template).render(self.vars) if "{" in template else template
        if isinstance(template, list):
            return [self.value(item) for item in template]
        if isinstance(template, dict):
            return {key: self.value(item) for key, item in template.items()}
        return template

    def test(self, expression):
        return bool(EXPRESSIONS.compile_expression(expression)(**self.vars))

    def record(self, run):
        with self.lock:
            self.runs.append(run)
            with open(self.out_dir / "runs.jsonl", "a") as handle:  # what an interrupted run had measured
                handle.write(json.dumps(run) + "\n")


# -- the steps -----------------------------------------------------------------------------------------

def execute(steps, ctx):
    """Run ``steps`` in order; a simulator one of them starts stops when they end."""
    started = []
    try:
        for step in steps:
            if "for" in step:
                loop(step, ctx)
                continue
            if "when" in step and not ctx.test(step["when"]):
                continue
            kind = kind_of(step)
            if kind == "simulator":
                ctx.sim = start_simulator(step, ctx)
                ctx.vars.maps[0]["simulator_url"] = ctx.sim.url
                started.append(ctx.sim)
            elif kind == "call":
                ctx.vars.maps[0].update(ctx.scenario.hook(step["call"])(ctx) or {})
            else:
                measure(kind, step, ctx)
    finally:
        for sim in started:
            sim.stop()


def kind_of(step):
    found = [kind for kind in KINDS if kind in step]
    if "playbook" in found:  # a playbook step's ``inventory`` is its option, not a kind
        found = ["playbook"]
    if len(found) != 1:
        raise SystemExit("bench: a step needs one of %s: %s" % (", ".join(KINDS), step))
    return found[0]


def loop(step, ctx):
    """The step's ``steps`` (or the step itself without ``for``) for each combination of its loop's values,
    the first variable outermost."""
    values = ctx.value(step["for"])
    combinations = [dict(zip(values, combo, strict=True)) for combo in itertools.product(*values.values())]
    body = step.get("steps") or [{k: v for k, v in step.items() if k not in ("for", "when", "jobs")}]
    when = step.get("when")
    jobs = int(ctx.value(step.get("jobs", 1)) or 1)
    if jobs <= 1:
        scope = ctx.child()  # one scope for the whole loop: what an iteration sets, the next one sees
        for combination in combinations:
            scope.vars.maps[0].update(combination)
            if when is None or scope.test(when):
                execute(body, scope)
        return
    scopes = [ctx.child(**combination) for combination in combinations]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(execute, body, scope) for scope in scopes if when is None or scope.test(when)]
        for future in futures:
            future.result()


def start_simulator(step, ctx):
    spec = ctx.value(step["simulator"])
    log = ctx.out_dir / spec.get("log", "simulator.log")
    latency = spec.get("latency_ms", ctx.vars["latency_ms"])
    return Simulator(int(spec["users"]), latency, log, ctx.vars["access_ttl"])


def measure(kind, step, ctx):
    name = ctx.value(step.get("name", kind))
    if ctx.sim is not None:
        ctx.sim.prepare(reset_state=ctx.value(step.get("state", "keep")) == "reset")
    run = dict(name=name, kind=kind)
    run.update(ctx.value(step.get("record") or {}))
    run.update(MEASURE[kind](step, ctx, name))
    if ctx.sim is not None and kind != "floor":
        run["requests"] = count_requests(ctx.sim)
    if step.get("after"):
        ctx.scenario.hook(step["after"])(ctx, run)
    run.pop("output", None)
    print(run_line(run), flush=True)
    if step.get("unmeasured"):
        if run.get("rc", 0) != 0:
            raise SystemExit("bench: %s failed, see %s" % (name, run.get("log")))
    else:
        ctx.record(run)
    if step.get("set"):
        scope = ctx.child(run=run)
        ctx.vars.maps[0].update({key: scope.value(expr) for key, expr in step["set"].items()})
    return run


def measure_playbook(step, ctx, name):
    vars_file = ctx.value(step.get("vars_file"))
    inventory = ctx.value(step.get("inventory", "localhost,"))
    run = run_playbook(ctx.value(step["playbook"]), Path(vars_file) if vars_file else None, ctx.out_dir, name,
                       extra_args=[str(a) for a in ctx.value(step.get("extra_args") or [])], inventory=inventory,
                       sim=ctx.sim if ctx.value(step.get("connection", False)) else None,
                       cwd=Path(ctx.value(step.get("cwd", str(REPO)))), check=bool(ctx.value(step.get("check", False))))
    suffix = ctx.value(step.get("task"))
    tasks = run["tasks"]
    main = next((t for t in tasks if t["name"].endswith(suffix)), {}) if suffix else (tasks[-1] if tasks else {})
    run["task_s"] = round(main["end"] - main["start"], 3) if main.get("end") else None
    run.update({ours: main.get(theirs) for theirs, ours in TASK_FIELDS.items() if theirs in main})
    return run


def measure_inventory(step, ctx, name):
    found, log_file, load = run_inventory(ctx.sim, ctx.value(step["inventory"]), ctx.out_dir, name)
    run = dict(rc=found.rc, wall_s=round(found.seconds, 2), cpu_s=round(found.usage.ru_utime + found.usage.ru_stime, 2),
               peak_rss_mb=round(found.usage.ru_maxrss / 1024, 1), log=relative(log_file), **load)
    run["output"] = found  # for the step's after hook, which takes what it keeps of it and removes it
    return run


def measure_floor(step, ctx, name):
    return run_floor_client(ctx.scenario.name, ctx.value(step["floor"]), ctx.sim, ctx.out_dir, name)


def measure_inprocess(step, ctx, name):
    return ctx.scenario.hook(step["inprocess"])(ctx.child(name=name))


MEASURE = dict(playbook=measure_playbook, inventory=measure_inventory, floor=measure_floor, inprocess=measure_inprocess)


def run_line(run):
    """One line per run: what was measured and the requests counted."""
    parts = ["bench: %-24s" % run["name"]]
    if "rc" in run:
        parts.append("rc=%d" % run["rc"])
    if "wall_s" in run:
        parts.append("%.1f s" % run["wall_s"])
    if "work_s" in run:
        parts.append("%.1f s (process %.1f s)" % (run["work_s"], run.get("process_wall_s", 0)))
    if run.get("task_s"):
        parts.append("(task %.1f s)" % run["task_s"])
    if "cpu_s" in run:
        parts.append("CPU %.1f s" % run["cpu_s"])
    req = run.get("requests")
    if req:
        parts.append("GET %d (+%d phone types, +%d listings) PUT %d logins %d"
                     % (req["button_gets"], req["phone_type_gets"], req["listings"], req["puts"], req["logins"]))
    if "peak_tree_mb" in run:
        parts.append("peak %.0f MB" % run["peak_tree_mb"])
    if "load_before" in run:
        parts.append("load %.1f->%.1f" % (run["load_before"], run["load_after"]))
    if run.get("rc"):
        parts.append("FAILED, see %s" % run.get("log"))
    return "  ".join(parts)


# -- the benchmark -------------------------------------------------------------------------------------

def run_all(scenario, settings, out_dir, command):
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "runs.jsonl").unlink(missing_ok=True)
    started = time.time()
    commit_at_start, uncommitted_at_start = git_commit(), uncommitted()
    variables = ChainMap({}, dict(settings), scenario.data.get("vars") or {}, dict(out_dir=str(out_dir)))
    runs = []
    execute(scenario.data["steps"], Context(scenario, variables, out_dir, runs, threading.Lock()))
    found = machine()
    # The collection is used in place: it may change during a run.
    found.update(git_commit_start=commit_at_start, uncommitted_start=uncommitted_at_start, uncommitted_end=uncommitted())
    return dict(scenario=scenario.name, machine=found, settings=dict(settings, sample_seconds=SAMPLE_SECONDS),
                command=command, started=time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(started)),
                duration_s=round(time.time() - started, 1), runs=runs)


def uncommitted():
    """Uncommitted changes of the collection's code (plugins/, roles/, playbooks/) as ``git status`` says them."""
    found = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "plugins", "roles", "playbooks"],
                           capture_output=True, text=True, check=False)
    return [line.strip() for line in found.stdout.splitlines()]


def evaluate(scenario, results):
    """The scenario's derived numbers and its targets, kept in the results."""
    finish = scenario.optional("finish")
    if finish:
        finish(results)
    checks = scenario.optional("checks")
    found = checks(results) if checks else []
    results["checks"] = [dict(target=t, result=verdict(ok), measured=m) for t, ok, m in found]
    return found


def verdict(ok):
    """A target met, missed, or not measured in this run (None)."""
    return "n/a" if ok is None else "PASS" if ok else "MISS"


def write_results(path, results):
    # Paths of this checkout (a playbook's message, a log) are kept relative to it: the results are committed.
    text = json.dumps(results, indent=1, default=str).replace(str(REPO) + "/", "")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n")
    return json.loads(text)


def write_section(scenario, results, docs_path):
    """The scenario's section, between its markers: in place of the text between them (whatever the words of
    the begin marker), or at the end of the page the first time. The rest of the page is left as it is."""
    name = scenario.name
    begin = "<!-- bench:%s:begin (python -m bench.run %s writes this section) -->" % (name, name)
    end = "<!-- bench:%s:end -->" % name
    block = "\n".join([begin, scenario.hook("section")(results, docs_path).strip("\n"), end])
    page = docs_path.read_text() if docs_path.exists() else ""
    found = re.search(r"<!-- bench:%s:begin\b.*?-->.*?%s" % (re.escape(name), re.escape(end)), page, re.S)
    page = page[:found.start()] + block + page[found.end():] if found else page.rstrip("\n") + "\n\n" + block + "\n"
    docs_path.write_text(page)


# -- command line --------------------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog="scenarios: %s" % ", ".join(names()))
    p.add_argument("scenario", nargs="?", help="bench/scenarios/SCENARIO.yml")
    p.add_argument("--list", action="store_true", help="the scenarios, their titles and settings")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a setting of the scenario (users=10000; a list: users=100,1000)")
    p.add_argument("--smoke", action="store_true",
                   help="the scenario's smoke settings; its checks decide the exit status, and nothing is written "
                        "but under --out-dir")
    p.add_argument("--out-dir", help="logs and raw runs (default: bench/out/SCENARIO)")
    p.add_argument("--results", help="where the results go (default: the scenario's file of bench/results)")
    p.add_argument("--docs", default=str(DOCS), help="the page its section goes to (default: %(default)s)")
    p.add_argument("--no-docs", action="store_true", help="do not write the section")
    p.add_argument("--report-only", action="store_true", help="only render the section from --results")
    return p.parse_args(argv)


def list_scenarios():
    for name in names():
        scenario = Scenario(name)
        print("%-12s %s\n%12s settings: %s" % (name, scenario.title, "", json.dumps(scenario.data.get("settings"))))
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["floor-client"]:
        return Scenario(argv[1]).hook("floor_client")(argv[2:])
    args = parse_args(argv)
    if args.list or not args.scenario:
        return list_scenarios()
    scenario = Scenario(args.scenario)
    out_dir = Path(args.out_dir or BENCH / "out" / scenario.name)
    if args.smoke:
        out_dir = out_dir / "smoke"
    results_path = Path(args.results) if args.results else (out_dir / "results.json" if args.smoke else scenario.results)
    if args.report_only:
        if args.set:
            raise SystemExit("bench: --report-only renders the results as they were measured; --set changes what "
                             "a run measures (to say something about a run, edit its settings in %s)" % results_path)
        results = json.loads(results_path.read_text())
    else:
        command = " ".join(["python -m bench.run"] + argv)
        results = run_all(scenario, scenario.settings(args.set, args.smoke), out_dir.resolve(), command)
    found = evaluate(scenario, results)
    results = write_results(results_path, results)
    summary = scenario.optional("summary")
    if summary:
        print(summary(results))
    for target, ok, measured in found:
        print("bench: %s %s: %s" % (verdict(ok), target, measured))
    if not (args.no_docs or args.smoke):
        write_section(scenario, results, Path(args.docs))
        print("bench: wrote %s and %s" % (results_path, args.docs))
    return 0 if all(ok is not False for _, ok, _ in found) else 1


if __name__ == "__main__":
    sys.exit(main())
