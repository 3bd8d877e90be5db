"""The phone_buttons role over a fleet of synthetic users (the simulator's --users): an invalid user
blocks every write, check mode reports what the real run changes, an interrupted roll-out recovers, and
the task results survive ansible-runner's (AWX's) event size limit.

Each test runs against a simulator of this module (not the session's seed-only ``sim``), reset to its
initial state first, and runs ansible-playbook (or ansible-runner) as a user would.
"""

import json
import os
import re
import signal
import time
from pathlib import Path
from urllib.parse import unquote

import psutil
import pytest
import yaml

from apio_sim.testing import SYNTHETIC_GROUP, SYNTHETIC_TENANT, SimulatorProcess
from apio_sim.testing import synthetic_id as bench_user
from rolekit import role_play
from support import browser
from tools import runner
from tools.runner import BIN, COLLECTIONS, REPO
from tools.simlog import writes

TENANT, GROUP = SYNTHETIC_TENANT, SYNTHETIC_GROUP
HDV230, YEALINK, POLYCOM = "Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300"
PHONE_TYPES = (HDV230, YEALINK, POLYCOM)  # of bench user i: PHONE_TYPES[i % 3]
AWX_LIMIT = 700000  # ansible-runner's MAX_EVENT_RES default, AWX's MAX_EVENT_RES_DATA
ROLLOUT_TASK = "Roll the templates out"  # as ansible-runner names it (no role prefix)


@pytest.fixture(scope="module")
def fleet():
    """A simulator with 3,603 bench users (1,201 of each phone type), no added latency."""
    sim = SimulatorProcess().start(users=3603)
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def slow_fleet():
    """A simulator with 600 bench users and 25 ms per API request, so that a roll-out can be cut."""
    sim = SimulatorProcess().start(users=600, extra_args=["--latency-ms", "25"])
    yield sim
    sim.stop()


def run_playbook(sim, tmp_path, plays, name, check=False):
    """ansible-playbook of ``plays`` (a list of plays) against ``sim``; the task results are recorded."""
    return runner.playbook(sim, tmp_path, plays, name=name, check=check)


def requests_of(sim, method, route="/phone_buttons/"):
    return [r for r in sim.requests(method=method) if route in r["path"]]


def logins(sim):
    return [r for r in sim.requests(method="POST") if r["path"].endswith("/auth/login")]


def user_of_path(path):
    """The user segment of a recorded phone buttons path (raw: '@' may be percent-encoded)."""
    parts = path.strip("/").split("/")
    return unquote(parts[parts.index("users") + 1])


# -- the shipped `standard` template, rendered here on its own, for the simulator's stored form ------

class _Unsafe(yaml.SafeLoader):
    pass


_Unsafe.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
STANDARD = yaml.load((REPO / "roles" / "phone_buttons" / "vars" / "main.yml").read_text(),
                     Loader=_Unsafe)["phone_buttons_builtin_templates"]["standard"]


def _render(text, user, user_vars):
    text = text or ""
    if "{{" not in text:
        return text
    name = text.replace("{{", "").replace("}}", "").strip()
    if name == "phone_buttons_user.user":
        return user
    assert name in user_vars, "this test's renderer only knows plain variables: %r" % text
    return str(user_vars[name])


def standard_keys(device_type, user, user_vars=None):
    """The keys the simulator stores once ``user`` has the `standard` layout: {id: (type, label, parameter)}.

    Only the forms the shipped template uses: `when: NAME is defined`, values `{{ NAME }}` and
    `{{ phone_buttons_user.user }}`. The simulator stores "" for an absent parameter and for the label
    of a Yealink LINE (labelIgnored).
    """
    user_vars = user_vars or {}
    keys = {}
    for key in STANDARD[device_type]:
        when = key.get("when")
        if when:
            assert when.endswith(" is defined"), when
            if when[:-len(" is defined")].strip() not in user_vars:
                continue
        label = _render(key.get("label"), user, user_vars)
        if device_type == YEALINK and key["type"] == "LINE":
            label = ""
        keys[key["id"]] = (key["type"], label, _render(key.get("parameter"), user, user_vars))
    return keys


def stored_keys(sim, user):
    device = sim.user(TENANT, GROUP, user)["device"]
    return dict((k["id"], (k["type"], k["label"], k.get("parameter") or "")) for k in device.get("keys") or [])


