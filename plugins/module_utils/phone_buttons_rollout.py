# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Phone buttons from key templates: the resource of the apio_phone_buttons_rollout action.

Each user's layout is the user's template rendered for the phone's own type (``key_templates``); from
there on every decision is ``PhoneButtons``'s, exactly as for the apio_phone_buttons module: merge or
purge, labels the phone type ignores, the comparison, and the validation against the phone type.

A user without a phone, or whose phone type has no layout in the template, is skipped (or, with
``on_missing=fail``, invalid). "No phone" is told from data: the phone buttons route answers 404 and
the group's user listing (read once per group, and only then) lists the user. An unlisted user is
unknown: invalid.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.key_templates import (
    Renderer,
    TemplateProblem,
    layout_of,
    render_layout,
)
from ansible_collections.telephony.apio.plugins.module_utils.listing import UnexpectedListing, list_group_users
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons
from ansible_collections.telephony.apio.plugins.module_utils.resource import InputError, Skip, is_invalid


class PhoneButtonsRollout(PhoneButtons):
    can_skip = True
    filters = {}  # more Jinja filters for the templates (the action plugin adds ansible.builtin's)
    options = dict(
        APIO.identity_options,
        operator=dict(type="str"),
        template=dict(type="str", required=True),
        vars=dict(type="dict", default={}),
        # Overrides merged into the template by id; checked by key_templates.parse_layout.
        keys=dict(type="list", elements="dict", default=[], no_log=False),
        purge=dict(type="bool", default=True),
    )
    merged_options = ("vars",)  # a user's vars are merged over the task's, not instead of them
    task_options = dict(
        templates=dict(type="dict", required=True),
        on_missing=dict(type="str", default="skip", choices=["skip", "fail"]),
    )

    def __init__(self, client, task_params=None):
        super(PhoneButtonsRollout, self).__init__(client, task_params)
        self.renderer = Renderer(self.filters)

    def _missing(self, reason, kind, **details):
        if self.task_params.get("on_missing") == "fail":
            return InputError(reason)
        # `status` repeats the kind for the phone_buttons role's phone_buttons_result.skipped (1.0.0).
        return Skip(reason, kind, status=kind, **details)

    def read(self, params):
        try:
            return super(PhoneButtonsRollout, self).read(params)
        except ApiError as exc:
            if exc.status != 404:
                raise
            try:
                listed = params["user"] in self._users_of(params["tenant"], params["group"])
            except ApiError as listing_error:
                if is_invalid(listing_error) or isinstance(listing_error, UnexpectedListing):
                    raise exc  # the group cannot be listed (unknown, refused, malformed): the user is unknown
                raise listing_error  # a passing failure: this user fails, the others go on
            if listed:
                raise self._missing("has no phone", "no_phone", template=params["template"], device_type=None)
            raise

    def _users_of(self, tenant, group):
        def load():
            return frozenset(u["user"] for u in list_group_users(self.client, tenant, group))
        return self.cached(("users", tenant, group), load)

    def report_fields(self, params):
        # The plan report groups users by their change with their own values (vars) as placeholders.
        return dict(template=params["template"], vars=params["vars"])

    def report_details(self):
        details = super(PhoneButtonsRollout, self).report_details()
        details["templates"] = self.task_params["templates"]
        return details

    def desired(self, current, params):
        device_type = current["device_type"]
        try:
            layout = layout_of(self.task_params["templates"], params["template"], device_type)
            if layout is None:
                layouts = self.task_params["templates"][params["template"]]
                raise self._missing("template '%s' has no layout for phone type '%s' (it has: %s)"
                                    % (params["template"], device_type, ", ".join(sorted(layouts)) or "none"),
                                    "no_template", template=params["template"], device_type=device_type)
            context = dict(params["vars"])
            context["phone_buttons_user"] = dict(
                tenant=params["tenant"], group=params["group"], user=params["user"], template=params["template"],
                device_type=device_type, vars=dict(params["vars"]))
            keys = render_layout(self.renderer, layout, params["keys"],
                                 "template '%s' for '%s'" % (params["template"], device_type), context)
        except TemplateProblem as exc:
            raise InputError(str(exc))
        return super(PhoneButtonsRollout, self).desired(
            current, dict(params, keys=keys, state="present"))
