"""Ids with '/', '..', '?', '#', '%', spaces and non-ASCII reach the API as one exact segment, and never
another route: the right user is read and written, an unknown one is 'not found', nobody else changes."""

from urllib.parse import quote, unquote

import pytest
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_primary_line,
    apio_softphone,
)
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from support.playbook import ADMIN, PORTAL_CLIENT
from tools.simlog import writes

from .common import CUSTOMER

PRIMARY = "access_device/primary_line_port"
SPECIAL = ["..", ".", "a/b", "../foouser", "../../foo/groups/foogroup/users/foouser", "x?y=1", "room#2",
           "100%", "%2F", "%2e%2e", "first last", " ", "jos\u00e9.m\u00fcller@example.com", "\u7528\u6237",
           "a/../b", "./.", "..;", "foouser/", "\\..\\", "\t\n"]
ids = st.one_of(st.sampled_from(SPECIAL),
                st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=16))
SETTINGS = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def segment(value):
    """One segment as it must appear on the wire: every reserved, non-ASCII or unsafe byte percent-encoded,
    and a segment of dots encoded too (a literal '.' or '..' is a dot segment that URL normalisation
    removes, climbing to another route)."""
    text = quote(value, safe="")
    return text.replace(".", "%2E") if set(text) == {"."} else text


def split_raw(path):
    return path.split("/")


def phone(primary=False, device_type="Yealink-T46S", keys=()):
    return {"device": {"deviceType": device_type, "deviceName": "d", "primaryLinePort": primary,
                       "keys": list(keys)}}


def foouser_untouched(sim):
    device = sim.user("foo", "foogroup", "foouser")["device"]
    assert device["primaryLinePort"] is False
    assert [k["id"] for k in device["keys"]] == [4, 5]


@SETTINGS
@given(tenant=ids, group=ids, user=ids)
def test_any_tenant_group_and_user_id_is_one_segment(simulator, module, tenant, group, user):
    assume((tenant, group) != ("foo", "foogroup"))
    sim = simulator
    sim.reset(state=True)
    sim.set_user(tenant, group, user, phone())
    result = module(apio_primary_line.main, dict(ADMIN, url=sim.url, tenant=tenant, group=group, user=user,
                                                 primary=True))
    assert result["failed"] is False, result["msg"]
    assert result["changed"] is True
    expected = "/api/v1/tenants/%s/groups/%s/users/%s/%s/" % (segment(tenant), segment(group), segment(user),
                                                              PRIMARY)
    sent = [(r["method"], r["path"], r["status"]) for r in sim.requests() if "/auth/" not in r["path"]]
    assert sent == [("GET", expected, 200), ("PUT", expected, 200)]
    parts = split_raw(expected)
    assert [unquote(parts[i]) for i in (4, 6, 8)] == [tenant, group, user]
    assert sim.user(tenant, group, user)["device"]["primaryLinePort"] is True
    foouser_untouched(sim)


@SETTINGS
@given(user=ids)
def test_an_unknown_user_id_is_not_found_and_reaches_no_other_route(simulator, module, user):
    sim = simulator
    sim.reset(state=True)
    result = module(apio_primary_line.main, dict(ADMIN, url=sim.url, tenant="foo", group="foogroup", user=user,
                                                 primary=True))
    if user in ("foouser", "nophone", "basic@sip.example.com", "alice@sip.example.com", "bob+1@sip.example.com"):
        return  # a seed user: not unknown
    assert result["failed"] is True
    assert result["msg"] == "user %s (foo/foogroup): GET primary line port failed: HTTP 404: user not found" % user
    sent = [(r["method"], r["path"]) for r in sim.requests() if "/auth/" not in r["path"]]
    assert sent == [("GET", "/api/v1/tenants/foo/groups/foogroup/users/%s/%s/" % (segment(user), PRIMARY))]
    foouser_untouched(sim)


@SETTINGS
@given(operator=ids, user=ids, phone_type=ids)
def test_operator_and_phone_type_names_are_one_segment(simulator, module, operator, user, phone_type):
    sim = simulator
    sim.reset(state=True)
    state = sim.state()
    yealink = next(p for p in state["apio"]["phone_types"] if p["technical_name"] == "Yealink-T46S")
    if phone_type not in {p["technical_name"] for p in state["apio"]["phone_types"]}:
        state["apio"]["phone_types"].append(dict(yealink, technical_name=phone_type, display_name="odd"))
        sim.set_state(state)
    sim.set_user("foo", "foogroup", user, phone(device_type=phone_type))
    result = module(apio_phone_buttons.main, dict(
        ADMIN, url=sim.url, tenant="foo", group="foogroup", user=user, operator=operator,
        keys=[{"id": 2, "type": "CALLLOG", "label": "calls"}]))
    assert result["failed"] is False, result["msg"]
    route = "/api/v1/%s/tenants/foo/groups/foogroup/users/%s/access_device/phone_buttons/" % (
        segment(operator), segment(user))
    sent = [(r["method"], r["path"], r["status"]) for r in sim.requests() if "/auth/" not in r["path"]]
    assert sent == [("GET", route, 200),
                    ("GET", "/api/v1/configs/phone_types/%s/" % segment(phone_type), 200),
                    ("PUT", route, 200)]
    assert sim.user("foo", "foogroup", user)["device"]["keys"] == [
        {"id": 2, "type": "CALLLOG", "label": "calls", "parameter": ""}]
    foouser_untouched(sim)


