"""Primary line port (docs/api.md, 2.3 Primary line port)."""

from __future__ import annotations

import json

import pytest
from conftest import primary, user_path

UNSUPPORTED = {
    "errors": [{"message": "2: INVALID_PARAMETERS, This Phone Type does not supports primary line port setting"}]
}
BAD_BODY = {"errors": [{"message": 'body must be exactly {"primaryLinePort": <boolean>}'}]}


def test_seed_example_get_then_documented_put(api, sim):
    r = api.get(primary())
    assert r.status_code == 200
    assert r.json() == {"primaryLinePort": False}
    r = api.put(primary(), json={"primaryLinePort": True})
    assert r.status_code == 200
    assert r.json() == {"primaryLinePort": True}
    assert api.get(primary()).json() == {"primaryLinePort": True}
    assert sim.requests(method="PUT")[0]["body"] == {"primaryLinePort": True}
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True


def test_deprecated_alias_and_proxy_prefix(api):
    alias = user_path("foo", "foogroup", "foouser", "primay_line_port")
    assert api.put(alias, json={"primaryLinePort": True}).json() == {"primaryLinePort": True}
    assert api.get(alias).json() == {"primaryLinePort": True}
    proxied = primary(prefix="/api/v01/p1")
    assert api.put(proxied, json={"primaryLinePort": False}).json() == {"primaryLinePort": False}
    assert api.get(primary()).json() == {"primaryLinePort": False}


def test_no_operator_segment_on_primary_line(api):
    r = api.get(primary(operator="telenet"))
    assert r.status_code == 404


def test_unsupported_phone_type_on_get_and_put(api):
    basic = primary("basic@sip.example.com")
    r = api.get(basic)
    assert (r.status_code, r.json()) == (400, UNSUPPORTED)
    r = api.put(basic, json={"primaryLinePort": True})
    assert (r.status_code, r.json()) == (400, UNSUPPORTED)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"primaryLinePort": "true"},
        {"primaryLinePort": 1},
        {"primaryLinePort": None},
        {"primaryLinePort": True, "x": 1},
        [True],
    ],
)
def test_body_must_be_one_boolean(api, body):
    r = api.put(primary(), json=body)
    assert (r.status_code, r.json()) == (400, BAD_BODY)
    assert api.get(primary()).json() == {"primaryLinePort": False}


def test_content_type_required(api):
    r = api.put(primary(), data=json.dumps({"primaryLinePort": True}))
    assert r.status_code == 400
    assert r.json() == {"errors": [{"message": "Content-Type must be application/json"}]}
    assert api.get(primary()).json() == {"primaryLinePort": False}


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_not_found(api, method):
    body = {"primaryLinePort": True} if method == "PUT" else None
    r = api.call(method, primary("nophone"), json=body)
    assert (r.status_code, r.json()) == (404, {"errors": [{"message": "the user has no phone linked to him"}]})
    for path in (primary("ghost"), primary(group="zzz"), primary(tenant="zzz")):
        r = api.call(method, path, json=body)
        assert (r.status_code, r.json()) == (404, {"errors": [{"message": "user not found"}]})


def test_trailing_slash_required(api):
    r = api.put(primary()[:-1], json={"primaryLinePort": True})
    assert (r.status_code, r.json()) == (404, {"errors": [{"message": "not found"}]})
    assert api.get(primary()).json() == {"primaryLinePort": False}
