"""Stateful handlers for the scripted server: just enough APIO and portal for module-level tests.

They follow docs/api.md for the routes the modules use; anything else
is answered 418 so that an unexpected request shows up as a failure.
"""

import copy
from urllib.parse import unquote

from support.fake_server import reply

HDV230 = "Telenet-Panasonic-KX-HDV230"
CUSTOMER = "11111111-1111-4111-8111-111111111111"  # a portal customer (a UUID)
# Paths the modules call: a user's phone buttons (format with the encoded user id) and a phone type.
BUTTONS = "/api/v1/tenants/foo/groups/foogroup/users/{}/access_device/phone_buttons/"
PHONE_TYPE = "/api/v1/configs/phone_types/Telenet-Panasonic-KX-HDV230/"


def fastkey(name, parameter_type=None, label_required=False, label_ignored=False):
    return {"name": name, "parameterType": parameter_type, "labelRequired": label_required,
            "labelIgnored": label_ignored}


PHONE_TYPES = {
    HDV230: {"technical_name": HDV230, "display_name": "Panasonic KX-HDV230", "capabilities": {
        "phoneDefinition": {}, "primaryLinePort": True, "fastkeys": {"available_types": [
            fastkey("CALLLOG"),
            fastkey("ONETOUCH", "PhoneNumber", label_required=True),
            fastkey("DIRECT_CALL", "PhoneNumber", label_required=True),
            fastkey("BLF", "User", label_required=True, label_ignored=True),
            fastkey("LINE", "Line"),
        ]}}},
    "Small Phone": {"technical_name": "Small Phone", "capabilities": {"fastkeys": {
        "available_types": [fastkey("CALLLOG"), fastkey("LINE", "Line")], "managed_keys": [1, 2, 5]}}},
    "Generic SIP Phone": {"technical_name": "Generic SIP Phone", "capabilities": {"primaryLinePort": False}},
    "No Ids Phone": {"technical_name": "No Ids Phone", "capabilities": {"fastkeys": {
        "available_types": [fastkey("CALLLOG")], "managed_keys": []}}},
}

SEED_KEYS = [
    {"id": 4, "type": "CALLLOG", "label": "history", "parameter": ""},
    {"id": 5, "type": "ONETOUCH", "label": "call boss", "parameter": "065432368"},
]

NO_PHONE = {"errors": [{"message": "the user has no phone linked to him"}]}
NOT_FOUND = {"errors": [{"message": "user not found"}]}
NOT_SUPPORTED = {"errors": [{"message": "2: INVALID_PARAMETERS, This Phone Type does not supports primary "
                                        "line port setting"}]}


def segments(path):
    """The decoded segments of a raw path (query and empty segments left out)."""
    return [unquote(s) for s in path.split("?")[0].split("/") if s]


