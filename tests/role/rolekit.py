"""Helpers of the role's tests (tests/role): the example's path and the play that applies the role."""

from tools.runner import REPO

EXAMPLE = REPO / "examples" / "gitops"
CUSTOMER = "11111111-1111-4111-8111-111111111111"  # the example's portal customer (host_vars/jdoe.yml)


def drift_behind_gits_back(sim):
    """Change one user of each object of the example on the platform: carol (foo/othergroup) loses key 9,
    dave's primary line port turns on, jdoe's mobile softphone is unassigned."""
    device = sim.user("foo", "othergroup", "carol@sip.example.com")["device"]
    device["keys"] = [k for k in device["keys"] if k["id"] != 9]
    sim.set_user("foo", "othergroup", "carol@sip.example.com", {"device": device})
    device = sim.user("bar", "bargroup", "dave@sip.example.com")["device"]
    sim.set_user("bar", "bargroup", "dave@sip.example.com", {"device": dict(device, primaryLinePort=True)})
    jdoe = sim.portal_user(CUSTOMER, "jdoe")
    jdoe["devices"] = [dict(d, clientType=None) if d["clientType"] == "mobile" else d for d in jdoe["devices"]]
    sim.set_portal_user(CUSTOMER, "jdoe", {"devices": jdoe["devices"]})


def role_play(users, **role_vars):
    """A play on localhost that applies the role to ``users`` (a list), with more role variables."""
    params = {"phone_buttons_tenant": "foo", "phone_buttons_group": "foogroup", "phone_buttons_users": users}
    params.update(role_vars)
    return [{
        "name": "Apply the phone_buttons role",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "tasks": [{"name": "Apply", "ansible.builtin.include_role": {"name": "telephony.apio.phone_buttons"},
                   "vars": params}],
    }]
