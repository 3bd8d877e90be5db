"""Enterprise Portal (docs/api.md, 3): OAuth2 token endpoint (3.2) and softphone assignment (3.1, 3.3 to 3.5)."""

from __future__ import annotations

import base64
import json
from datetime import datetime

import pytest
import requests
from conftest import CUST1, CUST2, PORTAL, portal_path

from apio_sim.testing import SEED_PORTAL_CLIENT

ROLES = ["customer.user", "customer.user.uc", "customer.user.uc.softphone"]
CREDS = SEED_PORTAL_CLIENT


def devices(api, customer=CUST1, user="jdoe") -> dict:
    r = api.get(portal_path(user, customer, device=None, action="list"), token=PORTAL)
    assert r.status_code == 200, r.text
    return {d["id"]: d["clientType"] for d in r.json()["data"]}


def assign(api, device, client_type="desktop", customer=CUST1, user="jdoe", method="PUT", charges=False, **kw):
    headers = {"accept-charges": "true"} if charges else {}
    body = {"clientType": client_type}
    return api.call(
        method, portal_path(user, customer, device, "assign", **kw), token=PORTAL, json=body, headers=headers
    )


def assert_timestamp(body):
    assert body["timestamp"].endswith("Z")
    datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00"))


# ---- token endpoint


def test_client_credentials_and_refresh(api, sim):
    r = requests.post(api.url + "/connect/token", data={"grant_type": "client_credentials", **CREDS}, timeout=5)
    assert r.status_code == 200
    tok = r.json()
    assert set(tok) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert tok["token_type"] == "Bearer" and tok["expires_in"] == 3600
    assert api.get(portal_path(), token=tok["access_token"]).status_code == 200
    r = requests.post(
        api.url + "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tok["refresh_token"], **CREDS},
        timeout=5,
    )
    assert r.status_code == 200
    assert api.get(portal_path(), token=r.json()["access_token"]).status_code == 200
    assert sim.counters()["portal_tokens"] == 2
    assert sim.requests()[0]["body"] == {"grant_type": "client_credentials", **CREDS}


def test_client_credentials_with_basic_auth(api):
    basic = base64.b64encode(f"{CREDS['client_id']}:{CREDS['client_secret']}".encode()).decode()
    r = requests.post(
        api.url + "/connect/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": f"Basic {basic}"},
        timeout=5,
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (
            {"grant_type": "client_credentials", "client_id": CREDS["client_id"], "client_secret": "nope"},
            "invalid_client",
        ),
        (
            {"grant_type": "client_credentials", "client_id": "other", "client_secret": CREDS["client_secret"]},
            "invalid_client",
        ),
        ({"grant_type": "client_credentials"}, "invalid_client"),
        ({"grant_type": "refresh_token", "refresh_token": "bogus", **CREDS}, "invalid_grant"),
        ({"grant_type": "refresh_token", **CREDS}, "invalid_grant"),
        ({"grant_type": "password", **CREDS}, "unsupported_grant_type"),
    ],
)
def test_token_errors(api, data, error):
    r = requests.post(api.url + "/connect/token", data=data, timeout=5)
    assert (r.status_code, r.json()) == (400, {"error": error})


def test_token_endpoint_rules(api):
    r = requests.post(api.url + "/connect/token", json={"grant_type": "client_credentials", **CREDS}, timeout=5)
    assert (r.status_code, r.json()) == (400, {"error": "invalid_request"})
    r = requests.post(api.url + "/connect/token/", data={"grant_type": "client_credentials", **CREDS}, timeout=5)
    assert r.status_code == 404
    # An access token is no refresh token.
    access = api.portal_token()["access_token"]
    r = requests.post(
        api.url + "/connect/token", data={"grant_type": "refresh_token", "refresh_token": access, **CREDS}, timeout=5
    )
    assert r.json() == {"error": "invalid_grant"}


# ---- auth on portal routes


@pytest.mark.parametrize("token", [None, "bogus", "sim-machine-token"])
def test_401_without_body(api, token):
    for method, path in (("GET", portal_path()), ("PUT", portal_path(device="dev-desk-1", action="assign"))):
        r = api.call(method, path, token=token, json={"clientType": "desktop"} if method == "PUT" else None)
        assert r.status_code == 401
        assert r.content == b""
        assert r.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_portal_token(api, sim):
    tok = api.portal_token()
    assert sim.expire_tokens()["portal"] == 1
    r = api.get(portal_path(), token=tok["access_token"])
    assert (r.status_code, r.content) == (401, b"")
    assert api.get(portal_path(), token=PORTAL).status_code == 200  # the static token stays
    r = requests.post(
        api.url + "/connect/token",
        data={"grant_type": "refresh_token", "refresh_token": tok["refresh_token"], **CREDS},
        timeout=5,
    )
    assert r.status_code == 200


