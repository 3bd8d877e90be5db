"""Reliability and security tests: faults, bad input, secrets and access, against the simulator.

Fixtures:
- ``simulator`` / ``sim``: apio_sim's pytest plugin: one simulator per session (per xdist worker) with
  the default seed; ``sim`` resets it to the seed, with an empty request log and faults off, before
  each test.
- ``start_sim``: more simulators with their own options (synthetic users, TLS, token lifetimes),
  stopped at the end of the test.
- ``run_tasks``: real ansible-playbook runs against ``sim`` (``run_tasks.start`` runs two at once).
- ``module``: run a module's ``main()`` in this process (for hypothesis).

The runners are tests/support's and tools/'; pytest.ini puts the repository root, tests/ and the collection
on sys.path.
"""

import pytest
from apio_sim.testing import SimulatorProcess
from tools.inprocess import module_runner
from support.playbook import make_runner

pytest_plugins = ["apio_sim.pytest_plugin"]


@pytest.fixture
def start_sim():
    started = []

    def start(**kwargs):
        proc = SimulatorProcess().start(**kwargs)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()


@pytest.fixture
def run_tasks(sim, tmp_path):
    return make_runner(sim, tmp_path)


@pytest.fixture
def module(monkeypatch):
    """``module(main, args, check=False, diff=False)``: the module's result, run in this process."""
    return module_runner(monkeypatch)
