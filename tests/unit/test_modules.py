"""The engine end to end at the Python level: each module's main() against the scripted server."""

import pytest
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_phone_buttons_info,
    apio_primary_line,
    apio_primary_line_info,
    apio_softphone,
    apio_softphone_info,
)

from .fakes import HDV230, SEED_KEYS

USER_PATH = "/api/v1/tenants/foo/groups/foogroup/users/{}/access_device/"
PRIMARY = USER_PATH + "primary_line_port/"
BUTTONS = USER_PATH + "phone_buttons/"
PHONE_TYPE = "/api/v1/configs/phone_types/Telenet-Panasonic-KX-HDV230/"
CUSTOMER = "11111111-1111-4111-8111-111111111111"
DEVICES = f"/api/v1.0/customers/{CUSTOMER}/users/jdoe/devices/pbx"


def puts(server):
    return server.sent("PUT")


# -- apio_primary_line -------------------------------------------------------------------------------

def test_primary_line_four_steps(server, apio, run_module):
    apio.add("giulio@sip.netaxis.be")
    args = dict(apio.args, tenant="foo", group="foogroup", user="giulio@sip.netaxis.be", primary=True)
    path = PRIMARY.format("giulio%40sip.netaxis.be")

    check = run_module(apio_primary_line.main, args, check=True, diff=True)
    assert check == {
        "changed": True, "failed": False, "msg": "user giulio@sip.netaxis.be@foogroup: primary line port false -> true",
        "changes": ["primary line port false -> true"], "previous": {"primary": False}, "current": {"primary": True},
        "diff": {"before_header": "user giulio@sip.netaxis.be@foogroup",
                 "after_header": "user giulio@sip.netaxis.be@foogroup",
                 "before": {"primary": False}, "after": {"primary": True}}}
    assert server.sent() == [("GET", path)]  # check mode: no PUT

    apply = run_module(apio_primary_line.main, args)
    assert (apply["changed"], apply["current"], "diff" in apply) == (True, {"primary": True}, False)
    assert puts(server) == [("PUT", path)]
    assert server.requests[-1].json == {"primaryLinePort": True}

    again = run_module(apio_primary_line.main, args, check=True)
    assert (again["changed"], again["msg"], again["changes"]) == (
        False, "user giulio@sip.netaxis.be@foogroup: no change", [])
    last = run_module(apio_primary_line.main, args)
    assert last["changed"] is False
    assert len(puts(server)) == 1


@pytest.mark.parametrize("user, message", [
    ("nophone", "user nophone@foogroup: GET primary line port failed: HTTP 404: the user has no phone linked to him"),
    ("ghost", "user ghost@foogroup: GET primary line port failed: HTTP 404: user not found"),
    ("generic", ("user generic@foogroup: GET primary line port failed: HTTP 400: 2: INVALID_PARAMETERS, "
                 "This Phone Type does not supports primary line port setting")),
])
def test_primary_line_failures_name_the_user_the_status_and_the_api_message(server, apio, run_module, user, message):
    apio.no_phone.add("nophone")
    apio.add("generic", device_type="Generic SIP Phone")
    result = run_module(apio_primary_line.main, dict(apio.args, tenant="foo", group="foogroup", user=user,
                                                     primary=True))
    assert result == {"failed": True, "msg": message}
    assert puts(server) == []


def test_primary_line_with_login(server, apio, run_module):
    apio.add("foouser", primary=True)
    args = dict(apio.args, token=None, username="admin", password="admin-pass")
    result = run_module(apio_primary_line.main, dict(args, tenant="foo", group="foogroup", user="foouser",
                                                     primary=True))
    assert result["changed"] is False
    assert server.sent() == [("POST", "/api/v01/auth/login"), ("GET", PRIMARY.format("foouser"))]


def test_primary_line_info(server, apio, run_module):
    apio.add("foouser", primary=True)
    result = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser"))
    assert result == {"changed": False, "failed": False, "primary": True}


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


