"""APIO gateway routes (docs/api.md, 2.3 to 2.7), served under ``/api/v1`` and ``/api/v01/<proxy>``."""

from __future__ import annotations

from ..auth import ACCESS, bearer
from ..routing import Router
from ..store import Account, Device, PhoneType, User
from ..web import AnswerNow, Ctx, Family, core_error, gateway_error, json_response

UNSUPPORTED_PRIMARY_LINE = "2: INVALID_PARAMETERS, This Phone Type does not supports primary line port setting"
KEY_FIELDS = frozenset(("id", "type", "label", "parameter"))


# ---- auth and lookups


def authenticate(ctx: Ctx) -> Account:
    """The account behind the Bearer token; 401 in core style otherwise."""
    token = bearer(ctx.header("authorization"))
    if token is None:
        raise AnswerNow(core_error(401, "missing bearer token"))
    state = ctx.sim.state
    account = state.machine_tokens.get(token)
    if account is None:
        subject = ctx.sim.apio_tokens.check(token, ACCESS)
        account = state.accounts.get(subject) if subject else None
    if account is None:
        raise AnswerNow(core_error(401, "token expired"))
    return account


def forbidden() -> AnswerNow:
    return AnswerNow(gateway_error(403, "permission denied"))


def user_with_phone(ctx: Ctx, for_update: bool = False) -> tuple[User, Device, PhoneType]:
    """Authorize, then find the user and its main phone (403, 404: docs/api.md, 2.7 and 2.3)."""
    p = ctx.params
    if not authenticate(ctx).can_manage(p["tenant"], p["group"]):
        raise forbidden()
    user = ctx.sim.state.find_user(p["tenant"], p["group"], p["user"], for_update)
    if user is None:
        raise AnswerNow(gateway_error(404, "user not found"))
    if user.device is None:
        raise AnswerNow(gateway_error(404, "the user has no phone linked to him"))
    return user, user.device, ctx.sim.state.phone_types[user.device.device_type]


def bad_request(message: str) -> AnswerNow:
    return AnswerNow(gateway_error(400, message))


# ---- docs/api.md, 2.3 Primary line port


async def get_primary_line(ctx: Ctx):
    _, device, phone_type = user_with_phone(ctx)
    if not phone_type.primary_line_port:
        raise bad_request(UNSUPPORTED_PRIMARY_LINE)
    return json_response(200, {"primaryLinePort": device.primary_line_port})


async def put_primary_line(ctx: Ctx):
    _, device, phone_type = user_with_phone(ctx, for_update=True)
    body = ctx.json_body(gateway_error)
    if not phone_type.primary_line_port:
        raise bad_request(UNSUPPORTED_PRIMARY_LINE)
    if not (isinstance(body, dict) and set(body) == {"primaryLinePort"} and isinstance(body["primaryLinePort"], bool)):
        raise bad_request('body must be exactly {"primaryLinePort": <boolean>}')
    device.primary_line_port = body["primaryLinePort"]
    return json_response(200, {"primaryLinePort": device.primary_line_port})


# ---- docs/api.md, 2.4 Phone buttons


def phone_buttons_json(device: Device, phone_type: PhoneType) -> dict:
    """GET answer. Realism on purpose: keys come highest id first (not the order
    they were sent in), an empty ``parameter`` is left out, and the phone's
    undocumented properties ride along."""
    keys = []
    for kid, ktype, label, parameter in reversed(device.keys):
        key = {"id": kid, "type": ktype, "label": label}
        if parameter:
            key["parameter"] = parameter
        keys.append(key)
    definition = phone_type.raw.get("capabilities", {}).get("phoneDefinition") or {}
    return {
        "deviceType": device.device_type,
        "deviceName": device.device_name,
        "keys": keys,
        "macAddress": device.mac,
        "deviceLevel": "Group",
        "version": definition.get("model", ""),
        "properties": {
            "protocol": "SIP 2.0",
            "transportProtocol": "UDP",
            "numberOfPorts": definition.get("lines", 1),
            "phoneDefinition": definition,
        },
    }


