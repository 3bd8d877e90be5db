# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The users of the phone_buttons role: defaults filled in, each checked.

A user listed more than once (same tenant, group and user id) keeps every entry, in order: the engine
folds a user's batch items in order into one desired state (``engine.Engine.users``), as for any
batch.

Only the gathering of the users lives here; what each user's phone should hold is decided by the
engine (module_utils: key_templates, phone_buttons_rollout) in the apio_phone_buttons_rollout task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.errors import AnsibleFilterError

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO

# A roll-out user's fields: what a user of the role may give, and what its batch item holds.
ROLLOUT_USER_FIELDS = ("tenant", "group", "user", "operator", "template", "vars", "keys")


def _text(value):
    return "" if value is None else str(value)


def phone_buttons_users(users, defaults=None, hosts=None, as_json=False, as_batch=False):
    """The users with the role-level defaults filled in, checked; each with its ``read`` item.

    ``hosts`` are users described by the hosts of the play: each was evaluated in its own host's
    context, so it takes no defaults (the defaults were evaluated for one host only).
    """
    if not isinstance(users, list) or not isinstance(hosts or [], list):
        raise AnsibleFilterError("phone_buttons_users: users and hosts must be lists, got %r" % ((users, hosts),))
    defaults = defaults or {}
    found, problems = [], []
    listed = [(i, u, defaults) for i, u in enumerate(users)]
    listed += [(i, u, {}) for i, u in enumerate(hosts or [])]
    for position, user, defaults in listed:
        if not isinstance(user, dict):
            problems.append("users[%d]: expected a dictionary, got %r" % (position, user))
            continue
        unknown = sorted(set(user) - set(ROLLOUT_USER_FIELDS))
        if unknown:
            problems.append("users[%d]: unknown fields %s (allowed: %s)" % (position, ", ".join(unknown), ", ".join(ROLLOUT_USER_FIELDS)))
            continue
        entry = {}
        for field in ("tenant", "group", "user", "operator", "template"):
            entry[field] = _text(user.get(field) if user.get(field) not in (None, "") else defaults.get(field))
        missing = [f for f in ("tenant", "group", "user", "template") if not entry[f]]
        if missing:
            problems.append("%s[%d] (%s): no %s" % ("users" if defaults else "hosts", position, user.get("user") or "no user id", ", ".join(missing)))
            continue
        variables = dict(defaults.get("vars") or {})
        variables.update(user.get("vars") or {})
        entry["vars"] = variables
        entry["keys"] = list(user.get("keys") if user.get("keys") is not None else defaults.get("keys") or [])
        entry["user_label"] = APIO.label(entry)
        entry["read"] = dict((f, entry[f]) for f in ("tenant", "group", "user", "operator") if entry[f])
        found.append(entry)
    if problems:
        raise AnsibleFilterError("phone_buttons: %d of %d users are not valid: %s" % (len(problems), len(listed), "; ".join(problems)))
    if as_batch:
        # The batch items of apio_phone_buttons_rollout; an empty operator means the standard route.
        found = [dict((f, e[f]) for f in ROLLOUT_USER_FIELDS if f != "operator" or e[f]) for e in found]
    return json.dumps(found) if as_json else found


class FilterModule(object):
    def filters(self):
        return {"phone_buttons_users": phone_buttons_users}
