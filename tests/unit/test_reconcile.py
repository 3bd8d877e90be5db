"""The engine (reconcile.py) through the modules' main() against the fake APIs: the fixed sequence,
batches (plan then apply, on_invalid, folding, counts and messages), option checks, the info form,
and sanitise()."""

import copy

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import (
    MASK,
    sanitise,
)
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_primary_line,
    apio_primary_line_info,
)

from .fakes import BUTTONS, PHONE_TYPE, SEED_KEYS


# -- connection and task options -------------------------------------------------------------------

@pytest.mark.parametrize("extra, message", [
    ({"parallel": 0}, "parallel must be between 1 and 64, got 0"),
    ({"parallel": 65}, "parallel must be between 1 and 64, got 65"),
    ({"retries": -1}, "retries must be 0 or more and timeout more than 0"),
    ({"timeout": 0}, "retries must be 0 or more and timeout more than 0"),
    ({"url": "apio.example.net"}, "url must be an http:// or https:// URL, got 'apio.example.net'"),
])
def test_option_bounds(server, apio, run_module, extra, message):
    result = run_module(apio_primary_line.main, dict(apio.args, tenant="foo", group="foogroup", user="u",
                                                     primary=True, **extra))
    assert result == {"failed": True, "msg": message}
    assert server.requests == []


# -- batches: plan, then apply ---------------------------------------------------------------------

def _batch_args(apio, batch, **extra):
    return dict(apio.args, tenant="foo", group="foogroup", keys=[{"id": 4, "type": "CALLLOG", "label": "calls"}],
                batch=batch, **extra)


def test_batch_with_an_invalid_user_writes_nothing(server, apio, run_module):
    apio.add("changer", keys=SEED_KEYS)
    apio.add("steady", keys=[{"id": 4, "type": "CALLLOG", "label": "calls", "parameter": ""}])
    apio.add("invalid", keys=SEED_KEYS)
    batch = [{"user": "changer"}, {"user": "steady"}, {"user": "ghost"},
             {"user": "invalid", "keys": [{"id": 30, "type": "CALLLOG"}]}]
    result = run_module(apio_phone_buttons.main, _batch_args(apio, batch))

    ghost = "user ghost (foo/foogroup): GET phone buttons failed: HTTP 404: user not found"
    invalid = ("user invalid (foo/foogroup): key 30: id 30 is not a programmable key of phone type "
               "'Telenet-Panasonic-KX-HDV230' (keys 1 to 24)")
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["counts"] == {"total": 4, "changed": 0, "unchanged": 1, "failed": 2, "not_written": 1}
    assert result["msg"] == (f"nothing was written: 2 of 4 users not valid, 1 user that differs held back: "
                             f"{ghost}; {invalid}")
    assert [(r["user"], r["changed"], r["failed"], r["msg"]) for r in result["results"]] == [
        ("changer", False, False, "user changer (foo/foogroup): not written (another user is not valid): "
                                  "key 4 label 'history' -> 'calls'"),
        ("ghost", False, True, ghost),
        ("invalid", False, True, invalid)]
    assert result["results"][0]["blocked"] is True
    assert result["results"][0]["tenant"] == "foo"
    assert result["results"][0]["group"] == "foogroup"
    assert result["results"][0]["user_label"] == "user changer (foo/foogroup)"
    assert (result["results"][1]["status"], result["results"][1]["invalid"]) == (404, True)
    assert "previous" not in result["results"][1]  # the read failed: nothing to show
    assert server.sent("PUT") == []


def test_batch_on_invalid_skip_writes_the_valid_users(server, apio, run_module):
    apio.add("changer", keys=SEED_KEYS)
    apio.add("invalid", keys=SEED_KEYS)
    batch = [{"user": "changer"}, {"user": "ghost"}, {"user": "invalid", "keys": [{"id": 30, "type": "CALLLOG"}]}]
    result = run_module(apio_phone_buttons.main, _batch_args(apio, batch, on_invalid="skip"))
    assert result["failed"] is True
    assert result["changed"] is True
    assert result["counts"] == {"total": 3, "changed": 1, "unchanged": 0, "failed": 2}
    assert result["msg"].startswith("2 of 3 users failed (1 changed, 0 unchanged): user ghost (foo/foogroup): ")
    # Every read and validation comes before the first write.
    assert server.sent("PUT") == [("PUT", BUTTONS.format("changer"))]
    methods = [m for m, unused_path in server.sent()]
    assert methods.index("PUT") == len(methods) - 1


