"""Integration tests: real ansible-playbook runs against the simulator.

The runner is tests/support/playbook.py (shared with tests/reliability); pytest.ini puts tests/ on
sys.path.
"""

import pytest
from support.playbook import make_runner

pytest_plugins = ["apio_sim.pytest_plugin"]

CUSTOMER = "11111111-1111-4111-8111-111111111111"
CHARGED_CUSTOMER = "22222222-2222-4222-8222-222222222222"


@pytest.fixture
def run_tasks(sim, tmp_path):
    """Run ``tasks`` in one play against the simulator; returns a PlaybookRun."""
    return make_runner(sim, tmp_path)
