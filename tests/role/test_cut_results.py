"""The role and the playbooks when the task result is cut to fit AWX's event size (issue #23).

At fleet scale (10,000 users and more) the roll-out's result is over its limit (500,000 characters) and is
cut: an entry keeps who the user is, what happened and, for a failed or skipped user, its msg; entries
that still do not fit are left out (``results_omitted``). A task that read anything else (a skipped user's
``reason``) failed the play after a complete roll-out. Here a small limit (``phone_buttons_result_limit``,
the playbooks' ``apio_result_limit``) reaches the cut with a few dozen users: skipped (no phone, no layout
for the phone type), failed (the simulator answers 503 on the user's route), invalid (an unknown user)
and held back (they differ, but an invalid user stops every write), in check mode and applied.
"""

import json
from urllib.parse import unquote

import pytest
import yaml
from rolekit import role_play
from tools.runner import REPO
from tools.simlog import writes

PLAYBOOKS = REPO / "playbooks"
ROLLOUT = "telephony.apio.phone_buttons : Roll the templates out"
LISTING = "telephony.apio.phone_buttons : List the users without a phone or a template"
FAIL = "telephony.apio.phone_buttons : Fail if a user failed"

NO_PHONE = ["nophone%02d" % n for n in range(1, 31)]  # made in the simulator for these tests, without a phone
BOB = "bob+1@sip.example.com"
# Failed and invalid users first: a cut keeps failed and skipped users' entries first, in their order.
USERS = ([{"user": "ghost"}, {"user": BOB}, {"user": "nophone"}] + [{"user": u} for u in NO_PHONE]
         + [{"user": "basic@sip.example.com"}, {"user": "foouser"}, {"user": "alice@sip.example.com"},
            {"user": "carol@sip.example.com", "group": "othergroup"}])
DIFFERING = ["foouser", "alice@sip.example.com", "carol@sip.example.com"]
SKIPPED = 2 + len(NO_PHONE)  # nophone, NO_PHONE and basic (a Generic SIP Phone: no layout in `standard`)
LIMIT = 6000  # a cut that keeps the failed users and some of the skipped ones, and leaves out the rest

GHOST_ERROR = "user ghost (foo/foogroup): GET phone buttons failed: HTTP 404: user not found"
BOB_ERROR = "user %s (foo/foogroup): GET phone buttons failed: HTTP 503: service unavailable" % BOB
NO_RETRIES = {"APIO_RETRIES": "0"}  # the 503 fails the user at once, instead of after the backoff


def seed(sim, fault=True):
    """The users without a phone, and (``fault``) bob+1's phone buttons route answering 503."""
    for user in NO_PHONE:
        sim.set_user("foo", "foogroup", user, {"firstName": user, "device": None})  # the admin API: not recorded
    if fault:
        sim.faults(error_rate=1.0, error_codes=[503], path_contains="/users/bob%2B1%40sip.example.com/")


def puts_of(sim):
    """The users written (the user segment of each write's path), sorted."""
    return sorted(unquote(r["path"].split("/users/")[1].split("/")[0]) for r in writes(sim.requests()))


def check_listing(run, result, report):
    """The listing names the skipped users the cut kept, and counts the others with where to find them."""
    assert run.status(LISTING) == "ok", run.output
    listed = run.result(LISTING)["msg"]
    kept = [s["msg"] for s in result["skipped"]]
    unlisted = SKIPPED - len(kept)
    assert 0 < len(kept) and unlisted > 0, "the limit no longer cuts the skipped users: %s" % listed
    assert listed == kept + ["... and %d more skipped users, left out of phone_buttons_result to keep it under %d "
                             "characters (phone_buttons_result_limit): see the report file %s"
                             % (unlisted, LIMIT, report)]
    # Every skipped user is in the report file, with the same message.
    assert sorted(json.loads(report.read_text())["skipped"]) == sorted(
        ["user %s (foo/foogroup): has no phone" % u for u in ["nophone"] + NO_PHONE]
        + ["user basic@sip.example.com (foo/foogroup): template 'standard' has no layout for phone type "
           "'Generic SIP Phone' (it has: Polycom-VVX-300, Telenet-Panasonic-KX-HDV230, Yealink-T46S)"])
    assert set(kept) <= set(json.loads(report.read_text())["skipped"])