def test_batch_return_unchanged_and_success_message(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    apio.add("b", keys=[{"id": 4, "type": "CALLLOG", "label": "calls", "parameter": ""}])
    apio.add("c", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": u} for u in "abc"],
                                                             return_unchanged=True), diff=True)
    assert result["failed"] is False
    assert result["msg"] == "3 users: 2 changed, 1 unchanged"
    assert result["counts"] == {"total": 3, "changed": 2, "unchanged": 1, "failed": 0}
    assert [(r["user"], r["changed"], r["msg"]) for r in result["results"]] == [
        ("a", True, "user a (foo/foogroup): key 4 label 'history' -> 'calls'"),
        ("b", False, "user b (foo/foogroup): no change"),
        ("c", True, "user c (foo/foogroup): key 4 label 'history' -> 'calls'")]
    assert [d["before_header"] for d in result["diff"]] == ["user a (foo/foogroup)", "user c (foo/foogroup)"]
    assert sorted(server.sent("PUT")) == [("PUT", BUTTONS.format("a")), ("PUT", BUTTONS.format("c"))]
    assert [(m, p) for m, p in server.sent() if p == PHONE_TYPE] == [("GET", PHONE_TYPE)]  # read once


def test_batch_check_mode_sends_no_put(server, apio, run_module):
    for user in "abc":
        apio.add(user, keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": u} for u in "abc"]), check=True)
    assert result["counts"] == {"total": 3, "changed": 3, "unchanged": 0, "failed": 0}
    assert [r["current"]["buttons"][0]["label"] for r in result["results"]] == ["calls"] * 3
    assert server.sent("PUT") == []


def test_batch_write_failure_is_listed_and_the_others_are_written(server, apio, run_module):
    for user in ("a", "b", "c"):
        apio.add(user, keys=SEED_KEYS)
    apio.put_errors["b"] = (400, {"errors": [{"message": "device is locked"}]})
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": u} for u in "abc"], parallel=1))
    assert result["counts"] == {"total": 3, "changed": 2, "unchanged": 0, "failed": 1}
    assert result["msg"] == ("1 of 3 users failed (2 changed, 0 unchanged): user b (foo/foogroup): PUT phone buttons "
                             "failed: HTTP 400: device is locked")
    assert server.sent("PUT") == [("PUT", BUTTONS.format(u)) for u in "abc"]
    failed = result["results"][1]
    assert (failed["user"], failed["failed"], failed["changed"]) == ("b", True, False)
    assert failed["previous"]["buttons"] == SEED_KEYS


def test_batch_items_of_one_user_fold_into_one_write(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    batch = [{"user": "a", "keys": [{"id": 6, "type": "CALLLOG", "label": "calls"}]},
             {"user": "a", "state": "absent", "keys": [{"id": 4}]}]
    result = run_module(apio_phone_buttons.main, _batch_args(apio, batch))
    assert result["counts"] == {"total": 1, "changed": 1, "unchanged": 0, "failed": 0}
    assert result["results"][0]["changes"] == ["key 4 removed (was CALLLOG 'history')",
                                               "key 6 added: CALLLOG 'calls'"]
    assert server.sent("GET").count(("GET", BUTTONS.format("a"))) == 1
    assert server.sent("PUT") == [("PUT", BUTTONS.format("a"))]
    assert [k["id"] for k in server.requests[-1].json["keys"]] == [5, 6]


def test_batch_item_with_a_bad_value_is_named(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": "a"}, {"user": "b", "purge": "maybe"}]))
    assert result["counts"] == {"total": 2, "changed": 0, "unchanged": 0, "failed": 1, "not_written": 1}
    message = result["results"][1]["msg"]
    assert message.startswith("user b (foo/foogroup) (batch[1]): ")
    assert "purge" in message
    assert ("GET", BUTTONS.format("b")) not in server.sent()


def test_batch_item_with_an_unknown_option_says_unsupported(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": "a", "colour": "red"}]))
    assert result["results"][0]["msg"].startswith("user a (foo/foogroup) (batch[0]): unsupported parameters: colour")


# -- the info form ---------------------------------------------------------------------------------

def test_info_single_failure(server, apio, run_module):
    result = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup", user="ghost"))
    assert result == {"failed": True, "msg": "user ghost (foo/foogroup): GET primary line port failed: HTTP 404: "
                                             "user not found"}


def test_info_batch_lists_every_user_and_fails_on_any_failure(server, apio, run_module):
    apio.add("a", primary=True)
    apio.add("b")
    ok = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup",
                                                      batch=[{"user": "a"}, {"user": "b"}]))
    assert ok == {"changed": False, "failed": False, "results": [
        {"tenant": "foo", "group": "foogroup", "user": "a", "primary": True},
        {"tenant": "foo", "group": "foogroup", "user": "b", "primary": False}]}
    failed = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup",
                                                          batch=[{"user": "a"}, {"user": "ghost"}]))
    assert failed["failed"] is True
    assert failed["msg"] == ("1 of 2 users failed: user ghost (foo/foogroup): GET primary line port failed: HTTP 404: "
                             "user not found")
    assert failed["results"][1] == {"tenant": "foo", "group": "foogroup", "user": "ghost", "failed": True,
                                    "status": 404,
                                    "msg": "user ghost (foo/foogroup): GET primary line port failed: HTTP 404: "
                                           "user not found"}
    assert server.sent("PUT") == []


