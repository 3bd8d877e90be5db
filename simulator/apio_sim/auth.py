"""Tokens of APIO core (JWT access/refresh) and of the portal's OAuth2 endpoint.

Tokens are HS256 JWTs with ``exp`` in the payload, as clients may read it, but
the server trusts only its own table: that is what lets ``expire_tokens``
revoke them mid-run and keeps validation a dict lookup.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import time

ACCESS = "access"
REFRESH = "refresh"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class TokenTable:
    """Issued tokens: token -> (subject, kind, expires_at)."""

    _HEADER = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())

    def __init__(self, issuer: str) -> None:
        self.issuer = issuer
        self._secret = os.urandom(32)
        self._ids = itertools.count(1)
        self._tokens: dict[str, tuple[str, str, float]] = {}

    def issue(self, subject: str, kind: str, ttl: float) -> str:
        now = time.time()
        exp = now + ttl
        payload = {
            "iss": self.issuer,
            "sub": subject,
            "typ": kind,
            "iat": int(now),
            "exp": int(exp),
            "jti": next(self._ids),
        }
        signing_input = f"{self._HEADER}.{_b64(json.dumps(payload, separators=(',', ':')).encode())}"
        sig = hmac.new(self._secret, signing_input.encode("ascii"), hashlib.sha256).digest()
        token = f"{signing_input}.{_b64(sig)}"
        self._tokens[token] = (subject, kind, exp)
        if len(self._tokens) % 1024 == 0:
            self._purge(now)
        return token

    def check(self, token: str, kind: str) -> str | None:
        """The subject of a live token of this kind, else None."""
        entry = self._tokens.get(token)
        if entry is None or entry[1] != kind or entry[2] <= time.time():
            return None
        return entry[0]

    def expire(self, kinds: tuple[str, ...] = (ACCESS,)) -> int:
        """Revoke every token of these kinds; returns how many."""
        doomed = [t for t, e in self._tokens.items() if e[1] in kinds]
        for t in doomed:
            del self._tokens[t]
        return len(doomed)

    def clear(self) -> None:
        self._tokens.clear()

    def _purge(self, now: float) -> None:
        for t in [t for t, e in self._tokens.items() if e[2] <= now]:
            del self._tokens[t]


def bearer(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header."""
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None
