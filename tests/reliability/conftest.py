"""Reliability and security tests: faults, bad input, secrets and access, against the simulator.

Fixtures:
- ``simulator`` / ``sim``: one simulator per session (per xdist worker) with the default seed; ``sim``
  resets it to the seed, with an empty request log and faults off, before each test.
- ``start_sim``: more simulators with their own options (synthetic users, TLS, token lifetimes),
  stopped at the end of the test.
- ``run_tasks``: real ansible-playbook runs against ``sim`` (``run_tasks.start`` runs two at once).
- ``module``: run a module's ``main()`` in this process (for hypothesis).
"""

import os

import pytest
from apio_sim.testing import SimulatorProcess

from .runner import make_runner, patch_exits, run_module


@pytest.fixture(scope="session")
def simulator():
    with SimulatorProcess().start() as proc:
        yield proc


@pytest.fixture
def sim(simulator):
    simulator.reset(state=True)
    return simulator


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
    for name in [k for k in os.environ if k.startswith("APIO_")]:
        monkeypatch.delenv(name)
    patch_exits(monkeypatch)
    return run_module
