"""A saved plan (option plan): the report file of a dry run, applied as it was reviewed."""

import json

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import saved_plan
from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons, apio_primary_line, apio_softphone

from .fakes import CUSTOMER

PRIMARY = "/api/v1/tenants/foo/groups/foogroup/users/{}/access_device/primary_line_port/"


def dry_run(run_module, main, args, plan_path):
    result = run_module(main, dict(args, report=str(plan_path)), check=True)
    assert not result["failed"], result
    return json.loads(plan_path.read_text())


def primary_line_plan(apio, run_module, tmp_path, users=("alice", "bob", "carol")):
    for user in users:
        apio.add(user)
    batch = [{"user": u, "primary": True} for u in users]
    args = dict(apio.args, tenant="foo", group="foogroup", batch=batch)
    plan = tmp_path / "plan" / "primary_line.json"
    return args, plan, dry_run(run_module, apio_primary_line.main, args, plan)


def test_a_dry_run_report_is_a_sealed_plan(apio, run_module, tmp_path):
    _args, _plan, report = primary_line_plan(apio, run_module, tmp_path)
    assert (report["object"], report["schema"]) == ("primary_line", saved_plan.SCHEMA)
    assert report["digest"] == saved_plan.digest(report)
    assert [e["user"] for e in report["changes"]] == ["alice", "bob", "carol"]


def test_the_plan_is_applied_not_the_task_options(apio, server, run_module, tmp_path):
    args, plan, _report = primary_line_plan(apio, run_module, tmp_path)
    apio.add("dave")  # in the inventory after the review: not in the plan, so not applied
    server.requests.clear()
    applied = run_module(apio_primary_line.main, dict(apio.args, plan=str(plan)))
    assert (applied["changed"], applied["counts"]) == (
        True, {"total": 3, "changed": 3, "unchanged": 0, "failed": 0})
    assert sorted(path for _method, path in server.sent("PUT")) == sorted(
        PRIMARY.format(u) for u in ("alice", "bob", "carol"))
    assert apio.phones[("foo", "foogroup", "dave")]["primary"] is False

    server.requests.clear()
    again = run_module(apio_primary_line.main, dict(apio.args, plan=str(plan)))
    assert (again["changed"], again["counts"]["unchanged"], server.sent("PUT")) == (False, 3, [])


def test_a_user_already_as_planned_is_done(apio, server, run_module, tmp_path):
    for user in ("alice", "bob"):
        apio.add(user, primary=False)
    batch = [{"user": "alice", "primary": True}, {"user": "bob", "primary": True}]
    args = dict(apio.args, tenant="foo", group="foogroup", batch=batch)
    plan = tmp_path / "plan.json"
    dry_run(run_module, apio_primary_line.main, args, plan)
    apio.phones[("foo", "foogroup", "bob")]["primary"] = True  # someone applied bob's change already
    server.requests.clear()
    applied = run_module(apio_primary_line.main, dict(apio.args, plan=str(plan)))
    assert applied["counts"] == {"total": 2, "changed": 1, "unchanged": 1, "failed": 0}
    assert [p for _m, p in server.sent("PUT")] == [PRIMARY.format("alice")]


def test_phone_buttons_moved_user_refused_by_name(apio, server, run_module, tmp_path):
    key = {"id": 1, "type": "LINE", "label": "", "parameter": "x@sip.example.com"}
    apio.add("alice", keys=[])
    apio.add("bob", keys=[])
    args = dict(apio.args, tenant="foo", group="foogroup", batch=[
        {"user": "alice", "keys": [key]}, {"user": "bob", "keys": [key]}])
    plan = tmp_path / "plan.json"
    dry_run(run_module, apio_phone_buttons.main, args, plan)
    apio.phones[("foo", "foogroup", "bob")]["keys"] = [
        {"id": 2, "type": "SPEEDDIAL", "label": "boss", "parameter": "100"}]
    server.requests.clear()
    refused = run_module(apio_phone_buttons.main, dict(apio.args, plan=str(plan)))
    assert refused["failed"] and server.sent("PUT") == []
    assert refused["msg"] == (
        "nothing was written: 1 of 2 users not valid, 1 user that differs held back: user bob (foo/foogroup): "
        "changed on the platform since the plan was made (key 2 added: SPEEDDIAL 'boss' 100): make the plan again")

    skipped = run_module(apio_phone_buttons.main, dict(apio.args, plan=str(plan), on_moved="skip"))
    assert not skipped["failed"]
    assert skipped["counts"] == {"total": 2, "changed": 1, "unchanged": 0, "failed": 0, "skipped": 1}
    assert [p for _m, p in server.sent("PUT")] == [
        "/api/v1/tenants/foo/groups/foogroup/users/alice/access_device/phone_buttons/"]


def test_softphone_plan_keeps_accept_charges(portal, server, run_module, tmp_path):
    portal.charged = True
    portal.add(CUSTOMER, "jdoe", d1=("Desk", None))
    args = dict(portal.args, customer=CUSTOMER, batch=[
        {"user": "jdoe", "device": "d1", "client_type": "desktop", "accept_charges": True}])
    plan = tmp_path / "plan.json"
    report = dry_run(run_module, apio_softphone.main, args, plan)
    assert report["changes"][0]["accept_charges"] is True
    applied = run_module(apio_softphone.main, dict(portal.args, plan=str(plan)))
    assert (applied["failed"], applied["changed"]) == (False, True)
    assert portal.users[(CUSTOMER, "jdoe")][0]["clientType"] == "desktop"


@pytest.mark.parametrize("damage, message", [
    (None, "plan {path} cannot be read: No such file or directory"),
    ("{not json", "plan {path} is not a plan file (not JSON: "),
    ("edit", "plan {path} was changed after it was made (its digest does not match): a plan is applied as it "
             "was reviewed; make the plan again"),
    ("object", "plan {path} is a plan of phone_buttons, not of primary_line"),
    ("schema", "plan {path} is of format urn:telephony-apio:plan-report:1, not urn:telephony-apio:plan-report:2: "
               "make the plan again with this release"),
    ("applied", "plan {path} is the report of a run that wrote, not of a dry run (check mode)"),
])
def test_a_plan_that_is_not_the_reviewed_one_is_refused(apio, server, run_module, tmp_path, damage, message):
    _args, plan, report = primary_line_plan(apio, run_module, tmp_path)
    if damage is None:
        plan.unlink()
    elif damage == "{not json":
        plan.write_text(damage)
    else:
        if damage == "edit":
            report["changes"][0]["current"]["primary"] = False
        elif damage == "object":
            report = saved_plan.seal(report, "phone_buttons")
        elif damage == "schema":
            report["schema"] = "urn:telephony-apio:plan-report:1"
            report["digest"] = saved_plan.digest(report)
        elif damage == "applied":
            report["check_mode"] = False
            report["digest"] = saved_plan.digest(report)
        plan.write_text(json.dumps(report))
    server.requests.clear()
    refused = run_module(apio_primary_line.main, dict(apio.args, plan=str(plan)))
    assert refused["failed"] and refused["msg"].startswith(message.format(path=plan))
    assert server.sent() == []


def test_plan_and_batch_are_exclusive(apio, run_module, tmp_path):
    options = dict(apio.args, plan=str(tmp_path / "p.json"), tenant="foo", group="foogroup", user="alice", primary=True)
    refused = run_module(apio_primary_line.main, options)
    assert refused["failed"] and "mutually exclusive" in refused["msg"]
