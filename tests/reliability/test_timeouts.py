"""A server that stops answering: the task fails in bounded time, naming the user and the timeout."""

import time

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import client as client_mod
from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons, apio_primary_line_info

from support.playbook import ADMIN
from tools.simlog import writes

from .common import FOOUSER, record_figures

PRIMARY_ROUTE = "/access_device/primary_line_port/"


def backoff_bound(retries):
    """The longest total backoff urllib3 sleeps between ``retries + 1`` attempts: none before the first
    retry, then BACKOFF_FACTOR doubling plus at most BACKOFF_JITTER, each capped at BACKOFF_MAX."""
    return sum(min(client_mod.BACKOFF_MAX, client_mod.BACKOFF_FACTOR * 2 ** (n - 1) + client_mod.BACKOFF_JITTER)
               for n in range(2, retries + 1))


@pytest.mark.parametrize("timeout, retries", [(0.5, 0), (0.5, 2), (0.4, 3)])
def test_hanging_read_fails_within_timeout_times_attempts_plus_backoff(sim, module, timeout, retries):
    sim.faults(hang=True, path_contains=PRIMARY_ROUTE)  # the login answers, the user's route never does
    args = dict(ADMIN, url=sim.url, timeout=timeout, retries=retries, **FOOUSER)
    started = time.monotonic()
    result = module(apio_primary_line_info.main, args)
    elapsed = time.monotonic() - started
    attempts = retries + 1
    bound = timeout * attempts + backoff_bound(retries)

    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): GET primary line port failed: "), result["msg"]
    assert "timeout of %s s" % timeout in result["msg"], result["msg"]
    # Every attempt waited the whole timeout, and no more than the documented bound overall (1 s of slack
    # for the login and a loaded machine).
    assert timeout * attempts <= elapsed <= bound + 1.0, (elapsed, bound)
    hung = sim.requests(path_contains=PRIMARY_ROUTE)
    assert len(hung) == attempts
    record_figures("timeout-%s-%d" % (timeout, retries), {
        "timeout": timeout, "retries": retries, "bound_s": round(bound, 2), "elapsed_s": round(elapsed, 2),
        "attempts_seen_by_server": len(hung)})


def test_hanging_login_fails_naming_the_user_and_the_timeout(sim, module):
    sim.faults(hang=True)
    started = time.monotonic()
    result = module(apio_primary_line_info.main, dict(ADMIN, url=sim.url, timeout=0.5, retries=1, **FOOUSER))
    elapsed = time.monotonic() - started
    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): POST APIO login failed: "), result["msg"]
    assert "timeout of 0.5 s" in result["msg"]
    assert elapsed <= 0.5 * 2 + backoff_bound(1) + 1.0
    assert len(sim.requests()) == 2


def test_hanging_write_is_retried_then_reported_and_changes_nothing(sim, module):
    sim.faults(hang=True, methods=["PUT"])
    args = dict(ADMIN, url=sim.url, timeout=0.5, retries=1, keys=[{"id": 6, "type": "DND_TOGGLE"}], **FOOUSER)
    result = module(apio_phone_buttons.main, args)
    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): PUT phone buttons failed: "), result["msg"]
    assert "timeout of 0.5 s" in result["msg"]
    assert len(writes(sim.requests())) == 2  # the PUT and its one retry, both unanswered
    sim.faults(hang=False)
    assert [k["id"] for k in sim.user("foo", "foogroup", "foouser")["device"]["keys"]] == [4, 5]


def test_one_hanging_user_in_a_batch_fails_alone(run_tasks, sim):
    sim.faults(hang=True, path_contains="/users/alice%40")
    task = {"name": "batch", "telephony.apio.apio_phone_buttons": {
        "tenant": "foo", "group": "foogroup", "timeout": 1, "retries": 1,
        "keys": [{"id": 7, "type": "DND_TOGGLE", "label": "dnd"}],
        "batch": [{"user": "foouser"}, {"user": "alice@sip.example.com"}, {"user": "bob+1@sip.example.com"}]}}
    run = run_tasks([task])
    result = run.result()
    assert run.rc != 0
    assert result["counts"] == {"total": 3, "changed": 2, "unchanged": 0, "failed": 1}
    failed = [r for r in result["results"] if r["failed"]]
    assert [r["user"] for r in failed] == ["alice@sip.example.com"]
    assert failed[0]["msg"].startswith("user alice@sip.example.com (foo/foogroup): GET phone buttons failed: ")
    assert "timeout of 1.0 s" in failed[0]["msg"]
    assert "Traceback" not in run.output
    assert sorted(w["path"].split("/")[8] for w in writes(sim.requests())) == ["bob%2B1%40sip.example.com",
                                                                               "foouser"]
