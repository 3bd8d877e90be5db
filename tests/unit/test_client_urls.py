"""URL building: each path segment percent-encoded as one segment, as it arrives on the wire."""

from urllib.parse import unquote

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.client import (
    ApioClient,
    encode_segment,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from support.fake_server import ScriptedServer, reply

PRIMARY = "/access_device/primary_line_port/"

# user id -> the segment that must reach the server
USER_IDS = [
    ("foouser", "foouser"),
    ("giulio@sip.netaxis.be", "giulio%40sip.netaxis.be"),
    ("bob+1@sip.example.com", "bob%2B1%40sip.example.com"),
    ("a/b", "a%2Fb"),
    ("first last", "first%20last"),
    ("what?x=1", "what%3Fx%3D1"),
    ("room#2", "room%232"),
    ("100%", "100%25"),
    ("%2F", "%252F"),
    ("jos\u00e9.m\u00fcller@example.com", "jos%C3%A9.m%C3%BCller%40example.com"),
    ("\u7528\u6237", "%E7%94%A8%E6%88%B7"),
    ("a..b", "a..b"),
    ("../admin", "..%2Fadmin"),
]


@pytest.mark.parametrize("user, segment", USER_IDS, ids=[u for u, unused_segment in USER_IDS])
def test_user_id_reaches_the_server_as_one_encoded_segment(server, clients, user, segment):
    server.script(reply(200, {"primaryLinePort": False}))
    apio = clients.apio(server.url, token="tok")
    assert apio.request("GET", apio.user_url("foo", "foogroup", user, "access_device", "primary_line_port"),
                        "primary line port") == {"primaryLinePort": False}
    assert server.sent() == [("GET", f"/api/v1/tenants/foo/groups/foogroup/users/{segment}{PRIMARY}")]


@pytest.mark.parametrize("user", ["..", "."])
def test_dot_segments_are_encoded_by_encode_segment(user):
    assert encode_segment(user) == "%2E" * len(user)


@pytest.mark.parametrize("user", ["..", "."])
def test_dot_segment_user_id_reaches_the_server_encoded(server, clients, user):
    server.script(reply(200, {"primaryLinePort": False}))
    apio = clients.apio(server.url, token="tok")
    apio.request("GET", apio.user_url("foo", "foogroup", user, "access_device", "primary_line_port"), "x")
    assert server.sent() == [("GET", "/api/v1/tenants/foo/groups/foogroup/users/{}{}".format("%2E" * len(user), PRIMARY))]


def test_every_segment_is_encoded_not_only_the_user(server, clients):
    server.script(reply(200, {"keys": []}))
    apio = clients.apio(server.url, token="tok")
    apio.request("GET", apio.user_url("t/1", "g 1", "u", "access_device", "phone_buttons", operator="op?x"), "x")
    assert server.sent() == [("GET", "/api/v1/op%3Fx/tenants/t%2F1/groups/g%201/users/u/access_device/phone_buttons/")]


def test_phone_type_name_with_spaces(server, clients):
    server.script(reply(200, {"technical_name": "Generic SIP Phone"}))
    apio = clients.apio(server.url, token="tok")
    apio.request("GET", apio.url("configs", "phone_types", "Generic SIP Phone"), "phone type")
    assert server.sent() == [("GET", "/api/v1/configs/phone_types/Generic%20SIP%20Phone/")]


@pytest.mark.parametrize("prefix, path", [
    ("/api/v1", "/api/v1/tenants/"),
    ("/api/v01/p1", "/api/v01/p1/tenants/"),
    ("api/v01/p1/", "/api/v01/p1/tenants/"),
    ("", "/tenants/"),
    ("/", "/tenants/"),
])
def test_api_prefix_and_trailing_slash(server, clients, prefix, path):
    server.script(reply(200, {"tenants": []}))
    apio = clients.apio(server.url + "/", token="tok", api_prefix=prefix)
    apio.request("GET", apio.url("tenants"), "tenants")
    assert server.sent() == [("GET", path)]


def test_portal_urls_take_no_trailing_slash_and_encode_segments(server, clients):
    server.script(reply(200, {"data": []}))
    portal = clients.portal(server.url, portal_token="ptok")
    portal.request("GET", portal.url("customers", "c-1", "users", "j doe@x", "devices", "pbx"), "devices")
    assert server.sent() == [("GET", "/api/v1.0/customers/c-1/users/j%20doe%40x/devices/pbx")]


# -- properties --------------------------------------------------------------------------------------

USER_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)


@given(USER_TEXT)
def test_encode_segment_is_one_reversible_segment(user):
    segment = encode_segment(user)
    assert unquote(segment) == user
    assert not set(segment) & set("/?#[]@+ ")
    assert segment not in (".", "..")


@settings(max_examples=60, deadline=None)
@given(USER_TEXT)
def test_any_user_id_arrives_as_one_segment(user):
    srv = ScriptedServer()
    srv.handler = lambda req: reply(200, {"primaryLinePort": False})
    apio = ApioClient(srv.url, token="tok", retries=0)
    try:
        apio.request("GET", apio.user_url("foo", "foogroup", user, "access_device", "primary_line_port"), "x")
    finally:
        apio.session.close()
        srv.close()
    parts = srv.requests[0].path.split("/")
    assert parts[:7] == ["", "api", "v1", "tenants", "foo", "groups", "foogroup"]
    assert parts[7] == "users"
    assert unquote(parts[8]) == user
    assert parts[9:] == ["access_device", "primary_line_port", ""]


def test_tls_options(clients):
    assert clients.apio("https://apio", token="t").session.verify is True
    assert clients.apio("https://apio", token="t", ca_path="/etc/ca.pem").session.verify == "/etc/ca.pem"
    assert clients.apio("https://apio", token="t", validate_certs=False, ca_path="/etc/ca.pem").session.verify \
        is False
    assert clients.portal("https://portal", portal_token="t", validate_certs=False).session.verify is False
