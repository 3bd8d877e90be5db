"""Percent-encoded path segments are decoded exactly once, and ``..`` cannot climb."""

from __future__ import annotations

import json

from conftest import FOOUSER_KEYS, buttons, primary, sorted_keys
from hypothesis import given, settings
from hypothesis import strategies as st

from apio_sim.routing import split_path

DEVICE = {"deviceType": "Polycom-VVX-300", "deviceName": "odd", "keys": []}


def test_at_and_plus(api, sim):
    # '+' is a plus in a path, never a space; '@' may come encoded or not.
    r = api.get(buttons("bob+1@sip.example.com"))
    assert r.status_code == 200 and r.json()["deviceType"] == "Polycom-VVX-300"
    assert (
        api.get(
            "/api/v1/tenants/foo/groups/foogroup/users/bob%2B1%40sip.example.com/access_device/phone_buttons/"
        ).status_code
        == 200
    )
    assert (
        api.get(
            "/api/v1/tenants/foo/groups/foogroup/users/bob+1@sip.example.com/access_device/phone_buttons/"
        ).status_code
        == 200
    )
    assert (
        api.get(
            "/api/v1/tenants/foo/groups/foogroup/users/bob%201@sip.example.com/access_device/phone_buttons/"
        ).status_code
        == 404
    )
    assert sim.requests(path_contains="bob+1@sip")  # decoded match
    assert sim.requests(path_contains="bob%2B1%40sip")  # raw match


def test_slash_inside_a_segment(api, sim):
    sim.set_user("foo", "foogroup", "a/b@x", {"device": DEVICE})
    r = api.get(buttons("a/b@x"))  # sent as a%2Fb%40x
    assert r.status_code == 200 and r.json()["deviceName"] == "odd"
    assert (
        sim.requests()[-1]["path"] == "/api/v1/tenants/foo/groups/foogroup/users/a%2Fb%40x/access_device/phone_buttons/"
    )
    # Unencoded, the slash splits the segment: no such route.
    assert api.get("/api/v1/tenants/foo/groups/foogroup/users/a/b@x/access_device/phone_buttons/").status_code == 404


def test_decoded_exactly_once(api, sim):
    # %2540 is "%40" once decoded: a different user than "@".
    sim.set_user("foo", "foogroup", "x%40y", {"device": DEVICE})
    r = api.get("/api/v1/tenants/foo/groups/foogroup/users/x%2540y/access_device/phone_buttons/")
    assert r.status_code == 200 and r.json()["deviceName"] == "odd"
    assert api.get("/api/v1/tenants/foo/groups/foogroup/users/x%40y/access_device/phone_buttons/").status_code == 404


def test_spaces_in_segments(api, sim):
    sim.set_user("foo", "foogroup", "john doe", {"device": DEVICE})
    assert api.get(buttons("john doe")).status_code == 200  # john%20doe
    assert api.get("/api/v1/configs/phone_types/Generic%20SIP%20Phone/").status_code == 200
    assert api.get("/api/v1/configs/phone_types/Generic+SIP+Phone/").status_code == 404


def test_dot_dot_cannot_climb(api):
    # http.client sends the path as is (requests would normalise "..").
    status, body = api.raw(
        "GET", "/api/v1/tenants/foo/groups/othergroup/users/../../foogroup/users/foouser/access_device/phone_buttons/"
    )
    assert status == 404
    status, body = api.raw("GET", "/api/v1/tenants/foo/groups/foogroup/users/../access_device/phone_buttons/")
    assert status == 404 and json.loads(body) == {"errors": [{"message": "user not found"}]}
    status, body = api.raw("GET", "/api/v1/tenants/foo/groups/foogroup/users/%2E%2E/access_device/phone_buttons/")
    assert status == 404 and json.loads(body) == {"errors": [{"message": "user not found"}]}
    status, _ = api.raw(
        "GET", "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/../phone_buttons/"
    )
    assert status == 404
    status, body = api.raw("GET", "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/")
    assert status == 200 and sorted_keys(json.loads(body)["keys"]) == FOOUSER_KEYS


def test_query_string_is_not_part_of_the_path(api, sim):
    r = api.get(primary() + "?x=1")
    assert r.json() == {"primaryLinePort": False}
    entry = sim.requests()[-1]
    assert entry["path"].endswith("/primary_line_port/") and entry["query"] == "x=1"


def test_portal_user_with_encoded_characters(api, sim):
    cust = "11111111-1111-4111-8111-111111111111"
    sim.set_portal_user(
        cust,
        "j/doe+1@x",
        {
            "roles": ["customer.user.uc", "customer.user.uc.softphone"],
            "devices": [{"id": "dev 1/a", "name": "n", "clientType": None}],
        },
    )
    path = f"/api/v1.0/customers/{cust}/users/j%2Fdoe%2B1%40x/devices/pbx/dev%201%2Fa/assign"
    r = api.put(path, token="sim-portal-token", json={"clientType": "mobile"})
    assert r.status_code == 201
    assert r.headers["Location"] == f"/api/v1.0/customers/{cust}/users/j%2Fdoe%2B1%40x/devices/pbx/dev%201%2Fa"
    assert sim.portal_user(cust, "j/doe+1@x")["devices"][0]["clientType"] == "mobile"


@settings(max_examples=200, deadline=None, database=None)  # no .hypothesis/ left behind
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=6))
def test_split_path_round_trips_any_segment(segments):
    from urllib.parse import quote

    raw = "/" + "/".join(quote(s, safe="") for s in segments)
    assert split_path(raw.encode()) == ["", *segments]
