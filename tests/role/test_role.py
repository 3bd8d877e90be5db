"""The phone_buttons role against the simulator: outcomes, switches, errors and the requests sent."""

import json
import textwrap
from urllib.parse import quote

import pytest
from rolekit import role_play
from tools.simlog import writes

SEED_USERS = [
    {"user": "foouser", "vars": {"assistant": "alice@sip.example.com"}},
    {"user": "nophone"},
    {"user": "basic@sip.example.com"},
    {"user": "alice@sip.example.com", "template": "reception", "vars": {"monitored": ["bob+1@sip.example.com"]}},
    {"user": "bob+1@sip.example.com"},
    {"user": "carol@sip.example.com", "group": "othergroup"},
]


def keys_of(sim, tenant, group, user):
    device = sim.user(tenant, group, user)["device"]
    return dict((k["id"], (k["type"], k["label"], k.get("parameter") or "")) for k in device.get("keys") or [])


@pytest.mark.smoke
def test_check_then_apply_then_steady_state(playbook, sim):
    play = role_play(SEED_USERS, phone_buttons_chunk_size=2, phone_buttons_vars={"reception_number": "1000"})

    check = playbook(play, check=True, diff=True)
    assert check.rc == 0, check.output
    assert writes(sim.requests()) == []
    result = check.fact("phone_buttons_result")
    assert result["check_mode"] is True
    assert result["counts"] == {"total": 6, "changed": 4, "unchanged": 0, "skipped": 2, "failed": 0}
    assert sorted(s["status"] for s in result["skipped"]) == ["no_phone", "no_template"]
    assert "Roll the templates out: read 6 of 6 users" in check.output  # progress
    assert "Roll the templates out: would write 4 of 4 users" in check.output
    assert "+        \"10\": \"BLF 'Assistant' alice@sip.example.com\"" in check.output  # --diff per user

    sim.reset()
    apply = playbook(play)
    assert apply.rc == 0, apply.output
    assert apply.fact("phone_buttons_result")["counts"]["changed"] == 4
    assert len(writes(sim.requests())) == 4
    assert keys_of(sim, "foo", "foogroup", "foouser")[10] == ("BLF", "Assistant", "alice@sip.example.com")
    assert keys_of(sim, "foo", "foogroup", "foouser")[1] == ("LINE", "Line", "foouser")
    alice = keys_of(sim, "foo", "foogroup", "alice@sip.example.com")
    assert alice[8] == ("BLF", "bob+1", "bob+1@sip.example.com") and 9 not in alice
    assert keys_of(sim, "foo", "othergroup", "carol@sip.example.com")[9] == ("DIRECT_CALL", "Reception", "1000")

    # Steady state: one login and exactly one GET per user, nothing written.
    sim.reset()
    again = playbook(play)
    assert again.rc == 0, again.output
    assert again.fact("phone_buttons_result")["counts"] == {"total": 6, "changed": 0, "unchanged": 4, "skipped": 2,
                                                            "failed": 0}
    requests = sim.requests()
    assert writes(sim.requests()) == []
    assert len([r for r in requests if r["method"] == "GET" and "/phone_buttons/" in r["path"]]) == 6
    assert len([r for r in requests if "/auth/login" in r["path"]]) == 1


@pytest.mark.smoke
def test_a_cut_result_still_lists_the_skipped_users_and_passes(playbook, sim):
    """Issue #23: at fleet size the result is cut (here: a limit with room for no entry); the role reads
    only what a cut result keeps, lists the skipped users by count and passes after writing everyone."""
    run = playbook(role_play(SEED_USERS, phone_buttons_result_limit=1, phone_buttons_vars={"reception_number": "1000"}))
    assert run.rc == 0, run.output
    assert len(writes(sim.requests())) == 4
    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": 6, "changed": 4, "unchanged": 0, "skipped": 2, "failed": 0}
    assert (result["results"], result["skipped"], result["results_omitted"]) == ([], [], 6)
    assert result["truncated"].startswith("result cut to 1 characters (option result_limit): ")
    assert run.result("telephony.apio.phone_buttons : List the users without a phone or a template")["msg"] == [
        "... and 2 more skipped users, left out of phone_buttons_result to keep it under 1 characters "
        "(phone_buttons_result_limit): set phone_buttons_report to a file to get every user"]