# -- apio_phone_buttons: one user --------------------------------------------------------------------

RELABEL = [{"id": 4, "type": "CALLLOG", "label": "c. history"},
           {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}]


def test_seed_example_sends_the_documented_put_body(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS)
    args = dict(apio.args, operator="telenet", tenant="foo", group="foogroup", user="foouser", keys=RELABEL)
    path = "/api/v1/telenet/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"

    result = run_module(apio_phone_buttons.main, args, diff=True)
    changes = ["key 4 label 'history' -> 'c. history'", "key 5 label 'call boss' -> 'call chief'"]
    assert result["changed"] is True
    assert result["changes"] == changes
    assert result["msg"] == "user foouser@foogroup: " + "; ".join(changes)
    assert result["previous"] == {"device_type": HDV230, "device_name": "DP_foouser", "buttons": SEED_KEYS}
    assert result["current"]["buttons"] == [
        {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
        {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}]
    assert result["diff"]["before"] == {"device_type": HDV230, "buttons": {
        "04": "CALLLOG 'history'", "05": "ONETOUCH 'call boss' 065432368"}}
    assert result["diff"]["after"] == {"device_type": HDV230, "buttons": {
        "04": "CALLLOG 'c. history'", "05": "ONETOUCH 'call chief' 065432368"}}
    assert server.sent() == [("GET", path), ("GET", PHONE_TYPE), ("PUT", path)]
    assert server.requests[-1].json == {"keys": [
        {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
        {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}]}

    # Second run: one GET, no phone type, no PUT.
    del server.requests[:]
    again = run_module(apio_phone_buttons.main, args)
    assert (again["changed"], again["changes"]) == (False, [])
    assert server.sent() == [("GET", path)]


def test_check_mode_returns_the_would_be_state_and_sends_no_put(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS)
    args = dict(apio.args, tenant="foo", group="foogroup", user="foouser", purge=True,
                keys=[{"id": 1, "type": "LINE", "parameter": "l1"}])
    result = run_module(apio_phone_buttons.main, args, check=True)
    assert result["changed"] is True
    assert result["changes"] == ["key 1 added: LINE '' l1", "key 4 removed (was CALLLOG 'history')",
                                 "key 5 removed (was ONETOUCH 'call boss' 065432368)"]
    assert result["current"]["buttons"] == [{"id": 1, "type": "LINE", "label": "", "parameter": "l1"}]
    assert puts(server) == []
    assert apio.phones[("foo", "foogroup", "foouser")]["keys"] == SEED_KEYS


def test_invalid_keys_fail_before_any_write(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS)
    args = dict(apio.args, tenant="foo", group="foogroup", user="foouser",
                keys=[{"id": 5, "type": "ONETOUCH", "label": "boss"}])
    result = run_module(apio_phone_buttons.main, args)
    assert result == {"failed": True, "msg": "user foouser@foogroup: key 5: type ONETOUCH needs a parameter "
                                             "(PhoneNumber)",
                      "previous": {"device_type": HDV230, "device_name": "DP_foouser", "buttons": SEED_KEYS}}
    assert puts(server) == []


def test_absent_clears_one_key(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser",
                                                      state="absent", keys=[{"id": 5}]))
    assert result["changes"] == ["key 5 removed (was ONETOUCH 'call boss' 065432368)"]
    assert server.requests[-1].json == {"keys": [SEED_KEYS[0]]}
    assert PHONE_TYPE not in [p for unused_method, p in server.sent()]


def test_info_output_fed_back_is_no_change(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS + [{"id": 3, "type": "BLF", "label": "", "parameter": "a@x"}])
    info = run_module(apio_phone_buttons_info.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser"))
    assert info == {"changed": False, "failed": False, "device_type": HDV230, "device_name": "DP_foouser",
                    "buttons": [{"id": 3, "type": "BLF", "label": "", "parameter": "a@x"}] + SEED_KEYS}
    result = run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser",
                                                      purge=True, keys=info["buttons"]))
    assert result["changed"] is False
    assert puts(server) == []


