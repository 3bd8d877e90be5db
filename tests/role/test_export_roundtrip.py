"""Export, then drift, round trip, property-based (issue #19): on a generated platform, export it; change
any exported attribute (phone buttons, primary line, softphones) of any users behind git's back; the dry
run names exactly those users; apply; the dry run is clean; a re-export is byte-identical to the first.

Every attribute the export writes is managed whole: a portal user exported with ``apio_softphones: []``
is managed, and a device assigned to it by hand is drift that the apply removes.
"""

import json
import shutil
import tempfile
from pathlib import Path

import pytest
from apio_sim.testing import SimulatorProcess
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rolekit import EXAMPLE
from tools import runner
from tools.runner import REPO

EXPORT = REPO / "playbooks" / "export.yml"
SITE = EXAMPLE / "site.yml"
CUSTOMER = "11111111-1111-4111-8111-111111111111"
BENCH_USERS = 4
CLIENT_TYPES = ["desktop", "mobile", "webrtc", "crm"]
ROLES = ["customer.user", "customer.user.uc", "customer.user.uc.softphone"]
# The APIO users whose phone type takes keys (DND_TOGGLE on key 3) and a primary line port setting.
APIO_USERS = [("foo", "foogroup", "foouser"), ("foo", "foogroup", "alice@sip.example.com"),
              ("foo", "foogroup", "bob+1@sip.example.com"), ("foo", "othergroup", "carol@sip.example.com"),
              ("bar", "bargroup", "dave@sip.example.com")] + [
    ("bench", "benchgroup", "user%06d@bench.example" % n) for n in range(BENCH_USERS)]


@pytest.fixture(scope="module")
def platform():
    sim = SimulatorProcess().start(users=BENCH_USERS)
    yield sim
    sim.stop()


# -- the generated platform and the changes behind git's back ---------------------------------------

@st.composite
def portal_user(draw, name):
    """A portal user with 0 to 3 PBX devices, each on a client type or none (one device per client type)."""
    count = draw(st.integers(min_value=0, max_value=3))
    types = draw(st.lists(st.sampled_from(CLIENT_TYPES + [None] * 2), min_size=count, max_size=count))
    seen, devices = set(), []
    for index, client_type in enumerate(types):
        if client_type in seen:
            client_type = None
        seen.add(client_type)
        devices.append({"id": "%s-d%d" % (name, index + 1), "name": "Device %d" % (index + 1), "clientType": client_type})
    return {"id": name, "displayName": name, "email": "%s@example.com" % name, "isParent": False,
            "roles": ROLES, "devices": devices}


@st.composite
def platforms(draw):
    portal = [draw(portal_user("pu%d" % n)) for n in range(1, draw(st.integers(min_value=1, max_value=3)) + 1)]
    primary = draw(st.sets(st.sampled_from(APIO_USERS), max_size=3))  # primary line on for these
    return {"portal": portal, "primary": sorted(primary)}


@st.composite
def changes(draw, generated):
    """Some users (at least one) and for each the change made by hand: (kind, user, how)."""
    portal_names = ["jdoe"] + [u["id"] for u in generated["portal"]]
    candidates = [("portal", name) for name in portal_names] + [("apio", user) for user in APIO_USERS]
    chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4, unique=True))
    made = []
    for kind, who in chosen:
        if kind == "portal":
            made.append((kind, who, (draw(st.integers(min_value=0, max_value=9)), draw(st.sampled_from(CLIENT_TYPES)))))
        else:
            made.append((kind, who, draw(st.sampled_from(["keys", "primary"]))))
    return made


def build(platform, generated):
    platform.reset(state=True)
    for user in generated["portal"]:
        platform.set_portal_user(CUSTOMER, user["id"], user)
    for apio_user in generated["primary"]:
        record = platform.user(*apio_user)
        record["device"]["primaryLinePort"] = True
        platform.set_user(*apio_user, record)


