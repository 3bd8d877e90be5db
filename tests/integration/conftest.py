"""Integration tests: real ansible-playbook runs against the simulator.

The runner is tests/support/playbook.py (shared with tests/reliability); tests/ goes onto sys.path
here, since this folder is not a package and pytest puts only this folder there.
"""

import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from support.playbook import make_runner  # noqa: E402

pytest_plugins = ["apio_sim.pytest_plugin"]

CUSTOMER = "11111111-1111-4111-8111-111111111111"
CHARGED_CUSTOMER = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def run_tasks(sim, tmp_path):
    """Run ``tasks`` in one play against the simulator; returns a PlaybookRun."""
    return make_runner(sim, tmp_path)


def pytest_configure(config):
    # The smoke tests: what noxfile.py's smoke-X sessions run on every ansible-core of the matrix.
    config.addinivalue_line("markers", "smoke: part of the smoke test run on every ansible-core of the matrix")
