"""Bad input is refused before the first write, with a message naming the user and the field, never a
traceback. Property-based (hypothesis) with the modules run in this process against the simulator, plus
real playbook runs."""

import re

import pytest
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_primary_line,
    apio_softphone,
)
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import KEY_FIELDS
from support.playbook import ADMIN, PORTAL_CLIENT
from tools.simlog import writes

from .common import CUSTOMER, FOOUSER

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
ROUTE = "/access_device/phone_buttons/"

# Three seed users, one per phone type: 1..24 keys, 1..16 keys with labels ignored on LINE, 1..12 keys.
USERS = ["foouser", "alice@sip.example.com", "bob+1@sip.example.com"]
KEY_TYPES = ["CALLLOG", "DIRECT_CALL", "LINE", "BLF", "ONETOUCH", "DND_TOGGLE", "CALLPICKUP", "BLF_LIST",
             "GROUP_LISTENING", "NOPE", ""]


# -- the oracle: the rules of docs/api.md (2.4, 2.5), applied to the phone types the simulator serves

class Rules:
    def __init__(self, phone_type):
        fastkeys = (phone_type.get("capabilities") or {}).get("fastkeys") or {}
        self.types = {t["name"]: t for t in fastkeys.get("available_types") or []}
        self.managed = set(fastkeys.get("managed_keys", range(1, 25)))

    def problems(self, key):
        """The fields of one desired key that the phone type refuses."""
        found = set()
        if key["id"] not in self.managed:
            found.add("id")
        rule = self.types.get(key["type"])
        if rule is None:
            found.add("type")
        else:
            if bool(rule.get("parameterType")) != bool(key["parameter"]):
                found.add("parameter")  # missing where needed, or given where the type takes none
            if rule.get("labelRequired") and not rule.get("labelIgnored") and not key["label"]:
                found.add("label")
        return found

    def stored(self, key):
        """The key as the phone keeps it: no label where labels are ignored, no parameter where none is taken."""
        rule = self.types.get(key["type"], {})
        return dict(key, label="" if rule.get("labelIgnored") else key["label"],
                    parameter=key["parameter"] if rule.get("parameterType") else "")


def as_int(value):
    if isinstance(value, bool) or value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None


def judge(item, rules, current):
    """('invalid', fields) or ('valid', final keys by id, noop) for one batch item on a phone."""
    state, purge = item.get("state", "present"), item.get("purge", False)
    if state not in ("present", "absent"):
        return "invalid", {"state"}
    fields = set()
    for key in item["keys"]:
        fields |= set(key) - set(KEY_FIELDS)
        if as_int(key.get("id")) is None:
            fields.add("id")
    if fields:
        return "invalid", fields
    if state == "absent" and purge:
        return "invalid", {"purge"}
    listed = {}
    for key in item["keys"]:
        key_id = as_int(key["id"])
        if key_id in listed:
            fields.add("id")
        listed[key_id] = {"id": key_id, "type": key.get("type") or "", "label": key.get("label") or "",
                          "parameter": key.get("parameter") or ""}
        if state == "present" and not listed[key_id]["type"]:
            fields.add("type")
    if fields:
        return "invalid", fields
    desired = {} if purge else dict(current)
    for key_id, key in listed.items():
        if state == "absent":
            desired.pop(key_id, None)
        else:
            desired[key_id] = key
    if state == "present" and desired != current:
        problems = set().union(*(rules.problems(k) for k in listed.values()))
        if problems:
            return "invalid", problems
    final = {i: rules.stored(k) for i, k in desired.items()}
    # Unchanged keys are never checked against the phone type: a parameter on a type that takes none
    # can only pass when the phone already holds the key exactly so.
    clean = all(rules.types.get(k["type"], {}).get("parameterType") or not k["parameter"]
                for k in listed.values())
    return "valid", final, clean


def names(msg, field):
    return re.search(r"\b%s\b" % re.escape(field), msg) is not None


# -- strategies ------------------------------------------------------------------------------------

