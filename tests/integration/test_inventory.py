"""The inventory plugin telephony.apio.users: real ``ansible-inventory`` runs against the simulator."""

import re
import secrets
import shutil

import pytest
import yaml
from apio_sim.testing import SEED_CREDENTIALS, SimulatorProcess
from apio_sim.tls import make_test_certs
from tools.runner import inventory as run_inventory
from tools.runner import REPO
from tools.simlog import count_requests

GITOPS = REPO / "examples" / "gitops" / "inventory"
HDV230, YEALINK, POLYCOM, GENERIC = "Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300", "Generic SIP Phone"
SEED_USERS = {  # the simulator's seed: user -> (tenant, group, phone type)
    "foouser": ("foo", "foogroup", HDV230),
    "nophone": ("foo", "foogroup", None),
    "basic@sip.example.com": ("foo", "foogroup", GENERIC),
    "alice@sip.example.com": ("foo", "foogroup", YEALINK),
    "bob+1@sip.example.com": ("foo", "foogroup", POLYCOM),
    "carol@sip.example.com": ("foo", "othergroup", HDV230),
    "dave@sip.example.com": ("bar", "bargroup", YEALINK),
}
# Issued by the simulator ({"alg":"HS256","typ":"JWT"} header): tokens the plugin obtained itself.
JWT = re.compile(r"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")


def listing_and_phone_requests(sim):
    """The simulator's listing GETs, phone buttons GETs and anything else the plugin sent (logins aside)."""
    counts = count_requests(sim)
    return {"listings": counts["listings"], "phones": counts["button_gets"],
            "other": counts["puts"] + counts["phone_type_gets"] + counts["other"]}


@pytest.mark.smoke
def test_list_the_platform(sim, tmp_path):
    run = run_inventory(sim, tmp_path, {})
    assert run.rc == 0, run.output
    data = run.data
    assert sorted(data["_meta"]["hostvars"]) == sorted(SEED_USERS)
    assert run.hostvars("foouser") == {
        "ansible_connection": "local", "apio_tenant": "foo", "apio_group": "foogroup", "apio_user": "foouser",
        "apio_first_name": "Giulio", "apio_last_name": "Rossi", "apio_extension": "1000",
        "apio_phone_number": "+3225551000"}
    for user, (tenant, group, _type) in SEED_USERS.items():
        assert (run.hostvars(user)["apio_tenant"], run.hostvars(user)["apio_group"]) == (tenant, group)
        assert "apio_device_type" not in run.hostvars(user)  # phone_details is off by default
    assert run.group("apio_users") == {"hosts": [], "children": ["bar", "foo"]}
    assert run.group("foo") == {"hosts": [], "children": ["foo_foogroup", "foo_othergroup"]}
    assert run.group("bar") == {"hosts": [], "children": ["bar_bargroup"]}
    assert run.group("foo_foogroup")["hosts"] == sorted(u for u, w in SEED_USERS.items() if w[1] == "foogroup")
    assert run.group("foo_othergroup")["hosts"] == ["carol@sip.example.com"]
    assert run.group("bar_bargroup")["hosts"] == ["dave@sip.example.com"]
    assert run.hosts_of("apio_users") == sorted(SEED_USERS)
    # The listing only: tenants, 2 tenants' groups, 3 groups' users; one login.
    assert listing_and_phone_requests(sim) == {"listings": 6, "phones": 0, "other": 0}
    assert sim.counters()["logins"] == 1


def test_groups_match_the_gitops_example(sim, tmp_path):
    """Every host of examples/gitops/inventory/hosts.yml is in the same groups, and its group_vars apply."""
    run = run_inventory(sim, tmp_path, {})
    gitops = yaml.safe_load((GITOPS / "hosts.yml").read_text())

    def walk(name, body, parents):
        for host in (body or {}).get("hosts") or {}:
            yield host, parents + [name]
        for child, child_body in ((body or {}).get("children") or {}).items():
            yield from walk(child, child_body, parents + [name])

    expected = list(walk("apio_users", gitops["apio_users"], []))
    assert expected
    for host, groups in expected:
        leaf = groups[-1]
        assert host in run.group(leaf)["hosts"], (host, leaf)
        for parent, child in zip(groups, groups[1:], strict=False):
            assert child in run.group(parent)["children"], (parent, child)

    # The example's group_vars next to the plugin's file: the same variables reach the same users.
    shutil.copytree(GITOPS / "group_vars", tmp_path / "group_vars")
    host = run_inventory(sim, tmp_path, {}, "--host", "alice@sip.example.com")
    assert host.rc == 0, host.output
    found = host.data
    assert found["apio_primary_line"] is True and found["reception_number"] == "1000"  # group_vars/foo_foogroup.yml
    assert found["apio_tenant"] == "foo" and found["apio_group"] == "foogroup"


