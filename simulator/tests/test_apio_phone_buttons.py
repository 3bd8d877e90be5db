"""Phone buttons (docs/api.md, 2.4 Phone buttons) and the documented example (docs/api.md, 6)."""

from __future__ import annotations

import json

import pytest
from conftest import FOOUSER_KEYS, buttons, sorted_keys

RELABELLED = [
    {"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
    {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"},
]


def err(message: str) -> dict:
    return {"errors": [{"message": message}]}


def test_get_seed_example(api):
    r = api.get(buttons())
    assert r.status_code == 200
    body = r.json()
    assert body["deviceType"] == "Telenet-Panasonic-KX-HDV230"
    assert body["deviceName"] == "DP_giulio@sip.netaxis.be"
    assert sorted_keys(body["keys"]) == FOOUSER_KEYS
    # Realism: not the stored order, empty parameter left out, undocumented extras.
    assert [k["id"] for k in body["keys"]] == [5, 4]
    assert body["keys"][1] == {"id": 4, "type": "CALLLOG", "label": "history"}
    assert {"macAddress", "properties"} <= set(body)


def test_documented_put_relabels(api, sim):
    r = api.put(buttons(), json={"keys": RELABELLED})
    assert r.status_code == 200
    assert sorted_keys(r.json()["keys"]) == RELABELLED
    got = api.get(buttons()).json()
    assert got == r.json()
    assert sorted_keys(got["keys"]) == RELABELLED
    recorded = sim.requests(method="PUT")
    assert recorded[0]["body"] == {"keys": RELABELLED}
    assert recorded[0]["headers"]["content-type"] == "application/json"
    assert sim.user("foo", "foogroup", "foouser")["device"]["keys"] == RELABELLED


@pytest.mark.parametrize(
    "kw", [{"operator": "telenet"}, {"operator": "some-operator"}, {"prefix": "/api/v01/p1"}, {"prefix": "/api/v01/p7"}]
)
def test_operator_segment_and_proxy_prefix(api, kw):
    r = api.get(buttons(**kw))
    assert r.status_code == 200
    assert sorted_keys(r.json()["keys"]) == FOOUSER_KEYS
    r = api.put(buttons(**kw), json={"keys": RELABELLED})
    assert r.status_code == 200
    assert sorted_keys(api.get(buttons()).json()["keys"]) == RELABELLED


def test_put_replaces_whole_list(api):
    r = api.put(buttons(), json={"keys": [{"id": 7, "type": "DND_TOGGLE", "label": "dnd", "parameter": ""}]})
    assert r.status_code == 200
    assert r.json()["keys"] == [{"id": 7, "type": "DND_TOGGLE", "label": "dnd"}]
    assert api.put(buttons(), json={"keys": []}).json()["keys"] == []
    assert api.get(buttons()).json()["keys"] == []


def test_label_ignored_and_parameterless_types_are_normalised(api, sim):
    keys = [
        {"id": 1, "type": "LINE", "label": "my line", "parameter": "alice@sip.example.com"},
        {"id": 2, "type": "CALLLOG", "label": "calls", "parameter": "ignored"},
    ]
    r = api.put(buttons("alice@sip.example.com"), json={"keys": keys})
    assert r.status_code == 200
    assert sorted_keys(r.json()["keys"]) == [
        {"id": 1, "type": "LINE", "label": "", "parameter": "alice@sip.example.com"},
        {"id": 2, "type": "CALLLOG", "label": "calls", "parameter": ""},
    ]
    # LINE needs no label where it is ignored (Yealink) but does on the Polycom.
    r = api.put(buttons("bob+1@sip.example.com"), json={"keys": [{**keys[0], "label": ""}]})
    assert r.json() == err("key 1: type LINE needs a label")


VALID = {"id": 6, "type": "BLF", "label": "Alice", "parameter": "alice@sip.example.com"}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], 'body must be exactly {"keys": [...]}'),
        ({}, 'body must be exactly {"keys": [...]}'),
        ({"keys": {}}, 'body must be exactly {"keys": [...]}'),
        ({"keys": [], "deviceType": "x"}, 'body must be exactly {"keys": [...]}'),
        ({"keys": ["x"]}, "keys[0]: a key holds exactly id, type, label and parameter"),
        (
            {"keys": [{"id": 6, "type": "BLF", "label": "A"}]},
            "keys[0]: a key holds exactly id, type, label and parameter",
        ),
        ({"keys": [{**VALID, "extra": 1}]}, "keys[0]: a key holds exactly id, type, label and parameter"),
        ({"keys": [{**VALID, "id": "6"}]}, "keys[0]: id must be an integer"),
        ({"keys": [{**VALID, "id": 6.0}]}, "keys[0]: id must be an integer"),
        ({"keys": [{**VALID, "id": True}]}, "keys[0]: id must be an integer"),
        ({"keys": [{**VALID, "label": None}]}, "key 6: label must be a string"),
        ({"keys": [{**VALID, "parameter": 123}]}, "key 6: parameter must be a string"),
        ({"keys": [{**VALID, "type": None}]}, "key 6: type must be a string"),
        ({"keys": [{**VALID, "id": 25}]}, "key 25: id outside the managed keys of Telenet-Panasonic-KX-HDV230"),
        ({"keys": [{**VALID, "id": 0}]}, "key 0: id outside the managed keys of Telenet-Panasonic-KX-HDV230"),
        ({"keys": [VALID, VALID]}, "key 6: duplicate id"),
        (
            {"keys": [{**VALID, "type": "SPEED_DIAL"}]},
            "key 6: type SPEED_DIAL is not available on Telenet-Panasonic-KX-HDV230",
        ),
        ({"keys": [{**VALID, "type": "blf"}]}, "key 6: type blf is not available on Telenet-Panasonic-KX-HDV230"),
        ({"keys": [{**VALID, "parameter": ""}]}, "key 6: type BLF needs a parameter (User)"),
        ({"keys": [{**VALID, "label": ""}]}, "key 6: type BLF needs a label"),
        (
            {"keys": [{"id": 5, "type": "ONETOUCH", "label": "boss", "parameter": ""}]},
            "key 5: type ONETOUCH needs a parameter (PhoneNumber)",
        ),
    ],
)
def test_put_rejections_leave_state_alone(api, body, message):
    r = api.put(buttons(), json=body)
    assert r.status_code == 400
    assert r.json() == err(message)
    assert sorted_keys(api.get(buttons()).json()["keys"]) == FOOUSER_KEYS


