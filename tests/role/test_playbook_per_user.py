"""The phone_buttons playbook takes each user's desired state from that user's own variables only:
nothing a host sets (host_vars) reaches another user, whichever host the play runs on (run_once runs
on the first host of the inventory), so the plan does not depend on the inventory's order."""

import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rolekit import EXAMPLE
from tools.simlog import writes

PLAYBOOK = EXAMPLE.parent.parent / "playbooks" / "phone_buttons.yml"
# Users of the simulator's seed: host -> (tenant, group).
USERS = {"foouser": ("foo", "foogroup"), "alice@sip.example.com": ("foo", "foogroup"),
         "carol@sip.example.com": ("foo", "othergroup"), "dave@sip.example.com": ("bar", "bargroup")}
BOSS = {"id": 12, "type": "DIRECT_CALL", "label": "Boss", "parameter": "065432368"}


def inventory(directory, order, host_vars, group_vars=None):
    """An inventory of USERS in ``order`` (the play runs on its first host): each host's own variables
    in host_vars/, what every user shares in group_vars/apio_users.yml."""
    directory.mkdir(parents=True, exist_ok=True)
    hosts = {host: {"apio_tenant": USERS[host][0], "apio_group": USERS[host][1]} for host in order}
    (directory / "hosts.yml").write_text(yaml.safe_dump({"apio_users": {"hosts": hosts}}, sort_keys=False))
    (directory / "group_vars").mkdir(exist_ok=True)
    shared = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
              "phone_buttons_template": "standard", "phone_buttons_vars": {"reception_number": "1000"}}
    shared.update(group_vars or {})
    (directory / "group_vars" / "apio_users.yml").write_text(yaml.safe_dump(shared))
    (directory / "host_vars").mkdir(exist_ok=True)
    for host, variables in host_vars.items():
        (directory / "host_vars" / ("%s.yml" % host)).write_text(yaml.safe_dump(variables))
    return directory


def plan(playbook, directory, order, host_vars, group_vars=None):
    """The plan report of a dry run: {user label: (template, previous buttons, current buttons)}, and
    the skipped users."""
    inv = inventory(directory / "inventory", order, host_vars, group_vars)
    run = playbook(PLAYBOOK, inventory=inv, check=True, extra_vars={"apio_plan_dir": str(directory / "plan")})
    assert run.rc == 0, run.output
    data = json.loads((directory / "plan" / "phone_buttons.json").read_text())
    users = {c["user_label"]: (c.get("template"), c["previous"], c["current"]) for c in data["changes"]}
    return users, sorted(data["skipped"]), data["counts"]


OWN = {"foouser": {"phone_buttons_keys": [BOSS]},
       "alice@sip.example.com": {"phone_buttons_template": "reception", "phone_buttons_operator": "telenet",
                                 "phone_buttons_vars": {"monitored": ["foouser"]}}}


def test_each_user_is_planned_and_written_from_its_own_variables_whichever_host_is_first(playbook, sim, tmp_path):
    plans = []
    for first in USERS:
        order = [first] + [h for h in USERS if h != first]
        users, skipped, counts = plan(playbook, tmp_path / first, order, OWN)
        boss = sorted(label for label, (_t, _p, current) in users.items() if BOSS in current["buttons"])
        assert boss == ["user foouser (foo/foogroup)"], (first, boss)
        plans.append((users, skipped, counts))
    assert all(p == plans[0] for p in plans[1:])

    # Applied with a user without keys of its own first: each user gets its own keys, and only
    # alice's phone is written through her operator's route.
    sim.reset()
    order = ["carol@sip.example.com", "foouser", "alice@sip.example.com", "dave@sip.example.com"]
    inv = inventory(tmp_path / "apply", order, OWN)
    run = playbook(PLAYBOOK, inventory=inv)
    assert run.rc == 0, run.output
    written = {}
    for request in writes(sim.requests()):
        written[request["path"]] = request
    boss = [path for path, request in written.items() if "065432368" in json.dumps(request.get("body"))]
    assert len(boss) == 1 and "/foouser/" in boss[0], written
    telenet = [path for path in written if "/telenet/" in path]
    assert len(telenet) == 1 and "alice" in telenet[0], written
    assert sim.user("foo", "othergroup", "carol@sip.example.com")["device"]["keys"]
    assert BOSS["parameter"] not in json.dumps(sim.user("foo", "othergroup", "carol@sip.example.com"))
    assert BOSS["parameter"] not in json.dumps(sim.user("bar", "bargroup", "dave@sip.example.com"))


OVERRIDES = st.fixed_dictionaries({}, optional={
    "phone_buttons_keys": st.just([BOSS]),
    "phone_buttons_template": st.sampled_from(["standard", "reception"]),
})


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(order=st.permutations(sorted(USERS)), host_vars=st.dictionaries(st.sampled_from(sorted(USERS)), OVERRIDES),
       shared_keys=st.booleans())
def test_the_plan_does_not_depend_on_the_order_of_the_hosts(playbook, sim, tmp_path_factory, order, host_vars, shared_keys):
    group_vars = {"phone_buttons_keys": [{"id": 4, "state": "absent"}]} if shared_keys else {}
    directory = tmp_path_factory.mktemp("order")
    first = plan(playbook, directory / "a", order, host_vars, group_vars)
    second = plan(playbook, directory / "b", list(reversed(order)), host_vars, group_vars)
    assert first == second


def test_a_misspelt_variable_is_a_warning_naming_the_host_and_the_known_name(playbook, sim, tmp_path):
    host_vars = {"foouser": {"phone_buttons_key": [BOSS]},  # for phone_buttons_keys: ignored, but said
                 "carol@sip.example.com": {"apio_site_notes": "ours"}}  # close to no known name: left alone
    inv = inventory(tmp_path / "inventory", list(USERS), host_vars)
    run = playbook(PLAYBOOK, inventory=inv, check=True)
    assert run.rc == 0, run.output
    output = " ".join(run.output.split())  # the warning may be wrapped
    assert ("phone_buttons_key is not a variable of telephony.apio and is ignored (host foouser): "
            "did you mean phone_buttons_keys?") in output, run.output
    assert "apio_site_notes" not in output
    assert output.count("phone_buttons_key is not") == 1, run.output