@SETTINGS
@given(user=ids, device=ids)
def test_portal_user_and_device_ids_are_one_segment(simulator, module, user, device):
    sim = simulator
    sim.reset(state=True)
    sim.set_portal_user(CUSTOMER, user, {
        "roles": ["customer.user.uc", "customer.user.uc.softphone"],
        "devices": [{"id": device, "name": "odd", "clientType": None}]})
    result = module(apio_softphone.main, dict(PORTAL_CLIENT, portal_url=sim.url, customer=CUSTOMER, user=user,
                                              device=device, client_type="desktop"))
    assert result["failed"] is False, result["msg"]
    base = "/api/v1.0/customers/%s/users/%s/devices/pbx" % (CUSTOMER, segment(user))
    sent = [(r["method"], r["path"], r["status"]) for r in sim.requests() if r["path"].startswith("/api/")]
    assert sent == [("GET", base, 200), ("PUT", "%s/%s/assign" % (base, segment(device)), 201)]
    assert sim.portal_user(CUSTOMER, user)["devices"] == [{"id": device, "name": "odd", "clientType": "desktop"}]
    assert sim.portal_user(CUSTOMER, "jdoe")["devices"][0]["clientType"] is None


@pytest.mark.parametrize("customer", ["../11111111-1111-4111-8111-111111111111", "x/y", "a?b", "c#d", "50%",
                                      "b\u00e9", ".."])
def test_odd_customer_ids_reach_the_portal_as_one_segment(sim, module, customer):
    result = module(apio_softphone.main, dict(PORTAL_CLIENT, portal_url=sim.url, customer=customer, user="jdoe",
                                              device="dev-desk-1", client_type="desktop"))
    assert result["failed"] is True
    # The portal refuses the id as a whole: it got exactly what was given, in one segment.
    assert result["msg"] == ("user jdoe (customer %s): GET softphone devices failed: HTTP 400: "
                             "The value '%s' is not valid." % (customer, customer))
    assert writes(sim.requests()) == []


def test_odd_ids_in_a_real_playbook(run_tasks, sim):
    """The same through ansible-playbook (YAML, templating, the module's own process), for each module."""
    odd_user, odd_group, odd_tenant = "../users/foouser", "g/../foogroup ?#", "t%2F\u00e9"
    sim.set_user(odd_tenant, odd_group, odd_user, phone())
    sim.set_portal_user(CUSTOMER, odd_user, {"roles": ["customer.user.uc", "customer.user.uc.softphone"],
                                             "devices": [{"id": "../dev-desk-1", "name": "odd"}]})
    ident = {"tenant": odd_tenant, "group": odd_group, "user": odd_user}
    tasks = [
        {"name": "primary", "telephony.apio.apio_primary_line": dict(ident, primary=True)},
        {"name": "buttons", "telephony.apio.apio_phone_buttons": dict(
            ident, operator="op/..", keys=[{"id": 2, "type": "CALLLOG", "label": "calls"}])},
        {"name": "softphone", "telephony.apio.apio_softphone": {
            "customer": CUSTOMER, "user": odd_user, "device": "../dev-desk-1", "client_type": "mobile"}},
        {"name": "unknown", "ignore_errors": True, "telephony.apio.apio_primary_line_info": {
            "tenant": "foo", "group": "foogroup", "user": "../foogroup/users/foouser"}},
        {"name": "buttons info", "telephony.apio.apio_phone_buttons_info": ident},
        {"name": "softphone info", "telephony.apio.apio_softphone_info": {"customer": CUSTOMER, "user": odd_user}},
    ]
    run = run_tasks(tasks)
    assert run.rc == 0, run.output
    enc = "tenants/t%252F%C3%A9/groups/g%2F..%2Ffoogroup%20%3F%23/users/..%2Fusers%2Ffoouser"
    sent = [(r["method"], r["path"], r["status"]) for r in sim.requests() if r["path"].startswith("/api/v1")]
    assert sent == [
        ("GET", "/api/v1/%s/%s/" % (enc, PRIMARY), 200),
        ("PUT", "/api/v1/%s/%s/" % (enc, PRIMARY), 200),
        ("GET", "/api/v1/op%%2F../%s/access_device/phone_buttons/" % enc, 200),
        ("GET", "/api/v1/configs/phone_types/Yealink-T46S/", 200),
        ("PUT", "/api/v1/op%%2F../%s/access_device/phone_buttons/" % enc, 200),
        ("GET", "/api/v1.0/customers/%s/users/..%%2Fusers%%2Ffoouser/devices/pbx" % CUSTOMER, 200),
        ("PUT", "/api/v1.0/customers/%s/users/..%%2Fusers%%2Ffoouser/devices/pbx/..%%2Fdev-desk-1/assign"
         % CUSTOMER, 201),
        ("GET", "/api/v1/tenants/foo/groups/foogroup/users/..%2Ffoogroup%2Fusers%2Ffoouser/" + PRIMARY + "/", 404),
        ("GET", "/api/v1/%s/access_device/phone_buttons/" % enc, 200),
        ("GET", "/api/v1.0/customers/%s/users/..%%2Fusers%%2Ffoouser/devices/pbx" % CUSTOMER, 200),
    ]
    assert run.result("unknown")["msg"] == ("user ../foogroup/users/foouser (foo/foogroup): GET primary line port "
                                            "failed: HTTP 404: user not found")
    assert run.result("buttons info")["buttons"] == [{"id": 2, "type": "CALLLOG", "label": "calls", "parameter": ""}]
    assert run.result("softphone info")["devices"] == [
        {"device": "../dev-desk-1", "name": "odd", "client_type": "mobile"}]
    assert sim.user(odd_tenant, odd_group, odd_user)["device"]["primaryLinePort"] is True
    foouser_untouched(sim)
    assert all(d["clientType"] is None for d in sim.portal_user(CUSTOMER, "jdoe")["devices"])
