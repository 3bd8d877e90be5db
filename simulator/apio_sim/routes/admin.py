"""The simulator's own admin API under ``/_sim/``: no auth, never faulted, never recorded."""

from __future__ import annotations

import json

from ..routing import Router
from ..store import Customer, Directory, Group, PortalUser, State, StateError, Tenant, User
from ..web import AnswerNow, Ctx, Family, core_error, json_response


def body(ctx: Ctx):
    """Admin bodies are JSON whatever the Content-Type says; empty is None."""
    if not ctx.body.strip():
        return None
    try:
        return json.loads(ctx.body)
    except ValueError:
        raise AnswerNow(core_error(400, "invalid JSON body")) from None


def options(ctx: Ctx) -> dict:
    """The optional ``{"flag": true, ...}`` body of the POST routes."""
    data = body(ctx)
    if data is not None and not isinstance(data, dict):
        raise AnswerNow(core_error(400, "expected a JSON object"))
    return data or {}


async def health(ctx: Ctx):
    return json_response(200, {"ok": True})


async def requests(ctx: Ctx):
    q = ctx.request.query_params
    try:
        since = int(q.get("since", 0))
    except ValueError:
        raise AnswerNow(core_error(400, "since must be an integer")) from None
    rec = ctx.sim.recorder
    return json_response(
        200,
        {"requests": rec.requests(q.get("method"), q.get("path_contains"), since), "counters": rec.counters()},
    )


async def counters(ctx: Ctx):
    return json_response(200, ctx.sim.recorder.counters())


async def reset(ctx: Ctx):
    ctx.sim.reset(state=bool(options(ctx).get("state")))
    return json_response(200, {"reset": True})


async def get_state(ctx: Ctx):
    return json_response(200, ctx.sim.state.to_json())


async def put_state(ctx: Ctx):
    try:
        ctx.sim.state = State.from_json(body(ctx))
    except StateError as exc:
        raise AnswerNow(core_error(400, str(exc))) from None
    return json_response(200, ctx.sim.state.to_json())


def _merge(current: dict, data) -> dict:
    if not isinstance(data, dict):
        raise AnswerNow(core_error(400, "expected a JSON object"))
    return {**current, **data}


async def get_user(ctx: Ctx):
    p = ctx.params
    user = ctx.sim.state.find_user(p["tenant"], p["group"], p["user"])
    if user is None:
        raise AnswerNow(core_error(404, "user not found"))
    return json_response(200, user.to_json())


async def put_user(ctx: Ctx):
    """Create or update one user; the fields given replace the current ones (``device`` as a whole)."""
    p = ctx.params
    state = ctx.sim.state
    current = state.find_user(p["tenant"], p["group"], p["user"])
    merged = _merge(current.to_json() if current else {}, body(ctx))
    try:
        user = User.from_json(merged, "user", state.phone_types, user_id=p["user"])
    except StateError as exc:
        raise AnswerNow(core_error(400, str(exc))) from None
    tenant = state.tenants.setdefault(p["tenant"], Tenant(p["tenant"], p["tenant"], "Enterprise"))
    group = tenant.groups.setdefault(p["group"], Group(p["group"], p["group"], Directory()))
    group.users.put(user.user_id, user)
    return json_response(200, user.to_json())


async def get_portal_user(ctx: Ctx):
    p = ctx.params
    user = ctx.sim.state.find_portal_user(p["customer"].lower(), p["user"])
    if user is None:
        raise AnswerNow(core_error(404, "user not found"))
    return json_response(200, user.to_json())


async def put_portal_user(ctx: Ctx):
    """Create or update one portal user (roles, devices...); the customer is created if needed."""
    p = ctx.params
    state = ctx.sim.state
    customer_id = p["customer"].lower()
    current = state.find_portal_user(customer_id, p["user"])
    merged = _merge(current.to_json() if current else {}, body(ctx))
    try:
        user = PortalUser.from_json(merged, "user", user_id=p["user"])
    except StateError as exc:
        raise AnswerNow(core_error(400, str(exc))) from None
    customer = state.customers.setdefault(customer_id, Customer(customer_id, "", False, Directory()))
    customer.users.put(user.user_id, user)
    return json_response(200, user.to_json())


async def get_faults(ctx: Ctx):
    return json_response(200, ctx.sim.faults.config.to_json())


async def put_faults(ctx: Ctx):
    """Partial update: fields not given keep their value."""
    try:
        ctx.sim.faults.configure(body(ctx) or {})
    except ValueError as exc:
        raise AnswerNow(core_error(400, str(exc))) from None
    return json_response(200, ctx.sim.faults.config.to_json())


async def expire_tokens(ctx: Ctx):
    opts = options(ctx)
    return json_response(200, ctx.sim.expire_tokens(refresh=bool(opts.get("refresh")), static=bool(opts.get("static"))))


router = Router()
router.add("health", GET=health)
router.add("requests", GET=requests)
router.add("counters", GET=counters)
router.add("reset", POST=reset)
router.add("state", GET=get_state, PUT=put_state)
router.add("users/{tenant}/{group}/{user}", GET=get_user, PUT=put_user)
router.add("portal/{customer}/{user}", GET=get_portal_user, PUT=put_portal_user)
router.add("faults", GET=get_faults, PUT=put_faults)
router.add("expire_tokens", POST=expire_tokens)

FAMILY = Family("admin", router, core_error)