def read_report(path):
    """The report file and its changed users' full entries (``changes``) by (tenant, group, user)."""
    report = json.loads(Path(path).read_text())
    entries = report["changes"]
    assert all(e["changed"] for e in entries)
    return report, dict(((u["tenant"], u["group"], u["user"]), u) for u in entries)


# -- 1. one invalid user blocks the whole roll-out ---------------------------------------------------

def test_an_invalid_user_on_another_phone_type_blocks_every_write(fleet, tmp_path):
    fleet.reset(state=True)
    hdv230_users = [bench_user(i) for i in range(0, 3600, 3)]  # 1,200 users, all HDV230
    assert len(hdv230_users) == 1200
    yealink_user = bench_user(1801)  # 1801 % 3 == 1: a Yealink-T46S, in the middle of the list
    users = [{"user": u} for u in hdv230_users[:600]] + [{"user": yealink_user}] + \
            [{"user": u} for u in hdv230_users[600:]]
    templates = {"desk": {
        HDV230: [{"id": 1, "type": "CALLLOG", "label": "History"},
                 {"id": 20, "type": "DND_TOGGLE", "label": "DND"}],  # 24 keys: valid here
        YEALINK: [{"id": 1, "type": "CALLLOG", "label": "History"},
                  {"id": 20, "type": "DND_TOGGLE", "label": "DND"}],  # 16 keys: there is no key 20
    }}
    # phone_buttons_chunk_size: deprecated and without effect, but a 1.0.0 playbook still passes it.
    play = role_play(users, phone_buttons_tenant=TENANT, phone_buttons_group=GROUP, phone_buttons_template="desk",
                     phone_buttons_templates=templates, phone_buttons_chunk_size=500)
    expected_msg = ("nothing was written: 1 of 1201 users not valid, 1,200 users that differ held back: "
                    "user %s (%s/%s): key 20: id 20 is not a programmable key of phone type 'Yealink-T46S' (keys 1 "
                    "to 16)" % (yealink_user, TENANT, GROUP))

    outcomes = {}
    for check in (False, True):
        fleet.reset()
        run = run_playbook(fleet, tmp_path, play, "blocked-%s" % ("check" if check else "apply"), check=check)
        assert run.rc == 2, run.output  # the play failed (a task failed on the host)
        assert "failed=1" in run.output
        assert [r for r in fleet.requests() if r["method"] == "PUT"] == [], "a PUT was sent (check=%s)" % check
        assert writes(fleet.requests()) == []
        assert expected_msg in run.output
        assert "Roll the templates out: read 1201 of 1201 users" in run.output  # progress; no write phase
        assert "wrote" not in run.output and "would write" not in run.output
        assert "phone_buttons: " + expected_msg in run.result("telephony.apio.phone_buttons : Fail if a user failed")["msg"]
        # Every user was read (one GET each) before the decision; one login.
        assert len(requests_of(fleet, "GET")) == 1201
        assert len(logins(fleet)) == 1

        result = run.fact("phone_buttons_result")
        assert result["check_mode"] is check
        assert result["counts"] == {"total": 1201, "changed": 0, "unchanged": 0, "skipped": 0, "failed": 1,
                                    "not_written": 1200}
        failed = [r for r in result["results"] if r.get("failed")]
        assert [(r["user"], r.get("invalid")) for r in failed] == [(yealink_user, True)]
        assert "key 20" in failed[0]["msg"] and "'Yealink-T46S'" in failed[0]["msg"]
        assert not any(r.get("changed") for r in result["results"])
        blocked = [r["user"] for r in result["results"] if r.get("blocked")]
        assert sorted(blocked) == sorted(hdv230_users)  # truncated or not, every blocked user is listed
        outcomes[check] = (result["counts"], result["msg"])
    # Check mode says exactly what the real run did.
    assert outcomes[True] == outcomes[False]
    # Nothing changed on any phone.
    assert stored_keys(fleet, hdv230_users[0]) == {}
    assert stored_keys(fleet, yealink_user) == {1: ("DIRECT_CALL", "reception", "1000"),
                                                2: ("CALLLOG", "history", "")}


# -- 2. check mode reports exactly what the real run changes -----------------------------------------