def test_on_missing_fail_stops_before_any_write(playbook, sim):
    run = playbook(role_play(SEED_USERS, phone_buttons_on_missing="fail"))
    assert run.rc != 0
    assert "nothing was written" in run.output
    assert "user nophone (foo/foogroup)" in run.output and "has no phone" in run.output
    assert "template 'standard' has no layout for phone type 'Generic SIP Phone'" in run.output
    assert writes(sim.requests()) == []


def test_unknown_user_and_unrenderable_layout_stop_before_any_write(playbook, sim):
    users = [{"user": "foouser"}, {"user": "ghost"},
             {"user": "carol@sip.example.com", "group": "othergroup", "keys": [{"id": 3, "parameter": "{{ '{{' }} nope }}"}]}]
    run = playbook(role_play(users))
    assert run.rc != 0
    assert "user ghost (foo/foogroup)" in run.output and "user not found" in run.output
    assert "key 3 parameter: 'nope' is undefined" in run.output
    assert writes(sim.requests()) == []


def test_a_user_the_phone_type_refuses_stops_every_write(playbook, sim):
    templates = {"strict": {
        "Yealink-T46S": [{"id": 1, "type": "ONETOUCH", "label": "Boss", "parameter": "065432368"}],  # not on a Yealink
        "Telenet-Panasonic-KX-HDV230": [{"id": 1, "type": "ONETOUCH", "label": "Boss", "parameter": "065432368"}],
    }}
    users = [{"user": "foouser"}, {"user": "alice@sip.example.com"}]
    play = role_play(users, phone_buttons_template="strict", phone_buttons_templates=templates)
    run = playbook(play)
    assert run.rc != 0
    assert ("nothing was written: 1 of 2 users not valid, 1 user that differs held back: "
            "user alice@sip.example.com (foo/foogroup): key 1: type 'ONETOUCH' is not available on phone type "
            "'Yealink-T46S'") in run.output
    assert writes(sim.requests()) == []
    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": 2, "changed": 0, "unchanged": 0, "skipped": 0, "failed": 1, "not_written": 1}
    assert [(r["user"], r.get("blocked", False), r["failed"]) for r in result["results"]] == [
        ("foouser", True, False), ("alice@sip.example.com", False, True)]

    # on_invalid=skip: the valid user is written, the invalid one is named, the role fails at the end.
    skip = playbook(role_play(users, phone_buttons_template="strict", phone_buttons_templates=templates,
                              phone_buttons_on_invalid="skip"))
    assert skip.rc != 0
    assert "user alice@sip.example.com (foo/foogroup): key 1: type 'ONETOUCH'" in skip.output
    assert keys_of(sim, "foo", "foogroup", "foouser") == {1: ("ONETOUCH", "Boss", "065432368")}
    assert keys_of(sim, "foo", "foogroup", "alice@sip.example.com")[3] == ("BLF", "Bob", "bob+1@sip.example.com")


def test_purge_false_overrides_and_per_user_jinja(playbook, sim, tmp_path):
    # Written as YAML text: a per-user value is tagged !unsafe, as a user writes it.
    path = tmp_path / "custom.yml"
    path.write_text(textwrap.dedent("""\
        - name: Custom template, purge off
          hosts: localhost
          connection: local
          gather_facts: false
          tasks:
            - name: Apply
              ansible.builtin.include_role:
                name: telephony.apio.phone_buttons
              vars:
                phone_buttons_tenant: foo
                phone_buttons_group: foogroup
                phone_buttons_template: desk
                phone_buttons_purge: false
                phone_buttons_templates:
                  desk:
                    Telenet-Panasonic-KX-HDV230:
                      - {id: 1, type: LINE, label: !unsafe "{{ phone_buttons_user.user | upper }}", parameter: !unsafe "{{ phone_buttons_user.user }}"}
                      - {id: 2, type: DIRECT_CALL, label: Desk, parameter: !unsafe "{{ desk }}", when: desk is defined}
                      - {id: 6, type: DND_TOGGLE, label: DND}
                phone_buttons_users:
                  - user: foouser
                    vars: {desk: "2000"}
                    keys:
                      - {id: 6, state: absent}
                      - {id: 5, type: ONETOUCH, label: call chief, parameter: "065432368"}
                  - user: carol@sip.example.com
                    group: othergroup
        """))
    run = playbook(path)
    assert run.rc == 0, run.output
    # purge false: foouser's key 4 stays (not in the layout); key 5 is the override's; key 6 was removed.
    assert keys_of(sim, "foo", "foogroup", "foouser") == {
        1: ("LINE", "FOOUSER", "foouser"), 2: ("DIRECT_CALL", "Desk", "2000"),
        4: ("CALLLOG", "history", ""), 5: ("ONETOUCH", "call chief", "065432368")}
    # carol: no desk var, so no key 2; her key 1 is replaced, DND added.
    assert keys_of(sim, "foo", "othergroup", "carol@sip.example.com") == {
        1: ("LINE", "CAROL@SIP.EXAMPLE.COM", "carol@sip.example.com"), 6: ("DND_TOGGLE", "DND", "")}


