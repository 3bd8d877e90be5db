# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The primary line port of a user's main phone (APIO)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO
from ansible_collections.telephony.apio.plugins.module_utils.resource import Resource, Unexpected


class PrimaryLine(Resource):
    noun = "primary line port"
    plan_object = "primary_line"
    path = ("access_device", "primary_line_port")
    options = dict(APIO.identity_options, primary=dict(type="bool", required=True))
    absent_status = 400  # of a read: the phone has no primary line port setting (docs/api.md, 2.3)

    def normalise(self, answer):
        if not isinstance(answer, dict) or not isinstance(answer.get("primaryLinePort"), bool):
            raise Unexpected("no boolean primaryLinePort", answer)
        return {"primary": answer["primaryLinePort"]}

    def body(self, state):
        return {"primaryLinePort": state["primary"]}

    def desired(self, current, params):
        return {"primary": params["primary"]}

    def changes(self, before, after):
        return ["primary line port %s -> %s" % (_bool(before["primary"]), _bool(after["primary"]))]


def _bool(value):
    return "true" if value else "false"
