"""The filter phone_buttons_users: the role's users with their defaults, checked; a user listed twice as the
engine takes a batch that names a user twice (every entry, in order: the roll-out folds them)."""

import pytest
from ansible.errors import AnsibleFilterError
from ansible_collections.telephony.apio.plugins.filter.phone_buttons_users import phone_buttons_users

DEFAULTS = {"tenant": "foo", "group": "foogroup", "template": "standard", "vars": {"a": 1}}


def test_a_user_listed_twice_keeps_both_entries_in_order():
    users = [{"user": "alice", "keys": [{"id": 1, "type": "LINE"}]}, {"user": "alice", "template": "other"}]
    found = phone_buttons_users(users, DEFAULTS, as_batch=True)
    assert found == [
        {"tenant": "foo", "group": "foogroup", "user": "alice", "template": "standard", "vars": {"a": 1},
         "keys": [{"id": 1, "type": "LINE"}]},
        {"tenant": "foo", "group": "foogroup", "user": "alice", "template": "other", "vars": {"a": 1}, "keys": []},
    ]


def test_a_user_without_a_template_is_refused():
    with pytest.raises(AnsibleFilterError, match=r"users\[0\] \(alice\): no template"):
        phone_buttons_users([{"user": "alice"}], {"tenant": "foo", "group": "foogroup"})