def test_phone_details_and_groups_by_phone_type(sim, tmp_path):
    run = run_inventory(sim, tmp_path, {
        "phone_details": True,
        "keyed_groups": [{"key": "apio_device_type | default('none', true)", "prefix": "phone"}],
        "compose": {"display_name": "apio_first_name ~ ' ' ~ apio_last_name"},
        "groups": {"keys_users": "apio_device_type not in [none, 'Generic SIP Phone']"},
    })
    assert run.rc == 0, run.output
    assert run.hostvars("foouser")["apio_device_type"] == HDV230
    assert run.hostvars("foouser")["apio_device_name"] == "DP_giulio@sip.netaxis.be"
    assert run.hostvars("nophone")["apio_device_type"] is None
    assert run.hostvars("nophone")["apio_device_name"] is None
    assert run.hostvars("foouser")["display_name"] == "Giulio Rossi"
    for phone_type in (HDV230, YEALINK, POLYCOM, GENERIC):
        group = "phone_" + re.sub(r"\W", "_", phone_type)
        assert run.group(group)["hosts"] == sorted(u for u, w in SEED_USERS.items() if w[2] == phone_type), group
    assert run.group("phone_none")["hosts"] == ["nophone"]
    assert run.group("keys_users")["hosts"] == sorted(
        u for u, w in SEED_USERS.items() if w[2] not in (None, GENERIC))
    assert listing_and_phone_requests(sim) == {"listings": 6, "phones": len(SEED_USERS), "other": 0}
    assert sim.counters()["logins"] == 1


def test_filters(sim, tmp_path):
    run = run_inventory(sim, tmp_path, {"tenants": ["foo"], "apio_groups": ["othergroup"]})
    assert sorted(run.data["_meta"]["hostvars"]) == ["carol@sip.example.com"]
    sim.reset()
    run = run_inventory(sim, tmp_path, {"apio_groups": ["bar/bargroup", "foo/othergroup"]})
    assert sorted(run.data["_meta"]["hostvars"]) == ["carol@sip.example.com", "dave@sip.example.com"]
    assert listing_and_phone_requests(sim)["listings"] == 2  # the two groups' users, nothing else


