"""Helpers of the role's tests (tests/role): paths, the environment, requests, runs and plays."""

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".build" / "collections"
CALLBACKS = REPO / "tests" / "integration" / "callback_plugins"  # the integration tests' result_dump
BIN = Path(sys.executable).parent
EXAMPLE = REPO / "examples" / "gitops"


def writes(sim):
    """The write requests the simulator recorded (anything but GET and logins), as (method, path)."""
    return [(r["method"], r["path"]) for r in sim.requests()
            if r["method"] not in ("GET", "HEAD") and "/auth/" not in r["path"]
            and not r["path"].endswith("/connect/token")]


def sim_env(sim):
    """The connection of every module, as the environment variables the collection reads."""
    return {
        "APIO_URL": sim.url, "APIO_USERNAME": "admin", "APIO_PASSWORD": "admin-pass",
        "APIO_PORTAL_URL": sim.url, "APIO_PORTAL_CLIENT_ID": "sim-client",
        "APIO_PORTAL_CLIENT_SECRET": "sim-client-secret",
    }


def base_env(sim, dump=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("APIO_", "ANSIBLE_", "MOLECULE_"))}
    env.update(sim_env(sim))
    env.update({
        "PATH": "%s%s%s" % (BIN, os.pathsep, env.get("PATH", "")),
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1", "NO_COLOR": "1", "PY_COLORS": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0", "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
    })
    if dump is not None:
        env.update({"ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS), "ANSIBLE_CALLBACKS_ENABLED": "result_dump",
                    "RESULT_DUMP_FILE": str(dump)})
    return env


class Run:
    def __init__(self, proc, results):
        self.rc = proc.returncode
        self.output = proc.stdout + proc.stderr
        self.results = results

    def result(self, task):
        found = [r["result"] for r in self.results if r["task"] == task]
        assert found, "no result for task %r in:\n%s" % (task, self.output)
        return found[-1]

    def fact(self, name):
        """The last value that a set_fact task gave to ``name``."""
        found = [r["result"]["ansible_facts"][name] for r in self.results
                 if name in (r["result"].get("ansible_facts") or {})]
        assert found, "no fact %r in:\n%s" % (name, self.output)
        return found[-1]


def role_play(users, **role_vars):
    """A play on localhost that applies the role to ``users`` (a list), with more role variables."""
    params = {"phone_buttons_tenant": "foo", "phone_buttons_group": "foogroup", "phone_buttons_users": users}
    params.update(role_vars)
    return [{
        "name": "Apply the phone_buttons role",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "tasks": [{"name": "Apply", "ansible.builtin.include_role": {"name": "telephony.apio.phone_buttons"},
                   "vars": params}],
    }]