def often(draw, common, rare, one_in=8):
    """A value from ``common``, or now and then (one time in ``one_in``) from ``rare``."""
    return draw(rare if not draw(st.integers(0, one_in - 1)) else common)


@st.composite
def key(draw):
    found = {}
    if draw(st.integers(0, 40)):  # id left out now and then
        found["id"] = often(draw, st.integers(1, 12), st.one_of(st.integers(-2, 30), st.sampled_from(["4", "abc", None])))
    if draw(st.integers(0, 20)):
        found["type"] = often(draw, st.sampled_from(KEY_TYPES[:-2]), st.sampled_from(["NOPE", "", None, "calllog"]))
    for field, values in (("label", ["", "Rec", "x y", "\u00e9t\u00e9"]), ("parameter", ["", "1000", "carol"])):
        if draw(st.booleans()):
            found[field] = draw(st.one_of(st.sampled_from(values), st.none()))
    if not draw(st.integers(0, 80)):
        found["colour"] = "red"  # not an option of a key
    return found


@st.composite
def buttons_batch(draw):
    users = draw(st.lists(st.sampled_from(USERS), min_size=1, max_size=3, unique=True))
    items = []
    for user in users:
        item = {"user": user, "keys": draw(st.lists(key(), max_size=4))}
        if draw(st.booleans()):
            item["purge"] = draw(st.booleans())
        if draw(st.booleans()):
            item["state"] = draw(st.sampled_from(["present", "absent", "absent", "gone"]))
        items.append(item)
    return items


@pytest.fixture(scope="module")
def seed_view(simulator):
    simulator.reset(state=True)
    state = simulator.state()
    rules = {p["technical_name"]: Rules(p) for p in state["apio"]["phone_types"]}
    phones = {}
    for user in USERS:
        device = simulator.user("foo", "foogroup", user)["device"]
        phones[user] = (rules[device["deviceType"]], {k["id"]: k for k in device["keys"]})
    return phones


@SETTINGS
@given(batch=buttons_batch(), on_invalid=st.sampled_from([None, "skip"]))
def test_phone_buttons_bad_keys_are_refused_before_any_write(simulator, module, seed_view, batch, on_invalid):
    sim = simulator
    sim.reset(state=True)
    args = dict(ADMIN, url=sim.url, tenant="foo", group="foogroup", batch=batch)
    if on_invalid is not None:
        args["on_invalid"] = on_invalid
    result = module(apio_phone_buttons.main, args)
    log = sim.requests()
    entries = {r["user"]: r for r in result.get("results", [])}
    verdicts = {item["user"]: judge(item, *seed_view[item["user"]]) for item in batch}
    failed = sum(1 for v in verdicts.values() if v[0] == "invalid")
    # By default (on_invalid=abort) one invalid user blocks every write of the task; with on_invalid=skip
    # the valid users are written all the same.
    blocking = failed > 0 and on_invalid != "skip"
    outcome = "no invalid user" if not failed else "nothing written" if blocking else "valid users written"
    event("on_invalid=%s: %s" % (on_invalid or "default", outcome))

    for user, verdict in verdicts.items():
        event("%s: %s" % (verdict[0], ", ".join(sorted(verdict[1])) if verdict[0] == "invalid" else "ok"))
        final = {k["id"]: k for k in sim.user("foo", "foogroup", user)["device"]["keys"]}
        entry = entries.get(user)
        if verdict[0] == "invalid":
            assert entry is not None and entry["failed"], (user, verdict, result)
            assert entry["invalid"] is True, entry
            assert entry["msg"].startswith("user %s (foo/foogroup)" % user), entry["msg"]
            assert any(names(entry["msg"], field) for field in verdict[1]), (verdict[1], entry["msg"])
            assert "Traceback" not in entry["msg"]
            assert final == seed_view[user][1], "a refused user was changed"
            assert not [w for w in writes(log) if "/users/%s/" % user.replace("@", "%40").replace("+", "%2B")
                        in w["path"]], "a refused user was written"
        else:
            unused_kind, expected, clean = verdict
            assert entry is None or not entry["failed"], entry["msg"]
            if blocking:
                assert final == seed_view[user][1], "a valid user was written next to an invalid one"
                if entry is not None:
                    assert (entry["changed"], entry["blocked"]) == (False, True), entry
                    assert entry["msg"].startswith("user %s (foo/foogroup): not written (another user is not valid): "
                                                   % user), entry["msg"]
            else:
                assert final == expected
                assert entry is None or "blocked" not in entry, entry
            if clean:
                assert (user in entries) == (expected != seed_view[user][1]), "changed is wrong"

    # Every read and every check happened before the first write; the server never had to refuse a
    # write (a 400 there would be input that the module let through).
    gets = [r["seq"] for r in log if r["method"] == "GET"]
    puts = list(writes(log))
    if blocking:
        assert puts == [], "a write was sent next to an invalid user"
    if puts:
        assert max(gets) < min(r["seq"] for r in puts)
    assert all(r["status"] == 200 for r in puts), [(r["path"], r["status"]) for r in puts]
    assert_batch_outcome(result, entries, failed, len(batch), blocking)


