"""Softphone (replace/move rules, assign before unassign, charges) and primary line resources."""

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.primary_line import (
    PrimaryLine,
)
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import InputError
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone

from .conftest import reply

CUSTOMER = "11111111-1111-4111-8111-111111111111"
BASE = f"/api/v1.0/customers/{CUSTOMER}/users/jdoe/devices/pbx"
CREATED = reply(201, {"status": "success", "timestamp": "2024-01-01T00:00:00Z"}, {"Location": "/x"})


def sp_params(device, client_type=None, state="present", **extra):
    raw = dict(customer=CUSTOMER, user="jdoe", device=device, state=state, **extra)
    if client_type is not None:
        raw["client_type"] = client_type
    result = ArgumentSpecValidator(Softphone.options).validate(raw)
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


def devices(**assigned):
    """{"devices": [...]} from device=client_type pairs (None: not assigned), sorted as read() sorts."""
    return {"devices": [{"device": d, "name": "name of " + d, "client_type": t} for d, t in sorted(assigned.items())]}


def types(state):
    return {d["device"]: d["client_type"] for d in state["devices"]}


# -- softphone: read ---------------------------------------------------------------------------------

def test_read_normalises_and_sorts(server, clients):
    server.script(reply(200, {"page_size": "3", "status": "success", "data": [
        {"id": "dev-z", "name": "Mobile", "clientType": "mobile"},
        {"id": 42, "name": "Desk", "clientType": None},
        {"id": "dev-a"}]}))
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    assert softphone.read(sp_params("dev-a")) == {"devices": [
        {"device": "42", "name": "Desk", "client_type": None},
        {"device": "dev-a", "name": None, "client_type": None},
        {"device": "dev-z", "name": "Mobile", "client_type": "mobile"}]}
    assert server.sent() == [("GET", BASE)]


def test_read_uses_the_reseller_route_with_account(server, clients):
    server.script(reply(200, {"data": []}))
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    softphone.read(sp_params("d", account="acc 1"))
    assert server.sent() == [("GET", f"/api/v1.0/accounts/acc%201/customers/{CUSTOMER}/users/jdoe/devices/pbx")]


@pytest.mark.parametrize("body, message", [
    ({"data": {"id": "d"}}, "GET softphone devices failed: unexpected answer, no device list: {'data': {'id': 'd'}}"),
    ([], "GET softphone devices failed: unexpected answer, no device list: []"),
    ({"data": [{"name": "x"}]},
     "GET softphone devices failed: unexpected answer, a device without an id: [{'name': 'x'}]"),
])
def test_read_of_an_unexpected_answer(server, clients, body, message):
    server.script(reply(200, body))
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    with pytest.raises(ApiError) as caught:
        softphone.read(sp_params("d"))
    assert str(caught.value) == message


# -- softphone: desired state ------------------------------------------------------------------------

@pytest.mark.parametrize("before, request_, after", [
    pytest.param({"a": None, "b": None}, ("a", "desktop", "present"), {"a": "desktop", "b": None}, id="assign"),
    pytest.param({"a": None, "b": "desktop"}, ("a", "desktop", "present"), {"a": "desktop", "b": None},
                 id="replace-the-device-of-a-client-type"),
    pytest.param({"a": "mobile", "b": None}, ("a", "desktop", "present"), {"a": "desktop", "b": None},
                 id="move-between-client-types"),
    pytest.param({"a": "mobile", "b": "desktop"}, ("a", "desktop", "present"), {"a": "desktop", "b": None},
                 id="move-and-replace"),
    pytest.param({"a": "desktop", "b": "mobile"}, ("a", "desktop", "present"), {"a": "desktop", "b": "mobile"},
                 id="already-there"),
    pytest.param({"a": "desktop", "b": "mobile"}, ("a", None, "absent"), {"a": None, "b": "mobile"},
                 id="absent-whatever-client-type"),
    pytest.param({"a": "desktop"}, ("a", "desktop", "absent"), {"a": None}, id="absent-from-its-client-type"),
    pytest.param({"a": "desktop"}, ("a", "mobile", "absent"), {"a": "desktop"}, id="absent-from-another-type"),
    pytest.param({"a": None}, ("a", None, "absent"), {"a": None}, id="absent-not-assigned"),
])
def test_desired(before, request_, after):
    device, client_type, state = request_
    current = devices(**before)
    desired = Softphone(None).desired(current, sp_params(device, client_type, state))
    assert types(desired) == after
    assert current == devices(**before)  # not modified


def test_unknown_device():
    with pytest.raises(InputError) as caught:
        Softphone(None).desired(devices(b="desktop", a=None), sp_params("zz", "desktop"))
    assert str(caught.value) == "device 'zz' is not a PBX device of this user (the user's devices: a, b)"
    with pytest.raises(InputError) as caught:
        Softphone(None).desired(devices(), sp_params("zz", "desktop"))
    assert str(caught.value) == "device 'zz' is not a PBX device of this user (the user's devices: none)"


def test_present_needs_a_client_type():
    with pytest.raises(InputError) as caught:
        Softphone(None).desired(devices(a=None), sp_params("a"))
    assert str(caught.value) == "client_type is required when state=present"