def check_cut(result, omitted):
    """What a cut phone_buttons_result holds: whole counts, short entries, truncated and results_omitted."""
    assert result["truncated"].startswith("result cut to %d characters (option result_limit): " % LIMIT)
    assert result["truncated"].endswith("; see the report file %s" % result["report"])
    assert result["results_omitted"] == omitted > 0
    for entry in result["results"] + result["skipped"]:
        assert not {"previous", "current", "changes", "reason"} & set(entry), entry
        assert {"tenant", "group", "user", "user_label", "changed", "failed"} <= set(entry), entry


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_a_cut_result_with_skipped_failed_invalid_and_held_back_users(playbook, sim, tmp_path, check):
    seed(sim)
    report = tmp_path / "report.json"
    run = playbook(role_play(USERS, phone_buttons_result_limit=LIMIT, phone_buttons_report=str(report)),
                   check=check, env=NO_RETRIES)

    # The play fails once, where a user expects it to: at the end, naming the invalid and the failed user.
    assert run.rc == 2, run.output
    assert "failed=1" in run.output
    assert "has no attribute" not in run.output
    assert run.status(FAIL) == "failed"
    assert run.result(FAIL)["msg"] == ("phone_buttons: nothing was written: 1 of %d users not valid, 3 users that "
                                       "differ held back: %s; %s" % (len(USERS), GHOST_ERROR, BOB_ERROR))
    assert writes(sim.requests()) == []  # the invalid user stopped every write, in either mode

    result = run.fact("phone_buttons_result")
    assert result["check_mode"] is check
    assert result["counts"] == {"total": len(USERS), "changed": 0, "unchanged": 0, "skipped": SKIPPED, "failed": 2,
                                "not_written": 3}
    failed = [e for e in result["results"] if e["failed"]]
    assert [(e["user"], e.get("invalid", False), e["status"], e["msg"]) for e in failed] == [
        ("ghost", True, 404, GHOST_ERROR), (BOB, False, 503, BOB_ERROR)]
    # The held-back users' entries did not fit: left out, and counted.
    assert not [e for e in result["results"] if e.get("blocked")]
    check_cut(result, omitted=len(DIFFERING) + SKIPPED - len(result["skipped"]))
    check_listing(run, result, report)
    assert run.result(ROLLOUT)["truncated"] == result["truncated"]
    assert len(str(run.result(ROLLOUT))) < LIMIT + 1000  # the task result itself was cut (the callback adds a little)

    data = json.loads(report.read_text())
    assert data["counts"] == result["counts"]
    assert sorted(e["user"] for e in data["not_written"]) == sorted(DIFFERING)
    assert data["failed"] == [GHOST_ERROR, BOB_ERROR]


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_a_cut_result_with_on_invalid_skip_writes_the_valid_users_and_fails_at_the_end(
        playbook, sim, tmp_path, check):
    seed(sim)
    report = tmp_path / "report.json"
    run = playbook(role_play(USERS, phone_buttons_result_limit=LIMIT, phone_buttons_report=str(report),
                             phone_buttons_on_invalid="skip"), check=check, env=NO_RETRIES)

    assert run.rc == 2, run.output
    assert "failed=1" in run.output and "has no attribute" not in run.output
    assert run.result(FAIL)["msg"] == ("phone_buttons: 2 of %d users failed (3 changed, 0 unchanged): %s; %s"
                                       % (len(USERS), GHOST_ERROR, BOB_ERROR))
    assert puts_of(sim) == ([] if check else sorted(DIFFERING))

    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": len(USERS), "changed": 3, "unchanged": 0, "skipped": SKIPPED, "failed": 2}
    assert [e["msg"] for e in result["results"] if e["failed"]] == [GHOST_ERROR, BOB_ERROR]
    check_cut(result, omitted=len(DIFFERING) + SKIPPED - len(result["skipped"]))
    check_listing(run, result, report)
    assert sorted(e["user"] for e in json.loads(report.read_text())["changes"]) == sorted(DIFFERING)


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_a_cut_result_with_skipped_users_only_passes(playbook, sim, tmp_path, check):
    """The roll-out of issue #23: everyone with a phone written, some users skipped, the result cut."""
    seed(sim, fault=False)
    users = [u for u in USERS if u["user"] != "ghost"]
    report = tmp_path / "report.json"
    run = playbook(role_play(users, phone_buttons_result_limit=LIMIT, phone_buttons_report=str(report)), check=check)

    assert run.rc == 0, run.output
    assert run.status(FAIL) == "skipped"
    assert puts_of(sim) == ([] if check else sorted(DIFFERING + [BOB]))
    outcome = run.result("telephony.apio.phone_buttons : Show the outcome")["msg"]
    assert outcome == "%d users: 4 %s, 0 unchanged, %d skipped, 0 failed" % (
        len(users), "would change" if check else "changed", SKIPPED)
    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": len(users), "changed": 4, "unchanged": 0, "skipped": SKIPPED, "failed": 0}
    assert result["results"] == []  # the changed users' entries come after the skipped ones: left out
    check_cut(result, omitted=4 + SKIPPED - len(result["skipped"]))
    check_listing(run, result, report)


