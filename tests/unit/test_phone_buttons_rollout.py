"""The roll-out resource (PhoneButtonsRollout) run by the engine as the action plugin runs it.

The action plugin validates the task's arguments with the module's argument spec and hands the engine a
module-like object; here the same is done with the action plugin's own classes, against the fake APIO
(with the group user listing added) on the scripted server.
"""

import hashlib
import json
import os

import pytest
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible_collections.telephony.apio.plugins.action.apio_phone_buttons_rollout import (
    Rollout,
)
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons_rollout import PhoneButtonsRollout
from ansible_collections.telephony.apio.plugins.module_utils import engine, run_watch
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import (
    module_argument_spec,
    module_rules,
)

from support.fake_server import reply
from .fakes import HDV230, SEED_KEYS, FakeApio, segments

BUTTONS = "/api/v1/tenants/foo/groups/{}/users/{}/access_device/phone_buttons/"
LISTING = "/api/v1/tenants/foo/groups/{}/users/"
PHONE_TYPE = "/api/v1/configs/phone_types/{}/"
HDV230_TYPE = PHONE_TYPE.format(HDV230)
SMALL_TYPE = PHONE_TYPE.format("Small%20Phone")
NOT_FOUND_MSG = "GET phone buttons failed: HTTP 404: user not found"

TEMPLATES = {
    "standard": {
        HDV230: [
            {"id": 1, "type": "LINE", "label": "", "parameter": "{{ phone_buttons_user.user }}"},
            {"id": 2, "type": "DIRECT_CALL", "label": "Reception", "parameter": "{{ reception }}"},
            {"id": 3, "type": "ONETOUCH", "label": "{{ boss_name | default('Boss') }}", "parameter": "{{ boss }}",
             "when": "boss is defined"},
        ],
        "Small Phone": [
            {"id": 1, "type": "LINE", "parameter": "{{ phone_buttons_user.user }}"},
            {"id": 5, "type": "CALLLOG", "label": "history {{ phone_buttons_user.group }}"},
        ],
    },
    "minimal": {HDV230: [{"id": 4, "type": "CALLLOG", "label": "calls"}]},
}


class FakeApioGroups(FakeApio):
    """FakeApio plus the group user listing (docs/api.md, 2.6); a group not listed here answers 404."""

    def __init__(self):
        super().__init__()
        self.members = {}  # (tenant, group) -> user ids the listing gives
        self.listing_answer = {}  # (tenant, group) -> (status, body) answered instead of the listing

    def add(self, user, tenant="foo", group="foogroup", **kwargs):
        super().add(user, tenant=tenant, group=group, **kwargs)
        self.members.setdefault((tenant, group), []).append(user)

    def add_without_phone(self, user, tenant="foo", group="foogroup"):
        self.no_phone.add(user)
        self.members.setdefault((tenant, group), []).append(user)

    def __call__(self, req):
        parts = segments(req.path)
        if (req.method == "GET" and req.token == "tok" and req.path.endswith("/") and len(parts) == 7
                and parts[:2] == ["api", "v1"] and parts[2::2] == ["tenants", "groups", "users"]):
            group = (parts[3], parts[5])
            if group in self.listing_answer:
                return reply(*self.listing_answer[group])
            if group not in self.members:
                return reply(404, {"errors": [{"message": "group not found"}]})
            return reply(200, {"users": [{"userId": u, "firstName": "F", "lastName": "L", "phoneNumber": None,
                                          "extension": "100"} for u in self.members[group]]})
        return super().__call__(req)


@pytest.fixture
def apio(server, monkeypatch):
    for name in [k for k in os.environ if k.startswith("APIO_")]:
        monkeypatch.delenv(name)
    fake = FakeApioGroups()
    server.handler = fake
    fake.args = {"url": server.url, "token": "tok", "retries": 0, "parallel": 1, "templates": TEMPLATES,
                 "template": "standard", "vars": {"reception": "1000"}}
    return fake