def test_managed_keys_and_types_come_from_the_phone_type(api):
    yealink = "alice@sip.example.com"
    r = api.put(buttons(yealink), json={"keys": [{"id": 17, "type": "CALLLOG", "label": "", "parameter": ""}]})
    assert r.json() == err("key 17: id outside the managed keys of Yealink-T46S")
    r = api.put(buttons(yealink), json={"keys": [{"id": 3, "type": "ONETOUCH", "label": "x", "parameter": "1"}]})
    assert r.json() == err("key 3: type ONETOUCH is not available on Yealink-T46S")
    r = api.put(buttons("bob+1@sip.example.com"), json={"keys": [{**VALID, "id": 13}]})
    assert r.json() == err("key 13: id outside the managed keys of Polycom-VVX-300")
    r = api.put(buttons(), json={"keys": [{**VALID, "id": 24}]})
    assert r.status_code == 200


def test_phone_without_programmable_keys(api):
    r = api.get(buttons("basic@sip.example.com"))
    assert r.status_code == 200
    assert r.json()["deviceType"] == "Generic SIP Phone"
    assert r.json()["keys"] == []
    for keys in ([], [VALID]):
        r = api.put(buttons("basic@sip.example.com"), json={"keys": keys})
        assert r.status_code == 400
        assert r.json() == err("phone type Generic SIP Phone has no programmable keys")


def test_put_needs_json_content_type(api):
    r = api.put(buttons(), data=json.dumps({"keys": RELABELLED}))
    assert r.status_code == 400
    assert r.json() == err("Content-Type must be application/json")
    r = api.put(buttons(), data=json.dumps({"keys": RELABELLED}), headers={"Content-Type": "text/plain"})
    assert r.status_code == 400
    r = api.put(buttons(), data=b"{nope", headers={"Content-Type": "application/json"})
    assert r.json() == err("invalid JSON body")
    r = api.put(
        buttons(), data=json.dumps({"keys": RELABELLED}), headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert r.status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_not_found_bodies(api, method):
    cases = [
        (buttons("nophone"), "the user has no phone linked to him"),
        (buttons("ghost"), "user not found"),
        (buttons("foouser", group="nogroup", tenant="foo"), "user not found"),
        (buttons("foouser", tenant="notenant"), "user not found"),
    ]
    for path, message in cases:
        r = api.call(method, path, json={"keys": []} if method == "PUT" else None)
        assert r.status_code == 404, path
        assert r.json() == err(message)


def test_trailing_slash_required(api):
    path = buttons()[:-1]
    for method in ("GET", "PUT"):
        r = api.call(method, path, json={"keys": RELABELLED} if method == "PUT" else None)
        assert r.status_code == 404
        assert r.json() == err("not found")
    assert sorted_keys(api.get(buttons()).json()["keys"]) == FOOUSER_KEYS
    assert api.get(buttons() + "/").status_code == 404  # double slash is no match either


def test_wrong_method(api):
    r = api.post(buttons(), json={"keys": []})
    assert r.status_code == 405
    assert r.json() == err("method not allowed")
    assert r.headers["Allow"] == "GET, PUT"
