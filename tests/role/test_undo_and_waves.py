"""The playbook telephony.apio.undo, and waves through the playbooks, on examples/gitops against the simulator:
apply, undo in check mode (a plan report), undo, undo the undo."""

import json

from rolekit import EXAMPLE
from tools.simlog import writes

INVENTORY = EXAMPLE / "inventory"
PLAYBOOKS = EXAMPLE.parents[1] / "playbooks"


def buttons(sim, user):
    return sim.user("foo", "foogroup", user)["device"]["keys"]


def test_undo_a_phone_buttons_roll_out_then_undo_the_undo(playbook, sim, tmp_path):
    before = buttons(sim, "foouser")
    applied = playbook(PLAYBOOKS / "phone_buttons.yml", inventory=INVENTORY,
                       extra_vars={"apio_plan_dir": str(tmp_path / "applied")})
    assert applied.rc == 0, applied.output
    after = buttons(sim, "foouser")
    assert after != before
    report = tmp_path / "applied" / "phone_buttons.json"
    changed = json.loads(report.read_text())["counts"]["changed"]

    sim.reset()
    dry = playbook("telephony.apio.undo", check=True,
                   extra_vars={"apio_undo_file": str(report), "apio_plan_dir": str(tmp_path / "plan")})
    assert dry.rc == 0, dry.output
    assert writes(sim.requests()) == []
    plan = json.loads((tmp_path / "plan" / "undo_phone_buttons.json").read_text())
    assert plan["check_mode"] is True and plan["counts"]["changed"] == changed
    assert (tmp_path / "plan" / "undo_phone_buttons.md").read_text().startswith("## Undo: Phone buttons: ")

    undone = playbook("telephony.apio.undo",
                      extra_vars={"apio_undo_file": str(report), "apio_plan_dir": str(tmp_path / "undone")})
    assert undone.rc == 0, undone.output
    assert buttons(sim, "foouser") == before

    redone = playbook("telephony.apio.undo",
                      extra_vars={"apio_undo_file": str(tmp_path / "undone" / "undo_phone_buttons.json")})
    assert redone.rc == 0, redone.output
    assert buttons(sim, "foouser") == after


def test_undo_refuses_a_user_changed_since(playbook, sim, tmp_path):
    applied = playbook(PLAYBOOKS / "phone_buttons.yml", inventory=INVENTORY,
                       extra_vars={"apio_plan_dir": str(tmp_path / "applied")})
    assert applied.rc == 0, applied.output
    device = sim.user("foo", "foogroup", "foouser")["device"]
    for key in device["keys"]:
        if key["id"] == 9:
            key["label"] = "Front desk"  # changed by hand since the run
    sim.set_user("foo", "foogroup", "foouser", {"device": device})
    sim.reset()
    report = str(tmp_path / "applied" / "phone_buttons.json")
    refused = playbook("telephony.apio.undo", extra_vars={"apio_undo_file": report})
    assert refused.rc != 0
    assert ("user foouser (foo/foogroup): changed on the platform since the run that is undone (key 9 label "
            "'Reception' -> 'Front desk'): not put back") in refused.text
    assert writes(sim.requests()) == []
    skipped = playbook("telephony.apio.undo", extra_vars={"apio_undo_file": report, "apio_undo_on_moved": "skip"})
    assert skipped.rc == 0, skipped.output
    assert [k["label"] for k in buttons(sim, "foouser") if k["id"] == 9] == ["Front desk"]
    assert len(writes(sim.requests())) == json.loads(open(report).read())["counts"]["changed"] - 1


def test_the_playbooks_write_in_waves(playbook, sim, tmp_path):
    dry = playbook(PLAYBOOKS / "primary_line.yml", inventory=INVENTORY, check=True,
                   extra_vars={"apio_waves": [1, "50%"], "apio_max_fail_percentage": 0,
                               "apio_plan_dir": str(tmp_path / "plan")})
    assert dry.rc == 0, dry.output
    assert json.loads((tmp_path / "plan" / "primary_line.json").read_text())["waves"] == [1, 2, 1]
    rollout = playbook(PLAYBOOKS / "phone_buttons.yml", inventory=INVENTORY, check=True,
                       extra_vars={"apio_waves": "[2]", "apio_plan_dir": str(tmp_path / "plan")})
    assert rollout.rc == 0, rollout.output
    assert json.loads((tmp_path / "plan" / "phone_buttons.json").read_text())["waves"] == [2, 2, 1]
    assert "would write 2 of 5 users (wave 1 of 3)" in rollout.output