def rollout(args, check=False, diff=False, resource=PhoneButtonsRollout):
    """What the action plugin returns for ``args`` (``failed`` set either way), as ActionModule.run does it."""
    checked = ArgumentSpecValidator(module_argument_spec(resource), **module_rules(resource)).validate(dict(args))
    assert not checked.error_messages, checked.error_messages
    done = engine.run(resource, checked.validated_parameters, check_mode=check, diff=diff,
                      watch=run_watch.RunWatch())
    result = done.task_result()
    result.setdefault("failed", False)
    assert done.warnings == []
    return result


def nothing_written(invalid, total, held_back=1):
    """The head of the message of a task that an invalid user stopped from writing anything."""
    return "nothing was written: %d of %d users not valid, %d user%s that differ%s held back: " % (
        invalid, total, held_back, "" if held_back == 1 else "s", "s" if held_back == 1 else "")


def put_bodies(server):
    return {r.path: r.json for r in server.requests if r.method == "PUT"}


def entry(user, group="foogroup", **fields):
    base = {"tenant": "foo", "group": group, "user": user, "user_label": "user %s (foo/%s)" % (user, group)}
    base.update(fields)
    return base


def alice_keys(boss=None, user="alice"):
    keys = [{"id": 1, "type": "LINE", "label": "", "parameter": user},
            {"id": 2, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"}]
    if boss:
        keys.append({"id": 3, "type": "ONETOUCH", "label": "Boss", "parameter": boss})
    return keys


# -- each user its template for its phone type -------------------------------------------------------

def test_each_user_gets_the_layout_of_their_phone_type_rendered_for_them(server, apio):
    apio.add("alice", keys=SEED_KEYS)
    apio.add("bob", device_type="Small Phone")
    batch = [{"user": "alice", "vars": {"boss": "065432368"}}, {"user": "bob"}]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=batch))
    alice = alice_keys(boss="065432368")
    bob = [{"id": 1, "type": "LINE", "label": "", "parameter": "bob"},
           {"id": 5, "type": "CALLLOG", "label": "history foogroup", "parameter": ""}]
    assert server.sent() == [
        ("GET", BUTTONS.format("foogroup", "alice")), ("GET", HDV230_TYPE),
        ("GET", BUTTONS.format("foogroup", "bob")), ("GET", SMALL_TYPE),
        ("PUT", BUTTONS.format("foogroup", "alice")), ("PUT", BUTTONS.format("foogroup", "bob")),
    ]
    assert put_bodies(server) == {BUTTONS.format("foogroup", "alice"): {"keys": alice},
                                  BUTTONS.format("foogroup", "bob"): {"keys": bob}}
    alice_changes = ["key 1 added: LINE '' alice", "key 2 added: DIRECT_CALL 'Reception' 1000",
                     "key 3 added: ONETOUCH 'Boss' 065432368", "key 4 removed (was CALLLOG 'history')",
                     "key 5 removed (was ONETOUCH 'call boss' 065432368)"]
    bob_changes = ["key 1 added: LINE '' bob", "key 5 added: CALLLOG 'history foogroup'"]
    assert result == {
        "changed": True, "failed": False, "msg": "2 users: 2 changed, 0 unchanged",
        "counts": {"total": 2, "changed": 2, "failed": 0, "skipped": 0, "unchanged": 0},
        "results": [
            entry("alice", failed=False, changed=True, changes=alice_changes,
                  msg="user alice (foo/foogroup): " + "; ".join(alice_changes),
                  previous={"device_type": HDV230, "device_name": "DP_alice", "buttons": SEED_KEYS},
                  current={"device_type": HDV230, "device_name": "DP_alice", "buttons": alice}),
            entry("bob", failed=False, changed=True, changes=bob_changes,
                  msg="user bob (foo/foogroup): " + "; ".join(bob_changes),
                  previous={"device_type": "Small Phone", "device_name": "DP_bob", "buttons": []},
                  current={"device_type": "Small Phone", "device_name": "DP_bob", "buttons": bob}),
        ]}


