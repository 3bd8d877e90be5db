"""Enterprise Portal routes (docs/api.md, 3.1 to 3.5), under ``/api/v1.0``, in both families:
``customers/{c}/...`` and ``accounts/{a}/customers/{c}/...``."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import Response

from ..auth import ACCESS, bearer
from ..routing import Router
from ..store import CLIENT_TYPES, SOFTPHONE_ROLES, Customer, PortalUser
from ..web import AnswerNow, Ctx, Family, json_response, now_iso, portal_error

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def authenticate(ctx: Ctx) -> None:
    """401 with no body (and the OAuth2 challenge) unless the token is live."""
    token = bearer(ctx.header("authorization"))
    sim = ctx.sim
    if token is not None and token in sim.state.static_portal_tokens:
        return
    client = sim.portal_tokens.check(token, ACCESS) if token else None
    if client is None or client not in sim.state.oauth_clients:
        raise AnswerNow(Response(status_code=401, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}))


def not_found(message: str = "Not Found") -> AnswerNow:
    return AnswerNow(portal_error(404, message))


def bad_request(message: str) -> AnswerNow:
    return AnswerNow(portal_error(400, message))


def lookup(ctx: Ctx, for_update: bool = False) -> tuple[Customer, PortalUser]:
    """Auth, then the customer id format, the reseller's ownership, the customer and the user."""
    authenticate(ctx)
    p = ctx.params
    customer_id = p["customer"]
    if not UUID_RE.match(customer_id):
        raise bad_request(f"The value '{customer_id}' is not valid.")
    customer_id = customer_id.lower()
    state = ctx.sim.state
    if "account" in p:
        account = state.portal_accounts.get(p["account"])
        if account is None or customer_id not in account["customers"]:
            raise not_found()
    customer = state.customers.get(customer_id)
    if customer is None:
        raise not_found()
    user = customer.users.get(p["user"], for_update)
    if user is None:
        raise not_found()
    return customer, user


def success(data=None, status: int = 200) -> Response:
    return json_response(
        status, {"data": data, "error": 0, "message": "OK", "status": "success", "timestamp": now_iso()}
    )


def created(customer: Customer, user: PortalUser, device: str) -> Response:
    location = (
        f"/api/v1.0/customers/{customer.customer_id}/users/{quote(user.user_id, safe='')}"
        f"/devices/pbx/{quote(device, safe='')}"
    )
    return json_response(201, {"status": "success", "timestamp": now_iso()}, headers={"Location": location})


async def get_user(ctx: Ctx):
    customer, user = lookup(ctx)
    return success(
        {
            "id": user.user_id,
            "displayName": user.display_name,
            "email": user.email,
            "primaryTenant": customer.customer_id,
            "isParent": user.is_parent,
            "roles": list(user.roles),
        }
    )


async def list_devices(ctx: Ctx):
    _, user = lookup(ctx)
    devices = user.devices_json()
    return json_response(
        200, {"page_size": str(len(devices)), "data": devices, "status": "success", "timestamp": now_iso()}
    )


def _client_type(body, required: bool) -> str | None:
    """The body is exactly ``{"clientType": "<lower-case value>"}`` (optional on unassign)."""
    if body is None and not required:
        return None
    if not isinstance(body, dict) or set(body) - {"clientType"} or ("clientType" not in body and required):
        raise bad_request('The request body must be exactly {"clientType": "<type>"}.')
    value = body.get("clientType")
    if value is None and not required:
        return None
    if value not in CLIENT_TYPES:
        raise bad_request(f"The value '{value}' is not valid for clientType.")
    return value


async def assign(ctx: Ctx):
    customer, user = lookup(ctx, for_update=True)
    client_type = _client_type(ctx.json_body(portal_error), required=True)
    device_id = ctx.params["device"]
    device = user.devices.get(device_id)
    if device is None:
        raise not_found("Device not found")
    missing = [r for r in SOFTPHONE_ROLES if r not in user.roles]
    if missing:
        raise bad_request(f"User is missing required roles: {', '.join(missing)}")
    current = device[1]
    if current == client_type:
        return created(customer, user, device_id)  # already there: nothing changes
    holder = next((d for d, v in user.devices.items() if v[1] == client_type and d != device_id), None)
    # A new softphone seat (device unassigned, client type empty) is what costs money.
    chargeable = customer.charges and current is None and holder is None
    if chargeable and (ctx.header("accept-charges") or "").strip().lower() != "true":
        raise AnswerNow(portal_error(402, "additional charges apply", data={"clientType": client_type}))
    if holder is not None:
        user.devices[holder][1] = None  # one device per client type: the old one is replaced (docs/api.md, D6)
    device[1] = client_type
    return created(customer, user, device_id)


async def unassign(ctx: Ctx):
    customer, user = lookup(ctx, for_update=True)
    _client_type(ctx.json_body(portal_error, allow_empty=True), required=False)
    device_id = ctx.params["device"]
    device = user.devices.get(device_id)
    if device is None:
        raise not_found("Device not found")
    device[1] = None
    return created(customer, user, device_id)


router = Router()
for family in ("customers/{customer}", "accounts/{account}/customers/{customer}"):
    router.add(f"{family}/users/{{user}}", GET=get_user)
    router.add(f"{family}/users/{{user}}/devices/pbx", GET=list_devices)
    # The documentation's headings say PUT, its examples POST: both are accepted.
    router.add(f"{family}/users/{{user}}/devices/pbx/{{device}}/assign", PUT=assign, POST=assign)
    router.add(f"{family}/users/{{user}}/devices/pbx/{{device}}/unassign", PUT=unassign, POST=unassign)

FAMILY = Family("portal", router, portal_error, title_case=True)