def assert_batch_outcome(result, entries, failed, total, blocking):
    """The task's counts and message: failed users counted; with a blocking invalid user, nothing changed
    and the message says so, with the users held back."""
    assert result["failed"] is (failed > 0)
    assert result["counts"]["failed"] == failed
    not_written = sorted(u for u, r in entries.items() if r.get("blocked"))
    assert result["counts"].get("not_written") == (len(not_written) or None)
    if blocking:
        assert (result["changed"], result["counts"]["changed"]) == (False, 0)
        head = "nothing was written: %d of %d users not valid" % (failed, total)
        if not_written:
            head += ", %s held back" % ("1 user that differs" if len(not_written) == 1
                                        else "%d users that differ" % len(not_written))
        assert result["msg"].startswith(head + ": "), result["msg"]


# -- softphone ------------------------------------------------------------------------------------

DEVICES = ["dev-desk-1", "dev-desk-2", "dev-mob-1"]


@st.composite
def softphone_batch(draw):
    users = draw(st.lists(st.sampled_from(["jdoe", "jane"]), min_size=1, max_size=2, unique=True))
    items = []
    for user in users:
        item = {"user": user, "device": draw(st.sampled_from(DEVICES + ["dev-x-1", "nope", "DEV-DESK-1"]))}
        if draw(st.integers(0, 5)):
            item["client_type"] = draw(st.sampled_from(["desktop", "mobile", "webrtc", "crm", "Desktop", "fax",
                                                        None]))
        if draw(st.booleans()):
            item["state"] = draw(st.sampled_from(["present", "absent", "off"]))
        if draw(st.booleans()):
            item["accept_charges"] = draw(st.sampled_from([True, False, "yes", "maybe"]))
        items.append(item)
    return items


def judge_softphone(item, devices):
    fields = set()
    state = item.get("state", "present")
    client_type = item.get("client_type")
    if "client_type" in item and client_type not in ("desktop", "mobile", "webrtc", "crm"):
        fields.add("client_type")  # an explicit null is refused too, as by any option with choices
    if state not in ("present", "absent"):
        fields.add("state")
    if item.get("accept_charges", False) not in (True, False, "yes"):
        fields.add("accept_charges")
    if fields:
        return "invalid", fields
    if item["device"] not in devices:
        return "invalid", {"device"}
    if state == "present" and client_type is None:
        return "invalid", {"client_type"}
    final = dict(devices)
    if state == "present":
        for device, held in devices.items():
            if held == client_type:
                final[device] = None
        final[item["device"]] = client_type
    elif client_type is None or devices[item["device"]] == client_type:
        final[item["device"]] = None
    return "valid", final


@SETTINGS
@given(batch=softphone_batch(), jane_desk=st.sampled_from([None, "desktop", "mobile"]),
       on_invalid=st.sampled_from([None, "skip"]))