# ---- reads


@pytest.mark.parametrize("account", [None, "reseller1"])
def test_get_user(api, account):
    r = api.get(portal_path(account=account), token=PORTAL)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "success" and body["error"] == 0
    assert_timestamp(body)
    assert body["data"] == {
        "id": "jdoe",
        "displayName": "John Doe",
        "email": "jdoe@example.com",
        "primaryTenant": CUST1,
        "isParent": False,
        "roles": ROLES,
    }


@pytest.mark.parametrize("account", [None, "reseller1"])
def test_list_devices(api, account):
    r = api.get(portal_path(account=account, action="list"), token=PORTAL)
    assert r.status_code == 200
    body = r.json()
    assert body["page_size"] == "3" and body["status"] == "success"
    assert_timestamp(body)
    assert body["data"] == [
        {"id": "dev-desk-1", "name": "Desk softphone 1", "clientType": None},
        {"id": "dev-desk-2", "name": "Desk softphone 2", "clientType": None},
        {"id": "dev-mob-1", "name": "Mobile softphone 1", "clientType": None},
    ]


def test_uuid_format_checked(api):
    for bad in ("foo", "11111111-1111-4111-8111-11111111111", "11111111111141118111111111111111"):
        r = api.get(portal_path(customer=bad), token=PORTAL)
        assert r.status_code == 400
        body = r.json()
        assert body["error"] == 400 and body["status"] == "error"
        assert body["message"] == f"The value '{bad}' is not valid."
        assert_timestamp(body)
    # Upper-case hex is still the same UUID.
    assert api.get(portal_path(customer=CUST1.upper()), token=PORTAL).status_code == 200


def test_not_found(api):
    cases = [
        portal_path(customer="99999999-9999-4999-8999-999999999999"),
        portal_path(user="ghost"),
        portal_path(account="nobody"),
        portal_path(account="reseller1", customer="99999999-9999-4999-8999-999999999999"),
        portal_path() + "/",  # no trailing slash on portal routes
        "/api/v1.0/customers",
    ]
    for path in cases:
        r = api.get(path, token=PORTAL)
        assert r.status_code == 404, path
        body = r.json()
        assert (body["error"], body["message"], body["status"]) == (404, "Not Found", "error"), path
    r = assign(api, "dev-unknown")
    assert r.status_code == 404 and r.json()["message"] == "Device not found"
    r = api.put(portal_path(device="dev-unknown", action="unassign"), token=PORTAL)
    assert r.status_code == 404 and r.json()["message"] == "Device not found"


def test_wrong_method(api):
    r = api.call("DELETE", portal_path(), token=PORTAL)
    assert r.status_code == 405
    assert r.json()["error"] == 405
    r = api.get(portal_path(device="dev-desk-1", action="assign"), token=PORTAL)
    assert r.status_code == 405


# ---- assign / unassign


@pytest.mark.parametrize("method", ["PUT", "POST"])
@pytest.mark.parametrize("account", [None, "reseller1"])
def test_assign_seed_example(api, sim, method, account):
    r = assign(api, "dev-desk-1", method=method, account=account)
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"status", "timestamp"} and body["status"] == "success"
    assert_timestamp(body)
    assert r.headers["Location"] == f"/api/v1.0/customers/{CUST1}/users/jdoe/devices/pbx/dev-desk-1"
    assert devices(api) == {"dev-desk-1": "desktop", "dev-desk-2": None, "dev-mob-1": None}
    assert sim.portal_user(CUST1, "jdoe")["devices"][0]["clientType"] == "desktop"


def test_reassign_same_type_changes_nothing(api):
    assert assign(api, "dev-desk-1").status_code == 201
    assert assign(api, "dev-desk-1").status_code == 201
    assert devices(api) == {"dev-desk-1": "desktop", "dev-desk-2": None, "dev-mob-1": None}


def test_move_between_client_types(api):
    assign(api, "dev-desk-1", "desktop")
    assert assign(api, "dev-desk-1", "webrtc").status_code == 201
    assert devices(api) == {"dev-desk-1": "webrtc", "dev-desk-2": None, "dev-mob-1": None}


