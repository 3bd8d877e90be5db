# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Softphone assignment of a user's PBX devices to the UC clients (Enterprise Portal).

The state of a user is the list of their PBX devices with the client type each is assigned to. A
client type holds at most one device (docs/api.md, D6): assigning another device replaces it, and
assigning a device that is on another client type moves it.

With ``purge``, the task owns the user's softphones whole: the devices its items list with
state=present are all the user keeps, and any other device assigned to a client type is unassigned. An
item with ``purge`` needs no ``device``: ``{customer, user, purge: true}`` alone unassigns every device.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.apis import PORTAL
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.resource import InputError, Resource, Unexpected

CLIENT_TYPES = ["desktop", "mobile", "webrtc", "crm"]


class Softphone(Resource):
    api = PORTAL
    noun = "softphone devices"
    plan_object = "softphones"
    plan_options = ("accept_charges",)  # what the reviewer accepted is what the apply accepts
    path = ("devices", "pbx")
    options = dict(
        PORTAL.identity_options,
        device=dict(type="str"),  # required, unless purge (Softphone.item_problems)
        client_type=dict(type="str", choices=CLIENT_TYPES),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        accept_charges=dict(type="bool", default=False),
        purge=dict(type="bool", default=False),
    )

    @classmethod
    def item_problems(cls, params):
        if params.get("device") is None and not params.get("purge"):
            return ["missing required arguments: device"]  # as the argument spec said when device was required
        return []

    def normalise(self, answer):
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, list):
            raise Unexpected("no device list", answer)
        try:
            devices = [{"device": str(d["id"]), "name": d.get("name"), "client_type": d.get("clientType")}
                       for d in data]
        except (KeyError, TypeError, AttributeError):
            raise Unexpected("a device without an id", data)
        if any(not isinstance(d["client_type"], (str, type(None))) for d in devices):
            raise Unexpected("a clientType that is neither a string nor null", data)
        return {"devices": sorted(devices, key=lambda d: d["device"])}

    def desired_all(self, current, items):
        state = super(Softphone, self).desired_all(current, items)
        if not any(item.get("purge") for item in items):
            return state
        # The user's softphones are exactly the devices listed with state=present, by any item of the user.
        kept = set(item["device"] for item in items if item.get("device") is not None and item["state"] == "present")
        return {"devices": [dict(d, client_type=d["client_type"] if d["device"] in kept else None)
                            for d in state["devices"]]}

    def desired(self, current, params):
        devices = [dict(d) for d in current["devices"]]
        if params.get("device") is None:  # an item with purge and no device: only desired_all acts on it
            return {"devices": devices}
        by_id = dict((d["device"], d) for d in devices)
        target = by_id.get(params["device"])
        if target is None:
            raise InputError("device '%s' is not a PBX device of this user (the user's devices: %s)"
                             % (params["device"], ", ".join(sorted(by_id)) or "none"))
        client_type = params["client_type"]
        if params["state"] == "present":
            if client_type is None:
                raise InputError("client_type is required when state=present")
            for device in devices:
                if device["client_type"] == client_type and device is not target:
                    device["client_type"] = None  # one device per client type: the old one is replaced
            target["client_type"] = client_type
        elif client_type is None or target["client_type"] == client_type:
            target["client_type"] = None
        return {"devices": devices}

    def write(self, params, before, after):
        # One call per device that changes, answered without the devices: the new state is ``after``.
        old = dict((d["device"], d["client_type"]) for d in before["devices"])
        new = dict((d["device"], d["client_type"]) for d in after["devices"])
        held_after = set(t for t in new.values() if t)
        # Assign first: replacing a client type's device in one call is never chargeable, whereas
        # unassigning first would make the assign a new, chargeable seat.
        for device in sorted(new):
            if new[device] and new[device] != old.get(device):
                self._send(params, device, "assign", new[device])
        for device in sorted(new):
            if old.get(device) and not new[device] and old[device] not in held_after:
                self._send(params, device, "unassign", old[device])
        return after

    def _send(self, params, device, action, client_type):
        headers = {"accept-charges": "true"} if params["accept_charges"] else None
        what = "%s of device %s (%s)" % (action, device, client_type)
        try:
            self.client.request("PUT", self.url(params, device, action), what,
                                json_body={"clientType": client_type}, headers=headers, ok=(200, 201, 204))
        except ApiError as exc:
            if exc.status == 402:
                raise exc.hinted("assigning device %s to %s is a new, chargeable softphone seat: set "
                                 "accept_charges=true to accept the charges" % (device, client_type))
            raise

    def changes(self, before, after):
        old = dict((d["device"], d["client_type"]) for d in before["devices"])
        found = []
        for device in after["devices"]:
            was, now = old.get(device["device"]), device["client_type"]
            if was == now:
                continue
            if was is None:
                found.append("device %s assigned to %s" % (device["device"], now))
            elif now is None:
                found.append("device %s unassigned from %s" % (device["device"], was))
            else:
                found.append("device %s moved %s -> %s" % (device["device"], was, now))
        return found

    def diff_view(self, state):
        # One line per device; a list, so that device names are never mistaken for field names.
        return dict(devices=["%s%s: %s" % (d["device"], " (%s)" % d["name"] if d["name"] else "",
                                           d["client_type"] or "none") for d in state["devices"]])
