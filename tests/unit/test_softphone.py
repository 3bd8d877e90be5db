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


# -- softphone: purge (the user's softphones owned whole) --------------------------------------------

def purge_only(**extra):
    """A batch item with purge and no device: the user keeps no softphone unless another item lists one."""
    result = ArgumentSpecValidator(Softphone.options).validate(dict(customer=CUSTOMER, user="jdoe", purge=True, **extra))
    assert not result.error_messages, result.error_messages
    return result.validated_parameters


@pytest.mark.parametrize("before, items, after", [
    pytest.param({"a": "desktop", "b": "mobile", "c": None}, [("a", "desktop", "present", False)],
                 {"a": "desktop", "b": "mobile", "c": None}, id="no-purge-leaves-the-others"),
    pytest.param({"a": "desktop", "b": "mobile", "c": None}, [("a", "desktop", "present", True)],
                 {"a": "desktop", "b": None, "c": None}, id="purge-unassigns-the-others"),
    pytest.param({"a": None, "b": "mobile", "c": "crm"}, [("a", "desktop", "present", True)],
                 {"a": "desktop", "b": None, "c": None}, id="purge-assigns-and-unassigns"),
    pytest.param({"a": "desktop", "b": "mobile", "c": "crm"},
                 [("a", "desktop", "present", False), ("b", "mobile", "present", True)],
                 {"a": "desktop", "b": "mobile", "c": None}, id="purge-on-one-item-owns-every-item-of-the-user"),
    pytest.param({"a": "desktop", "b": "mobile"},
                 [("a", None, "absent", True), ("b", "mobile", "present", True)],
                 {"a": None, "b": "mobile"}, id="purge-with-absent"),
    pytest.param({"a": "desktop", "b": "mobile"}, [("b", "desktop", "present", True)],
                 {"a": None, "b": "desktop"}, id="purge-with-a-move"),
    pytest.param({"a": "desktop", "b": "mobile"}, [None], {"a": None, "b": None}, id="purge-without-device"),
    pytest.param({"a": "desktop", "b": "mobile"}, [None, ("b", "mobile", "present", False)],
                 {"a": None, "b": "mobile"}, id="purge-without-device-and-a-listed-one"),
    pytest.param({}, [None], {}, id="purge-of-a-user-without-devices"),
])
def test_desired_all_with_purge(before, items, after):
    current = devices(**before)
    params = [purge_only() if item is None else sp_params(item[0], item[1], item[2], purge=item[3]) for item in items]
    desired = Softphone(None).desired_all(current, params)
    assert types(desired) == after
    assert current == devices(**before)  # not modified


def test_purge_item_needs_no_device_and_others_do():
    assert Softphone.item_problems(purge_only()) == []
    assert Softphone.item_problems(sp_params("a", "desktop")) == []
    no_device = ArgumentSpecValidator(Softphone.options).validate(dict(customer=CUSTOMER, user="jdoe"))
    assert not no_device.error_messages
    assert Softphone.item_problems(no_device.validated_parameters) == ["missing required arguments: device"]


def test_softphone_without_device_or_purge_is_refused_as_before(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop")})
    result = run_module(apio_softphone.main, _softphone(portal, client_type="desktop"))
    assert result == {"failed": True, "msg": (f"user jdoe (customer {CUSTOMER}) (options): "
                                              "missing required arguments: device")}
    batch = run_module(apio_softphone.main, dict(portal.args, customer=CUSTOMER, batch=[{"user": "jdoe"}]))
    assert batch["failed"] is True
    assert batch["msg"].endswith(f"user jdoe (customer {CUSTOMER}) (batch[0]): missing required arguments: device")
    assert server.sent("PUT") == []


def test_softphone_purge_alone_unassigns_every_device(server, portal, run_module):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop"), "dev-2": ("Laptop", "webrtc"),
                                    "dev-3": ("Spare", None)})
    args = _softphone(portal, purge=True)

    check = run_module(apio_softphone.main, args, check=True, diff=True)
    assert check["changed"] is True
    assert check["changes"] == ["device dev-1 unassigned from desktop", "device dev-2 unassigned from webrtc"]
    assert check["diff"]["after"] == {"devices": ["dev-1 (Desk phone): none", "dev-2 (Laptop): none",
                                                  "dev-3 (Spare): none"]}
    assert server.sent("PUT") == []

    apply = run_module(apio_softphone.main, args)
    assert apply["msg"] == (f"user jdoe (customer {CUSTOMER}): device dev-1 unassigned from desktop; "
                            "device dev-2 unassigned from webrtc")
    assert server.sent("PUT") == [("PUT", BASE + "/dev-1/unassign"), ("PUT", BASE + "/dev-2/unassign")]
    sent = [r.json for r in server.requests if r.method == "PUT"]
    assert sent == [{"clientType": "desktop"}, {"clientType": "webrtc"}]

    again = run_module(apio_softphone.main, args)
    assert again["changed"] is False
    assert again["msg"] == f"user jdoe (customer {CUSTOMER}): no change"
    assert len(server.sent("PUT")) == 2


def test_softphone_batch_purge_keeps_the_listed_devices_only(server, portal, run_module):
    # jdoe lists dev-2 on desktop (replacing dev-1 there) and has dev-3 assigned by hand: dev-3 is unassigned,
    # dev-1 needs no call (the assign of dev-2 replaces it). asmith, listed with nothing, loses dev-7.
    # bob is not purged: his extra device stays.
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop"), "dev-2": ("Laptop", None),
                                    "dev-3": ("Tablet", "mobile")})
    portal.add(CUSTOMER, "asmith", **{"dev-7": ("Mobile", "mobile")})
    portal.add(CUSTOMER, "bob", **{"dev-8": ("Desk", None), "dev-9": ("Mobile", "mobile")})
    args = dict(portal.args, customer=CUSTOMER, batch=[
        {"user": "jdoe", "device": "dev-2", "client_type": "desktop", "purge": True},
        {"user": "asmith", "purge": True},
        {"user": "bob", "device": "dev-8", "client_type": "desktop"}])
    result = run_module(apio_softphone.main, args)
    assert result["counts"] == {"total": 3, "changed": 3, "unchanged": 0, "failed": 0}
    assert [r["changes"] for r in result["results"]] == [
        ["device dev-1 unassigned from desktop", "device dev-2 assigned to desktop", "device dev-3 unassigned from mobile"],
        ["device dev-7 unassigned from mobile"],
        ["device dev-8 assigned to desktop"]]
    jdoe = f"/api/v1.0/customers/{CUSTOMER}/users/jdoe/devices/pbx"
    jdoe_puts = [s for s in server.sent("PUT") if "/jdoe/" in s[1]]
    assert jdoe_puts == [("PUT", jdoe + "/dev-2/assign"), ("PUT", jdoe + "/dev-3/unassign")]
    assert portal.users[(CUSTOMER, "bob")][1]["clientType"] == "mobile"
    assert run_module(apio_softphone.main, args)["changed"] is False
