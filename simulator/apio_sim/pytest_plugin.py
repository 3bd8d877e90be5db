"""Pytest fixtures for suites that test against the simulator.

Enable with ``pytest_plugins = ["apio_sim.pytest_plugin"]`` (in the top-level
conftest), then ask for ``sim`` in a test: one simulator process per session
(per xdist worker), reset to the seed before every test.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .testing import SimulatorProcess


@pytest.fixture(scope="session")
def simulator() -> Iterator[SimulatorProcess]:
    """The session's simulator process (default seed, no synthetic users)."""
    with SimulatorProcess().start() as proc:
        yield proc


@pytest.fixture
def sim(simulator: SimulatorProcess) -> SimulatorProcess:
    """The session's simulator, with seed state, an empty log and faults off."""
    simulator.reset(state=True)
    return simulator
