"""The one runner of ``ansible-playbook`` and ``ansible-inventory``, for the tests and the benchmarks.

``environment(sim, ...)`` is the environment of a run: this process's, without the caller's APIO_*,
ANSIBLE_* and MOLECULE_* variables, with the collection in place (the work tree's ansible.cfg and
.build/collections), no colours, this Python's bin first on PATH and, with ``connection=True``, the
simulator's URL and seed credentials as the environment variables operators set (``sim.environment()``).

``start(tool, args, env, cwd)`` starts ``tool`` (a command of this Python's bin); ``Job.wait()`` gives a
``Run`` (``PlaybookRun`` with the task results of the ``result_dump`` callback when ``dump`` was given,
``InventoryRun`` with the decoded ``--list`` output). With ``log`` the output goes to that file and the run
keeps its resource usage (``wait4``), as the benchmarks measure it (``stdout`` is then the file's text);
otherwise it is captured.

``playbook()`` and ``inventory()`` are the two runs the suites make: plays (or a playbook file) and the
inventory plugin's config, written to a directory and run there.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COLLECTIONS = REPO / ".build" / "collections"
CALLBACKS = REPO / "tests" / "integration" / "callback_plugins"  # result_dump
BIN = Path(sys.executable).parent
INVENTORY_PLUGIN = "telephony.apio.users"


def environment(sim=None, connection=False, dump=None, extra=None):
    """The environment of an ansible run against ``sim`` (see the module docstring); ``dump``: the file the
    ``result_dump`` callback writes the task results to; ``extra``: more variables, set last."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIO_", "ANSIBLE_", "MOLECULE_"))}
    env.update({
        "PATH": "%s%s%s" % (BIN, os.pathsep, env.get("PATH", "")),
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1", "PY_COLORS": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
    })
    if connection:
        env.update(sim.environment())
    if dump is not None:
        env.update({"ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS), "ANSIBLE_CALLBACKS_ENABLED": "result_dump",
                    "RESULT_DUMP_FILE": str(dump)})
    env.update(extra or {})
    return env


class Run:
    """A finished run: return code, output, wall time and (with ``log``) resource usage."""

    def __init__(self, rc, stdout, stderr, seconds, usage=None):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds
        self.usage = usage  # os.wait4's resource usage, for runs with a log file

    @property
    def output(self):
        return self.stdout + self.stderr

    @property
    def text(self):
        """The output with its whitespace folded (ansible-core 2.16 wraps warnings at 80 columns)."""
        return " ".join(self.output.split())


class PlaybookRun(Run):
    """An ansible-playbook run; ``results`` are the ``result_dump`` callback's lines, decoded."""

    def __init__(self, rc, stdout, stderr, seconds, usage=None, raw_results=""):
        super().__init__(rc, stdout, stderr, seconds, usage)
        self.raw_results = raw_results  # the callback's JSON lines, as written
        self.results = [json.loads(line) for line in raw_results.splitlines() if line.strip()]

    def _last(self, task):
        found = [r for r in self.results if task is None or r["task"] == task]
        assert found, "no result for task %r in:\n%s" % (task, self.output)
        return found[-1]

    def result(self, task=None):
        """The result of the task named ``task`` (the last task when not given)."""
        return self._last(task)["result"]

    def status(self, task=None):
        """'ok', 'failed' or 'skipped', as the callback saw the task (ansible 2.19 results carry no 'failed')."""
        return self._last(task)["status"]

    def fact(self, name):
        """The last value that a set_fact task gave to ``name``."""
        found = [r["result"]["ansible_facts"][name] for r in self.results
                 if name in (r["result"].get("ansible_facts") or {})]
        assert found, "no fact %r in:\n%s" % (name, self.output)
        return found[-1]


