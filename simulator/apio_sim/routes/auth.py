"""APIO core auth (``/api/v01/auth/...``, docs/api.md, 2.2) and the portal's OAuth2 token endpoint (3.2)."""

from __future__ import annotations

import base64
import binascii
from urllib.parse import parse_qsl, unquote

from ..auth import ACCESS, REFRESH, bearer
from ..routing import Router
from ..web import AnswerNow, Ctx, Family, core_error, json_response, oauth_error

# ---- APIO core


def _issue_pair(ctx: Ctx, username: str):
    tokens, settings = ctx.sim.apio_tokens, ctx.sim.settings
    return json_response(
        200,
        {
            "access_token": tokens.issue(username, ACCESS, settings.access_ttl),
            "refresh_token": tokens.issue(username, REFRESH, settings.refresh_ttl),
        },
    )


async def login(ctx: Ctx):
    body = ctx.json_body(core_error)
    if not (isinstance(body, dict) and isinstance(body.get("username"), str) and isinstance(body.get("password"), str)):
        raise AnswerNow(core_error(400, "username and password are required"))
    account = ctx.sim.state.accounts.get(body["username"])
    if account is None or account.password != body["password"]:
        raise AnswerNow(core_error(401, "invalid credentials"))
    ctx.sim.recorder.logins += 1
    return _issue_pair(ctx, account.username)


async def refresh(ctx: Ctx):
    token = bearer(ctx.header("authorization"))
    subject = ctx.sim.apio_tokens.check(token, REFRESH) if token else None
    if subject is None or subject not in ctx.sim.state.accounts:
        raise AnswerNow(core_error(401, "refresh token expired or revoked"))
    ctx.sim.recorder.refreshes += 1
    return _issue_pair(ctx, subject)


core_router = Router()
core_router.add("login", POST=login)
core_router.add("access_token", GET=refresh)
CORE_FAMILY = Family("core", core_router, core_error)


# ---- OAuth2 token endpoint of the portal


def _client_credentials(ctx: Ctx, form: dict) -> tuple[str | None, str | None]:
    """Client id/secret from the form, or from HTTP Basic auth (both are standard)."""
    client_id, secret = form.get("client_id"), form.get("client_secret")
    auth = ctx.header("authorization") or ""
    if client_id is None and auth[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(auth[6:].strip()).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None, None
        user, _, password = decoded.partition(":")
        client_id, secret = unquote(user), unquote(password)
    return client_id, secret


async def token(ctx: Ctx):
    ctype = (ctx.header("content-type") or "").split(";", 1)[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise AnswerNow(oauth_error(400, "invalid_request"))
    form = dict(parse_qsl(ctx.body.decode("utf-8", "replace"), keep_blank_values=True))
    client_id, secret = _client_credentials(ctx, form)
    clients = ctx.sim.state.oauth_clients
    grant = form.get("grant_type")
    if grant not in ("client_credentials", "refresh_token"):
        raise AnswerNow(oauth_error(400, "unsupported_grant_type"))
    if client_id is None or clients.get(client_id) != secret:
        raise AnswerNow(oauth_error(400, "invalid_client"))
    tokens, settings = ctx.sim.portal_tokens, ctx.sim.settings
    if grant == "refresh_token":
        old = form.get("refresh_token")
        if not old or tokens.check(old, REFRESH) != client_id:
            raise AnswerNow(oauth_error(400, "invalid_grant"))
    ctx.sim.recorder.portal_tokens += 1
    return json_response(
        200,
        {
            "access_token": tokens.issue(client_id, ACCESS, settings.portal_ttl),
            "token_type": "Bearer",
            "expires_in": int(settings.portal_ttl),
            "refresh_token": tokens.issue(client_id, REFRESH, settings.refresh_ttl),
        },
        headers={"Cache-Control": "no-store"},
    )


oauth_router = Router()
oauth_router.add("token", POST=token)
OAUTH_FAMILY = Family("oauth", oauth_router, oauth_error)