def test_one_device_per_client_type(api):
    assign(api, "dev-desk-1", "desktop")
    assign(api, "dev-mob-1", "mobile")
    assert assign(api, "dev-desk-2", "desktop").status_code == 201
    assert devices(api) == {"dev-desk-1": None, "dev-desk-2": "desktop", "dev-mob-1": "mobile"}


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_unassign(api, method):
    assign(api, "dev-desk-1")
    path = portal_path(device="dev-desk-1", action="unassign")
    r = api.call(method, path, token=PORTAL, json={"clientType": "desktop"})
    assert r.status_code == 201 and r.json()["status"] == "success"
    assert devices(api)["dev-desk-1"] is None
    # Also 201 when not assigned, and the body is optional (no Content-Type needed then).
    r = api.call(method, path, token=PORTAL)
    assert r.status_code == 201
    # Unassign needs no role.
    assert api.put(portal_path("noroles", device="dev-x-1", action="unassign"), token=PORTAL).status_code == 201


def test_missing_roles(api, sim):
    r = assign(api, "dev-x-1", user="noroles")
    assert r.status_code == 400
    body = r.json()
    assert body["message"] == "User is missing required roles: customer.user.uc, customer.user.uc.softphone"
    assert (body["error"], body["status"]) == (400, "error")
    sim.set_portal_user(CUST1, "noroles", {"roles": ["customer.user.uc"]})
    r = assign(api, "dev-x-1", user="noroles")
    assert r.json()["message"] == "User is missing required roles: customer.user.uc.softphone"
    assert devices(api, user="noroles") == {"dev-x-1": None}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"clientType": "Desktop"}, "The value 'Desktop' is not valid for clientType."),
        ({"clientType": "tablet"}, "The value 'tablet' is not valid for clientType."),
        ({"clientType": None}, "The value 'None' is not valid for clientType."),
        ({}, 'The request body must be exactly {"clientType": "<type>"}.'),
        ({"clientType": "desktop", "x": 1}, 'The request body must be exactly {"clientType": "<type>"}.'),
        (["desktop"], 'The request body must be exactly {"clientType": "<type>"}.'),
    ],
)
def test_assign_body_checked(api, body, message):
    r = api.put(portal_path(device="dev-desk-1", action="assign"), token=PORTAL, json=body)
    assert r.status_code == 400
    assert r.json()["message"] == message
    assert devices(api)["dev-desk-1"] is None


def test_assign_needs_json_content_type(api):
    r = api.put(
        portal_path(device="dev-desk-1", action="assign"),
        token=PORTAL,
        data=json.dumps({"clientType": "desktop"}),
    )
    assert r.status_code == 400
    assert r.json()["message"] == "Content-Type must be application/json"


# ---- charges (customer 2 bills new seats)


def test_charges_rule(api, sim):
    r = assign(api, "dev-desk-1", customer=CUST2)
    assert r.status_code == 402
    body = r.json()
    assert {k: body[k] for k in ("data", "error", "message", "status")} == {
        "data": {"clientType": "desktop"},
        "error": 402,
        "message": "additional charges apply",
        "status": "error",
    }
    assert_timestamp(body)
    assert devices(api, CUST2)["dev-desk-1"] is None  # nothing changed
    assert assign(api, "dev-desk-1", customer=CUST2, charges=True).status_code == 201
    # Not chargeable: re-assign, move, replace, unassign.
    assert assign(api, "dev-desk-1", customer=CUST2).status_code == 201
    assert assign(api, "dev-desk-1", "mobile", customer=CUST2).status_code == 201
    assert assign(api, "dev-desk-2", "mobile", customer=CUST2).status_code == 201
    assert devices(api, CUST2) == {"dev-desk-1": None, "dev-desk-2": "mobile", "dev-mob-1": None}
    assert api.put(portal_path(customer=CUST2, device="dev-desk-2", action="unassign"), token=PORTAL).status_code == 201
    # A new seat again: chargeable.
    assert assign(api, "dev-mob-1", "mobile", customer=CUST2).status_code == 402
    assert assign(api, "dev-mob-1", "mobile", customer=CUST2, charges=True).status_code == 201
    # The other customer never charges.
    assert assign(api, "dev-desk-1", customer=CUST1).status_code == 201


def test_accept_charges_header_is_recorded(api, sim):
    assign(api, "dev-desk-1", customer=CUST2, charges=True)
    assert sim.requests()[-1]["headers"] == {
        "content-type": "application/json",
        "accept-charges": "true",
        "authorization": True,
    }
