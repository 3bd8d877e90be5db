"""Fault injection for the API routes (never for ``/_sim/``).

Faults are decided *before* the route runs, so a faulted request (error,
429, drop, hang) never changes state: a client that retries it is safe.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass, field

# What a fault does to one request.
PASS = "pass"
DROP = "drop"
HANG = "hang"
RATE_LIMIT = "rate_limit"
ERROR = "error"


@dataclass
class FaultConfig:
    latency_ms: float = 0
    jitter_ms: float = 0
    error_rate: float = 0.0
    error_codes: list[int] = field(default_factory=lambda: [500, 502, 503])
    rate_limit_every: int = 0
    rate_limit_burst: int = 1
    retry_after: int = 1
    drop_rate: float = 0.0
    hang: bool = False
    # Narrow the faults to some requests (empty: all API requests).
    methods: list[str] = field(default_factory=list)
    path_contains: str = ""

    def to_json(self) -> dict:
        return asdict(self)

    def update(self, data: dict) -> None:
        """Apply a partial update; ValueError names the first bad field."""
        if not isinstance(data, dict):
            raise ValueError("faults: expected an object")
        new = asdict(self)
        for name, value in data.items():
            check = _CHECKS.get(name)
            if check is None:
                raise ValueError(f"faults: unknown field {name!r}")
            if not check(value):
                raise ValueError(f"faults: bad value for {name!r}: {value!r}")
            new[name] = value
        for name, value in new.items():
            setattr(self, name, value)
        self.methods = [m.upper() for m in self.methods]

    @property
    def active(self) -> bool:
        return bool(
            self.latency_ms or self.jitter_ms or self.error_rate or self.rate_limit_every or self.drop_rate or self.hang
        )


def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0


def _count(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


_CHECKS = {
    "latency_ms": _number,
    "jitter_ms": _number,
    "error_rate": lambda v: _number(v) and v <= 1,
    "error_codes": lambda v: isinstance(v, list) and bool(v) and all(_count(c) and 100 <= c <= 599 for c in v),
    "rate_limit_every": _count,
    "rate_limit_burst": lambda v: _count(v) and v >= 1,
    "retry_after": _count,
    "drop_rate": lambda v: _number(v) and v <= 1,
    "hang": lambda v: isinstance(v, bool),
    "methods": lambda v: isinstance(v, list) and all(isinstance(m, str) for m in v),
    "path_contains": lambda v: isinstance(v, str),
}


class FaultInjector:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = seed
        self.config = FaultConfig()
        self.reset()

    def reset(self, config: FaultConfig | None = None) -> None:
        self.config = config or FaultConfig()
        self.rng = random.Random(self.seed)
        self._count = 0  # API requests seen by the rate limiter

    def configure(self, data: dict) -> None:
        """``PUT /_sim/faults``: a partial update; the rate-limit count starts over."""
        self.config.update(data)
        self._count = 0

    def decide(self, method: str, path: str) -> tuple[str, float, int]:
        """(action, delay in seconds, error status) for one API request."""
        c = self.config
        if not c.active:
            return PASS, 0.0, 0
        if (c.methods and method not in c.methods) or (c.path_contains and c.path_contains not in path):
            return PASS, 0.0, 0
        if c.hang:
            return HANG, 0.0, 0
        delay = (c.latency_ms + (self.rng.uniform(0, c.jitter_ms) if c.jitter_ms else 0)) / 1000.0
        if c.drop_rate and self.rng.random() < c.drop_rate:
            return DROP, delay, 0
        if c.rate_limit_every:
            self._count += 1
            if (self._count - 1) % c.rate_limit_every >= c.rate_limit_every - c.rate_limit_burst:
                return RATE_LIMIT, delay, 429
        if c.error_rate and self.rng.random() < c.error_rate:
            return ERROR, delay, self.rng.choice(c.error_codes)
        return PASS, delay, 0
