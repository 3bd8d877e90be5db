"""Phone buttons: the resource (normalisation, desired-state merging, validation against the phone type,
wording) and the apio_phone_buttons modules."""

from urllib.parse import unquote

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import (
    PhoneButtons,
    normalise_key,
)
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import InputError
from ansible_collections.telephony.apio.plugins.modules import apio_phone_buttons, apio_phone_buttons_info

from support.fake_server import reply
from .fakes import HDV230, PHONE_TYPE, PHONE_TYPES, SEED_KEYS

BUTTONS_PATH = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"


def phone_type_handler(req):
    prefix = "/api/v1/configs/phone_types/"
    if req.method == "GET" and req.path.startswith(prefix):
        name = unquote(req.path[len(prefix):].rstrip("/"))
        if name in PHONE_TYPES:
            return reply(200, PHONE_TYPES[name])
    return reply(404, {"errors": [{"message": "phone type not found"}]})


@pytest.fixture
def buttons(server, clients):
    server.handler = phone_type_handler
    return PhoneButtons(clients.apio(server.url, token="tok"))


def params(keys, purge=False, state="present", **extra):
    """The parameters of one user as the engine passes them: validated against the module's spec."""
    raw = dict(tenant="foo", group="foogroup", user="foouser", keys=keys, purge=purge, state=state, **extra)
    result = ArgumentSpecValidator(PhoneButtons.options).validate(raw)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def state(keys, device_type=HDV230):
    return {"device_type": device_type, "device_name": "DP_giulio@sip.netaxis.be",
            "keys": [normalise_key(k) for k in sorted(keys, key=lambda k: k["id"])]}


def phone_type_gets(server):
    return [p for m, p in server.sent() if p.startswith("/api/v1/configs/phone_types/")]


# -- normalisation -----------------------------------------------------------------------------------

def test_normalise_key_fills_missing_fields():
    assert normalise_key({"id": "7", "type": "CALLLOG"}) == {"id": 7, "type": "CALLLOG", "label": "",
                                                             "parameter": ""}
    assert normalise_key({"id": 7, "type": None, "label": None, "parameter": None}) == {
        "id": 7, "type": "", "label": "", "parameter": ""}
    assert normalise_key({"id": 7, "type": "X", "label": 12, "parameter": 3, "extra": 1}) == {
        "id": 7, "type": "X", "label": "12", "parameter": "3"}


def test_read_sorts_keys_fills_parameter_and_drops_other_fields(server, clients):
    server.script(reply(200, {
        "deviceType": HDV230, "deviceName": "DP_giulio@sip.netaxis.be", "macAddress": "0011", "lines": [1],
        "keys": [{"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368", "extra": 1},
                 {"id": 4, "type": "CALLLOG", "label": "history"}]}))
    resource = PhoneButtons(clients.apio(server.url, token="tok"))
    current = resource.read(params(SEED_KEYS, operator="telenet"))
    assert current == {"device_type": HDV230, "device_name": "DP_giulio@sip.netaxis.be", "keys": SEED_KEYS}
    assert server.sent() == [("GET", ("/api/v1/telenet/tenants/foo/groups/foogroup/users/foouser/"
                                      "access_device/phone_buttons/"))]
    # What results show: the key list as "buttons" (result.keys in Jinja is the dict method).
    assert resource.info(current) == {"device_type": HDV230, "device_name": "DP_giulio@sip.netaxis.be",
                                      "buttons": SEED_KEYS}


def test_read_with_an_empty_key_list_is_an_empty_layout(server, clients):
    server.script(reply(200, {"deviceType": HDV230, "deviceName": "d", "keys": []}))
    resource = PhoneButtons(clients.apio(server.url, token="tok"))
    assert resource.read(params([]))["keys"] == []


