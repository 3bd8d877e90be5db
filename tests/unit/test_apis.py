"""The two APIs (apis.py): each one's connection options, checks, client, user label and user route."""

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO, PORTAL, ConnectionProblem, connect
from ansible_collections.telephony.apio.plugins.module_utils.client import ApioClient, PortalClient
from ansible_collections.telephony.apio.plugins.modules import apio_primary_line, apio_softphone_info

from .fakes import CUSTOMER

DEVICES = f"/api/v1.0/customers/{CUSTOMER}/users/jdoe/devices/pbx"


def validated(api, **params):
    """Connection options as a module has them after validation: every option, defaults filled in."""
    found = dict((name, option.get("default")) for name, option in api.options.items())
    found.update(params)
    return found


# -- options and checks ----------------------------------------------------------------------------

def test_each_api_has_its_own_connection_options_and_env_prefix():
    assert list(APIO.options) == ["url", "api_prefix", "token", "username", "password", "validate_certs", "ca_path",
                                  "timeout", "retries"]
    assert list(PORTAL.options) == ["portal_url", "portal_token", "client_id", "client_secret", "refresh_token",
                                    "token_url", "validate_certs", "ca_path", "timeout", "retries"]
    assert APIO.options["retries"]["fallback"][1] == ["APIO_RETRIES"]
    assert PORTAL.options["retries"]["fallback"][1] == ["APIO_PORTAL_RETRIES"]


def test_options_are_a_new_dict_each_time():
    APIO.options["url"]["required"] = False
    APIO.options.pop("token")
    assert APIO.options["url"]["required"] is True
    assert "token" in APIO.options


@pytest.mark.parametrize("api, params, problems", [
    (APIO, dict(url="https://apio.example.net"), []),
    (APIO, dict(url="apio.example.net", retries=-1),
     ["url must be an http:// or https:// URL, got 'apio.example.net'",
      "retries must be 0 or more and timeout more than 0"]),
    (PORTAL, dict(portal_url="ftp://portal", timeout=0),
     ["portal_url must be an http:// or https:// URL, got 'ftp://portal'",
      "retries must be 0 or more and timeout more than 0"]),
])
def test_problems(api, params, problems):
    assert api.problems(validated(api, **params)) == problems


# -- clients ---------------------------------------------------------------------------------------

def test_each_api_builds_its_client_from_its_options():
    apio = APIO.client(validated(APIO, url="https://apio.example.net/", api_prefix="/api/v01/p1", token="tok",
                                 retries=0, parallel=4))
    portal = PORTAL.client(validated(PORTAL, portal_url="https://portal.example.net", client_id="cid",
                                     client_secret="secret", timeout=5))
    try:
        assert isinstance(apio, ApioClient)
        assert (apio.prefix_url, apio.static_token, apio.attempts) == ("https://apio.example.net/api/v01/p1", "tok", 1)
        assert isinstance(portal, PortalClient)
        assert (portal.api_url, portal.client_id, portal.client_secret, portal.timeout) == (
            "https://portal.example.net/api/v1.0", "cid", "secret", 5)
    finally:
        apio.session.close()
        portal.session.close()


def test_user_routes():
    apio = APIO.client(validated(APIO, url="https://apio", token="tok"))
    portal = PORTAL.client(validated(PORTAL, portal_url="https://portal", portal_token="p"))
    try:
        user = dict(tenant="foo", group="foogroup", user="alice@sip.example.com")
        assert APIO.user_url(apio, user, "access_device") == (
            "https://apio/api/v1/tenants/foo/groups/foogroup/users/alice%40sip.example.com/access_device/")
        assert APIO.user_url(apio, dict(user, operator="telenet"), "access_device") == (
            "https://apio/api/v1/telenet/tenants/foo/groups/foogroup/users/alice%40sip.example.com/access_device/")
        assert PORTAL.user_url(portal, dict(customer="c1", user="jdoe"), "devices", "pbx") == (
            "https://portal/api/v1.0/customers/c1/users/jdoe/devices/pbx")
        assert PORTAL.user_url(portal, dict(customer="c1", user="jdoe", account="acc 1"), "devices") == (
            "https://portal/api/v1.0/accounts/acc%201/customers/c1/users/jdoe/devices")
    finally:
        apio.session.close()
        portal.session.close()