def test_check_mode_reports_exactly_what_the_real_run_changes(fleet, tmp_path):
    fleet.reset(state=True)
    count = 300
    users = []
    for i in range(count):
        item = {"user": bench_user(i)}
        if i % 5 == 0:
            item["vars"] = {"assistant": bench_user((i + 1) % count)}  # key 10/9/7 BLF on these users
        users.append(item)
    common_vars = {"reception_number": "1000"}
    # 30 users already have the layout: a roll-out leaves them alone.
    done_already = set(range(0, count, 10))
    for i in done_already:
        user_vars = dict(common_vars, **users[i].get("vars", {}))
        keys = [{"id": k, "type": t, "label": lab, "parameter": p}
                for k, (t, lab, p) in sorted(standard_keys(PHONE_TYPES[i % 3], bench_user(i), user_vars).items())]
        fleet.set_user(TENANT, GROUP, bench_user(i), {"device": dict(
            fleet.user(TENANT, GROUP, bench_user(i))["device"], keys=keys)})
    fleet.reset()
    play = role_play(users, phone_buttons_tenant=TENANT, phone_buttons_group=GROUP,
                     phone_buttons_vars=common_vars, phone_buttons_report=str(tmp_path / "check.json"))

    check = run_playbook(fleet, tmp_path, play, "check", check=True)
    assert check.rc == 0, check.output
    assert requests_of(fleet, "PUT") == [] and writes(fleet.requests()) == []
    check_report, check_users = read_report(tmp_path / "check.json")
    assert check_report["check_mode"] is True
    assert check_report["counts"] == {"total": count, "changed": count - len(done_already),
                                      "unchanged": len(done_already), "skipped": 0, "failed": 0}
    assert check.fact("phone_buttons_result")["counts"] == check_report["counts"]

    fleet.reset()
    play[0]["tasks"][0]["vars"]["phone_buttons_report"] = str(tmp_path / "apply.json")
    apply = run_playbook(fleet, tmp_path, play, "apply")
    assert apply.rc == 0, apply.output
    apply_report, apply_users = read_report(tmp_path / "apply.json")
    assert apply_report["check_mode"] is False
    assert apply_report["counts"] == check_report["counts"]

    would = dict((who, entry["changes"]) for who, entry in check_users.items())
    did = dict((who, entry["changes"]) for who, entry in apply_users.items())
    assert len(would) == count - len(done_already)
    assert would == did  # the same users, each with the same changes in words
    assert set(u for _t, _g, u in did) == set(bench_user(i) for i in range(count) if i not in done_already)
    # What check mode showed as each user's new keys is what the real run left on the phone.
    for who in did:
        assert check_users[who]["current"] == apply_users[who]["current"], who
        assert check_users[who]["previous"] == apply_users[who]["previous"], who

    # The real run: one PUT per changed user, on that user's route, and one login.
    puts = requests_of(fleet, "PUT")
    assert len(puts) == len(did)
    assert sorted(user_of_path(r["path"]) for r in puts) == sorted(u for _t, _g, u in did)
    assert len(writes(fleet.requests())) == len(did)
    assert len(logins(fleet)) == 1
    for i in (0, 1, 2, 5, 10, 299):
        user_vars = dict(common_vars, **users[i].get("vars", {}))
        assert stored_keys(fleet, bench_user(i)) == standard_keys(PHONE_TYPES[i % 3], bench_user(i), user_vars)

    # Steady state: nothing changes, no PUT, exactly one GET per user, one login.
    fleet.reset()
    play[0]["tasks"][0]["vars"]["phone_buttons_report"] = str(tmp_path / "again.json")
    again = run_playbook(fleet, tmp_path, play, "again")
    assert again.rc == 0, again.output
    assert again.fact("phone_buttons_result")["counts"] == {"total": count, "changed": 0, "unchanged": count,
                                                            "skipped": 0, "failed": 0}
    assert writes(fleet.requests()) == []
    gets = requests_of(fleet, "GET")
    assert len(gets) == count
    assert len(set(user_of_path(r["path"]) for r in gets)) == count
    assert len(logins(fleet)) == 1


# -- 3. an interrupted roll-out recovers -------------------------------------------------------------