@pytest.mark.parametrize("body, message", [
    ({"keys": {"4": "CALLLOG"}}, "GET phone buttons failed: unexpected answer, no key list: {'keys': {'4': 'CALLLOG'}}"),
    (["keys"], "GET phone buttons failed: unexpected answer, no key list: ['keys']"),
    ({"deviceType": HDV230, "keys": [{"type": "CALLLOG"}]},
     "GET phone buttons failed: unexpected answer, a malformed key (id, type, label, parameter): "
     "[{'type': 'CALLLOG'}]"),
    ({"deviceType": HDV230, "keys": [{"id": "four"}]},
     "GET phone buttons failed: unexpected answer, a malformed key (id, type, label, parameter): "
     "[{'id': 'four'}]"),
])
def test_read_of_an_unexpected_answer(server, clients, body, message):
    server.script(reply(200, body))
    resource = PhoneButtons(clients.apio(server.url, token="tok"))
    with pytest.raises(ApiError) as caught:
        resource.read(params([]))
    assert str(caught.value) == message


def test_same_keys_in_another_order_without_parameter_is_no_change_and_needs_no_phone_type(buttons, server):
    current = state(SEED_KEYS)
    listed = [{"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368"},
              {"id": 4, "type": "CALLLOG", "label": "history"}]
    assert buttons.desired(current, params(listed)) == current
    assert buttons.desired(current, params(listed, purge=True)) == current
    assert server.requests == []  # the steady state costs no phone type GET


def test_label_ignored_is_not_compared(buttons, server):
    current = state([{"id": 3, "type": "BLF", "label": "", "parameter": "alice@x"}])
    assert buttons.desired(current, params([{"id": 3, "type": "BLF", "label": "Alice", "parameter": "alice@x"}])) \
        == current
    assert phone_type_gets(server) == ["/api/v1/configs/phone_types/Telenet-Panasonic-KX-HDV230/"]


def test_label_ignored_key_is_written_without_label(buttons):
    desired = buttons.desired(state([]), params([{"id": 3, "type": "BLF", "label": "Alice", "parameter": "a@x"}]))
    assert desired["keys"] == [{"id": 3, "type": "BLF", "label": "", "parameter": "a@x"}]


# -- merging -----------------------------------------------------------------------------------------