def test_the_jinja_context_has_the_user_and_the_merged_vars(server, apio):
    apio.add("alice@sip.example.com", group="g1")
    templates = {"ctx": {HDV230: [{"id": 7, "type": "LINE", "parameter": "l", "label": (
        "{{ phone_buttons_user.tenant }}|{{ phone_buttons_user.group }}|{{ phone_buttons_user.user }}|"
        "{{ phone_buttons_user.template }}|{{ phone_buttons_user.device_type }}|"
        "{{ phone_buttons_user.vars | dictsort }}|{{ reception }}|{{ floor }}")}]}}
    result = rollout(dict(apio.args, templates=templates, template="ctx", tenant="foo", group="g1",
                          vars={"reception": "1000", "floor": "1"},
                          batch=[{"user": "alice@sip.example.com", "vars": {"floor": "2"}}]))
    label = "foo|g1|alice@sip.example.com|ctx|%s|[('floor', '2'), ('reception', '1000')]|1000|2" % HDV230
    assert result["counts"] == {"total": 1, "changed": 1, "failed": 0, "skipped": 0, "unchanged": 0}
    assert put_bodies(server) == {BUTTONS.format("g1", "alice%40sip.example.com"): {
        "keys": [{"id": 7, "type": "LINE", "label": label, "parameter": "l"}]}}


def test_the_single_form(server, apio):
    apio.add("alice")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", user="alice"), diff=True)
    assert result == {
        "changed": True, "failed": False,
        "msg": "user alice (foo/foogroup): key 1 added: LINE '' alice; key 2 added: DIRECT_CALL 'Reception' 1000",
        "changes": ["key 1 added: LINE '' alice", "key 2 added: DIRECT_CALL 'Reception' 1000"],
        "previous": {"device_type": HDV230, "device_name": "DP_alice", "buttons": []},
        "current": {"device_type": HDV230, "device_name": "DP_alice", "buttons": alice_keys()},
        "diff": {"before_header": "user alice (foo/foogroup)", "after_header": "user alice (foo/foogroup)",
                 "before": {"device_type": HDV230, "buttons": {}},
                 "after": {"device_type": HDV230, "buttons": {"01": "LINE '' alice",
                                                              "02": "DIRECT_CALL 'Reception' 1000"}}}}
    assert server.sent("PUT") == [("PUT", BUTTONS.format("foogroup", "alice"))]


def test_overrides_of_a_user_are_merged_into_the_template(server, apio):
    apio.add("alice")
    batch = [{"user": "alice", "keys": [{"id": 2, "state": "absent"}, {"id": 1, "label": "me"},
                                        {"id": 6, "type": "CALLLOG", "label": "{{ reception }} calls"}]}]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=batch))
    assert result["counts"]["changed"] == 1
    assert put_bodies(server) == {BUTTONS.format("foogroup", "alice"): {"keys": [
        {"id": 1, "type": "LINE", "label": "me", "parameter": "alice"},
        {"id": 6, "type": "CALLLOG", "label": "1000 calls", "parameter": ""}]}}


def test_ansible_builtin_filters_in_the_action_plugins_resource(server, apio):
    apio.add("alice@sip.example.com")
    templates = {"t": {HDV230: [{"id": 1, "type": "LINE", "label": "{{ phone_buttons_user.user | regex_replace('@.*', '') }}",
                                 "parameter": "{{ phone_buttons_user.user | hash('md5') | truncate(8, True, '') }}"}]}}
    result = rollout(dict(apio.args, templates=templates, template="t", tenant="foo", group="foogroup",
                          user="alice@sip.example.com"), resource=Rollout)
    digest = hashlib.md5(b"alice@sip.example.com").hexdigest()[:8]
    assert result["current"]["buttons"] == [{"id": 1, "type": "LINE", "label": "alice", "parameter": digest}]


@pytest.mark.parametrize("purge, keys", [
    (True, alice_keys()),
    (False, alice_keys() + SEED_KEYS),
])
def test_purge(server, apio, purge, keys):
    apio.add("alice", keys=SEED_KEYS)
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", user="alice", purge=purge))
    assert result["current"]["buttons"] == keys
    assert put_bodies(server) == {BUTTONS.format("foogroup", "alice"): {"keys": keys}}


