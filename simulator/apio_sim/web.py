"""Request context, response builders and the error bodies of each API."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .routing import Router

if TYPE_CHECKING:
    from .core import Simulator


class AnswerNow(Exception):
    """Raised by a route to answer with ``response`` right away (an error answer, as a rule).

    Not a failure of the simulator: the client's ``ApiError`` (module_utils/client.py) is the other
    side of it, a call that failed.
    """

    def __init__(self, response: Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class Ctx:
    """What a route handler gets: the simulator, the request, path params and the raw body."""

    __slots__ = ("sim", "request", "params", "body")

    def __init__(self, sim: Simulator, request: Request, params: dict[str, str], body: bytes) -> None:
        self.sim = sim
        self.request = request
        self.params = params
        self.body = body

    def header(self, name: str) -> str | None:
        return self.request.headers.get(name)

    def json_body(self, error: Callable[[int, str], Response], allow_empty: bool = False) -> Any:
        """The parsed JSON body; 400 (in the API's own style) without the JSON Content-Type.

        ``allow_empty``: an empty body is fine (returns None) and needs no Content-Type.
        """
        if allow_empty and not self.body.strip():
            return None
        if not is_json(self.header("content-type")):
            raise AnswerNow(error(400, "Content-Type must be application/json"))
        try:
            return json.loads(self.body)
        except ValueError:
            raise AnswerNow(error(400, "invalid JSON body")) from None


class Family:
    """One API served by the simulator: its router and the shape of its error bodies."""

    def __init__(self, name: str, router: Router, error: Callable[[int, str], Response], title_case=False) -> None:
        self.name = name
        self.router = router
        self.error = error
        self.title_case = title_case

    def text(self, status: int) -> str:
        """The message of a generic error (404, 405, 429, 5xx) in this API's usual spelling."""
        return phrase(status) if self.title_case else phrase(status).lower()


def is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";", 1)[0].strip().lower() == "application/json"


def phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def json_response(status: int, data: Any, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse(data, status_code=status, headers=headers)


def now_iso() -> str:
    """UTC ISO 8601 with milliseconds, as the portal stamps its envelopes."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# ---- error bodies of each API (also used for injected faults, 404 and 405)


def gateway_error(status: int, message: str, details: dict | None = None) -> Response:
    """APIO gateway: ``{"errors": [{"message": ..., "details": {...}}]}``."""
    err: dict[str, Any] = {"message": message}
    if details:
        err["details"] = details
    return json_response(status, {"errors": [err]})


def core_error(status: int, message: str) -> Response:
    """APIO core (auth, and any 401): ``{"error": ...}``."""
    return json_response(status, {"error": message})


def portal_error(status: int, message: str, data: Any = None) -> Response:
    """Enterprise Portal envelope with ``status: error``."""
    body: dict[str, Any] = {}
    if data is not None:
        body["data"] = data
    body.update({"error": status, "message": message, "status": "error", "timestamp": now_iso()})
    return json_response(status, body)


def oauth_error(status: int, message: str) -> Response:
    """OAuth2 token endpoint: ``{"error": "<code>"}``."""
    return json_response(status, {"error": message})
