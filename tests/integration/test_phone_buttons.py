"""apio_phone_buttons and apio_phone_buttons_info against the simulator."""

import pytest
from helpers import four_steps
from tools.simlog import writes

FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}
HDV230 = "Telenet-Panasonic-KX-HDV230"
SEED_KEYS = [{"id": 4, "type": "CALLLOG", "label": "history", "parameter": ""},
             {"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368"}]
RELABELLED = [{"id": 4, "type": "CALLLOG", "label": "c. history", "parameter": ""},
              {"id": 5, "type": "ONETOUCH", "label": "call chief", "parameter": "065432368"}]


def buttons(**options):
    return {"name": "buttons", "telephony.apio.apio_phone_buttons": options}


@pytest.mark.smoke
def test_documented_relabel_sends_the_documented_put(run_tasks, sim):
    task = buttons(operator="telenet", keys=[{"id": 5, "type": "ONETOUCH", "label": "call chief",
                                              "parameter": "065432368"},
                                             {"id": 4, "type": "CALLLOG", "label": "c. history"}], **FOOUSER)
    check, apply, again, sent = four_steps(run_tasks, sim, task)
    assert check["previous"] == {"device_type": HDV230, "device_name": "DP_giulio@sip.netaxis.be", "buttons": SEED_KEYS}
    assert check["current"]["buttons"] == RELABELLED
    assert check["changes"] == ["key 4 label 'history' -> 'c. history'", "key 5 label 'call boss' -> 'call chief'"]
    assert check["diff"]["before_header"] == "user foouser (foo/foogroup)"
    assert check["diff"]["before"]["buttons"] == {"04": "CALLLOG 'history'", "05": "ONETOUCH 'call boss' 065432368"}
    assert check["diff"]["after"]["buttons"] == {"04": "CALLLOG 'c. history'", "05": "ONETOUCH 'call chief' 065432368"}
    assert [(w["method"], w["path"]) for w in sent] == [
        ("PUT", "/api/v1/telenet/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/")]
    assert sent[0]["body"] == {"keys": RELABELLED}
    assert apply["current"]["buttons"] == RELABELLED
    assert again["msg"] == "user foouser (foo/foogroup): no change"


def test_steady_state_is_one_get_and_no_phone_type_lookup(run_tasks, sim):
    run = run_tasks([buttons(keys=SEED_KEYS, **FOOUSER)])
    assert run.rc == 0, run.output
    assert run.result()["changed"] is False
    gets = [r["path"] for r in sim.requests() if r["method"] == "GET"]
    assert gets == ["/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"]


def test_merge_keeps_unlisted_keys(run_tasks, sim):
    run = run_tasks([buttons(keys=[{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}], **FOOUSER)])
    assert run.rc == 0, run.output
    assert run.result()["changes"] == ["key 6 added: DND_TOGGLE 'dnd'"]
    added = {"id": 6, "type": "DND_TOGGLE", "label": "dnd", "parameter": ""}
    assert writes(sim.requests())[0]["body"] == {"keys": SEED_KEYS + [added]}


def test_purge_makes_the_listed_keys_the_whole_layout(run_tasks, sim):
    task = buttons(purge=True, keys=[{"id": 1, "type": "DND_TOGGLE", "label": "dnd"}], **FOOUSER)
    unused_check, apply, unused_again, sent = four_steps(run_tasks, sim, task)
    assert sent[0]["body"] == {"keys": [{"id": 1, "type": "DND_TOGGLE", "label": "dnd", "parameter": ""}]}
    assert apply["changes"] == ["key 1 added: DND_TOGGLE 'dnd'", "key 4 removed (was CALLLOG 'history')",
                                "key 5 removed (was ONETOUCH 'call boss' 065432368)"]
    assert [k["id"] for k in sim.user("foo", "foogroup", "foouser")["device"]["keys"]] == [1]


def test_absent_clears_the_listed_ids(run_tasks, sim):
    task = buttons(state="absent", keys=[{"id": 5}, {"id": 9}], **FOOUSER)
    unused_check, apply, unused_again, sent = four_steps(run_tasks, sim, task)
    assert sent[0]["body"] == {"keys": SEED_KEYS[:1]}
    assert apply["changes"] == ["key 5 removed (was ONETOUCH 'call boss' 065432368)"]


@pytest.mark.smoke
def test_info_feeds_back_as_desired_state(run_tasks, sim):
    run = run_tasks([
        {"name": "info", "telephony.apio.apio_phone_buttons_info": dict(FOOUSER, operator="telenet"),
         "register": "phone"},
        {"name": "feed back", "telephony.apio.apio_phone_buttons":
            dict(FOOUSER, purge=True, keys="{{ phone.buttons }}")},
    ])
    assert run.rc == 0, run.output
    info = run.result("info")
    assert info["device_type"] == HDV230 and info["device_name"] == "DP_giulio@sip.netaxis.be"
    assert info["buttons"] == SEED_KEYS
    assert run.result("feed back")["changed"] is False
    assert writes(sim.requests()) == []