def test_purge_false_keeps_the_phones_key_and_overrides_the_template_s_id(server, apio):
    apio.add("alice", keys=[{"id": 2, "type": "CALLLOG", "label": "mine"}, {"id": 9, "type": "CALLLOG", "label": "x"}])
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", user="alice", purge=False))
    assert result["changes"] == ["key 1 added: LINE '' alice",
                                 "key 2 type 'CALLLOG' -> 'DIRECT_CALL', label 'mine' -> 'Reception', "
                                 "parameter '' -> '1000'"]
    assert [k["id"] for k in result["current"]["buttons"]] == [1, 2, 9]


# -- four steps: check, apply, check again, apply again ----------------------------------------------

def test_check_apply_and_the_steady_state(server, apio):
    apio.add("alice", keys=SEED_KEYS)
    apio.add("bob", device_type="Small Phone")
    apio.add("carol")
    args = dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": u} for u in ("alice", "bob", "carol")],
                parallel=4)

    check = rollout(args, check=True, diff=True)
    assert (check["changed"], check["counts"]) == (True, {"total": 3, "changed": 3, "failed": 0, "skipped": 0,
                                                          "unchanged": 0})
    assert [d["before_header"] for d in check["diff"]] == ["user alice (foo/foogroup)", "user bob (foo/foogroup)",
                                                           "user carol (foo/foogroup)"]
    assert check["results"][2]["current"]["buttons"] == alice_keys(user="carol")
    assert server.sent("PUT") == []  # check mode writes nothing

    apply = rollout(args)
    assert (apply["changed"], apply["msg"]) == (True, "3 users: 3 changed, 0 unchanged")
    assert sorted(server.sent("PUT")) == [("PUT", BUTTONS.format("foogroup", u)) for u in ("alice", "bob", "carol")]

    del server.requests[:]
    again = rollout(args, check=True)
    assert (again["changed"], again["msg"], again["results"]) == (False, "3 users: 0 changed, 3 unchanged", [])
    last = rollout(args)
    assert (last["changed"], last["failed"]) == (False, False)
    assert last["counts"] == {"total": 3, "changed": 0, "failed": 0, "skipped": 0, "unchanged": 3}
    # the steady state: one GET per user and run, no phone type, no listing, no write
    assert sorted(server.sent()) == sorted([("GET", BUTTONS.format("foogroup", u)) for u in ("alice", "bob", "carol")] * 2)


def test_return_unchanged_lists_the_steady_users(server, apio):
    apio.add("alice", keys=alice_keys())
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "alice"}], return_unchanged=True))
    assert result["results"] == [entry("alice", failed=False, changed=False, changes=[], msg="user alice (foo/foogroup): no change",
                                       previous={"device_type": HDV230, "device_name": "DP_alice", "buttons": alice_keys()},
                                       current={"device_type": HDV230, "device_name": "DP_alice", "buttons": alice_keys()})]
    assert server.sent() == [("GET", BUTTONS.format("foogroup", "alice"))]


# -- users without a phone ---------------------------------------------------------------------------

def test_a_user_without_a_phone_in_the_group_listing_is_skipped(server, apio):
    apio.add("alice")
    apio.add_without_phone("carol")
    apio.add_without_phone("dave")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": u} for u in ("carol", "alice", "dave")]))
    assert server.sent() == [
        ("GET", BUTTONS.format("foogroup", "carol")), ("GET", LISTING.format("foogroup")),
        ("GET", BUTTONS.format("foogroup", "alice")), ("GET", HDV230_TYPE),
        ("GET", BUTTONS.format("foogroup", "dave")),  # the listing is read once per group
        ("PUT", BUTTONS.format("foogroup", "alice")),
    ]
    skipped = dict(failed=False, changed=False, skipped="no_phone", status="no_phone", template="standard",
                   device_type=None)
    assert result["results"] == [
        entry("carol", msg="user carol (foo/foogroup): has no phone", reason="user carol (foo/foogroup): has no phone", **skipped),
        result["results"][1],
        entry("dave", msg="user dave (foo/foogroup): has no phone", reason="user dave (foo/foogroup): has no phone", **skipped),
    ]
    assert result["results"][1]["user"] == "alice"
    assert (result["changed"], result["failed"], result["msg"]) == (True, False, "3 users: 1 changed, 0 unchanged, 2 skipped")
    assert result["counts"] == {"total": 3, "changed": 1, "failed": 0, "skipped": 2, "unchanged": 0}