def test_every_entry_left_out_and_no_report_file(playbook, sim, tmp_path):
    """With room for no entry at all, the listing still counts the skipped users and says how to see them."""
    seed(sim, fault=False)
    run = playbook(role_play(USERS[1:], phone_buttons_result_limit=1), check=True)
    assert run.rc == 0, run.output
    result = run.fact("phone_buttons_result")
    assert (result["results"], result["skipped"], result["results_omitted"]) == ([], [], 4 + SKIPPED)
    assert result["counts"]["skipped"] == SKIPPED
    assert run.result(LISTING)["msg"] == [
        "... and %d more skipped users, left out of phone_buttons_result to keep it under 1 characters "
        "(phone_buttons_result_limit): set phone_buttons_report to a file to get every user" % SKIPPED]
    assert writes(sim.requests()) == []


def test_uncut_results_keep_every_field(playbook, sim):
    """Under the limit nothing is cut: entries keep their detail, a skipped user's reason (its msg) too."""
    run = playbook(role_play([{"user": "nophone"}, {"user": "foouser"}]), check=True)
    assert run.rc == 0, run.output
    result = run.fact("phone_buttons_result")
    assert (result["truncated"], result["results_omitted"]) == ("", 0)
    assert result["skipped"][0]["reason"] == result["skipped"][0]["msg"] == "user nophone (foo/foogroup): has no phone"
    assert result["skipped"][0]["template"] == "standard"
    assert result["results"][0]["changes"] and result["results"][0]["previous"]
    assert run.result(LISTING)["msg"] == ["user nophone (foo/foogroup): has no phone"]


# -- the playbooks -----------------------------------------------------------------------------------

def inventory(tmp_path):
    """The users above as the hosts of an inventory; the first five also have a primary line setting."""
    hosts = {u["user"]: ({"apio_group": u["group"]} if "group" in u else None) for u in USERS}
    for user in ("ghost", BOB, "foouser", "alice@sip.example.com", "carol@sip.example.com"):
        hosts[user] = dict(hosts[user] or {}, apio_primary_line=True)
    local = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    jdoe = {"apio_portal_customer": "11111111-1111-4111-8111-111111111111",
            "apio_softphones": [{"device": "dev-desk-1", "client_type": "desktop"},
                                {"device": "dev-mob-1", "client_type": "mobile"}]}
    data = {"apio_users": {"hosts": hosts, "vars": dict(local, apio_tenant="foo", apio_group="foogroup",
                                                        phone_buttons_template="standard")},
            "portal_users": {"hosts": {"jdoe": jdoe}, "vars": local}}
    path = tmp_path / "hosts.yml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_the_phone_buttons_playbook_with_a_cut_result(playbook, sim, tmp_path, check):
    seed(sim)
    plan = tmp_path / "plan"
    run = playbook(PLAYBOOKS / "phone_buttons.yml", inventory=inventory(tmp_path), check=check, env=NO_RETRIES,
                   extra_vars={"apio_plan_dir": str(plan), "apio_result_limit": LIMIT})

    assert run.rc == 2, run.output
    assert "has no attribute" not in run.output
    assert run.result(FAIL)["msg"] == ("phone_buttons: nothing was written: 1 of %d users not valid, 3 users that "
                                       "differ held back: %s; %s" % (len(USERS), GHOST_ERROR, BOB_ERROR))
    assert writes(sim.requests()) == []
    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": len(USERS), "changed": 0, "unchanged": 0, "skipped": SKIPPED, "failed": 2,
                                "not_written": 3}
    check_cut(result, omitted=len(DIFFERING) + SKIPPED - len(result["skipped"]))
    check_listing(run, result, plan / "phone_buttons.json")

    # The plan report comes from the report file: every user, whatever the cut left out.
    data = json.loads((plan / "phone_buttons.json").read_text())
    assert data["check_mode"] is check
    assert data["counts"] == result["counts"]
    assert sorted(e["user"] for e in data["not_written"]) == sorted(DIFFERING)
    markdown = (plan / "phone_buttons.md").read_text()
    assert "### Skipped (%d)" % SKIPPED in markdown
    assert "user nophone30 (foo/foogroup)" in markdown and "user ghost (foo/foogroup)" in markdown


