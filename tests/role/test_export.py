"""The playbook telephony.apio.export against a simulator of 1,207 users: the GitOps inventory it writes,
a second export that is byte-identical, the collection's playbooks on it (no change, no drift), a drift
that names the one changed user, and the platform's other users listed as not managed."""

import json

import pytest
import yaml
from apio_sim.testing import SimulatorProcess
from rolekit import EXAMPLE
from tools import runner
from tools.runner import REPO
from tools.simlog import writes

EXPORT = REPO / "playbooks" / "export.yml"
SITE = EXAMPLE / "site.yml"
CUSTOMER = "11111111-1111-4111-8111-111111111111"
BENCH_USERS = 1200
PORTAL_USERS = [{"customer": CUSTOMER, "user": "jdoe"}]


@pytest.fixture(scope="module")
def platform():
    """The seed's 7 users and 1,200 bench users; module-wide: each test leaves the platform as it was."""
    sim = SimulatorProcess().start(users=BENCH_USERS)
    yield sim
    sim.stop()


def ansible(sim, tmp_path, *args, command="ansible-playbook"):
    dump = tmp_path / "results.jsonl"
    return runner.start(command, args, runner.environment(sim, connection=True, dump=dump), tmp_path,
                        dump=dump).wait(900)


def export(sim, tmp_path, dest, **extra):
    extra_vars = dict(apio_export_dir=str(dest), apio_export_portal_users=PORTAL_USERS, **extra)
    return ansible(sim, tmp_path, EXPORT, "-e", json.dumps(extra_vars))


def snapshot(directory):
    return dict((str(p.relative_to(directory)), p.read_bytes()) for p in sorted(directory.rglob("*")) if p.is_file())


def plan(directory, name):
    return json.loads((directory / ("%s.json" % name)).read_text())


def test_an_exported_platform_applies_with_no_change_and_drift_names_the_changed_user(platform, tmp_path):
    inventory = tmp_path / "inventory"
    run = export(platform, tmp_path, inventory)
    assert run.rc == 0, run.output
    result = run.result("Read the platform and write the inventory")
    assert result["changed"] is True
    assert (result["users"], result["portal_users"]) == (BENCH_USERS + 7, 1)

    hosts = yaml.safe_load((inventory / "hosts.yml").read_text())
    bench = hosts["apio_users"]["children"]["bench"]["children"]["bench_benchgroup"]["hosts"]
    assert len(bench) == BENCH_USERS and list(bench) == sorted(bench)
    assert list(hosts["portal_users"]["hosts"]) == ["jdoe"]
    # One template per group, each phone type's most common layout; only the users that differ have host_vars.
    all_vars = (inventory / "group_vars" / "all.yml").read_text()
    assert "  bench_benchgroup:\n    Polycom-VVX-300: []\n" in all_vars
    assert "      - {id: 1, type: LINE, parameter: !unsafe \"{{ phone_buttons_user.user }}\"}\n" in all_vars
    group_vars = yaml.safe_load((inventory / "group_vars" / "bench_benchgroup.yml").read_text())
    assert group_vars == {"apio_group": "benchgroup", "phone_buttons_template": "bench_benchgroup",
                          "apio_primary_line": False}
    assert len(list((inventory / "host_vars").iterdir())) == result["host_vars"] < BENCH_USERS
    # Half the bench users have two keys: user000001 set the Yealink layout, user000002 the Polycom one.
    assert not (inventory / "host_vars" / "user000001@bench.example.yml").exists()
    assert yaml.safe_load((inventory / "host_vars" / "user000004@bench.example.yml").read_text()) == {
        "phone_buttons_keys": [{"id": 1, "state": "absent"}, {"id": 2, "state": "absent"}]}
    assert yaml.safe_load((inventory / "host_vars" / "user000005@bench.example.yml").read_text()) == {
        "phone_buttons_keys": [{"id": 1, "type": "DIRECT_CALL", "label": "reception", "parameter": "1000"},
                               {"id": 2, "type": "CALLLOG", "label": "history"}]}
    assert yaml.safe_load((inventory / "host_vars" / "jdoe.yml").read_text()) == {
        "apio_portal_customer": CUSTOMER, "apio_softphones": []}

    # Re-exporting the unchanged platform: byte-identical files, nothing written.
    before = snapshot(inventory)
    again = export(platform, tmp_path, inventory)
    assert again.rc == 0, again.output
    assert again.result("Read the platform and write the inventory")["changed"] is False
    assert snapshot(inventory) == before

    # The collection's playbooks, dry run with drift detection: no change, no write.
    reports = tmp_path / "plan"
    drift = ansible(platform, tmp_path, SITE, "-i", inventory, "--check", "-e",
                    json.dumps({"apio_plan_dir": str(reports), "apio_fail_on_drift": True}))
    assert drift.rc == 0, drift.output
    assert writes(platform.requests()) == []
    for name in ("phone_buttons", "primary_line", "softphones"):
        assert plan(reports, name)["counts"]["changed"] == 0, name
    assert plan(reports, "phone_buttons")["counts"]["unchanged"] == BENCH_USERS + 5  # 2 without keys: skipped

    # One user's keys changed by hand: the drift check names that user, and only that user.
    changed_user = "user000007@bench.example"
    record = platform.user("bench", "benchgroup", changed_user)
    record["device"]["keys"] = [{"id": 3, "type": "DND_TOGGLE", "label": "DND"}]
    platform.set_user("bench", "benchgroup", changed_user, record)
    drift = ansible(platform, tmp_path, SITE, "-i", inventory, "--check", "-e",
                    json.dumps({"apio_plan_dir": str(reports), "apio_fail_on_drift": True}))
    assert drift.rc != 0
    assert "drift: 1 of %d users differ from the desired state (Phone buttons" % (BENCH_USERS + 7) in drift.output
    buttons = plan(reports, "phone_buttons")
    assert [c["user"] for c in buttons["changes"]] == [changed_user]
    assert plan(reports, "primary_line")["counts"]["changed"] == 0
    assert writes(platform.requests()) == []
    platform.reset(state=True)


