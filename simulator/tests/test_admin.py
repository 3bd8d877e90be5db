"""The admin API under /_sim/ and the SimulatorProcess helpers built on it."""

from __future__ import annotations

import pytest
import requests
from conftest import CUST1, FOOUSER_KEYS, buttons, primary

from apio_sim.testing import SEED_ADMIN, SimulatorError


def test_requests_log_and_counters(api, sim):
    api.login()
    api.get(buttons())
    api.put(primary(), json={"primaryLinePort": True})
    api.get(buttons("nophone"))
    log = sim.requests()
    assert [(e["seq"], e["method"], e["status"]) for e in log] == [
        (1, "POST", 200),
        (2, "GET", 200),
        (3, "PUT", 200),
        (4, "GET", 404),
    ]
    assert log[0]["headers"] == {"content-type": "application/json", "accept-charges": None, "authorization": False}
    assert log[0]["body"] == SEED_ADMIN
    assert log[1] == {
        "seq": 2,
        "method": "GET",
        "path": "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/",
        "query": "",
        "headers": {"content-type": None, "accept-charges": None, "authorization": True},
        "body": None,
        "status": 200,
        "dropped": False,
    }
    assert [e["seq"] for e in sim.requests(method="get")] == [2, 4]
    assert [e["seq"] for e in sim.requests(path_contains="primary_line")] == [3]
    assert [e["seq"] for e in sim.requests(since=2)] == [3, 4]
    assert sim.counters() == {
        "total": 4,
        "by_method": {"POST": 1, "GET": 2, "PUT": 1},
        "by_status": {"200": 3, "404": 1},
        "logins": 1,
        "refreshes": 0,
        "portal_tokens": 0,
        "dropped": 0,
    }


def test_admin_requests_are_not_recorded(api, sim):
    sim.state()
    sim.counters()
    sim.faults(latency_ms=0)
    assert sim.requests() == []
    assert sim.counters()["total"] == 0


def test_raw_text_body_is_recorded(api, sim):
    api.put(buttons(), data=b"not json", headers={"Content-Type": "text/plain"})
    assert sim.requests()[0]["body"] == "not json"


def test_reset_log_only_or_state_too(api, sim):
    api.put(primary(), json={"primaryLinePort": True})
    sim.faults(error_rate=0.5)
    sim.reset()
    assert sim.requests() == [] and sim.counters()["total"] == 0
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True
    assert requests.get(sim.url + "/_sim/faults", timeout=5).json()["error_rate"] == 0.0
    sim.reset(state=True)
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is False


def test_state_round_trip(api, sim):
    state = sim.state()
    assert set(state) == {"apio", "portal"}
    assert set(state["apio"]) == {"accounts", "machine_tokens", "phone_types", "tenants"}
    assert set(state["portal"]) == {"clients", "static_tokens", "accounts", "customers"}
    foo = state["apio"]["tenants"][0]
    assert foo["tenantId"] == "foo" and foo["name"] == "Foo Corp"
    foouser = foo["groups"][0]["users"][0]
    assert foouser["device"]["keys"] == FOOUSER_KEYS
    assert [c["charges"] for c in state["portal"]["customers"]] == [False, True]
    # Replace: change one key and drop tenant bar.
    foouser["device"]["keys"][0]["label"] = "calls"
    state["apio"]["tenants"] = state["apio"]["tenants"][:1]
    assert sim.set_state(state) == state
    assert sim.state() == state
    assert api.get(buttons()).json()["keys"][1]["label"] == "calls"
    assert api.get("/api/v1/tenants/").json()["tenants"] == [
        {"tenantId": "foo", "name": "Foo Corp", "type": "Enterprise"}
    ]


@pytest.mark.parametrize(
    "bad",
    [
        {"apio": {"tenants": [{"name": "no id"}]}},
        {
            "apio": {
                "tenants": [
                    {
                        "tenantId": "t",
                        "groups": [{"groupId": "g", "users": [{"userId": "u", "device": {"deviceType": "Nope"}}]}],
                    }
                ]
            }
        },
        {"apio": {"accounts": [{"username": "x", "password": "y", "level": "16"}]}},
        {
            "portal": {
                "customers": [{"id": "c", "users": [{"id": "u", "devices": [{"id": "d", "clientType": "tablet"}]}]}]
            }
        },
        [],
    ],
)
def test_put_state_rejects_malformed(sim, bad):
    with pytest.raises(SimulatorError, match="400"):
        sim.set_state(bad)
    assert sim.user("foo", "foogroup", "foouser")["device"]["keys"] == FOOUSER_KEYS