def test_results_read_with_dot_notation_in_jinja(run_tasks, sim):
    # `x.keys` would be the dict method in Jinja: every result carries the key list as `buttons`.
    run = run_tasks([
        dict(buttons(keys=[{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}], **FOOUSER), register="added"),
        {"name": "info", "telephony.apio.apio_phone_buttons_info": FOOUSER, "register": "phone"},
        {"name": "batch info", "telephony.apio.apio_phone_buttons_info": {
            "tenant": "foo", "group": "foogroup", "batch": [{"user": "foouser"}, {"user": "alice@sip.example.com"}]},
         "register": "phones"},
        {"name": "read", "ansible.builtin.set_fact": {"seen": {
            "previous": "{{ added.previous.buttons | map(attribute='id') | list }}",
            "current": "{{ added.current.buttons | map(attribute='id') | list }}",
            "diff": "{{ added.diff.after.buttons | dict2items | map(attribute='value') | list }}",
            "info": "{{ phone.buttons | map(attribute='label') | list }}",
            "batch": "{{ phones.results | map(attribute='buttons') | map('length') | list }}"}}},
    ], diff=True)
    assert run.rc == 0, run.output
    alice = len(sim.user("foo", "foogroup", "alice@sip.example.com")["device"]["keys"])
    assert run.result("read")["ansible_facts"]["seen"] == {
        "previous": [4, 5], "current": [4, 5, 6],
        "diff": ["CALLLOG 'history'", "ONETOUCH 'call boss' 065432368", "DND_TOGGLE 'dnd'"],
        "info": ["history", "call boss", "dnd"], "batch": [3, alice]}


@pytest.mark.parametrize("keys, message", [
    ([{"id": 6, "type": "NOPE", "label": "x"}],
     "key 6: type 'NOPE' is not available on phone type '%s'" % HDV230),
    ([{"id": 30, "type": "CALLLOG", "label": "x"}],
     "key 30: id 30 is not a programmable key of phone type '%s' (keys 1 to 24)" % HDV230),
    ([{"id": 6, "type": "CALLLOG", "label": "a"}, {"id": 6, "type": "REDIAL", "label": "b"}],
     "keys[1]: key id 6 is listed twice"),
    ([{"id": 6, "type": "ONETOUCH", "label": "boss"}], "key 6: type ONETOUCH needs a parameter"),
    ([{"id": 6, "label": "boss"}], "keys[0] (id 6): type is required when state=present"),
])
def test_invalid_keys_are_refused_before_any_write(run_tasks, sim, keys, message):
    run = run_tasks([buttons(keys=keys, **FOOUSER)])
    assert run.rc != 0
    assert run.result()["msg"].startswith("user foouser (foo/foogroup): ")
    assert message in run.result()["msg"]
    assert writes(sim.requests()) == []


def test_phone_type_without_keys(run_tasks, sim):
    run = run_tasks([buttons(tenant="foo", group="foogroup", user="basic@sip.example.com",
                             keys=[{"id": 1, "type": "CALLLOG", "label": "h"}])])
    assert run.rc != 0
    assert "phone type 'Generic SIP Phone' has no programmable keys" in run.result()["msg"]
    assert writes(sim.requests()) == []


def test_user_without_phone(run_tasks, sim):
    run = run_tasks([buttons(tenant="foo", group="foogroup", user="nophone", keys=SEED_KEYS)])
    assert run.rc != 0
    assert run.result()["msg"] == ("user nophone (foo/foogroup): GET phone buttons failed: HTTP 404: "
                                   "the user has no phone linked to him")


BATCH_WITH_INVALID_USERS = [{"user": "foouser"},
                            {"user": "alice@sip.example.com", "keys": [{"id": 99, "type": "LINE", "label": "x"}]},
                            {"user": "nophone"},
                            {"user": "carol@sip.example.com", "group": "othergroup"},
                            {"group": "foogroup"}]
BATCH_USERS = [("foo", "foogroup", "foouser"), ("foo", "foogroup", "alice@sip.example.com"),
               ("foo", "othergroup", "carol@sip.example.com")]
ALICE_99 = ("user alice@sip.example.com (foo/foogroup): key 99: id 99 is not a programmable key of phone type "
            "'Yealink-T46S' (keys 1 to 16)")
NOPHONE = "user nophone (foo/foogroup): GET phone buttons failed: HTTP 404: the user has no phone linked to him"


