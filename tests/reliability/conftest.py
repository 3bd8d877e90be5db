"""Reliability and security tests: faults, bad input, secrets and access, against the simulator.

Fixtures:
- ``simulator`` / ``sim``: one simulator per session (per xdist worker) with the default seed; ``sim``
  resets it to the seed, with an empty request log and faults off, before each test.
- ``start_sim``: more simulators with their own options (synthetic users, TLS, token lifetimes),
  stopped at the end of the test.
- ``run_tasks``: real ansible-playbook runs against ``sim`` (``run_tasks.start`` runs two at once).
- ``module``: run a module's ``main()`` in this process (for hypothesis).

The runners are tests/support's (pytest puts tests/ on sys.path for this package); the collection
goes onto sys.path here, before the test modules import its modules.
"""

import sys
from pathlib import Path

import pytest
from apio_sim.testing import SimulatorProcess
from support.inprocess import module_runner
from support.playbook import make_runner

COLLECTIONS = Path(__file__).resolve().parents[2] / ".build" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))


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
    return module_runner(monkeypatch)
