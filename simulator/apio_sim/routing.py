"""Path splitting and a tiny segment router.

Starlette's own router matches the *decoded* path, where a user id containing
``%2F`` would become two segments. The simulator instead splits the raw path
on ``/`` and percent-decodes each segment exactly once, so ``%2F`` stays
inside one segment and ``..`` is just a segment value that cannot climb.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote_to_bytes

Handler = Callable[..., Awaitable[Any]]


def raw_path(scope: dict) -> bytes:
    """The request path as received (percent-encoded, without the query)."""
    raw = scope.get("raw_path")
    if not raw:
        # Servers that do not provide raw_path: re-encoding is the best we can do.
        from urllib.parse import quote

        raw = quote(scope.get("path", "/")).encode("ascii")
    # Some servers include the query string in raw_path.
    return raw.split(b"?", 1)[0]


def split_path(raw: bytes) -> list[str]:
    """Split a raw path on ``/`` and decode each segment once.

    ``/a/b%2Fc/`` -> ``["", "a", "b/c", ""]``: the leading and a trailing
    slash show up as empty segments, which is how routes demand (or refuse)
    the trailing slash.
    """
    if b"%" not in raw:  # the common case, kept cheap
        return raw.decode("utf-8", "replace").split("/")
    return [unquote_to_bytes(part).decode("utf-8", "replace") for part in raw.split(b"/")]


class Router:
    """Routes are segment patterns: literals, or ``{name}`` for a parameter.

    A parameter never matches an empty segment, so ``//`` and a missing
    trailing slash both fall through to 404.
    """

    def __init__(self) -> None:
        # segment count -> [(literals as (index, text), params as (index, name), handlers)]
        self._routes: dict[int, list[tuple[tuple, tuple, dict[str, Handler]]]] = {}

    def add(self, pattern: str, **handlers: Handler) -> None:
        """``add("tenants/{tenant}/", GET=list_groups)``: pattern relative to the prefix."""
        parts = pattern.split("/")
        literals = tuple((i, p) for i, p in enumerate(parts) if not p.startswith("{"))
        params = tuple((i, p[1:-1]) for i, p in enumerate(parts) if p.startswith("{"))
        self._routes.setdefault(len(parts), []).append((literals, params, handlers))

    def match(self, segments: list[str]) -> tuple[dict[str, Handler], dict[str, str]] | None:
        for literals, params, handlers in self._routes.get(len(segments), ()):
            for i, text in literals:
                if segments[i] != text:
                    break
            else:
                values = {name: segments[i] for i, name in params}
                if all(values.values()):
                    return handlers, values
        return None
