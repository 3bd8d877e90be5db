"""APIO core authentication (docs/api.md, 2.2 Authentication and tokens)."""

from __future__ import annotations

import base64
import json
import time
from pathlib import Path

import pytest
import requests
import yaml
from conftest import MACHINE, Api, buttons

import apio_sim
from apio_sim.testing import SEED_ADMIN, SEED_PORTAL_CLIENT, SimulatorProcess


def jwt_payload(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_login_returns_jwt_pair_with_exp(api, sim):
    tokens = api.login("admin")
    assert set(tokens) == {"access_token", "refresh_token"}
    access, refresh = jwt_payload(tokens["access_token"]), jwt_payload(tokens["refresh_token"])
    now = time.time()
    assert now + 800 < access["exp"] <= now + 901  # minutes
    assert refresh["exp"] > now + 6 * 86400  # days
    assert api.get(buttons(), token=tokens["access_token"]).status_code == 200
    assert sim.counters()["logins"] == 1


@pytest.mark.parametrize(
    "body",
    [{"username": "admin", "password": "wrong"}, {"username": "nobody", "password": SEED_ADMIN["password"]}],
)
def test_login_bad_credentials(api, body):
    r = requests.post(api.url + "/api/v01/auth/login", json=body, timeout=5)
    assert r.status_code == 401
    assert r.json() == {"error": "invalid credentials"}


def test_login_needs_json_content_type(api):
    r = requests.post(api.url + "/api/v01/auth/login", data=json.dumps(SEED_ADMIN), timeout=5)
    assert r.status_code == 400
    assert r.json() == {"error": "Content-Type must be application/json"}


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"username": "admin"}', b'{"username": 1, "password": "x"}'])
def test_login_malformed_body(api, body):
    r = requests.post(
        api.url + "/api/v01/auth/login", data=body, headers={"Content-Type": "application/json"}, timeout=5
    )
    assert r.status_code == 400
    assert "error" in r.json()


def test_auth_routes_take_no_trailing_slash(api):
    r = requests.post(api.url + "/api/v01/auth/login/", json=SEED_ADMIN)
    assert r.status_code == 404
    assert r.json() == {"error": "not found"}
    refresh = api.login()["refresh_token"]
    r = requests.get(api.url + "/api/v01/auth/access_token/", headers={"Authorization": f"Bearer {refresh}"})
    assert r.status_code == 404


def test_auth_wrong_method(api):
    r = requests.get(api.url + "/api/v01/auth/login", timeout=5)
    assert r.status_code == 405
    assert r.json() == {"error": "method not allowed"}


