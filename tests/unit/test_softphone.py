"""Softphone: the resource (replace/move rules, assign before unassign, charges) and the apio_softphone
modules."""

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import InputError
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone
from ansible_collections.telephony.apio.plugins.modules import apio_softphone, apio_softphone_info

from support.fake_server import reply
from .fakes import CUSTOMER

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


# -- the modules -----------------------------------------------------------------------------------

def _softphone(portal, **extra):
    return dict(portal.args, customer=CUSTOMER, user="jdoe", **extra)


def test_softphone_replace_shows_in_diff_and_is_one_assign(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop"), "dev-2": ("Laptop", None)})
    args = _softphone(portal, device="dev-2", client_type="desktop")

    check = run_module(apio_softphone.main, args, check=True, diff=True)
    assert check["changes"] == ["device dev-1 unassigned from desktop", "device dev-2 assigned to desktop"]
    assert check["diff"]["before"] == {"devices": ["dev-1 (Desk phone): desktop", "dev-2 (Laptop): none"]}
    assert check["diff"]["after"] == {"devices": ["dev-1 (Desk phone): none", "dev-2 (Laptop): desktop"]}
    assert server.sent("PUT") == []

    apply = run_module(apio_softphone.main, args)
    assert apply["changed"] is True
    assert apply["msg"] == (f"user jdoe (customer {CUSTOMER}): device dev-1 unassigned from desktop; "
                            "device dev-2 assigned to desktop")
    assert server.sent("PUT") == [("PUT", BASE + "/dev-2/assign")]
    assert server.requests[-1].json == {"clientType": "desktop"}
    assert server.sent("POST") == [("POST", "/connect/token")] * 2  # one token per task

    again = run_module(apio_softphone.main, args)
    assert again["changed"] is False
    assert len(server.sent("PUT")) == 1


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
    assert server.sent("PUT") == []


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
