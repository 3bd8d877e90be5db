# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The phone buttons (programmable keys) of a user's main phone (APIO).

The API replaces the whole key list on PUT (docs/api.md, D2), so the desired state is always the
full layout: the listed keys merged into the current ones (``purge: false``), or the listed keys alone
(``purge: true``). Keys are compared by id, whatever their order, with a missing parameter read as ""
and, for types whose phone type ignores labels, the label left out of the comparison.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO
from ansible_collections.telephony.apio.plugins.module_utils.resource import InputError, Resource, Unexpected

DEFAULT_MANAGED_KEYS = list(range(1, 25))
KEY_SETTINGS = ("type", "label", "parameter")  # what a key sets, beside its id
KEY_FIELDS = ("id",) + KEY_SETTINGS  # a key as the API has it

KEY_OPTIONS = dict(
    id=dict(type="int", required=True),
    type=dict(type="str"),
    label=dict(type="str", default=""),
    parameter=dict(type="str", default=""),
)


def normalise_key(key):
    """One key with exactly the four fields, id an int and label/parameter strings ("" for none).

    Raises TypeError or ValueError for a field of the wrong type, so that a malformed answer is
    reported instead of being written back.
    """
    key_type = key.get("type")
    if not isinstance(key_type, (str, type(None))):
        raise TypeError("type must be a string")
    if isinstance(key["id"], bool):
        raise TypeError("id must be an integer")
    return {
        "id": int(key["id"]),
        "type": key_type or "",
        "label": _text(key.get("label")),
        "parameter": _text(key.get("parameter")),
    }


