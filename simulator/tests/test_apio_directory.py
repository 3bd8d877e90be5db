"""Phone types, listing and authorization levels (docs/api.md, 2.5, 2.6 and 2.7)."""

from __future__ import annotations

import pytest
from conftest import buttons, primary, seg

DENIED = {"errors": [{"message": "permission denied"}]}


def test_phone_types_list(api):
    r = api.get("/api/v1/configs/phone_types/")
    assert r.status_code == 200
    types = {p["technical_name"]: p for p in r.json()["phoneTypes"]}
    assert set(types) == {"Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300", "Generic SIP Phone"}
    hdv = types["Telenet-Panasonic-KX-HDV230"]["capabilities"]
    assert "managed_keys" not in hdv["fastkeys"]  # absent: 1 to 24
    names = {t["name"]: t for t in hdv["fastkeys"]["available_types"]}
    assert len(names) == 18 and "ONETOUCH" in names
    assert names["CALLLOG"] == {"name": "CALLLOG", "parameterType": None, "labelRequired": False, "labelIgnored": False}
    assert names["ONETOUCH"] == {
        "name": "ONETOUCH",
        "parameterType": "PhoneNumber",
        "labelRequired": True,
        "labelIgnored": False,
    }
    yealink = types["Yealink-T46S"]["capabilities"]["fastkeys"]
    assert yealink["managed_keys"] == list(range(1, 17))
    assert any(t["labelIgnored"] for t in yealink["available_types"])
    assert types["Polycom-VVX-300"]["capabilities"]["fastkeys"]["managed_keys"] == list(range(1, 13))
    generic = types["Generic SIP Phone"]["capabilities"]
    assert not generic.get("fastkeys") and generic["primaryLinePort"] is False


@pytest.mark.parametrize("prefix", ["/api/v1", "/api/v01/p1"])
def test_phone_type_by_name_with_space(api, prefix):
    r = api.get(f"{prefix}/configs/phone_types/Generic%20SIP%20Phone/")
    assert r.status_code == 200
    assert r.json()["technical_name"] == "Generic SIP Phone"
    r = api.get(f"{prefix}/configs/phone_types/Yealink-T46S/", token=api.token("enduser"))
    assert r.status_code == 200  # any authenticated account may read phone types


def test_phone_type_errors(api):
    r = api.get("/api/v1/configs/phone_types/Nokia%203310/")
    assert (r.status_code, r.json()) == (404, {"errors": [{"message": "phone type not found"}]})
    assert api.get("/api/v1/configs/phone_types/Yealink-T46S").status_code == 404  # trailing slash
    assert api.get("/api/v1/configs/phone_types/").status_code == 200
    assert api.get("/api/v1/configs/phone_types").status_code == 404
    assert api.get("/api/v1/configs/phone_types/", token=None).status_code == 401
    # No operator segment on phone types.
    assert api.get("/api/v1/telenet/configs/phone_types/").status_code == 404


def test_listing_as_system(api):
    r = api.get("/api/v1/tenants/")
    assert r.json() == {
        "tenants": [
            {"tenantId": "foo", "name": "Foo Corp", "type": "Enterprise"},
            {"tenantId": "bar", "name": "Bar Ltd", "type": "Enterprise"},
        ]
    }
    r = api.get("/api/v01/p1/tenants/foo/groups/")
    assert r.json() == {
        "groups": [
            {"groupId": "foogroup", "groupName": "Foo Group", "tenantId": "foo"},
            {"groupId": "othergroup", "groupName": "Other Group", "tenantId": "foo"},
        ]
    }
    users = api.get("/api/v1/tenants/foo/groups/foogroup/users/").json()["users"]
    assert [u["userId"] for u in users] == [
        "foouser",
        "nophone",
        "basic@sip.example.com",
        "alice@sip.example.com",
        "bob+1@sip.example.com",
    ]
    assert users[0] == {
        "userId": "foouser",
        "firstName": "Giulio",
        "lastName": "Rossi",
        "phoneNumber": "+3225551000",
        "extension": "1000",
    }


def test_listing_scoped_and_errors(api):
    tenant_admin = api.token("tenantadmin")
    assert [t["tenantId"] for t in api.get("/api/v1/tenants/", token=tenant_admin).json()["tenants"]] == ["foo"]
    group_admin = api.token("fooadmin")
    groups = api.get("/api/v1/tenants/foo/groups/", token=group_admin).json()["groups"]
    assert [g["groupId"] for g in groups] == ["foogroup"]
    assert api.get("/api/v1/tenants/bar/groups/", token=group_admin).json() == DENIED
    assert api.get("/api/v1/tenants/foo/groups/othergroup/users/", token=group_admin).json() == DENIED
    assert api.get("/api/v1/tenants/", token=api.token("enduser")).json() == DENIED
    r = api.get("/api/v1/tenants/nope/groups/")
    assert (r.status_code, r.json()) == (404, {"errors": [{"message": "tenant not found"}]})
    r = api.get("/api/v1/tenants/foo/groups/nope/users/")
    assert (r.status_code, r.json()) == (404, {"errors": [{"message": "group not found"}]})
    for path in ("/api/v1/tenants", "/api/v1/tenants/foo/groups", "/api/v1/tenants/foo/groups/foogroup/users"):
        assert api.get(path).status_code == 404


@pytest.mark.parametrize(
    ("account", "tenant", "group", "user", "allowed"),
    [
        ("admin", "bar", "bargroup", "dave@sip.example.com", True),
        ("tenantadmin", "foo", "othergroup", "carol@sip.example.com", True),
        ("tenantadmin", "bar", "bargroup", "dave@sip.example.com", False),
        ("fooadmin", "foo", "foogroup", "foouser", True),
        ("fooadmin", "foo", "othergroup", "carol@sip.example.com", False),
        ("otheradmin", "foo", "othergroup", "carol@sip.example.com", True),
        ("otheradmin", "foo", "foogroup", "foouser", False),
        ("fooadmin", "bar", "bargroup", "dave@sip.example.com", False),
        ("enduser", "foo", "foogroup", "foouser", False),
    ],
)
def test_authorization_levels(api, account, tenant, group, user, allowed):
    token = api.token(account)
    for path in (buttons(user, tenant, group), primary(user, tenant, group)):
        r = api.get(path, token=token)
        if allowed:
            assert r.status_code in (200, 400), r.text  # 400: primary line unsupported
        else:
            assert (r.status_code, r.json()) == (403, DENIED)
    r = api.put(buttons(user, tenant, group), token=token, json={"keys": []})
    assert r.status_code == (200 if allowed else 403)


def test_forbidden_before_not_found(api):
    # An admin of another group learns nothing about what exists there.
    token = api.token("fooadmin")
    r = api.get(buttons("ghost", "bar", "bargroup"), token=token)
    assert (r.status_code, r.json()) == (403, DENIED)
    r = api.put(buttons("foouser", "foo", "othergroup"), token=token, json={"keys": []})
    assert r.status_code == 403


def test_unknown_prefix_and_paths(api):
    assert api.get("/api/v2/tenants/").status_code == 404
    assert api.get("/").status_code == 404
    assert api.get(f"/api/v01//tenants/{seg('foo')}/groups/").status_code == 404
