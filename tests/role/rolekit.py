"""Helpers of the role's tests (tests/role): the example's path and the play that applies the role."""

from support.runner import REPO

EXAMPLE = REPO / "examples" / "gitops"


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
