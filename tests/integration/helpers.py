"""Shared assertions of the integration tests."""

from tools.simlog import writes


def four_steps(run_tasks, sim, task):
    """Check (changed), apply (changed), check again and apply again (not changed).

    Asserts on the requests the simulator recorded: check mode and the second apply send no write.
    Returns the four results and the writes of the first apply.
    """
    first_check = run_tasks([task], check=True, diff=True)
    assert first_check.rc == 0, first_check.output
    assert first_check.result()["changed"] is True
    assert writes(sim.requests()) == [], "check mode sent a write"

    sim.reset()
    apply = run_tasks([task], diff=True)
    assert apply.rc == 0, apply.output
    assert apply.result()["changed"] is True
    applied_writes = writes(sim.requests())
    assert applied_writes, "apply sent no write"

    sim.reset()
    second_check = run_tasks([task], check=True)
    assert second_check.rc == 0, second_check.output
    assert second_check.result()["changed"] is False
    second_apply = run_tasks([task])
    assert second_apply.rc == 0, second_apply.output
    assert second_apply.result()["changed"] is False
    assert writes(sim.requests()) == [], "a converged run sent a write"
    return first_check.result(), apply.result(), second_apply.result(), applied_writes