def test_purge_false_keeps_the_other_keys(buttons):
    current = state(SEED_KEYS)
    desired = buttons.desired(current, params([{"id": 5, "type": "ONETOUCH", "label": "call chief",
                                                "parameter": "065432368"},
                                               {"id": 1, "type": "LINE", "parameter": "line1"}]))
    assert desired["keys"] == [
        {"id": 1, "type": "LINE", "label": "", "parameter": "line1"},
        {"id": 4, "type": "CALLLOG", "label": "history", "parameter": ""},
        {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"},
    ]
    assert current == state(SEED_KEYS)  # the current state is not modified
    assert desired["device_type"] == HDV230
    assert desired["device_name"] == "DP_giulio@sip.netaxis.be"


def test_purge_true_makes_the_listed_keys_the_whole_layout(buttons):
    desired = buttons.desired(state(SEED_KEYS), params([{"id": 2, "type": "CALLLOG", "label": "History"}],
                                                       purge=True))
    assert desired["keys"] == [{"id": 2, "type": "CALLLOG", "label": "History", "parameter": ""}]


def test_purge_true_with_no_keys_clears_everything(buttons):
    assert buttons.desired(state(SEED_KEYS), params([], purge=True))["keys"] == []


def test_absent_clears_the_listed_ids_only(buttons, server):
    current = state(SEED_KEYS)
    desired = buttons.desired(current, params([{"id": 5}, {"id": 9}], state="absent"))
    assert desired["keys"] == [SEED_KEYS[0]]
    assert server.requests == []  # removals need no phone type


def test_absent_of_keys_that_are_not_set_is_no_change(buttons):
    current = state(SEED_KEYS)
    assert buttons.desired(current, params([{"id": 9}], state="absent")) == current


def test_absent_with_purge_is_refused(buttons):
    with pytest.raises(InputError) as caught:
        buttons.desired(state(SEED_KEYS), params([{"id": 5}], purge=True, state="absent"))
    assert str(caught.value) == ("purge cannot be used with state=absent (to clear every key, use "
                                 "state=present, purge=true and keys=[])")


def test_batch_items_fold_in_order(buttons):
    current = state(SEED_KEYS)
    step = buttons.desired(current, params([{"id": 6, "type": "CALLLOG", "label": "calls"}]))
    final = buttons.desired(step, params([{"id": 4}], state="absent"))
    assert [k["id"] for k in final["keys"]] == [5, 6]


# -- validation --------------------------------------------------------------------------------------

def test_duplicate_ids(buttons, server):
    with pytest.raises(InputError) as caught:
        buttons.desired(state([]), params([{"id": 5, "type": "CALLLOG"}, {"id": 6, "type": "CALLLOG"},
                                           {"id": 5, "type": "LINE", "parameter": "l"}]))
    assert str(caught.value) == "keys[2]: key id 5 is listed twice"
    assert server.requests == []


def test_type_is_required_when_present(buttons):
    with pytest.raises(InputError) as caught:
        buttons.desired(state([]), params([{"id": 5, "label": "x"}]))
    assert str(caught.value) == "keys[0] (id 5): type is required when state=present"


@pytest.mark.parametrize("key, message", [
    ({"id": 5, "type": "SPEEDDIAL", "label": "x"},
     ("key 5: type 'SPEEDDIAL' is not available on phone type 'Telenet-Panasonic-KX-HDV230' "
     "(available: BLF, CALLLOG, DIRECT_CALL, LINE, ONETOUCH)")),
    ({"id": 25, "type": "CALLLOG"},
     "key 25: id 25 is not a programmable key of phone type 'Telenet-Panasonic-KX-HDV230' (keys 1 to 24)"),
    ({"id": 0, "type": "CALLLOG"},
     "key 0: id 0 is not a programmable key of phone type 'Telenet-Panasonic-KX-HDV230' (keys 1 to 24)"),
    ({"id": 5, "type": "ONETOUCH", "label": "boss"}, "key 5: type ONETOUCH needs a parameter (PhoneNumber)"),
    ({"id": 5, "type": "ONETOUCH", "parameter": "065432368"}, "key 5: type ONETOUCH needs a label"),
    ({"id": 5, "type": "ONETOUCH"},
     "key 5: type ONETOUCH needs a parameter (PhoneNumber); key 5: type ONETOUCH needs a label"),
    ({"id": 5, "type": "LINE", "label": "l"}, "key 5: type LINE needs a parameter (Line)"),
])
def test_invalid_key(buttons, key, message):
    with pytest.raises(InputError) as caught:
        buttons.desired(state(SEED_KEYS), params([key]))
    assert str(caught.value) == message


def test_label_ignored_type_needs_no_label_even_if_required(buttons):
    desired = buttons.desired(state([]), params([{"id": 3, "type": "BLF", "parameter": "a@x"}]))
    assert desired["keys"] == [{"id": 3, "type": "BLF", "label": "", "parameter": "a@x"}]


def test_every_problem_is_listed(buttons):
    with pytest.raises(InputError) as caught:
        buttons.desired(state([]), params([{"id": 30, "type": "CALLLOG"}, {"id": 2, "type": "NOPE"},
                                           {"id": 3, "type": "DIRECT_CALL", "label": "x"}]))
    assert str(caught.value) == (
        "key 30: id 30 is not a programmable key of phone type 'Telenet-Panasonic-KX-HDV230' (keys 1 to 24); "
        "key 2: type 'NOPE' is not available on phone type 'Telenet-Panasonic-KX-HDV230' "
        "(available: BLF, CALLLOG, DIRECT_CALL, LINE, ONETOUCH); "
        "key 3: type DIRECT_CALL needs a parameter (PhoneNumber)")


def test_managed_keys_of_the_phone_type(buttons):
    current = state([], device_type="Small Phone")
    assert buttons.desired(current, params([{"id": 5, "type": "CALLLOG"}]))["keys"][0]["id"] == 5
    with pytest.raises(InputError) as caught:
        buttons.desired(current, params([{"id": 3, "type": "CALLLOG"}]))
    assert str(caught.value) == "key 3: id 3 is not a programmable key of phone type 'Small Phone' (keys 1, 2, 5)"


@pytest.mark.parametrize("device_type", ["Generic SIP Phone", "No Ids Phone"])
def test_phone_type_without_keys(buttons, device_type):
    with pytest.raises(InputError) as caught:
        buttons.desired(state([], device_type=device_type), params([{"id": 1, "type": "CALLLOG"}]))
    assert str(caught.value) == f"phone type '{device_type}' has no programmable keys"


def test_unknown_phone_type(buttons):
    with pytest.raises(ApiError) as caught:
        buttons.desired(state([], device_type="Mystery 9000"), params([{"id": 1, "type": "CALLLOG"}]))
    assert str(caught.value) == "GET phone type 'Mystery 9000' failed: HTTP 404: phone type not found"


def test_phone_type_is_read_once_per_task(buttons, server):
    for label in ("a", "b", "c"):
        buttons.desired(state(SEED_KEYS), params([{"id": 4, "type": "CALLLOG", "label": label}]))
    with pytest.raises(ApiError):
        buttons.desired(state([], device_type="Mystery 9000"), params([{"id": 1, "type": "CALLLOG"}]))
    with pytest.raises(ApiError):
        buttons.desired(state([], device_type="Mystery 9000"), params([{"id": 1, "type": "CALLLOG"}]))
    assert phone_type_gets(server) == ["/api/v1/configs/phone_types/Telenet-Panasonic-KX-HDV230/",
                                       "/api/v1/configs/phone_types/Mystery%209000/"]


# -- wording, diff and write -------------------------------------------------------------------------

def test_changes_wording():
    before = state(SEED_KEYS + [{"id": 7, "type": "LINE", "label": "", "parameter": "l1"}])
    after = state([
        {"id": 2, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"},
        {"id": 3, "type": "CALLLOG", "label": "History"},
        {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
        {"id": 5, "type": "DIRECT_CALL", "label": "call chief", "parameter": "1001"},
    ])
    assert PhoneButtons(None).changes(before, after) == [
        "key 2 added: DIRECT_CALL 'Reception' 1000",
        "key 3 added: CALLLOG 'History'",
        "key 4 label 'history' -> 'c. history'",
        ("key 5 type 'ONETOUCH' -> 'DIRECT_CALL', label 'call boss' -> 'call chief', "
         "parameter '065432368' -> '1001'"),
        "key 7 removed (was LINE '' l1)",
    ]
    assert PhoneButtons(None).changes(before, before) == []


def test_diff_view_is_one_line_per_key():
    assert PhoneButtons(None).diff_view(state(SEED_KEYS)) == {
        "device_type": HDV230, "buttons": {"04": "CALLLOG 'history'", "05": "ONETOUCH 'call boss' 065432368"}}


def test_write_sends_the_whole_layout_and_returns_the_answer(server, clients):
    answer = {"deviceType": HDV230, "deviceName": "DP_giulio@sip.netaxis.be", "keys": [
        {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"},
        {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""}]}
    server.script(reply(200, answer))
    resource = PhoneButtons(clients.apio(server.url, token="tok"))
    after = state([{"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
                   {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}])
    assert resource.write(params([]), state(SEED_KEYS), after) == after
    assert server.sent() == [("PUT", BUTTONS_PATH)]
    # The documented PUT body, byte for byte in content: exactly "keys", four fields, id an integer.
    assert server.requests[0].json == {"keys": [
        {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
        {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}]}


# -- the modules -----------------------------------------------------------------------------------

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
    assert result["msg"] == "user foouser (foo/foogroup): " + "; ".join(changes)
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
    assert server.sent("PUT") == []
    assert apio.phones[("foo", "foogroup", "foouser")]["keys"] == SEED_KEYS


def test_invalid_keys_fail_before_any_write(server, apio, run_module):
    apio.add("foouser", keys=SEED_KEYS)
    args = dict(apio.args, tenant="foo", group="foogroup", user="foouser",
                keys=[{"id": 5, "type": "ONETOUCH", "label": "boss"}])
    result = run_module(apio_phone_buttons.main, args)
    assert result == {"failed": True, "msg": "user foouser (foo/foogroup): key 5: type ONETOUCH needs a parameter "
                                             "(PhoneNumber)",
                      "previous": {"device_type": HDV230, "device_name": "DP_foouser", "buttons": SEED_KEYS}}
    assert server.sent("PUT") == []


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
    assert server.sent("PUT") == []


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