def test_the_listing_is_read_once_per_group_with_parallel_reads(server, apio):
    for n in range(6):
        apio.add_without_phone("nophone%d" % n)
        apio.add_without_phone("other%d" % n, group="g2")
    batch = [{"user": "nophone%d" % n} for n in range(6)] + [{"user": "other%d" % n, "group": "g2"} for n in range(6)]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=batch, parallel=12))
    assert result["counts"] == {"total": 12, "changed": 0, "failed": 0, "skipped": 12, "unchanged": 0}
    assert sorted(p for m, p in server.sent() if not p.endswith("/phone_buttons/")) == [
        LISTING.format("foogroup"), LISTING.format("g2")]
    assert result["msg"] == "12 users: 0 changed, 0 unchanged, 12 skipped"


def test_no_listing_without_a_404(server, apio):
    apio.add("alice", keys=alice_keys())
    apio.add("bob", keys=alice_keys(user="bob"))
    rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "alice"}, {"user": "bob"}]))
    assert server.sent() == [("GET", BUTTONS.format("foogroup", "alice")), ("GET", BUTTONS.format("foogroup", "bob"))]


def test_the_listing_has_no_operator_segment(server, apio):
    apio.add_without_phone("carol")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", operator="telenet", batch=[{"user": "carol"}]))
    assert server.sent() == [("GET", "/api/v1/telenet/tenants/foo/groups/foogroup/users/carol/access_device/phone_buttons/"),
                             ("GET", LISTING.format("foogroup"))]
    assert result["results"][0]["skipped"] == "no_phone"


@pytest.mark.parametrize("device_type", [None, "Generic SIP Phone"])
def test_the_single_form_of_a_skipped_user(server, apio, device_type):
    if device_type:
        apio.add("carol", device_type=device_type)
    else:
        apio.add_without_phone("carol")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", user="carol"))
    message = "user carol (foo/foogroup): " + ("has no phone" if device_type is None else NO_LAYOUT)
    assert (result["changed"], result["failed"], result["msg"]) == (False, False, message)
    assert server.sent("PUT") == []


def test_an_unknown_user_is_invalid_and_blocks_every_write(server, apio):
    apio.add("alice")
    apio.add_without_phone("carol")
    batch = [{"user": "alice"}, {"user": "ghost"}, {"user": "carol"}]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=batch))
    assert server.sent("PUT") == []
    assert server.sent() == [("GET", BUTTONS.format("foogroup", "alice")), ("GET", HDV230_TYPE),
                             ("GET", BUTTONS.format("foogroup", "ghost")), ("GET", LISTING.format("foogroup")),
                             ("GET", BUTTONS.format("foogroup", "carol"))]
    assert result["failed"] is True
    assert result["msg"] == (nothing_written(1, 3)
                             + "user ghost (foo/foogroup): " + NOT_FOUND_MSG)
    assert result["counts"] == {"total": 3, "changed": 0, "failed": 1, "skipped": 1, "unchanged": 0, "not_written": 1}
    assert result["results"][1] == entry("ghost", failed=True, changed=False, invalid=True, status=404,
                                         msg="user ghost (foo/foogroup): " + NOT_FOUND_MSG)
    assert result["results"][0]["blocked"] is True
    assert result["results"][0]["msg"] == ("user alice (foo/foogroup): not written (another user is not valid): "
                                           "key 1 added: LINE '' alice; key 2 added: DIRECT_CALL 'Reception' 1000")
    assert result["results"][2]["skipped"] == "no_phone"


def test_a_user_without_a_phone_in_another_group_s_listing_is_unknown(server, apio):
    apio.add_without_phone("carol", group="g2")
    apio.members[("foo", "foogroup")] = ["alice"]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "carol"}]))
    assert result["results"] == [entry("carol", failed=True, changed=False, invalid=True, status=404,
                                       msg="user carol (foo/foogroup): GET phone buttons failed: HTTP 404: "
                                           "the user has no phone linked to him")]


