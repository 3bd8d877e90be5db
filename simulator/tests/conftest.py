"""Shared fixtures: the session simulator (from the package's own pytest plugin) and an HTTP helper."""

from __future__ import annotations

import http.client
from urllib.parse import quote, urlsplit

import pytest
import requests

# The package's own fixtures, imported (not pytest_plugins) so this works from any rootdir; apio_sim is
# importable from a checkout, installed or not (pytest.ini's pythonpath).
from apio_sim.pytest_plugin import sim, simulator  # noqa: F401
from apio_sim.testing import SEED_PORTAL_CLIENT

MACHINE = "sim-machine-token"
PORTAL = "sim-portal-token"
CUST1 = "11111111-1111-4111-8111-111111111111"
CUST2 = "22222222-2222-4222-8222-222222222222"
CUST3 = "33333333-3333-4333-8333-333333333333"
FOOUSER_KEYS = [
    {"id": 4, "type": "CALLLOG", "label": "history", "parameter": ""},
    {"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368"},
]


def seg(value: str) -> str:
    return quote(value, safe="")


def user_path(tenant, group, user, leaf, prefix="/api/v1", operator=None) -> str:
    op = f"/{seg(operator)}" if operator else ""
    return f"{prefix}{op}/tenants/{seg(tenant)}/groups/{seg(group)}/users/{seg(user)}/access_device/{leaf}/"


def buttons(user="foouser", tenant="foo", group="foogroup", **kw) -> str:
    return user_path(tenant, group, user, "phone_buttons", **kw)


def primary(user="foouser", tenant="foo", group="foogroup", **kw) -> str:
    return user_path(tenant, group, user, "primary_line_port", **kw)


def portal_path(user="jdoe", customer=CUST1, device=None, action=None, account=None) -> str:
    """The user (no action), its device list (``action="list"``) or a device action (assign/unassign)."""
    base = f"/api/v1.0/accounts/{seg(account)}" if account else "/api/v1.0"
    path = f"{base}/customers/{seg(customer)}/users/{seg(user)}"
    if device is None and action is None:
        return path
    path += "/devices/pbx"
    if device is not None:
        path += f"/{seg(device)}/{action}"
    return path


def sorted_keys(keys: list[dict]) -> list[dict]:
    """GET answers keys in no particular order and may omit an empty parameter."""
    return sorted(({"parameter": "", **k} for k in keys), key=lambda k: k["id"])


class Api:
    """requests with the simulator's base URL and a default Bearer token."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.session = requests.Session()

    def call(self, method, path, token=MACHINE, json=None, headers=None, **kw) -> requests.Response:
        h = {"Authorization": f"Bearer {token}"} if token else {}
        h.update(headers or {})
        return self.session.request(method, self.url + path, json=json, headers=h, timeout=10, **kw)

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def put(self, path, json=None, **kw):
        return self.call("PUT", path, json=json, **kw)

    def post(self, path, json=None, **kw):
        return self.call("POST", path, json=json, **kw)

    def login(self, username="admin", password=None) -> dict:
        r = self.session.post(
            self.url + "/api/v01/auth/login",
            json={"username": username, "password": password or f"{username}-pass"},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        return r.json()

    def token(self, username="admin") -> str:
        return self.login(username)["access_token"]

    def portal_token(self) -> dict:
        r = self.session.post(
            self.url + "/connect/token",
            data={"grant_type": "client_credentials", **SEED_PORTAL_CLIENT},
            timeout=10,
        )
        assert r.status_code == 200, r.text
        return r.json()

    def raw(self, method: str, raw_path: str, headers=None, body: bytes | None = None) -> tuple[int, bytes]:
        """Send a path byte for byte (requests/urllib3 would normalise ``..``)."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        try:
            conn.request(method, raw_path, body=body, headers={"Authorization": f"Bearer {MACHINE}", **(headers or {})})
            resp = conn.getresponse()
            return resp.status, resp.read()
        finally:
            conn.close()


@pytest.fixture
def api(sim) -> Api:  # noqa: F811 - the fixture imported above
    return Api(sim.url)