def test_refresh_gives_new_pair(api, sim):
    tokens = api.login("fooadmin")
    r = requests.get(
        api.url + "/api/v01/auth/access_token", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert r.status_code == 200
    new = r.json()
    assert set(new) == {"access_token", "refresh_token"}
    assert new["access_token"] != tokens["access_token"]
    assert jwt_payload(new["access_token"])["sub"] == "fooadmin"
    assert api.get(buttons(), token=new["access_token"]).status_code == 200
    assert sim.counters()["refreshes"] == 1


@pytest.mark.parametrize("which", ["access", "garbage", "none"])
def test_refresh_rejects_anything_but_a_refresh_token(api, which):
    tokens = api.login()
    token = {"access": tokens["access_token"], "garbage": "x.y.z", "none": None}[which]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    r = requests.get(api.url + "/api/v01/auth/access_token", headers=headers, timeout=5)
    assert r.status_code == 401
    assert r.json() == {"error": "refresh token expired or revoked"}


def test_missing_and_unknown_tokens_get_core_style_401(api):
    r = api.get(buttons(), token=None)
    assert r.status_code == 401
    assert r.json() == {"error": "missing bearer token"}
    r = api.get(buttons(), token="not-a-token")
    assert r.status_code == 401
    assert r.json() == {"error": "token expired"}
    r = api.get(buttons(), token=None, headers={"Authorization": "Basic YWRtaW46YWRtaW4tcGFzcw=="})
    assert r.status_code == 401
    # A refresh token is not an access token.
    r = api.get(buttons(), token=api.login()["refresh_token"])
    assert r.json() == {"error": "token expired"}


def test_expire_tokens_forces_refresh_then_relogin(api, sim):
    tokens = api.login()
    assert sim.expire_tokens() == {"apio": 1, "portal": 0}
    r = api.get(buttons(), token=tokens["access_token"])
    assert r.status_code == 401
    assert r.json() == {"error": "token expired"}
    # The machine token never expires.
    assert api.get(buttons(), token=MACHINE).status_code == 200
    # The refresh token still works...
    r = requests.get(
        api.url + "/api/v01/auth/access_token", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert r.status_code == 200
    # ...until refresh tokens are expired as well.
    sim.expire_tokens(refresh=True)
    r = requests.get(
        api.url + "/api/v01/auth/access_token", headers={"Authorization": f"Bearer {r.json()['refresh_token']}"}
    )
    assert r.status_code == 401


def test_expire_static_tokens_until_reset(api, sim):
    assert sim.expire_tokens(static=True) == {"apio": 1, "portal": 1}
    assert api.get(buttons(), token=MACHINE).json() == {"error": "token expired"}
    assert (
        api.get(
            "/api/v1.0/customers/11111111-1111-4111-8111-111111111111/users/jdoe", token="sim-portal-token"
        ).status_code
        == 401
    )
    sim.reset(state=True)
    assert api.get(buttons(), token=MACHINE).status_code == 200


def test_token_of_a_removed_account_is_refused(api, sim):
    token = api.token("fooadmin")
    state = sim.state()
    state["apio"]["accounts"] = [a for a in state["apio"]["accounts"] if a["username"] != "fooadmin"]
    sim.set_state(state)
    assert api.get(buttons(), token=token).status_code == 401


def test_ttls_expire_tokens_in_real_time():
    with SimulatorProcess().start(
        extra_args=["--access-ttl", "0.6", "--refresh-ttl", "1.2", "--portal-ttl", "0.6"]
    ) as s:
        api = Api(s.url)
        tokens = api.login()
        portal = api.portal_token()
        assert portal["expires_in"] == 0
        assert api.get(buttons(), token=tokens["access_token"]).status_code == 200
        assert (
            api.get(
                "/api/v1.0/customers/11111111-1111-4111-8111-111111111111/users/jdoe", token=portal["access_token"]
            ).status_code
            == 200
        )
        time.sleep(0.7)
        r = api.get(buttons(), token=tokens["access_token"])
        assert (r.status_code, r.json()) == (401, {"error": "token expired"})
        r = api.get("/api/v1.0/customers/11111111-1111-4111-8111-111111111111/users/jdoe", token=portal["access_token"])
        assert (r.status_code, r.content) == (401, b"")
        r = requests.get(
            s.url + "/api/v01/auth/access_token",
            headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
            timeout=5,
        )
        assert r.status_code == 200
        time.sleep(0.6)
        r = requests.get(
            s.url + "/api/v01/auth/access_token",
            headers={"Authorization": f"Bearer {tokens['refresh_token']}"},
            timeout=5,
        )
        assert r.status_code == 401


def test_the_seed_credentials_of_the_launcher_are_the_seeds():
    """apio_sim.testing is where tests, benchmarks and the demo take the seed's credentials from."""
    seed = yaml.safe_load((Path(apio_sim.__file__).parent / "seed.yaml").read_text())
    admins = [a for a in seed["apio"]["accounts"] if a["level"] == 16]
    assert [{"username": a["username"], "password": a["password"]} for a in admins] == [SEED_ADMIN]
    assert SEED_PORTAL_CLIENT in [{k: c[k] for k in ("client_id", "client_secret")} for c in seed["portal"]["clients"]]
