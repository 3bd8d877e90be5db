"""Tests of the phone_buttons role, the playbooks and examples/gitops, against the simulator.

Each test gets the session's simulator reset to its seed (the ``sim`` fixture of apio_sim.pytest_plugin)
and runs ansible-playbook (or molecule) as a user would, with the connection in the environment.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

# tests/ on sys.path for the shared support package (support.browser), as in tests/integration.
TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from rolekit import BIN, Run, base_env  # noqa: E402

pytest_plugins = ["apio_sim.pytest_plugin"]


@pytest.fixture
def playbook(sim, tmp_path):
    """Run a playbook (a path, or a list of plays written to a file) against the simulator."""
    counter = iter(range(1000))

    def run(plays, inventory=None, check=False, diff=False, extra_vars=None, env=None):
        number = next(counter)
        if isinstance(plays, (str, Path)):
            path = str(plays)
        else:
            path = tmp_path / ("play%d.yml" % number)
            path.write_text(yaml.safe_dump(plays, sort_keys=False))
        dump = tmp_path / ("results%d.jsonl" % number)
        cmd = [str(BIN / "ansible-playbook"), str(path)]
        if inventory:
            cmd += ["-i", str(inventory)]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        for name, value in (extra_vars or {}).items():
            cmd += ["-e", json.dumps({name: value})]
        full_env = base_env(sim, dump)
        full_env.update(env or {})
        proc = subprocess.run(cmd, capture_output=True, text=True, env=full_env, cwd=str(tmp_path), timeout=600,
                              check=False)
        results = []
        if dump.exists():
            results = [json.loads(line) for line in dump.read_text().splitlines() if line.strip()]
        return Run(proc, results)

    return run


def pytest_configure(config):
    # The smoke tests: what noxfile.py's smoke-X sessions run on every ansible-core of the matrix.
    config.addinivalue_line("markers", "smoke: part of the smoke test run on every ansible-core of the matrix")