def test_info_batch_entries_have_buttons(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    apio.add("b")
    result = run_module(apio_phone_buttons_info.main, dict(apio.args, tenant="foo", group="foogroup",
                                                           batch=[{"user": "a"}, {"user": "b"}]))
    assert result == {"changed": False, "failed": False, "results": [
        {"tenant": "foo", "group": "foogroup", "user": "a", "device_type": HDV230, "device_name": "DP_a",
         "buttons": SEED_KEYS},
        {"tenant": "foo", "group": "foogroup", "user": "b", "device_type": HDV230, "device_name": "DP_b",
         "buttons": []}]}


# -- apio_phone_buttons: batches ---------------------------------------------------------------------

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

    ghost = "user ghost@foogroup: GET phone buttons failed: HTTP 404: user not found"
    invalid = ("user invalid@foogroup: key 30: id 30 is not a programmable key of phone type "
               "'Telenet-Panasonic-KX-HDV230' (keys 1 to 24)")
    assert result["failed"] is True
    assert result["changed"] is False
    assert result["counts"] == {"total": 4, "changed": 0, "unchanged": 1, "failed": 2, "not_written": 1}
    assert result["msg"] == (f"nothing was written: 2 of 4 users not valid, 1 user that differs held back: "
                             f"{ghost}; {invalid}")
    assert [(r["user"], r["changed"], r["failed"], r["msg"]) for r in result["results"]] == [
        ("changer", False, False, "user changer@foogroup: not written (another user is not valid): "
                                  "key 4 label 'history' -> 'calls'"),
        ("ghost", False, True, ghost),
        ("invalid", False, True, invalid)]
    assert result["results"][0]["blocked"] is True
    assert result["results"][0]["tenant"] == "foo"
    assert result["results"][0]["group"] == "foogroup"
    assert result["results"][0]["user_label"] == "user changer@foogroup"
    assert (result["results"][1]["status"], result["results"][1]["invalid"]) == (404, True)
    assert "previous" not in result["results"][1]  # the read failed: nothing to show
    assert puts(server) == []


def test_batch_on_invalid_skip_writes_the_valid_users(server, apio, run_module):
    apio.add("changer", keys=SEED_KEYS)
    apio.add("invalid", keys=SEED_KEYS)
    batch = [{"user": "changer"}, {"user": "ghost"}, {"user": "invalid", "keys": [{"id": 30, "type": "CALLLOG"}]}]
    result = run_module(apio_phone_buttons.main, _batch_args(apio, batch, on_invalid="skip"))
    assert result["failed"] is True
    assert result["changed"] is True
    assert result["counts"] == {"total": 3, "changed": 1, "unchanged": 0, "failed": 2}
    assert result["msg"].startswith("2 of 3 users failed (1 changed, 0 unchanged): user ghost@foogroup: ")
    # Every read and validation comes before the first write.
    assert puts(server) == [("PUT", BUTTONS.format("changer"))]
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
        ("a", True, "user a@foogroup: key 4 label 'history' -> 'calls'"),
        ("b", False, "user b@foogroup: no change"),
        ("c", True, "user c@foogroup: key 4 label 'history' -> 'calls'")]
    assert [d["before_header"] for d in result["diff"]] == ["user a@foogroup", "user c@foogroup"]
    assert sorted(puts(server)) == [("PUT", BUTTONS.format("a")), ("PUT", BUTTONS.format("c"))]
    assert [(m, p) for m, p in server.sent() if p == PHONE_TYPE] == [("GET", PHONE_TYPE)]  # read once


