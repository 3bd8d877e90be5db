"""What a GitOps run says: the recap counts only the users the playbooks change (never their own scratch
files or the plan report files), ``--diff`` shows only users, and a drift check names who drifted."""

import re

from rolekit import CUSTOMER, EXAMPLE, drift_behind_gits_back
from tools.simlog import writes

INVENTORY = EXAMPLE / "inventory"
SITE = EXAMPLE / "site.yml"
PLAYBOOKS = EXAMPLE.parent.parent / "playbooks"
RUNS = {"phone_buttons": PLAYBOOKS / "phone_buttons.yml", "primary_line": PLAYBOOKS / "primary_line.yml",
        "softphones": PLAYBOOKS / "softphones.yml", "site": SITE}
# What the playbooks themselves write, which neither the recap nor --diff may show.
SCRATCH = (".apio_hosts.json", "phone_buttons.json", "phone_buttons.md", "phone_buttons.html", "primary_line.json",
           "primary_line.md", "primary_line.html", "softphones.json", "softphones.md", "softphones.html")


def changed(run):
    """The recap's changed= count, summed over its hosts."""
    counts = re.findall(r"^\S+\s+: ok=\d+\s+changed=(\d+)", run.output, re.M)
    assert counts, run.output
    return sum(int(c) for c in counts)


def diff_headers(run):
    """The lines of --diff output that say what is diffed (before/after headers)."""
    return [line for line in run.output.splitlines() if line.startswith(("--- before", "+++ after"))]


def no_scratch(run):
    shown = [line for line in run.output.splitlines() if any(name in line for name in SCRATCH)]
    shown = [line for line in shown if line.startswith(("---", "+++", "@@", "+", "-"))]
    assert shown == [], run.output


def apply_site(playbook):
    run = playbook(SITE, inventory=INVENTORY)
    assert run.rc == 0, run.output


def test_a_clean_dry_run_reports_no_change_and_no_diff(playbook, sim, tmp_path):
    apply_site(playbook)
    sim.reset()
    for name, path in RUNS.items():
        run = playbook(path, inventory=INVENTORY, check=True, diff=True,
                       extra_vars={"apio_plan_dir": str(tmp_path / ("plan-" + name))})
        assert run.rc == 0, run.output
        assert changed(run) == 0, (name, run.output)
        no_scratch(run)
        assert diff_headers(run) == [], (name, run.output)
    assert writes(sim.requests()) == []


def test_a_dry_run_counts_and_diffs_only_the_users_that_differ(playbook, sim, tmp_path):
    apply_site(playbook)
    drift_behind_gits_back(sim)
    sim.reset()
    expected = {"phone_buttons": ["carol@sip.example.com"], "primary_line": ["dave@sip.example.com"],
                "softphones": ["jdoe"]}
    expected["site"] = [user for users in expected.values() for user in users]
    others = ["foouser", "alice@sip.example.com", "bob+1@sip.example.com", "basic@sip.example.com"]
    for name, path in RUNS.items():
        run = playbook(path, inventory=INVENTORY, check=True, diff=True,
                       extra_vars={"apio_plan_dir": str(tmp_path / ("plan-" + name))})
        assert run.rc == 0, run.output
        assert changed(run) == len(expected[name]), (name, run.output)
        no_scratch(run)
        headers = diff_headers(run)
        assert headers, (name, run.output)
        for user in expected[name]:
            assert any(user in line for line in headers), (name, user, headers)
        for user in others + [u for u in expected["site"] if u not in expected[name]]:
            assert not any(user in line for line in headers), (name, user, headers)
    assert writes(sim.requests()) == []


def fatal(run):
    """The lines of the run that say a task failed."""
    return [line for line in run.output.splitlines() if line.startswith("fatal: ")]


def test_a_drift_check_without_a_plan_dir_names_the_users_that_differ(playbook, sim):
    apply_site(playbook)
    for group, user in (("othergroup", "carol@sip.example.com"), ("foogroup", "alice@sip.example.com")):
        device = sim.user("foo", group, user)["device"]
        device["keys"] = [k for k in device["keys"] if k["id"] != 9]  # changed by hand
        sim.set_user("foo", group, user, {"device": device})
    sim.reset()
    run = playbook(RUNS["phone_buttons"], inventory=INVENTORY, check=True, extra_vars={"apio_fail_on_drift": True})
    assert run.rc != 0
    lines = fatal(run)
    assert len(lines) == 1 and lines[0].startswith("fatal: [localhost]: FAILED!"), run.output  # the run's, not a user's
    assert ("drift: 2 of 6 users differ from the desired state (Phone buttons): "
            "user alice@sip.example.com (foo/foogroup), user carol@sip.example.com (foo/othergroup)") in run.text
    assert "more" not in lines[0] and "not named" not in lines[0]
    assert writes(sim.requests()) == []


def test_a_site_drift_check_checks_every_object_and_names_each(playbook, sim, tmp_path):
    apply_site(playbook)
    device = sim.user("foo", "othergroup", "carol@sip.example.com")["device"]
    device["keys"] = [k for k in device["keys"] if k["id"] != 9]
    sim.set_user("foo", "othergroup", "carol@sip.example.com", {"device": device})
    jdoe = sim.portal_user(CUSTOMER, "jdoe")
    jdoe["devices"] = [dict(d, clientType=None) if d["clientType"] == "mobile" else d for d in jdoe["devices"]]
    sim.set_portal_user(CUSTOMER, "jdoe", {"devices": jdoe["devices"]})
    sim.reset()
    plan = tmp_path / "plan"
    plan.mkdir()
    for name in ("phone_buttons", "primary_line", "softphones"):  # an earlier run's reports
        for suffix in ("json", "md", "html"):
            (plan / ("%s.%s" % (name, suffix))).write_text("stale\n")

    run = playbook(SITE, inventory=INVENTORY, check=True, extra_vars={"apio_fail_on_drift": True, "apio_plan_dir": "plan"})
    assert run.rc != 0
    lines = fatal(run)
    assert len(lines) == 1 and lines[0].startswith("fatal: [localhost]: FAILED!"), run.output
    assert ("drift: 1 of 6 users differ from the desired state (Phone buttons, see plan/phone_buttons.md): "
            "user carol@sip.example.com (foo/othergroup); ") in run.text
    assert "drift: 1 of 1 users differ from the desired state (Softphones, see plan/softphones.md): user jdoe" in run.text
    assert "Primary line port" not in lines[0]
    for name in ("phone_buttons", "primary_line", "softphones"):  # every object checked and reported afresh
        for suffix in ("json", "md", "html"):
            assert (plan / ("%s.%s" % (name, suffix))).read_text() != "stale\n", (name, suffix)
    assert ": 0 users would change" in (plan / "primary_line.md").read_text()
    assert writes(sim.requests()) == []