@pytest.mark.smoke
def test_batch_with_an_invalid_user_reads_every_user_and_writes_nothing(run_tasks, sim):
    before = {u: sim.user(*u)["device"] for u in BATCH_USERS}
    task = buttons(tenant="foo", group="foogroup", keys=[{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}],
                   batch=BATCH_WITH_INVALID_USERS)
    run = run_tasks([task], diff=True)
    assert run.rc != 0
    assert run.status() == "failed"
    result = run.result()
    assert result["changed"] is False
    assert result["counts"] == {"total": 5, "changed": 0, "unchanged": 0, "failed": 3, "not_written": 2}
    assert result["msg"] == ("nothing was written: 3 of 5 users not valid, 2 users that differ held back: "
                             + "; ".join([ALICE_99, NOPHONE, "batch[4]: missing required arguments: user"]))
    assert [(r["user_label"], r["changed"], r["failed"], r.get("blocked", False), r.get("invalid", False))
            for r in result["results"]] == [
        ("user foouser (foo/foogroup)", False, False, True, False),
        ("user alice@sip.example.com (foo/foogroup)", False, True, False, True),
        ("user nophone (foo/foogroup)", False, True, False, True),
        ("user carol@sip.example.com (foo/othergroup)", False, False, True, False),
        ("batch[4]", False, True, False, True)]
    blocked = {r["user"]: r for r in result["results"] if r.get("blocked")}
    assert {u: r["msg"] for u, r in blocked.items()} == {
        "foouser": "user foouser (foo/foogroup): not written (another user is not valid): key 6 added: DND_TOGGLE 'dnd'",
        "carol@sip.example.com": "user carol@sip.example.com (foo/othergroup): not written (another user is not valid): "
                                 "key 6 added: DND_TOGGLE 'dnd'"}
    assert all(r["current"] == r["previous"] for r in blocked.values())
    assert [r["status"] for r in result["results"] if r["failed"]] == [None, 404, None]
    assert result["diff"] == []
    # Every user was read (the plan), and nothing was written.
    log = sim.requests()
    assert sorted(r["path"] for r in log if r["method"] == "GET" and r["path"].endswith("/phone_buttons/")) == [
        "/api/v1/tenants/foo/groups/foogroup/users/%s/access_device/phone_buttons/" % u
        for u in ("alice%40sip.example.com", "foouser", "nophone")] + [
        "/api/v1/tenants/foo/groups/othergroup/users/carol%40sip.example.com/access_device/phone_buttons/"]
    assert [r for r in log if r["method"] == "PUT"] == []
    assert writes(sim.requests()) == []
    assert {u: sim.user(*u)["device"] for u in BATCH_USERS} == before


def test_batch_on_invalid_skip_validates_every_user_before_the_first_write(run_tasks, sim):
    task = buttons(tenant="foo", group="foogroup", keys=[{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}],
                   batch=BATCH_WITH_INVALID_USERS, on_invalid="skip")
    run = run_tasks([task], diff=True)
    assert run.rc != 0
    result = run.result()
    assert result["counts"] == {"total": 5, "changed": 2, "unchanged": 0, "failed": 3}
    assert result["msg"] == ("3 of 5 users failed (2 changed, 0 unchanged): "
                             + "; ".join([ALICE_99, NOPHONE, "batch[4]: missing required arguments: user"]))
    failed = [r["msg"] for r in result["results"] if r["failed"]]
    assert len(failed) == 3
    assert "user alice@sip.example.com (foo/foogroup): key 99: id 99 is not a programmable key" in failed[0]
    assert failed[1].startswith("user nophone (foo/foogroup): GET phone buttons failed: HTTP 404")
    assert failed[2] == "batch[4]: missing required arguments: user"
    assert [d["before_header"] for d in result["diff"]] == ["user foouser (foo/foogroup)", "user carol@sip.example.com (foo/othergroup)"]
    # Every read came before the first write.
    log = sim.requests()
    first_put = min(i for i, r in enumerate(log) if r["method"] == "PUT")
    assert all(r["method"] != "GET" or "phone_buttons" not in r["path"] for r in log[first_put:])
    assert len([r for r in log if r["method"] == "PUT"]) == 2
    assert [k["id"] for k in sim.user("foo", "foogroup", "foouser")["device"]["keys"]] == [4, 5, 6]
    assert [k["id"] for k in sim.user("foo", "othergroup", "carol@sip.example.com")["device"]["keys"]] == [1, 6]


def test_encoded_user_ids_reach_one_segment(run_tasks, sim):
    run = run_tasks([{"name": "info", "telephony.apio.apio_phone_buttons_info":
                      {"tenant": "foo", "group": "foogroup", "user": "bob+1@sip.example.com"}}])
    assert run.rc == 0, run.output
    assert [r["path"] for r in sim.requests() if r["method"] == "GET"] == [
        "/api/v1/tenants/foo/groups/foogroup/users/bob%2B1%40sip.example.com/access_device/phone_buttons/"]
