"""The simulator object (state, tokens, log, faults) and the ASGI app that dispatches to the APIs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from starlette.requests import Request

from . import faults as F
from .auth import ACCESS, REFRESH, TokenTable
from .recorder import Recorder
from .routes import admin, apio, auth, portal
from .routing import Router, raw_path, split_path
from .seed import load_seed
from .web import AnswerNow, Ctx, Family, gateway_error

log = logging.getLogger("apio_sim")

# Paths outside every API: 404 in the gateway style.
UNROUTED = Family("unrouted", Router(), gateway_error)


@dataclass
class Settings:
    seed: str | None = None
    users: int = 0
    access_ttl: float = 900.0  # APIO access tokens live minutes...
    refresh_ttl: float = 7 * 86400.0  # ...refresh tokens days
    portal_ttl: float = 3600.0
    fault_seed: int | None = None
    max_recorded: int = 200_000
    faults: dict = field(default_factory=dict)  # initial fault config (from the CLI)


class Simulator:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.state = load_seed(self.settings.seed, self.settings.users)
        self.apio_tokens = TokenTable("apio")
        self.portal_tokens = TokenTable("portal")
        self.recorder = Recorder(self.settings.max_recorded)
        self.faults = F.FaultInjector(self.settings.fault_seed)
        self.faults.config.update(self.settings.faults)

    def reset(self, state: bool = False) -> None:
        """Clear the log and counters, switch faults off; ``state``: reload the seed and
        forget every issued token too, so that each test starts from scratch."""
        self.recorder.clear()
        self.faults.reset()
        if state:
            self.state = load_seed(self.settings.seed, self.settings.users)
            self.apio_tokens.clear()
            self.portal_tokens.clear()

    def expire_tokens(self, refresh: bool = False, static: bool = False) -> dict:
        """Revoke every issued access token now; ``refresh``: refresh tokens too;
        ``static``: the machine and static portal tokens too (until the next state reset)."""
        kinds = (ACCESS, REFRESH) if refresh else (ACCESS,)
        out = {"apio": self.apio_tokens.expire(kinds), "portal": self.portal_tokens.expire(kinds)}
        if static:
            out["apio"] += len(self.state.machine_tokens)
            out["portal"] += len(self.state.static_portal_tokens)
            self.state.machine_tokens.clear()
            self.state.static_portal_tokens.clear()
        return out


def classify(segments: list[str]) -> tuple[Family, list[str]]:
    """Which API a path belongs to, and the segments after its prefix."""
    n = len(segments)
    first = segments[1] if n > 1 else ""
    if first == "api" and n > 3:
        version = segments[2]
        if version == "v1":
            return apio.FAMILY, segments[3:]
        if version == "v1.0":
            return portal.FAMILY, segments[3:]
        if version == "v01" and n > 4:
            if segments[3] == "auth":
                return auth.CORE_FAMILY, segments[4:]
            if segments[3]:  # the proxy name (p1 by default) varies per installation
                return apio.FAMILY, segments[4:]
    elif first == "connect":
        return auth.OAUTH_FAMILY, segments[2:]
    elif first == "_sim":
        return admin.FAMILY, segments[2:]
    return UNROUTED, []


class SimApp:
    """ASGI entry point.

    Starlette's Request/Response do the HTTP work; routing is our own because
    it must see the raw path (see ``routing``). API requests are recorded and
    go through fault injection; ``/_sim/`` requests do neither.
    """

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        raw = raw_path(scope)
        family, rest = classify(split_path(raw))
        request = Request(scope, receive)
        body = await request.body()
        if family is admin.FAMILY:
            response = await self._route(family, rest, request, body)
            await response(scope, receive, send)
            return
        await self._api(scope, receive, send, family, rest, request, raw.decode("latin-1"), body)

    async def _api(self, scope, receive, send, family, rest, request, path, body) -> None:
        sim = self.sim
        started = time.perf_counter()
        method = scope["method"]
        headers = request.headers
        entry = sim.recorder.start(
            method,
            path,
            scope.get("query_string", b"").decode("latin-1"),
            headers.get("content-type"),
            headers.get("accept-charges"),
            "authorization" in headers,
            body,
        )
        action, delay, status = sim.faults.decide(method, path)
        if action == F.HANG:
            await _wait_disconnect(receive)
            sim.recorder.finish(entry, None)
            self._log(method, path, "hung", started)
            return
        if delay:
            await asyncio.sleep(delay)  # never block the event loop
        if action == F.DROP:
            await _abort(send)
            sim.recorder.finish(entry, None)
            self._log(method, path, "dropped", started)
            return
        if action == F.RATE_LIMIT:
            response = family.error(429, family.text(429))
            response.headers["Retry-After"] = str(sim.faults.config.retry_after)
        elif action == F.ERROR:
            response = family.error(status, family.text(status))
        else:
            response = await self._route(family, rest, request, body)
        await response(scope, receive, send)
        sim.recorder.finish(entry, response.status_code)
        self._log(method, path, response.status_code, started)

    async def _route(self, family: Family, rest: list[str], request: Request, body: bytes):
        found = family.router.match(rest)
        if found is None:
            return family.error(404, family.text(404))
        handlers, params = found
        handler = handlers.get(request.method)
        if handler is None:
            response = family.error(405, family.text(405))
            response.headers["Allow"] = ", ".join(handlers)
            return response
        try:
            return await handler(Ctx(self.sim, request, params, body))
        except AnswerNow as exc:
            return exc.response
        except Exception:
            log.exception("route failed: %s %s", request.method, request.url.path)
            return family.error(500, family.text(500))

    @staticmethod
    def _log(method: str, path: str, status, started: float) -> None:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s %s %s %.1fms", method, path, status, (time.perf_counter() - started) * 1000)

    @staticmethod
    async def _lifespan(receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _wait_disconnect(receive, limit: float = 3600.0) -> None:
    """``hang``: answer nothing until the client gives up (or an hour passes)."""

    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(until_disconnect(), limit)


async def _abort(send) -> None:
    """``drop``: close the connection without a byte of answer.

    ASGI has no "abort"; uvicorn's ``send`` is a bound method of its
    request cycle, which owns the transport. Without it, raising makes the
    server fail the request, the nearest thing.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionAbortedError("dropped by fault injection")
    transport.abort()
    # Let uvicorn see the connection loss so it does not try to answer 500.
    for _ in range(3):
        await asyncio.sleep(0)


def create_app(settings: Settings | None = None) -> SimApp:
    return SimApp(Simulator(settings))
