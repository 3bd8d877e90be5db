"""Ways to run the modules for the reliability tests, and what they share.

- ``make_runner(sim, tmp_path)``: real ``ansible-playbook`` runs against a simulator, results read
  through the integration tests' ``result_dump`` callback (the same runner as tests/integration,
  plus timing and extra command-line options).
- ``run_module(main, args)``: a module's ``main()`` in this process, for the property-based tests,
  where a playbook per example would be far too slow.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".build" / "collections"
CALLBACKS = REPO / "tests" / "integration" / "callback_plugins"
BIN = Path(sys.executable).parent
FIGURES = REPO / ".build" / "reliability"

if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

ADMIN = {"username": "admin", "password": "admin-pass"}
PORTAL_CLIENT = {"client_id": "sim-client", "client_secret": "sim-client-secret"}
CUSTOMER = "11111111-1111-4111-8111-111111111111"
BENCH_CUSTOMER = "33333333-3333-4333-8333-333333333333"
FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}
BENCH = {"tenant": "bench", "group": "benchgroup"}


def bench_user(i):
    """The id of synthetic user ``i`` of ``--users N``."""
    return "user%06d@bench.example" % i


def writes(requests):
    """The writes among recorded requests (anything but GET, logins and token requests)."""
    return [r for r in requests
            if r["method"] in ("PUT", "POST", "PATCH", "DELETE") and "/auth/" not in r["path"]
            and not r["path"].endswith("/connect/token")]


def record_figures(name, figures):
    """Keep the measured figures of one test in .build/reliability/<name>.json (for docs/reliability.md)."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / ("%s.json" % name)).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")


class PlaybookRun:
    def __init__(self, rc, stdout, stderr, results, seconds, raw_results):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.results = results
        self.seconds = seconds
        self.raw_results = raw_results  # the callback's JSON lines, as written

    def result(self, task=None):
        """The result of the task named ``task`` (the last task when not given)."""
        found = [r for r in self.results if task is None or r["task"] == task]
        assert found, "no result for task %r in:\n%s\n%s" % (task, self.stdout, self.stderr)
        return found[-1]["result"]

    def status(self, task=None):
        """'ok', 'failed' or 'skipped', as the callback saw the task (ansible 2.19 results carry no 'failed')."""
        found = [r for r in self.results if task is None or r["task"] == task]
        assert found, "no result for task %r" % task
        return found[-1]["status"]

    @property
    def output(self):
        return self.stdout + self.stderr


def playbook(sim_url, tasks, apio=None, portal=None, name="play"):
    apio_defaults = {"url": sim_url}
    apio_defaults.update(ADMIN if apio is None else apio)
    portal_defaults = {"portal_url": sim_url}
    portal_defaults.update(PORTAL_CLIENT if portal is None else portal)
    return [{
        "name": name,
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "module_defaults": {
            "group/telephony.apio.apio": {k: v for k, v in apio_defaults.items() if v is not None},
            "group/telephony.apio.portal": {k: v for k, v in portal_defaults.items() if v is not None},
        },
        "tasks": tasks,
    }]


def make_runner(sim, tmp_path):
    """A function that runs ``tasks`` in one play against ``sim``; see ``start`` for two at once."""

    def start(tasks, check=False, diff=False, apio=None, portal=None, verbosity=0, env=None, name="play",
              extra_vars=None):
        """Start ansible-playbook; returns a function that waits for it and gives the PlaybookRun.

        ``extra_vars`` go in a file given with ``-e @file``, as operators keep secrets out of playbooks.
        """
        book = tmp_path / ("%s.yml" % name)
        book.write_text(yaml.safe_dump(playbook(sim.url, tasks, apio, portal, name), sort_keys=False))
        dump = tmp_path / ("%s-results.jsonl" % name)
        if dump.exists():
            dump.unlink()
        full_env = dict(os.environ)
        full_env.update({
            "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
            "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_CALLBACKS_ENABLED": "result_dump",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "0",
            "RESULT_DUMP_FILE": str(dump),
        })
        for key in [k for k in full_env if k.startswith("APIO_")]:
            del full_env[key]
        full_env.update(env or {})
        cmd = [str(BIN / "ansible-playbook"), str(book)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        if extra_vars:
            variables = tmp_path / ("%s-vars.json" % name)
            variables.write_text(json.dumps(extra_vars))
            cmd += ["-e", "@%s" % variables]
        started = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full_env,
                                cwd=str(tmp_path))

        def wait(timeout=600):
            stdout, stderr = proc.communicate(timeout=timeout)
            seconds = time.monotonic() - started
            raw = dump.read_text() if dump.exists() else ""
            results = [json.loads(line) for line in raw.splitlines() if line.strip()]
            return PlaybookRun(proc.returncode, stdout, stderr, results, seconds, raw)

        return wait

    def run(tasks, **kwargs):
        return start(tasks, **kwargs)()

    run.start = start
    return run


# -- in-process module runs ---------------------------------------------------------------------

class ModuleResult(Exception):
    """Raised by the patched exit_json/fail_json; ``result`` holds what the module returned."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


def patch_exits(monkeypatch):
    """Make exit_json/fail_json raise ModuleResult instead of printing and exiting."""
    from ansible.module_utils import basic

    def exit_json(self, **kwargs):
        kwargs.setdefault("failed", False)
        raise ModuleResult(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.update(msg=msg, failed=True)
        raise ModuleResult(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


def run_module(main, args, check=False, diff=False):
    """Run ``main()`` with ``args``; the module's result (``failed`` set). Needs ``patch_exits`` first.

    Anything else the module raises (a traceback a user would see) propagates and fails the test.
    """
    from ansible.module_utils.testing import patch_module_args

    args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    with patch_module_args(args):
        try:
            main()
        except ModuleResult as done:
            return done.result
    raise AssertionError("the module returned without exit_json or fail_json")