@pytest.mark.parametrize("answer", [
    (404, {"errors": [{"message": "group not found"}]}),
    (403, {"errors": [{"message": "permission denied"}]}),
    (200, {"users": "carol"}),
    (200, {"users": None}),
    (200, {"groups": []}),
])
def test_a_group_that_cannot_be_listed_makes_the_user_unknown(server, apio, answer):
    apio.add_without_phone("carol")
    apio.listing_answer[("foo", "foogroup")] = answer
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "carol"}]))
    assert result["failed"] is True
    assert result["results"] == [entry("carol", failed=True, changed=False, invalid=True, status=404,
                                       msg="user carol (foo/foogroup): GET phone buttons failed: HTTP 404: "
                                           "the user has no phone linked to him")]


def test_a_listing_that_is_not_an_object_makes_the_user_unknown(server, apio):
    apio.add_without_phone("carol")
    apio.listing_answer[("foo", "foogroup")] = (200, [{"userId": "carol"}])
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "carol"}]))
    assert result["results"][0]["invalid"] is True


def test_on_missing_fail_makes_a_user_without_a_phone_invalid(server, apio):
    apio.add("alice")
    apio.add_without_phone("carol")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", on_missing="fail",
                          batch=[{"user": "alice"}, {"user": "carol"}]))
    assert server.sent("PUT") == []
    assert result["msg"] == (nothing_written(1, 2)
                             + "user carol (foo/foogroup): has no phone")
    assert result["results"][1] == entry("carol", failed=True, changed=False, invalid=True, status=None,
                                         msg="user carol (foo/foogroup): has no phone")
    assert result["counts"] == {"total": 2, "changed": 0, "failed": 1, "skipped": 0, "unchanged": 0, "not_written": 1}


# -- phone types without a layout, templates and rendering -------------------------------------------

NO_LAYOUT = ("template 'standard' has no layout for phone type 'Generic SIP Phone' "
             "(it has: Small Phone, Telenet-Panasonic-KX-HDV230)")


def test_a_phone_type_without_a_layout_is_skipped(server, apio):
    apio.add("alice")
    apio.add("gina", device_type="Generic SIP Phone")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "gina"}, {"user": "alice"}]))
    assert result["results"][0] == entry(
        "gina", failed=False, changed=False, skipped="no_template", status="no_template", template="standard",
        device_type="Generic SIP Phone", msg="user gina (foo/foogroup): " + NO_LAYOUT, reason="user gina (foo/foogroup): " + NO_LAYOUT)
    assert (result["failed"], result["msg"]) == (False, "2 users: 1 changed, 0 unchanged, 1 skipped")
    assert result["counts"] == {"total": 2, "changed": 1, "failed": 0, "skipped": 1, "unchanged": 0}
    assert server.sent("PUT") == [("PUT", BUTTONS.format("foogroup", "alice"))]
    assert PHONE_TYPE.format("Generic%20SIP%20Phone") not in [p for m, p in server.sent()]


def test_on_missing_fail_makes_a_phone_type_without_a_layout_invalid(server, apio):
    apio.add("alice")
    apio.add("gina", device_type="Generic SIP Phone")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", on_missing="fail",
                          batch=[{"user": "gina"}, {"user": "alice"}]))
    assert server.sent("PUT") == []
    assert result["failed"] is True
    assert result["msg"] == (nothing_written(1, 2)
                             + "user gina (foo/foogroup): " + NO_LAYOUT)
    assert result["results"][0] == entry("gina", failed=True, changed=False, invalid=True, status=None,
                                         msg="user gina (foo/foogroup): " + NO_LAYOUT,
                                         previous={"device_type": "Generic SIP Phone", "device_name": "DP_gina",
                                                   "buttons": []})


def test_an_unknown_template_is_invalid(server, apio):
    apio.add("alice")
    apio.add("bob")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "alice"},
                                                                            {"user": "bob", "template": "premium"}]))
    assert server.sent("PUT") == []
    assert result["msg"] == (nothing_written(1, 2)
                             + "user bob (foo/foogroup): template 'premium' does not exist (templates: minimal, standard)")
    assert result["results"][1]["invalid"] is True


