"""Tests of the phone_buttons role, the playbooks and examples/gitops, against the simulator.

Each test gets the session's simulator reset to its seed (the ``sim`` fixture of apio_sim.pytest_plugin)
and runs ansible-playbook (or molecule) as a user would, with the connection in the environment.
"""

import pytest
from tools import runner

pytest_plugins = ["apio_sim.pytest_plugin"]


@pytest.fixture
def playbook(sim, tmp_path):
    """Run a playbook (a path, or a list of plays written to a file) against the simulator."""
    counter = iter(range(1000))

    def run(plays, inventory=None, check=False, diff=False, extra_vars=None, env=None, limit=None):
        return runner.playbook(sim, tmp_path, plays, name="play%d" % next(counter), inventory=inventory,
                               check=check, diff=diff, extra_vars=extra_vars, env=env, limit=limit)

    return run