def kill_job(proc):
    """SIGKILL ansible-playbook's process group and every process under it.

    The process group alone is not the whole job: ansible-core's task workers call setsid() (they
    detach from the terminal), so a worker outlives os.killpg of ansible-playbook's group and goes on
    writing. Its descendants are found before anything is killed.
    """
    try:
        descendants = psutil.Process(proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for child in descendants:
        try:
            child.send_signal(signal.SIGKILL)
        except psutil.NoSuchProcess:
            pass


def test_an_interrupted_rollout_recovers(slow_fleet, tmp_path):
    sim = slow_fleet
    sim.reset(state=True)
    count = 600
    users = [{"user": bench_user(i)} for i in range(count)]
    expected = dict((bench_user(i), standard_keys(PHONE_TYPES[i % 3], bench_user(i))) for i in range(count))

    def differing():
        return sorted(u for u in expected if stored_keys(sim, u) != expected[u])

    assert len(differing()) == count  # every bench user starts without the standard layout
    play = role_play(users, phone_buttons_tenant=TENANT, phone_buttons_group=GROUP)
    proc = runner.start_playbook(sim, tmp_path, play, name="rollout", log=tmp_path / "interrupted.log",
                                 new_session=True).proc
    try:
        deadline = time.monotonic() + 120
        while sim.counters()["by_method"].get("PUT", 0) < 100:
            assert proc.poll() is None, "the roll-out ended before it was cut:\n" + (tmp_path / "interrupted.log").read_text()
            assert time.monotonic() < deadline, "no 100 PUTs within 120 s"
            time.sleep(0.02)
        kill_job(proc)  # ansible-playbook and its workers, as a lost job (a killed container) would be
    finally:
        if proc.poll() is None:
            kill_job(proc)
        proc.wait(timeout=30)
    # Let the requests already in flight on the server settle.
    last, stable_since = None, time.monotonic()
    while time.monotonic() - stable_since < 1.0:
        now = sim.counters()["total"]
        if now != last:
            last, stable_since = now, time.monotonic()
        time.sleep(0.1)

    output = (tmp_path / "interrupted.log").read_text()
    assert "Roll the templates out: read 600 of 600 users" in output, output  # cut after the reads,
    assert "wrote 600 of 600 users" not in output and "PLAY RECAP" not in output, output  # before the end
    put_before = [r for r in sim.requests(method="PUT") if r["status"] == 200]
    written = set(user_of_path(r["path"]) for r in put_before)
    left = differing()
    assert 100 <= len(written) < count, "the cut did not fall in the write phase: %d written" % len(written)
    # Each PUT the server took wrote one whole layout; every other user is untouched.
    assert sorted(set(expected) - written) == left

    # A check-mode run sees exactly the users that still differ.
    sim.reset()
    play[0]["tasks"][0]["vars"]["phone_buttons_report"] = str(tmp_path / "check.json")
    check = run_playbook(sim, tmp_path, play, "check", check=True)
    assert check.rc == 0, check.output
    assert writes(sim.requests()) == []
    _report, check_users = read_report(tmp_path / "check.json")
    assert sorted(u for (_t, _g, u), e in check_users.items() if e["changed"]) == left
    assert check.fact("phone_buttons_result")["counts"]["changed"] == len(left)

    # Run again: exactly those users are written, and every user ends with the layout.
    sim.reset()
    del play[0]["tasks"][0]["vars"]["phone_buttons_report"]
    again = run_playbook(sim, tmp_path, play, "again")
    assert again.rc == 0, again.output
    assert again.fact("phone_buttons_result")["counts"] == {"total": count, "changed": len(left),
                                                            "unchanged": count - len(left), "skipped": 0, "failed": 0}
    puts = requests_of(sim, "PUT")
    assert len(puts) == len(left)
    assert sorted(user_of_path(r["path"]) for r in puts) == left
    assert differing() == []

    # And a last run writes nothing.
    sim.reset()
    final = run_playbook(sim, tmp_path, play, "final")
    assert final.rc == 0, final.output
    assert final.fact("phone_buttons_result")["counts"]["changed"] == 0
    assert writes(sim.requests()) == []


# -- 4. results survive AWX (ansible-runner's event size limit) --------------------------------------

def runner_job(sim, tmp_path, name, plays, extra_env=None):
    """One ansible-runner job with its defaults, as AWX runs a playbook; returns (runner, task events)."""
    import ansible_runner

    pdd = tmp_path / ("runner-%s" % name)
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % (BIN / "python"))
    (pdd / "project" / "main.yml").write_text(yaml.safe_dump(plays, sort_keys=False))
    (pdd / "ansible.cfg").write_text("[defaults]\nretry_files_enabled = false\n")
    env = sim.environment()
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_CONFIG": str(pdd / "ansible.cfg"),
                "PATH": "%s%s%s" % (BIN, os.pathsep, os.environ.get("PATH", ""))})
    env.update(extra_env or {})
    sim.reset()
    runner = ansible_runner.run(private_data_dir=str(pdd), playbook="main.yml", envvars=env, quiet=True)
    events = [e for e in runner.events if e["event"] in ("runner_on_ok", "runner_on_failed")]
    return runner, events


