# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key templates: a user's layout rendered from a template for the phone's own type.

A template library maps a template name to phone types (``deviceType``) to a list of keys. Each key
has ``id``, ``type``, ``label``, ``parameter`` and optionally ``when`` (a bare Jinja expression; the key
is left out when it is false). Values may hold Jinja, rendered for each user with the user's
variables and ``phone_buttons_user`` (``user``, ``tenant``, ``group``, ``template``, ``device_type``,
``vars``). A user's overrides are merged by id: the fields given replace the template's, a new id adds
a key, ``state: absent`` removes one.

Rendering happens in Python, once per user, with each distinct string compiled once: big per-user
structures never pass through Ansible's templating. Whether the rendered layout differs from the
phone and is valid on its phone type is decided by ``phone_buttons.PhoneButtons``, as for the module.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    HAS_JINJA2 = True
except ImportError:  # pragma: no cover - jinja2 comes with ansible-core on the controller
    HAS_JINJA2 = False

from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import KEY_SETTINGS

JINJA_MARKS = ("{{", "{%", "{#")


class TemplateProblem(ValueError):
    """A layout or override that cannot be read or rendered, in words."""


class Renderer:
    """Renders template strings with a per-user context; each distinct string is compiled once.

    ``filters`` adds filters to Jinja's own (the action plugin adds ansible.builtin's).
    """

    def __init__(self, filters=None):
        self.env = ImmutableSandboxedEnvironment(undefined=StrictUndefined)
        self.env.filters.update(filters or {})
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
            # undefined_to_none=False: a bare undefined name raises, as in a task's `when`, instead of
            # reading as false and silently leaving the key out.
            compiled = self.compiled[key] = self.env.compile_expression(str(expression), undefined_to_none=False)
        return bool(compiled(**context))


def parse_layout(keys, where, overrides=False):
    """Keys by id; template keys need a type, overrides may give some fields or ``state: absent``."""
    if keys is None:
        return {}
    if not isinstance(keys, list):
        raise TemplateProblem("%s: expected a list of keys, got %r" % (where, keys))
    found = {}
    allowed = set(KEY_SETTINGS) | set(("id", "when", "state") if overrides else ("id", "when"))
    for key in keys:
        if not isinstance(key, dict) or "id" not in key:
            raise TemplateProblem("%s: a key needs an id (got %r)" % (where, key))
        try:
            key_id = int(key["id"])
        except (TypeError, ValueError):
            raise TemplateProblem("%s: key id %r is not a number" % (where, key["id"]))
        if key_id in found:
            raise TemplateProblem("%s: key id %d is listed twice" % (where, key_id))
        unknown = set(key) - allowed
        if unknown:
            raise TemplateProblem("%s: key %d has unknown fields %s" % (where, key_id, ", ".join(sorted(unknown))))
        if key.get("state", "present") not in ("present", "absent"):
            raise TemplateProblem("%s: key %d state must be present or absent" % (where, key_id))
        found[key_id] = dict((f, key[f]) for f in KEY_SETTINGS + ("when", "state") if key.get(f) is not None)
    return found


def layout_of(library, template, device_type):
    """The template's layout for a phone type; None when the template has none for that type.

    Raises TemplateProblem for a template that does not exist.
    """
    layouts = library.get(template)
    if not isinstance(layouts, dict):
        raise TemplateProblem("template '%s' does not exist (templates: %s)"
                              % (template, ", ".join(sorted(library)) or "none"))
    return layouts.get(device_type)


def render_layout(renderer, layout, overrides, where, context):
    """The keys of ``layout`` with ``overrides`` merged by id and every value rendered, sorted by id."""
    keys = parse_layout(layout, where)
    for key_id, override in parse_layout(overrides, "key overrides", overrides=True).items():
        if override.get("state") == "absent":
            keys.pop(key_id, None)
            continue
        merged = dict(keys.get(key_id, {}))
        merged.pop("when", None)  # an override decides on its own
        merged.update((f, v) for f, v in override.items() if f != "state")
        keys[key_id] = merged
    rendered = []
    for key_id in sorted(keys):
        key = _render_key(renderer, key_id, keys[key_id], context)
        if key is not None:
            rendered.append(key)
    return rendered


def _render_key(renderer, key_id, key, context):
    """The key with its Jinja rendered for the user; None when its ``when`` is false."""
    # Any error while rendering is the template's (a filter given a wrong type raises TypeError, a bad
    # pattern re.error ...): it makes the user invalid instead of stopping the whole roll-out.
    if "when" in key:
        try:
            if not renderer.test(key["when"], context):
                return None
        except Exception as exc:  # noqa: BLE001 - see above
            raise TemplateProblem("key %d when: %s" % (key_id, exc))
    rendered = {"id": key_id}
    for field in KEY_SETTINGS:
        try:
            rendered[field] = renderer.render(key.get(field, ""), context)
        except Exception as exc:  # noqa: BLE001 - see above
            raise TemplateProblem("key %d %s: %s" % (key_id, field, exc))
    if not rendered["type"]:
        raise TemplateProblem("key %d has no type" % key_id)
    return rendered