def test_softphone_bad_options_are_refused_before_any_write(simulator, module, batch, jane_desk, on_invalid):
    sim = simulator
    sim.reset(state=True)
    jane = {"roles": ["customer.user.uc", "customer.user.uc.softphone"],
            "devices": [{"id": d, "name": d, "clientType": jane_desk if d == "dev-desk-1" else None}
                        for d in DEVICES]}
    sim.set_portal_user(CUSTOMER, "jane", jane)
    before = {u: {d["id"]: d["clientType"] for d in sim.portal_user(CUSTOMER, u)["devices"]} for u in ("jdoe", "jane")}
    args = dict(PORTAL_CLIENT, portal_url=sim.url, customer=CUSTOMER, batch=batch)
    if on_invalid is not None:
        args["on_invalid"] = on_invalid
    result = module(apio_softphone.main, args)
    log = sim.requests()
    entries = {r["user"]: r for r in result.get("results", [])}
    verdicts = {item["user"]: judge_softphone(item, before[item["user"]]) for item in batch}
    failed = sum(1 for v in verdicts.values() if v[0] == "invalid")
    # By default (on_invalid=abort) one invalid user blocks every write of the task; with on_invalid=skip
    # the valid users are written all the same.
    blocking = failed > 0 and on_invalid != "skip"
    outcome = "no invalid user" if not failed else "nothing written" if blocking else "valid users written"
    event("on_invalid=%s: %s" % (on_invalid or "default", outcome))
    for user, verdict in verdicts.items():
        event("%s: %s" % (verdict[0], ", ".join(sorted(verdict[1])) if verdict[0] == "invalid" else "ok"))
        after = {d["id"]: d["clientType"] for d in sim.portal_user(CUSTOMER, user)["devices"]}
        entry = entries.get(user)
        if verdict[0] == "invalid":
            assert entry is not None and entry["failed"], (verdict, result)
            assert entry["invalid"] is True, entry
            assert entry["msg"].startswith("user %s (customer %s)" % (user, CUSTOMER)), entry["msg"]
            assert any(names(entry["msg"], field) for field in verdict[1]), (verdict[1], entry["msg"])
            assert after == before[user]
            assert not [w for w in writes(log) if "/users/%s/" % user in w["path"]]
        else:
            assert entry is None or not entry["failed"], entry["msg"]
            if blocking:
                assert after == before[user], "a valid user was written next to an invalid one"
                assert (entry is not None) == (verdict[1] != before[user]), (verdict, entry)
                if entry is not None:
                    assert (entry["changed"], entry["blocked"]) == (False, True), entry
                    assert entry["msg"].startswith("user %s (customer %s): not written (another user is not "
                                                   "valid): " % (user, CUSTOMER)), entry["msg"]
            else:
                assert after == verdict[1]
                assert entry is None or "blocked" not in entry, entry
    puts = writes(log)
    if blocking:
        assert puts == [], "a write was sent next to an invalid user"
    if puts:
        assert max(r["seq"] for r in log if r["method"] == "GET") < min(r["seq"] for r in puts)
    assert all(r["status"] == 201 for r in puts)
    assert_batch_outcome(result, entries, failed, len(batch), blocking)


# -- primary line and the module-wide options -----------------------------------------------------

@pytest.mark.parametrize("value, valid", [(True, True), ("yes", True), ("off", True), (1, True), (0, True),
                                          ("maybe", False), (2, False), (None, False), ("", False), ([], False)])