def test_a_rendering_error_is_invalid_and_names_the_key_and_the_field(server, apio):
    apio.add("alice")
    apio.add("bob")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", vars={},
                          batch=[{"user": "alice", "vars": {"reception": "1000"}}, {"user": "bob"}]))
    assert server.sent("PUT") == []
    assert result["msg"] == (nothing_written(1, 2)
                             + "user bob (foo/foogroup): key 2 parameter: 'reception' is undefined")
    assert result["results"][1] == entry("bob", failed=True, changed=False, invalid=True, status=None,
                                         msg="user bob (foo/foogroup): key 2 parameter: 'reception' is undefined",
                                         previous={"device_type": HDV230, "device_name": "DP_bob", "buttons": []})


@pytest.mark.parametrize("override, message", [
    ({"id": 2, "colour": "red"}, "key overrides: key 2 has unknown fields colour"),
    ({"id": 8, "label": "x"}, "key 8 has no type"),
    ({"id": 3, "type": "SPEEDDIAL", "label": "x", "parameter": "1"},
     "key 3: type 'SPEEDDIAL' is not available on phone type 'Telenet-Panasonic-KX-HDV230' "
     "(available: BLF, CALLLOG, DIRECT_CALL, LINE, ONETOUCH)"),
    ({"id": 30, "type": "CALLLOG"},
     "key 30: id 30 is not a programmable key of phone type 'Telenet-Panasonic-KX-HDV230' (keys 1 to 24)"),
    ({"id": 2, "parameter": ""}, "key 2: type DIRECT_CALL needs a parameter (PhoneNumber)"),
])
def test_a_layout_the_phone_type_refuses_is_invalid(server, apio, override, message):
    apio.add("alice")
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "alice", "keys": [override]}]))
    assert server.sent("PUT") == []
    assert result["results"][0]["msg"] == "user alice (foo/foogroup): " + message
    assert result["results"][0]["invalid"] is True


def test_a_python_error_while_rendering_is_invalid(server, apio):
    apio.add("alice")
    templates = {"t": {HDV230: [{"id": 2, "type": "DIRECT_CALL", "label": "R", "parameter": "{{ reception + 1 }}"}]}}
    result = rollout(dict(apio.args, templates=templates, template="t", tenant="foo", group="foogroup",
                          batch=[{"user": "alice"}]))
    assert result["results"][0]["msg"] == ('user alice (foo/foogroup): key 2 parameter: '
                                           'can only concatenate str (not "int") to str')
    assert server.sent("PUT") == []


def test_on_invalid_skip_writes_the_valid_users(server, apio):
    apio.add("alice")
    apio.add("bob")
    apio.add_without_phone("carol")
    batch = [{"user": "alice"}, {"user": "ghost"}, {"user": "bob", "vars": {"reception": "{{"}, "keys": [
        {"id": 2, "parameter": "{{ nope }}"}]}, {"user": "carol"}]
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=batch, on_invalid="skip"))
    assert server.sent("PUT") == [("PUT", BUTTONS.format("foogroup", "alice"))]
    assert result["failed"] is True and result["changed"] is True
    assert result["msg"] == ("2 of 4 users failed (1 changed, 0 unchanged): user ghost (foo/foogroup): " + NOT_FOUND_MSG
                             + "; user bob (foo/foogroup): key 2 parameter: 'nope' is undefined")
    assert result["counts"] == {"total": 4, "changed": 1, "failed": 2, "skipped": 1, "unchanged": 0}


def test_the_report_lists_the_skipped_users(server, apio, tmp_path):
    apio.add("alice")
    apio.add_without_phone("carol")
    report = tmp_path / "out" / "rollout.json"
    result = rollout(dict(apio.args, tenant="foo", group="foogroup", batch=[{"user": "alice"}, {"user": "carol"}],
                          report=str(report)), check=True)
    written = json.loads(report.read_text())
    assert written["skipped"] == ["user carol (foo/foogroup): has no phone"]
    assert written["counts"] == result["counts"] == {"total": 2, "changed": 1, "failed": 0, "skipped": 1, "unchanged": 0}
    assert written["check_mode"] is True
    assert [e["user"] for e in written["changes"]] == ["alice"]
    assert server.sent("PUT") == []