def test_argument_specs_reject_bad_input(playbook, sim):
    run = playbook(role_play([{"user": "foouser"}], phone_buttons_on_missing="ignore", phone_buttons_chunk_size="many"))
    assert run.rc != 0
    assert "phone_buttons_on_missing" in run.output and "phone_buttons_chunk_size" in run.output
    assert sim.requests() == []


def test_users_from_a_file_with_the_role_level_defaults(playbook, sim, tmp_path):
    users_file = tmp_path / "users.yml"
    users_file.write_text(textwrap.dedent("""\
        - user: foouser
          vars: {assistant: alice@sip.example.com}
        - {user: carol@sip.example.com, group: othergroup}
        """))
    run = playbook(role_play([{"user": "bob+1@sip.example.com"}], phone_buttons_users_file=str(users_file),
                             phone_buttons_vars={"reception_number": "1000"}))
    assert run.rc == 0, run.output
    assert run.fact("phone_buttons_result")["counts"] == {"total": 3, "changed": 3, "unchanged": 0, "skipped": 0,
                                                          "failed": 0}
    # The file's users took the role-level group and vars (merged with their own).
    assert keys_of(sim, "foo", "foogroup", "foouser")[10] == ("BLF", "Assistant", "alice@sip.example.com")
    assert keys_of(sim, "foo", "foogroup", "foouser")[9] == ("DIRECT_CALL", "Reception", "1000")
    assert keys_of(sim, "foo", "othergroup", "carol@sip.example.com")[1] == ("LINE", "Line", "carol@sip.example.com")
    assert keys_of(sim, "foo", "foogroup", "bob+1@sip.example.com")[1] == ("LINE", "Line", "bob+1@sip.example.com")


def test_a_users_file_that_is_not_a_list_of_users_is_refused(playbook, sim, tmp_path):
    users_file = tmp_path / "users.yml"
    users_file.write_text("user: foouser\n")
    run = playbook(role_play([], phone_buttons_users_file=str(users_file)))
    assert run.rc != 0
    assert "users_file %s must hold a list of users (dictionaries)" % users_file in run.output
    assert sim.requests() == []


def test_the_role_applies_its_saved_plan_not_its_users(playbook, sim, tmp_path):
    """phone_buttons_plan: the dry run's report is applied as reviewed; the users and templates given to the apply
    (here: another template for everyone) play no part, and the same plan twice writes nothing."""
    report = tmp_path / "plan.json"
    play = role_play(SEED_USERS, phone_buttons_vars={"reception_number": "1000"}, phone_buttons_report=str(report))
    dry = playbook(play, check=True)
    assert dry.rc == 0, dry.output
    planned = {e["user"]: e["current"] for e in json.loads(report.read_text())["changes"]}
    assert len(planned) == 4

    sim.reset()
    edited = role_play(SEED_USERS, phone_buttons_template="reception", phone_buttons_plan=str(report),
                       phone_buttons_report=str(tmp_path / "applied.json"))
    applied = playbook(edited)
    assert applied.rc == 0, applied.output
    assert sorted(e["user"] for e in applied.fact("phone_buttons_result")["results"] if e["changed"]) == sorted(planned)
    written = [r["path"] for r in writes(sim.requests())]
    assert len(written) == len(planned) and all(any("/%s/" % quote(u) in p for u in planned) for p in written), written
    # The applied report keeps the template each user was planned with, not the apply's.
    templates = {e["user"]: e["template"] for e in json.loads((tmp_path / "applied.json").read_text())["changes"]}
    assert templates["foouser"] == "standard" and templates["alice@sip.example.com"] == "reception"

    sim.reset()
    twice = playbook(edited)
    assert twice.rc == 0, twice.output
    assert writes(sim.requests()) == []