# -- how messages name a user ----------------------------------------------------------------------

def test_labels():
    assert APIO.label(dict(tenant="foo", group="foogroup", user="foouser")) == "user foouser (foo/foogroup)"
    # A SIP URI user id stays one readable address; the tenant and group are told apart from it.
    assert APIO.label(dict(tenant="foo", group="foogroup", user="alice@sip.example.com")) == (
        "user alice@sip.example.com (foo/foogroup)")
    # A batch item without a tenant (not valid) is still named by what it has.
    assert APIO.label(dict(tenant=None, group="foogroup", user="bob")) == "user bob (foogroup)"
    assert APIO.label(dict(user="bob")) == "user bob"
    assert PORTAL.label(dict(customer=CUSTOMER, user="jdoe", account=None)) == "user jdoe (customer %s)" % CUSTOMER


# -- options from the environment ------------------------------------------------------------------

def test_connection_options_from_the_environment(server, apio, run_module, monkeypatch):
    apio.add("foouser", primary=True)
    monkeypatch.setenv("APIO_URL", server.url)
    monkeypatch.setenv("APIO_USERNAME", "admin")
    monkeypatch.setenv("APIO_PASSWORD", "s3cret")
    monkeypatch.setenv("APIO_API_PREFIX", "/api/v1")
    result = run_module(apio_primary_line.main, {"tenant": "foo", "group": "foogroup", "user": "foouser",
                                                 "primary": True})
    assert result["changed"] is False
    assert server.requests[0].json == {"username": "admin", "password": "s3cret"}


def test_portal_options_from_the_environment(server, portal, run_module, monkeypatch):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", None)})
    monkeypatch.setenv("APIO_PORTAL_URL", server.url)
    monkeypatch.setenv("APIO_PORTAL_TOKEN", "ptok")
    result = run_module(apio_softphone_info.main, {"customer": CUSTOMER, "user": "jdoe"})
    assert result["devices"] == [{"device": "dev-1", "name": "Desk phone", "client_type": None}]
    assert server.sent() == [("GET", DEVICES)]  # the ready token is used, no token request


# -- connect ---------------------------------------------------------------------------------------

def test_connect_takes_the_api_own_environment_and_warns(monkeypatch):
    """An option not given is the API's own environment variable: the portal's TLS options are its own."""
    monkeypatch.setenv("APIO_PORTAL_VALIDATE_CERTS", "false")
    monkeypatch.setenv("APIO_VALIDATE_CERTS", "true")
    warned = []
    portal = connect(PORTAL, dict(portal_url="https://portal", portal_token="t", validate_certs=None), warned.append)
    apio = connect(APIO, dict(url="https://apio", token="t"), warned.append)
    try:
        assert (portal.session.verify, apio.session.verify) == (False, True)
        assert warned == ["Enterprise Portal: TLS certificate verification is off (validate_certs=false): use this "
                          "only for a test system"]
    finally:
        portal.session.close()
        apio.session.close()


@pytest.mark.parametrize("api, params, message", [
    (APIO, dict(url="https://apio", username="admin"), "parameters are required together: username, password "
     "(or in the environment: APIO_URL; APIO_USERNAME with APIO_PASSWORD, or APIO_TOKEN)"),
    (PORTAL, dict(portal_token="t"), "missing required arguments: portal_url (or in the environment: "
     "APIO_PORTAL_URL; APIO_PORTAL_CLIENT_ID with APIO_PORTAL_CLIENT_SECRET, or APIO_PORTAL_TOKEN)"),
    (PORTAL, dict(portal_url="portal", portal_token="t"), "portal_url must be an http:// or https:// URL, got 'portal'"),
])
def test_connect_applies_the_api_rules(api, params, message, monkeypatch):
    for name in ("APIO_URL", "APIO_TOKEN", "APIO_USERNAME", "APIO_PASSWORD", "APIO_PORTAL_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConnectionProblem) as failed:
        connect(api, params, pytest.fail)
    assert str(failed.value) == message
