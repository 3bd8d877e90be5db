"""The collection's playbooks sliced as AWX slices a job: 4 ansible-playbook processes at once on the
inventory plugin's hosts, each limited to its slice (the hosts sorted by name, round-robin: slice k of n
gets hosts k, k+n, ...), against a simulator of 1,000 bench users whose desired state is a group
policy in git, plus the seed's users, which git does not describe."""

import json
import re
from collections import Counter

import pytest
from apio_sim.testing import SimulatorProcess
from tools import runner
from tools.inventory import awx_slices, platform_and_policy
from tools.simlog import writes

SLICES = 4
BENCH_USERS = 1000
SEED_USERS = ["alice@sip.example.com", "basic@sip.example.com", "bob+1@sip.example.com", "carol@sip.example.com",
              "dave@sip.example.com", "foouser", "nophone"]
PLAYBOOKS = ["telephony.apio.phone_buttons", "telephony.apio.primary_line"]
USER_IN_PATH = re.compile(r"/users/([^/]+)/access_device/(phone_buttons|primary_line_port)/")


@pytest.fixture(scope="module")
def platform():
    sim = SimulatorProcess().start(users=BENCH_USERS)
    yield sim
    sim.stop()


@pytest.fixture
def inventories(tmp_path):
    """-i options: the plugin's configuration (the platform) and the git inventory (the desired state)."""
    return platform_and_policy(tmp_path)


def slices(platform, tmp_path, inventories):
    """The host names of each slice, as AWX deals them out, each in a --limit file."""
    listed = runner.start("ansible-inventory", inventories + ["--list"], runner.environment(platform, connection=True),
                          tmp_path).wait(300)
    hosts = listed.data["_meta"]["hostvars"]
    assert len(hosts) == BENCH_USERS + len(SEED_USERS)
    found = []
    for k, members in enumerate(awx_slices(hosts, SLICES), 1):
        path = tmp_path / ("slice%d.txt" % k)
        path.write_text("\n".join(members) + "\n")
        found.append((path, members))
    return found


def run_slices(platform, tmp_path, inventories, limits, name, extra_vars):
    """Every playbook for every slice: one ansible-playbook process per slice, all at once."""
    jobs = []
    for k, limit in enumerate(limit for limit, _hosts in limits):
        plan = tmp_path / name / ("slice%d" % (k + 1))
        variables = dict(extra_vars, apio_plan_dir=str(plan))
        site = tmp_path / "site.yml"
        site.write_text("---\n" + "".join("- ansible.builtin.import_playbook: %s\n" % p for p in PLAYBOOKS))
        args = [site, "--limit", "@%s" % limit, "-e", json.dumps(variables)] + inventories
        jobs.append((plan, runner.start("ansible-playbook", args, runner.environment(platform, connection=True),
                                        tmp_path, log=tmp_path / ("%s-slice%d.log" % (name, k + 1)))))
    done = []
    for plan, job in jobs:
        run = job.wait(900)
        done.append((plan, run.rc, run.output))
    return done


def users_written(platform, route):
    return Counter(USER_IN_PATH.search(r["path"]).group(1).replace("%40", "@")
                   for r in platform.requests(method="PUT") if route in r["path"])


def report(plan, name):
    return json.loads((plan / ("%s.json" % name)).read_text())


def test_four_slices_converge_every_user_once_and_then_change_nothing(platform, tmp_path, inventories):
    limits = slices(platform, tmp_path, inventories)
    platform.reset()

    first = run_slices(platform, tmp_path, inventories, limits, "apply", {})
    for _plan, rc, output in first:
        assert rc == 0, output[-3000:]
    bench = set("user%06d@bench.example" % i for i in range(BENCH_USERS))
    for route in ("phone_buttons", "primary_line_port"):
        written = users_written(platform, route)
        # Every managed user written, each exactly once, by one slice; the seed's users never.
        assert set(written) == bench, route
        assert set(written.values()) == {1}, route
    for (plan, _rc, _output), (_limit, hosts) in zip(first, limits, strict=True):
        buttons = report(plan, "phone_buttons")
        mine = sorted(h for h in hosts if h.endswith("@bench.example"))
        assert sorted(c["user"] for c in buttons["changes"]) == mine
        assert buttons["unmanaged"] == sorted(h for h in hosts if h in SEED_USERS)
        assert report(plan, "primary_line")["counts"]["changed"] == len(mine)

    # The slices' reports, merged afterwards into one.
    merged = tmp_path / "merged"
    merged.mkdir()
    sources = [str(plan / "phone_buttons.json") for plan, _rc, _output in first]
    adhoc = runner.start(
        "ansible", ["localhost", "-m", "telephony.apio.plan_report", "-a", json.dumps(dict(
            src=sources, title="Phone buttons", json=str(merged / "phone_buttons.json"),
            markdown=str(merged / "phone_buttons.md")))],
        runner.environment(platform, connection=True), tmp_path).wait(300)
    assert adhoc.rc == 0, adhoc.output
    whole = report(merged, "phone_buttons")
    assert whole["counts"]["changed"] == BENCH_USERS
    assert sorted(whole["unmanaged"]) == SEED_USERS
    assert (merged / "phone_buttons.md").read_text().startswith("## Phone buttons: 1,000 users changed\n")

    # The same sliced job again: nothing to change, nothing written.
    platform.reset()
    again = run_slices(platform, tmp_path, inventories, limits, "again", {"apio_fail_on_drift": True})
    for plan, rc, output in again:
        assert rc == 0, output[-3000:]
        assert report(plan, "phone_buttons")["counts"]["changed"] == 0
    assert writes(platform.requests()) == []
