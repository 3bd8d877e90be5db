"""The reviewed plan, applied exactly (-e apio_plan_file): examples/gitops's site.yml and one playbook.

A dry run writes plan/<object>.json; the apply of that plan writes its users and values only, whatever the
inventory says by then; a user changed on the platform since the review stops the apply, named; the same
plan applied twice writes nothing the second time."""

import json

from rolekit import EXAMPLE, drift_behind_gits_back
from tools.simlog import writes

INVENTORY = EXAMPLE / "inventory"
SITE = EXAMPLE / "site.yml"
PHONE_BUTTONS = EXAMPLE.parent.parent / "playbooks" / "phone_buttons.yml"


def applied(playbook):
    run = playbook(SITE, inventory=INVENTORY)
    assert run.rc == 0, run.output


def written_users(sim):
    paths = [w["path"] for w in writes(sim.requests())]
    found = set()
    for name in ("carol%40sip.example.com", "dave%40sip.example.com", "jdoe", "foouser", "alice%40sip.example.com",
                 "bob%2B1%40sip.example.com"):
        if any("/%s/" % name in path for path in paths):
            found.add(name.replace("%40", "@").replace("%2B", "+"))
    return found, paths


def test_site_applies_the_reviewed_plan_not_the_inventory_edited_since(playbook, sim, tmp_path):
    applied(playbook)
    drift_behind_gits_back(sim)
    dry = playbook(SITE, inventory=INVENTORY, check=True, extra_vars={"apio_plan_dir": "plan"})
    assert dry.rc == 0, dry.output
    planned = {name: json.loads((tmp_path / "plan" / ("%s.json" % name)).read_text())
               for name in ("phone_buttons", "primary_line", "softphones")}
    assert [[e["user"] for e in planned[n]["changes"]] for n in sorted(planned)] == [
        ["carol@sip.example.com"], ["dave@sip.example.com"], ["jdoe"]]

    # After the review, the inventory changes (every user gets another template): not part of the plan.
    sim.reset()
    edited = {"apio_plan_file": "plan", "apio_plan_dir": "applied", "phone_buttons_template": "reception"}
    run = playbook(SITE, inventory=INVENTORY, extra_vars=edited)
    assert run.rc == 0, run.output
    users, paths = written_users(sim)
    assert users == {"carol@sip.example.com", "dave@sip.example.com", "jdoe"}, paths
    report = json.loads((tmp_path / "applied" / "phone_buttons.json").read_text())
    assert report["changes"][0]["current"] == planned["phone_buttons"]["changes"][0]["current"]

    # The platform is now as the inventory (before the edit) describes it: a dry run finds nothing.
    sim.reset()
    clean = playbook(SITE, inventory=INVENTORY, check=True, extra_vars={"apio_plan_dir": "again",
                                                                        "apio_fail_on_drift": True})
    assert clean.rc == 0, clean.output

    # The same plan once more: every user is already as planned, nothing is written.
    sim.reset()
    twice = playbook(SITE, inventory=INVENTORY, extra_vars={"apio_plan_file": "plan", "apio_plan_dir": "applied2"})
    assert twice.rc == 0, twice.output
    assert writes(sim.requests()) == []


def test_a_user_changed_since_the_review_stops_the_apply_by_name(playbook, sim, tmp_path):
    applied(playbook)
    drift_behind_gits_back(sim)
    dry = playbook(PHONE_BUTTONS, inventory=INVENTORY, check=True, extra_vars={"apio_plan_dir": "plan"})
    assert dry.rc == 0, dry.output
    # Someone changes carol's phone again between the review and the merge.
    device = sim.user("foo", "othergroup", "carol@sip.example.com")["device"]
    first = device["keys"][0]
    first["label"] = "moved"
    sim.set_user("foo", "othergroup", "carol@sip.example.com", {"device": device})
    sim.reset()
    run = playbook(PHONE_BUTTONS, inventory=INVENTORY,
                   extra_vars={"apio_plan_file": "plan/phone_buttons.json", "apio_plan_dir": "applied"})
    assert run.rc != 0
    assert ("user carol@sip.example.com (foo/othergroup): changed on the platform since the plan was made (key %d "
            "label" % first["id"]) in run.output, run.output
    assert writes(sim.requests()) == []


def test_a_plan_this_run_would_replace_is_refused(playbook, sim, tmp_path):
    dry = playbook(PHONE_BUTTONS, inventory=INVENTORY, check=True, extra_vars={"apio_plan_dir": "plan"})
    assert dry.rc == 0, dry.output
    sim.reset()
    run = playbook(PHONE_BUTTONS, inventory=INVENTORY, extra_vars={"apio_plan_file": "plan", "apio_plan_dir": "plan"})
    assert run.rc != 0
    assert "is the report file this run writes (apio_plan_dir)" in run.output, run.output
    assert (tmp_path / "plan" / "phone_buttons.json").exists()
    assert writes(sim.requests()) == []