def parse_keys(body, phone_type: PhoneType) -> tuple:
    """Validate a PUT body against the phone type; the stored key tuple or a 400."""
    if not (isinstance(body, dict) and set(body) == {"keys"} and isinstance(body["keys"], list)):
        raise bad_request('body must be exactly {"keys": [...]}')
    if not phone_type.programmable:
        raise bad_request(f"phone type {phone_type.name} has no programmable keys")
    seen: set[int] = set()
    keys = []
    for i, key in enumerate(body["keys"]):
        if not (isinstance(key, dict) and set(key) == KEY_FIELDS):
            raise bad_request(f"keys[{i}]: a key holds exactly id, type, label and parameter")
        kid, ktype, label, parameter = key["id"], key["type"], key["label"], key["parameter"]
        if type(kid) is not int:
            raise bad_request(f"keys[{i}]: id must be an integer")
        for name in ("type", "label", "parameter"):
            if not isinstance(key[name], str):
                raise bad_request(f"key {kid}: {name} must be a string")
        if kid not in phone_type.managed_keys:
            raise bad_request(f"key {kid}: id outside the managed keys of {phone_type.name}")
        if kid in seen:
            raise bad_request(f"key {kid}: duplicate id")
        seen.add(kid)
        key_type = phone_type.key_types.get(ktype)
        if key_type is None:
            raise bad_request(f"key {kid}: type {ktype} is not available on {phone_type.name}")
        if key_type.parameter_type and not parameter:
            raise bad_request(f"key {kid}: type {ktype} needs a parameter ({key_type.parameter_type})")
        if key_type.label_required and not key_type.label_ignored and not label:
            raise bad_request(f"key {kid}: type {ktype} needs a label")
        # The phone drops what it cannot show or use: ignored labels, parameters of types without one.
        keys.append((kid, ktype, "" if key_type.label_ignored else label, parameter if key_type.parameter_type else ""))
    return tuple(sorted(keys))


async def get_phone_buttons(ctx: Ctx):
    _, device, phone_type = user_with_phone(ctx)
    return json_response(200, phone_buttons_json(device, phone_type))


async def put_phone_buttons(ctx: Ctx):
    _, device, phone_type = user_with_phone(ctx, for_update=True)
    body = ctx.json_body(gateway_error)
    device.keys = parse_keys(body, phone_type)  # PUT replaces the whole key list (docs/api.md, D2)
    return json_response(200, phone_buttons_json(device, phone_type))


# ---- docs/api.md, 2.5 Phone types


async def list_phone_types(ctx: Ctx):
    authenticate(ctx)
    return json_response(200, {"phoneTypes": [p.to_json() for p in ctx.sim.state.phone_types.values()]})


async def get_phone_type(ctx: Ctx):
    authenticate(ctx)
    phone_type = ctx.sim.state.phone_types.get(ctx.params["phone_type"])
    if phone_type is None:
        raise AnswerNow(gateway_error(404, "phone type not found"))
    return json_response(200, phone_type.to_json())


# ---- docs/api.md, 2.6 Listing (scoped to what the account administers)


async def list_tenants(ctx: Ctx):
    account = authenticate(ctx)
    if account.level < 8:
        raise forbidden()
    tenants = [
        {"tenantId": t.tenant_id, "name": t.name, "type": t.type}
        for t in ctx.sim.state.tenants.values()
        if account.can_manage(t.tenant_id)
    ]
    return json_response(200, {"tenants": tenants})


async def list_groups(ctx: Ctx):
    account = authenticate(ctx)
    tenant_id = ctx.params["tenant"]
    if not account.can_manage(tenant_id):
        raise forbidden()
    tenant = ctx.sim.state.tenants.get(tenant_id)
    if tenant is None:
        raise AnswerNow(gateway_error(404, "tenant not found"))
    groups = [
        {"groupId": g.group_id, "groupName": g.name, "tenantId": tenant_id}
        for g in tenant.groups.values()
        if account.can_manage(tenant_id, g.group_id)
    ]
    return json_response(200, {"groups": groups})


async def list_users(ctx: Ctx):
    account = authenticate(ctx)
    tenant_id, group_id = ctx.params["tenant"], ctx.params["group"]
    if not account.can_manage(tenant_id, group_id):
        raise forbidden()
    tenant = ctx.sim.state.tenants.get(tenant_id)
    group = tenant.groups.get(group_id) if tenant else None
    if group is None:
        raise AnswerNow(gateway_error(404, "group not found"))
    return json_response(200, {"users": [u.listing() for u in group.users]})


router = Router()
router.add("tenants/", GET=list_tenants)
router.add("tenants/{tenant}/groups/", GET=list_groups)
router.add("tenants/{tenant}/groups/{group}/users/", GET=list_users)
_USER = "tenants/{tenant}/groups/{group}/users/{user}/access_device"
router.add(f"{_USER}/primary_line_port/", GET=get_primary_line, PUT=put_primary_line)
router.add(f"{_USER}/primay_line_port/", GET=get_primary_line, PUT=put_primary_line)  # (sic) deprecated alias
router.add(f"{_USER}/phone_buttons/", GET=get_phone_buttons, PUT=put_phone_buttons)
router.add(f"{{operator}}/{_USER}/phone_buttons/", GET=get_phone_buttons, PUT=put_phone_buttons)
router.add("configs/phone_types/", GET=list_phone_types)
router.add("configs/phone_types/{phone_type}/", GET=get_phone_type)

FAMILY = Family("apio", router, gateway_error)