def test_an_api_error_fails_the_source_with_the_api_message(sim, tmp_path):
    # A source that fails fails the command (as the plugin's notes advise); otherwise ansible-inventory
    # warns and lists only localhost.
    env = {"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}
    run = run_inventory(sim, tmp_path, {"tenants": ["nope"]}, env=env)
    assert run.rc != 0
    assert "telephony.apio.users: GET groups of tenant 'nope' failed: HTTP 404: tenant not found" in run.text
    # A group admin sees its own group only; naming another group is the API's refusal, naming it.
    group_admin = dict(env, APIO_USERNAME="fooadmin", APIO_PASSWORD="fooadmin-pass")
    run = run_inventory(sim, tmp_path, {}, env=group_admin)
    assert run.rc == 0, run.output
    assert run.hosts_of("apio_users") == sorted(u for u, w in SEED_USERS.items() if w[1] == "foogroup")
    run = run_inventory(sim, tmp_path, {"apio_groups": ["foo/othergroup"]}, env=group_admin)
    assert run.rc != 0
    assert ("telephony.apio.users: GET users of tenant 'foo', group 'othergroup' failed: HTTP 403: permission "
            "denied") in run.text


def test_no_secret_at_vvvv(sim, tmp_path):
    """The password, in the environment or in the file, and the tokens the plugin obtained: never printed."""
    wrong = "wrong-" + secrets.token_urlsafe(18)
    env = {"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true"}
    failed = run_inventory(sim, tmp_path, {}, "--list", "-vvvv", env=dict(env, APIO_PASSWORD=wrong))
    assert failed.rc != 0
    assert "POST APIO login failed: HTTP 401: invalid credentials (as user 'admin')" in failed.text
    assert wrong not in failed.output

    in_file = run_inventory(sim, tmp_path, {"username": "admin", "password": wrong}, "--list", "-vvvv", env=env)
    assert in_file.rc != 0 and "invalid credentials" in in_file.text
    assert wrong not in in_file.output

    passed = run_inventory(sim, tmp_path, {"phone_details": True}, "--list", "-vvvv")
    assert passed.rc == 0, passed.output
    assert "foouser" in passed.output
    assert SEED_CREDENTIALS["APIO_PASSWORD"] not in passed.output
    assert not JWT.search(passed.output)


def test_cache_serves_the_second_run(sim, tmp_path):
    cache = tmp_path / "cache"
    config = {"phone_details": True, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(cache), "keyed_groups": [{"key": "apio_device_type", "prefix": "phone"}]}
    first = run_inventory(sim, tmp_path, config)
    assert first.rc == 0, first.output
    assert listing_and_phone_requests(sim)["phones"] == len(SEED_USERS)
    sim.reset()
    second = run_inventory(sim, tmp_path, config)
    assert second.data == first.data
    assert sim.requests() == []  # no login, no listing
    stored = "".join(p.read_text() for p in cache.iterdir())
    assert SEED_CREDENTIALS["APIO_PASSWORD"] not in stored and not JWT.search(stored)
    assert SEED_CREDENTIALS["APIO_PASSWORD"] not in "".join(p.name for p in cache.iterdir())


def test_synthetic_platform_grouped_by_phone_type(tmp_path):
    """300 synthetic users of the simulator (--users): three phone types, 100 each, read 8 at once."""
    with SimulatorProcess().start(users=300) as sim:
        run = run_inventory(sim, tmp_path, {
            "tenants": ["bench"], "phone_details": True, "parallel": 8,
            "keyed_groups": [{"key": "apio_device_type", "prefix": "phone"}]})
        assert run.rc == 0, run.output
        assert len(run.data["_meta"]["hostvars"]) == 300
        assert run.hostvars("user000001@bench.example")["apio_device_name"] == "bench-000001"
        for phone_type in (HDV230, YEALINK, POLYCOM):
            assert len(run.group("phone_" + re.sub(r"\W", "_", phone_type))["hosts"]) == 100
        assert run.hosts_of("bench") == run.group("bench_benchgroup")["hosts"]
        assert listing_and_phone_requests(sim) == {"listings": 2, "phones": 300, "other": 0}
        assert sim.counters()["logins"] == 1


def test_tls_rules_are_the_modules(tmp_path):
    """An untrusted certificate fails before anything is sent; ca_path (APIO_CA_PATH) trusts it;
    validate_certs=false works, with a warning."""
    certs = make_test_certs(tmp_path / "tls")
    env = {"ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED": "true", "REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""}
    with SimulatorProcess().start(tls_cert=certs.cert, tls_key=certs.key) as sim:
        untrusted = run_inventory(sim, tmp_path, {}, env=env)
        assert untrusted.rc != 0
        assert ("telephony.apio.users: POST APIO login failed: TLS verification failed for %s: " % sim.url
                in untrusted.text), untrusted.output
        assert "set ca_path to a trusted CA bundle" in untrusted.text
        assert sim.counters()["total"] == 0  # not even the login (with the password) was sent

        trusted = run_inventory(sim, tmp_path, {}, env=dict(env, APIO_CA_PATH=str(certs.ca_cert)))
        assert sorted(trusted.data["_meta"]["hostvars"]) == sorted(SEED_USERS)
        assert "validate_certs=false" not in trusted.text

        unverified = run_inventory(sim, tmp_path, {"validate_certs": False}, env=env)
        assert sorted(unverified.data["_meta"]["hostvars"]) == sorted(SEED_USERS)
        assert "TLS certificate verification is off (validate_certs=false)" in unverified.text


def test_a_failed_login_fails_the_sync_as_awx_runs_it(sim, tmp_path):
    """AWX syncs an inventory with ANSIBLE_INVENTORY_UNPARSED_FAILED=true: a refused login must fail the sync,
    never give an empty inventory that would replace the real one."""
    env = {"ANSIBLE_INVENTORY_UNPARSED_FAILED": "true", "APIO_PASSWORD": "wrong"}
    run = run_inventory(sim, tmp_path, {}, "--list", env=env)
    assert run.rc != 0
    assert "POST APIO login failed: HTTP 401: invalid credentials (as user 'admin')" in run.text