def change_by_hand(platform, made):
    """Make each change through the simulator's admin API; return the ids of the users changed."""
    changed = set()
    for kind, who, how in made:
        if kind == "portal":
            record = platform.portal_user(CUSTOMER, who)
            devices = record["devices"]
            if not devices:  # a device assigned on the communications platform, and as a softphone
                devices.append({"id": who + "-new", "name": "New", "clientType": None})
            target = devices[how[0] % len(devices)]
            if target["clientType"] == how[1]:
                target["clientType"] = None  # unassigned by hand
            else:
                for device in devices:  # assigned by hand: one device per client type
                    if device["clientType"] == how[1]:
                        device["clientType"] = None
                target["clientType"] = how[1]
            platform.set_portal_user(CUSTOMER, who, record)
            changed.add(who)
        else:
            record = platform.user(*who)
            if how == "primary":
                record["device"]["primaryLinePort"] = not record["device"]["primaryLinePort"]
            elif record["device"]["keys"]:
                record["device"]["keys"] = []
            else:
                record["device"]["keys"] = [{"id": 3, "type": "DND_TOGGLE", "label": "DND"}]
            platform.set_user(*who, record)
            changed.add(who[2])
    return changed


# -- the runs ------------------------------------------------------------------------------------------

def ansible(platform, work, *args):
    dump = work / ("results%d.jsonl" % len(list(work.glob("results*.jsonl"))))
    return runner.start("ansible-playbook", args, runner.environment(platform, connection=True, dump=dump), work,
                        dump=dump).wait(900)


def export(platform, work, dest, portal_users):
    extra_vars = dict(apio_export_dir=str(dest), apio_export_portal_users=portal_users)
    run = ansible(platform, work, EXPORT, "-e", json.dumps(extra_vars))
    assert run.rc == 0, run.output[-3000:]
    return dict((str(p.relative_to(dest)), p.read_bytes()) for p in sorted(dest.rglob("*")) if p.is_file())


def dry_run(platform, work, inventory, fail_on_drift=False):
    """The users the dry run would change (from the plan reports of the three playbooks), and the run.

    apio_fail_on_drift stops site.yml at the first playbook that finds drift: the drift is counted
    without it, and the clean run is checked with it."""
    reports = work / "plan"
    shutil.rmtree(reports, ignore_errors=True)
    run = ansible(platform, work, SITE, "-i", inventory, "--check", "-e",
                  json.dumps({"apio_plan_dir": str(reports), "apio_fail_on_drift": fail_on_drift}))
    assert run.rc == 0 or fail_on_drift, run.output[-3000:]
    named = set()
    for name in ("phone_buttons", "primary_line", "softphones"):
        report = json.loads((reports / ("%s.json" % name)).read_text())
        assert report["counts"]["failed"] == 0, (name, report)
        named.update(change["user"] for change in report["changes"])
    return named, run


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example runs ansible-playbook
          print_blob=True)
@given(data=st.data())
def test_export_then_drift_names_exactly_the_changed_users_and_apply_restores_the_export(platform, data):
    generated = data.draw(platforms(), label="platform")
    made = data.draw(changes(generated), label="changes by hand")
    work = Path(tempfile.mkdtemp(prefix="roundtrip-"))
    try:
        build(platform, generated)
        portal_users = [{"customer": CUSTOMER, "user": "jdoe"}] + [
            {"customer": CUSTOMER, "user": u["id"]} for u in generated["portal"]]
        inventory = work / "inventory"
        first = export(platform, work, inventory, portal_users)

        changed = change_by_hand(platform, made)
        named = dry_run(platform, work, inventory)[0]
        assert named == changed

        apply = ansible(platform, work, SITE, "-i", inventory)
        assert apply.rc == 0, apply.output[-3000:]

        named, clean = dry_run(platform, work, inventory, fail_on_drift=True)
        assert named == set()
        assert clean.rc == 0, clean.output[-3000:]

        again = work / "again"
        assert export(platform, work, again, portal_users) == first
    finally:
        shutil.rmtree(work, ignore_errors=True)
