# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The primary line port of a user's main phone (APIO)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import Resource

IDENTITY_OPTIONS = dict(
    tenant=dict(type="str", required=True),
    group=dict(type="str", required=True),
    user=dict(type="str", required=True),
)


class PrimaryLine(Resource):
    api = "apio"
    noun = "primary line port"
    options = dict(IDENTITY_OPTIONS, primary=dict(type="bool", required=True))

    def _url(self, params):
        return self.client.user_url(params["tenant"], params["group"], params["user"],
                                    "access_device", "primary_line_port")

    def _normalise(self, body, method):
        if not isinstance(body, dict) or not isinstance(body.get("primaryLinePort"), bool):
            raise ApiError("unexpected answer, no boolean primaryLinePort: %.200r" % (body,),
                           method=method, what=self.noun)
        return {"primary": body["primaryLinePort"]}

    def read(self, params):
        return self._normalise(self.client.request("GET", self._url(params), self.noun), "GET")

    def desired(self, current, params):
        return {"primary": params["primary"]}

    def write(self, params, before, after):
        body = self.client.request("PUT", self._url(params), self.noun,
                                   json_body={"primaryLinePort": after["primary"]})
        return self._normalise(body, "PUT")

    def changes(self, before, after):
        return ["primary line port %s -> %s" % (_bool(before["primary"]), _bool(after["primary"]))]


def _bool(value):
    return "true" if value else "false"