def test_the_phone_buttons_playbook_with_a_cut_result_and_skipped_users_only(playbook, sim, tmp_path):
    seed(sim, fault=False)
    hosts = inventory(tmp_path)
    data = yaml.safe_load(hosts.read_text())
    del data["apio_users"]["hosts"]["ghost"]
    hosts.write_text(yaml.safe_dump(data, sort_keys=False))
    plan = tmp_path / "applied"
    run = playbook(PLAYBOOKS / "phone_buttons.yml", inventory=hosts,
                   extra_vars={"apio_plan_dir": str(plan), "apio_result_limit": LIMIT})
    assert run.rc == 0, run.output
    assert puts_of(sim) == sorted(DIFFERING + [BOB])
    result = run.fact("phone_buttons_result")
    assert result["counts"] == {"total": len(USERS) - 1, "changed": 4, "unchanged": 0, "skipped": SKIPPED, "failed": 0}
    check_cut(result, omitted=4 + SKIPPED - len(result["skipped"]))
    check_listing(run, result, plan / "phone_buttons.json")
    assert json.loads((plan / "phone_buttons.json").read_text())["counts"] == result["counts"]


PRIMARY = "Set the primary line port of every user in one batch"


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_the_primary_line_playbook_with_a_cut_result(playbook, sim, tmp_path, check):
    seed(sim)
    plan = tmp_path / "plan"
    run = playbook(PLAYBOOKS / "primary_line.yml", inventory=inventory(tmp_path), check=check, env=NO_RETRIES,
                   extra_vars={"apio_plan_dir": str(plan), "apio_result_limit": 2000})
    assert run.rc == 2, run.output
    assert writes(sim.requests()) == []
    result = run.result(PRIMARY)
    assert result["counts"] == {"total": 5, "changed": 0, "unchanged": 0, "failed": 2, "not_written": 3}
    assert result["truncated"].startswith("result cut to 2000 characters")
    # The message, cut to a tenth of the limit, still says what happened and where the rest is.
    assert result["msg"].startswith("nothing was written: 1 of 5 users not valid, 3 users that differ held back: "
                                    "user ghost (foo/foogroup): GET primary line port failed: HTTP 404")
    assert result["msg"].endswith("(cut: every user's message is in results and the report file %s)"
                                  % (plan / "primary_line.json"))
    assert [(e["user"], e["failed"], e["status"]) for e in result["results"][:2]] == [
        ("ghost", True, 404), (BOB, True, 503)]
    assert "HTTP 503" in result["results"][1]["msg"]
    # The report (and the plan report made from it) has every user.
    data = json.loads((plan / "primary_line.json").read_text())
    assert data["counts"] == result["counts"]
    assert sorted(e["user"] for e in data["not_written"]) == sorted(DIFFERING)
    assert len(data["failed"]) == 2
    assert (plan / "primary_line.md").exists()
    listed = run.result("List the hosts that are not managed")["msg"]
    assert listed.startswith("Primary line port: %d hosts have no desired state" % (len(USERS) - 5))

    if not check:
        # Without the invalid and the failing user, everyone is written, the result still cut.
        sim.reset()
        run = playbook(PLAYBOOKS / "primary_line.yml", inventory=inventory(tmp_path), check=False,
                       extra_vars={"apio_plan_dir": str(plan), "apio_result_limit": 400,
                                   "apio_hosts": "apio_users:!ghost"})
        assert run.rc == 0, run.output
        assert run.result(PRIMARY)["counts"] == {"total": 4, "changed": 4, "unchanged": 0, "failed": 0}
        assert run.result(PRIMARY)["results_omitted"] > 0
        assert len(writes(sim.requests())) == 4
        assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True


@pytest.mark.parametrize("check", [True, False], ids=["check", "apply"])
def test_the_softphones_playbook_with_a_cut_result(playbook, sim, tmp_path, check):
    plan = tmp_path / "plan"
    run = playbook(PLAYBOOKS / "softphones.yml", inventory=inventory(tmp_path), check=check,
                   extra_vars={"apio_plan_dir": str(plan), "apio_result_limit": 300})
    assert run.rc == 0, run.output
    result = run.result("Assign the softphones of every user in one batch")
    assert result["counts"]["changed"] == 1
    assert result["truncated"].startswith("result cut to 300 characters")
    data = json.loads((plan / "softphones.json").read_text())
    assert data["counts"] == result["counts"]
    assert data["changes"][0]["changes"] == ["device dev-desk-1 assigned to desktop",
                                             "device dev-mob-1 assigned to mobile"]
    assert (len(writes(sim.requests())) > 0) is not check