def test_primary_line_value_is_a_boolean_or_refused(sim, module, value, valid):
    batch = [{"user": "foouser", "primary": value}, {"user": "alice@sip.example.com", "primary": True}]
    args = dict(ADMIN, url=sim.url, tenant="foo", group="foogroup", batch=batch)
    result = module(apio_primary_line.main, args)
    entries = {r["user"]: r for r in result["results"]}
    entry = entries.get("foouser")
    if valid:
        assert result["failed"] is False, result["msg"]
    else:
        assert entry["failed"] and entry["msg"].startswith("user foouser (foo/foogroup) (batch[0]): ")
        assert names(entry["msg"], "primary"), entry["msg"]
        assert entry["invalid"] is True
        # The invalid user blocks the write of the valid one.
        assert result["msg"] == "nothing was written: 1 of 2 users not valid, 1 user that differs held back: " + (
            entry["msg"])
        assert result["counts"] == {"total": 2, "changed": 0, "unchanged": 0, "failed": 1, "not_written": 1}
        alice = entries["alice@sip.example.com"]
        assert (alice["changed"], alice["failed"], alice["blocked"]) == (False, False, True)
        assert alice["msg"] == ("user alice@sip.example.com (foo/foogroup): not written (another user is not valid): "
                                "primary line port false -> true")
        assert writes(sim.requests()) == []
        assert sim.user("foo", "foogroup", "alice@sip.example.com")["device"]["primaryLinePort"] is False
        # With on_invalid=skip, the valid user is written all the same.
        sim.reset()
        skipped = module(apio_primary_line.main, dict(args, on_invalid="skip"))
        assert skipped["failed"] is True
        assert skipped["counts"] == {"total": 2, "changed": 1, "unchanged": 0, "failed": 1}
        assert skipped["msg"] == "1 of 2 users failed (1 changed, 0 unchanged): " + entry["msg"]
        assert [w["path"] for w in writes(sim.requests())] == [
            "/api/v1/tenants/foo/groups/foogroup/users/alice%40sip.example.com/access_device/primary_line_port/"]
        assert sim.user("foo", "foogroup", "alice@sip.example.com")["device"]["primaryLinePort"] is True


@pytest.mark.parametrize("options, field", [
    ({"parallel": 0}, "parallel"), ({"parallel": 65}, "parallel"), ({"parallel": "many"}, "parallel"),
    ({"retries": -1}, "retries"), ({"timeout": 0}, "timeout"), ({"timeout": "soon"}, "timeout"),
    ({"url": "apio.example.net"}, "url"), ({"url": "ftp://apio.example.net"}, "url"),
    ({"validate_certs": "perhaps"}, "validate_certs"), ({"batch": "alice"}, "batch"), ({"batch": [3]}, "batch"),
    ({"return_unchanged": "often"}, "return_unchanged"), ({"colour": "red"}, "colour"),
    ({"password": None}, "password"), ({"username": None, "password": None}, "token"),
    ({"user": "foouser"}, "batch"),
])
def test_bad_module_options_are_refused_before_any_request(sim, module, options, field):
    args = dict(ADMIN, url=sim.url, tenant="foo", group="foogroup", keys=[], batch=[{"user": "foouser"}])
    args.update(options)
    args = {k: v for k, v in args.items() if v is not None}
    result = module(apio_phone_buttons.main, args)
    assert result["failed"] is True
    assert names(result["msg"], field), result["msg"]
    assert sim.requests() == []


