# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-user plan of the phone_buttons role: pick a template, render it for the user, compare.

Why Python: a template value may hold Jinja that uses the user's own variables. Ansible renders a
variable's Jinja where the variable is read (the role's argument validation reads the whole template
library before any user is known), so such values are written ``!unsafe`` and rendered here, once per
user. Ansible itself compiles every template string on every use (about 2 ms each), which would make
a 10,000-user roll-out spend minutes rendering; here each distinct string is compiled once.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from jinja2 import StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ansible.errors import AnsibleFilterError

KEY_FIELDS = ("type", "label", "parameter")
EXTRA_FIELDS = ("when", "state")
USER_FIELDS = ("tenant", "group", "user", "operator", "template", "vars", "keys")
JINJA_MARKS = ("{{", "{%", "{#")


def _environment():
    env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
    try:  # Ansible's core filters (default, regex_replace, ...), where they load outside a play.
        from ansible.plugins.filter.core import FilterModule as CoreFilters

        env.filters.update(CoreFilters().filters())
    except Exception:  # noqa: BLE001 - Jinja's own filters remain
        pass
    return env


class _Renderer:
    """Renders template strings with a per-user context; each distinct string is compiled once."""

    def __init__(self):
        self.env = _environment()
        self.compiled = {}

    def render(self, value, context):
        text = str(value)
        if not any(mark in text for mark in JINJA_MARKS):
            return text
        template = self.compiled.get(text)
        if template is None:
            template = self.compiled[text] = self.env.from_string(text)
        return template.render(context)

    def test(self, expression, context):
        """A key's ``when``: a bare Jinja expression (no braces), like a task's ``when``."""
        if isinstance(expression, bool):
            return expression
        key = ("when", str(expression))
        compiled = self.compiled.get(key)
        if compiled is None:
            compiled = self.compiled[key] = self.env.compile_expression(str(expression))
        return bool(compiled(**context))


class _Invalid(ValueError):
    pass


def _key_id(key, where):
    if not isinstance(key, dict) or "id" not in key:
        raise _Invalid("%s: a key needs an id (got %r)" % (where, key))
    try:
        return int(key["id"])
    except (TypeError, ValueError):
        raise _Invalid("%s: key id %r is not a number" % (where, key["id"])) from None


def _layout(keys, where, overrides=False):
    """Keys by id; template keys need a type, overrides may give some fields or ``state: absent``."""
    if keys is None:
        return {}
    if not isinstance(keys, list):
        raise _Invalid("%s: expected a list of keys, got %r" % (where, keys))
    found = {}
    for key in keys:
        key_id = _key_id(key, where)
        if key_id in found:
            raise _Invalid("%s: key id %d is listed twice" % (where, key_id))
        unknown = set(key) - set(KEY_FIELDS) - set(("id", "when", "state") if overrides else ("id", "when"))
        if unknown:
            raise _Invalid("%s: key %d has unknown fields %s" % (where, key_id, ", ".join(sorted(unknown))))
        if key.get("state", "present") not in ("present", "absent"):
            raise _Invalid("%s: key %d state must be present or absent" % (where, key_id))
        found[key_id] = dict((f, key[f]) for f in KEY_FIELDS + EXTRA_FIELDS if key.get(f) is not None)
    return found


def _render_key(renderer, key_id, key, context):
    """The key with its Jinja rendered for the user; None when its ``when`` is false."""
    if "when" in key:
        try:
            if not renderer.test(key["when"], context):
                return None
        except TemplateError as exc:
            raise _Invalid("key %d when: %s" % (key_id, exc)) from None
    rendered = {"id": key_id}
    for field in KEY_FIELDS:
        try:
            rendered[field] = renderer.render(key.get(field, ""), context)
        except TemplateError as exc:
            raise _Invalid("key %d %s: %s" % (key_id, field, exc)) from None
    if not rendered["type"]:
        raise _Invalid("key %d has no type" % key_id)
    return rendered


def _normalise(keys):
    return dict((int(k["id"]), {"id": int(k["id"]), "type": k.get("type") or "",
                                "label": "" if k.get("label") is None else str(k["label"]),
                                "parameter": "" if k.get("parameter") is None else str(k["parameter"])})
                for k in keys or [])


def _identity(entry):
    return (entry.get("tenant"), entry.get("group"), entry.get("user"))


def _label(entry):
    return "user %s@%s" % (entry.get("user"), entry.get("group"))


def _no_phone(message):
    text = (message or "").lower()
    return "no phone" in text or "no device" in text


def _text(value):
    return "" if value is None else str(value)


def phone_buttons_users(users, defaults=None, hosts=None, as_json=False):
    """The users with the role-level defaults filled in, checked; each with its ``read`` item.

    ``hosts`` are users described by the hosts of the play: each was evaluated in its own host's
    context, so it takes no defaults (the defaults were evaluated for one host only).
    """
    if not isinstance(users, list) or not isinstance(hosts or [], list):
        raise AnsibleFilterError("phone_buttons_users: users and hosts must be lists, got %r" % ((users, hosts),))
    defaults = defaults or {}
    found, problems, seen = [], [], {}
    listed = [(i, u, defaults) for i, u in enumerate(users)]
    listed += [(i, u, {}) for i, u in enumerate(hosts or [])]
    for position, user, defaults in listed:
        if not isinstance(user, dict):
            problems.append("users[%d]: expected a dictionary, got %r" % (position, user))
            continue
        unknown = sorted(set(user) - set(USER_FIELDS))
        if unknown:
            problems.append("users[%d]: unknown fields %s (allowed: %s)" % (position, ", ".join(unknown), ", ".join(USER_FIELDS)))
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
        entry["user_label"] = _label(entry)
        if _identity(entry) in seen:
            problems.append("%s is listed twice" % entry["user_label"])
            continue
        seen[_identity(entry)] = True
        entry["read"] = dict((f, entry[f]) for f in ("tenant", "group", "user", "operator") if entry[f])
        found.append(entry)
    if problems:
        raise AnsibleFilterError("phone_buttons: %d of %d users are not valid: %s" % (len(problems), len(listed), "; ".join(problems)))
    return json.dumps(found) if as_json else found