def test_user_routes(api, sim):
    user = sim.user("foo", "foogroup", "bob+1@sip.example.com")
    assert user == {
        "userId": "bob+1@sip.example.com",
        "firstName": "Bob",
        "lastName": "Plus",
        "phoneNumber": "+3225551004",
        "extension": "1004",
        "device": {
            "deviceType": "Polycom-VVX-300",
            "deviceName": "polycom-bob",
            "macAddress": "64:16:7F:00:10:04",
            "primaryLinePort": False,
            "keys": [],
        },
    }
    keys = [{"id": 1, "type": "REDIAL", "label": "again", "parameter": ""}]
    out = sim.set_user("foo", "foogroup", "bob+1@sip.example.com", {"device": {**user["device"], "keys": keys}})
    assert out["device"]["keys"] == keys and out["firstName"] == "Bob"
    assert api.get(buttons("bob+1@sip.example.com")).json()["keys"] == [{"id": 1, "type": "REDIAL", "label": "again"}]
    # Take the phone away; create a brand new user in a new group.
    sim.set_user("foo", "foogroup", "bob+1@sip.example.com", {"device": None})
    assert api.get(buttons("bob+1@sip.example.com")).status_code == 404
    sim.set_user("foo", "newgroup", "new@x", {"firstName": "New"})
    assert sim.user("foo", "newgroup", "new@x")["firstName"] == "New"
    with pytest.raises(SimulatorError, match="404"):
        sim.user("foo", "foogroup", "ghost")
    with pytest.raises(SimulatorError, match="400"):
        sim.set_user("foo", "foogroup", "foouser", {"device": {"deviceType": "Nope"}})


def test_portal_user_routes(api, sim):
    user = sim.portal_user(CUST1, "jdoe")
    assert user["roles"] == ["customer.user", "customer.user.uc", "customer.user.uc.softphone"]
    assert [d["id"] for d in user["devices"]] == ["dev-desk-1", "dev-desk-2", "dev-mob-1"]
    out = sim.set_portal_user(CUST1, "jdoe", {"devices": [{"id": "dev-crm", "name": "CRM", "clientType": "crm"}]})
    assert out["devices"] == [{"id": "dev-crm", "name": "CRM", "clientType": "crm"}]
    assert out["roles"] == user["roles"]
    r = api.get(f"/api/v1.0/customers/{CUST1}/users/jdoe/devices/pbx", token="sim-portal-token")
    assert r.json()["data"] == out["devices"]
    with pytest.raises(SimulatorError, match="404"):
        sim.portal_user(CUST1, "ghost")


def test_faults_route(sim):
    defaults = {
        "latency_ms": 0,
        "jitter_ms": 0,
        "error_rate": 0.0,
        "error_codes": [500, 502, 503],
        "rate_limit_every": 0,
        "rate_limit_burst": 1,
        "retry_after": 1,
        "drop_rate": 0.0,
        "hang": False,
        "methods": [],
        "path_contains": "",
    }
    assert requests.get(sim.url + "/_sim/faults", timeout=5).json() == defaults
    assert sim.faults(latency_ms=5, methods=["put"]) == {**defaults, "latency_ms": 5, "methods": ["PUT"]}
    for bad in ({"error_rate": 2}, {"nope": 1}, {"hang": "yes"}, {"error_codes": []}, {"rate_limit_every": 1.5}):
        with pytest.raises(SimulatorError, match="400"):
            sim.faults(**bad)
    assert sim.faults()["latency_ms"] == 5  # unchanged by the rejected updates


def test_admin_unknown_route(sim):
    r = requests.get(sim.url + "/_sim/nope", timeout=5)
    assert (r.status_code, r.json()) == (404, {"error": "not found"})
    r = requests.get(sim.url + "/_sim/reset", timeout=5)
    assert r.status_code == 405