def _text(value):
    """A label or parameter as text: "" for none, a number as its digits; anything else is malformed."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise TypeError("label and parameter must be strings")
    return str(value)


def sorted_keys(keys_by_id):
    return [keys_by_id[key_id] for key_id in sorted(keys_by_id)]


def differing_keys(old, new):
    """``(id, old key, new key)`` for each key id whose key differs between two {id: key} maps, by id;
    the key is None on the side that lacks it."""
    for key_id in sorted(set(old) | set(new)):
        was, now = old.get(key_id), new.get(key_id)
        if was != now:
            yield key_id, was, now


def describe_key(key):
    text = "%s '%s'" % (key["type"], key["label"])
    return text + (" %s" % key["parameter"] if key["parameter"] else "")


class PhoneType:
    """What a phone type allows: key types (with their rules) and managed key ids."""

    def __init__(self, body):
        self.name = body.get("technical_name")
        capabilities = body.get("capabilities") or {}
        fastkeys = capabilities.get("fastkeys") or {}
        self.types = dict((t["name"], t) for t in fastkeys.get("available_types") or [] if t.get("name"))
        managed = fastkeys.get("managed_keys")
        self.managed_keys = set(managed if managed is not None else DEFAULT_MANAGED_KEYS)
        self.has_keys = bool(self.types) and bool(self.managed_keys)

    def label_ignored(self, key_type):
        return bool(self.types.get(key_type, {}).get("labelIgnored"))

    def problems(self, key):
        """What is wrong with one desired key on this phone type, in words."""
        rule = self.types.get(key["type"])
        if key["id"] not in self.managed_keys:
            return ["id %d is not a programmable key of phone type '%s' (keys %s)"
                    % (key["id"], self.name, _ranges(self.managed_keys))]
        if rule is None:
            return ["type '%s' is not available on phone type '%s' (available: %s)"
                    % (key["type"], self.name, ", ".join(sorted(self.types)))]
        found = []
        if rule.get("parameterType") and not key["parameter"]:
            found.append("type %s needs a parameter (%s)" % (key["type"], rule["parameterType"]))
        if not rule.get("parameterType") and key["parameter"]:
            # The phone would drop it silently, and the task would report a change on every run.
            found.append("type %s takes no parameter, got '%s'" % (key["type"], key["parameter"]))
        if rule.get("labelRequired") and not rule.get("labelIgnored") and not key["label"]:
            found.append("type %s needs a label" % key["type"])
        return found


def _ranges(ids):
    ids = sorted(ids)
    if ids and ids == list(range(ids[0], ids[-1] + 1)):
        return "%d to %d" % (ids[0], ids[-1])
    return ", ".join(str(i) for i in ids)


class PhoneButtons(Resource):
    noun = "phone buttons"
    plan_object = "phone_buttons"
    plan_options = ("operator",)  # the operator's route: a plan writes where it read
    path = ("access_device", "phone_buttons")  # below the operator's segment when the task names one
    options = dict(
        APIO.identity_options,
        operator=dict(type="str"),
        # no_log=False: phone buttons are not secrets, whatever the name "keys" suggests.
        keys=dict(type="list", elements="dict", required=True, options=KEY_OPTIONS, no_log=False),
        purge=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    info_options = dict(APIO.identity_options, operator=dict(type="str"))
    absent_status = 404  # of a read: the user has no phone linked to him (docs/api.md, 2.4)

    def normalise(self, answer):
        # A missing key list must not read as "no keys": the next write would clear the phone.
        if not isinstance(answer, dict) or not isinstance(answer.get("keys"), list):
            raise Unexpected("no key list", answer)
        if not isinstance(answer.get("deviceType"), str) or not answer["deviceType"]:
            raise Unexpected("no deviceType (phone type)", answer)
        try:
            keys = dict((k["id"], k) for k in (normalise_key(key) for key in answer["keys"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            raise Unexpected("a malformed key (id, type, label, parameter)", answer["keys"])
        return {"device_type": answer.get("deviceType"), "device_name": answer.get("deviceName"),
                "keys": sorted_keys(keys)}

    def body(self, state):
        return {"keys": [dict((f, k[f]) for f in KEY_FIELDS) for k in state["keys"]]}

    def phone_type(self, name):
        def load():
            return PhoneType(self.client.request("GET", self.client.url("configs", "phone_types", name),
                                                 "phone type '%s'" % name))
        return self.cached(("phone_type", name), load)

    def desired(self, current, params):
        listed = self._listed_keys(params)
        keys = {} if params["purge"] else dict((k["id"], dict(k)) for k in current["keys"])
        if params["state"] == "absent":
            for key_id in listed:
                keys.pop(key_id, None)
        else:
            keys.update(listed)
        desired = dict(current, keys=sorted_keys(keys))
        if desired == current or params["state"] == "absent":
            # Nothing to write, or only removals: the phone type need not be fetched (one GET per user
            # in the steady state).
            return desired
        phone_type = self.phone_type(current["device_type"])
        self._validate(listed, phone_type)
        for key in keys.values():
            if phone_type.label_ignored(key["type"]):
                key["label"] = ""
        return desired

    def _listed_keys(self, params):
        if params["state"] == "absent" and params["purge"]:
            raise InputError("purge cannot be used with state=absent (to clear every key, use "
                             "state=present, purge=true and keys=[])")
        listed = {}
        for position, key in enumerate(params["keys"]):
            key = normalise_key(key)
            if key["id"] in listed:
                raise InputError("keys[%d]: key id %d is listed twice" % (position, key["id"]))
            if params["state"] == "present" and not key["type"]:
                raise InputError("keys[%d] (id %d): type is required when state=present" % (position, key["id"]))
            listed[key["id"]] = key
        return listed

    def _validate(self, listed, phone_type):
        if not phone_type.has_keys:
            raise InputError("phone type '%s' has no programmable keys" % phone_type.name)
        problems = []
        for key in listed.values():
            problems.extend("key %d: %s" % (key["id"], p) for p in phone_type.problems(key))
        if problems:
            raise InputError("; ".join(problems))

    def changes(self, before, after):
        old = dict((k["id"], k) for k in before["keys"])
        new = dict((k["id"], k) for k in after["keys"])
        found = []
        for key_id, was, now in differing_keys(old, new):
            if was is None:
                found.append("key %d added: %s" % (key_id, describe_key(now)))
            elif now is None:
                found.append("key %d removed (was %s)" % (key_id, describe_key(was)))
            else:
                found.append("key %d %s" % (key_id, ", ".join(
                    "%s '%s' -> '%s'" % (f, was[f], now[f]) for f in KEY_SETTINGS if was[f] != now[f])))
        return found

    def report_details(self):
        # The phone types the task read: the plan report draws each phone's programmable keys.
        return dict(phone_types=dict(
            (name, dict(managed_keys=sorted(phone_type.managed_keys),
                        label_ignored=sorted(t for t in phone_type.types if phone_type.label_ignored(t))))
            for name, phone_type in sorted(self.loaded("phone_type").items())))

    def info(self, state):
        # Returned as "buttons", not "keys": in Jinja, result.keys is the dict method (the option stays keys).
        return dict(device_type=state["device_type"], device_name=state["device_name"], buttons=state["keys"])

    def from_info(self, info):
        return dict(device_type=info["device_type"], device_name=info["device_name"],
                    keys=[dict(k) for k in info["buttons"]])

    def diff_view(self, state):
        # One line per key, so that --diff shows a readable line-by-line change.
        return dict(device_type=state["device_type"],
                    buttons=dict(("%02d" % k["id"], describe_key(k)) for k in state["keys"]))