def test_batch_check_mode_sends_no_put(server, apio, run_module):
    for user in "abc":
        apio.add(user, keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": u} for u in "abc"]), check=True)
    assert result["counts"] == {"total": 3, "changed": 3, "unchanged": 0, "failed": 0}
    assert [r["current"]["buttons"][0]["label"] for r in result["results"]] == ["calls"] * 3
    assert puts(server) == []


def test_batch_write_failure_is_listed_and_the_others_are_written(server, apio, run_module):
    for user in ("a", "b", "c"):
        apio.add(user, keys=SEED_KEYS)
    apio.put_errors["b"] = (400, {"errors": [{"message": "device is locked"}]})
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": u} for u in "abc"], parallel=1))
    assert result["counts"] == {"total": 3, "changed": 2, "unchanged": 0, "failed": 1}
    assert result["msg"] == ("1 of 3 users failed (2 changed, 0 unchanged): user b@foogroup: PUT phone buttons "
                             "failed: HTTP 400: device is locked")
    assert puts(server) == [("PUT", BUTTONS.format(u)) for u in "abc"]
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
    assert puts(server) == [("PUT", BUTTONS.format("a"))]
    assert [k["id"] for k in server.requests[-1].json["keys"]] == [5, 6]


def test_batch_item_with_a_bad_value_is_named(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": "a"}, {"user": "b", "purge": "maybe"}]))
    assert result["counts"] == {"total": 2, "changed": 0, "unchanged": 0, "failed": 1, "not_written": 1}
    message = result["results"][1]["msg"]
    assert message.startswith("user b@foogroup (batch[1]): ")
    assert "purge" in message
    assert ("GET", BUTTONS.format("b")) not in server.sent()


def test_batch_item_with_an_unknown_option_says_unsupported(server, apio, run_module):
    apio.add("a", keys=SEED_KEYS)
    result = run_module(apio_phone_buttons.main, _batch_args(apio, [{"user": "a", "colour": "red"}]))
    assert result["results"][0]["msg"].startswith("user a@foogroup (batch[0]): unsupported parameters: colour")


# -- apio_softphone ----------------------------------------------------------------------------------

def _softphone(portal, **extra):
    return dict(portal.args, customer=CUSTOMER, user="jdoe", **extra)


def test_softphone_replace_shows_in_diff_and_is_one_assign(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop"), "dev-2": ("Laptop", None)})
    args = _softphone(portal, device="dev-2", client_type="desktop")

    check = run_module(apio_softphone.main, args, check=True, diff=True)
    assert check["changes"] == ["device dev-1 unassigned from desktop", "device dev-2 assigned to desktop"]
    assert check["diff"]["before"] == {"devices": ["dev-1 (Desk phone): desktop", "dev-2 (Laptop): none"]}
    assert check["diff"]["after"] == {"devices": ["dev-1 (Desk phone): none", "dev-2 (Laptop): desktop"]}
    assert puts(server) == []

    apply = run_module(apio_softphone.main, args)
    assert apply["changed"] is True
    assert apply["msg"] == (f"user jdoe (customer {CUSTOMER}): device dev-1 unassigned from desktop; "
                            "device dev-2 assigned to desktop")
    assert puts(server) == [("PUT", DEVICES + "/dev-2/assign")]
    assert server.requests[-1].json == {"clientType": "desktop"}
    assert server.sent("POST") == [("POST", "/connect/token")] * 2  # one token per task

    again = run_module(apio_softphone.main, args)
    assert again["changed"] is False
    assert len(puts(server)) == 1


def test_softphone_charges(server, portal, run_module):
    portal.charged = True
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", None)})
    refused = run_module(apio_softphone.main, _softphone(portal, device="dev-1", client_type="mobile"))
    assert refused == {"failed": True, "msg": (
        f"user jdoe (customer {CUSTOMER}): PUT assign of device dev-1 (mobile) failed: HTTP 402: additional charges "
        "apply; assigning device dev-1 to mobile is a new, chargeable softphone seat: set accept_charges=true to "
        "accept the charges"),
        "previous": {"devices": [{"device": "dev-1", "name": "Desk phone", "client_type": None}]}}
    accepted = run_module(apio_softphone.main, _softphone(portal, device="dev-1", client_type="mobile",
                                                          accept_charges=True))
    assert accepted["changed"] is True
    assert server.requests[-1].headers["accept-charges"] == "true"
    assert portal.users[(CUSTOMER, "jdoe")][0]["clientType"] == "mobile"


def test_softphone_batch_unknown_device_writes_nothing(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", None)})
    portal.add(CUSTOMER, "asmith", **{"dev-7": ("Mobile", None)})
    result = run_module(apio_softphone.main, dict(portal.args, customer=CUSTOMER, client_type="mobile", batch=[
        {"user": "jdoe", "device": "dev-1"}, {"user": "asmith", "device": "dev-9"}]))
    assert result["counts"] == {"total": 2, "changed": 0, "unchanged": 0, "failed": 1, "not_written": 1}
    assert result["msg"] == (f"nothing was written: 1 of 2 users not valid, 1 user that differs held back: "
                             f"user asmith (customer {CUSTOMER}): "
                             "device 'dev-9' is not a PBX device of this user (the user's devices: dev-7)")
    assert puts(server) == []


def test_softphone_info(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-2": ("Laptop", "webrtc"), "dev-1": ("Desk phone", None)})
    result = run_module(apio_softphone_info.main, _softphone(portal))
    assert result == {"changed": False, "failed": False, "devices": [
        {"device": "dev-1", "name": "Desk phone", "client_type": None},
        {"device": "dev-2", "name": "Laptop", "client_type": "webrtc"}]}


def test_softphone_diff_of_a_device_named_like_a_secret(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Secretary", None)})
    result = run_module(apio_softphone.main, _softphone(portal, device="dev-1", client_type="desktop"), diff=True)
    assert result["diff"]["after"] == {"devices": ["dev-1 (Secretary): desktop"]}


# -- info modules and connection options -------------------------------------------------------------

def test_info_single_failure(server, apio, run_module):
    result = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup", user="ghost"))
    assert result == {"failed": True, "msg": "user ghost@foogroup: GET primary line port failed: HTTP 404: "
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
    assert failed["msg"] == ("1 of 2 users failed: user ghost@foogroup: GET primary line port failed: HTTP 404: "
                             "user not found")
    assert failed["results"][1] == {"tenant": "foo", "group": "foogroup", "user": "ghost", "failed": True,
                                    "status": 404,
                                    "msg": "user ghost@foogroup: GET primary line port failed: HTTP 404: "
                                           "user not found"}
    assert puts(server) == []


def test_connection_options_from_the_environment(server, apio, run_module, monkeypatch):
    apio.add("foouser", primary=True)
    monkeypatch.setenv("APIO_URL", server.url)
    monkeypatch.setenv("APIO_USERNAME", "admin")
    monkeypatch.setenv("APIO_PASSWORD", "admin-pass")
    monkeypatch.setenv("APIO_API_PREFIX", "/api/v1")
    result = run_module(apio_primary_line.main, {"tenant": "foo", "group": "foogroup", "user": "foouser",
                                                 "primary": True})
    assert result["changed"] is False
    assert server.requests[0].json == {"username": "admin", "password": "admin-pass"}


def test_portal_options_from_the_environment(server, portal, run_module, monkeypatch):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", None)})
    monkeypatch.setenv("APIO_PORTAL_URL", server.url)
    monkeypatch.setenv("APIO_PORTAL_TOKEN", "ptok")
    result = run_module(apio_softphone_info.main, {"customer": CUSTOMER, "user": "jdoe"})
    assert result["devices"] == [{"device": "dev-1", "name": "Desk phone", "client_type": None}]
    assert server.sent() == [("GET", DEVICES)]  # the ready token is used, no token request


def test_single_form_missing_option_fails_before_any_request(server, apio, run_module):
    result = run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser"))
    assert result == {"failed": True, "msg": "user foouser@foogroup (options): missing required arguments: keys"}
    assert server.requests == []
