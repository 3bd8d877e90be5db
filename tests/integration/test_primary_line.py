"""apio_primary_line and apio_primary_line_info against the simulator."""

import pytest
from helpers import four_steps
from tools.simlog import writes

FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}
PATH = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"


@pytest.mark.smoke
def test_four_steps_send_the_documented_put(run_tasks, sim):
    task = {"name": "primary", "telephony.apio.apio_primary_line": dict(FOOUSER, primary=True)}
    check, apply, again, sent = four_steps(run_tasks, sim, task)
    assert check["previous"] == {"primary": False}
    assert check["current"] == {"primary": True}
    assert check["diff"]["before"] == {"primary": False} and check["diff"]["after"] == {"primary": True}
    assert apply["msg"] == "user foouser (foo/foogroup): primary line port false -> true"
    assert [(w["method"], w["path"], w["body"]) for w in sent] == [("PUT", PATH, {"primaryLinePort": True})]
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True
    assert again["current"] == {"primary": True}


@pytest.mark.smoke
def test_info_reads_the_seed_and_feeds_back(run_tasks, sim):
    run = run_tasks([{"name": "info", "telephony.apio.apio_primary_line_info": FOOUSER, "register": "line"},
                     {"name": "feed back", "telephony.apio.apio_primary_line": dict(FOOUSER, primary="{{ line.primary }}")}])
    assert run.rc == 0, run.output
    assert run.result("info")["primary"] is False
    assert run.result("info")["changed"] is False
    assert run.result("feed back")["changed"] is False
    assert writes(sim.requests()) == []


def test_user_without_phone_fails_with_the_api_message(run_tasks, sim):
    run = run_tasks([{"name": "primary", "telephony.apio.apio_primary_line":
                      {"tenant": "foo", "group": "foogroup", "user": "nophone", "primary": True}}])
    assert run.rc != 0
    assert run.result()["msg"] == ("user nophone (foo/foogroup): GET primary line port failed: HTTP 404: "
                                   "the user has no phone linked to him")
    assert writes(sim.requests()) == []


def test_unsupported_phone_type_fails_before_any_write(run_tasks, sim):
    run = run_tasks([{"name": "primary", "telephony.apio.apio_primary_line":
                      {"tenant": "foo", "group": "foogroup", "user": "basic@sip.example.com", "primary": True}}])
    assert run.rc != 0
    assert run.result()["msg"] == (
        "user basic@sip.example.com (foo/foogroup): GET primary line port failed: HTTP 400: "
        "2: INVALID_PARAMETERS, This Phone Type does not supports primary line port setting")
    assert writes(sim.requests()) == []


def test_unknown_user(run_tasks, sim):
    run = run_tasks([{"name": "primary", "telephony.apio.apio_primary_line":
                      {"tenant": "foo", "group": "foogroup", "user": "ghost", "primary": True}}])
    assert run.rc != 0
    assert run.result()["msg"] == "user ghost (foo/foogroup): GET primary line port failed: HTTP 404: user not found"


def test_admin_of_another_group_is_refused_and_nothing_changes(run_tasks, sim):
    run = run_tasks([{"name": "primary", "telephony.apio.apio_primary_line": dict(FOOUSER, primary=True)}],
                    apio={"username": "otheradmin", "password": "otheradmin-pass"})
    assert run.rc != 0
    assert run.result()["msg"] == "user foouser (foo/foogroup): GET primary line port failed: HTTP 403: permission denied"
    assert writes(sim.requests()) == []
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is False


def test_end_user_is_refused(run_tasks, sim):
    run = run_tasks([{"name": "primary", "telephony.apio.apio_primary_line": dict(FOOUSER, primary=True)}],
                    apio={"username": "enduser", "password": "enduser-pass"})
    assert run.rc != 0
    assert "HTTP 403: permission denied" in run.result()["msg"]
    assert writes(sim.requests()) == []


def test_proxied_prefix_and_machine_token(run_tasks, sim):
    task = {"name": "primary", "telephony.apio.apio_primary_line":
            dict(FOOUSER, primary=True, api_prefix="/api/v01/p1")}
    run = run_tasks([task], apio={"token": "sim-machine-token"})
    assert run.rc == 0, run.output
    assert [w["path"] for w in writes(sim.requests())] == [
        "/api/v01/p1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"]
    assert sim.counters()["logins"] == 0


NOPHONE = ("user nophone (foo/foogroup): GET primary line port failed: HTTP 404: "
           "the user has no phone linked to him")


def batch_task(**options):
    return {"name": "batch", "telephony.apio.apio_primary_line": dict({
        "tenant": "foo", "group": "foogroup", "primary": True,
        "batch": [{"user": "foouser"}, {"user": "nophone"}, {"user": "alice@sip.example.com", "primary": False}]},
        **options)}


@pytest.mark.smoke
def test_batch_with_a_user_without_phone_writes_nothing(run_tasks, sim):
    run = run_tasks([batch_task()], diff=True)
    assert run.rc != 0
    result = run.result()
    assert result["changed"] is False
    assert result["counts"] == {"total": 3, "changed": 0, "unchanged": 1, "failed": 1, "not_written": 1}
    assert result["msg"] == "nothing was written: 1 of 3 users not valid, 1 user that differs held back: " + NOPHONE
    assert [(r["user"], r["changed"], r["failed"]) for r in result["results"]] == [
        ("foouser", False, False), ("nophone", False, True)]
    blocked, nophone = result["results"]
    assert blocked["blocked"] is True
    assert blocked["msg"] == ("user foouser (foo/foogroup): not written (another user is not valid): "
                              "primary line port false -> true")
    assert (blocked["previous"], blocked["current"]) == ({"primary": False}, {"primary": False})
    assert (nophone["status"], nophone["invalid"]) == (404, True)
    assert result["diff"] == []
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is False
    assert writes(sim.requests()) == []


def test_batch_on_invalid_skip_counts_and_failures(run_tasks, sim):
    run = run_tasks([batch_task(on_invalid="skip")])
    assert run.rc != 0
    result = run.result()
    assert result["counts"] == {"total": 3, "changed": 1, "unchanged": 1, "failed": 1}
    assert result["msg"] == "1 of 3 users failed (1 changed, 1 unchanged): " + NOPHONE
    assert [(r["user"], r["changed"], r["failed"]) for r in result["results"]] == [
        ("foouser", True, False), ("nophone", False, True)]
    assert result["results"][1]["status"] == 404
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True
    assert [w["path"] for w in writes(sim.requests())] == [PATH]
