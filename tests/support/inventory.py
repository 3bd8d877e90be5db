"""Real ``ansible-inventory`` runs of the inventory plugin telephony.apio.users against a simulator.

``run_inventory(sim, directory, config, *args)`` writes ``config`` (the plugin's options; ``plugin`` is
added) to ``directory/x.apio_users.yml`` and runs ``ansible-inventory -i <file> *args`` (``--list`` when
no args) with the collection in place and the simulator's connection and seed credentials in the
environment, as operators give them (APIO_URL, APIO_USERNAME, APIO_PASSWORD). ``InventoryRun.data`` is
the decoded ``--list`` JSON, with ansible-core 2.19+'s ``{"__ansible_unsafe": value}`` (how
ansible-inventory marks values that will never be templated) replaced by the value.
"""

import json
import os
import subprocess
import time

import yaml

from .playbook import BIN, COLLECTIONS, REPO

PLUGIN = "telephony.apio.users"


def unwrap(value):
    """``--list`` data with every ``{"__ansible_unsafe": x}`` replaced by ``x``."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


class InventoryRun:
    def __init__(self, rc, stdout, stderr, seconds):
        self.rc = rc
        self.stdout = stdout
        self.stderr = stderr
        self.seconds = seconds

    @property
    def output(self):
        return self.stdout + self.stderr

    @property
    def text(self):
        """The output with its whitespace folded (ansible-core 2.16 wraps warnings at 80 columns)."""
        return " ".join(self.output.split())

    @property
    def data(self):
        assert self.rc == 0, self.output
        return unwrap(json.loads(self.stdout))

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


def inventory_env(sim, env=None):
    full = dict(os.environ)
    for key in [k for k in full if k.startswith("APIO_")]:
        del full[key]
    full.update({
        "ANSIBLE_CONFIG": str(REPO / "ansible.cfg"),
        "ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS),
        "ANSIBLE_NOCOLOR": "1",
    })
    full.update(sim.environment())
    full.update(env or {})
    return full


def run_inventory(sim, directory, config, *args, env=None, name="x", timeout=900):
    """Write the plugin's config file and run ansible-inventory on it; returns an InventoryRun."""
    path = directory / ("%s.apio_users.yml" % name)
    path.write_text(yaml.safe_dump(dict(config, plugin=PLUGIN), sort_keys=False))
    cmd = [str(BIN / "ansible-inventory"), "-i", str(path)] + list(args or ["--list"])
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=inventory_env(sim, env), cwd=str(directory),
                          timeout=timeout, check=False)
    return InventoryRun(proc.returncode, proc.stdout, proc.stderr, time.monotonic() - started)


# The desired state of the bench users kept in git, as a group policy (the shipped standard key template
# and the primary line port on); their hosts come from the inventory plugin. The slicing test and
# bench/slicing_bench.py apply it.
BENCH_POLICY = {
    "hosts.yml": "---\napio_users:\n  children:\n    bench:\n      children:\n        bench_benchgroup:\n",
    "group_vars/all.yml": "---\nansible_connection: local\nansible_python_interpreter: \"{{ ansible_playbook_python }}\"\n",
    "group_vars/bench.yml": "---\napio_tenant: bench\n",
    "group_vars/bench_benchgroup.yml": "---\napio_group: benchgroup\nphone_buttons_template: standard\n"
                                       "apio_primary_line: true\n",
}


def platform_and_policy(directory):
    """Write the plugin's config (every user of the platform) and BENCH_POLICY (git) below ``directory``;
    returns the -i options of both."""
    (directory / "platform.apio_users.yml").write_text("plugin: %s\n" % PLUGIN)
    for path, text in BENCH_POLICY.items():
        (directory / "git" / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / "git" / path).write_text(text)
    return ["-i", str(directory / "platform.apio_users.yml"), "-i", str(directory / "git")]


def awx_slices(hosts, count):
    """The hosts of each of ``count`` slices as AWX deals them out: sorted by name, round-robin."""
    hosts = sorted(hosts)
    return [hosts[k::count] for k in range(count)]
