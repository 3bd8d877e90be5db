"""Real ``ansible-playbook`` runs against a simulator, for tests/integration and tests/reliability.

``make_runner(sim, tmp_path)`` gives a function that runs tasks in one play on localhost, with the
collection's module defaults pointing at ``sim.url``, and returns a ``PlaybookRun``; its ``start``
starts a run without waiting for it (two playbooks at once).
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

# The simulator's seed credentials.
ADMIN = {"username": "admin", "password": "admin-pass"}
PORTAL_CLIENT = {"client_id": "sim-client", "client_secret": "sim-client-secret"}


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


def play(sim_url, tasks, apio=None, portal=None, name="play"):
    """One play on localhost running ``tasks``, the module defaults pointing at ``sim_url``.

    ``apio`` and ``portal`` replace the credentials (ADMIN, PORTAL_CLIENT); an option set to None is
    left out, so that its environment variable fallback applies.
    """
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
        book.write_text(yaml.safe_dump(play(sim.url, tasks, apio, portal, name), sort_keys=False))
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
            try:
                stdout, stderr = proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                # As subprocess.run(timeout=...) does: no ansible-playbook left behind.
                proc.kill()
                proc.communicate()
                raise
            seconds = time.monotonic() - started
            raw = dump.read_text() if dump.exists() else ""
            results = [json.loads(line) for line in raw.splitlines() if line.strip()]
            return PlaybookRun(proc.returncode, stdout, stderr, results, seconds, raw)

        return wait

    def run(tasks, **kwargs):
        return start(tasks, **kwargs)()

    run.start = start
    return run
