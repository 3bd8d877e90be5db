"""apio_softphone and apio_softphone_info against the simulator."""

import pytest
from conftest import CHARGED_CUSTOMER, CUSTOMER
from helpers import four_steps
from tools.simlog import writes

JDOE = {"customer": CUSTOMER, "user": "jdoe"}
BASE = "/api/v1.0/customers/%s/users/jdoe/devices/pbx" % CUSTOMER


def softphone(**options):
    return {"name": "softphone", "telephony.apio.apio_softphone": options}


def client_types(sim, customer=CUSTOMER, user="jdoe"):
    return {d["id"]: d["clientType"] for d in sim.portal_user(customer, user)["devices"]}


@pytest.mark.smoke
def test_assign_four_steps_sends_the_documented_body(run_tasks, sim):
    check, apply, unused_again, sent = four_steps(run_tasks, sim, softphone(device="dev-desk-1", client_type="desktop", **JDOE))
    assert check["changes"] == ["device dev-desk-1 assigned to desktop"]
    assert [(w["method"], w["path"], w["body"]) for w in sent] == [
        ("PUT", BASE + "/dev-desk-1/assign", {"clientType": "desktop"})]
    assert client_types(sim)["dev-desk-1"] == "desktop"
    assert apply["msg"] == "user jdoe (customer %s): device dev-desk-1 assigned to desktop" % CUSTOMER


def test_replacing_the_device_of_a_client_type_shows_in_the_diff(run_tasks, sim):
    assert run_tasks([softphone(device="dev-desk-1", client_type="desktop", **JDOE)]).rc == 0
    sim.reset()
    run = run_tasks([softphone(device="dev-desk-2", client_type="desktop", **JDOE)], diff=True)
    assert run.rc == 0, run.output
    result = run.result()
    assert result["changes"] == ["device dev-desk-1 unassigned from desktop", "device dev-desk-2 assigned to desktop"]
    assert [w["path"] for w in writes(sim.requests())] == [BASE + "/dev-desk-2/assign"]
    assert client_types(sim) == {"dev-desk-1": None, "dev-desk-2": "desktop", "dev-mob-1": None}
    assert "--- before: user jdoe" in run.stdout


def test_moving_a_device_between_client_types(run_tasks, sim):
    assert run_tasks([softphone(device="dev-mob-1", client_type="desktop", **JDOE)]).rc == 0
    run = run_tasks([softphone(device="dev-mob-1", client_type="mobile", **JDOE)])
    assert run.result()["changes"] == ["device dev-mob-1 moved desktop -> mobile"]
    assert client_types(sim)["dev-mob-1"] == "mobile"


def test_absent_unassigns_only_from_the_given_client_type(run_tasks, sim):
    assert run_tasks([softphone(device="dev-desk-1", client_type="desktop", **JDOE)]).rc == 0
    sim.reset()
    wrong_type = run_tasks([softphone(device="dev-desk-1", client_type="mobile", state="absent", **JDOE)])
    assert wrong_type.result()["changed"] is False and writes(sim.requests()) == []
    unused_check, apply, unused_again, sent = four_steps(run_tasks, sim, softphone(device="dev-desk-1", state="absent", **JDOE))
    assert [(w["path"], w["body"]) for w in sent] == [(BASE + "/dev-desk-1/unassign", {"clientType": "desktop"})]
    assert apply["changes"] == ["device dev-desk-1 unassigned from desktop"]


def test_charges_need_accept_charges(run_tasks, sim):
    task = softphone(customer=CHARGED_CUSTOMER, user="jdoe", device="dev-desk-1", client_type="desktop")
    refused = run_tasks([task])
    assert refused.rc != 0
    msg = refused.result()["msg"]
    assert "HTTP 402: additional charges apply" in msg
    assert "set accept_charges=true" in msg
    assert client_types(sim, CHARGED_CUSTOMER)["dev-desk-1"] is None
    sim.reset()
    task["telephony.apio.apio_softphone"]["accept_charges"] = True
    accepted = run_tasks([task])
    assert accepted.rc == 0, accepted.output
    assert writes(sim.requests())[0]["headers"].get("accept-charges") == "true"
    assert client_types(sim, CHARGED_CUSTOMER)["dev-desk-1"] == "desktop"


def test_missing_roles_show_the_api_message(run_tasks, sim):
    run = run_tasks([softphone(customer=CUSTOMER, user="noroles", device="dev-x-1", client_type="desktop")])
    assert run.rc != 0
    assert "HTTP 400: User is missing required roles" in run.result()["msg"]


def test_unknown_device_is_refused_before_any_write(run_tasks, sim):
    run = run_tasks([softphone(device="dev-nope", client_type="desktop", **JDOE)])
    assert run.rc != 0
    assert run.result()["msg"] == ("user jdoe (customer %s): device 'dev-nope' is not a PBX device of this user "
                                   "(the user's devices: dev-desk-1, dev-desk-2, dev-mob-1)" % CUSTOMER)
    assert writes(sim.requests()) == []


def test_customer_id_must_be_a_uuid(run_tasks, sim):
    run = run_tasks([softphone(customer="acme", user="jdoe", device="dev-desk-1", client_type="desktop")])
    assert run.rc != 0
    assert run.result()["msg"] == ("user jdoe (customer acme): GET softphone devices failed: HTTP 400: "
                                   "The value 'acme' is not valid.")


def test_reseller_routes_and_static_token(run_tasks, sim):
    run = run_tasks([softphone(account="reseller1", device="dev-desk-1", client_type="webrtc", **JDOE)],
                    portal={"portal_token": "sim-portal-token"})
    assert run.rc == 0, run.output
    assert [w["path"] for w in writes(sim.requests())] == [
        "/api/v1.0/accounts/reseller1/customers/%s/users/jdoe/devices/pbx/dev-desk-1/assign" % CUSTOMER]
    assert sim.counters()["portal_tokens"] == 0


@pytest.mark.smoke
def test_info_lists_devices(run_tasks, sim):
    run = run_tasks([{"name": "info", "telephony.apio.apio_softphone_info": JDOE}])
    assert run.rc == 0, run.output
    assert [(d["device"], d["client_type"]) for d in run.result()["devices"]] == [
        ("dev-desk-1", None), ("dev-desk-2", None), ("dev-mob-1", None)]


def test_batch_with_two_entries_for_one_user_writes_in_order(run_tasks, sim):
    task = softphone(customer=CUSTOMER, batch=[
        {"user": "jdoe", "device": "dev-desk-1", "client_type": "desktop"},
        {"user": "jdoe", "device": "dev-mob-1", "client_type": "mobile"}])
    run = run_tasks([task])
    assert run.rc == 0, run.output
    assert run.result()["counts"] == {"total": 1, "changed": 1, "unchanged": 0, "failed": 0}
    assert client_types(sim) == {"dev-desk-1": "desktop", "dev-desk-2": None, "dev-mob-1": "mobile"}
