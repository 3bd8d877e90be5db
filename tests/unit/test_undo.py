"""Undo (option undo): the report file of a run that wrote, applied in reverse, in-process."""

import json

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import saved_plan
from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons, apio_primary_line

PRIMARY = "/api/v1/tenants/foo/groups/foogroup/users/{}/access_device/primary_line_port/"
USERS = ("alice", "bob", "carol")


def applied_primary_line(apio, run_module, tmp_path, users=USERS):
    for user in users:
        apio.add(user, primary=False)
    apio.add("dave", primary=True)  # already as desired: not changed, not undone
    batch = [{"user": u, "primary": True} for u in users + ("dave",)]
    report = tmp_path / "applied" / "primary_line.json"
    result = run_module(apio_primary_line.main, dict(apio.args, tenant="foo", group="foogroup", batch=batch,
                                                     report=str(report)))
    assert not result["failed"] and result["counts"]["changed"] == len(users), result
    return report


def primary(apio, user):
    return apio.phones[("foo", "foogroup", user)]["primary"]


def test_undo_puts_back_and_undoing_the_undo_restores_the_change(apio, server, run_module, tmp_path):
    report = applied_primary_line(apio, run_module, tmp_path)
    server.requests.clear()
    undo_report = tmp_path / "undo.json"
    undone = run_module(apio_primary_line.main, dict(apio.args, undo=str(report), report=str(undo_report)))
    assert not undone["failed"], undone
    assert undone["counts"] == {"total": 3, "changed": 3, "unchanged": 0, "failed": 0}
    assert sorted(p for _m, p in server.sent("PUT")) == sorted(PRIMARY.format(u) for u in USERS)
    assert [primary(apio, u) for u in USERS + ("dave",)] == [False, False, False, True]
    data = json.loads(undo_report.read_text())
    assert (data["check_mode"], data["object"]) == (False, "primary_line")
    assert [(e["previous"], e["current"]) for e in data["changes"]] == [({"primary": True}, {"primary": False})] * 3

    # The same undo again: each user is already put back, nothing written.
    server.requests.clear()
    again = run_module(apio_primary_line.main, dict(apio.args, undo=str(report)))
    assert (again["changed"], again["counts"]["unchanged"], server.sent("PUT")) == (False, 3, [])

    # Undoing the undo restores the change.
    redone = run_module(apio_primary_line.main, dict(apio.args, undo=str(undo_report)))
    assert redone["counts"]["changed"] == 3
    assert [primary(apio, u) for u in USERS] == [True, True, True]


def test_undo_in_check_mode_writes_nothing_and_its_report_is_a_plan(apio, server, run_module, tmp_path):
    report = applied_primary_line(apio, run_module, tmp_path)
    server.requests.clear()
    plan = tmp_path / "undo-plan.json"
    dry = run_module(apio_primary_line.main, dict(apio.args, undo=str(report), report=str(plan)), check=True)
    assert dry["changed"] and dry["counts"]["changed"] == 3 and server.sent("PUT") == []
    assert saved_plan.load(str(plan), "primary_line")  # a reviewed undo is applied as a saved plan
    applied = run_module(apio_primary_line.main, dict(apio.args, plan=str(plan)))
    assert applied["counts"]["changed"] == 3 and [primary(apio, u) for u in USERS] == [False] * 3


def test_a_user_changed_since_is_named_and_nothing_is_written(apio, server, run_module, tmp_path):
    key = {"id": 1, "type": "LINE", "label": "", "parameter": "x@sip.example.com"}
    for user in ("alice", "bob"):
        apio.add(user, keys=[])
    report = tmp_path / "applied.json"
    applied = run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", report=str(report),
                                                       batch=[{"user": "alice", "keys": [key]},
                                                              {"user": "bob", "keys": [key]}]))
    assert applied["counts"]["changed"] == 2
    apio.phones[("foo", "foogroup", "bob")]["keys"].append(
        {"id": 2, "type": "SPEEDDIAL", "label": "boss", "parameter": "100"})
    server.requests.clear()
    refused = run_module(apio_phone_buttons.main, dict(apio.args, undo=str(report)))
    assert refused["failed"] and server.sent("PUT") == []
    assert refused["msg"] == (
        "nothing was written: 1 of 2 users not valid, 1 user that differs held back: user bob (foo/foogroup): "
        "changed on the platform since the run that is undone (key 2 added: SPEEDDIAL 'boss' 100): not put back")

    skipped = run_module(apio_phone_buttons.main, dict(apio.args, undo=str(report), on_moved="skip"))
    assert skipped["counts"] == {"total": 2, "changed": 1, "unchanged": 0, "failed": 0, "skipped": 1}
    assert [p for _m, p in server.sent("PUT")] == [
        "/api/v1/tenants/foo/groups/foogroup/users/alice/access_device/phone_buttons/"]
    assert apio.phones[("foo", "foogroup", "alice")]["keys"] == []


@pytest.mark.parametrize("change, message", [
    ("dry run", "undo report {path} is the report of a dry run (check mode): it wrote nothing to undo"),
    ("object", "undo report {path} is a report of phone_buttons, not of primary_line"),
    ("edited", "undo report {path} was changed after it was made (its digest does not match)"),
    ("missing", "undo report {path} cannot be read: No such file or directory"),
])
def test_a_report_that_cannot_be_undone_is_refused(apio, server, run_module, tmp_path, change, message):
    report = applied_primary_line(apio, run_module, tmp_path)
    data = json.loads(report.read_text())
    if change == "dry run":
        data = saved_plan.seal(dict(data, check_mode=True), "primary_line")
    elif change == "object":
        data = saved_plan.seal(data, "phone_buttons")
    elif change == "edited":
        data["changes"][0]["current"] = {"primary": False}
    if change == "missing":
        report = tmp_path / "nothing.json"
    else:
        report.write_text(json.dumps(data))
    server.requests.clear()
    result = run_module(apio_primary_line.main, dict(apio.args, undo=str(report)))
    assert result["failed"] and result["msg"].startswith(message.format(path=report))
    assert server.sent() == []


def test_undo_is_one_form_of_the_task(apio, run_module, tmp_path):
    result = run_module(apio_primary_line.main, dict(apio.args, undo=str(tmp_path / "x.json"), plan="y.json"))
    assert result["failed"] and "mutually exclusive" in result["msg"]