def batch_play(users, **options):
    keys = [{"id": i, "type": "DIRECT_CALL", "label": "Speed dial %d" % i, "parameter": "06543230%d" % i}
            for i in (1, 2, 3)]
    module = dict(tenant=TENANT, group=GROUP, keys=keys, purge=True, batch=[{"user": u} for u in users])
    module.update(options)
    return [{"name": "A batch", "hosts": "localhost", "gather_facts": False,
             "tasks": [{"name": "Write the batch", "telephony.apio.apio_phone_buttons": module}]}]


# ansible-runner starts ansible-playbook under a pty (pexpect); Python 3.12 warns that forkpty() in a
# multi-threaded process (pytest's) may deadlock the child, which only execs ansible-playbook.
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")
def test_results_survive_the_awx_event_limit(fleet, tmp_path):
    fleet.reset(state=True)
    users = [bench_user(i) for i in range(1000)]  # all three phone types

    # (a) one apio_phone_buttons batch that changes 1,000 users, default result_limit.
    runner, events = runner_job(fleet, tmp_path, "batch", batch_play(users))
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    assert [e["event_data"]["task"] for e in events] == ["Write the batch"]
    res = events[0]["event_data"]["res"]
    assert res, "ansible-runner dropped the result (str() over %d characters)" % AWX_LIMIT
    assert res["changed"] is True and res["counts"]["changed"] == 1000 and res["counts"]["failed"] == 0
    assert len(str(res)) < AWX_LIMIT
    assert len(requests_of(fleet, "PUT")) == 1000

    # (b) the role's roll-out that changes 1,000 users.
    fleet.reset(state=True)
    play = role_play([{"user": u} for u in users], phone_buttons_tenant=TENANT, phone_buttons_group=GROUP,
                     phone_buttons_vars={"reception_number": "1000"})
    runner, events = runner_job(fleet, tmp_path, "role", play)
    assert (runner.status, runner.rc) == ("successful", 0), runner.stdout.read()
    tasks = [e["event_data"]["task"] for e in events]
    assert ROLLOUT_TASK in tasks and "Keep the outcome as phone_buttons_result" in tasks, tasks
    for event in events:
        res = event["event_data"]["res"]
        assert res, "ansible-runner dropped the result of %r" % event["event_data"]["task"]
        assert "changed" in res, event["event_data"]["task"]
        assert len(str(res)) < AWX_LIMIT, event["event_data"]["task"]
    rollout = [e["event_data"]["res"] for e in events if e["event_data"]["task"] == ROLLOUT_TASK][0]
    assert rollout["changed"] is True and rollout["counts"]["changed"] == 1000
    kept = [e["event_data"]["res"] for e in events if e["event_data"]["task"] == "Keep the outcome as phone_buttons_result"][0]
    assert kept["ansible_facts"]["phone_buttons_result"]["counts"]["changed"] == 1000
    assert len(requests_of(fleet, "PUT")) == 1000
    # The progress lines reach the job's output (AWX shows ansible-runner's verbose events).
    progress = [e["stdout"] for e in runner.events if e["event"] == "verbose" and "Roll the templates out:" in e["stdout"]]
    assert any(line.endswith("read 1000 of 1000 users") for line in progress), progress
    assert any(line.endswith("wrote 1000 of 1000 users") for line in progress), progress

    # Control: the same batch without a limit. Its result is over AWX's limit, and ansible-runner
    # replaces it with {} (changed and counts are lost): what the tests above would catch.
    fleet.reset(state=True)
    runner, events = runner_job(fleet, tmp_path, "nolimit", batch_play(users, result_limit=0))
    assert (runner.status, runner.rc) == ("successful", 0)
    assert [e["event_data"]["res"] for e in events] == [{}]
    fleet.reset(state=True)
    runner, events = runner_job(fleet, tmp_path, "nolimit-measured", batch_play(users, result_limit=0),
                                extra_env={"MAX_EVENT_RES": str(10 ** 9)})  # runner keeps it whole
    assert (runner.status, runner.rc) == ("successful", 0)
    res = events[0]["event_data"]["res"]
    assert res["counts"]["changed"] == 1000
    assert len(str(res)) > AWX_LIMIT