def _plain(value):
    """A plain copy of Ansible's (lazy) containers, made in one pass: each later access is then cheap."""
    if isinstance(value, dict):
        return dict((k, _plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


STATUSES = ("pending", "unchanged", "no_phone", "no_template", "unreadable", "invalid")


def phone_buttons_plan(users, templates, devices, purge=True, chunk_size=500):
    """The plan of the users (from phone_buttons_users); see phone_buttons_plan.yml.

    Unchanged users are only counted, and the users to write come as chunks of JSON text: ansible-core
    walks every value of a large structure in each task that passes it on (about 10 s per 10,000
    users' keys on a 2-core machine), whereas a string is one value.
    """
    if not isinstance(users, (list, str)):
        raise AnsibleFilterError("phone_buttons_plan: users must be a list")
    if not isinstance(templates, dict):
        raise AnsibleFilterError("phone_buttons_plan: templates must be a dictionary")
    if isinstance(devices, str):
        devices = json.loads(devices)
    if isinstance(users, str):
        users = json.loads(users)
    users, templates, devices = _plain(users), _plain(templates), _plain(devices or [])
    read = dict((_identity(d), d) for d in devices if isinstance(d, dict))
    renderer = _Renderer()
    if int(chunk_size) < 1:
        raise AnsibleFilterError("phone_buttons_plan: chunk_size must be 1 or more")
    plan = {"counts": dict((s, 0) for s in STATUSES), "skipped": [], "errors": []}
    pending = []
    plan["counts"]["total"] = len(users)
    for user in users:
        entry = dict((k, user.get(k)) for k in ("tenant", "group", "user", "template", "user_label"))
        entry["device_type"] = None
        status, extra = _plan_user(renderer, user, entry, templates, read.get(_identity(user)), purge)
        entry.update(status=status, **extra)
        plan["counts"][status] += 1
        if status == "pending":
            pending.append(extra["item"])
        elif status in ("no_phone", "no_template"):
            plan["skipped"].append(entry)
        elif status != "unchanged":
            plan["errors"].append(entry)
    size = int(chunk_size)
    plan["chunks"] = [json.dumps(pending[i:i + size]) for i in range(0, len(pending), size)]
    return plan


def _plan_user(renderer, user, entry, templates, device, purge):
    """(status, fields to add to the entry) of one user."""
    label = entry["user_label"]
    if device is None:
        return "unreadable", {"reason": "%s: not read" % label}
    if device.get("failed"):
        return ("no_phone" if _no_phone(device.get("msg")) else "unreadable",
                {"reason": device.get("msg") or "%s: reading the phone failed" % label})
    device_type = entry["device_type"] = device.get("device_type")
    library = templates.get(entry["template"])
    if not isinstance(library, dict):
        return "no_template", {"reason": "%s: template '%s' does not exist (templates: %s)"
                               % (label, entry["template"], ", ".join(sorted(templates)) or "none")}
    if library.get(device_type) is None:
        return "no_template", {"reason": "%s: template '%s' has no layout for phone type '%s' (it has: %s)"
                               % (label, entry["template"], device_type, ", ".join(sorted(library)) or "none")}
    variables = user.get("vars") or {}
    context = dict(variables)
    context["phone_buttons_user"] = dict((k, entry[k]) for k in ("tenant", "group", "user", "template", "device_type"))
    context["phone_buttons_user"]["vars"] = dict(variables)
    try:
        keys = _layout(library[device_type], "template '%s' for '%s'" % (entry["template"], device_type))
        for key_id, override in _layout(user.get("keys"), "key overrides", overrides=True).items():
            if override.get("state") == "absent":
                keys.pop(key_id, None)
                continue
            merged = dict(keys.get(key_id, {}))
            merged.pop("when", None)  # an override decides on its own
            merged.update((f, v) for f, v in override.items() if f != "state")
            keys[key_id] = merged
        desired = {}
        for key_id in sorted(keys):
            key = _render_key(renderer, key_id, keys[key_id], context)
            if key is not None:
                desired[key_id] = key
    except _Invalid as exc:
        return "invalid", {"reason": "%s: %s" % (label, exc)}
    current = _normalise(device.get("keys"))
    if purge:
        same = desired == current
    else:
        same = all(current.get(i) == k for i, k in desired.items())
    if same:
        return "unchanged", {}
    return "pending", {"item": dict(user["read"], keys=[desired[i] for i in sorted(desired)])}


class FilterModule(object):
    def filters(self):
        return {
            "phone_buttons_users": phone_buttons_users,
            "phone_buttons_plan": phone_buttons_plan,
        }