def test_bad_and_good_users_in_one_real_playbook(run_tasks, sim):
    keys = [{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}]
    options = {"tenant": "foo", "group": "foogroup", "keys": keys, "batch": [
        {"user": "foouser"},
        {"user": "alice@sip.example.com", "keys": [{"id": 17, "type": "DND_TOGGLE"}]},
        {"user": "bob+1@sip.example.com", "keys": [{"id": "six", "type": "DND_TOGGLE"}]},
        {"user": "carol@sip.example.com", "group": "othergroup", "state": "absent", "purge": True},
        {"user": "basic@sip.example.com", "keys": [{"id": 1, "type": "CALLLOG", "colour": "red"}]},
    ]}
    foouser = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"
    seed = sim.user("foo", "foogroup", "foouser")["device"]["keys"]

    # By default the bad users block every write, the good user's too.
    run = run_tasks([{"name": "batch", "telephony.apio.apio_phone_buttons": options}], diff=True, verbosity=2)
    result = run.result()
    assert run.rc != 0
    # No traceback anywhere; ansible 2.19 puts "(traceback unavailable)" in "exception" of any failure.
    assert "Traceback" not in run.output and "Traceback" not in run.raw_results
    assert result.get("exception", "(traceback unavailable)") == "(traceback unavailable)"
    assert "module_stderr" not in result
    assert result["changed"] is False
    assert result["counts"] == {"total": 5, "changed": 0, "unchanged": 0, "failed": 4, "not_written": 1}
    failed = {r["user"]: r["msg"] for r in result["results"] if r["failed"]}
    assert failed == {
        "alice@sip.example.com": "user alice@sip.example.com (foo/foogroup): key 17: id 17 is not a programmable key of "
                                 "phone type 'Yealink-T46S' (keys 1 to 16)",
        "bob+1@sip.example.com": failed["bob+1@sip.example.com"],
        "carol@sip.example.com": "user carol@sip.example.com (foo/othergroup): purge cannot be used with state=absent "
                                 "(to clear every key, use state=present, purge=true and keys=[])",
        "basic@sip.example.com": failed["basic@sip.example.com"],
    }
    assert failed["bob+1@sip.example.com"].startswith("user bob+1@sip.example.com (foo/foogroup) (batch[2]): ")
    assert names(failed["bob+1@sip.example.com"], "id")
    assert failed["basic@sip.example.com"].startswith("user basic@sip.example.com (foo/foogroup) (batch[4]): ")
    assert "colour" in failed["basic@sip.example.com"]
    assert all(r["invalid"] is True for r in result["results"] if r["failed"])
    assert result["msg"] == ("nothing was written: 4 of 5 users not valid, 1 user that differs held back: "
                             + "; ".join(r["msg"] for r in result["results"] if r["failed"]))
    for msg in failed.values():
        assert msg in result["msg"]
    assert [(r["user"], r["changed"], r.get("blocked")) for r in result["results"] if not r["failed"]] == [
        ("foouser", False, True)]
    assert result["diff"] == []
    assert writes(sim.requests()) == []
    assert sim.user("foo", "foogroup", "foouser")["device"]["keys"] == seed

    # With on_invalid=skip the good user is written and the bad ones are listed.
    sim.reset()
    run = run_tasks([{"name": "batch", "telephony.apio.apio_phone_buttons": dict(options, on_invalid="skip")}],
                    diff=True, verbosity=2)
    skipped = run.result()
    assert run.rc != 0
    assert "Traceback" not in run.output and "Traceback" not in run.raw_results
    assert skipped["counts"] == {"total": 5, "changed": 1, "unchanged": 0, "failed": 4}
    assert {r["user"]: r["msg"] for r in skipped["results"] if r["failed"]} == failed
    assert skipped["msg"] == "4 of 5 users failed (1 changed, 0 unchanged): " + "; ".join(
        r["msg"] for r in skipped["results"] if r["failed"])
    for msg in failed.values():
        assert msg in skipped["msg"]
    assert [w["path"] for w in writes(sim.requests())] == [foouser]
    assert sim.user("foo", "foogroup", "foouser")["device"]["keys"] == seed + [
        {"id": 6, "type": "DND_TOGGLE", "label": "dnd", "parameter": ""}]


@pytest.mark.parametrize("keys", [[{"id": "six", "type": "DND_TOGGLE"}], [{"type": "DND_TOGGLE"}],
                                  [{"id": 6, "type": "DND_TOGGLE", "colour": "red"}], ["six"]])
def test_single_form_bad_key_names_the_user(sim, module, keys):
    result = module(apio_phone_buttons.main, dict(ADMIN, url=sim.url, keys=keys, **FOOUSER))
    assert result["failed"] is True
    assert sim.requests() == []
    assert "foouser" in result["msg"], result["msg"]


def test_a_parameter_on_a_type_that_takes_none_is_refused(sim, module):
    # The phone would drop it silently and every run would report a change: refused instead.
    args = dict(ADMIN, url=sim.url, keys=[{"id": 6, "type": "DND_TOGGLE", "parameter": "1000"}], **FOOUSER)
    result = module(apio_phone_buttons.main, args)
    assert result["failed"] is True
    assert result["msg"] == "user foouser (foo/foogroup): key 6: type DND_TOGGLE takes no parameter, got '1000'"
    assert writes(sim.requests()) == []