# -- the single form -------------------------------------------------------------------------------

def test_single_form_missing_option_fails_before_any_request(server, apio, run_module):
    result = run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser"))
    assert result == {"failed": True, "msg": "user foouser (foo/foogroup) (options): missing required arguments: keys"}
    assert server.requests == []


# -- sanitise(): secrets are masked before anything reaches a result or a diff -------------------

def test_mask_is_not_the_secret():
    assert MASK == "********"


@pytest.mark.parametrize("key", ["password", "client_secret", "refresh_token", "access_token", "token",
                                 "portal_token", "voicemail_passcode", "Password", "ClientSecret", "X-Auth-TOKEN"])
def test_secret_keys_are_masked(key):
    assert sanitise({key: "s3cr3t", "user": "foouser"}) == {key: MASK, "user": "foouser"}


def test_nested_dicts_and_lists():
    value = {"url": "https://apio", "auth": {"username": "admin", "password": "pw"},
             "batch": [{"user": "a", "voicemail": {"passcode": 1234}}, {"user": "b", "passcode": False}],
             "keys": [{"id": 1, "type": "CALLLOG", "label": "history", "parameter": ""}]}
    original = copy.deepcopy(value)
    assert sanitise(value) == {
        "url": "https://apio", "auth": {"username": "admin", "password": MASK},
        "batch": [{"user": "a", "voicemail": {"passcode": MASK}}, {"user": "b", "passcode": MASK}],
        "keys": [{"id": 1, "type": "CALLLOG", "label": "history", "parameter": ""}]}
    assert value == original  # the input is not modified


def test_a_secret_holding_a_structure_is_masked_whole():
    assert sanitise({"tokens": {"access": "a", "refresh": "r"}}) == {"tokens": MASK}
    assert sanitise({"secrets": ["a", "b"]}) == {"secrets": MASK}


def test_empty_secrets_stay_visible_as_empty():
    # "no password set" is not a secret and helps when reading a diff
    assert sanitise({"password": None, "token": ""}) == {"password": None, "token": ""}


@pytest.mark.parametrize("value", [None, 0, "token", ["password"], {"user": "token"}])
def test_values_are_never_inspected(value):
    assert sanitise(value) == value