def test_changes_wording():
    before = devices(a=None, b="desktop", c="mobile", d="crm")
    after = devices(a="desktop", b=None, c="webrtc", d="crm")
    assert Softphone(None).changes(before, after) == [
        "device a assigned to desktop", "device b unassigned from desktop", "device c moved mobile -> webrtc"]


def test_diff_view_names_devices():
    state = {"devices": [{"device": "d1", "name": "Desk phone", "client_type": "desktop"},
                         {"device": "d2", "name": None, "client_type": None}]}
    assert Softphone(None).diff_view(state) == {"devices": ["d1 (Desk phone): desktop", "d2: none"]}


# -- softphone: writes -------------------------------------------------------------------------------

def test_assign_is_sent_before_unassign(server, clients):
    # Two batch items for one user: assign z to desktop, unassign a (on mobile). "a" sorts first, yet the
    # assign must go first.
    server.script(CREATED, CREATED)
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    before = devices(a="mobile", z=None)
    after = devices(a=None, z="desktop")
    assert softphone.write(sp_params("a"), before, after) == after
    assert server.sent() == [("PUT", BASE + "/z/assign"), ("PUT", BASE + "/a/unassign")]
    assert [r.json for r in server.requests] == [{"clientType": "desktop"}, {"clientType": "mobile"}]
    assert "accept-charges" not in server.requests[0].headers


def test_replace_is_one_assign_and_no_unassign(server, clients):
    server.script(CREATED)
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    before = devices(a="desktop", b=None)
    softphone.write(sp_params("b", "desktop"), before, softphone.desired(before, sp_params("b", "desktop")))
    assert server.sent() == [("PUT", BASE + "/b/assign")]


def test_move_is_one_assign(server, clients):
    server.script(CREATED)
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    before = devices(a="mobile")
    softphone.write(sp_params("a", "crm"), before, softphone.desired(before, sp_params("a", "crm")))
    assert server.sent() == [("PUT", BASE + "/a/assign")]
    assert server.requests[0].json == {"clientType": "crm"}


def test_unassign(server, clients):
    server.script(CREATED)
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    before = devices(a="webrtc")
    softphone.write(sp_params("a", state="absent"), before, softphone.desired(before, sp_params("a", state="absent")))
    assert server.sent() == [("PUT", BASE + "/a/unassign")]
    assert server.requests[0].json == {"clientType": "webrtc"}


def test_accept_charges_header(server, clients):
    server.script(CREATED)
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    softphone.write(sp_params("a", "desktop", accept_charges=True), devices(a=None), devices(a="desktop"))
    assert server.requests[0].headers["accept-charges"] == "true"


def test_402_tells_what_to_set(server, clients):
    server.script(reply(402, {"data": {"clientType": "desktop"}, "error": 402, "message": "additional charges apply",
                              "status": "error", "timestamp": "2024-01-01T00:00:00Z"}))
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    with pytest.raises(ApiError) as caught:
        softphone.write(sp_params("a", "desktop"), devices(a=None), devices(a="desktop"))
    assert caught.value.status == 402
    assert str(caught.value) == (
        "PUT assign of device a (desktop) failed: HTTP 402: additional charges apply; assigning device a to "
        "desktop is a new, chargeable softphone seat: set accept_charges=true to accept the charges")


def test_missing_roles(server, clients):
    server.script(reply(400, {"error": 400, "message": "User is missing required roles: customer.user.uc",
                              "status": "error"}))
    softphone = Softphone(clients.portal(server.url, portal_token="p"))
    with pytest.raises(ApiError) as caught:
        softphone.write(sp_params("a", "desktop"), devices(a=None), devices(a="desktop"))
    assert str(caught.value) == ("PUT assign of device a (desktop) failed: HTTP 400: "
                                 "User is missing required roles: customer.user.uc")


# -- primary line ------------------------------------------------------------------------------------

PRIMARY = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"
PL_PARAMS = {"tenant": "foo", "group": "foogroup", "user": "foouser", "primary": True}


def test_primary_line_read_desired_write(server, clients):
    server.script(reply(200, {"primaryLinePort": False}), reply(200, {"primaryLinePort": True}))
    line = PrimaryLine(clients.apio(server.url, token="tok"))
    before = line.read(PL_PARAMS)
    after = line.desired(before, PL_PARAMS)
    assert (before, after) == ({"primary": False}, {"primary": True})
    assert line.changes(before, after) == ["primary line port false -> true"]
    assert line.write(PL_PARAMS, before, after) == {"primary": True}
    assert server.sent() == [("GET", PRIMARY), ("PUT", PRIMARY)]
    assert server.requests[1].json == {"primaryLinePort": True}
    assert line.label(PL_PARAMS) == "user foouser@foogroup"


@pytest.mark.parametrize("body", [{"primaryLinePort": "false"}, {}, [], {"primaryLinePort": 0}])
def test_primary_line_unexpected_answer(server, clients, body):
    server.script(reply(200, body))
    line = PrimaryLine(clients.apio(server.url, token="tok"))
    with pytest.raises(ApiError) as caught:
        line.read(PL_PARAMS)
    assert str(caught.value) == f"GET primary line port failed: unexpected answer, no boolean primaryLinePort: {body!r}"