class FakeApio:
    """Users are (tenant, group, user) triples; each has a phone with a type, keys and a primary flag."""

    def __init__(self):
        self.phones = {}
        self.no_phone = set()
        self.put_errors = {}  # user -> (status, body) answered to a PUT

    def add(self, user, tenant="foo", group="foogroup", device_type=HDV230, keys=(), primary=False):
        self.phones[(tenant, group, user)] = {"deviceType": device_type, "deviceName": "DP_" + user,
                                              "keys": copy.deepcopy(list(keys)), "primary": primary}

    def __call__(self, req):
        parts = segments(req.path)
        if (req.method, parts) == ("POST", ["api", "v01", "auth", "login"]):
            return reply(200, {"access_token": "acc", "refresh_token": "ref"})
        if req.token not in ("tok", "acc"):
            return reply(401, {"error": "token expired"})
        if not req.path.endswith("/") or parts[:2] != ["api", "v1"]:
            return reply(404, {"errors": [{"message": "no such route"}]})
        parts = parts[2:]
        if parts[:2] == ["configs", "phone_types"] and len(parts) == 3 and req.method == "GET":
            if parts[2] in PHONE_TYPES:
                return reply(200, PHONE_TYPES[parts[2]])
            return reply(404, {"errors": [{"message": "phone type not found"}]})
        if parts and parts[0] == "telenet":
            parts = parts[1:]
        if len(parts) != 8 or parts[0::2][:3] != ["tenants", "groups", "users"] or parts[6] != "access_device":
            return reply(418, {"errors": [{"message": f"unexpected route {req.path}"}]})
        key = (parts[1], parts[3], parts[5])
        if key not in self.phones:
            return reply(404, NOT_FOUND if key[2] not in self.no_phone else NO_PHONE)
        phone = self.phones[key]
        if req.method == "PUT" and key[2] in self.put_errors:
            return reply(*self.put_errors[key[2]])
        if parts[7] == "primary_line_port":
            if not PHONE_TYPES[phone["deviceType"]]["capabilities"].get("primaryLinePort", True):
                return reply(400, NOT_SUPPORTED)
            if req.method == "PUT":
                phone["primary"] = req.json["primaryLinePort"]
            return reply(200, {"primaryLinePort": phone["primary"]})
        if parts[7] == "phone_buttons":
            if req.method == "PUT":
                ignored = {t["name"] for t in PHONE_TYPES[phone["deviceType"]]["capabilities"]["fastkeys"]
                           ["available_types"] if t["labelIgnored"]}
                phone["keys"] = [dict(k, label="" if k["type"] in ignored else k["label"])
                                 for k in req.json["keys"]]
            # Order not guaranteed, parameter absent when empty, undocumented extra fields.
            keys = [{f: v for f, v in k.items() if not (f == "parameter" and v == "")}
                    for k in reversed(phone["keys"])]
            return reply(200, {"deviceType": phone["deviceType"], "deviceName": phone["deviceName"],
                               "keys": keys, "macAddress": "00:11:22:33:44:55"})
        return reply(418, {"errors": [{"message": f"unexpected route {req.path}"}]})


class FakePortal:
    """Customers' users with their PBX devices; a client type holds at most one device."""

    def __init__(self, charged=False):
        self.users = {}
        self.charged = charged

    def add(self, customer, user, **devices):
        self.users[(customer, user)] = [
            {"id": d, "name": name, "clientType": t} for d, (name, t) in devices.items()]

    def __call__(self, req):
        parts = segments(req.path)
        if (req.method, parts) == ("POST", ["connect", "token"]):
            return reply(200, {"access_token": "ptok", "token_type": "Bearer", "expires_in": 3600})
        if req.token != "ptok":
            return reply(401)
        if parts[:2] != ["api", "v1.0"] or parts[2] != "customers" or parts[4] != "users":
            return reply(418, {"error": 418, "message": f"unexpected route {req.path}"})
        devices = self.users.get((parts[3], parts[5]))
        if devices is None:
            return reply(404, {"error": 404, "message": "Not Found", "status": "error"})
        if req.method == "GET" and parts[6:] == ["devices", "pbx"]:
            return reply(200, {"page_size": str(len(devices)), "data": devices, "status": "success"})
        if req.method == "PUT" and len(parts) == 10 and parts[9] in ("assign", "unassign"):
            device = next((d for d in devices if d["id"] == parts[8]), None)
            if device is None:
                return reply(404, {"error": 404, "message": "Device not found", "status": "error"})
            if parts[9] == "unassign":
                device["clientType"] = None
                return reply(201, {"status": "success"})
            client_type = req.json["clientType"]
            holder = next((d for d in devices if d["clientType"] == client_type), None)
            new_seat = device["clientType"] is None and holder is None
            if self.charged and new_seat and req.headers.get("accept-charges") != "true":
                return reply(402, {"data": {"clientType": client_type}, "error": 402,
                                   "message": "additional charges apply", "status": "error"})
            if holder is not None and holder is not device:
                holder["clientType"] = None
            device["clientType"] = client_type
            return reply(201, {"status": "success"}, {"Location": req.path})
        return reply(418, {"error": 418, "message": f"unexpected route {req.path}"})