def test_users_on_the_platform_but_not_in_git_are_listed_and_left_alone(platform, tmp_path):
    """The inventory plugin lists every user; git (an export of tenant bench only) describes the bench users."""
    inventory = tmp_path / "inventory"
    assert export(platform, tmp_path, inventory, apio_export_tenants=["bench"]).rc == 0
    (tmp_path / "platform.apio_users.yml").write_text("plugin: telephony.apio.users\n")
    platform.reset()
    reports = tmp_path / "plan"
    run = ansible(platform, tmp_path, REPO / "playbooks" / "phone_buttons.yml", "-i", tmp_path / "platform.apio_users.yml",
                  "-i", inventory, "--check", "-e", json.dumps({"apio_plan_dir": str(reports), "apio_fail_on_drift": True}))
    assert run.rc == 0, run.output
    unmanaged = ["alice@sip.example.com", "basic@sip.example.com", "bob+1@sip.example.com", "carol@sip.example.com",
                 "dave@sip.example.com", "foouser", "nophone"]
    report = plan(reports, "phone_buttons")
    assert report["unmanaged"] == unmanaged
    assert report["counts"]["total"] == BENCH_USERS
    assert "Phone buttons: 7 hosts have no desired state in the inventory and were left alone: alice@sip.example.com" in run.output, run.output[-3000:]
    assert "### Not managed: no desired state in the inventory (7)" in (reports / "phone_buttons.md").read_text()
    read = set(r["path"] for r in platform.requests(method="GET") if "/phone_buttons/" in r["path"])
    assert not [path for path in read if "/tenants/foo/" in path or "/tenants/bar/" in path]
    assert writes(platform.requests()) == []

    # apio_fail_on_unmanaged turns the list into a failure.
    strict = ansible(platform, tmp_path, REPO / "playbooks" / "phone_buttons.yml", "-i", tmp_path / "platform.apio_users.yml",
                     "-i", inventory, "--check", "-e", json.dumps({"apio_fail_on_unmanaged": True}))
    assert strict.rc != 0
    assert "7 hosts have no desired state for phone buttons in the inventory (apio_fail_on_unmanaged)" in strict.output
    # At the end of the run, on localhost (drift.yml), not against one of the users' hosts.
    assert "fatal: [localhost]: FAILED!" in strict.output, strict.output[-3000:]