def unwrap(value):
    """``--list`` data with every ``{"__ansible_unsafe": x}`` replaced by ``x``."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


class InventoryRun(Run):
    """An ansible-inventory run; ``data`` is its ``--list`` JSON, with ansible-core 2.19+'s
    ``{"__ansible_unsafe": value}`` (values that will never be templated) replaced by the value."""

    output_file = None  # --output FILE, when the caller gave one (read instead of stdout)

    @property
    def data(self):
        assert self.rc == 0, self.output
        return unwrap(json.loads(Path(self.output_file).read_text() if self.output_file else self.stdout))

    def hostvars(self, host):
        return self.data["_meta"]["hostvars"][host]

    def group(self, name):
        """{"hosts": [...], "children": [...]} of one group of the --list output (both keys always there)."""
        found = self.data.get(name, {})
        return {"hosts": sorted(found.get("hosts", [])), "children": sorted(found.get("children", []))}

    def hosts_of(self, name):
        """Every host of a group and of its children, as a host pattern selects them."""
        data = self.data
        found = set(data.get(name, {}).get("hosts", []))
        for child in data.get(name, {}).get("children", []):
            found.update(self.hosts_of(child))
        return sorted(found)


class Job:
    """A started ansible-playbook or ansible-inventory; ``wait()`` gives its Run."""

    def __init__(self, tool, args, env, cwd, dump=None, log=None, new_session=False):
        self.tool = tool
        self.dump = Path(dump) if dump else None
        if self.dump and self.dump.exists():
            self.dump.unlink()
        self.log = Path(log) if log else None
        self.new_session = new_session
        output = dict(stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        handle = None
        if self.log:
            handle = open(self.log, "w")  # noqa: SIM115 - the child has its own copy once started
            output = dict(stdout=handle, stderr=subprocess.STDOUT)
        self.started = time.monotonic()
        try:
            self.proc = subprocess.Popen([str(BIN / tool)] + [str(a) for a in args], env=env, cwd=str(cwd),
                                         start_new_session=new_session, **output)
        finally:
            if handle:
                handle.close()

    def kill(self):
        """The tool and, in a session of its own, its workers."""
        if self.new_session:
            os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.kill()

    def wait(self, timeout=600):
        stdout = stderr = ""
        usage = None
        if self.log:
            # wait4: the resource usage of this process alone (runs may go on side by side).
            killer = threading.Timer(timeout, self.kill)
            killer.start()
            try:
                unused_pid, status, usage = os.wait4(self.proc.pid, 0)
            finally:
                killer.cancel()
            self.proc.returncode = os.waitstatus_to_exitcode(status)
            stdout = self.log.read_text(errors="replace")
        else:
            try:
                stdout, stderr = self.proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # As subprocess.run(timeout=...) does: nothing left behind.
                self.kill()
                self.proc.communicate()
                raise
        seconds = time.monotonic() - self.started
        if self.tool == "ansible-inventory":
            return InventoryRun(self.proc.returncode, stdout, stderr, seconds, usage)
        raw = self.dump.read_text() if self.dump and self.dump.exists() else ""
        return PlaybookRun(self.proc.returncode, stdout, stderr, seconds, usage, raw)


def start(tool, args, env, cwd, dump=None, log=None, new_session=False):
    """Start ``tool`` (ansible-playbook or ansible-inventory of this Python) with ``args``; returns a Job."""
    return Job(tool, args, env, cwd, dump=dump, log=log, new_session=new_session)


def playbook_args(path, inventory=None, check=False, diff=False, verbosity=0, extra_vars_file=None, more=()):
    """The command line of ansible-playbook: ``-e @file`` for the extra vars, as operators keep secrets
    out of playbooks."""
    args = [str(path)]
    if inventory:
        args += ["-i", str(inventory)]
    if check:
        args.append("--check")
    if diff:
        args.append("--diff")
    if verbosity:
        args.append("-" + "v" * verbosity)
    if extra_vars_file:
        args += ["-e", "@%s" % extra_vars_file]
    return args + list(more)


def start_playbook(sim, directory, plays, name="play", connection=True, inventory=None, check=False,
                   diff=False, verbosity=0, extra_vars=None, env=None, log=None, new_session=False, limit=None):
    """Start ansible-playbook on ``plays`` (a list of plays, written to ``directory/name.yml``, or the path
    of a playbook) in ``directory``, the task results recorded; ``extra_vars`` go in
    ``directory/name-vars.json``; ``limit``: ``--limit``. ``connection``: the simulator's URL and seed
    credentials in the environment. Returns a Job."""
    directory = Path(directory)
    if isinstance(plays, (str, Path)):
        path = plays
    else:
        path = directory / ("%s.yml" % name)
        path.write_text(yaml.safe_dump(plays, sort_keys=False))
    variables = None
    if extra_vars:
        variables = directory / ("%s-vars.json" % name)
        variables.write_text(json.dumps(extra_vars))
    args = playbook_args(path, inventory, check, diff, verbosity, variables, ["--limit", limit] if limit else ())
    dump = directory / ("%s-results.jsonl" % name)
    return start("ansible-playbook", args, environment(sim, connection, dump, env), directory, dump=dump, log=log,
                 new_session=new_session)


def playbook(sim, directory, plays, timeout=600, **kwargs):
    """Run ansible-playbook (see ``start_playbook``); returns a PlaybookRun."""
    return start_playbook(sim, directory, plays, **kwargs).wait(timeout)


def inventory(sim, directory, config, *args, env=None, name="x", connection=True, log=None, timeout=900):
    """Write the inventory plugin's options ``config`` (``plugin`` added) to ``directory/name.apio_users.yml``
    and run ``ansible-inventory -i <file> *args`` (``--list`` when no args) in ``directory``; returns an
    InventoryRun. ``connection``: the simulator's URL and seed credentials in the environment, as operators
    give them."""
    path = Path(directory) / ("%s.apio_users.yml" % name)
    path.write_text(yaml.safe_dump(dict(config, plugin=INVENTORY_PLUGIN), sort_keys=False))
    args = ["-i", str(path)] + list(args or ["--list"])
    job = start("ansible-inventory", args, environment(sim, connection, extra=env), directory, log=log)
    run = job.wait(timeout)
    if "--output" in args:
        run.output_file = args[args.index("--output") + 1]
    return run
