"""Integration tests: real ansible-playbook runs against the simulator."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytest_plugins = ["apio_sim.pytest_plugin"]

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".build" / "collections"
CALLBACKS = Path(__file__).resolve().parent / "callback_plugins"
BIN = Path(sys.executable).parent

ADMIN = {"username": "admin", "password": "admin-pass"}
PORTAL_CLIENT = {"client_id": "sim-client", "client_secret": "sim-client-secret"}
CUSTOMER = "11111111-1111-4111-8111-111111111111"
CHARGED_CUSTOMER = "22222222-2222-4222-8222-222222222222"


class PlaybookRun:
    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.results = results

    def result(self, task=None):
        """The result of the task named ``task`` (the last task when not given)."""
        found = [r for r in self.results if task is None or r["task"] == task]
        assert found, "no result for task %r in:\n%s\n%s" % (task, self.stdout, self.stderr)
        return found[-1]["result"]

    @property
    def output(self):
        return self.stdout + self.stderr


@pytest.fixture
def run_tasks(sim, tmp_path):
    """Run ``tasks`` in one play against the simulator; returns a PlaybookRun."""
    return make_runner(sim, tmp_path)


def make_runner(sim, tmp_path):
    """A function that runs tasks in one play against ``sim`` (see ``run_tasks``)."""

    def run(tasks, check=False, diff=False, apio=None, portal=None, verbosity=0, env=None, name="play"):
        apio_defaults = {"url": sim.url}
        apio_defaults.update(ADMIN if apio is None else apio)
        portal_defaults = {"portal_url": sim.url}
        portal_defaults.update(PORTAL_CLIENT if portal is None else portal)
        # None removes an option, so that its environment variable fallback applies.
        apio_defaults = {k: v for k, v in apio_defaults.items() if v is not None}
        portal_defaults = {k: v for k, v in portal_defaults.items() if v is not None}
        play = [{
            "name": name,
            "hosts": "localhost",
            "connection": "local",
            "gather_facts": False,
            "module_defaults": {
                "group/telephony.apio.apio": apio_defaults,
                "group/telephony.apio.portal": portal_defaults,
            },
            "tasks": tasks,
        }]
        playbook = tmp_path / ("%s.yml" % name)
        playbook.write_text(yaml.safe_dump(play, sort_keys=False))
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
        cmd = [str(BIN / "ansible-playbook"), str(playbook)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=str(tmp_path), timeout=600, check=False)
        results = []
        if dump.exists():
            results = [json.loads(line) for line in dump.read_text().splitlines() if line.strip()]
        return PlaybookRun(proc, results)

    return run
