"""Real ``ansible-playbook`` runs of tasks in one play, for tests/integration and tests/reliability.

``make_runner(sim, tmp_path)`` gives a function that runs tasks in one play on localhost, with the
collection's module defaults pointing at ``sim.url`` and the seed's credentials (``ADMIN``,
``PORTAL_CLIENT``) in them, not in the environment (so that a test can leave one out and see the
environment variable fallback); it returns a ``PlaybookRun``, and its ``start`` starts a run without
waiting for it (two playbooks at once). The runner itself is ``tools.runner``.
"""

from apio_sim.testing import SEED_ADMIN as ADMIN
from apio_sim.testing import SEED_PORTAL_CLIENT as PORTAL_CLIENT

from tools import runner


def play(sim_url, tasks, apio=None, portal=None, name="play"):
    """One play on localhost running ``tasks``, the module defaults pointing at ``sim_url``.

    ``apio`` and ``portal`` replace the credentials (ADMIN, PORTAL_CLIENT); an option set to None is
    left out, so that its environment variable fallback applies.
    """
    apio_defaults = {"url": sim_url}
    apio_defaults.update(ADMIN if apio is None else apio)
    portal_defaults = {"portal_url": sim_url}
    portal_defaults.update(PORTAL_CLIENT if portal is None else portal)
    return [{
        "name": name,
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "module_defaults": {
            "group/telephony.apio.apio": {k: v for k, v in apio_defaults.items() if v is not None},
            "group/telephony.apio.portal": {k: v for k, v in portal_defaults.items() if v is not None},
        },
        "tasks": tasks,
    }]


def make_runner(sim, tmp_path):
    """A function that runs ``tasks`` in one play against ``sim``; see ``start`` for two at once."""

    def start(tasks, check=False, diff=False, apio=None, portal=None, verbosity=0, env=None, name="play",
              extra_vars=None):
        """Start ansible-playbook; returns a function that waits for it and gives the PlaybookRun.

        ``extra_vars`` go in a file given with ``-e @file``, as operators keep secrets out of playbooks.
        """
        job = runner.start_playbook(sim, tmp_path, play(sim.url, tasks, apio, portal, name), name=name,
                                    connection=False, check=check, diff=diff, verbosity=verbosity,
                                    extra_vars=extra_vars, env=env)
        return job.wait

    def run(tasks, **kwargs):
        return start(tasks, **kwargs)()

    run.start = start
    return run
