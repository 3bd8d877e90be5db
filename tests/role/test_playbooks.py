"""The playbooks phone_buttons.yml, primary_line.yml and softphones.yml on examples/gitops, against
the simulator: the dry run and its plan report, drift detection, apply, and apply again."""

import json

from rolekit import EXAMPLE
from tools.simlog import writes

INVENTORY = EXAMPLE / "inventory"
SITE = EXAMPLE / "site.yml"
CUSTOMER = "11111111-1111-4111-8111-111111111111"


def report(directory, name):
    return json.loads((directory / ("%s.json" % name)).read_text()), (directory / ("%s.md" % name)).read_text()


def test_dry_run_writes_the_plan_report_and_nothing_else(playbook, sim, tmp_path):
    plan = tmp_path / "plan"
    # Relative, as the pipelines give it: the directory ansible-playbook runs in (tmp_path).
    run = playbook(SITE, inventory=INVENTORY, check=True, extra_vars={"apio_plan_dir": "plan"})
    assert run.rc == 0, run.output
    assert writes(sim.requests()) == []

    buttons, markdown = report(plan, "phone_buttons")
    assert buttons["check_mode"] is True
    assert buttons["counts"] == {"total": 6, "changed": 5, "unchanged": 0, "skipped": 1, "failed": 0}
    changes = {c["user_label"]: c for c in buttons["changes"]}
    assert sorted(changes) == ["user alice@sip.example.com (foo/foogroup)", "user bob+1@sip.example.com (foo/foogroup)",
                               "user carol@sip.example.com (foo/othergroup)", "user dave@sip.example.com (bar/bargroup)",
                               "user foouser (foo/foogroup)"]
    foouser = changes["user foouser (foo/foogroup)"]  # who, what, before, after
    assert "key 10 added: BLF 'Assistant' alice@sip.example.com" in foouser["changes"]
    assert {"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368"} in foouser["previous"]["buttons"]
    assert {"id": 9, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"} in foouser["current"]["buttons"]
    bob = changes["user bob+1@sip.example.com (foo/foogroup)"]  # the inventory's own template, with overrides
    assert [k["id"] for k in bob["current"]["buttons"]] == [1, 2, 3, 12]
    assert buttons["skipped"] == ["user basic@sip.example.com (foo/foogroup): template 'standard' has no layout for phone "
                                  "type 'Generic SIP Phone' (it has: Polycom-VVX-300, Telenet-Panasonic-KX-HDV230, "
                                  "Yealink-T46S)"]
    assert markdown.startswith("## Phone buttons: 5 users would change\n")
    # Grouped by change, the user's own values as placeholders; skipped users before the changes.
    assert ("| 2 | 1: user foouser (foo/foogroup) | Telenet-Panasonic-KX-HDV230 (template standard) | "
            "key 1 added: LINE 'Line' {user}<br>") in markdown
    assert "key 10 added: BLF 'Assistant' {assistant} |" in markdown
    assert markdown.index("### Skipped (1)") < markdown.index("### Changes: 5 users in 5 groups")
    assert markdown.endswith("Every user's detail (before, after): `phone_buttons.json` and `phone_buttons.html`.\n")
    assert "<svg" in (plan / "phone_buttons.html").read_text()

    primary, markdown = report(plan, "primary_line")
    assert primary["counts"] == {"total": 4, "changed": 4, "unchanged": 0, "failed": 0}
    assert ("| 1 | 3: user foouser (foo/foogroup), user alice@sip.example.com (foo/foogroup), user bob+1@sip.example.com (foo/foogroup) "
            "| - | primary line port false -> true |") in markdown
    assert "| 2 | 1: user dave@sip.example.com (bar/bargroup) | - | primary line port true -> false |" in markdown

    softphones, markdown = report(plan, "softphones")
    assert softphones["counts"]["changed"] == 1
    assert softphones["changes"][0]["changes"] == ["device dev-desk-1 assigned to desktop",
                                                   "device dev-mob-1 assigned to mobile"]
    assert markdown.startswith("## Softphones: 1 user would change\n")


def test_drift_detection_fails_on_drift_and_passes_once_applied(playbook, sim, tmp_path):
    drift = {"apio_fail_on_drift": True, "apio_plan_dir": str(tmp_path / "plan")}
    dirty = playbook(SITE, inventory=INVENTORY, check=True, extra_vars=drift)
    assert dirty.rc != 0
    assert "drift: 5 of 6 users differ from the desired state (Phone buttons" in dirty.output
    assert writes(sim.requests()) == []

    applied = playbook(SITE, inventory=INVENTORY, extra_vars={"apio_plan_dir": str(tmp_path / "applied")})
    assert applied.rc == 0, applied.output
    assert report(tmp_path / "applied", "phone_buttons")[0]["counts"]["changed"] == 5
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is True
    assert sim.portal_user(CUSTOMER, "jdoe")["devices"][0]["clientType"] == "desktop"

    sim.reset()
    clean = playbook(SITE, inventory=INVENTORY, check=True, extra_vars=drift)
    assert clean.rc == 0, clean.output
    assert writes(sim.requests()) == []
    for name in ("phone_buttons", "primary_line", "softphones"):
        data, markdown = report(tmp_path / "plan", name)
        assert data["counts"]["changed"] == 0, (name, data)
        assert data["changes"] == []
        assert ": 0 users would change" in markdown


def test_a_run_limited_to_some_users_fails_on_their_drift_without_localhost(playbook, sim, tmp_path):
    # --limit without localhost skips the plays on localhost, drift.yml's among them: the users' play fails
    # itself, rather than passing whatever it found. With localhost in the limit, drift.yml fails at the end.
    drift = {"apio_fail_on_drift": True, "apio_plan_dir": str(tmp_path / "plan")}
    carol = "carol@sip.example.com"
    alone = playbook(SITE, inventory=INVENTORY, check=True, extra_vars=drift, limit=carol)
    assert alone.rc != 0
    assert ("drift: 1 of 1 users differ from the desired state (Phone buttons, see %s/phone_buttons.md): user "
            "carol@sip.example.com (foo/othergroup) (this run leaves out localhost" % drift["apio_plan_dir"]) in alone.output
    assert "add localhost to the limit, e.g. --limit 'alice,localhost'" in alone.output
    assert writes(sim.requests()) == []

    with_localhost = playbook(SITE, inventory=INVENTORY, check=True, extra_vars=drift, limit="%s,localhost" % carol)
    assert with_localhost.rc != 0
    assert "drift: 1 of 1 users differ from the desired state (Phone buttons" in with_localhost.output
    assert "this run leaves out localhost" not in with_localhost.output

    applied = playbook(SITE, inventory=INVENTORY, limit=carol)
    assert applied.rc == 0, applied.output
    clean = playbook(SITE, inventory=INVENTORY, check=True, extra_vars=drift, limit=carol)
    assert clean.rc == 0, clean.output


def test_drift_after_a_manual_change_names_the_user(playbook, sim, tmp_path):
    assert playbook(SITE, inventory=INVENTORY).rc == 0
    device = sim.user("foo", "othergroup", "carol@sip.example.com")["device"]
    device["keys"] = [k for k in device["keys"] if k["id"] != 9]  # someone removed the reception key by hand
    sim.set_user("foo", "othergroup", "carol@sip.example.com", {"device": device})
    sim.reset()

    run = playbook(EXAMPLE.parent.parent / "playbooks" / "phone_buttons.yml", inventory=INVENTORY, check=True,
                   extra_vars={"apio_fail_on_drift": True, "apio_plan_dir": str(tmp_path / "plan")})
    assert run.rc != 0
    assert "drift: 1 of 6 users differ" in run.output
    data, markdown = report(tmp_path / "plan", "phone_buttons")
    assert [c["user_label"] for c in data["changes"]] == ["user carol@sip.example.com (foo/othergroup)"]
    assert data["changes"][0]["changes"] == ["key 9 added: DIRECT_CALL 'Reception' 2000"]
    assert writes(sim.requests()) == []