def test_bad_input_of_each_module_in_a_real_playbook(run_tasks, sim):
    primary_batch = {"tenant": "foo", "group": "foogroup", "batch": [{"user": "foouser", "primary": "maybe"},
                                                                     {"user": "alice@sip.example.com", "primary": True}]}
    tasks = [
        {"name": "softphone batch", "ignore_errors": True, "telephony.apio.apio_softphone": {
            "customer": CUSTOMER, "batch": [{"user": "jdoe", "device": "nope", "client_type": "desktop"},
                                            {"user": "noroles", "device": "dev-x-1", "client_type": "Desktop"}]}},
        {"name": "softphone", "ignore_errors": True, "telephony.apio.apio_softphone": {
            "customer": CUSTOMER, "user": "jdoe", "device": "dev-desk-1", "state": "present"}},
        {"name": "primary batch", "ignore_errors": True, "telephony.apio.apio_primary_line": primary_batch},
        {"name": "primary batch skip", "ignore_errors": True, "telephony.apio.apio_primary_line": dict(
            primary_batch, on_invalid="skip")},
        {"name": "buttons", "ignore_errors": True, "telephony.apio.apio_phone_buttons": dict(
            FOOUSER, keys=[{"id": 30, "type": "CALLLOG"}, {"id": 2, "type": "DIRECT_CALL"}])},
    ]
    run = run_tasks(tasks, check=False, diff=True)
    assert run.rc == 0, run.output[-3000:]
    assert "Traceback" not in run.output and "Traceback" not in run.raw_results
    assert all(run.status(t["name"]) == "failed" for t in tasks)
    softphones = {r["user"]: r["msg"] for r in run.result("softphone batch")["results"]}
    jdoe = "user jdoe (customer %s)" % CUSTOMER
    assert softphones["jdoe"] == ("%s: device 'nope' is not a PBX device of this user (the user's devices: "
                                  "dev-desk-1, dev-desk-2, dev-mob-1)" % jdoe)
    assert softphones["noroles"].startswith("user noroles (customer %s) (batch[1]): value of client_type must be "
                                            "one of: desktop, mobile, webrtc, crm, got: Desktop" % CUSTOMER)
    assert run.result("softphone")["msg"] == "%s: client_type is required when state=present" % jdoe
    primary = {r["user"]: r for r in run.result("primary batch")["results"]}
    assert primary["foouser"]["failed"] and names(primary["foouser"]["msg"], "primary")
    assert primary["foouser"]["msg"].startswith("user foouser (foo/foogroup) (batch[0]): ")
    # The invalid user blocks the write of the valid one, unless on_invalid=skip.
    assert run.result("primary batch")["msg"] == (
        "nothing was written: 1 of 2 users not valid, 1 user that differs held back: "
        + primary["foouser"]["msg"])
    assert (primary["alice@sip.example.com"]["changed"], primary["alice@sip.example.com"]["blocked"]) == (False, True)
    skipped = {r["user"]: r for r in run.result("primary batch skip")["results"]}
    # (Ansible lists the accepted booleans from a set: their order differs from one run to the next.)
    assert skipped["foouser"]["failed"] and names(skipped["foouser"]["msg"], "primary")
    assert skipped["foouser"]["msg"].startswith("user foouser (foo/foogroup) (batch[0]): ")
    assert run.result("primary batch skip")["msg"] == "1 of 2 users failed (1 changed, 0 unchanged): " + (
        skipped["foouser"]["msg"])
    assert skipped["alice@sip.example.com"]["changed"] is True
    assert "blocked" not in skipped["alice@sip.example.com"]
    assert run.result("buttons")["msg"] == (
        "user foouser (foo/foogroup): key 30: id 30 is not a programmable key of phone type 'Telenet-Panasonic-KX-HDV230' "
        "(keys 1 to 24); key 2: type DIRECT_CALL needs a parameter (PhoneNumber); key 2: type DIRECT_CALL needs a "
        "label")
    assert [w["path"] for w in writes(sim.requests())] == [
        "/api/v1/tenants/foo/groups/foogroup/users/alice%40sip.example.com/access_device/primary_line_port/"]