# -- 5. the plan report a reviewer reads, at fleet scale ---------------------------------------------

def test_the_plan_report_of_a_fleet_reads_as_a_few_groups(fleet, tmp_path):
    # 2,400 users: three phone types (user i has PHONE_TYPES[i % 3]) and two templates, each user with
    # its own values (its line, and its assistant or the colleague its reception desk monitors).
    fleet.reset(state=True)
    count = 2400
    users = []
    for i in range(count):
        if i % 2:
            users.append({"user": bench_user(i), "template": "reception", "vars": {"monitored": [bench_user(i - 1)]}})
        else:
            users.append({"user": bench_user(i), "vars": {"assistant": bench_user(i + 1)}} if i % 4 else
                         {"user": bench_user(i)})
    plan = tmp_path / "plan"
    play = role_play(users, phone_buttons_tenant=TENANT, phone_buttons_group=GROUP,
                     phone_buttons_vars={"reception_number": "1000"},
                     phone_buttons_report=str(plan / "phone_buttons.json"))
    play[0]["tasks"].append({"name": "Plan report", "telephony.apio.plan_report": {
        "src": str(plan / "phone_buttons.json"), "title": "Phone buttons", "markdown": str(plan / "phone_buttons.md"),
        "html": str(plan / "phone_buttons.html")}, "check_mode": False})

    run = run_playbook(fleet, tmp_path, play, "plan", check=True)
    assert run.rc == 0, run.output
    assert writes(fleet.requests()) == []

    # The JSON report: every user, with its full detail.
    report, changed = read_report(plan / "phone_buttons.json")
    assert report["counts"] == {"total": count, "changed": count, "unchanged": 0, "skipped": 0, "failed": 0}
    assert len(changed) == count
    assert all(e["previous"]["buttons"] is not None and e["current"]["buttons"] and e["changes"] and e["template"]
               for e in changed.values())
    assert sorted(report["phone_types"]) == sorted(PHONE_TYPES)
    assert sorted(report["templates"]) == ["reception", "standard"]

    # Grouped: one group per template, phone type and whether the user has an assistant.
    outcome = run.result("Plan report")
    assert outcome["users_changed"] == count
    assert outcome["groups"] == 9
    markdown = (plan / "phone_buttons.md").read_text()
    assert len(markdown) <= 65536
    rows = re.findall(r"^\| (\d+) \| ([\d,]+): .* \| (.+) \(template (\w+)\) \| ", markdown, re.M)
    assert [int(number) for number, *unused in rows] == list(range(1, 10))
    assert sum(int(size.replace(",", "")) for unused, size, *rest in rows) == count  # the sizes add up
    assert sorted((phone, template) for *unused, phone, template in rows) == sorted(
        [(p, "standard") for p in PHONE_TYPES] * 2 + [(p, "reception") for p in PHONE_TYPES])
    assert "{user}" in markdown and "{assistant}" in markdown and "{monitored[0]" in markdown
    assert markdown.endswith("Every user's detail (before, after): `phone_buttons.json` and `phone_buttons.html`.\n")
    assert outcome["markdown_chars"] == len(markdown)

    # The HTML report in a real browser: it renders, and its numbers are the JSON's.
    chromium = browser.find_chromium()
    if not chromium:
        (pytest.fail if os.environ.get("CI") else pytest.skip)("no Chromium (apt-get install -y chromium)")
    png = tmp_path / "plan.png"
    dom = browser.render(plan / "phone_buttons.html", png, width=1280, height=2400, chromium=chromium)
    print("screenshot: %s" % png)
    shown = dict((name, int(value.replace(",", ""))) for name, value in
                 re.findall(r'data-count="(\w+)"[^>]*>([\d,]+)<', dom))
    assert shown == dict(report["counts"], groups=9)
    assert len(re.findall(r'<section[^>]* class="group', dom)) == 9
    assert png.stat().st_size > 20000 and not browser.looks_blank(png), png
